// Attention and FlexAttention: values against a naive single-head formula written here,
// layout equivalences (3-D vs 4-D, GQA vs repeated heads), masks, cache and error cases.
#include <cmath>
#include <limits>

#include "harness/op_harness.hpp"
#include "ir/graph.hpp"
#include "ir/op_kind.hpp"

namespace hone::testing {
namespace {

using ir::Attribute;

constexpr float kInf = std::numeric_limits<float>::infinity();

// softmax(scale * q·k^T + bias) · v for one head: q [L,D], k [S,D], v [S,Dv], bias [L,S].
std::vector<float> naive_head(const float* q, const float* k, const float* v, int64_t L, int64_t S, int64_t D,
                              int64_t Dv, float scale, const std::vector<float>& bias, float softcap = 0) {
  std::vector<float> out(static_cast<size_t>(L * Dv), 0.0f);
  for (int64_t i = 0; i < L; ++i) {
    std::vector<double> w(static_cast<size_t>(S));
    double mx = -kInf, sum = 0;
    for (int64_t j = 0; j < S; ++j) {
      double dot = 0;
      for (int64_t d = 0; d < D; ++d) dot += double(q[i * D + d]) * k[j * D + d];
      dot *= scale;
      if (softcap > 0) dot = softcap * std::tanh(dot / softcap);
      w[j] = dot + (bias.empty() ? 0.0 : bias[i * S + j]);
      mx = std::max(mx, w[j]);
    }
    for (auto& x : w) sum += (x = std::exp(x - mx));
    for (int64_t e = 0; e < Dv; ++e) {
      double acc = 0;
      for (int64_t j = 0; j < S; ++j) acc += w[j] / sum * v[j * Dv + e];
      out[i * Dv + e] = static_cast<float>(acc);
    }
  }
  return out;
}

Attribute attr_i(int64_t v) { return Attribute::of_int(v); }

TEST(Attention, SingleHeadMatchesNaiveFormula) {
  const Tensor q = random_float({1, 1, 3, 4}, 1), k = random_float({1, 1, 5, 4}, 2), v = random_float({1, 1, 5, 2}, 3);
  auto r = run_op({.op_type = "Attention", .inputs = {Datum::of(q), Datum::of(k), Datum::of(v)}, .opset = 23});
  ASSERT_TRUE(r.is_ok()) << r.status().to_string();
  auto want = naive_head(q.data<float>(), k.data<float>(), v.data<float>(), 3, 5, 4, 2, 0.5f, {});
  EXPECT_TRUE(tensors_near(r->at(0).tensor, make_float({1, 1, 3, 2}, want), 1e-5, 1e-6));
}

TEST(Attention, CausalScaledSoftcapMatchesNaive) {
  const Tensor q = random_float({1, 1, 4, 3}, 4), k = random_float({1, 1, 4, 3}, 5), v = random_float({1, 1, 4, 3}, 6);
  ir::Attributes a;
  a.set("is_causal", attr_i(1));
  a.set("scale", Attribute::of_float(0.7f));
  a.set("softcap", Attribute::of_float(0.9f));
  auto r = run_op({.op_type = "Attention", .inputs = {Datum::of(q), Datum::of(k), Datum::of(v)}, .attrs = a, .opset = 23});
  ASSERT_TRUE(r.is_ok()) << r.status().to_string();
  std::vector<float> bias(16, 0.0f);
  for (int i = 0; i < 4; ++i)
    for (int j = i + 1; j < 4; ++j) bias[i * 4 + j] = -kInf;
  auto want = naive_head(q.data<float>(), k.data<float>(), v.data<float>(), 4, 4, 3, 3, 0.7f, bias, 0.9f);
  EXPECT_TRUE(tensors_near(r->at(0).tensor, make_float({1, 1, 4, 3}, want), 1e-5, 1e-6));
}

TEST(Attention, BoolMaskEqualsAdditiveMaskAndShortMaskPads) {
  const Tensor q = random_float({2, 2, 3, 4}, 7), k = random_float({2, 2, 5, 4}, 8), v = random_float({2, 2, 5, 3}, 9);
  // Mask of 4 columns for 5 keys: the 5th key is masked out by padding.
  Tensor bmask = Tensor::zeros(DataType::Bool, {3, 4});
  Tensor fmask = Tensor::zeros(DataType::Float, {3, 5});
  for (int i = 0; i < 3; ++i)
    for (int j = 0; j < 5; ++j) {
      const bool keep = j < 4 && (i + j) % 3 != 0;
      if (j < 4) bmask.data<bool>()[i * 4 + j] = keep;
      fmask.data<float>()[i * 5 + j] = keep ? 0.0f : -kInf;
    }
  auto rb = run_op({.op_type = "Attention", .inputs = {Datum::of(q), Datum::of(k), Datum::of(v), Datum::of(bmask)}, .opset = 23});
  auto rf = run_op({.op_type = "Attention", .inputs = {Datum::of(q), Datum::of(k), Datum::of(v), Datum::of(fmask)}, .opset = 23});
  ASSERT_TRUE(rb.is_ok()) << rb.status().to_string();
  ASSERT_TRUE(rf.is_ok()) << rf.status().to_string();
  EXPECT_TRUE(tensors_near(rb->at(0).tensor, rf->at(0).tensor, 1e-6, 1e-7));
}

TEST(Attention, PackedThreeDEqualsFourDAndGqaEqualsRepeatedHeads) {
  // 4-D GQA: 4 query heads over 2 KV heads, vs. MHA with each KV head repeated twice.
  const int64_t B = 2, L = 3, S = 4, D = 2;
  const Tensor q = random_float({B, 4, L, D}, 10), k = random_float({B, 2, S, D}, 11), v = random_float({B, 2, S, D}, 12);
  Tensor k4 = Tensor::zeros(DataType::Float, {B, 4, S, D}), v4 = Tensor::zeros(DataType::Float, {B, 4, S, D});
  for (int64_t b = 0; b < B; ++b)
    for (int64_t h = 0; h < 4; ++h)
      for (int64_t i = 0; i < S * D; ++i) {
        k4.data<float>()[(b * 4 + h) * S * D + i] = k.data<float>()[(b * 2 + h / 2) * S * D + i];
        v4.data<float>()[(b * 4 + h) * S * D + i] = v.data<float>()[(b * 2 + h / 2) * S * D + i];
      }
  auto gqa = run_op({.op_type = "Attention", .inputs = {Datum::of(q), Datum::of(k), Datum::of(v)}, .opset = 23});
  auto mha = run_op({.op_type = "Attention", .inputs = {Datum::of(q), Datum::of(k4), Datum::of(v4)}, .opset = 23});
  ASSERT_TRUE(gqa.is_ok()) << gqa.status().to_string();
  ASSERT_TRUE(mha.is_ok()) << mha.status().to_string();
  EXPECT_TRUE(tensors_near(gqa->at(0).tensor, mha->at(0).tensor, 1e-6, 1e-7));

  // Same problem packed as [B, seq, heads*D].
  auto pack = [](const Tensor& t) {
    const int64_t b_ = t.dim(0), h_ = t.dim(1), s_ = t.dim(2), d_ = t.dim(3);
    Tensor p = Tensor::zeros(DataType::Float, {b_, s_, h_ * d_});
    for (int64_t b = 0; b < b_; ++b)
      for (int64_t h = 0; h < h_; ++h)
        for (int64_t s = 0; s < s_; ++s)
          for (int64_t d = 0; d < d_; ++d)
            p.data<float>()[((b * s_ + s) * h_ + h) * d_ + d] = t.data<float>()[((b * h_ + h) * s_ + s) * d_ + d];
    return p;
  };
  ir::Attributes a;
  a.set("q_num_heads", attr_i(4));
  a.set("kv_num_heads", attr_i(2));
  auto packed = run_op({.op_type = "Attention", .inputs = {Datum::of(pack(q)), Datum::of(pack(k)), Datum::of(pack(v))}, .attrs = a, .opset = 23});
  ASSERT_TRUE(packed.is_ok()) << packed.status().to_string();
  EXPECT_TRUE(tensors_near(packed->at(0).tensor, pack(gqa->at(0).tensor), 1e-6, 1e-7));
}

TEST(Attention, PastAndPresentConcatenateAndCausalIsOffset) {
  const Tensor q = random_float({1, 1, 2, 3}, 13), k = random_float({1, 1, 2, 3}, 14), v = random_float({1, 1, 2, 3}, 15);
  const Tensor pk = random_float({1, 1, 3, 3}, 16), pv = random_float({1, 1, 3, 3}, 17);
  ir::Attributes a;
  a.set("is_causal", attr_i(1));
  a.set("qk_matmul_output_mode", attr_i(2));
  auto r = run_op({.op_type = "Attention",
                   .inputs = {Datum::of(q), Datum::of(k), Datum::of(v), omitted(), Datum::of(pk), Datum::of(pv)},
                   .attrs = a, .num_outputs = 4, .opset = 23});
  ASSERT_TRUE(r.is_ok()) << r.status().to_string();
  const Tensor& present_k = r->at(1).tensor;
  ASSERT_EQ(present_k.shape(), (Shape{1, 1, 5, 3}));
  EXPECT_EQ(present_k.data<float>()[0], pk.data<float>()[0]);
  EXPECT_EQ(present_k.data<float>()[9], k.data<float>()[0]);
  // Query 0 sees keys 0..3 (3 past + itself), query 1 sees all 5.
  const Tensor& qk = r->at(3).tensor;
  ASSERT_EQ(qk.shape(), (Shape{1, 1, 2, 5}));
  EXPECT_TRUE(std::isinf(qk.data<float>()[4]));
  EXPECT_FALSE(std::isinf(qk.data<float>()[3]));
  EXPECT_FALSE(std::isinf(qk.data<float>()[9]));
}

TEST(Attention, NonpadKvSeqlenMasksTrailingKeys) {
  const Tensor q = random_float({2, 1, 2, 3}, 18), k = random_float({2, 1, 4, 3}, 19), v = random_float({2, 1, 4, 3}, 20);
  auto r = run_op({.op_type = "Attention",
                   .inputs = {Datum::of(q), Datum::of(k), Datum::of(v), omitted(), omitted(), omitted(),
                              Datum::of(make_int64({2}, {4, 2}))},
                   .opset = 24});
  ASSERT_TRUE(r.is_ok()) << r.status().to_string();
  // Batch 1 uses only its first two keys.
  std::vector<float> bias(8, 0.0f);
  for (int i = 0; i < 2; ++i) bias[i * 4 + 2] = bias[i * 4 + 3] = -kInf;
  auto want = naive_head(q.data<float>() + 6, k.data<float>() + 12, v.data<float>() + 12, 2, 4, 3, 3, 1 / std::sqrt(3.0f), bias);
  const float* got = r->at(0).tensor.data<float>() + 6;
  for (int i = 0; i < 6; ++i) EXPECT_NEAR(got[i], want[i], 1e-5) << i;
}

TEST(Attention, Float16ComputesInFloat) {
  const Tensor qf = random_float({1, 2, 3, 4}, 21), kf = random_float({1, 2, 3, 4}, 22), vf = random_float({1, 2, 3, 4}, 23);
  auto to_half = [](const Tensor& t) {
    Tensor h = Tensor::zeros(DataType::Float16, t.shape());
    for (int64_t i = 0; i < t.numel(); ++i) h.data<Float16>()[i] = Float16(t.data<float>()[i]);
    return h;
  };
  auto rh = run_op({.op_type = "Attention", .inputs = {Datum::of(to_half(qf)), Datum::of(to_half(kf)), Datum::of(to_half(vf))}, .opset = 23});
  ASSERT_TRUE(rh.is_ok()) << rh.status().to_string();
  EXPECT_EQ(rh->at(0).tensor.dtype(), DataType::Float16);
  auto rf = run_op({.op_type = "Attention", .inputs = {Datum::of(qf), Datum::of(kf), Datum::of(vf)}, .opset = 23});
  ASSERT_TRUE(rf.is_ok());
  for (int64_t i = 0; i < rf->at(0).tensor.numel(); ++i) {
    EXPECT_NEAR(float(rh->at(0).tensor.data<Float16>()[i]), rf->at(0).tensor.data<float>()[i], 4e-3) << i;
  }
}

TEST(Attention, HeadCountsThatDoNotDivideAreAnError) {
  auto r = run_op({.op_type = "Attention",
                   .inputs = {Datum::of(random_float({1, 3, 2, 4}, 1)), Datum::of(random_float({1, 2, 2, 4}, 2)),
                              Datum::of(random_float({1, 2, 2, 4}, 3))},
                   .opset = 23});
  ASSERT_FALSE(r.is_ok());
  EXPECT_NE(r.status().to_string().find("must be a multiple of kv_num_heads"), std::string::npos) << r.status().to_string();
}

TEST(Attention, ThreeDWithoutHeadAttributesIsAnError) {
  auto r = run_op({.op_type = "Attention",
                   .inputs = {Datum::of(random_float({1, 2, 4}, 1)), Datum::of(random_float({1, 2, 4}, 2)),
                              Datum::of(random_float({1, 2, 4}, 3))},
                   .opset = 23});
  ASSERT_FALSE(r.is_ok());
  EXPECT_NE(r.status().to_string().find("q_num_heads and kv_num_heads"), std::string::npos) << r.status().to_string();
}

// ---- FlexAttention ----

TEST(FlexAttention, GqaMatchesNaive) {
  const Tensor q = random_float({1, 2, 3, 4}, 30), k = random_float({1, 1, 5, 4}, 31), v = random_float({1, 1, 5, 3}, 32);
  ir::Attributes a;
  a.set("scale", Attribute::of_float(0.3f));
  auto r = run_op({.op_type = "FlexAttention", .inputs = {Datum::of(q), Datum::of(k), Datum::of(v)}, .attrs = a,
                   .opset = 1, .domain = "ai.onnx.preview"});
  ASSERT_TRUE(r.is_ok()) << r.status().to_string();
  for (int h = 0; h < 2; ++h) {
    auto want = naive_head(q.data<float>() + h * 12, k.data<float>(), v.data<float>(), 3, 5, 4, 3, 0.3f, {});
    for (int i = 0; i < 9; ++i) EXPECT_NEAR(r->at(0).tensor.data<float>()[h * 9 + i], want[i], 1e-5);
  }
}

TEST(FlexAttention, WholeTensorScoreModSubgraphRuns) {
  // score_mod = Identity: same result as no modifier.
  auto g = std::make_shared<ir::Graph>("score_mod");
  ir::Value* in = g->add_value("scores", ir::Type::tensor(DataType::Float));
  g->add_input(in);
  ir::Value* out = g->add_value("scores_out");
  ir::OpKind kind;
  ASSERT_TRUE(ir::find_op_kind("", "Identity", &kind));
  g->add_node(kind, "Identity", "", "id", 26, {in}, {out});
  g->add_output(out);
  const Tensor q = random_float({1, 1, 2, 4}, 33), k = random_float({1, 1, 3, 4}, 34), v = random_float({1, 1, 3, 2}, 35);
  ir::Attributes a;
  a.set("score_mod", Attribute::of_graph(g));
  auto r = run_op({.op_type = "FlexAttention", .inputs = {Datum::of(q), Datum::of(k), Datum::of(v)}, .attrs = a,
                   .opset = 1, .domain = "ai.onnx.preview"});
  ASSERT_TRUE(r.is_ok()) << r.status().to_string();
  auto want = naive_head(q.data<float>(), k.data<float>(), v.data<float>(), 2, 3, 4, 2, 0.5f, {});
  EXPECT_TRUE(tensors_near(r->at(0).tensor, make_float({1, 1, 2, 2}, want), 1e-5, 1e-6));
}

TEST(FlexAttention, NonFourDInputIsAnError) {
  auto r = run_op({.op_type = "FlexAttention",
                   .inputs = {Datum::of(random_float({2, 4}, 1)), Datum::of(random_float({2, 4}, 2)), Datum::of(random_float({2, 4}, 3))},
                   .opset = 1, .domain = "ai.onnx.preview"});
  ASSERT_FALSE(r.is_ok());
  EXPECT_NE(r.status().to_string().find("must be 4-D"), std::string::npos) << r.status().to_string();
}

}  // namespace
}  // namespace hone::testing
