// The 8-lane float vector of AVX2 kernels (AVX2 + FMA). Included only by files compiled for
// AVX2 (*_avx2.cpp); namespace hone::cpu::avx2 keeps its inline functions apart from other
// ISAs' (see dispatch.hpp). Same interface as simd_avx512.hpp.
#pragma once

#include <immintrin.h>

#include <cstddef>
#include <cstdint>

namespace hone::cpu::avx2 {

struct VecF32 {
  static constexpr size_t kLanes = 8;
  __m256 v;

  static VecF32 load(const float* p) { return {_mm256_loadu_ps(p)}; }
  /// The first n (< kLanes) lanes from p, the rest 0; never touches memory past p + n.
  static VecF32 load_partial(const float* p, size_t n) { return {_mm256_maskload_ps(p, mask(n))}; }
  static VecF32 broadcast(float x) { return {_mm256_set1_ps(x)}; }
  static VecF32 zero() { return {_mm256_setzero_ps()}; }
  /// v with lanes n.. set to 0.
  static VecF32 first_lanes(VecF32 a, size_t n) { return {_mm256_and_ps(a.v, _mm256_castsi256_ps(mask(n)))}; }
  void store(float* p) const { _mm256_storeu_ps(p, v); }
  void store_partial(float* p, size_t n) const { _mm256_maskstore_ps(p, mask(n), v); }

  /// Lanes p[0], p[2], ..., p[2 * (kLanes - 1)] (deinterleaves 2 * kLanes floats).
  static VecF32 load_even(const float* p) {
    // [p0 p2 p8 p10 | p4 p6 p12 p14], then the 64-bit pairs reordered.
    const __m256 pairs = _mm256_shuffle_ps(_mm256_loadu_ps(p), _mm256_loadu_ps(p + 8), _MM_SHUFFLE(2, 0, 2, 0));
    return {_mm256_castpd_ps(_mm256_permute4x64_pd(_mm256_castps_pd(pairs), _MM_SHUFFLE(3, 1, 2, 0)))};
  }

  static __m256i mask(size_t n) {
    const __m256i lanes = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
    return _mm256_cmpgt_epi32(_mm256_set1_epi32(static_cast<int>(n)), lanes);
  }
};

struct MaskF32 {
  __m256 m;
};

inline VecF32 operator+(VecF32 a, VecF32 b) { return {_mm256_add_ps(a.v, b.v)}; }
inline VecF32 operator-(VecF32 a, VecF32 b) { return {_mm256_sub_ps(a.v, b.v)}; }
inline VecF32 operator*(VecF32 a, VecF32 b) { return {_mm256_mul_ps(a.v, b.v)}; }
inline VecF32 operator/(VecF32 a, VecF32 b) { return {_mm256_div_ps(a.v, b.v)}; }
inline VecF32 fmadd(VecF32 a, VecF32 b, VecF32 c) { return {_mm256_fmadd_ps(a.v, b.v, c.v)}; }
inline VecF32 min(VecF32 a, VecF32 b) { return {_mm256_min_ps(a.v, b.v)}; }
inline VecF32 max(VecF32 a, VecF32 b) { return {_mm256_max_ps(a.v, b.v)}; }
inline VecF32 abs(VecF32 a) { return {_mm256_and_ps(a.v, _mm256_castsi256_ps(_mm256_set1_epi32(INT32_MAX)))}; }
inline VecF32 neg(VecF32 a) { return {_mm256_xor_ps(a.v, _mm256_castsi256_ps(_mm256_set1_epi32(INT32_MIN)))}; }
inline VecF32 sqrt(VecF32 a) { return {_mm256_sqrt_ps(a.v)}; }
inline VecF32 floor(VecF32 a) { return {_mm256_floor_ps(a.v)}; }
inline VecF32 ceil(VecF32 a) { return {_mm256_ceil_ps(a.v)}; }
inline VecF32 round_nearest(VecF32 a) { return {_mm256_round_ps(a.v, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC)}; }
inline MaskF32 operator<(VecF32 a, VecF32 b) { return {_mm256_cmp_ps(a.v, b.v, _CMP_LT_OQ)}; }
inline MaskF32 operator>(VecF32 a, VecF32 b) { return {_mm256_cmp_ps(a.v, b.v, _CMP_GT_OQ)}; }
inline MaskF32 operator>=(VecF32 a, VecF32 b) { return {_mm256_cmp_ps(a.v, b.v, _CMP_GE_OQ)}; }
inline MaskF32 is_nan(VecF32 a) { return {_mm256_cmp_ps(a.v, a.v, _CMP_UNORD_Q)}; }
inline VecF32 select(MaskF32 m, VecF32 a, VecF32 b) { return {_mm256_blendv_ps(b.v, a.v, m.m)}; }
inline VecF32 pow2_int(VecF32 n) {
  const __m256i e = _mm256_add_epi32(_mm256_cvtps_epi32(n.v), _mm256_set1_epi32(127));
  return {_mm256_castsi256_ps(_mm256_slli_epi32(e, 23))};
}
inline VecF32 frexp_unit(VecF32 x, VecF32* e) {
  const __m256i bits = _mm256_castps_si256(x.v);
  const __m256i exp = _mm256_sub_epi32(_mm256_srli_epi32(bits, 23), _mm256_set1_epi32(127));
  *e = {_mm256_cvtepi32_ps(exp)};
  const __m256i mant = _mm256_or_si256(_mm256_and_si256(bits, _mm256_set1_epi32(0x007fffff)), _mm256_set1_epi32(0x3f800000));
  return {_mm256_castsi256_ps(mant)};
}
/// Interleaved lanes: zip_lo(a, b) = a0 b0 a1 b1 ... (the low halves), zip_hi the high halves.
inline VecF32 zip_lo(VecF32 a, VecF32 b) {
  return {_mm256_permute2f128_ps(_mm256_unpacklo_ps(a.v, b.v), _mm256_unpackhi_ps(a.v, b.v), 0x20)};
}
inline VecF32 zip_hi(VecF32 a, VecF32 b) {
  return {_mm256_permute2f128_ps(_mm256_unpacklo_ps(a.v, b.v), _mm256_unpackhi_ps(a.v, b.v), 0x31)};
}
inline float reduce_add(VecF32 a) {
  __m128 s = _mm_add_ps(_mm256_castps256_ps128(a.v), _mm256_extractf128_ps(a.v, 1));
  s = _mm_add_ps(s, _mm_movehl_ps(s, s));
  s = _mm_add_ss(s, _mm_movehdup_ps(s));
  return _mm_cvtss_f32(s);
}
inline float reduce_max(VecF32 a) {
  __m128 s = _mm_max_ps(_mm256_castps256_ps128(a.v), _mm256_extractf128_ps(a.v, 1));
  s = _mm_max_ps(s, _mm_movehl_ps(s, s));
  s = _mm_max_ss(s, _mm_movehdup_ps(s));
  return _mm_cvtss_f32(s);
}

}  // namespace hone::cpu::avx2
