// Blocked float transposes for the CPU Transpose tactic (transpose.cpp): one plane
// dst[c][r] = src[r][c] through 16x16 (AVX-512) or 8x8 (AVX2) register tiles, scalar edges.
#pragma once

#include <cstddef>

#include "backends/cpu/dispatch.hpp"

namespace hone::cpu {

/// dst[c * dst_stride + r] = src[r * src_stride + c] for r < rows, c < cols (strides in floats).
void transpose_plane(CpuIsa isa, const float* src, size_t src_stride, float* dst, size_t dst_stride, size_t rows,
                     size_t cols);

#define HONE_TRANSPOSE_ISA(ns)                                                                            \
  namespace ns {                                                                                          \
  void transpose_plane(const float* src, size_t src_stride, float* dst, size_t dst_stride, size_t rows,   \
                       size_t cols);                                                                      \
  }
HONE_TRANSPOSE_ISA(baseline)
HONE_TRANSPOSE_ISA(avx2)
HONE_TRANSPOSE_ISA(avx512)
#undef HONE_TRANSPOSE_ISA

}  // namespace hone::cpu
