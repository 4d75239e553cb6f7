// The resize bodies of resize.hpp written once over a SIMD vector type V; included only by
// resize_{baseline,avx2,avx512}.cpp, each instantiating them with its own V.
#pragma once

#include <cstddef>
#include <cstdint>

#include "backends/cpu/kernels/resize.hpp"

namespace hone::cpu::simd {

template <class V>
void copy_row(const float* src, float* dst, int64_t n) {
  constexpr int64_t L = static_cast<int64_t>(V::kLanes);
  int64_t i = 0;
  for (; i + L <= n; i += L) V::load(src + i).store(dst + i);
  for (; i < n; ++i) dst[i] = src[i];
}

template <class V>
void resize_nearest_rows(const float* x, int64_t in_w, const int32_t* src_h, const int32_t* src_w, int64_t out_w,
                         bool double_w, float* y, int64_t oh_begin, int64_t oh_end) {
  constexpr int64_t L = static_cast<int64_t>(V::kLanes);
  for (int64_t oh = oh_begin; oh < oh_end; ++oh) {
    float* dst = y + oh * out_w;
    if (oh > oh_begin && src_h[oh] == src_h[oh - 1]) {
      copy_row<V>(dst - out_w, dst, out_w);
      continue;
    }
    const float* src = x + static_cast<int64_t>(src_h[oh]) * in_w;
    if (double_w) {
      // a0 a1 ... -> a0 a0 a1 a1 ...
      int64_t i = 0;
      for (; i + L <= in_w; i += L) {
        const V v = V::load(src + i);
        zip_lo(v, v).store(dst + 2 * i);
        zip_hi(v, v).store(dst + 2 * i + L);
      }
      for (; i < in_w; ++i) dst[2 * i] = dst[2 * i + 1] = src[i];
    } else {
      for (int64_t ow = 0; ow < out_w; ++ow) dst[ow] = src[src_w[ow]];
    }
  }
}

template <class V>
void resize_linear_rows(const float* x, int64_t in_w, const LinearTaps& h, const LinearTaps& w, int64_t out_w,
                        float* y, int64_t oh_begin, int64_t oh_end) {
  constexpr int64_t L = static_cast<int64_t>(V::kLanes);
  alignas(64) float row[kResizeRowCapacity];
  for (int64_t oh = oh_begin; oh < oh_end; ++oh) {
    const float* r0 = x + static_cast<int64_t>(h.i0[oh]) * in_w;
    const float* r1 = x + static_cast<int64_t>(h.i1[oh]) * in_w;
    const V a = V::broadcast(h.w0[oh]), b = V::broadcast(h.w1[oh]);
    int64_t i = 0;
    for (; i + L <= in_w; i += L) fmadd(a, V::load(r0 + i), b * V::load(r1 + i)).store(row + i);
    for (; i < in_w; ++i) row[i] = h.w0[oh] * r0[i] + h.w1[oh] * r1[i];
    float* dst = y + oh * out_w;
    for (int64_t ow = 0; ow < out_w; ++ow) dst[ow] = w.w0[ow] * row[w.i0[ow]] + w.w1[ow] * row[w.i1[ow]];
  }
}

}  // namespace hone::cpu::simd
