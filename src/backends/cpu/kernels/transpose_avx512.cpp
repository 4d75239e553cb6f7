// Plane transposes in AVX-512: 16x16 tiles in registers (transpose.hpp, transpose_impl.hpp).
#include <immintrin.h>

#include "backends/cpu/kernels/transpose.hpp"
#include "backends/cpu/kernels/transpose_impl.hpp"

namespace hone::cpu::avx512 {
namespace {

// 16 rows in, 16 columns out: 32-bit interleaves, then 64-bit, then two rounds of 128-bit
// lane shuffles (0x88 takes lanes 0, 2 of each source, 0xdd lanes 1, 3).
struct Tile16 {
  static constexpr size_t kTile = 16;
  static void run(const float* src, size_t src_stride, float* dst, size_t dst_stride) {
    __m512 r[16], t[16];
    for (int i = 0; i < 16; ++i) r[i] = _mm512_loadu_ps(src + i * src_stride);
    for (int i = 0; i < 16; i += 2) {
      t[i] = _mm512_unpacklo_ps(r[i], r[i + 1]);
      t[i + 1] = _mm512_unpackhi_ps(r[i], r[i + 1]);
    }
    for (int i = 0; i < 16; i += 4) {
      r[i] = _mm512_castpd_ps(_mm512_unpacklo_pd(_mm512_castps_pd(t[i]), _mm512_castps_pd(t[i + 2])));
      r[i + 1] = _mm512_castpd_ps(_mm512_unpackhi_pd(_mm512_castps_pd(t[i]), _mm512_castps_pd(t[i + 2])));
      r[i + 2] = _mm512_castpd_ps(_mm512_unpacklo_pd(_mm512_castps_pd(t[i + 1]), _mm512_castps_pd(t[i + 3])));
      r[i + 3] = _mm512_castpd_ps(_mm512_unpackhi_pd(_mm512_castps_pd(t[i + 1]), _mm512_castps_pd(t[i + 3])));
    }
    for (int i = 0; i < 16; i += 8) {
      for (int j = 0; j < 4; ++j) {
        t[i + j] = _mm512_shuffle_f32x4(r[i + j], r[i + j + 4], 0x88);
        t[i + j + 4] = _mm512_shuffle_f32x4(r[i + j], r[i + j + 4], 0xdd);
      }
    }
    for (int j = 0; j < 8; ++j) {
      r[j] = _mm512_shuffle_f32x4(t[j], t[j + 8], 0x88);
      r[j + 8] = _mm512_shuffle_f32x4(t[j], t[j + 8], 0xdd);
    }
    for (int i = 0; i < 16; ++i) _mm512_storeu_ps(dst + i * dst_stride, r[i]);
  }
};

}  // namespace

void transpose_plane(const float* src, size_t src_stride, float* dst, size_t dst_stride, size_t rows, size_t cols) {
  simd::transpose_plane<Tile16>(src, src_stride, dst, dst_stride, rows, cols);
}

}  // namespace hone::cpu::avx512
