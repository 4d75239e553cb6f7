// LayerNormalization, RMSNormalization, GroupNormalization: hand-computed values, axis
// handling, statistics outputs, opset-dependent GroupNorm scale layout, error cases.
#include <cmath>

#include "harness/op_harness.hpp"

namespace hone::testing {
namespace {

using ir::Attribute;

ir::Attributes axis_attr(int64_t axis, float eps = 1e-5f) {
  ir::Attributes a;
  a.set("axis", Attribute::of_int(axis));
  a.set("epsilon", Attribute::of_float(eps));
  return a;
}

TEST(LayerNormalization, RowsByHandWithStats) {
  // Row [1,2,3,4]: mean 2.5, var 1.25; row [-1,1,-1,1]: mean 0, var 1.
  const Tensor x = make_float({2, 4}, {1, 2, 3, 4, -1, 1, -1, 1});
  const Tensor scale = make_float({4}, {1, 2, 1, 0.5f}), bias = make_float({4}, {0, 0, 1, 0});
  auto r = run_op({.op_type = "LayerNormalization", .inputs = {Datum::of(x), Datum::of(scale), Datum::of(bias)},
                   .attrs = axis_attr(-1, 0.0f), .num_outputs = 3, .opset = 17});
  ASSERT_TRUE(r.is_ok()) << r.status().to_string();
  const float is0 = 1 / std::sqrt(1.25f);
  EXPECT_TRUE(tensors_near(r->at(0).tensor,
                           make_float({2, 4}, {-1.5f * is0, -0.5f * is0 * 2, 0.5f * is0 + 1, 1.5f * is0 * 0.5f, -1, 2, 0, 0.5f}),
                           1e-5, 1e-6));
  EXPECT_TRUE(tensors_near(r->at(1).tensor, make_float({2, 1}, {2.5f, 0}), 1e-6, 1e-7));
  EXPECT_TRUE(tensors_near(r->at(2).tensor, make_float({2, 1}, {is0, 1}), 1e-6, 1e-7));
}

TEST(LayerNormalization, AxisZeroNormalizesEverythingAndNoBias) {
  const Tensor x = random_float({3, 2, 5}, 1);
  const Tensor scale = random_float({3, 2, 5}, 2);
  auto r = run_op({.op_type = "LayerNormalization", .inputs = {Datum::of(x), Datum::of(scale)}, .attrs = axis_attr(-3), .opset = 17});
  ASSERT_TRUE(r.is_ok()) << r.status().to_string();
  double mean = 0, var = 0;
  for (int i = 0; i < 30; ++i) mean += x.data<float>()[i] / 30.0;
  for (int i = 0; i < 30; ++i) var += (x.data<float>()[i] - mean) * (x.data<float>()[i] - mean) / 30.0;
  for (int i = 0; i < 30; ++i) {
    const double want = (x.data<float>()[i] - mean) / std::sqrt(var + 1e-5) * scale.data<float>()[i];
    EXPECT_NEAR(r->at(0).tensor.data<float>()[i], want, 1e-5) << i;
  }
}

TEST(LayerNormalization, BadAxisAndUnbroadcastableScaleAreErrors) {
  auto r = run_op({.op_type = "LayerNormalization", .inputs = {Datum::of(random_float({2, 3}, 1)), Datum::of(random_float({3}, 2))},
                   .attrs = axis_attr(2), .opset = 17});
  ASSERT_FALSE(r.is_ok());
  EXPECT_NE(r.status().to_string().find("out of range"), std::string::npos) << r.status().to_string();
  r = run_op({.op_type = "LayerNormalization", .inputs = {Datum::of(random_float({2, 3}, 1)), Datum::of(random_float({4}, 2))},
              .opset = 17});
  ASSERT_FALSE(r.is_ok());
  EXPECT_NE(r.status().to_string().find("does not broadcast"), std::string::npos) << r.status().to_string();
}

TEST(RMSNormalization, RowsByHand) {
  // Row [3,4]: mean square 12.5.
  const Tensor x = make_float({2, 2}, {3, 4, 0, 2});
  auto r = run_op({.op_type = "RMSNormalization", .inputs = {Datum::of(x), Datum::of(make_float({2}, {1, 2}))},
                   .attrs = axis_attr(1, 0.0f), .opset = 23});
  ASSERT_TRUE(r.is_ok()) << r.status().to_string();
  const float a = 1 / std::sqrt(12.5f), b = 1 / std::sqrt(2.0f);
  EXPECT_TRUE(tensors_near(r->at(0).tensor, make_float({2, 2}, {3 * a, 8 * a, 0, 4 * b}), 1e-6, 1e-6));
}

TEST(RMSNormalization, Float16StaysFloat16) {
  Tensor x = Tensor::zeros(DataType::Float16, {1, 3});
  Tensor s = Tensor::zeros(DataType::Float16, {3});
  for (int i = 0; i < 3; ++i) x.data<Float16>()[i] = Float16(float(i + 1)), s.data<Float16>()[i] = Float16(1.0f);
  auto r = run_op({.op_type = "RMSNormalization", .inputs = {Datum::of(x), Datum::of(s)}, .opset = 23});
  ASSERT_TRUE(r.is_ok()) << r.status().to_string();
  ASSERT_EQ(r->at(0).tensor.dtype(), DataType::Float16);
  EXPECT_NEAR(float(r->at(0).tensor.data<Float16>()[2]), 3 / std::sqrt(14.0f / 3), 2e-3);
}

TEST(GroupNormalization, PerChannelScaleInOpset21AndPerGroupInOpset18) {
  // N=1, C=4, spatial 2, 2 groups: group 0 = channels 0,1 = [1,3,5,7] (mean 4, var 5).
  const Tensor x = make_float({1, 4, 2}, {1, 3, 5, 7, 0, 0, 2, 2});
  ir::Attributes a;
  a.set("num_groups", Attribute::of_int(2));
  a.set("epsilon", Attribute::of_float(0.0f));
  auto r21 = run_op({.op_type = "GroupNormalization",
                     .inputs = {Datum::of(x), Datum::of(make_float({4}, {1, 2, 1, 1})), Datum::of(make_float({4}, {0, 0, 0, 1}))},
                     .attrs = a, .opset = 21});
  ASSERT_TRUE(r21.is_ok()) << r21.status().to_string();
  const float s = 1 / std::sqrt(5.0f);
  EXPECT_TRUE(tensors_near(r21->at(0).tensor, make_float({1, 4, 2}, {-3 * s, -1 * s, 2 * s, 6 * s, -1, -1, 2, 2}), 1e-5, 1e-6));
  auto r18 = run_op({.op_type = "GroupNormalization",
                     .inputs = {Datum::of(x), Datum::of(make_float({2}, {2, 1})), Datum::of(make_float({2}, {0, 1}))},
                     .attrs = a, .opset = 18});
  ASSERT_TRUE(r18.is_ok()) << r18.status().to_string();
  EXPECT_TRUE(tensors_near(r18->at(0).tensor, make_float({1, 4, 2}, {-6 * s, -2 * s, 2 * s, 6 * s, 0, 0, 2, 2}), 1e-5, 1e-6));
}

TEST(GroupNormalization, IndivisibleChannelsIsAnError) {
  ir::Attributes a;
  a.set("num_groups", Attribute::of_int(3));
  auto r = run_op({.op_type = "GroupNormalization",
                   .inputs = {Datum::of(random_float({1, 4, 2}, 1)), Datum::of(random_float({4}, 2)), Datum::of(random_float({4}, 3))},
                   .attrs = a, .opset = 21});
  ASSERT_FALSE(r.is_ok());
  EXPECT_NE(r.status().to_string().find("divisible by num_groups"), std::string::npos) << r.status().to_string();
}

}  // namespace
}  // namespace hone::testing
