// InstanceNormalization, LRN, LpNormalization, MeanVarianceNormalization: formulas on small inputs.
#include <cmath>

#include "harness/op_harness.hpp"

namespace hone::testing {
namespace {

TEST(InstanceNormalization, PerPlaneStatistics) {
  OpCall call{.op_type = "InstanceNormalization",
              .inputs = {Datum::of(make_float({1, 2, 2}, {1, 3, 5, 5})), Datum::of(make_float({2}, {2, 1})),
                         Datum::of(make_float({2}, {0, 7}))}};
  call.attrs.set("epsilon", ir::Attribute::of_float(1e-12f));
  auto r = run_op(call);
  ASSERT_TRUE(r.is_ok()) << r.status().to_string();
  EXPECT_NEAR(r->at(0).tensor.data<float>()[0], -2, 1e-5);
  EXPECT_NEAR(r->at(0).tensor.data<float>()[1], 2, 1e-5);
}

TEST(LRN, AcrossChannels) {
  OpCall call{.op_type = "LRN", .inputs = {Datum::of(make_float({1, 2, 1, 1}, {1, 2}))}};
  call.attrs.set("size", ir::Attribute::of_int(2));
  call.attrs.set("alpha", ir::Attribute::of_float(2));
  call.attrs.set("beta", ir::Attribute::of_float(1));
  auto r = run_op(call);
  ASSERT_TRUE(r.is_ok()) << r.status().to_string();
  // size 2: window [c, c+1]. c0: 1 / (1 + 1*(1+4)) = 1/6; c1: 2 / (1 + 1*4) = 0.4.
  EXPECT_TRUE(tensors_near(r->at(0).tensor, make_float({1, 2, 1, 1}, {1.f / 6, 0.4f})));
}

TEST(LpNormalization, L1AndL2) {
  OpCall call{.op_type = "LpNormalization", .inputs = {Datum::of(make_float({2, 2}, {3, 4, 0, 0}))}};
  auto r = run_op(call);
  ASSERT_TRUE(r.is_ok()) << r.status().to_string();
  EXPECT_TRUE(tensors_near(r->at(0).tensor, make_float({2, 2}, {0.6f, 0.8f, 0, 0})));
  call.attrs.set("p", ir::Attribute::of_int(1));
  call.attrs.set("axis", ir::Attribute::of_int(0));
  r = run_op(call);
  ASSERT_TRUE(r.is_ok()) << r.status().to_string();
  EXPECT_TRUE(tensors_near(r->at(0).tensor, make_float({2, 2}, {1, 1, 0, 0})));
  call.attrs.set("p", ir::Attribute::of_int(3));
  r = run_op(call);
  ASSERT_FALSE(r.is_ok());
  EXPECT_NE(r.status().to_string().find("p must be 1 or 2"), std::string::npos) << r.status().to_string();
}

TEST(MeanVarianceNormalization, DefaultAxes) {
  OpCall call{.op_type = "MeanVarianceNormalization", .inputs = {Datum::of(make_float({1, 2, 1, 2}, {1, 3, 5, 5}))}};
  auto r = run_op(call);
  ASSERT_TRUE(r.is_ok()) << r.status().to_string();
  EXPECT_TRUE(tensors_near(r->at(0).tensor, make_float({1, 2, 1, 2}, {-1, 1, 0, 0}), 1e-5, 1e-6));
}

}  // namespace
}  // namespace hone::testing
