// The Winograd F(4x4, 3x3) blocked convolution written once over a SIMD vector type V of b
// lanes (conv/conv_winograd.hpp explains the scheme and the buffers), instantiated by
// conv/conv_winograd_avx512.cpp and conv_winograd_avx2.cpp. Only ISA files include this.
//
// Every vector holds the b channels of one block, so the transforms are the 1-D formulas
// below applied lane-wise, first down the 6 rows of a tile and then along the 6 columns. The
// GEMMs use the direct kernel's register blocking: R tiles by one or two output blocks of
// accumulators, one broadcast value of a tile's V times one U vector per output block.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>

#include "backends/cpu/conv/conv_winograd.hpp"
#include "backends/cpu/simd/activation_impl.hpp"
#include "backends/cpu/simd/conv_nchwc_impl.hpp"  // pad_input

namespace hone::cpu::simd {

// B^T d for one column d0..d5 of an input tile:
//   B^T = | 4  0 -5  0  1  0 |
//         | 0 -4 -4  1  1  0 |
//         | 0  4 -4 -1  1  0 |
//         | 0 -2 -1  2  1  0 |
//         | 0  2 -1 -2  1  0 |
//         | 0  4  0 -5  0  1 |
template <class V>
void winograd_input_1d(const V* d, V* t) {
  const V four = V::broadcast(4.0f), two = V::broadcast(2.0f);
  const V neg4 = V::broadcast(-4.0f), neg5 = V::broadcast(-5.0f), neg2 = V::broadcast(-2.0f);
  const V d4_d2 = d[4] - d[2];
  t[0] = fmadd(four, d[0], fmadd(neg5, d[2], d[4]));
  t[1] = fmadd(neg4, d[1] + d[2], d[3] + d[4]);
  t[2] = fmadd(four, d[1] - d[2], d[4] - d[3]);
  t[3] = fmadd(two, d[3] - d[1], d4_d2);
  t[4] = fmadd(neg2, d[3] - d[1], d4_d2);
  t[5] = fmadd(four, d[1], fmadd(neg5, d[3], d[5]));
}

// A^T m for one column m0..m5 of a product tile:
//   A^T = | 1  1  1  1  1  0 |
//         | 0  1 -1  2 -2  0 |
//         | 0  1  1  4  4  0 |
//         | 0  1 -1  8 -8  1 |
template <class V>
void winograd_output_1d(const V* m, V* o) {
  const V two = V::broadcast(2.0f), four = V::broadcast(4.0f), eight = V::broadcast(8.0f);
  const V s12 = m[1] + m[2], d12 = m[1] - m[2], s34 = m[3] + m[4], d34 = m[3] - m[4];
  o[0] = m[0] + s12 + s34;
  o[1] = fmadd(two, d34, d12);
  o[2] = fmadd(four, s34, s12);
  o[3] = fmadd(eight, d34, d12) + m[5];
}

template <class V, int R2, int R1>
struct WinogradKernel {
  static constexpr int64_t kB = static_cast<int64_t>(V::kLanes);
  static constexpr int64_t kPoints = 36;
  const NchwcConv& c;
  const WinogradPlan& p;
  int64_t in_blocks, out_blocks;
  // X as the tiles read it, src_rows x src_cols per plane: the padded copy (tile (ty, tx)
  // starts at row 4 ty, column 4 tx), or X itself (it starts at 4 ty - off_top, 4 tx -
  // off_left: the pads).
  const float* x;
  int64_t src_rows = 0, src_cols = 0, off_top = 0, off_left = 0;
  float* v;        // [36][in_blocks][chunk][b]
  float* m;        // [36][out_blocks][chunk][b]

  WinogradKernel(const NchwcConv& conv, const WinogradPlan& plan) : c(conv), p(plan) {
    in_blocks = (c.in_channels + kB - 1) / kB;
    out_blocks = (c.out_channels + kB - 1) / kB;
  }

  // V of tile t (global number) for input block ib into chunk slot s.
  void input_tile(int64_t t, int64_t s, int64_t ib) const {
    float* dst = v + (ib * p.chunk + s) * kB;
    const int64_t point_stride = in_blocks * p.chunk * kB;
    const int64_t tx = t % p.tiles_w, ty = (t / p.tiles_w) % p.tiles_h, n = t / (p.tiles_w * p.tiles_h);
    const int64_t r0 = 4 * ty - off_top, c0 = 4 * tx - off_left;
    const float* plane = x + (n * in_blocks + ib) * src_rows * src_cols * kB;
    const bool inside = r0 >= 0 && c0 >= 0 && r0 + 6 <= src_rows && c0 + 6 <= src_cols;
    V tmp[6][6];
    for (int j = 0; j < 6; ++j) {
      V d[6], r[6];
      if (inside) {
        for (int i = 0; i < 6; ++i) d[i] = V::load(plane + ((r0 + i) * src_cols + c0 + j) * kB);
      } else {
        // A tile over the image's border (the zero padding, or past the last row/column).
        const int64_t col = c0 + j;
        for (int i = 0; i < 6; ++i) {
          const int64_t row = r0 + i;
          d[i] = row >= 0 && row < src_rows && col >= 0 && col < src_cols
                     ? V::load(plane + (row * src_cols + col) * kB)
                     : V::zero();
        }
      }
      winograd_input_1d(d, r);
      for (int i = 0; i < 6; ++i) tmp[i][j] = r[i];
    }
    for (int i = 0; i < 6; ++i) {
      V r[6];
      winograd_input_1d(tmp[i], r);
      for (int k = 0; k < 6; ++k) r[k].store(dst + (i * 6 + k) * point_stride);
    }
  }

  // M[xi] for chunk slots s0 .. s0+R-1 and output blocks ob0 .. ob0+OB-1.
  template <int R, int OB>
  void gemm_tile(int64_t xi, int64_t ob0, int64_t s0) const {
    V acc[OB][R];
    for (int o = 0; o < OB; ++o) {
      for (int r = 0; r < R; ++r) acc[o][r] = V::zero();
    }
    const int64_t pair = in_blocks * kB * kB;  // U floats of one (xi, ob)
    const float* u = c.weights + (xi * out_blocks + ob0) * pair;
    const float* vb = v + (xi * in_blocks * p.chunk + s0) * kB;
    for (int64_t ib = 0; ib < in_blocks; ++ib) {
      const int64_t lanes = std::min<int64_t>(kB, c.in_channels - ib * kB);
      const float* ui = u + ib * kB * kB;
      const float* vi = vb + ib * p.chunk * kB;
      for (int64_t i = 0; i < lanes; ++i) {
        V w[OB];
        for (int o = 0; o < OB; ++o) w[o] = V::load(ui + o * pair + i * kB);
        for (int r = 0; r < R; ++r) {
          const V xv = V::broadcast(vi[r * kB + i]);
          for (int o = 0; o < OB; ++o) acc[o][r] = fmadd(w[o], xv, acc[o][r]);
        }
      }
    }
    for (int o = 0; o < OB; ++o) {
      float* dst = m + ((xi * out_blocks + ob0 + o) * p.chunk + s0) * kB;
      for (int r = 0; r < R; ++r) acc[o][r].store(dst + r * kB);
    }
  }

  // gemm_tile<width, OB> for a run-time width in 1..R.
  template <int R, int OB>
  void gemm_width(int64_t xi, int64_t ob0, int64_t s, int64_t width) const {
    if constexpr (R > 1) {
      if (width < R) return gemm_width<R - 1, OB>(xi, ob0, s, width);
    }
    gemm_tile<R, OB>(xi, ob0, s);
  }

  // All `count` slots of a chunk for one point and output block group, in register tiles of
  // at most R slots and balanced widths: 16 slots with R = 14 as 8 + 8, not 14 + 2.
  template <int R, int OB>
  void gemm_slots(int64_t xi, int64_t ob0, int64_t count) const {
    const int64_t groups = (count + R - 1) / R, width = (count + groups - 1) / groups;
    for (int64_t s = 0; s < count; s += width) gemm_width<R, OB>(xi, ob0, s, std::min(width, count - s));
  }

  // v[0..n) through activation a: the common kinds inline, the others per vector.
  static void activate(const ops::Activation& a, V* v, int n) {
    switch (a.kind) {
      case ops::ActivationKind::None: return;
      case ops::ActivationKind::Relu:
        for (int i = 0; i < n; ++i) v[i] = max(V::zero(), v[i]);
        return;
      default: {
        const V alpha = V::broadcast(a.alpha), beta = V::broadcast(a.beta);
        for (int i = 0; i < n; ++i) v[i] = apply_activation(a.kind, alpha, beta, v[i]);
      }
    }
  }

  // Y of tile t (chunk slot s) for output block ob: A^T M A + bias, then the epilogue in the
  // direct kernel's order (activation, + Z, post activation, lanes past M zeroed) on the
  // tile's real pixels. NOTE: not NchwcKernel::store(), whose per-vector activation call
  // cost 8% of the layer here; the activations are the same apply_activation().
  void output_tile(int64_t t, int64_t s, int64_t ob) const {
    const int64_t point_stride = out_blocks * p.chunk * kB;
    const float* src = m + (ob * p.chunk + s) * kB;
    V tmp[4][6];
    for (int j = 0; j < 6; ++j) {
      V col[6], r[4];
      for (int i = 0; i < 6; ++i) col[i] = V::load(src + (i * 6 + j) * point_stride);
      winograd_output_1d(col, r);
      for (int i = 0; i < 4; ++i) tmp[i][j] = r[i];
    }
    const V bias = V::load(c.bias + ob * kB);
    V y[4][4];
    for (int i = 0; i < 4; ++i) {
      winograd_output_1d(tmp[i], y[i]);
      for (int k = 0; k < 4; ++k) y[i][k] = y[i][k] + bias;
    }
    const int64_t tx = t % p.tiles_w, ty = (t / p.tiles_w) % p.tiles_h, n = t / (p.tiles_w * p.tiles_h);
    const int64_t rows = std::min<int64_t>(4, c.out_h - 4 * ty), cols = std::min<int64_t>(4, c.out_w - 4 * tx);
    const int64_t real = c.out_channels - ob * kB;
    activate(c.activation, &y[0][0], 16);
    for (int i = 0; i < rows; ++i) {
      const int64_t off = (((n * out_blocks + ob) * c.out_h + 4 * ty + i) * c.out_w + 4 * tx) * kB;
      if (c.z) {
        for (int k = 0; k < cols; ++k) y[i][k] = y[i][k] + V::load(c.z + off + k * kB);
      }
      activate(c.post_activation, y[i], static_cast<int>(cols));
      for (int k = 0; k < cols; ++k) {
        const V v = real < kB ? V::first_lanes(y[i][k], static_cast<size_t>(real)) : y[i][k];
        v.store(c.y + off + k * kB);
      }
    }
  }
};

/// The whole convolution: the padded copy of a plain X, then per chunk of tiles the three phases,
/// each split over the pool: input transform (tile, input block), GEMMs (point, output block
/// pair), output transform (tile, output block). The output transform of one chunk and the
/// input transform of the next share a loop (they touch M and V respectively), so a chunk
/// costs two of the pool's barriers, not three.
template <class V, int R2, int R1>
void winograd_f43_conv(const NchwcConv& conv, const WinogradPlan& plan, ThreadPool& pool) {
  WinogradKernel<V, R2, R1> k(conv, plan);
  float* ws = conv.workspace;
  if (plan.copy_input) {
    pad_input<V>(conv, plan.rows, plan.cols, static_cast<int64_t>(V::kLanes), ws, pool);
    k.x = ws;
    k.src_rows = plan.rows;
    k.src_cols = plan.cols;
  } else {
    // Blocked X in place: no copy pass, no extra read and write of X.
    k.x = conv.x;
    k.src_rows = conv.in_h;
    k.src_cols = conv.in_w;
    k.off_top = conv.pad_top;
    k.off_left = conv.pad_left;
  }
  k.v = ws + plan.input_floats;
  k.m = k.v + plan.v_floats;
  const int64_t pairs = (k.out_blocks + 1) / 2;
  int64_t done_t0 = 0, done_count = 0;  // the chunk whose products wait in M
  for (int64_t t0 = 0;; t0 += plan.chunk) {
    const int64_t count = std::clamp<int64_t>(plan.tiles - t0, 0, plan.chunk);
    // Items by block, then tile: consecutive items read overlapping windows of X and write
    // neighbouring slots of V (and for the output, of M and Y).
    const int64_t outputs = done_count * k.out_blocks;
    pool.parallel_for(static_cast<size_t>(outputs + count * k.in_blocks), [&](size_t item) {
      const int64_t i = static_cast<int64_t>(item);
      if (i < outputs) {
        k.output_tile(done_t0 + i % done_count, i % done_count, i / done_count);
      } else {
        k.input_tile(t0 + (i - outputs) % count, (i - outputs) % count, (i - outputs) / count);
      }
    });
    if (count == 0) break;
    pool.parallel_for(static_cast<size_t>(WinogradKernel<V, R2, R1>::kPoints * pairs), [&](size_t item) {
      const int64_t xi = static_cast<int64_t>(item) / pairs, ob0 = 2 * (static_cast<int64_t>(item) % pairs);
      if (ob0 + 1 < k.out_blocks) {
        k.template gemm_slots<R2, 2>(xi, ob0, count);
      } else {
        k.template gemm_slots<R1, 1>(xi, ob0, count);
      }
    });
    done_t0 = t0;
    done_count = count;
  }
}

}  // namespace hone::cpu::simd
