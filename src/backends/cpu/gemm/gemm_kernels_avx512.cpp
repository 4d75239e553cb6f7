// AVX-512 GEMM micro-kernels (gemm_micro_kernel.hpp): f32_gemm_14x32_avx512 and its
// 1..13-row variants for edge tiles, with the epilogue fused into the store.
//
// Register blocking: the C tile is 14 rows x 2 zmm (32 columns) = 28 accumulators; per k the
// kernel loads one 32-wide row of the B panel into 2 registers and broadcasts each of the 14
// A values, 28 FMAs per 16 loads. 28 + 2 + 1 broadcast register leaves one of the 32 zmm spare.
// Zen 5 retires two 512-bit FMAs per cycle with a latency of 4, so at least 8 independent
// accumulators are needed; 28 hide it with room, and the 14x32 shape measured fastest of
// 14x32, 12x32, 10x32, 8x48, 6x64 and 7x64 (bench/RESULTS.md).
#include <immintrin.h>

#include "backends/cpu/gemm/gemm_micro_kernel.hpp"
#include "backends/cpu/simd/activation_impl.hpp"
#include "backends/cpu/simd/simd_avx512.hpp"

namespace hone::cpu::avx512 {
namespace {

constexpr size_t kMr = 14;
constexpr size_t kNr = 32;
constexpr int kVectors = 2;  // zmm per row of the tile

// Lanes of vector v (columns [16v, 16v + 16)) that are among the tile's `cols` valid columns.
__mmask16 column_mask(size_t cols, int v) {
  const size_t first = static_cast<size_t>(v) * 16;
  if (cols >= first + 16) return static_cast<__mmask16>(0xffff);
  if (cols <= first) return 0;
  return static_cast<__mmask16>((1u << (cols - first)) - 1u);
}

// The second pass of the epilogue over a stored tile (activations that are not Relu, Z).
template <int Rows>
void finish_tile(const MicroTile& t, const __mmask16 (&masks)[kVectors]) {
  const MicroEpilogue& ep = *t.epilogue;
  const VecF32 a1 = VecF32::broadcast(ep.activation.alpha), b1 = VecF32::broadcast(ep.activation.beta);
  const VecF32 a2 = VecF32::broadcast(ep.post_activation.alpha), b2 = VecF32::broadcast(ep.post_activation.beta);
  for (int i = 0; i < Rows; ++i) {
    float* c = t.c + static_cast<size_t>(i) * t.ldc;
    for (int v = 0; v < kVectors; ++v) {
      VecF32 x{_mm512_maskz_loadu_ps(masks[v], c + 16 * v)};
      x = simd::apply_activation(ep.activation.kind, a1, b1, x);
      if (t.z) x = x + VecF32{_mm512_maskz_loadu_ps(masks[v], t.z + static_cast<size_t>(i) * ep.ldz + 16 * v)};
      x = simd::apply_activation(ep.post_activation.kind, a2, b2, x);
      _mm512_mask_storeu_ps(c + 16 * v, masks[v], x.v);
    }
  }
}

// C tile (Rows x 32) from an A panel (kc x 14, of which the first Rows are read) and a B panel
// (kc x 32), then the store: + earlier partial sums, and on the last K block alpha, bias, and
// the epilogue (on the registers when it is Relu/None only).
template <int Rows>
void f32_gemm_14x32_avx512(size_t kc, const float* a, const float* b, const MicroTile& t) {
  // The C tile is read (partial sums) and written at the end: start fetching its lines now so
  // the store path does not wait on L2/L3 (its rows are ldc apart, often 4 KiB: no stream the
  // hardware prefetcher would follow). A prefetch never faults, even past the tile.
#pragma GCC unroll 16
  for (int i = 0; i < Rows; ++i) {
    const char* row = reinterpret_cast<const char*>(t.c + static_cast<size_t>(i) * t.ldc);
    _mm_prefetch(row, _MM_HINT_T0);
    _mm_prefetch(row + 127, _MM_HINT_T0);
  }
  __m512 acc[Rows][kVectors];
#pragma GCC unroll 16
  for (int i = 0; i < Rows; ++i) {
#pragma GCC unroll 2
    for (int v = 0; v < kVectors; ++v) acc[i][v] = _mm512_setzero_ps();
  }
#pragma GCC unroll 2
  for (size_t k = 0; k < kc; ++k) {
    const __m512 b0 = _mm512_loadu_ps(b);
    const __m512 b1 = _mm512_loadu_ps(b + 16);
#pragma GCC unroll 16
    for (int i = 0; i < Rows; ++i) {
      const __m512 ai = _mm512_set1_ps(a[i]);
      acc[i][0] = _mm512_fmadd_ps(ai, b0, acc[i][0]);
      acc[i][1] = _mm512_fmadd_ps(ai, b1, acc[i][1]);
    }
    a += kMr;
    b += t.b_stride;
  }

  // The store path reads everything it needs (partial sums, bias, Z) before it writes a
  // single row of C: rows of C and Z are often 4 KiB apart, and a load issued after a store to
  // an address with the same low 12 bits waits for that store (4K aliasing), which serialized
  // the rows when loads and stores alternated.
  const __mmask16 masks[kVectors] = {column_mask(t.cols, 0), column_mask(t.cols, 1)};
  const MicroEpilogue* ep = t.epilogue;
  if (t.accumulate) {
#pragma GCC unroll 16
    for (int i = 0; i < Rows; ++i) {
      const float* c = t.c + static_cast<size_t>(i) * t.ldc;
#pragma GCC unroll 2
      for (int v = 0; v < kVectors; ++v) acc[i][v] = _mm512_add_ps(acc[i][v], _mm512_maskz_loadu_ps(masks[v], c + 16 * v));
    }
  }
  if (ep) {
    const __m512 alpha = _mm512_set1_ps(ep->alpha), scale = _mm512_set1_ps(ep->bias_scale), zero = _mm512_setzero_ps();
    const bool relu = ep->in_registers && ep->activation.kind == ops::ActivationKind::Relu;
    const bool post_relu = ep->in_registers && ep->post_activation.kind == ops::ActivationKind::Relu;
    const float* z = ep->in_registers ? t.z : nullptr;
#pragma GCC unroll 16
    for (int i = 0; i < Rows; ++i) {
      const float* bias = t.bias ? t.bias + static_cast<size_t>(i) * ep->bias_row_stride : nullptr;
#pragma GCC unroll 2
      for (int v = 0; v < kVectors; ++v) {
        __m512 x = _mm512_mul_ps(acc[i][v], alpha);
        if (bias) {
          const __m512 bv = ep->bias_col_stride ? _mm512_maskz_loadu_ps(masks[v], bias + 16 * v) : _mm512_set1_ps(*bias);
          x = _mm512_fmadd_ps(bv, scale, x);
        }
        // max(0, x) keeps NaN (the second operand), as the reference Relu does.
        if (relu) x = _mm512_max_ps(zero, x);
        if (z) x = _mm512_add_ps(x, _mm512_maskz_loadu_ps(masks[v], z + static_cast<size_t>(i) * ep->ldz + 16 * v));
        if (post_relu) x = _mm512_max_ps(zero, x);
        acc[i][v] = x;
      }
    }
  }
#pragma GCC unroll 16
  for (int i = 0; i < Rows; ++i) {
    float* c = t.c + static_cast<size_t>(i) * t.ldc;
#pragma GCC unroll 2
    for (int v = 0; v < kVectors; ++v) _mm512_mask_storeu_ps(c + 16 * v, masks[v], acc[i][v]);
  }
  if (ep && !ep->in_registers) finish_tile<Rows>(t, masks);
}

// In-register transpose of a 16 x 16 block: r[i] lane j becomes r[j] lane i. Three rounds:
// interleave 32-bit pairs of row pairs, then 64-bit pairs, then exchange 128-bit lanes twice.
void transpose_16x16(__m512 (&r)[16]) {
  __m512 t[16];
  for (int i = 0; i < 16; i += 2) {
    t[i] = _mm512_unpacklo_ps(r[i], r[i + 1]);
    t[i + 1] = _mm512_unpackhi_ps(r[i], r[i + 1]);
  }
  auto lo64 = [](__m512 a, __m512 b) {
    return _mm512_castpd_ps(_mm512_unpacklo_pd(_mm512_castps_pd(a), _mm512_castps_pd(b)));
  };
  auto hi64 = [](__m512 a, __m512 b) {
    return _mm512_castpd_ps(_mm512_unpackhi_pd(_mm512_castps_pd(a), _mm512_castps_pd(b)));
  };
  for (int i = 0; i < 16; i += 4) {
    r[i] = lo64(t[i], t[i + 2]);
    r[i + 1] = hi64(t[i], t[i + 2]);
    r[i + 2] = lo64(t[i + 1], t[i + 3]);
    r[i + 3] = hi64(t[i + 1], t[i + 3]);
  }
  for (int h = 0; h < 16; h += 8) {
    for (int i = 0; i < 4; ++i) {
      t[h + i] = _mm512_shuffle_f32x4(r[h + i], r[h + i + 4], 0x88);
      t[h + i + 4] = _mm512_shuffle_f32x4(r[h + i], r[h + i + 4], 0xdd);
    }
  }
  for (int i = 0; i < 8; ++i) {
    r[i] = _mm512_shuffle_f32x4(t[i], t[i + 8], 0x88);
    r[i + 8] = _mm512_shuffle_f32x4(t[i], t[i + 8], 0xdd);
  }
}

// A panel from row-major A, 16 columns at a time: load 16 floats of each of the 14 rows (0 for
// rows past `rows` and the 2 spare lanes), transpose, and store each column as the 14 floats
// of one k of the panel.
void pack_a_panel_avx512(const float* a, size_t lda, size_t rows, size_t kc, float* out) {
  constexpr __mmask16 kPanelLanes = static_cast<__mmask16>((1u << kMr) - 1u);
  for (size_t k = 0; k < kc; k += 16) {
    const size_t cols = kc - k < 16 ? kc - k : 16;
    const __mmask16 load_mask = static_cast<__mmask16>(cols == 16 ? 0xffffu : (1u << cols) - 1u);
    __m512 r[16];
#pragma GCC unroll 16
    for (size_t i = 0; i < 16; ++i) {
      r[i] = i < rows ? _mm512_maskz_loadu_ps(load_mask, a + i * lda + k) : _mm512_setzero_ps();
    }
    transpose_16x16(r);
    for (size_t j = 0; j < cols; ++j) _mm512_mask_storeu_ps(out + (k + j) * kMr, kPanelLanes, r[j]);
  }
}

// B panels from row-major B, one row of B at a time across all the panels (a contiguous read
// of `cols` floats per k); 32 floats per panel and row, masked at the N edge, zeros past it.
void pack_b_panels_avx512(const float* b, size_t ldb, size_t cols, size_t kc, float* out) {
  const size_t full = cols / kNr, rest = cols % kNr;
  const __mmask16 m0 = column_mask(rest, 0), m1 = column_mask(rest, 1);
  const size_t panel_stride = kc * kNr;
  for (size_t k = 0; k < kc; ++k) {
    const float* src = b + k * ldb;
    float* dst = out + k * kNr;
    for (size_t q = 0; q < full; ++q, src += kNr, dst += panel_stride) {
      _mm512_storeu_ps(dst, _mm512_loadu_ps(src));
      _mm512_storeu_ps(dst + 16, _mm512_loadu_ps(src + 16));
    }
    if (rest) {
      _mm512_storeu_ps(dst, _mm512_maskz_loadu_ps(m0, src));
      _mm512_storeu_ps(dst + 16, _mm512_maskz_loadu_ps(m1, src + 16));
    }
  }
}

constexpr MicroKernels kKernels = {
    .mr = kMr,
    .nr = kNr,
    .kc = 1024,
    .a_block_floats = 14 * 4 * 1024,
    .b_slab_floats = 1024 * 1024,
    .a_slab_floats = 1024 * 1024,
    .by_rows = {nullptr, f32_gemm_14x32_avx512<1>, f32_gemm_14x32_avx512<2>, f32_gemm_14x32_avx512<3>,
                f32_gemm_14x32_avx512<4>, f32_gemm_14x32_avx512<5>, f32_gemm_14x32_avx512<6>,
                f32_gemm_14x32_avx512<7>, f32_gemm_14x32_avx512<8>, f32_gemm_14x32_avx512<9>,
                f32_gemm_14x32_avx512<10>, f32_gemm_14x32_avx512<11>, f32_gemm_14x32_avx512<12>,
                f32_gemm_14x32_avx512<13>, f32_gemm_14x32_avx512<14>},
    .pack_a_panel = pack_a_panel_avx512,
    .pack_b_panels = pack_b_panels_avx512,
};

}  // namespace

const MicroKernels& f32_gemm_kernels() { return kKernels; }

}  // namespace hone::cpu::avx512
