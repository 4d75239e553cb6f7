// The NCHW[b]c direct convolution written once over a SIMD vector type V of b lanes
// (conv/conv_nchwc.hpp explains the scheme), instantiated by conv/conv_nchwc_avx512.cpp and
// conv_nchwc_avx2.cpp. Only ISA files include this.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>

#include "backends/cpu/conv/conv_nchwc.hpp"
#include "backends/cpu/simd/activation_impl.hpp"

namespace hone::cpu::simd {

// Weight bytes up to which the work order assumes all of a layer's weights stay in L2.
inline constexpr int64_t kNchwcWeightsInCache = 512 * 1024;

template <class V>
struct NchwcKernel {
  static constexpr int64_t kB = static_cast<int64_t>(V::kLanes);
  const NchwcConv& c;
  int64_t in_blocks, out_blocks;
  // The X the tiles read: blocked, with `pad_top`/`pad_left` zero rows/columns before the
  // image (the padded copy, or X itself without pads): element (n, ib, row, col, lane).
  const float* x;
  int64_t rows, cols, pad_top, pad_left;
  // Floats between pixels of X: kB, or 4 for a plain input of at most 4 channels (its padded
  // copy keeps only those lanes: an RGB image's is 4 floats a pixel, not 16).
  int64_t px = kB;

  explicit NchwcKernel(const NchwcConv& conv) : c(conv) {
    in_blocks = (c.in_channels + kB - 1) / kB;
    out_blocks = (c.out_channels + kB - 1) / kB;
  }

  // The image and column X's first element holds (a tile's transformed copy starts at its
  // own image and first pixel).
  int64_t in_n0 = 0, in_col0 = 0;

  int64_t x_offset(int64_t n, int64_t ib, int64_t row, int64_t col) const {
    return ((((n - in_n0) * in_blocks + ib) * rows + row) * cols + col - in_col0) * px;
  }

  // Stores acc (output block ob, pixels (oh, ow0 + r) for r < count) through the epilogue,
  // the activation's kind fixed at compile time (K) so its math inlines into the loop.
  template <ops::ActivationKind K>
  void store_tile_as(const V* acc, int R, int64_t n, int64_t ob, int64_t oh, int64_t ow0, int64_t count) const {
    const V a = V::broadcast(c.activation.alpha), b = V::broadcast(c.activation.beta);
    const V pa = V::broadcast(c.post_activation.alpha), pb = V::broadcast(c.post_activation.beta);
    const ops::ActivationKind post = c.post_activation.kind;
    const int64_t real = c.out_channels - ob * kB;
    const int64_t base = (((n * out_blocks + ob) * c.out_h + oh) * c.out_w + ow0) * kB;
    for (int r = 0; r < R && r < count; ++r) {
      const int64_t off = base + r * kB;
      V v = apply_activation(K, a, b, acc[r]);
      if (c.z) v = v + V::load(c.z + off);
      if (post != ops::ActivationKind::None) v = apply_activation(post, pa, pb, v);
      if (real < kB) v = V::first_lanes(v, static_cast<size_t>(real));
      v.store(c.y + off);
    }
  }

  void store_tile(const V* acc, int R, int64_t n, int64_t ob, int64_t oh, int64_t ow0, int64_t count) const {
    using ops::ActivationKind;
    switch (c.activation.kind) {
      case ActivationKind::None: return store_tile_as<ActivationKind::None>(acc, R, n, ob, oh, ow0, count);
      case ActivationKind::Relu: return store_tile_as<ActivationKind::Relu>(acc, R, n, ob, oh, ow0, count);
      case ActivationKind::Swish: return store_tile_as<ActivationKind::Swish>(acc, R, n, ob, oh, ow0, count);
      case ActivationKind::Clip: return store_tile_as<ActivationKind::Clip>(acc, R, n, ob, oh, ow0, count);
      case ActivationKind::LeakyRelu: return store_tile_as<ActivationKind::LeakyRelu>(acc, R, n, ob, oh, ow0, count);
      case ActivationKind::Sigmoid: return store_tile_as<ActivationKind::Sigmoid>(acc, R, n, ob, oh, ow0, count);
      case ActivationKind::HardSwish: return store_tile_as<ActivationKind::HardSwish>(acc, R, n, ob, oh, ow0, count);
      default: break;
    }
    // The other activations: their kind read per vector.
    const V a = V::broadcast(c.activation.alpha), b = V::broadcast(c.activation.beta);
    const V pa = V::broadcast(c.post_activation.alpha), pb = V::broadcast(c.post_activation.beta);
    const int64_t real = c.out_channels - ob * kB;
    for (int r = 0; r < R && r < count; ++r) {
      const int64_t off = (((n * out_blocks + ob) * c.out_h + oh) * c.out_w + ow0 + r) * kB;
      V v = apply_activation(c.activation.kind, a, b, acc[r]);
      if (c.z) v = v + V::load(c.z + off);
      v = apply_activation(c.post_activation.kind, pa, pb, v);
      if (real < kB) v = V::first_lanes(v, static_cast<size_t>(real));
      v.store(c.y + off);
    }
  }

  // R pixels (ow0 .. ow0+R-1 of row oh) by OB output blocks (ob0, ob0+1, ...). `guarded`: only
  // the first `count` pixels may be read (X read in place, last tile of a row). S: the floats
  // between the tile's pixels (stride_w * px) when fixed at compile time, so the R pixels'
  // addresses are constant offsets of one register; 0: computed at run time.
  template <int R, int OB, bool guarded, int S>
  void tile(int64_t n, int64_t ob0, int64_t oh, int64_t ow0, int64_t count) const {
    V acc[OB][R];
    #pragma GCC unroll 32
    for (int o = 0; o < OB; ++o) {
      const V b = V::load(c.bias + (ob0 + o) * kB);
      #pragma GCC unroll 32
      for (int r = 0; r < R; ++r) acc[o][r] = b;
    }
    const int64_t taps = c.kernel_h * c.kernel_w;
    const int64_t block_weights = taps * kB * kB;  // weights of one (ob, ib) pair
    const int64_t step = S > 0 ? S : c.stride_w * px;  // between the pixels of a tile
    for (int64_t ib = 0; ib < in_blocks; ++ib) {
      const int64_t lanes = std::min<int64_t>(kB, c.in_channels - ib * kB);
      for (int64_t kh = 0; kh < c.kernel_h; ++kh) {
        const int64_t row = oh * c.stride_h - c.pad_top + pad_top + kh * c.dilation_h;
        for (int64_t kw = 0; kw < c.kernel_w; ++kw) {
          const float* w = c.weights + ((ob0 * in_blocks + ib) * taps + kh * c.kernel_w + kw) * kB * kB;
          const float* xr = x + x_offset(n, ib, row, ow0 * c.stride_w - c.pad_left + pad_left + kw * c.dilation_w);
          for (int64_t i = 0; i < lanes; ++i) {
            V wv[OB];
            #pragma GCC unroll 32
            for (int o = 0; o < OB; ++o) wv[o] = V::load(w + o * in_blocks * block_weights + i * kB);
            #pragma GCC unroll 32
            for (int r = 0; r < R; ++r) {
              if (guarded && r >= count) break;
              const V xv = V::broadcast(xr[r * step + i]);
              #pragma GCC unroll 32
              for (int o = 0; o < OB; ++o) acc[o][r] = fmadd(wv[o], xv, acc[o][r]);
            }
          }
        }
      }
    }
    for (int o = 0; o < OB; ++o) store_tile(acc[o], R, n, ob0 + o, oh, ow0, count);
  }

  // Depthwise: R pixels of channel block ob.
  template <int R, bool guarded, int S>
  void depthwise_tile(int64_t n, int64_t ob, int64_t oh, int64_t ow0, int64_t count) const {
    V acc[R];
    const V bias = V::load(c.bias + ob * kB);
    #pragma GCC unroll 32
    for (int r = 0; r < R; ++r) acc[r] = bias;
    const int64_t step = S > 0 ? S : c.stride_w * kB;  // S as in tile()
    for (int64_t kh = 0; kh < c.kernel_h; ++kh) {
      const int64_t row = oh * c.stride_h - c.pad_top + pad_top + kh * c.dilation_h;
      for (int64_t kw = 0; kw < c.kernel_w; ++kw) {
        const V w = V::load(c.weights + ((ob * c.kernel_h + kh) * c.kernel_w + kw) * kB);
        const float* xr = x + x_offset(n, ob, row, ow0 * c.stride_w - c.pad_left + pad_left + kw * c.dilation_w);
        #pragma GCC unroll 32
        for (int r = 0; r < R; ++r) {
          if (guarded && r >= count) break;
          acc[r] = fmadd(w, V::load(xr + r * step), acc[r]);
        }
      }
    }
    store_tile(acc, R, n, ob, oh, ow0, count);
  }

  // One output row in tiles of R pixels; the last, partial tile reads past the row only when
  // X is the padded copy (sized for it), else it is guarded.
  // A pointwise row whose X goes through the input transform: each tile's pixels (all input
  // blocks) are transformed into a stack copy the tile then reads.
  template <int R, int OB>
  void row_transformed(int64_t n, int64_t ob0, int64_t ow_begin, int64_t ow_end) const {
    alignas(64) float buf[R * ops::kMaxInputTransformChannels];
    NchwcKernel tk = *this;
    tk.x = buf;
    tk.rows = 1;
    tk.cols = R;
    tk.px = kB;
    tk.in_n0 = n;
    const V zero = V::zero();
    for (int64_t ow = ow_begin; ow < ow_end; ow += R) {
      const int64_t count = std::min<int64_t>(R, ow_end - ow);
      for (int64_t ib = 0; ib < in_blocks; ++ib) {
        const V scale = V::load(c.in_scale + ib * kB), shift = V::load(c.in_shift + ib * kB);
        const float* src = x + x_offset(n, ib, 0, ow);
        float* dst = buf + ib * R * kB;
        for (int64_t r = 0; r < count; ++r) {
          V v = V::load(src + r * kB) * scale + shift;  // two roundings, as the elementwise layer
          if (c.in_relu) v = max(zero, v);
          v.store(dst + r * kB);
        }
      }
      tk.in_col0 = ow;
      if (count == R) {
        tk.template tile<R, OB, false, kB>(n, ob0, 0, ow, count);
      } else {
        tk.template tile<R, OB, true, kB>(n, ob0, 0, ow, count);
      }
    }
  }

  template <int R, int OB, int S>
  void row_with(int64_t n, int64_t ob0, int64_t oh, int64_t ow_begin, int64_t ow_end, bool copied) const {
    for (int64_t ow = ow_begin; ow < ow_end; ow += R) {
      const int64_t count = std::min<int64_t>(R, ow_end - ow);
      if (count == R || copied) {
        tile<R, OB, false, S>(n, ob0, oh, ow, count);
      } else {
        tile<R, OB, true, S>(n, ob0, oh, ow, count);
      }
    }
  }

  template <int R, int OB>
  void row(int64_t n, int64_t ob0, int64_t oh, int64_t ow_begin, int64_t ow_end, bool copied) const {
    if (c.input_transform) return row_transformed<R, OB>(n, ob0, ow_begin, ow_end);
    const int64_t step = c.stride_w * px;
    if (step == kB) return row_with<R, OB, kB>(n, ob0, oh, ow_begin, ow_end, copied);
    if (step == 2 * kB) return row_with<R, OB, 2 * kB>(n, ob0, oh, ow_begin, ow_end, copied);
    if (step == 4) return row_with<R, OB, 4>(n, ob0, oh, ow_begin, ow_end, copied);    // RGB, stride 1
    if (step == 8) return row_with<R, OB, 8>(n, ob0, oh, ow_begin, ow_end, copied);    // RGB, stride 2
    row_with<R, OB, 0>(n, ob0, oh, ow_begin, ow_end, copied);
  }

  template <int R, int S>
  void depthwise_row_with(int64_t n, int64_t ob, int64_t oh, bool copied) const {
    for (int64_t ow = 0; ow < c.out_w; ow += R) {
      const int64_t count = std::min<int64_t>(R, c.out_w - ow);
      if (count == R || copied) {
        depthwise_tile<R, false, S>(n, ob, oh, ow, count);
      } else {
        depthwise_tile<R, true, S>(n, ob, oh, ow, count);
      }
    }
  }

  template <int R>
  void depthwise_row(int64_t n, int64_t ob, int64_t oh, bool copied) const {
    if (c.stride_w == 1) return depthwise_row_with<R, kB>(n, ob, oh, copied);
    if (c.stride_w == 2) return depthwise_row_with<R, 2 * kB>(n, ob, oh, copied);
    depthwise_row_with<R, 0>(n, ob, oh, copied);
  }
};

// Copies X into the zero-padded blocked buffer `out` of rows x cols, the image at
// (pad_top, pad_left); from blocked or plain X.
template <class V>
void pad_input(const NchwcConv& c, int64_t rows, int64_t cols, int64_t px, float* out, ThreadPool& pool) {
  constexpr int64_t kB = static_cast<int64_t>(V::kLanes);
  const int64_t in_blocks = (c.in_channels + kB - 1) / kB;
  pool.parallel_for(static_cast<size_t>(c.batch * in_blocks * rows), [&](size_t item) {
    const int64_t i = static_cast<int64_t>(item);
    const int64_t r = i % rows, ib = (i / rows) % in_blocks, n = i / (rows * in_blocks);
    float* dst = out + (((n * in_blocks + ib) * rows + r) * cols) * px;
    const int64_t ih = r - c.pad_top;
    if (ih < 0 || ih >= c.in_h) {
      std::memset(dst, 0, static_cast<size_t>(cols * px) * sizeof(float));
      return;
    }
    std::memset(dst, 0, static_cast<size_t>(c.pad_left * px) * sizeof(float));
    const int64_t right = cols - c.pad_left - c.in_w;
    std::memset(dst + (c.pad_left + c.in_w) * px, 0, static_cast<size_t>(right * px) * sizeof(float));
    float* row = dst + c.pad_left * px;
    if (c.input_blocked) {
      std::memcpy(row, c.x + (((n * in_blocks + ib) * c.in_h + ih) * c.in_w) * kB,
                  static_cast<size_t>(c.in_w * kB) * sizeof(float));
      return;
    }
    // Plain: scatter the block's channel rows into their lanes; missing channels of a full
    // pixel stride stay 0.
    const int64_t lanes = std::min<int64_t>(kB, c.in_channels - ib * kB);
    const float* plane = c.x + ((n * c.in_channels + ib * kB) * c.in_h + ih) * c.in_w;
    if (lanes < px) std::memset(row, 0, static_cast<size_t>(c.in_w * px) * sizeof(float));
    for (int64_t l = 0; l < lanes; ++l) {
      const float* src = plane + l * c.in_h * c.in_w;
      for (int64_t iw = 0; iw < c.in_w; ++iw) row[iw * px + l] = src[iw];
    }
  });
}

/// The whole convolution: work items are (image, output block pair, output row). R2: pixels
/// per tile with two output blocks in registers; R1 with one (and for depthwise).
template <class V, int R2, int R1>
void nchwc_conv(const NchwcConv& conv, ThreadPool& pool) {
  NchwcKernel<V> k(conv);
  const bool copied = nchwc_needs_copy(conv);
  if (copied) {
    const int64_t tile = nchwc_tile_pixels(conv.block);
    const int64_t tiles = (conv.out_w + tile - 1) / tile;
    k.rows = std::max(conv.in_h + conv.pad_top, (conv.out_h - 1) * conv.stride_h + (conv.kernel_h - 1) * conv.dilation_h + 1);
    k.cols = std::max(conv.in_w + conv.pad_left,
                      (tiles * tile - 1) * conv.stride_w + (conv.kernel_w - 1) * conv.dilation_w + 1);
    k.pad_top = conv.pad_top;
    k.pad_left = conv.pad_left;
    if (!conv.input_blocked && !conv.depthwise && conv.in_channels <= 4) k.px = 4;
    pad_input<V>(conv, k.rows, k.cols, k.px, conv.workspace, pool);
    k.x = conv.workspace;
  } else {
    k.rows = conv.in_h;
    k.cols = conv.in_w;
    k.pad_top = k.pad_left = 0;
    k.x = conv.x;
  }
  if (conv.depthwise) {
    pool.parallel_for(static_cast<size_t>(conv.batch * k.out_blocks * conv.out_h), [&](size_t item) {
      const int64_t i = static_cast<int64_t>(item);
      const int64_t oh = i % conv.out_h, ob = (i / conv.out_h) % k.out_blocks, n = i / (conv.out_h * k.out_blocks);
      k.template depthwise_row<R1>(n, ob, oh, copied);
    });
    return;
  }
  // Work items are (image, output block pair, output row, chunk of the row). When all the
  // weights fit in L2 the pairs vary fastest: consecutive items share an input row, read from
  // cache for every pair. Else the rows and chunks do: a pair's weights stay in cache over
  // the image, instead of every row streaming all the weights from memory.
  const int64_t pairs = (k.out_blocks + 1) / 2;
  const int64_t threads = std::max(pool.threads(), 1);
  // Chunks are whole R1 tiles, so tiles start where they would in an unchunked row (the padded
  // copy is sized for those).
  const int64_t tiles = (conv.out_w + R1 - 1) / R1;
  const int64_t rows = conv.batch * pairs * conv.out_h;
  const int64_t chunks_wanted = std::min(tiles, (8 * threads + rows - 1) / rows);
  const int64_t chunk = (tiles + chunks_wanted - 1) / chunks_wanted * R1;  // pixels
  const int64_t chunks = (conv.out_w + chunk - 1) / chunk;
  const int64_t weight_bytes =
      k.out_blocks * k.in_blocks * conv.kernel_h * conv.kernel_w * NchwcKernel<V>::kB * NchwcKernel<V>::kB * 4;
  const bool pairs_fastest = weight_bytes <= kNchwcWeightsInCache;
  pool.parallel_for(static_cast<size_t>(rows * chunks), [&](size_t item) {
    int64_t i = static_cast<int64_t>(item), p = 0, q = 0;
    if (pairs_fastest) {
      p = i % pairs;
      i /= pairs;
      q = i % chunks;
      i /= chunks;
    } else {
      q = i % chunks;
      i /= chunks;
    }
    const int64_t oh = i % conv.out_h;
    i /= conv.out_h;
    if (!pairs_fastest) {
      p = i % pairs;
      i /= pairs;
    }
    const int64_t n = i, ob0 = 2 * p;
    const int64_t ow0 = q * chunk, ow1 = std::min(conv.out_w, ow0 + chunk);
    if (ob0 + 1 < k.out_blocks) {
      if (conv.out_w <= R2 / 2) {
        k.template row<R2 / 2, 2>(n, ob0, oh, ow0, ow1, copied);  // narrow rows: fewer idle accumulators
      } else {
        k.template row<R2, 2>(n, ob0, oh, ow0, ow1, copied);
      }
    } else {
      k.template row<R1, 1>(n, ob0, oh, ow0, ow1, copied);
    }
  });
}

}  // namespace hone::cpu::simd
