// The blocked channel layout NCHW[b]c ("nChw16c") that the CPU backend's layout planning puts
// between layers whose kernels read and write it (src/passes/layout_planning.cpp):
//
//   plain   [N, C, d1..dk]             element (n, c, i)
//   blocked [N, ceil(C/b), d1..dk, b]  at [n, c / b, i, c % b]
//
// so the b channels of one position are contiguous: one SIMD register (b = 16 floats on
// AVX-512, 8 on AVX2). Lanes past C in the last block are padding: reorders and blocked
// convolutions write them as zeros; other ops may leave any value there; every op reading a
// blocked tensor ignores them.
#pragma once

#include <cstdint>

#include "core/tensor.hpp"
#include "hone/status.hpp"
#include "ir/type.hpp"

namespace hone::ops {

/// The most input channels a FusedConvBlocked input transform (inputs S, T) may have: the CPU
/// kernel keeps a tile's transformed pixels on the stack; input_affine_fusion fuses no more.
inline constexpr int64_t kMaxInputTransformChannels = 1024;

/// The blocked shape of plain `shape` ([N, C, ...], rank >= 2) with block `block`.
Shape blocked_shape(const Shape& shape, int64_t block);
/// The same for an IR shape (unknown dims stay unknown; C must be known for a known Cb).
ir::TensorShape blocked_shape(const ir::TensorShape& shape, int64_t block);
/// The plain shape of blocked `shape` ([N, Cb, ..., block]) holding `channels` channels.
Shape plain_shape(const Shape& blocked, int64_t channels);
ir::TensorShape plain_shape(const ir::TensorShape& blocked, int64_t channels);

/// x (plain) in the blocked layout, padding zero. Any element type.
Result<Tensor> to_blocked(const Tensor& x, int64_t block);
/// x (blocked, last dim `block`) back to plain with `channels` channels.
Result<Tensor> from_blocked(const Tensor& x, int64_t channels);

}  // namespace hone::ops
