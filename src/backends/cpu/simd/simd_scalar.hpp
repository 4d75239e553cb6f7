// The one-lane "vector" of the baseline kernels: the interface of simd_avx2.hpp and
// simd_avx512.hpp over a plain float, so a kernel written once over V also gives the portable
// tactic (compiled without ISA flags; the compiler may still use SSE2 for it). Included only
// by baseline kernel files; namespace hone::cpu::baseline keeps its instantiations apart from
// the ISA files' (see dispatch.hpp).
#pragma once

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>

namespace hone::cpu::baseline {

struct VecF32 {
  static constexpr size_t kLanes = 1;
  float v;

  static VecF32 load(const float* p) { return {*p}; }
  /// kLanes is 1: a partial load has no lane (n is 0).
  static VecF32 load_partial(const float*, size_t) { return {0.0f}; }
  static VecF32 load_even(const float* p) { return {*p}; }
  static VecF32 broadcast(float x) { return {x}; }
  static VecF32 zero() { return {0.0f}; }
  void store(float* p) const { *p = v; }
  void store_partial(float*, size_t) const {}
};

struct MaskF32 {
  bool m;
};

inline VecF32 operator+(VecF32 a, VecF32 b) { return {a.v + b.v}; }
inline VecF32 operator-(VecF32 a, VecF32 b) { return {a.v - b.v}; }
inline VecF32 operator*(VecF32 a, VecF32 b) { return {a.v * b.v}; }
inline VecF32 operator/(VecF32 a, VecF32 b) { return {a.v / b.v}; }
/// a * b + c, rounded twice: a fused multiply-add is a slow library call without FMA hardware.
inline VecF32 fmadd(VecF32 a, VecF32 b, VecF32 c) { return {a.v * b.v + c.v}; }
/// The instructions' semantics: when either is NaN the second operand is returned.
inline VecF32 min(VecF32 a, VecF32 b) { return {a.v < b.v ? a.v : b.v}; }
inline VecF32 max(VecF32 a, VecF32 b) { return {a.v > b.v ? a.v : b.v}; }
inline VecF32 abs(VecF32 a) { return {std::fabs(a.v)}; }
inline VecF32 neg(VecF32 a) { return {-a.v}; }
inline VecF32 sqrt(VecF32 a) { return {std::sqrt(a.v)}; }
inline VecF32 floor(VecF32 a) { return {std::floor(a.v)}; }
inline VecF32 ceil(VecF32 a) { return {std::ceil(a.v)}; }
inline VecF32 round_nearest(VecF32 a) { return {std::nearbyint(a.v)}; }
inline MaskF32 operator<(VecF32 a, VecF32 b) { return {a.v < b.v}; }
inline MaskF32 operator>(VecF32 a, VecF32 b) { return {a.v > b.v}; }
inline MaskF32 operator>=(VecF32 a, VecF32 b) { return {a.v >= b.v}; }
inline MaskF32 is_nan(VecF32 a) { return {a.v != a.v}; }
inline VecF32 select(MaskF32 m, VecF32 a, VecF32 b) { return m.m ? a : b; }
/// 2^n for integral-valued n in [-126, 127] (built from the exponent bits).
inline VecF32 pow2_int(VecF32 n) {
  const uint32_t bits = static_cast<uint32_t>(static_cast<int32_t>(n.v) + 127) << 23;
  float f;
  std::memcpy(&f, &bits, sizeof f);
  return {f};
}
/// x = m * 2^e with m in [1, 2): returns m, sets e (as a float). For positive normal x.
inline VecF32 frexp_unit(VecF32 x, VecF32* e) {
  int exponent = 0;
  const float m = std::frexp(x.v, &exponent);  // m in [0.5, 1)
  *e = {static_cast<float>(exponent - 1)};
  return {m * 2.0f};
}
/// Interleaved lanes of one-lane vectors: a0 b0.
inline VecF32 zip_lo(VecF32 a, VecF32) { return a; }
inline VecF32 zip_hi(VecF32, VecF32 b) { return b; }
inline float reduce_add(VecF32 a) { return a.v; }
inline float reduce_max(VecF32 a) { return a.v; }

}  // namespace hone::cpu::baseline
