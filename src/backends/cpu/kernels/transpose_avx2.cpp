// Plane transposes in AVX2: 8x8 tiles in registers (transpose.hpp, transpose_impl.hpp).
#include <immintrin.h>

#include "backends/cpu/kernels/transpose.hpp"
#include "backends/cpu/kernels/transpose_impl.hpp"

namespace hone::cpu::avx2 {
namespace {

// 8 rows in, 8 columns out: 32-bit interleaves, 64-bit shuffles, then the 128-bit halves.
struct Tile8 {
  static constexpr size_t kTile = 8;
  static void run(const float* src, size_t src_stride, float* dst, size_t dst_stride) {
    __m256 r[8], t[8];
    for (int i = 0; i < 8; ++i) r[i] = _mm256_loadu_ps(src + i * src_stride);
    for (int i = 0; i < 8; i += 2) {
      t[i] = _mm256_unpacklo_ps(r[i], r[i + 1]);
      t[i + 1] = _mm256_unpackhi_ps(r[i], r[i + 1]);
    }
    for (int i = 0; i < 8; i += 4) {
      r[i] = _mm256_shuffle_ps(t[i], t[i + 2], _MM_SHUFFLE(1, 0, 1, 0));
      r[i + 1] = _mm256_shuffle_ps(t[i], t[i + 2], _MM_SHUFFLE(3, 2, 3, 2));
      r[i + 2] = _mm256_shuffle_ps(t[i + 1], t[i + 3], _MM_SHUFFLE(1, 0, 1, 0));
      r[i + 3] = _mm256_shuffle_ps(t[i + 1], t[i + 3], _MM_SHUFFLE(3, 2, 3, 2));
    }
    for (int j = 0; j < 4; ++j) {
      t[j] = _mm256_permute2f128_ps(r[j], r[j + 4], 0x20);
      t[j + 4] = _mm256_permute2f128_ps(r[j], r[j + 4], 0x31);
    }
    for (int i = 0; i < 8; ++i) _mm256_storeu_ps(dst + i * dst_stride, t[i]);
  }
};

}  // namespace

void transpose_plane(const float* src, size_t src_stride, float* dst, size_t dst_stride, size_t rows, size_t cols) {
  simd::transpose_plane<Tile8>(src, src_stride, dst, dst_stride, rows, cols);
}

}  // namespace hone::cpu::avx2
