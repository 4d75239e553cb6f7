// The plane transpose of transpose.hpp over a register tile: included by transpose_{baseline,
// avx2,avx512}.cpp, each passing its ISA's tile type T with
//   static constexpr size_t kTile;  static void run(src, src_stride, dst, dst_stride);
// (a full kTile x kTile tile). Edges that do not fill a tile are moved element by element.
#pragma once

#include <cstddef>

namespace hone::cpu::simd {

template <class T>
void transpose_plane(const float* src, size_t src_stride, float* dst, size_t dst_stride, size_t rows, size_t cols) {
  constexpr size_t K = T::kTile;
  // Tiles row-block by column-block: a tile's K source rows and K destination rows are
  // touched once each, in cache-line-sized pieces.
  size_t r = 0;
  for (; r + K <= rows; r += K) {
    size_t c = 0;
    for (; c + K <= cols; c += K) T::run(src + r * src_stride + c, src_stride, dst + c * dst_stride + r, dst_stride);
    for (; c < cols; ++c) {
      for (size_t i = 0; i < K; ++i) dst[c * dst_stride + r + i] = src[(r + i) * src_stride + c];
    }
  }
  for (; r < rows; ++r) {
    for (size_t c = 0; c < cols; ++c) dst[c * dst_stride + r] = src[r * src_stride + c];
  }
}

}  // namespace hone::cpu::simd
