// attention_fusion: scaled dot-product attention blocks built in code (scale on the scores or
// on Q, Mul or Div, with or without an additive mask, K from a projection layout, one KV head)
// become one Attention with the same outputs; blocks Attention would compute differently
// (Softmax over another axis, a mask broadcast over the keys) are left alone.
#include <optional>

#include "import/onnx/model_builder.hpp"
#include "passes/pass_harness.hpp"
#include "passes/passes.hpp"
#include "passes/pattern_models.hpp"

namespace hone::testing {
namespace {

using ir::Attribute;
using onnx_import::ModelBuilder;

PassRun fuse(const ModelBuilder& b) {
  auto pass = passes::make_attention_fusion({});
  return run_pass(b.serialize(), *pass);
}

struct Block {
  std::string name;
  int opset = 17;
  int64_t batch = 2, heads = 3, q_len = 5, kv_len = 7, head_size = 4, kv_heads = 3;
  enum Scale { None, MulScores, DivScores, MulQ, DivQ } scale = MulScores;
  float scale_value = 0.5f;  // Div forms divide by 1 / scale_value
  Shape mask;                // empty: no mask
  bool mask_first = false;   // Add(mask, scores)
  bool k_projection = false; // K given as [B,S,H,D], transposed with perm [0,2,3,1]
  std::optional<int64_t> softmax_axis = -1;
};

// Writes the block; graph inputs q, k, v (and mask), output y.
void write_block(ModelBuilder& b, const Block& s) {
  b.input("q", DataType::Float, {s.batch, s.heads, s.q_len, s.head_size});
  if (s.k_projection) {
    b.input("k", DataType::Float, {s.batch, s.kv_len, s.kv_heads, s.head_size});
    b.node("Transpose", {"k"}, {"kt"}, "attn/k_t", {{"perm", Attribute::of_ints({0, 2, 3, 1})}});
  } else {
    b.input("k", DataType::Float, {s.batch, s.kv_heads, s.kv_len, s.head_size});
    b.node("Transpose", {"k"}, {"kt"}, "attn/k_t", {{"perm", Attribute::of_ints({0, 1, 3, 2})}});
  }
  b.input("v", DataType::Float, {s.batch, s.kv_heads, s.kv_len, 6});
  b.initializer("scale", scalar(s.scale_value));
  b.initializer("inv_scale", scalar(1.0f / s.scale_value));
  std::string q = "q", scores = "qk";
  if (s.scale == Block::MulQ || s.scale == Block::DivQ) {
    q = "q_scaled";
    b.node(s.scale == Block::MulQ ? "Mul" : "Div", {"q", s.scale == Block::MulQ ? "scale" : "inv_scale"}, {q}, "attn/q_scale");
  }
  b.node("MatMul", {q, "kt"}, {"qk"}, "attn/qk");
  if (s.scale == Block::MulScores || s.scale == Block::DivScores) {
    scores = "scaled";
    if (s.scale == Block::MulScores) {
      b.node("Mul", {"scale", "qk"}, {scores}, "attn/scale");
    } else {
      b.node("Div", {"qk", "inv_scale"}, {scores}, "attn/scale");
    }
  }
  if (!s.mask.empty()) {
    b.initializer("mask", random_tensor(s.mask, 51, -3.0f, 0.0f));
    b.node("Add", s.mask_first ? std::vector<std::string>{"mask", scores} : std::vector<std::string>{scores, "mask"}, {"masked"},
           "attn/mask");
    scores = "masked";
  }
  std::vector<std::pair<std::string, Attribute>> softmax_attrs;
  if (s.softmax_axis) softmax_attrs.push_back({"axis", Attribute::of_int(*s.softmax_axis)});
  b.node("Softmax", {scores}, {"p"}, "attn/softmax", softmax_attrs);
  b.node("MatMul", {"p", "v"}, {"y"}, "attn/pv");
  b.output("y");
}

PassRun fuse(const Block& s) {
  ModelBuilder b(s.opset);
  write_block(b, s);
  return fuse(b);
}

TEST(AttentionFusion, ScaledDotProductBlocksBecomeAttention) {
  const std::vector<Block> blocks = {
      {.name = "scale * scores"},
      {.name = "scores / c with a [B,1,Sq,Skv] mask", .scale = Block::DivScores, .mask = {2, 1, 5, 7}},
      {.name = "q * scale, mask first, [Skv] mask", .scale = Block::MulQ, .mask = {7}, .mask_first = true},
      {.name = "q / c", .scale = Block::DivQ, .scale_value = 0.125f},
      {.name = "no scale", .scale = Block::None},
      {.name = "one KV head", .kv_heads = 1, .mask = {5, 7}},
      {.name = "opset 12 softmax over axis 3", .opset = 12, .softmax_axis = 3},
  };
  for (const Block& s : blocks) {
    const PassRun run = fuse(s);
    ASSERT_TRUE(run.after) << s.name;
    EXPECT_EQ(run.rewrites, 1) << s.name;
    ASSERT_EQ(count_nodes(*run.after), 1u) << s.name << ": " << describe_nodes(*run.after);
    const ir::Node* a = find_node(*run.after, "Attention");
    ASSERT_NE(a, nullptr) << s.name;
    const float want_scale = s.scale == Block::None ? 1.0f : s.scale_value;
    EXPECT_FLOAT_EQ(a->attrs().find("scale")->f, want_scale) << s.name;
    EXPECT_EQ(a->num_inputs(), s.mask.empty() ? 3u : 4u) << s.name;
    EXPECT_EQ(a->input(1)->name(), "k") << s.name;
    // The nodes in the order write_block() writes them.
    std::string name = "attn/k_t";
    if (s.scale == Block::MulQ || s.scale == Block::DivQ) name += " + attn/q_scale";
    name += " + attn/qk";
    if (s.scale == Block::MulScores || s.scale == Block::DivScores) name += " + attn/scale";
    if (!s.mask.empty()) name += " + attn/mask";
    name += " + attn/softmax + attn/pv";
    EXPECT_EQ(a->name(), name) << s.name;
    EXPECT_EQ(run.after->outputs()[0]->name(), "y") << s.name;
    EXPECT_TRUE(same_outputs(run, 61, 1e-5, 1e-6)) << s.name;
  }
}

TEST(AttentionFusion, KeyFromAProjectionLayoutGetsATransposeToBhsd) {
  const PassRun run = fuse(Block{.name = "[B,S,H,D] keys", .mask = {1, 1, 5, 7}, .k_projection = true});
  ASSERT_TRUE(run.after);
  ASSERT_EQ(count_nodes(*run.after), 2u) << describe_nodes(*run.after);
  const ir::Node* t = find_node(*run.after, "Transpose");
  ASSERT_NE(t, nullptr);
  // K[b,h,s,d] = k[b,s,h,d]: perm [0,2,1,3]; the Transpose keeps its name, the Attention
  // does not claim it.
  EXPECT_EQ(t->attrs().find("perm")->ints, (std::vector<int64_t>{0, 2, 1, 3}));
  EXPECT_EQ(t->name(), "attn/k_t");
  EXPECT_EQ(t->output(0)->type().to_string(), "float[2,3,7,4]");
  const ir::Node* a = find_node(*run.after, "Attention");
  ASSERT_NE(a, nullptr);
  EXPECT_EQ(a->input(1), t->output(0));
  EXPECT_EQ(a->name(), "attn/qk + attn/scale + attn/mask + attn/softmax + attn/pv");
  EXPECT_TRUE(same_outputs(run, 62, 1e-5, 1e-6));
}

TEST(AttentionFusion, SoftmaxOverAnotherAxisIsLeft) {
  for (const Block& s : {Block{.name = "axis 2", .softmax_axis = 2},
                         Block{.name = "opset 12 default axis 1", .opset = 12, .softmax_axis = std::nullopt}}) {
    const PassRun run = fuse(s);
    ASSERT_TRUE(run.after) << s.name;
    EXPECT_EQ(run.rewrites, 0) << s.name << ": " << describe_nodes(*run.after);
    EXPECT_EQ(count_nodes(*run.after, "Attention"), 0u) << s.name;
  }
}

TEST(AttentionFusion, MaskBroadcastOverTheKeysIsLeft) {
  // Attention would treat the key columns past a [.., 1] mask as masked out (-inf).
  const PassRun run = fuse(Block{.name = "[B,1,Sq,1] mask", .mask = {2, 1, 5, 1}});
  ASSERT_TRUE(run.after);
  EXPECT_EQ(run.rewrites, 0) << describe_nodes(*run.after);
}

TEST(AttentionFusion, ScoresReadTwiceBlockTheFusion) {
  ModelBuilder b;
  write_block(b, {.name = "scores also an output"});
  b.output("scaled");
  const PassRun run = fuse(b);
  ASSERT_TRUE(run.after);
  EXPECT_EQ(run.rewrites, 0) << describe_nodes(*run.after);
}

}  // namespace
}  // namespace hone::testing
