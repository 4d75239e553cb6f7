// Storage types for the element types C++ has no native type for: float16, bfloat16, the
// float8 family, float8e8m0, float4e2m1, and the sub-byte integers. Each holds its bit
// pattern (sub-byte integers: the sign-extended value, one per byte) and converts to and
// from float. Conversions round to nearest even, as ONNX specifies.
#pragma once

#include <cstdint>
#include <type_traits>

namespace hone {

/// A binary floating-point format with 1 sign bit (unless `unsigned_only`), `exp_bits`
/// exponent bits and `man_bits` mantissa bits.
struct MiniFloatFormat {
  int exp_bits;
  int man_bits;
  int bias;
  enum class Special : uint8_t {
    Ieee,         // all-ones exponent = inf (mantissa 0) or NaN (float16, float8e5m2)
    FiniteNanMax, // only all-ones exponent+mantissa is NaN; no inf (float8e4m3fn)
    Fnuz,         // 0x80 (negative zero pattern) is the only NaN; no inf, no -0
    None,         // no inf, no NaN (float4e2m1)
  } special;
};

inline constexpr MiniFloatFormat kFloat16Format{5, 10, 15, MiniFloatFormat::Special::Ieee};
inline constexpr MiniFloatFormat kFloat8E4M3FNFormat{4, 3, 7, MiniFloatFormat::Special::FiniteNanMax};
inline constexpr MiniFloatFormat kFloat8E4M3FNUZFormat{4, 3, 8, MiniFloatFormat::Special::Fnuz};
inline constexpr MiniFloatFormat kFloat8E5M2Format{5, 2, 15, MiniFloatFormat::Special::Ieee};
inline constexpr MiniFloatFormat kFloat8E5M2FNUZFormat{5, 2, 16, MiniFloatFormat::Special::Fnuz};
inline constexpr MiniFloatFormat kFloat4E2M1Format{2, 1, 1, MiniFloatFormat::Special::None};

/// Bits -> value. NaN patterns give NaN.
float minifloat_decode(uint32_t bits, const MiniFloatFormat& format);
/// Value -> bits, round to nearest even. Out-of-range values (and infinities for formats
/// without inf) become the largest finite value when `saturate`, otherwise inf where the format
/// has it and NaN where it does not (float4e2m1, which has neither, always saturates and
/// maps NaN to -0, as ONNX does).
uint32_t minifloat_encode(float value, const MiniFloatFormat& format, bool saturate);

/// float8e8m0: 8 exponent bits only, value 2^(bits-127), 0xFF is NaN, no sign, no zero.
enum class E8M0Rounding : uint8_t { Up, Down, Nearest };
float float8e8m0_decode(uint8_t bits);
uint8_t float8e8m0_encode(float value, bool saturate, E8M0Rounding rounding);

uint16_t bfloat16_encode(float value);  // round to nearest even; NaN stays NaN
float bfloat16_decode(uint16_t bits);

#define HONE_DEFINE_MINIFLOAT(Name, Storage, FORMAT)                                     \
  struct Name {                                                                        \
    Storage bits = 0;                                                                  \
    Name() = default;                                                                  \
    explicit Name(float v, bool saturate = true)                                       \
        : bits(static_cast<Storage>(minifloat_encode(v, FORMAT, saturate))) {}         \
    explicit Name(double v) : Name(static_cast<float>(v)) {}                          \
    static Name from_bits(Storage b) { Name n; n.bits = b; return n; }                 \
    operator float() const { return minifloat_decode(bits, FORMAT); } /* NOLINT */    \
  }

HONE_DEFINE_MINIFLOAT(Float16, uint16_t, kFloat16Format);
HONE_DEFINE_MINIFLOAT(Float8E4M3FN, uint8_t, kFloat8E4M3FNFormat);
HONE_DEFINE_MINIFLOAT(Float8E4M3FNUZ, uint8_t, kFloat8E4M3FNUZFormat);
HONE_DEFINE_MINIFLOAT(Float8E5M2, uint8_t, kFloat8E5M2Format);
HONE_DEFINE_MINIFLOAT(Float8E5M2FNUZ, uint8_t, kFloat8E5M2FNUZFormat);
HONE_DEFINE_MINIFLOAT(Float4E2M1, uint8_t, kFloat4E2M1Format);
#undef HONE_DEFINE_MINIFLOAT

struct BFloat16 {
  uint16_t bits = 0;
  BFloat16() = default;
  explicit BFloat16(float v) : bits(bfloat16_encode(v)) {}
  explicit BFloat16(double v) : BFloat16(static_cast<float>(v)) {}
  static BFloat16 from_bits(uint16_t b) { BFloat16 n; n.bits = b; return n; }
  operator float() const { return bfloat16_decode(bits); }  // NOLINT
};

struct Float8E8M0 {
  uint8_t bits = 0;
  Float8E8M0() = default;
  explicit Float8E8M0(float v, bool saturate = true, E8M0Rounding r = E8M0Rounding::Up)
      : bits(float8e8m0_encode(v, saturate, r)) {}
  explicit Float8E8M0(double v) : Float8E8M0(static_cast<float>(v)) {}
  static Float8E8M0 from_bits(uint8_t b) { Float8E8M0 n; n.bits = b; return n; }
  operator float() const { return float8e8m0_decode(bits); }  // NOLINT
};

/// A sub-byte integer held unpacked: `value` is already sign-extended (signed) or zero-extended.
/// Construction from a wider value keeps the low `Bits` bits (two's complement wrap-around);
/// callers that need saturation clamp first.
template <bool Signed, int Bits>
struct SubByteInt {
  using Storage = std::conditional_t<Signed, int8_t, uint8_t>;
  static constexpr int kBits = Bits;
  static constexpr int kMin = Signed ? -(1 << (Bits - 1)) : 0;
  static constexpr int kMax = Signed ? (1 << (Bits - 1)) - 1 : (1 << Bits) - 1;
  Storage value = 0;
  SubByteInt() = default;
  explicit SubByteInt(int64_t v) : value(wrap(v)) {}
  operator int() const { return value; }  // NOLINT
  static Storage wrap(int64_t v) {
    auto low = static_cast<uint32_t>(static_cast<uint64_t>(v) & ((1u << Bits) - 1u));
    if constexpr (Signed) {
      if (low & (1u << (Bits - 1))) return static_cast<Storage>(static_cast<int32_t>(low) - (1 << Bits));
    }
    return static_cast<Storage>(low);
  }
};
using Int4 = SubByteInt<true, 4>;
using UInt4 = SubByteInt<false, 4>;
using Int2 = SubByteInt<true, 2>;
using UInt2 = SubByteInt<false, 2>;

}  // namespace hone
