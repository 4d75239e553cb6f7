// 2-D resize of float planes for the CPU Resize tactic (resize.cpp): nearest neighbour by
// per-axis source index tables (with the 2x upsample of YOLOv8 as lane duplication and
// repeated rows as copies) and bilinear by per-axis taps. Bodies over the SIMD vector types
// in resize_impl.hpp, one instantiation per ISA level.
#pragma once

#include <cstddef>
#include <cstdint>

#include "backends/cpu/dispatch.hpp"

namespace hone::cpu {

/// One axis of a linear resize: output o = w0[o] * in[i0[o]] + w1[o] * in[i1[o]].
struct LinearTaps {
  const int32_t* i0;
  const int32_t* i1;
  const float* w0;
  const float* w1;
};

/// The widest input row a linear resize blends through its stack buffer.
inline constexpr int64_t kResizeRowCapacity = 4096;

/// Output rows [oh_begin, oh_end) of one plane by nearest neighbour: y[oh][ow] =
/// x[src_h[oh]][src_w[ow]]. `double_w`: src_w[ow] == ow / 2 and out_w == 2 * in_w (each input
/// element twice, in vectors). A row whose source row equals the previous one's is copied.
void resize_nearest_rows(CpuIsa isa, const float* x, int64_t in_w, const int32_t* src_h, const int32_t* src_w,
                         int64_t out_w, bool double_w, float* y, int64_t oh_begin, int64_t oh_end);

/// Output rows [oh_begin, oh_end) of one plane by linear interpolation: each output row blends
/// two input rows (vectorized), then each output blends two elements of that row.
void resize_linear_rows(CpuIsa isa, const float* x, int64_t in_w, const LinearTaps& h, const LinearTaps& w,
                        int64_t out_w, float* y, int64_t oh_begin, int64_t oh_end);

#define HONE_RESIZE_ISA(ns)                                                                                      \
  namespace ns {                                                                                                 \
  void resize_nearest_rows(const float* x, int64_t in_w, const int32_t* src_h, const int32_t* src_w,             \
                           int64_t out_w, bool double_w, float* y, int64_t oh_begin, int64_t oh_end);            \
  void resize_linear_rows(const float* x, int64_t in_w, const LinearTaps& h, const LinearTaps& w, int64_t out_w, \
                          float* y, int64_t oh_begin, int64_t oh_end);                                          \
  }
HONE_RESIZE_ISA(baseline)
HONE_RESIZE_ISA(avx2)
HONE_RESIZE_ISA(avx512)
#undef HONE_RESIZE_ISA

}  // namespace hone::cpu
