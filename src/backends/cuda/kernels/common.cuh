// What the CUDA kernels share: the launch shape of a grid-stride loop over n elements.
#pragma once

#include <algorithm>
#include <cstdint>

namespace hone::cuda::kernels {

inline constexpr int kThreads = 256;

/// Blocks for a grid-stride loop over n items: one thread each up to a million threads
/// (enough to fill any GPU), then several per thread.
inline unsigned blocks_for(int64_t n) {
  return static_cast<unsigned>(std::clamp<int64_t>((n + kThreads - 1) / kThreads, 1, 4096));
}

}  // namespace hone::cuda::kernels
