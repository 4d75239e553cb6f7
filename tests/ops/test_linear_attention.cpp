// LinearAttention and CausalConvWithState (the recurrent-state ops of linear-attention
// models): values by hand, state carry-over (one call over T steps == T calls of one step),
// error cases.
#include <cmath>

#include "harness/op_harness.hpp"

namespace hone::testing {
namespace {

using ir::Attribute;

ir::Attributes la_attrs(const char* rule, int64_t hq, int64_t hkv) {
  ir::Attributes a;
  a.set("update_rule", Attribute::of_string(rule));
  a.set("q_num_heads", Attribute::of_int(hq));
  a.set("kv_num_heads", Attribute::of_int(hkv));
  return a;
}

TEST(LinearAttention, LinearRuleByHand) {
  // One head, d_k = d_v = 1, scale 1: S_t = sum k_i v_i, o_t = q_t * S_t.
  ir::Attributes a = la_attrs("linear", 1, 1);
  a.set("scale", Attribute::of_float(1.0f));
  auto r = run_op({.op_type = "LinearAttention",
                   .inputs = {Datum::of(make_float({1, 3, 1}, {1, 2, 3})), Datum::of(make_float({1, 3, 1}, {1, 1, 2})),
                              Datum::of(make_float({1, 3, 1}, {2, 3, 1}))},
                   .attrs = a, .num_outputs = 2, .opset = 27});
  ASSERT_TRUE(r.is_ok()) << r.status().to_string();
  EXPECT_TRUE(tensors_near(r->at(0).tensor, make_float({1, 3, 1}, {2, 10, 21}), 1e-6, 1e-6));
  EXPECT_TRUE(tensors_near(r->at(1).tensor, make_float({1, 1, 1, 1}, {7}), 1e-6, 1e-6));
}

TEST(LinearAttention, GatedDeltaOverStepsEqualsStepByStepWithState) {
  const int64_t B = 2, T = 3, hq = 4, hkv = 2, dk = 3, dv = 2;
  const Tensor q = random_float({B, T, hq * dk}, 1), k = random_float({B, T, hkv * dk}, 2), v = random_float({B, T, hkv * dv}, 3);
  const Tensor decay = random_float({B, T, hkv * dk}, 4, -0.5f, 0.0f), beta = random_float({B, T, hkv}, 5, 0.0f, 1.0f);
  const ir::Attributes a = la_attrs("gated_delta", hq, hkv);
  auto full = run_op({.op_type = "LinearAttention",
                      .inputs = {Datum::of(q), Datum::of(k), Datum::of(v), omitted(), Datum::of(decay), Datum::of(beta)},
                      .attrs = a, .num_outputs = 2, .opset = 27});
  ASSERT_TRUE(full.is_ok()) << full.status().to_string();
  auto step = [&](const Tensor& t, int64_t i) {
    const int64_t w = t.dim(2);
    Tensor s = Tensor::zeros(DataType::Float, {B, 1, w});
    for (int64_t b = 0; b < B; ++b)
      for (int64_t j = 0; j < w; ++j) s.data<float>()[b * w + j] = t.data<float>()[(b * T + i) * w + j];
    return s;
  };
  Tensor state = Tensor::zeros(DataType::Float, {B, hkv, dk, dv});
  for (int64_t i = 0; i < T; ++i) {
    auto r = run_op({.op_type = "LinearAttention",
                     .inputs = {Datum::of(step(q, i)), Datum::of(step(k, i)), Datum::of(step(v, i)), Datum::of(state),
                                Datum::of(step(decay, i)), Datum::of(step(beta, i))},
                     .attrs = a, .num_outputs = 2, .opset = 27});
    ASSERT_TRUE(r.is_ok()) << r.status().to_string();
    EXPECT_TRUE(tensors_near(r->at(0).tensor, step(full->at(0).tensor, i), 1e-5, 1e-6)) << "step " << i;
    state = r->at(1).tensor;
  }
  EXPECT_TRUE(tensors_near(state, full->at(1).tensor, 1e-5, 1e-6));
}

TEST(LinearAttention, MissingDecayForGatedRuleIsAnError) {
  auto r = run_op({.op_type = "LinearAttention",
                   .inputs = {Datum::of(random_float({1, 2, 4}, 1)), Datum::of(random_float({1, 2, 4}, 2)), Datum::of(random_float({1, 2, 4}, 3))},
                   .attrs = la_attrs("gated", 1, 1), .opset = 27});
  ASSERT_FALSE(r.is_ok());
  EXPECT_NE(r.status().to_string().find("requires the decay input"), std::string::npos) << r.status().to_string();
}

TEST(CausalConvWithState, ByHandWithPastStateAndSilu) {
  // One channel, kernel [1, 2, 3] over padded [p0, p1, x0, x1] = [1, 0, 2, -1].
  const Tensor x = make_float({1, 1, 2}, {2, -1});
  const Tensor w = make_float({1, 1, 3}, {1, 2, 3});
  const Tensor past = make_float({1, 1, 2}, {1, 0});
  auto r = run_op({.op_type = "CausalConvWithState",
                   .inputs = {Datum::of(x), Datum::of(w), Datum::of(make_float({1}, {0.5f})), Datum::of(past)},
                   .num_outputs = 2, .opset = 27});
  ASSERT_TRUE(r.is_ok()) << r.status().to_string();
  // y0 = 0.5 + 1*1 + 2*0 + 3*2 = 7.5; y1 = 0.5 + 0 + 4 - 3 = 1.5
  EXPECT_TRUE(tensors_near(r->at(0).tensor, make_float({1, 1, 2}, {7.5f, 1.5f}), 1e-6, 1e-6));
  EXPECT_TRUE(tensors_near(r->at(1).tensor, make_float({1, 1, 2}, {2, -1}), 0, 0));
  ir::Attributes a;
  a.set("activation", Attribute::of_string("silu"));
  r = run_op({.op_type = "CausalConvWithState", .inputs = {Datum::of(x), Datum::of(w)}, .attrs = a, .num_outputs = 2, .opset = 27});
  ASSERT_TRUE(r.is_ok()) << r.status().to_string();
  // No past: y0 = 3*2 = 6, y1 = 2*2 + 3*(-1) = 1; silu(y) = y / (1 + e^-y).
  EXPECT_TRUE(tensors_near(r->at(0).tensor, make_float({1, 1, 2}, {6 / (1 + std::exp(-6.0f)), 1 / (1 + std::exp(-1.0f))}), 1e-6, 1e-6));
  EXPECT_TRUE(tensors_near(r->at(1).tensor, make_float({1, 1, 2}, {2, -1}), 0, 0));
}

TEST(CausalConvWithState, BadActivationAndWeightShapeAreErrors) {
  ir::Attributes a;
  a.set("activation", Attribute::of_string("relu"));
  auto r = run_op({.op_type = "CausalConvWithState", .inputs = {Datum::of(random_float({1, 2, 3}, 1)), Datum::of(random_float({2, 1, 2}, 2))},
                   .attrs = a, .opset = 27});
  ASSERT_FALSE(r.is_ok());
  EXPECT_NE(r.status().to_string().find("activation must be"), std::string::npos) << r.status().to_string();
  r = run_op({.op_type = "CausalConvWithState", .inputs = {Datum::of(random_float({1, 2, 3}, 1)), Datum::of(random_float({3, 1, 2}, 2))},
              .opset = 27});
  ASSERT_FALSE(r.is_ok());
  EXPECT_NE(r.status().to_string().find("must be [channels, 1, kernel>=1]"), std::string::npos) << r.status().to_string();
}

}  // namespace
}  // namespace hone::testing
