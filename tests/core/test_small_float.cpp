// Narrow floating formats: exact round trips, rounding to nearest even, saturation.
#include <gtest/gtest.h>

#include <cmath>

#include "core/small_float.hpp"

namespace hone {
namespace {

TEST(SmallFloat, Float16RoundTripsEveryPattern) {
  for (uint32_t b = 0; b < 0x10000; ++b) {
    const float v = minifloat_decode(b, kFloat16Format);
    if (std::isnan(v)) continue;
    EXPECT_EQ(minifloat_encode(v, kFloat16Format, false), b) << "bits " << b;
  }
}

TEST(SmallFloat, Float16KnownValues) {
  EXPECT_EQ(Float16(1.0f).bits, 0x3C00);
  EXPECT_EQ(Float16(65504.0f).bits, 0x7BFF);
  EXPECT_EQ(Float16(1e6f, false).bits, 0x7C00);               // overflow -> inf
  EXPECT_EQ(Float16(5.9604645e-08f).bits, 0x0001);            // smallest subnormal
  EXPECT_EQ(Float16(1.0f + 1.0f / 2048).bits, 0x3C00);        // tie rounds to even
  EXPECT_EQ(Float16(1.0f + 3.0f / 2048).bits, 0x3C02);
}

TEST(SmallFloat, Float8E4M3FN) {
  EXPECT_EQ(Float8E4M3FN(448.0f).bits, 0x7E);
  EXPECT_EQ(Float8E4M3FN(1000.0f, true).bits, 0x7E);    // saturates
  EXPECT_EQ(Float8E4M3FN(1000.0f, false).bits, 0x7F);   // NaN, no inf in this format
  EXPECT_TRUE(std::isnan(static_cast<float>(Float8E4M3FN::from_bits(0xFF))));
  for (uint32_t b = 0; b < 256; ++b) {
    const float v = minifloat_decode(b, kFloat8E4M3FNFormat);
    if (!std::isnan(v)) {
      EXPECT_EQ(minifloat_encode(v, kFloat8E4M3FNFormat, false), b) << b;
    }
  }
}

TEST(SmallFloat, Float8Fnuz) {
  EXPECT_EQ(Float8E4M3FNUZ(-0.0f).bits, 0x00);  // no negative zero
  EXPECT_TRUE(std::isnan(static_cast<float>(Float8E5M2FNUZ::from_bits(0x80))));
  EXPECT_EQ(Float8E4M3FNUZ(240.0f).bits, 0x7F);
  EXPECT_EQ(Float8E5M2FNUZ(1e9f, false).bits, 0x80);
}

TEST(SmallFloat, Float4E2M1) {
  EXPECT_EQ(Float4E2M1(6.0f).bits, 0x7);
  EXPECT_EQ(Float4E2M1(100.0f).bits, 0x7);
  EXPECT_EQ(Float4E2M1(-0.5f).bits, 0x9);
  EXPECT_EQ(Float4E2M1(0.75f).bits, 0x2);  // tie 0.5|1.0 -> even mantissa (1.0)
  EXPECT_EQ(static_cast<float>(Float4E2M1::from_bits(0x5)), 3.0f);
  EXPECT_EQ(Float4E2M1(NAN).bits, 0x8);  // no NaN in the format: ONNX uses -0
}

TEST(SmallFloat, BFloat16RoundsToNearestEven) {
  EXPECT_EQ(BFloat16(1.0f).bits, 0x3F80);
  EXPECT_EQ(static_cast<float>(BFloat16(3.140625f)), 3.140625f);
  EXPECT_TRUE(std::isnan(static_cast<float>(BFloat16(NAN))));
}

TEST(SmallFloat, E8M0Rounding) {
  EXPECT_EQ(float8e8m0_encode(1.0f, true, E8M0Rounding::Up), 127);
  EXPECT_EQ(float8e8m0_encode(3.0f, true, E8M0Rounding::Up), 129);
  EXPECT_EQ(float8e8m0_encode(3.0f, true, E8M0Rounding::Down), 128);
  EXPECT_EQ(float8e8m0_encode(3.1f, true, E8M0Rounding::Nearest), 129);
  EXPECT_EQ(float8e8m0_encode(2.5f, true, E8M0Rounding::Nearest), 128);
  EXPECT_EQ(float8e8m0_decode(0xFE), std::ldexp(1.0f, 127));
}

TEST(SubByteInt, WrapsAndSignExtends) {
  EXPECT_EQ(static_cast<int>(Int4(7)), 7);
  EXPECT_EQ(static_cast<int>(Int4(8)), -8);
  EXPECT_EQ(static_cast<int>(UInt4(17)), 1);
  EXPECT_EQ(static_cast<int>(Int2(-1)), -1);
  EXPECT_EQ(static_cast<int>(UInt2(3)), 3);
}

}  // namespace
}  // namespace hone
