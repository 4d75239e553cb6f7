// The 16-lane float vector of AVX-512 kernels. Included only by files compiled for AVX-512
// (*_avx512.cpp); the type lives in namespace hone::cpu::avx512 so its inline functions never
// mix with other ISAs' at link time (see dispatch.hpp). Kernels are written once over a vector
// type V with this interface (simd_avx2.hpp has the 8-lane one).
#pragma once

#include <immintrin.h>

#include <cstddef>
#include <cstdint>

namespace hone::cpu::avx512 {

struct VecF32 {
  static constexpr size_t kLanes = 16;
  __m512 v;

  static VecF32 load(const float* p) { return {_mm512_loadu_ps(p)}; }
  /// The first n (< kLanes) lanes from p, the rest 0; never touches memory past p + n.
  static VecF32 load_partial(const float* p, size_t n) { return {_mm512_maskz_loadu_ps(mask(n), p)}; }
  static VecF32 broadcast(float x) { return {_mm512_set1_ps(x)}; }
  static VecF32 zero() { return {_mm512_setzero_ps()}; }
  /// v with lanes n.. set to 0.
  static VecF32 first_lanes(VecF32 a, size_t n) { return {_mm512_maskz_mov_ps(mask(n), a.v)}; }
  void store(float* p) const { _mm512_storeu_ps(p, v); }
  void store_partial(float* p, size_t n) const { _mm512_mask_storeu_ps(p, mask(n), v); }

  /// Lanes p[0], p[2], ..., p[2 * (kLanes - 1)] (deinterleaves 2 * kLanes floats).
  static VecF32 load_even(const float* p) {
    const __m512i even = _mm512_setr_epi32(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30);
    return {_mm512_permutex2var_ps(_mm512_loadu_ps(p), even, _mm512_loadu_ps(p + 16))};
  }

  static __mmask16 mask(size_t n) { return static_cast<__mmask16>((1u << n) - 1u); }
};

struct MaskF32 {
  __mmask16 m;
};

inline VecF32 operator+(VecF32 a, VecF32 b) { return {_mm512_add_ps(a.v, b.v)}; }
inline VecF32 operator-(VecF32 a, VecF32 b) { return {_mm512_sub_ps(a.v, b.v)}; }
inline VecF32 operator*(VecF32 a, VecF32 b) { return {_mm512_mul_ps(a.v, b.v)}; }
inline VecF32 operator/(VecF32 a, VecF32 b) { return {_mm512_div_ps(a.v, b.v)}; }
/// a * b + c with one rounding.
inline VecF32 fmadd(VecF32 a, VecF32 b, VecF32 c) { return {_mm512_fmadd_ps(a.v, b.v, c.v)}; }
/// IEEE min/max semantics of the instruction: when either is NaN the second operand is returned.
inline VecF32 min(VecF32 a, VecF32 b) { return {_mm512_min_ps(a.v, b.v)}; }
inline VecF32 max(VecF32 a, VecF32 b) { return {_mm512_max_ps(a.v, b.v)}; }
inline VecF32 abs(VecF32 a) { return {_mm512_abs_ps(a.v)}; }
inline VecF32 neg(VecF32 a) { return {_mm512_castsi512_ps(_mm512_xor_si512(_mm512_castps_si512(a.v), _mm512_set1_epi32(INT32_MIN)))}; }
inline VecF32 sqrt(VecF32 a) { return {_mm512_sqrt_ps(a.v)}; }
inline VecF32 floor(VecF32 a) { return {_mm512_roundscale_ps(a.v, _MM_FROUND_TO_NEG_INF | _MM_FROUND_NO_EXC)}; }
inline VecF32 ceil(VecF32 a) { return {_mm512_roundscale_ps(a.v, _MM_FROUND_TO_POS_INF | _MM_FROUND_NO_EXC)}; }
/// Round to nearest even.
inline VecF32 round_nearest(VecF32 a) { return {_mm512_roundscale_ps(a.v, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC)}; }
inline MaskF32 operator<(VecF32 a, VecF32 b) { return {_mm512_cmp_ps_mask(a.v, b.v, _CMP_LT_OQ)}; }
inline MaskF32 operator>(VecF32 a, VecF32 b) { return {_mm512_cmp_ps_mask(a.v, b.v, _CMP_GT_OQ)}; }
inline MaskF32 operator>=(VecF32 a, VecF32 b) { return {_mm512_cmp_ps_mask(a.v, b.v, _CMP_GE_OQ)}; }
inline MaskF32 is_nan(VecF32 a) { return {_mm512_cmp_ps_mask(a.v, a.v, _CMP_UNORD_Q)}; }
/// m ? a : b, per lane.
inline VecF32 select(MaskF32 m, VecF32 a, VecF32 b) { return {_mm512_mask_blend_ps(m.m, b.v, a.v)}; }
/// 2^n for integral-valued n in [-126, 127] (built from the exponent bits).
inline VecF32 pow2_int(VecF32 n) {
  const __m512i e = _mm512_add_epi32(_mm512_cvtps_epi32(n.v), _mm512_set1_epi32(127));
  return {_mm512_castsi512_ps(_mm512_slli_epi32(e, 23))};
}
/// x = m * 2^e with m in [1, 2): returns m, sets e (as a float). For positive normal x.
inline VecF32 frexp_unit(VecF32 x, VecF32* e) {
  *e = {_mm512_getexp_ps(x.v)};
  return {_mm512_getmant_ps(x.v, _MM_MANT_NORM_1_2, _MM_MANT_SIGN_src)};
}
/// Interleaved lanes: zip_lo(a, b) = a0 b0 a1 b1 ... (the low halves), zip_hi the high halves.
inline VecF32 zip_lo(VecF32 a, VecF32 b) {
  const __m512i idx = _mm512_setr_epi32(0, 16, 1, 17, 2, 18, 3, 19, 4, 20, 5, 21, 6, 22, 7, 23);
  return {_mm512_permutex2var_ps(a.v, idx, b.v)};
}
inline VecF32 zip_hi(VecF32 a, VecF32 b) {
  const __m512i idx = _mm512_setr_epi32(8, 24, 9, 25, 10, 26, 11, 27, 12, 28, 13, 29, 14, 30, 15, 31);
  return {_mm512_permutex2var_ps(a.v, idx, b.v)};
}
/// The sum of the lanes.
inline float reduce_add(VecF32 a) { return _mm512_reduce_add_ps(a.v); }
inline float reduce_max(VecF32 a) { return _mm512_reduce_max_ps(a.v); }

}  // namespace hone::cpu::avx512
