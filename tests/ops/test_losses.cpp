// NegativeLogLikelihoodLoss and SoftmaxCrossEntropyLoss: reductions, weights, ignore_index,
// N-D inputs, the log_prob output, against hand-computed values.
#include <cmath>

#include "harness/op_harness.hpp"

namespace hone::testing {
namespace {

ir::Attributes loss_attrs(const std::string& reduction, std::optional<int64_t> ignore = std::nullopt) {
  ir::Attributes a;
  a.set("reduction", ir::Attribute::of_string(reduction));
  if (ignore) a.set("ignore_index", ir::Attribute::of_int(*ignore));
  return a;
}

TEST(NegativeLogLikelihoodLoss, ReductionsWeightsAndIgnore) {
  // x [2, 3], targets {2, 0}.
  const Tensor x = make_float({2, 3}, {-1, -2, -3, -4, -5, -6});
  const Tensor t = make_int64({2}, {2, 0});
  const Tensor w = make_float({3}, {0.5f, 1, 2});
  auto r = run_op({.op_type = "NegativeLogLikelihoodLoss", .inputs = {Datum::of(x), Datum::of(t)},
                   .attrs = loss_attrs("none")});
  ASSERT_TRUE(r.is_ok()) << r.status().to_string();
  EXPECT_TRUE(tensors_near(r->at(0).tensor, make_float({2}, {3, 4}), 0, 0));
  r = run_op({.op_type = "NegativeLogLikelihoodLoss", .inputs = {Datum::of(x), Datum::of(t), Datum::of(w)},
              .attrs = loss_attrs("mean")});
  ASSERT_TRUE(r.is_ok()) << r.status().to_string();
  // (2*3 + 0.5*4) / (2 + 0.5)
  EXPECT_TRUE(tensors_near(r->at(0).tensor, make_float({}, {8.0f / 2.5f}), 1e-6, 0));
  r = run_op({.op_type = "NegativeLogLikelihoodLoss", .inputs = {Datum::of(x), Datum::of(t), Datum::of(w)},
              .attrs = loss_attrs("sum", 0)});
  ASSERT_TRUE(r.is_ok()) << r.status().to_string();
  EXPECT_TRUE(tensors_near(r->at(0).tensor, make_float({}, {6}), 0, 0));
}

TEST(NegativeLogLikelihoodLoss, SpatialDims) {
  // x [1, 2, 3] (N, C, d), targets [1, 3] = {1, 0, 1}: loss = -{x[0,1,0], x[0,0,1], x[0,1,2]}.
  const Tensor x = make_float({1, 2, 3}, {1, 2, 3, 4, 5, 6});
  const Tensor t = make_int64({1, 3}, {1, 0, 1});
  auto r = run_op({.op_type = "NegativeLogLikelihoodLoss", .inputs = {Datum::of(x), Datum::of(t)},
                   .attrs = loss_attrs("none")});
  ASSERT_TRUE(r.is_ok()) << r.status().to_string();
  EXPECT_TRUE(tensors_near(r->at(0).tensor, make_float({1, 3}, {-4, -2, -6}), 0, 0));
}

TEST(SoftmaxCrossEntropyLoss, MeanAndLogProb) {
  const Tensor x = random_float({3, 4}, 41, -2, 2);
  const Tensor t = make_tensor<int32_t>(DataType::Int32, {3}, {3, -1, 0});
  auto r = run_op({.op_type = "SoftmaxCrossEntropyLoss", .inputs = {Datum::of(x), Datum::of(t)},
                   .attrs = loss_attrs("mean", -1), .num_outputs = 2});
  ASSERT_TRUE(r.is_ok()) << r.status().to_string();
  Tensor logp = Tensor::zeros(DataType::Float, {3, 4});
  for (int n = 0; n < 3; ++n) {
    double s = 0;
    for (int c = 0; c < 4; ++c) s += std::exp(double(x.data<float>()[n * 4 + c]));
    for (int c = 0; c < 4; ++c) logp.data<float>()[n * 4 + c] = static_cast<float>(x.data<float>()[n * 4 + c] - std::log(s));
  }
  const float want = -(logp.data<float>()[3] + logp.data<float>()[8]) / 2;
  EXPECT_TRUE(tensors_near(r->at(0).tensor, make_float({}, {want}), 1e-5, 1e-6));
  EXPECT_TRUE(tensors_near(r->at(1).tensor, logp, 1e-5, 1e-6));
}

TEST(SoftmaxCrossEntropyLoss, BadTargetIsAnError) {
  auto r = run_op({.op_type = "SoftmaxCrossEntropyLoss",
                   .inputs = {Datum::of(random_float({2, 3}, 1)), Datum::of(make_int64({2}, {0, 3}))}});
  ASSERT_FALSE(r.is_ok());
  EXPECT_NE(r.status().to_string().find("target value 3 is out of range [0, 3)"), std::string::npos)
      << r.status().to_string();
}

}  // namespace
}  // namespace hone::testing
