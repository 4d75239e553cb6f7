// Cast / CastLike: conversions across element types, string formatting and parsing, float8
// saturation, sub-byte wrap-around, and errors.
#include "harness/op_harness.hpp"

namespace hone::testing {
namespace {

ir::Attributes to(DataType t) {
  ir::Attributes a;
  a.set("to", ir::Attribute::of_int(static_cast<int64_t>(t)));
  return a;
}

Tensor cast(const Tensor& x, DataType t, ir::Attributes extra = {}) {
  ir::Attributes a = to(t);
  for (const auto& [k, v] : extra.items()) a.set(k, v);
  auto r = run_op({.op_type = "Cast", .inputs = {Datum::of(x)}, .attrs = a});
  EXPECT_TRUE(r.is_ok()) << r.status().to_string();
  return r.is_ok() ? r->at(0).tensor : Tensor();
}

TEST(Cast, FloatToIntTruncatesTowardZero) {
  Tensor y = cast(make_float({5}, {1.9f, -1.9f, 0.5f, -0.0f, 127.0f}), DataType::Int32);
  EXPECT_TRUE(tensors_near(y, make_tensor<int32_t>(DataType::Int32, {5}, {1, -1, 0, 0, 127}), 0, 0));
}

TEST(Cast, FloatToInt4WrapsAround) {
  Tensor y = cast(make_float({4}, {-9, 7, 8, 15}), DataType::Int4);
  std::vector<int> got;
  for (int64_t i = 0; i < 4; ++i) got.push_back(y.data<Int4>()[i]);
  EXPECT_EQ(got, (std::vector<int>{7, 7, -8, -1}));
}

TEST(Cast, FloatToStringLikeNumpy) {
  Tensor y = cast(make_float({8}, {1.0f, 0.1f, -2.5f, 1e-5f, 1.5e20f, 100.0f, 0.00012f, std::nanf("")}),
                  DataType::String);
  std::vector<std::string> want = {"1.0", "0.1", "-2.5", "1e-05", "1.5e+20", "100.0", "0.00012", "nan"};
  for (size_t i = 0; i < want.size(); ++i) EXPECT_EQ(y.strings()[i], want[i]) << i;
}

TEST(Cast, Float16ToStringUsesShortestFloat16Digits) {
  Tensor x = make_tensor<Float16>(DataType::Float16, {2}, {Float16(0.1f), Float16(-3.0f)});
  Tensor y = cast(x, DataType::String);
  EXPECT_EQ(y.strings()[0], "0.1");
  EXPECT_EQ(y.strings()[1], "-3.0");
}

TEST(Cast, StringToFloatParsesSpecials) {
  Tensor x = make_tensor<std::string>(DataType::String, {5}, {"NaN", "INF", "-INF", "1e3", " 2.5 "});
  Tensor y = cast(x, DataType::Float);
  EXPECT_TRUE(std::isnan(y.data<float>()[0]));
  EXPECT_EQ(y.data<float>()[1], INFINITY);
  EXPECT_EQ(y.data<float>()[2], -INFINITY);
  EXPECT_EQ(y.data<float>()[3], 1000.0f);
  EXPECT_EQ(y.data<float>()[4], 2.5f);
}

TEST(Cast, StringToIntAndBoolToString) {
  Tensor y = cast(make_tensor<std::string>(DataType::String, {3}, {"-7", "18446744073709551615", "3.9"}), DataType::Int64);
  EXPECT_TRUE(tensors_near(y, make_int64({3}, {-7, -1, 3}), 0, 0));
  Tensor b = cast(make_tensor<bool>(DataType::Bool, {2}, {true, false}), DataType::String);
  EXPECT_EQ(b.strings()[0], "True");
  EXPECT_EQ(b.strings()[1], "False");
}

TEST(Cast, Float8SaturateAttribute) {
  Tensor x = make_float({2}, {1000.0f, -1e9f});
  Tensor sat = cast(x, DataType::Float8E4M3FN);
  EXPECT_EQ(static_cast<float>(sat.data<Float8E4M3FN>()[0]), 448.0f);
  EXPECT_EQ(static_cast<float>(sat.data<Float8E4M3FN>()[1]), -448.0f);
  ir::Attributes no;
  no.set("saturate", ir::Attribute::of_int(0));
  Tensor nosat = cast(x, DataType::Float8E5M2, no);
  EXPECT_EQ(static_cast<float>(nosat.data<Float8E5M2>()[0]), 1024.0f);  // 1000 rounds to 1024 in e5m2
  EXPECT_EQ(static_cast<float>(nosat.data<Float8E5M2>()[1]), -INFINITY);
}

TEST(Cast, E8M0RoundModes) {
  Tensor x = make_float({1}, {3.5f});
  for (auto [mode, want] : std::vector<std::pair<std::string, float>>{{"up", 4.0f}, {"down", 2.0f}, {"nearest", 4.0f}}) {
    ir::Attributes a;
    a.set("round_mode", ir::Attribute::of_string(mode));
    Tensor y = cast(x, DataType::Float8E8M0, a);
    EXPECT_EQ(static_cast<float>(y.data<Float8E8M0>()[0]), want) << mode;
  }
}

TEST(Cast, Float16OverflowIsInf) {
  Tensor y = cast(make_float({1}, {1e6f}), DataType::Float16);
  EXPECT_EQ(static_cast<float>(y.data<Float16>()[0]), INFINITY);
}

TEST(CastLike, TakesTypeOfSecondInput) {
  auto r = run_op({.op_type = "CastLike",
                   .inputs = {Datum::of(make_int64({2, 1}, {3, -4})), Datum::of(make_tensor<double>(DataType::Double, {0}, {}))}});
  ASSERT_TRUE(r.is_ok()) << r.status().to_string();
  EXPECT_TRUE(tensors_near(r->at(0).tensor, make_tensor<double>(DataType::Double, {2, 1}, {3.0, -4.0}), 0, 0));
}

TEST(Cast, Errors) {
  auto r = run_op({.op_type = "Cast", .inputs = {Datum::of(make_float({1}, {1}))}, .attrs = to(static_cast<DataType>(99))});
  ASSERT_FALSE(r.is_ok());
  EXPECT_NE(r.status().to_string().find("attribute 'to' is not a supported element type"), std::string::npos);
  auto p = run_op({.op_type = "Cast",
                   .inputs = {Datum::of(make_tensor<std::string>(DataType::String, {1}, {"abc"}))},
                   .attrs = to(DataType::Float)});
  ASSERT_FALSE(p.is_ok());
  EXPECT_NE(p.status().to_string().find("cannot parse 'abc'"), std::string::npos) << p.status().to_string();
}

}  // namespace
}  // namespace hone::testing
