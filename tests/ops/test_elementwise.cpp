// Elementwise operators: unary math, activations, binary arithmetic/comparison/logic,
// variadic Max/Min/Sum/Mean, Where, PRelu, Clip. Expected values come from small formulas
// in the test or by hand.
#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>

#include "harness/op_harness.hpp"
#include "ops/op_def.hpp"

namespace hone::testing {
namespace {

Datum T(Tensor t) { return Datum::of(std::move(t)); }

ir::Attributes attrs(std::initializer_list<std::pair<const char*, ir::Attribute>> list) {
  ir::Attributes a;
  for (const auto& [name, value] : list) a.set(name, value);
  return a;
}

Tensor run1(const OpCall& call) {
  auto r = run_op(call);
  EXPECT_TRUE(r.is_ok()) << r.status().to_string();
  return r.is_ok() ? r->at(0).tensor : Tensor();
}

std::string error_of(const OpCall& call) {
  auto r = run_op(call);
  EXPECT_FALSE(r.is_ok());
  return r.is_ok() ? "" : r.status().to_string();
}

// Applies f to every element of a float tensor.
template <class F>
Tensor map_float(const Tensor& x, F f) {
  Tensor y = x.clone();
  for (int64_t i = 0; i < y.numel(); ++i) y.data<float>()[i] = static_cast<float>(f(static_cast<double>(x.data<float>()[i])));
  return y;
}

TEST(ElementwiseUnary, MathFunctionsMatchLibm) {
  const Tensor x = random_float({3, 5, 7}, 11, -0.9f, 0.9f);
  struct Case { const char* op; double (*f)(double); };
  const Case cases[] = {{"Sin", [](double v) { return std::sin(v); }},   {"Cos", [](double v) { return std::cos(v); }},
                        {"Tan", [](double v) { return std::tan(v); }},   {"Asin", [](double v) { return std::asin(v); }},
                        {"Acos", [](double v) { return std::acos(v); }}, {"Atan", [](double v) { return std::atan(v); }},
                        {"Sinh", [](double v) { return std::sinh(v); }}, {"Cosh", [](double v) { return std::cosh(v); }},
                        {"Tanh", [](double v) { return std::tanh(v); }}, {"Asinh", [](double v) { return std::asinh(v); }},
                        {"Atanh", [](double v) { return std::atanh(v); }}, {"Exp", [](double v) { return std::exp(v); }},
                        {"Erf", [](double v) { return std::erf(v); }},   {"Ceil", [](double v) { return std::ceil(v); }},
                        {"Floor", [](double v) { return std::floor(v); }}, {"Neg", [](double v) { return -v; }},
                        {"Abs", [](double v) { return std::fabs(v); }},  {"Reciprocal", [](double v) { return 1 / v; }},
                        {"Sigmoid", [](double v) { return 1 / (1 + std::exp(-v)); }},
                        {"Softsign", [](double v) { return v / (1 + std::fabs(v)); }},
                        {"Softplus", [](double v) { return std::log(1 + std::exp(v)); }},
                        {"Relu", [](double v) { return v > 0 ? v : 0.0; }}};
  for (const Case& c : cases) {
    SCOPED_TRACE(c.op);
    EXPECT_TRUE(tensors_near(run1({.op_type = c.op, .inputs = {T(x)}}), map_float(x, c.f), 1e-5, 1e-6));
  }
  const Tensor pos = random_float({4, 3}, 12, 1.1f, 5.0f);
  EXPECT_TRUE(tensors_near(run1({.op_type = "Log", .inputs = {T(pos)}}), map_float(pos, [](double v) { return std::log(v); })));
  EXPECT_TRUE(tensors_near(run1({.op_type = "Sqrt", .inputs = {T(pos)}}), map_float(pos, [](double v) { return std::sqrt(v); })));
  EXPECT_TRUE(tensors_near(run1({.op_type = "Acosh", .inputs = {T(pos)}}), map_float(pos, [](double v) { return std::acosh(v); })));
}

TEST(ElementwiseUnary, RoundIsHalfToEven) {
  const Tensor x = make_float({8}, {0.5f, 1.5f, 2.5f, -0.5f, -1.5f, 2.4f, 2.6f, -2.5f});
  EXPECT_TRUE(tensors_near(run1({.op_type = "Round", .inputs = {T(x)}}),
                           make_float({8}, {0.f, 2.f, 2.f, -0.f, -2.f, 2.f, 3.f, -2.f}), 0, 0));
}

TEST(ElementwiseUnary, IntegerAbsNegSignAndRank0) {
  const Tensor x = make_tensor<int32_t>(DataType::Int32, {5}, {-3, 0, 7, std::numeric_limits<int32_t>::min(), 1});
  EXPECT_TRUE(tensors_near(run1({.op_type = "Abs", .inputs = {T(x)}}),
                           make_tensor<int32_t>(DataType::Int32, {5}, {3, 0, 7, std::numeric_limits<int32_t>::min(), 1}), 0, 0));
  EXPECT_TRUE(tensors_near(run1({.op_type = "Neg", .inputs = {T(x)}}),
                           make_tensor<int32_t>(DataType::Int32, {5}, {3, 0, -7, std::numeric_limits<int32_t>::min(), -1}), 0, 0));
  EXPECT_TRUE(tensors_near(run1({.op_type = "Sign", .inputs = {T(x)}}),
                           make_tensor<int32_t>(DataType::Int32, {5}, {-1, 0, 1, -1, 1}), 0, 0));
  const Tensor s = make_tensor<int8_t>(DataType::Int8, {}, {-5});
  EXPECT_TRUE(tensors_near(run1({.op_type = "Relu", .inputs = {T(s)}}), make_tensor<int8_t>(DataType::Int8, {}, {0}), 0, 0));
}

TEST(ElementwiseUnary, Float16RoundTripsThroughFloat) {
  const Tensor x = make_tensor<Float16>(DataType::Float16, {3}, {Float16(1.0f), Float16(-2.0f), Float16(0.25f)});
  Tensor y = run1({.op_type = "Exp", .inputs = {T(x)}});
  ASSERT_EQ(y.dtype(), DataType::Float16);
  EXPECT_NEAR(static_cast<float>(y.data<Float16>()[0]), std::exp(1.0f), 2e-3);
  EXPECT_NEAR(static_cast<float>(y.data<Float16>()[2]), std::exp(0.25f), 2e-3);
}

TEST(ElementwiseUnary, IsInfIsNaNNot) {
  const float inf = std::numeric_limits<float>::infinity(), nan = std::nanf("");
  const Tensor x = make_float({4}, {inf, -inf, nan, 1.0f});
  auto b = [](std::vector<bool> v) {
    Tensor t = Tensor::zeros(DataType::Bool, {static_cast<int64_t>(v.size())});
    for (size_t i = 0; i < v.size(); ++i) t.data<bool>()[i] = v[i];
    return t;
  };
  EXPECT_TRUE(tensors_near(run1({.op_type = "IsInf", .inputs = {T(x)}}), b({true, true, false, false}), 0, 0));
  EXPECT_TRUE(tensors_near(run1({.op_type = "IsInf", .inputs = {T(x)}, .attrs = attrs({{"detect_negative", ir::Attribute::of_int(0)}})}),
                           b({true, false, false, false}), 0, 0));
  EXPECT_TRUE(tensors_near(run1({.op_type = "IsNaN", .inputs = {T(x)}}), b({false, false, true, false}), 0, 0));
  EXPECT_TRUE(tensors_near(run1({.op_type = "Not", .inputs = {T(b({true, false}))}}), b({false, true}), 0, 0));
}

TEST(ElementwiseUnary, EmptyTensor) {
  Tensor y = run1({.op_type = "Exp", .inputs = {T(Tensor::zeros(DataType::Float, {2, 0, 3}))}});
  EXPECT_EQ(y.shape(), (Shape{2, 0, 3}));
}

TEST(ElementwiseUnary, UnsupportedTypeIsAnError) {
  EXPECT_NE(error_of({.op_type = "Sqrt", .inputs = {T(make_tensor<int32_t>(DataType::Int32, {1}, {4}))}}).find("does not support element type int32"),
            std::string::npos);
}

TEST(Activations, WithAttributes) {
  const Tensor x = random_float({2, 9}, 21, -3.0f, 3.0f);
  auto with = [&](const char* op, ir::Attributes a = {}) { return run1({.op_type = op, .inputs = {T(x)}, .attrs = std::move(a)}); };
  EXPECT_TRUE(tensors_near(with("LeakyRelu", attrs({{"alpha", ir::Attribute::of_float(0.1f)}})),
                           map_float(x, [](double v) { return v >= 0 ? v : 0.1 * v; })));
  EXPECT_TRUE(tensors_near(with("Elu"), map_float(x, [](double v) { return v >= 0 ? v : std::exp(v) - 1; })));
  EXPECT_TRUE(tensors_near(with("Selu"), map_float(x, [](double v) {
    return 1.0507009873554805 * (v > 0 ? v : 1.6732632423543772 * (std::exp(v) - 1));
  })));
  EXPECT_TRUE(tensors_near(with("Celu", attrs({{"alpha", ir::Attribute::of_float(2.0f)}})), map_float(x, [](double v) {
    return std::max(0.0, v) + std::min(0.0, 2 * (std::exp(v / 2) - 1));
  })));
  EXPECT_TRUE(tensors_near(with("HardSigmoid"), map_float(x, [](double v) { return std::clamp(0.2 * v + 0.5, 0.0, 1.0); })));
  EXPECT_TRUE(tensors_near(with("HardSwish"), map_float(x, [](double v) { return v * std::clamp(v / 6 + 0.5, 0.0, 1.0); })));
  EXPECT_TRUE(tensors_near(with("Mish"), map_float(x, [](double v) { return v * std::tanh(std::log1p(std::exp(v))); })));
  EXPECT_TRUE(tensors_near(with("Gelu"), map_float(x, [](double v) { return 0.5 * v * (1 + std::erf(v / std::sqrt(2.0))); })));
  EXPECT_TRUE(tensors_near(with("Gelu", attrs({{"approximate", ir::Attribute::of_string("tanh")}})), map_float(x, [](double v) {
    return 0.5 * v * (1 + std::tanh(std::sqrt(2 / M_PI) * (v + 0.044715 * v * v * v)));
  })));
  EXPECT_TRUE(tensors_near(with("Swish", attrs({{"alpha", ir::Attribute::of_float(1.5f)}})),
                           map_float(x, [](double v) { return v / (1 + std::exp(-1.5 * v)); })));
  EXPECT_TRUE(tensors_near(with("ThresholdedRelu", attrs({{"alpha", ir::Attribute::of_float(0.5f)}})),
                           map_float(x, [](double v) { return v > 0.5 ? v : 0.0; })));
  EXPECT_TRUE(tensors_near(with("Shrink", attrs({{"lambd", ir::Attribute::of_float(1.0f)}, {"bias", ir::Attribute::of_float(0.5f)}})),
                           map_float(x, [](double v) { return v < -1 ? v + 0.5 : v > 1 ? v - 0.5 : 0.0; })));
  EXPECT_NE(error_of({.op_type = "Gelu", .inputs = {T(x)}, .attrs = attrs({{"approximate", ir::Attribute::of_string("fast")}})})
                .find("approximate must be 'none' or 'tanh'"),
            std::string::npos);
}

// Reference broadcast for float binary ops: out[i] = f(a[ia], b[ib]).
template <class F>
Tensor broadcast_float(const Tensor& a, const Tensor& b, F f) {
  const Shape out = ops::broadcast_shapes(a.shape(), b.shape()).value();
  Tensor y = Tensor::zeros(DataType::Float, out);
  const auto ma = ops::broadcast_index_map(out, a.shape()), mb = ops::broadcast_index_map(out, b.shape());
  for (size_t i = 0; i < ma.size(); ++i) y.data<float>()[i] = f(a.data<float>()[ma[i]], b.data<float>()[mb[i]]);
  return y;
}

TEST(ElementwiseBinary, FloatArithmeticBroadcastCases) {
  const Shape shapes[][2] = {{{2, 3, 5}, {2, 3, 5}}, {{2, 3, 5}, {}},      {{}, {2, 3, 5}},  {{2, 3, 5}, {3, 1}},
                             {{1, 3, 1, 7}, {2, 1, 5, 1}}, {{4, 1}, {1, 6}}, {{3, 0}, {1}},    {{1, 1}, {1}}};
  uint64_t seed = 100;
  for (const auto& s : shapes) {
    const Tensor a = random_float(s[0], seed++), b = random_float(s[1], seed++, 0.5f, 2.0f);
    SCOPED_TRACE(shape_to_string(s[0]) + " op " + shape_to_string(s[1]));
    EXPECT_TRUE(tensors_near(run1({.op_type = "Add", .inputs = {T(a), T(b)}}), broadcast_float(a, b, std::plus<float>())));
    EXPECT_TRUE(tensors_near(run1({.op_type = "Sub", .inputs = {T(a), T(b)}}), broadcast_float(a, b, std::minus<float>())));
    EXPECT_TRUE(tensors_near(run1({.op_type = "Mul", .inputs = {T(a), T(b)}}), broadcast_float(a, b, std::multiplies<float>())));
    EXPECT_TRUE(tensors_near(run1({.op_type = "Div", .inputs = {T(a), T(b)}}), broadcast_float(a, b, std::divides<float>())));
    EXPECT_TRUE(tensors_near(run1({.op_type = "Pow", .inputs = {T(b), T(a)}}),
                             broadcast_float(b, a, [](float x, float y) { return std::pow(x, y); })));
  }
}

TEST(ElementwiseBinary, LegacyBroadcastAtAxis) {
  const Tensor a = random_float({2, 3, 4}, 7), b = make_float({3}, {10, 20, 30});
  ir::Attributes at = attrs({{"broadcast", ir::Attribute::of_int(1)}, {"axis", ir::Attribute::of_int(1)}});
  Tensor y = run1({.op_type = "Add", .inputs = {T(a), T(b)}, .attrs = at, .opset = 6});
  ASSERT_EQ(y.shape(), (Shape{2, 3, 4}));
  for (int64_t i = 0; i < 24; ++i) EXPECT_FLOAT_EQ(y.data<float>()[i], a.data<float>()[i] + 10.0f * static_cast<float>((i / 4) % 3 + 1));
  // No axis: B aligns with A's trailing dims.
  const Tensor c = make_float({4}, {1, 2, 3, 4});
  y = run1({.op_type = "Mul", .inputs = {T(a), T(c)}, .attrs = attrs({{"broadcast", ir::Attribute::of_int(1)}}), .opset = 6});
  for (int64_t i = 0; i < 24; ++i) EXPECT_FLOAT_EQ(y.data<float>()[i], a.data<float>()[i] * static_cast<float>(i % 4 + 1));
}

TEST(ElementwiseBinary, IntegerDivTruncatesAndModSignRules) {
  auto i32 = [](std::vector<int32_t> v) { return make_tensor<int32_t>(DataType::Int32, {static_cast<int64_t>(v.size())}, v); };
  const Tensor a = i32({7, -7, 7, -7, 5, std::numeric_limits<int32_t>::min()});
  const Tensor b = i32({2, 2, -2, -2, 0, -1});
  EXPECT_TRUE(tensors_near(run1({.op_type = "Div", .inputs = {T(a), T(b)}}),
                           i32({3, -3, -3, 3, 0, std::numeric_limits<int32_t>::min()}), 0, 0));
  EXPECT_TRUE(tensors_near(run1({.op_type = "Mod", .inputs = {T(a), T(b)}}), i32({1, 1, -1, -1, 0, 0}), 0, 0));
  EXPECT_TRUE(tensors_near(run1({.op_type = "Mod", .inputs = {T(a), T(b)}, .attrs = attrs({{"fmod", ir::Attribute::of_int(1)}})}),
                           i32({1, -1, 1, -1, 0, 0}), 0, 0));
  EXPECT_TRUE(tensors_near(run1({.op_type = "Mod", .inputs = {T(make_float({2}, {-4.5f, 4.5f})), T(make_float({2}, {2.0f, -2.0f}))},
                                 .attrs = attrs({{"fmod", ir::Attribute::of_int(1)}})}),
                           make_float({2}, {-0.5f, 0.5f}), 0, 0));
  auto u8 = [](std::vector<uint8_t> v) { return make_tensor<uint8_t>(DataType::UInt8, {static_cast<int64_t>(v.size())}, v); };
  EXPECT_TRUE(tensors_near(run1({.op_type = "Add", .inputs = {T(u8({250, 3})), T(u8({10, 4}))}}), u8({4, 7}), 0, 0));
}

TEST(ElementwiseBinary, PowMixedTypes) {
  const Tensor base = make_float({3}, {2.0f, 3.0f, 4.0f});
  const Tensor e = make_int64({3}, {3, 0, -1});
  EXPECT_TRUE(tensors_near(run1({.op_type = "Pow", .inputs = {T(base), T(e)}}), make_float({3}, {8.0f, 1.0f, 0.25f})));
  const Tensor ib = make_int64({2}, {3, -2});
  EXPECT_TRUE(tensors_near(run1({.op_type = "Pow", .inputs = {T(ib), T(make_float({1}, {3.0f}))}}), make_int64({2}, {27, -8}), 0, 0));
}

TEST(ElementwiseBinary, ComparisonsAndLogic) {
  auto b = [](std::vector<bool> v) {
    Tensor t = Tensor::zeros(DataType::Bool, {static_cast<int64_t>(v.size())});
    for (size_t i = 0; i < v.size(); ++i) t.data<bool>()[i] = v[i];
    return t;
  };
  const Tensor x = make_int64({3}, {1, 2, 3}), y = make_int64({}, {2});
  EXPECT_TRUE(tensors_near(run1({.op_type = "Equal", .inputs = {T(x), T(y)}}), b({false, true, false}), 0, 0));
  EXPECT_TRUE(tensors_near(run1({.op_type = "Less", .inputs = {T(x), T(y)}}), b({true, false, false}), 0, 0));
  EXPECT_TRUE(tensors_near(run1({.op_type = "Greater", .inputs = {T(x), T(y)}}), b({false, false, true}), 0, 0));
  EXPECT_TRUE(tensors_near(run1({.op_type = "LessOrEqual", .inputs = {T(x), T(y)}}), b({true, true, false}), 0, 0));
  EXPECT_TRUE(tensors_near(run1({.op_type = "GreaterOrEqual", .inputs = {T(x), T(y)}}), b({false, true, true}), 0, 0));
  Tensor s1 = Tensor::zeros(DataType::String, {2}), s2 = Tensor::zeros(DataType::String, {2});
  s1.strings()[0] = "a"; s1.strings()[1] = "b"; s2.strings()[0] = "a"; s2.strings()[1] = "c";
  EXPECT_TRUE(tensors_near(run1({.op_type = "Equal", .inputs = {T(s1), T(s2)}}), b({true, false}), 0, 0));
  const Tensor p = b({true, true, false, false}), q = b({true, false, true, false});
  EXPECT_TRUE(tensors_near(run1({.op_type = "And", .inputs = {T(p), T(q)}}), b({true, false, false, false}), 0, 0));
  EXPECT_TRUE(tensors_near(run1({.op_type = "Or", .inputs = {T(p), T(q)}}), b({true, true, true, false}), 0, 0));
  EXPECT_TRUE(tensors_near(run1({.op_type = "Xor", .inputs = {T(p), T(q)}}), b({false, true, true, false}), 0, 0));
}

TEST(ElementwiseBinary, BitOps) {
  auto u32 = [](std::vector<uint32_t> v) { return make_tensor<uint32_t>(DataType::UInt32, {static_cast<int64_t>(v.size())}, v); };
  EXPECT_TRUE(tensors_near(run1({.op_type = "BitShift", .inputs = {T(u32({1, 16, 5})), T(u32({2, 2, 40}))},
                                 .attrs = attrs({{"direction", ir::Attribute::of_string("LEFT")}})}),
                           u32({4, 64, 0}), 0, 0));
  EXPECT_TRUE(tensors_near(run1({.op_type = "BitShift", .inputs = {T(u32({1, 16, 5})), T(u32({1}))},
                                 .attrs = attrs({{"direction", ir::Attribute::of_string("RIGHT")}})}),
                           u32({0, 8, 2}), 0, 0));
  auto i8 = [](std::vector<int8_t> v) { return make_tensor<int8_t>(DataType::Int8, {static_cast<int64_t>(v.size())}, v); };
  EXPECT_TRUE(tensors_near(run1({.op_type = "BitwiseAnd", .inputs = {T(i8({12, -1})), T(i8({10, 5}))}}), i8({8, 5}), 0, 0));
  EXPECT_TRUE(tensors_near(run1({.op_type = "BitwiseOr", .inputs = {T(i8({12, -1})), T(i8({10, 5}))}}), i8({14, -1}), 0, 0));
  EXPECT_TRUE(tensors_near(run1({.op_type = "BitwiseXor", .inputs = {T(i8({12, -1})), T(i8({10, 5}))}}), i8({6, -6}), 0, 0));
  EXPECT_TRUE(tensors_near(run1({.op_type = "BitwiseNot", .inputs = {T(i8({0, 5}))}}), i8({-1, -6}), 0, 0));
  EXPECT_NE(error_of({.op_type = "BitwiseAnd", .inputs = {T(make_float({1}, {1})), T(make_float({1}, {1}))}}).find("does not support element type float"),
            std::string::npos);
}

TEST(ElementwiseBinary, ErrorsNameTheProblem) {
  EXPECT_NE(error_of({.op_type = "Add", .inputs = {T(make_float({2}, {1, 2})), T(make_int64({2}, {1, 2}))}}).find("must match"),
            std::string::npos);
  EXPECT_NE(error_of({.op_type = "Mul", .inputs = {T(random_float({2, 3}, 1)), T(random_float({4}, 2))}}).find("cannot be broadcast"),
            std::string::npos);
}

TEST(ElementwiseVariadic, MaxMinSumMeanBroadcastThreeInputs) {
  const Tensor a = random_float({2, 1, 3}, 31), b = random_float({4, 1}, 32), c = random_float({3}, 33);
  const Shape out{2, 4, 3};
  const auto ma = ops::broadcast_index_map(out, a.shape()), mb = ops::broadcast_index_map(out, b.shape()),
             mc = ops::broadcast_index_map(out, c.shape());
  Tensor emax = Tensor::zeros(DataType::Float, out), emin = emax.clone(), esum = emax.clone(), emean = emax.clone();
  for (size_t i = 0; i < ma.size(); ++i) {
    const float x = a.data<float>()[ma[i]], y = b.data<float>()[mb[i]], z = c.data<float>()[mc[i]];
    emax.data<float>()[i] = std::max({x, y, z});
    emin.data<float>()[i] = std::min({x, y, z});
    esum.data<float>()[i] = x + y + z;
    emean.data<float>()[i] = (x + y + z) / 3;
  }
  EXPECT_TRUE(tensors_near(run1({.op_type = "Max", .inputs = {T(a), T(b), T(c)}}), emax));
  EXPECT_TRUE(tensors_near(run1({.op_type = "Min", .inputs = {T(a), T(b), T(c)}}), emin));
  EXPECT_TRUE(tensors_near(run1({.op_type = "Sum", .inputs = {T(a), T(b), T(c)}}), esum));
  EXPECT_TRUE(tensors_near(run1({.op_type = "Mean", .inputs = {T(a), T(b), T(c)}}), emean));
  EXPECT_TRUE(tensors_near(run1({.op_type = "Sum", .inputs = {T(a)}}), a));
  const float nan = std::nanf("");
  Tensor m = run1({.op_type = "Max", .inputs = {T(make_float({2}, {nan, 1})), T(make_float({2}, {1, nan}))}});
  EXPECT_TRUE(std::isnan(m.data<float>()[0]) && std::isnan(m.data<float>()[1]));
  EXPECT_TRUE(tensors_near(run1({.op_type = "Min", .inputs = {T(make_int64({2}, {5, -3})), T(make_int64({1}, {0}))}}),
                           make_int64({2}, {0, -3}), 0, 0));
  EXPECT_NE(error_of({.op_type = "Sum", .inputs = {T(a), T(make_int64({1}, {1}))}}).find("must match"), std::string::npos);
}

TEST(Where, BroadcastsThreeInputs) {
  Tensor cond = Tensor::zeros(DataType::Bool, {2, 1});
  cond.data<bool>()[0] = true;
  const Tensor x = make_int64({3}, {1, 2, 3}), y = make_int64({}, {-1});
  EXPECT_TRUE(tensors_near(run1({.op_type = "Where", .inputs = {T(cond), T(x), T(y)}}),
                           make_int64({2, 3}, {1, 2, 3, -1, -1, -1}), 0, 0));
  Tensor sx = Tensor::zeros(DataType::String, {2}), sy = Tensor::zeros(DataType::String, {2});
  sx.strings()[0] = "x"; sx.strings()[1] = "x"; sy.strings()[0] = "y"; sy.strings()[1] = "y";
  Tensor c2 = Tensor::zeros(DataType::Bool, {2});
  c2.data<bool>()[1] = true;
  Tensor s = run1({.op_type = "Where", .inputs = {T(c2), T(sx), T(sy)}});
  EXPECT_EQ(s.strings()[0], "y");
  EXPECT_EQ(s.strings()[1], "x");
  EXPECT_NE(error_of({.op_type = "Where", .inputs = {T(x), T(x), T(y)}}).find("condition must be bool"), std::string::npos);
}

TEST(Clip, AttributesBeforeOpset11AndInputsAfter) {
  const Tensor x = make_float({5}, {-3, -1, 0, 1, 3});
  EXPECT_TRUE(tensors_near(run1({.op_type = "Clip", .inputs = {T(x)},
                                 .attrs = attrs({{"min", ir::Attribute::of_float(-1.5f)}, {"max", ir::Attribute::of_float(0.5f)}}),
                                 .opset = 6}),
                           make_float({5}, {-1.5f, -1, 0, 0.5f, 0.5f})));
  EXPECT_TRUE(tensors_near(run1({.op_type = "Clip", .inputs = {T(x), omitted(), T(make_float({}, {2}))}}),
                           make_float({5}, {-3, -1, 0, 1, 2})));
  EXPECT_TRUE(tensors_near(run1({.op_type = "Clip", .inputs = {T(x)}}), x));
  EXPECT_TRUE(tensors_near(run1({.op_type = "Clip", .inputs = {T(make_int64({3}, {-5, 2, 9})), T(make_int64({}, {0})), T(make_int64({}, {4}))}}),
                           make_int64({3}, {0, 2, 4}), 0, 0));
  EXPECT_NE(error_of({.op_type = "Clip", .inputs = {T(x), T(make_float({2}, {0, 1}))}}).find("min must be a scalar"), std::string::npos);
}

TEST(PRelu, SlopeBroadcastsOntoX) {
  const Tensor x = make_float({2, 2}, {-1, 2, -3, 4}), slope = make_float({2}, {0.5f, 0.25f});
  EXPECT_TRUE(tensors_near(run1({.op_type = "PRelu", .inputs = {T(x), T(slope)}}), make_float({2, 2}, {-0.5f, 2, -1.5f, 4})));
  // Opset < 7: a [C] slope is per channel (axis 1).
  const Tensor x3 = make_float({1, 2, 3}, {-1, -1, -1, -2, 2, -2});
  EXPECT_TRUE(tensors_near(run1({.op_type = "PRelu", .inputs = {T(x3), T(slope)}, .opset = 6}),
                           make_float({1, 2, 3}, {-0.5f, -0.5f, -0.5f, -0.5f, 2, -0.5f})));
}

}  // namespace
}  // namespace hone::testing
