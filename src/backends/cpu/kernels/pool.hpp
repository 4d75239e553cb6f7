// 2-D pooling over float planes for the CPU tactics (pool.cpp): MaxPool and AveragePool with
// any kernel, stride, dilation and padding, and the global pools. One body over the SIMD
// vector types (pool_impl.hpp) per ISA level; these are the plain entry points.
#pragma once

#include <cstddef>
#include <cstdint>

#include "backends/cpu/dispatch.hpp"

namespace hone::cpu {

/// One plane's window geometry (ops/conv_geometry.hpp's, resolved): output (oh, ow) reduces
/// x[oh * stride_h - pad_top + kh * dilation_h][ow * stride_w - pad_left + kw * dilation_w]
/// over the positions inside the input.
struct Pool2d {
  int64_t in_h = 0, in_w = 0, out_h = 0, out_w = 0;
  int64_t kernel_h = 1, kernel_w = 1, stride_h = 1, stride_w = 1, dilation_h = 1, dilation_w = 1;
  int64_t pad_top = 0, pad_left = 0, pad_bottom = 0, pad_right = 0;
  bool average = false;            // AveragePool (else MaxPool)
  bool count_include_pad = false;  // AveragePool divides by the positions inside the padded input
};

/// Floats of the stack buffer rows of windows are reduced through (as many padded rows at a
/// time as fit): a plane's padded row may be at most this wide.
inline constexpr int64_t kPoolRowCapacity = 4096;
/// Whether the kernels take this geometry (the row buffer holds it).
bool pool_fits(const Pool2d& g);

/// Output rows [oh_begin, oh_end) of one plane: y is the plane's output, x its input.
///   MaxPool:     the maximum of the window's positions inside the input (-inf if none);
///   AveragePool: their sum over their count (count_include_pad: the positions inside the
///                padded input), 0 if none.
/// Separable: each output row first reduces its window's input rows into a padded row, then
/// each output reduces its span of that row (vectorized for strides 1 and 2).
void pool_rows(CpuIsa isa, const Pool2d& g, const float* x, float* y, int64_t oh_begin, int64_t oh_end);

/// Output rows [oh_begin, oh_end) of one plane of `lanes`-float vectors (x [in_h, in_w, lanes],
/// y [out_h, out_w, lanes]: the blocked layout's pools, kernel 1 on the last axis), with the
/// semantics of pool_rows per lane.
void pool_vector_rows(CpuIsa isa, const Pool2d& g, int64_t lanes, const float* x, float* y, int64_t oh_begin,
                      int64_t oh_end);

/// y[p] = max or mean of x[p * plane, (p + 1) * plane) for p < planes (max ignores NaN, as
/// the reference's std::max does).
void global_pool(CpuIsa isa, bool average, const float* x, float* y, size_t planes, size_t plane);

#define HONE_POOL_ISA(ns)                                                                          \
  namespace ns {                                                                                   \
  void pool_rows(const Pool2d& g, const float* x, float* y, int64_t oh_begin, int64_t oh_end);     \
  void global_pool(bool average, const float* x, float* y, size_t planes, size_t plane);           \
  void pool_vector_rows(const Pool2d& g, int64_t lanes, const float* x, float* y, int64_t oh_begin,  \
                        int64_t oh_end);                                                           \
  }
HONE_POOL_ISA(baseline)
HONE_POOL_ISA(avx2)
HONE_POOL_ISA(avx512)
#undef HONE_POOL_ISA

}  // namespace hone::cpu
