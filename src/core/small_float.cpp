// Conversions between float and the narrow floating formats (small_float.hpp).
//
// Encoding, for a finite |v| > 0 written as v = 1.f * 2^e:
//   biased exponent E = e + bias; normal when E >= 1, then mantissa q = v * 2^(man - e),
//   in [2^man, 2^(man+1)), rounded to nearest even; subnormal (E <= 0) uses the fixed scale
//   q = v * 2^(man - (1 - bias)). A rounding carry moves to the next exponent.
#include "core/small_float.hpp"

#include <cmath>
#include <cstring>
#include <limits>

namespace hone {
namespace {

struct Limits {
  uint32_t max_exp;   // largest biased exponent of a finite value
  uint32_t max_man;   // largest mantissa at max_exp
  uint32_t inf_bits;  // without sign; 0 when none
  uint32_t nan_bits;  // positive NaN pattern
};

Limits limits_of(const MiniFloatFormat& f) {
  const uint32_t all_exp = (1u << f.exp_bits) - 1u;
  const uint32_t all_man = (1u << f.man_bits) - 1u;
  switch (f.special) {
    case MiniFloatFormat::Special::Ieee:
      return {all_exp - 1, all_man, all_exp << f.man_bits, (all_exp << f.man_bits) | (1u << (f.man_bits - 1))};
    case MiniFloatFormat::Special::FiniteNanMax:
      return {all_exp, all_man - 1, 0, (all_exp << f.man_bits) | all_man};
    case MiniFloatFormat::Special::Fnuz:
      return {all_exp, all_man, 0, 1u << (f.exp_bits + f.man_bits)};
    case MiniFloatFormat::Special::None:
      return {all_exp, all_man, 0, (all_exp << f.man_bits) | all_man};
  }
  return {};
}

}  // namespace

float minifloat_decode(uint32_t bits, const MiniFloatFormat& f) {
  const int sign_shift = f.exp_bits + f.man_bits;
  const uint32_t sign = (bits >> sign_shift) & 1u;
  const uint32_t exp = (bits >> f.man_bits) & ((1u << f.exp_bits) - 1u);
  const uint32_t man = bits & ((1u << f.man_bits) - 1u);
  const float nan = std::numeric_limits<float>::quiet_NaN();
  switch (f.special) {
    case MiniFloatFormat::Special::Ieee:
      if (exp == (1u << f.exp_bits) - 1u) {
        if (man != 0) return nan;
        return sign ? -std::numeric_limits<float>::infinity() : std::numeric_limits<float>::infinity();
      }
      break;
    case MiniFloatFormat::Special::FiniteNanMax:
      if (exp == (1u << f.exp_bits) - 1u && man == (1u << f.man_bits) - 1u) return nan;
      break;
    case MiniFloatFormat::Special::Fnuz:
      if (sign && exp == 0 && man == 0) return nan;
      break;
    case MiniFloatFormat::Special::None: break;
  }
  float magnitude;
  if (exp == 0) {
    magnitude = std::ldexp(static_cast<float>(man), 1 - f.bias - f.man_bits);
  } else {
    magnitude = std::ldexp(static_cast<float>(man + (1u << f.man_bits)), static_cast<int>(exp) - f.bias - f.man_bits);
  }
  return sign ? -magnitude : magnitude;
}

uint32_t minifloat_encode(float v, const MiniFloatFormat& f, bool saturate) {
  const Limits lim = limits_of(f);
  const int sign_shift = f.exp_bits + f.man_bits;
  const bool fnuz = f.special == MiniFloatFormat::Special::Fnuz;
  const bool no_special = f.special == MiniFloatFormat::Special::None;
  if (no_special) saturate = true;
  // float4e2m1 has no NaN: ONNX maps NaN to the negative-zero pattern.
  if (std::isnan(v)) return no_special ? (1u << sign_shift) : lim.nan_bits;
  const uint32_t sign = std::signbit(v) ? (1u << sign_shift) : 0u;
  const uint32_t max_bits = (lim.max_exp << f.man_bits) | lim.max_man;
  const uint32_t overflow = saturate ? max_bits : (lim.inf_bits ? lim.inf_bits : lim.nan_bits);
  const float a = std::fabs(v);
  if (std::isinf(a)) {
    if (fnuz && !saturate) return lim.nan_bits;
    return sign | overflow;
  }
  if (a == 0.0f) return fnuz ? 0u : sign;

  int e2 = 0;
  std::frexp(a, &e2);  // a = m * 2^e2, m in [0.5, 1)  =>  a = 1.f * 2^(e2-1)
  const int e = e2 - 1;
  int biased = e + f.bias;
  double q;
  if (biased >= 1) {
    q = std::ldexp(static_cast<double>(a), f.man_bits - e);
  } else {
    q = std::ldexp(static_cast<double>(a), f.man_bits - (1 - f.bias));
    biased = 0;
  }
  auto mant = static_cast<uint64_t>(std::nearbyint(q));  // default rounding: nearest even
  const uint64_t hidden = 1ull << f.man_bits;
  if (biased == 0) {
    if (mant >= hidden) {  // rounded up into the smallest normal
      biased = 1;
      mant -= hidden;
    }
  } else {
    if (mant >= (hidden << 1)) {
      mant >>= 1;
      ++biased;
    }
    mant -= hidden;
  }
  if (static_cast<uint32_t>(biased) > lim.max_exp ||
      (static_cast<uint32_t>(biased) == lim.max_exp && mant > lim.max_man)) {
    if (fnuz && !saturate) return lim.nan_bits;
    return sign | overflow;
  }
  uint32_t bits = sign | (static_cast<uint32_t>(biased) << f.man_bits) | static_cast<uint32_t>(mant);
  if (fnuz && (bits & ~(1u << sign_shift)) == 0) bits = 0;  // no negative zero
  return bits;
}

float float8e8m0_decode(uint8_t bits) {
  if (bits == 0xFF) return std::numeric_limits<float>::quiet_NaN();
  return std::ldexp(1.0f, static_cast<int>(bits) - 127);
}

uint8_t float8e8m0_encode(float v, bool saturate, E8M0Rounding rounding) {
  if (std::isnan(v) || v < 0.0f) return 0xFF;
  if (std::isinf(v)) return saturate ? 0xFE : 0xFF;
  if (v == 0.0f) return 0x00;  // smallest representable (2^-127) stands in for zero
  int e2 = 0;
  const float m = std::frexp(v, &e2);  // v = m * 2^e2, m in [0.5, 1)
  int e = e2 - 1;                      // floor(log2 v)
  const bool exact = (m == 0.5f);
  switch (rounding) {
    case E8M0Rounding::Up:
      if (!exact) ++e;
      break;
    case E8M0Rounding::Down: break;
    case E8M0Rounding::Nearest:
      // Between 2^e and 2^(e+1): the midpoint in value is 1.5 * 2^e.
      if (!exact && m * 2.0f >= 1.5f) ++e;
      break;
  }
  int biased = e + 127;
  if (biased < 0) return 0x00;
  if (biased > 254) return saturate ? 0xFE : 0xFF;
  return static_cast<uint8_t>(biased);
}

uint16_t bfloat16_encode(float v) {
  uint32_t u;
  std::memcpy(&u, &v, sizeof u);
  if (std::isnan(v)) return static_cast<uint16_t>((u >> 16) | 0x0040u);
  u += 0x7FFFu + ((u >> 16) & 1u);
  return static_cast<uint16_t>(u >> 16);
}

float bfloat16_decode(uint16_t bits) {
  const uint32_t u = static_cast<uint32_t>(bits) << 16;
  float v;
  std::memcpy(&v, &u, sizeof v);
  return v;
}

}  // namespace hone
