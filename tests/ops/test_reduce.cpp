// The Reduce* family: axes as attribute and as input, keepdims, noop_with_empty_axes, empty
// sets, integer and bool inputs, against small hand-written formulas.
#include <cmath>
#include <functional>
#include <limits>

#include "harness/op_harness.hpp"

namespace hone::testing {
namespace {

ir::Attributes attrs_of(std::vector<std::pair<std::string, ir::Attribute>> items) {
  ir::Attributes a;
  for (auto& [k, v] : items) a.set(k, v);
  return a;
}

// Reduces a [2,3,5] float tensor over axis 1 with `f` folded from `init`, finished by `fin`.
Tensor expected_axis1(const Tensor& x, float init, const std::function<float(float, float)>& f,
                      const std::function<float(float)>& fin, bool keepdims) {
  Tensor y = Tensor::zeros(DataType::Float, keepdims ? Shape{2, 1, 5} : Shape{2, 5});
  for (int a = 0; a < 2; ++a) {
    for (int c = 0; c < 5; ++c) {
      float acc = init;
      for (int b = 0; b < 3; ++b) acc = f(acc, x.data<float>()[a * 15 + b * 5 + c]);
      y.data<float>()[a * 5 + c] = fin(acc);
    }
  }
  return y;
}

struct Case {
  const char* op;
  float init;
  std::function<float(float, float)> step;
  std::function<float(float)> finish;
};

std::vector<Case> cases() {
  const auto id = [](float a) { return a; };
  return {
      {"ReduceSum", 0, [](float a, float e) { return a + e; }, id},
      {"ReduceL1", 0, [](float a, float e) { return a + std::fabs(e); }, id},
      {"ReduceL2", 0, [](float a, float e) { return a + e * e; }, [](float a) { return std::sqrt(a); }},
      {"ReduceSumSquare", 0, [](float a, float e) { return a + e * e; }, id},
      {"ReduceLogSum", 0, [](float a, float e) { return a + e + 2.0f; }, [](float a) { return std::log(a); }},
      {"ReduceLogSumExp", 0, [](float a, float e) { return a + std::exp(e); }, [](float a) { return std::log(a); }},
      {"ReduceMax", -1e30f, [](float a, float e) { return std::max(a, e); }, id},
      {"ReduceMin", 1e30f, [](float a, float e) { return std::min(a, e); }, id},
      {"ReduceProd", 1, [](float a, float e) { return a * e; }, id},
      {"ReduceMean", 0, [](float a, float e) { return a + e; }, [](float a) { return a / 3.0f; }},
  };
}

TEST(Reduce, EveryOpOverAxisAsInputAndAttribute) {
  const Tensor x = random_float({2, 3, 5}, 7);
  for (const Case& c : cases()) {
    const bool shift = std::string(c.op) == "ReduceLogSum";  // keep the sum positive
    Tensor xin = x.clone();
    if (shift) {
      for (int64_t i = 0; i < xin.numel(); ++i) xin.data<float>()[i] += 2.0f;
    }
    for (int keep = 0; keep <= 1; ++keep) {
      const Tensor want = expected_axis1(x, c.init, c.step, c.finish, keep != 0);
      // opset 18: axes input (negative axis -2 == 1).
      auto r = run_op({.op_type = c.op,
                       .inputs = {Datum::of(xin), Datum::of(make_int64({1}, {-2}))},
                       .attrs = attrs_of({{"keepdims", ir::Attribute::of_int(keep)}}),
                       .opset = 18});
      ASSERT_TRUE(r.is_ok()) << c.op << ": " << r.status().to_string();
      EXPECT_TRUE(tensors_near(r->at(0).tensor, want, 1e-5, 1e-5)) << c.op << " keepdims=" << keep;
      // opset 11: axes attribute.
      r = run_op({.op_type = c.op,
                  .inputs = {Datum::of(xin)},
                  .attrs = attrs_of({{"keepdims", ir::Attribute::of_int(keep)}, {"axes", ir::Attribute::of_ints({1})}}),
                  .opset = 11});
      ASSERT_TRUE(r.is_ok()) << c.op << ": " << r.status().to_string();
      EXPECT_TRUE(tensors_near(r->at(0).tensor, want, 1e-5, 1e-5)) << c.op << " opset 11 keepdims=" << keep;
    }
  }
}

TEST(Reduce, DefaultAxesReduceEverything) {
  const Tensor x = make_float({2, 3}, {1, 2, 3, 4, 5, 6});
  auto r = run_op({.op_type = "ReduceSum", .inputs = {Datum::of(x)}, .opset = 13});
  ASSERT_TRUE(r.is_ok()) << r.status().to_string();
  EXPECT_TRUE(tensors_near(r->at(0).tensor, make_float({1, 1}, {21}), 0, 0));
  r = run_op({.op_type = "ReduceMean",
              .inputs = {Datum::of(x)},
              .attrs = attrs_of({{"keepdims", ir::Attribute::of_int(0)}}),
              .opset = 11});
  ASSERT_TRUE(r.is_ok()) << r.status().to_string();
  EXPECT_TRUE(tensors_near(r->at(0).tensor, make_float({}, {3.5f}), 0, 0));
}

TEST(Reduce, NoopWithEmptyAxes) {
  const Tensor x = make_float({3}, {-1, 2, -3});
  auto r = run_op({.op_type = "ReduceSum",
                   .inputs = {Datum::of(x), Datum::of(make_int64({0}, {}))},
                   .attrs = attrs_of({{"noop_with_empty_axes", ir::Attribute::of_int(1)}}),
                   .opset = 13});
  ASSERT_TRUE(r.is_ok()) << r.status().to_string();
  EXPECT_TRUE(tensors_near(r->at(0).tensor, x, 0, 0));
  // Reducing over no axes applies the per-element part: |x| for L1.
  r = run_op({.op_type = "ReduceL1",
              .inputs = {Datum::of(x)},
              .attrs = attrs_of({{"noop_with_empty_axes", ir::Attribute::of_int(1)}}),
              .opset = 18});
  ASSERT_TRUE(r.is_ok()) << r.status().to_string();
  EXPECT_TRUE(tensors_near(r->at(0).tensor, make_float({3}, {1, 2, 3}), 0, 0));
}

TEST(Reduce, EmptySetGivesIdentity) {
  const float inf = std::numeric_limits<float>::infinity();
  const std::vector<std::pair<const char*, float>> want = {
      {"ReduceSum", 0},     {"ReduceL1", 0},      {"ReduceL2", 0},          {"ReduceSumSquare", 0},
      {"ReduceProd", 1},    {"ReduceMax", -inf},  {"ReduceMin", inf},       {"ReduceLogSum", -inf},
      {"ReduceLogSumExp", -inf},
  };
  const Tensor x = Tensor::zeros(DataType::Float, {2, 0, 3});
  for (const auto& [op, v] : want) {
    auto r = run_op({.op_type = op, .inputs = {Datum::of(x), Datum::of(make_int64({1}, {1}))}, .opset = 18});
    ASSERT_TRUE(r.is_ok()) << op << ": " << r.status().to_string();
    EXPECT_TRUE(tensors_near(r->at(0).tensor, make_float({2, 1, 3}, std::vector<float>(6, v)), 0, 0)) << op;
  }
  // A zero-size axis that is not reduced gives an empty output.
  auto r = run_op({.op_type = "ReduceSum", .inputs = {Datum::of(x), Datum::of(make_int64({1}, {2}))}, .opset = 13});
  ASSERT_TRUE(r.is_ok()) << r.status().to_string();
  EXPECT_EQ(r->at(0).tensor.shape(), (Shape{2, 0, 1}));
}

TEST(Reduce, IntegersWrapAndBoolsAreAnyAll) {
  const Tensor x = make_tensor<int8_t>(DataType::Int8, {2, 2}, {100, 100, -7, 3});
  auto r = run_op({.op_type = "ReduceSum", .inputs = {Datum::of(x), Datum::of(make_int64({1}, {1}))}, .opset = 13});
  ASSERT_TRUE(r.is_ok()) << r.status().to_string();
  EXPECT_TRUE(tensors_near(r->at(0).tensor, make_tensor<int8_t>(DataType::Int8, {2, 1}, {-56, -4}), 0, 0));
  r = run_op({.op_type = "ReduceMin", .inputs = {Datum::of(x), Datum::of(make_int64({1}, {0}))}, .opset = 18});
  ASSERT_TRUE(r.is_ok()) << r.status().to_string();
  EXPECT_TRUE(tensors_near(r->at(0).tensor, make_tensor<int8_t>(DataType::Int8, {1, 2}, {-7, 3}), 0, 0));
  const Tensor b = make_tensor<bool>(DataType::Bool, {2, 2}, {true, false, false, false});
  r = run_op({.op_type = "ReduceMax", .inputs = {Datum::of(b), Datum::of(make_int64({1}, {1}))}, .opset = 20});
  ASSERT_TRUE(r.is_ok()) << r.status().to_string();
  EXPECT_TRUE(tensors_near(r->at(0).tensor, make_tensor<bool>(DataType::Bool, {2, 1}, {true, false}), 0, 0));
  r = run_op({.op_type = "ReduceMin", .inputs = {Datum::of(b), Datum::of(make_int64({1}, {1}))}, .opset = 20});
  ASSERT_TRUE(r.is_ok()) << r.status().to_string();
  EXPECT_TRUE(tensors_near(r->at(0).tensor, make_tensor<bool>(DataType::Bool, {2, 1}, {false, false}), 0, 0));
}

TEST(Reduce, BadAxisIsAnError) {
  auto r = run_op({.op_type = "ReduceSum",
                   .inputs = {Datum::of(make_float({2}, {1, 2})), Datum::of(make_int64({1}, {3}))},
                   .opset = 13});
  ASSERT_FALSE(r.is_ok());
  EXPECT_NE(r.status().to_string().find("axis 3 is out of range for rank 1"), std::string::npos)
      << r.status().to_string();
  r = run_op({.op_type = "ReduceProd", .inputs = {Datum::of(make_tensor<bool>(DataType::Bool, {1}, {true}))}});
  ASSERT_FALSE(r.is_ok());
  EXPECT_NE(r.status().to_string().find("does not support element type bool"), std::string::npos)
      << r.status().to_string();
}

}  // namespace
}  // namespace hone::testing
