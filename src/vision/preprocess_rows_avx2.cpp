// AVX2 + FMA row kernels of preprocess() (preprocess_rows.hpp), called only when the CPU has
// both (preprocess.cpp checks CpuFeatures::host()). Same results as the plain kernels up to
// the rounding of the fused multiply-add.
#include <immintrin.h>

#include "vision/preprocess_rows.hpp"

namespace hone::vision {

void blend_rows_u8_f32_avx2(const uint8_t* top, const uint8_t* bottom, float weight, int count, float* out) {
  const __m256 w = _mm256_set1_ps(weight);
  int i = 0;
  for (; i + 16 <= count; i += 16) {
    const __m128i t = _mm_loadu_si128(reinterpret_cast<const __m128i*>(top + i));
    const __m128i b = _mm_loadu_si128(reinterpret_cast<const __m128i*>(bottom + i));
    const __m256 t0 = _mm256_cvtepi32_ps(_mm256_cvtepu8_epi32(t));
    const __m256 t1 = _mm256_cvtepi32_ps(_mm256_cvtepu8_epi32(_mm_srli_si128(t, 8)));
    const __m256 b0 = _mm256_cvtepi32_ps(_mm256_cvtepu8_epi32(b));
    const __m256 b1 = _mm256_cvtepi32_ps(_mm256_cvtepu8_epi32(_mm_srli_si128(b, 8)));
    _mm256_storeu_ps(out + i, _mm256_fmadd_ps(w, _mm256_sub_ps(b0, t0), t0));
    _mm256_storeu_ps(out + i + 8, _mm256_fmadd_ps(w, _mm256_sub_ps(b1, t1), t1));
  }
  for (; i < count; ++i) {
    const float a = static_cast<float>(top[i]);
    out[i] = a + weight * (static_cast<float>(bottom[i]) - a);
  }
}

namespace {

// Columns x and x + 4 of the row interpolated, one per 128-bit lane:
//   [c0 c1 c2 junk | c0 c1 c2 junk]
// from two unaligned 4-float loads per column at its pixel (lo) and the next pixel (hi).
inline __m256 lerp_pair(const float* row, const ResampleRow& job, int x) {
  const float* p = row + job.offsets[x];
  const float* q = row + job.offsets[x + 4];
  const __m256 lo = _mm256_insertf128_ps(_mm256_castps128_ps256(_mm_loadu_ps(p)), _mm_loadu_ps(q), 1);
  const __m256 hi = _mm256_insertf128_ps(_mm256_castps128_ps256(_mm_loadu_ps(p + 3)), _mm_loadu_ps(q + 3), 1);
  const __m256 w = _mm256_insertf128_ps(_mm256_castps128_ps256(_mm_set1_ps(job.weights[x])),
                                        _mm_set1_ps(job.weights[x + 4]), 1);
  return _mm256_fmadd_ps(w, _mm256_sub_ps(hi, lo), lo);
}

void scalar_columns(const float* row, const ResampleRow& job, int begin) {
  for (int x = begin; x < job.count; ++x) {
    const float* p = row + job.offsets[x];
    const float w = job.weights[x];
    for (int c = 0; c < 3; ++c) {
      const float v = p[c] + w * (p[3 + c] - p[c]);
      job.out[c][x * job.step] = (v - job.mean[c]) * job.inv_std[c];
    }
  }
}

// NCHW: 8 columns at a time. The four pairs v0..v3 (columns x+j and x+4+j) are transposed
// within each 128-bit lane, which leaves channel c of columns x..x+7 in order in one register:
//   unpacklo(v0, v1) = [v0.c0 v1.c0 v0.c1 v1.c1 | ...]   unpackhi = [v0.c2 v1.c2 junk junk | ...]
//   shuffle(lo01, lo23, 0x44) = [v0.c0 v1.c0 v2.c0 v3.c0 | v4.c0 ... v7.c0]
void resample_planar(const float* row, const ResampleRow& job) {
  const __m256 m0 = _mm256_set1_ps(job.mean[0]), m1 = _mm256_set1_ps(job.mean[1]), m2 = _mm256_set1_ps(job.mean[2]);
  const __m256 s0 = _mm256_set1_ps(job.inv_std[0]), s1 = _mm256_set1_ps(job.inv_std[1]),
               s2 = _mm256_set1_ps(job.inv_std[2]);
  int x = 0;
  for (; x + 8 <= job.count; x += 8) {
    const __m256 v0 = lerp_pair(row, job, x), v1 = lerp_pair(row, job, x + 1);
    const __m256 v2 = lerp_pair(row, job, x + 2), v3 = lerp_pair(row, job, x + 3);
    const __m256 lo01 = _mm256_unpacklo_ps(v0, v1), lo23 = _mm256_unpacklo_ps(v2, v3);
    const __m256 hi01 = _mm256_unpackhi_ps(v0, v1), hi23 = _mm256_unpackhi_ps(v2, v3);
    const __m256 c0 = _mm256_shuffle_ps(lo01, lo23, 0x44);
    const __m256 c1 = _mm256_shuffle_ps(lo01, lo23, 0xEE);
    const __m256 c2 = _mm256_shuffle_ps(hi01, hi23, 0x44);
    _mm256_storeu_ps(job.out[0] + x, _mm256_mul_ps(_mm256_sub_ps(c0, m0), s0));
    _mm256_storeu_ps(job.out[1] + x, _mm256_mul_ps(_mm256_sub_ps(c1, m1), s1));
    _mm256_storeu_ps(job.out[2] + x, _mm256_mul_ps(_mm256_sub_ps(c2, m2), s2));
  }
  scalar_columns(row, job, x);
}

// NHWC: each column is normalized in its lane, put in the tensor's channel order, and stored
// as 4 floats at its pixel, the 4th (junk) landing on the next pixel, which is stored after
// it. So the loop stops while a column is left after the 8, for the scalar tail to write.
void resample_interleaved(const float* row, const ResampleRow& job) {
  // The three out pointers are one pixel's three floats in some order: lane t of a stored
  // pixel takes the row's channel whose pointer is pixel + t.
  // (No std::min: a template instantiated here with AVX2 flags could be the copy the linker
  // keeps for baseline callers.)
  float* pixel0 = job.out[0];
  for (int c = 1; c < 3; ++c) pixel0 = job.out[c] < pixel0 ? job.out[c] : pixel0;
  int channel_at[4] = {0, 1, 2, 3};
  for (int c = 0; c < 3; ++c) channel_at[job.out[c] - pixel0] = c;
  const __m256i order = _mm256_setr_epi32(channel_at[0], channel_at[1], channel_at[2], 3, channel_at[0],
                                          channel_at[1], channel_at[2], 3);
  const __m256 m = _mm256_setr_ps(job.mean[0], job.mean[1], job.mean[2], 0, job.mean[0], job.mean[1], job.mean[2], 0);
  const __m256 s = _mm256_setr_ps(job.inv_std[0], job.inv_std[1], job.inv_std[2], 0, job.inv_std[0], job.inv_std[1],
                                  job.inv_std[2], 0);
  int x = 0;
  for (; x + 8 < job.count; x += 8) {
    __m256 v[4];
    for (int j = 0; j < 4; ++j) {
      v[j] = _mm256_permutevar_ps(_mm256_mul_ps(_mm256_sub_ps(lerp_pair(row, job, x + j), m), s), order);
    }
    for (int j = 0; j < 4; ++j) _mm_storeu_ps(pixel0 + (x + j) * 3, _mm256_castps256_ps128(v[j]));
    for (int j = 0; j < 4; ++j) _mm_storeu_ps(pixel0 + (x + 4 + j) * 3, _mm256_extractf128_ps(v[j], 1));
  }
  scalar_columns(row, job, x);
}

}  // namespace

void resample_row_f32_avx2(const float* row, const ResampleRow& job) {
  if (job.step == 1) {
    resample_planar(row, job);
  } else {
    resample_interleaved(row, job);
  }
}

}  // namespace hone::vision
