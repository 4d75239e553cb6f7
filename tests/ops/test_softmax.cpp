// Softmax, LogSoftmax, Hardmax: axis handling in both opset regimes, against direct formulas.
#include <cmath>

#include "harness/op_harness.hpp"

namespace hone::testing {
namespace {

ir::Attributes axis_attr(int64_t axis) {
  ir::Attributes a;
  a.set("axis", ir::Attribute::of_int(axis));
  return a;
}

// softmax over groups: element i belongs to group key(i); y = exp(x) / sum over its group.
Tensor softmax_by_group(const Tensor& x, const std::function<int64_t(int64_t)>& key, bool log) {
  Tensor y = Tensor::zeros(DataType::Float, x.shape());
  for (int64_t i = 0; i < x.numel(); ++i) {
    double s = 0;
    for (int64_t j = 0; j < x.numel(); ++j) {
      if (key(j) == key(i)) s += std::exp(static_cast<double>(x.data<float>()[j]));
    }
    const double v = std::exp(static_cast<double>(x.data<float>()[i])) / s;
    y.data<float>()[i] = static_cast<float>(log ? std::log(v) : v);
  }
  return y;
}

TEST(Softmax, Opset13AlongMiddleAxis) {
  const Tensor x = random_float({2, 3, 4}, 11, -3, 3);
  // Axis 1: the group of (a, b, c) is (a, c).
  const auto key = [](int64_t i) { return (i / 12) * 4 + i % 4; };
  for (const char* op : {"Softmax", "LogSoftmax"}) {
    auto r = run_op({.op_type = op, .inputs = {Datum::of(x)}, .attrs = axis_attr(-2), .opset = 13});
    ASSERT_TRUE(r.is_ok()) << r.status().to_string();
    EXPECT_TRUE(tensors_near(r->at(0).tensor, softmax_by_group(x, key, op[0] == 'L'), 1e-5, 1e-6)) << op;
  }
}

TEST(Softmax, DefaultAxisDependsOnOpset) {
  const Tensor x = random_float({2, 3, 4}, 12, -3, 3);
  // opset 13: last axis; opset 11: axis 1 with the tail flattened (groups of 12).
  auto r = run_op({.op_type = "Softmax", .inputs = {Datum::of(x)}, .opset = 13});
  ASSERT_TRUE(r.is_ok()) << r.status().to_string();
  EXPECT_TRUE(tensors_near(r->at(0).tensor, softmax_by_group(x, [](int64_t i) { return i / 4; }, false), 1e-5, 1e-6));
  r = run_op({.op_type = "Softmax", .inputs = {Datum::of(x)}, .opset = 11});
  ASSERT_TRUE(r.is_ok()) << r.status().to_string();
  EXPECT_TRUE(tensors_near(r->at(0).tensor, softmax_by_group(x, [](int64_t i) { return i / 12; }, false), 1e-5, 1e-6));
}

TEST(Softmax, LargeNumbersAreStable) {
  const Tensor x = make_float({1, 4}, {10000, 10001, 10002, 10003});
  auto r = run_op({.op_type = "LogSoftmax", .inputs = {Datum::of(x)}});
  ASSERT_TRUE(r.is_ok()) << r.status().to_string();
  EXPECT_TRUE(tensors_near(r->at(0).tensor, make_float({1, 4}, {-3.4401897f, -2.4401897f, -1.4401897f, -0.4401897f}),
                           1e-5, 1e-5));
}

TEST(Hardmax, FirstMaximumWins) {
  const Tensor x = make_float({2, 3}, {1, 3, 3, -1, -2, -5});
  auto r = run_op({.op_type = "Hardmax", .inputs = {Datum::of(x)}});
  ASSERT_TRUE(r.is_ok()) << r.status().to_string();
  EXPECT_TRUE(tensors_near(r->at(0).tensor, make_float({2, 3}, {0, 1, 0, 1, 0, 0}), 0, 0));
  r = run_op({.op_type = "Hardmax", .inputs = {Datum::of(x)}, .attrs = axis_attr(0), .opset = 13});
  ASSERT_TRUE(r.is_ok()) << r.status().to_string();
  EXPECT_TRUE(tensors_near(r->at(0).tensor, make_float({2, 3}, {1, 1, 1, 0, 0, 0}), 0, 0));
  // opset 11, axis 0: the whole tensor is one row.
  r = run_op({.op_type = "Hardmax", .inputs = {Datum::of(x)}, .attrs = axis_attr(0), .opset = 11});
  ASSERT_TRUE(r.is_ok()) << r.status().to_string();
  EXPECT_TRUE(tensors_near(r->at(0).tensor, make_float({2, 3}, {0, 1, 0, 0, 0, 0}), 0, 0));
}

TEST(Softmax, BadAxisIsAnError) {
  auto r = run_op({.op_type = "Softmax", .inputs = {Datum::of(make_float({2}, {1, 2}))}, .attrs = axis_attr(2)});
  ASSERT_FALSE(r.is_ok());
  EXPECT_NE(r.status().to_string().find("axis 2 is out of range for rank 1"), std::string::npos)
      << r.status().to_string();
}

}  // namespace
}  // namespace hone::testing
