// AVX2 GEMM micro-kernels (gemm_micro_kernel.hpp): f32_gemm_6x16_avx2 and its 1..5-row
// variants for edge tiles, with the epilogue fused into the store.
//
// Register blocking: 16 ymm registers hold the 6 x 16 C tile (12 accumulators), one 16-wide
// row of the B panel (2) and the broadcast A value (1): 12 FMAs per 8 loads, enough
// independent accumulators to cover the FMA latency of two pipes.
#include <immintrin.h>

#include "backends/cpu/gemm/gemm_micro_kernel.hpp"
#include "backends/cpu/simd/activation_impl.hpp"
#include "backends/cpu/simd/simd_avx2.hpp"

namespace hone::cpu::avx2 {
namespace {

constexpr size_t kMr = 6;
constexpr size_t kNr = 16;
constexpr int kVectors = 2;  // ymm per row of the tile

// Lanes of vector v (columns [8v, 8v + 8)) among the tile's `cols` valid columns, as the
// sign-bit mask maskload/maskstore take.
__m256i column_mask(size_t cols, int v) {
  const size_t first = static_cast<size_t>(v) * 8;
  const int n = cols >= first + 8 ? 8 : cols <= first ? 0 : static_cast<int>(cols - first);
  return _mm256_cmpgt_epi32(_mm256_set1_epi32(n), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
}

template <int Rows>
void finish_tile(const MicroTile& t, const __m256i (&masks)[kVectors]) {
  const MicroEpilogue& ep = *t.epilogue;
  const VecF32 a1 = VecF32::broadcast(ep.activation.alpha), b1 = VecF32::broadcast(ep.activation.beta);
  const VecF32 a2 = VecF32::broadcast(ep.post_activation.alpha), b2 = VecF32::broadcast(ep.post_activation.beta);
  for (int i = 0; i < Rows; ++i) {
    float* c = t.c + static_cast<size_t>(i) * t.ldc;
    for (int v = 0; v < kVectors; ++v) {
      VecF32 x{_mm256_maskload_ps(c + 8 * v, masks[v])};
      x = simd::apply_activation(ep.activation.kind, a1, b1, x);
      if (t.z) x = x + VecF32{_mm256_maskload_ps(t.z + static_cast<size_t>(i) * ep.ldz + 8 * v, masks[v])};
      x = simd::apply_activation(ep.post_activation.kind, a2, b2, x);
      _mm256_maskstore_ps(c + 8 * v, masks[v], x.v);
    }
  }
}

// C tile (Rows x 16) from an A panel (kc x 6, the first Rows read) and a B panel (kc x 16).
template <int Rows>
void f32_gemm_6x16_avx2(size_t kc, const float* a, const float* b, const MicroTile& t) {
  // Fetch the C tile's lines while the FMAs run (see gemm_kernels_avx512.cpp).
#pragma GCC unroll 8
  for (int i = 0; i < Rows; ++i) {
    const char* row = reinterpret_cast<const char*>(t.c + static_cast<size_t>(i) * t.ldc);
    _mm_prefetch(row, _MM_HINT_T0);
    _mm_prefetch(row + 63, _MM_HINT_T0);
  }
  __m256 acc[Rows][kVectors];
#pragma GCC unroll 8
  for (int i = 0; i < Rows; ++i) {
    acc[i][0] = _mm256_setzero_ps();
    acc[i][1] = _mm256_setzero_ps();
  }
#pragma GCC unroll 2
  for (size_t k = 0; k < kc; ++k) {
    const __m256 b0 = _mm256_loadu_ps(b);
    const __m256 b1 = _mm256_loadu_ps(b + 8);
#pragma GCC unroll 8
    for (int i = 0; i < Rows; ++i) {
      const __m256 ai = _mm256_broadcast_ss(a + i);
      acc[i][0] = _mm256_fmadd_ps(ai, b0, acc[i][0]);
      acc[i][1] = _mm256_fmadd_ps(ai, b1, acc[i][1]);
    }
    a += kMr;
    b += t.b_stride;
  }

  // Every load of the store path (partial sums, bias, Z) before the first store: rows 4 KiB
  // apart would otherwise serialize on 4K aliasing (see gemm_kernels_avx512.cpp).
  const __m256i masks[kVectors] = {column_mask(t.cols, 0), column_mask(t.cols, 1)};
  const MicroEpilogue* ep = t.epilogue;
  if (t.accumulate) {
#pragma GCC unroll 8
    for (int i = 0; i < Rows; ++i) {
      const float* c = t.c + static_cast<size_t>(i) * t.ldc;
      for (int v = 0; v < kVectors; ++v) acc[i][v] = _mm256_add_ps(acc[i][v], _mm256_maskload_ps(c + 8 * v, masks[v]));
    }
  }
  if (ep) {
    const __m256 alpha = _mm256_set1_ps(ep->alpha), scale = _mm256_set1_ps(ep->bias_scale), zero = _mm256_setzero_ps();
    const bool relu = ep->in_registers && ep->activation.kind == ops::ActivationKind::Relu;
    const bool post_relu = ep->in_registers && ep->post_activation.kind == ops::ActivationKind::Relu;
    const float* z = ep->in_registers ? t.z : nullptr;
#pragma GCC unroll 8
    for (int i = 0; i < Rows; ++i) {
      const float* bias = t.bias ? t.bias + static_cast<size_t>(i) * ep->bias_row_stride : nullptr;
      for (int v = 0; v < kVectors; ++v) {
        __m256 x = _mm256_mul_ps(acc[i][v], alpha);
        if (bias) {
          const __m256 bv = ep->bias_col_stride ? _mm256_maskload_ps(bias + 8 * v, masks[v]) : _mm256_set1_ps(*bias);
          x = _mm256_fmadd_ps(bv, scale, x);
        }
        if (relu) x = _mm256_max_ps(zero, x);
        if (z) x = _mm256_add_ps(x, _mm256_maskload_ps(z + static_cast<size_t>(i) * ep->ldz + 8 * v, masks[v]));
        if (post_relu) x = _mm256_max_ps(zero, x);
        acc[i][v] = x;
      }
    }
  }
#pragma GCC unroll 8
  for (int i = 0; i < Rows; ++i) {
    float* c = t.c + static_cast<size_t>(i) * t.ldc;
    for (int v = 0; v < kVectors; ++v) _mm256_maskstore_ps(c + 8 * v, masks[v], acc[i][v]);
  }
  if (ep && !ep->in_registers) finish_tile<Rows>(t, masks);
}

// B panels from row-major B, one row of B at a time across all the panels (see
// gemm_kernels_avx512.cpp); 16 floats per panel and row, masked at the N edge, zeros past it.
void pack_b_panels_avx2(const float* b, size_t ldb, size_t cols, size_t kc, float* out) {
  const size_t full = cols / kNr, rest = cols % kNr;
  const __m256i m0 = column_mask(rest, 0), m1 = column_mask(rest, 1);
  const size_t panel_stride = kc * kNr;
  for (size_t k = 0; k < kc; ++k) {
    const float* src = b + k * ldb;
    float* dst = out + k * kNr;
    for (size_t q = 0; q < full; ++q, src += kNr, dst += panel_stride) {
      _mm256_storeu_ps(dst, _mm256_loadu_ps(src));
      _mm256_storeu_ps(dst + 8, _mm256_loadu_ps(src + 8));
    }
    if (rest) {
      _mm256_storeu_ps(dst, _mm256_maskload_ps(src, m0));
      _mm256_storeu_ps(dst + 8, _mm256_maskload_ps(src + 8, m1));
    }
  }
}

constexpr MicroKernels kKernels = {
    .mr = kMr,
    .nr = kNr,
    .kc = 1024,
    .a_block_floats = 6 * 16 * 1024,
    .b_slab_floats = 512 * 1024,
    .a_slab_floats = 1024 * 1024,
    .by_rows = {nullptr, f32_gemm_6x16_avx2<1>, f32_gemm_6x16_avx2<2>, f32_gemm_6x16_avx2<3>, f32_gemm_6x16_avx2<4>,
                f32_gemm_6x16_avx2<5>, f32_gemm_6x16_avx2<6>},
    .pack_b_panels = pack_b_panels_avx2,
};

}  // namespace

const MicroKernels& f32_gemm_kernels() { return kKernels; }

}  // namespace hone::cpu::avx2
