// The pooling bodies of pool.hpp written once over a SIMD vector type V; included only by
// pool_{baseline,avx2,avx512}.cpp, each instantiating them with its own V.
//
// Rows of windows are reduced in two passes through padded row buffers:
//
//   input rows ih of the window ──(vertical max/sum)──► row[pad_left + iw]   (fill outside)
//   row[ow * stride_w + kw * dilation_w], kw < kernel_w ──(horizontal)──► y[oh][ow]
//
// so an output costs kernel_h + kernel_w operations instead of kernel_h * kernel_w, and the
// horizontal pass is a few unaligned (stride 1) or deinterleaving (stride 2) loads per vector
// of outputs. Max takes max(v, acc) = v > acc ? v : acc, the reference's update, in the
// reference's order along each axis: finite values give the same bits.
#pragma once

#include <cstddef>
#include <cstdint>

#include "backends/cpu/kernels/pool.hpp"

namespace hone::cpu::simd {

template <class V, int64_t kStride>
V load_strided(const float* p) {
  if constexpr (kStride == 1) return V::load(p);
  else return V::load_even(p);
}

// The horizontal pass of one output row for stride 1 or 2.
template <class V, int64_t kStride>
void pool_horizontal(const Pool2d& g, const float* row, const float* col_count, float row_count, float* y) {
  constexpr int64_t L = static_cast<int64_t>(V::kLanes);
  const V one = V::broadcast(1.0f), rc = V::broadcast(row_count);
  for (int64_t ow = 0; ow < g.out_w; ow += L) {
    const float* b = row + ow * kStride;
    V acc = load_strided<V, kStride>(b);
    for (int64_t kw = 1; kw < g.kernel_w; ++kw) {
      const V v = load_strided<V, kStride>(b + kw * g.dilation_w);
      acc = g.average ? acc + v : max(v, acc);
    }
    if (g.average) acc = acc / max(rc * V::load(col_count + ow), one);  // an empty window is 0 / 1
    if (ow + L <= g.out_w) acc.store(y + ow);
    else acc.store_partial(y + ow, static_cast<size_t>(g.out_w - ow));
  }
}

template <class V>
void pool_rows(const Pool2d& g, const float* x, float* y, int64_t oh_begin, int64_t oh_end) {
  constexpr int64_t L = static_cast<int64_t>(V::kLanes);
  // Rows of windows go through the buffer a block at a time: every vertical pass of the
  // block, then every horizontal one, so the horizontal pass's unaligned loads never wait on
  // the vertical pass's stores still in flight (store forwarding fails across two stores).
  alignas(64) float buf[kPoolRowCapacity];
  alignas(64) float col_count[kPoolRowCapacity];
  const float fill = g.average ? 0.0f : -__builtin_inff();
  const int64_t span = (g.out_w - 1) * g.stride_w + (g.kernel_w - 1) * g.dilation_w + 1;
  // A row's length with slack for vector reads past its last window, in whole vectors of 16.
  const int64_t pitch = (span + 2 * L + 15) / 16 * 16;
  const int64_t block_rows = kPoolRowCapacity / pitch;
  // row[t] holds input column t - pad_left; only the columns some window reads are computed,
  // the others keep `fill`.
  const int64_t first = g.pad_left;
  int64_t cols = span - first < g.in_w ? span - first : g.in_w;
  if (cols < 0) cols = 0;
  const int64_t used = (oh_end - oh_begin < block_rows ? oh_end - oh_begin : block_rows) * pitch;
  const V fill_v = V::broadcast(fill);
  for (int64_t t = 0; t < used; t += L) fill_v.store(buf + t);

  // Positions counted per window (AveragePool): inside the input, or inside the padded input.
  const bool pad = g.count_include_pad;
  const int64_t lo_w = pad ? -g.pad_left : 0, hi_w = pad ? g.in_w + g.pad_right : g.in_w;
  const int64_t lo_h = pad ? -g.pad_top : 0, hi_h = pad ? g.in_h + g.pad_bottom : g.in_h;
  if (g.average) {
    for (int64_t ow = 0; ow < g.out_w; ++ow) {
      int64_t n = 0;
      for (int64_t kw = 0; kw < g.kernel_w; ++kw) {
        const int64_t c = ow * g.stride_w - g.pad_left + kw * g.dilation_w;
        n += c >= lo_w && c < hi_w ? 1 : 0;
      }
      col_count[ow] = static_cast<float>(n);
    }
    for (int64_t ow = g.out_w; ow < g.out_w + L; ++ow) col_count[ow] = 1.0f;
  }

  for (int64_t oh0 = oh_begin; oh0 < oh_end; oh0 += block_rows) {
    const int64_t oh1 = oh_end - oh0 < block_rows ? oh_end : oh0 + block_rows;
    // Vertical passes over each window's input rows, a vector of columns at a time with the
    // rows reduced in a register (full vectors, then one partial: planes are often narrower
    // than two vectors).
    for (int64_t oh = oh0; oh < oh1; ++oh) {
      float* dst = buf + (oh - oh0) * pitch + first;
      const int64_t ih0 = oh * g.stride_h - g.pad_top;
      for (int64_t i = 0; i < cols; i += L) {
        const size_t k = static_cast<size_t>(cols - i < L ? cols - i : L);
        V acc = fill_v;
        bool any = false;
        for (int64_t kh = 0; kh < g.kernel_h; ++kh) {
          const int64_t ih = ih0 + kh * g.dilation_h;
          if (ih < 0 || ih >= g.in_h) continue;
          const float* src = x + ih * g.in_w + i;
          const V v = k == V::kLanes ? V::load(src) : V::load_partial(src, k);
          acc = !any ? v : g.average ? acc + v : max(v, acc);
          any = true;
        }
        if (k == V::kLanes) acc.store(dst + i);
        else acc.store_partial(dst + i, k);
      }
    }
    // Horizontal passes.
    for (int64_t oh = oh0; oh < oh1; ++oh) {
      const float* row = buf + (oh - oh0) * pitch;
      float* yr = y + oh * g.out_w;
      int64_t row_count = 0;
      for (int64_t kh = 0; kh < g.kernel_h; ++kh) {
        const int64_t ih = oh * g.stride_h - g.pad_top + kh * g.dilation_h;
        row_count += ih >= lo_h && ih < hi_h ? 1 : 0;
      }
      const float rc = static_cast<float>(row_count);
      if (g.stride_w == 1) {
        pool_horizontal<V, 1>(g, row, col_count, rc, yr);
      } else if (g.stride_w == 2) {
        pool_horizontal<V, 2>(g, row, col_count, rc, yr);
      } else {
        for (int64_t ow = 0; ow < g.out_w; ++ow) {
          const float* b = row + ow * g.stride_w;
          float acc = b[0];
          for (int64_t kw = 1; kw < g.kernel_w; ++kw) {
            const float v = b[kw * g.dilation_w];
            acc = g.average ? acc + v : (v > acc ? v : acc);
          }
          if (g.average) {
            const float n = rc * col_count[ow];
            acc = acc / (n > 1.0f ? n : 1.0f);
          }
          yr[ow] = acc;
        }
      }
    }
  }
}

// Pooling of planes of `lanes`-float vectors (the blocked layout NCHW[b]c: a 3-D pool whose
// last axis has kernel 1): each output vector reduces the window's input vectors, skipping
// taps outside the input. lanes is a multiple of the vector width or below it.
template <class V>
void pool_vectors(const Pool2d& g, int64_t lanes, const float* x, float* y, int64_t oh_begin, int64_t oh_end) {
  constexpr int64_t L = static_cast<int64_t>(V::kLanes);
  const V fill = V::broadcast(g.average ? 0.0f : -__builtin_inff());
  const bool pad = g.count_include_pad;
  const int64_t lo_w = pad ? -g.pad_left : 0, hi_w = pad ? g.in_w + g.pad_right : g.in_w;
  const int64_t lo_h = pad ? -g.pad_top : 0, hi_h = pad ? g.in_h + g.pad_bottom : g.in_h;
  // Output columns [ow_lo, ow_hi) have every tap inside the input: no per-column bounds.
  int64_t ow_lo = 0, ow_hi = g.out_w;
  while (ow_lo < g.out_w && ow_lo * g.stride_w - g.pad_left < 0) ++ow_lo;
  while (ow_hi > ow_lo && (ow_hi - 1) * g.stride_w - g.pad_left + (g.kernel_w - 1) * g.dilation_w >= g.in_w) --ow_hi;
  for (int64_t oh = oh_begin; oh < oh_end; ++oh) {
    const int64_t ih0 = oh * g.stride_h - g.pad_top;
    int64_t kh0 = 0, kh1 = g.kernel_h, rows = 0;
    while (kh0 < kh1 && ih0 + kh0 * g.dilation_h < 0) ++kh0;
    while (kh1 > kh0 && ih0 + (kh1 - 1) * g.dilation_h >= g.in_h) --kh1;
    for (int64_t kh = 0; kh < g.kernel_h; ++kh) {
      const int64_t ih = ih0 + kh * g.dilation_h;
      rows += ih >= lo_h && ih < hi_h ? 1 : 0;
    }
    for (int64_t ow = 0; ow < g.out_w; ++ow) {
      const int64_t iw0 = ow * g.stride_w - g.pad_left;
      int64_t kw0 = 0, kw1 = g.kernel_w, cols = g.kernel_w;
      if (ow < ow_lo || ow >= ow_hi) {
        while (kw0 < kw1 && iw0 + kw0 * g.dilation_w < 0) ++kw0;
        while (kw1 > kw0 && iw0 + (kw1 - 1) * g.dilation_w >= g.in_w) --kw1;
        cols = 0;
        for (int64_t kw = 0; kw < g.kernel_w; ++kw) {
          const int64_t iw = iw0 + kw * g.dilation_w;
          cols += iw >= lo_w && iw < hi_w ? 1 : 0;
        }
      }
      const float n = static_cast<float>(rows * cols);
      const V count = V::broadcast(n > 1.0f ? n : 1.0f);  // an empty window is 0 / 1
      float* out = y + (oh * g.out_w + ow) * lanes;
      if (lanes == L && !g.average) {
        // One vector per pixel (the blocked layout's MaxPool): the window's loads only.
        V acc = fill;
        for (int64_t kh = kh0; kh < kh1; ++kh) {
          const float* row = x + ((ih0 + kh * g.dilation_h) * g.in_w + iw0) * L;
          for (int64_t kw = kw0; kw < kw1; ++kw) acc = max(V::load(row + kw * g.dilation_w * L), acc);
        }
        acc.store(out);
        continue;
      }
      for (int64_t j = 0; j < lanes; j += L) {
        const size_t k = static_cast<size_t>(lanes - j < L ? lanes - j : L);
        V acc = fill;
        for (int64_t kh = kh0; kh < kh1; ++kh) {
          const float* row = x + (ih0 + kh * g.dilation_h) * g.in_w * lanes + j;
          for (int64_t kw = kw0; kw < kw1; ++kw) {
            const float* src = row + (iw0 + kw * g.dilation_w) * lanes;
            const V v = k == V::kLanes ? V::load(src) : V::load_partial(src, k);
            acc = g.average ? acc + v : max(v, acc);
          }
        }
        if (g.average) acc = acc / count;
        if (k == V::kLanes) acc.store(out + j);
        else acc.store_partial(out + j, k);
      }
    }
  }
}

template <class V>
void global_pool(bool average, const float* x, float* y, size_t planes, size_t plane) {
  constexpr size_t L = V::kLanes;
  for (size_t p = 0; p < planes; ++p) {
    const float* src = x + p * plane;
    size_t i = 0;
    if (average) {
      V a0 = V::zero(), a1 = V::zero(), a2 = V::zero(), a3 = V::zero();
      for (; i + 4 * L <= plane; i += 4 * L) {
        a0 = a0 + V::load(src + i);
        a1 = a1 + V::load(src + i + L);
        a2 = a2 + V::load(src + i + 2 * L);
        a3 = a3 + V::load(src + i + 3 * L);
      }
      for (; i + L <= plane; i += L) a0 = a0 + V::load(src + i);
      float s = reduce_add((a0 + a1) + (a2 + a3));
      for (; i < plane; ++i) s += src[i];
      y[p] = s / static_cast<float>(plane);
    } else {
      // max(v, acc) keeps acc when v is NaN: the reference's std::max(acc, v) skips NaN too.
      const V lowest = V::broadcast(-__builtin_inff());
      V m0 = lowest, m1 = lowest, m2 = lowest, m3 = lowest;
      for (; i + 4 * L <= plane; i += 4 * L) {
        m0 = max(V::load(src + i), m0);
        m1 = max(V::load(src + i + L), m1);
        m2 = max(V::load(src + i + 2 * L), m2);
        m3 = max(V::load(src + i + 3 * L), m3);
      }
      for (; i + L <= plane; i += L) m0 = max(V::load(src + i), m0);
      float m = reduce_max(max(max(m0, m1), max(m2, m3)));
      for (; i < plane; ++i) m = src[i] > m ? src[i] : m;
      y[p] = m;
    }
  }
}

}  // namespace hone::cpu::simd
