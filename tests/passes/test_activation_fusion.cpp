// activation_fusion: every supported activation after a Conv, Gemm or MatMul (or their fused
// forms) becomes the layer's epilogue with the right parameters and the same outputs; an
// activation whose input is read twice, a Clip with a run-time bound, a second activation and
// non-float32 layers are left.
#include <gtest/gtest.h>

#include <limits>

#include "import/onnx/model_builder.hpp"
#include "passes/layer_fusion_test_util.hpp"
#include "passes/pass_harness.hpp"
#include "passes/passes.hpp"

namespace hone::testing {
namespace {

using ir::Attribute;
using onnx_import::ModelBuilder;

using Attrs = std::vector<std::pair<std::string, Attribute>>;

PassRun fuse(const std::string& model) {
  auto pass = passes::make_activation_fusion({});
  return run_pass(model, *pass);
}

// x -> Conv 'conv' -> c; x is [1, 3, 6, 6], 4 output channels.
void add_conv(ModelBuilder& b) {
  b.input("x", DataType::Float, {1, 3, 6, 6});
  b.initializer("w", random_floats({4, 3, 3, 3}, 1));
  b.initializer("b", random_floats({4}, 2));
  b.node("Conv", {"x", "w", "b"}, {"c"}, "conv", {{"pads", Attribute::of_ints({1, 1, 1, 1})}});
}

// One fused node of `op` named `name` producing graph output "y", the same outputs as before.
const ir::Node* expect_fused(const PassRun& run, const std::string& op, const std::string& name) {
  if (!run.after) {
    ADD_FAILURE() << "the pass did not run";
    return nullptr;
  }
  EXPECT_EQ(count_nodes(*run.after), 1u) << ir::print_graph(*run.after);
  const ir::Node* n = find_node(*run.after, op);
  if (!n) {
    ADD_FAILURE() << "no " << op << " in\n" << ir::print_graph(*run.after);
    return nullptr;
  }
  EXPECT_EQ(n->domain(), "hone");
  EXPECT_EQ(n->name(), name);
  EXPECT_EQ(run.after->outputs()[0]->name(), "y");
  EXPECT_EQ(run.after->outputs()[0]->producer(), n);
  EXPECT_TRUE(same_outputs(run, 31));
  return n;
}

TEST(ActivationFusion, EveryActivationBecomesTheConvEpilogueWithItsParameters) {
  constexpr float kInf = std::numeric_limits<float>::infinity();
  struct Case {
    std::string op;
    Attrs attrs;
    std::vector<std::string> bounds;  // Clip's min/max inputs ("" omitted)
    int opset;
    std::string activation;
    std::vector<float> params;
  };
  const std::vector<Case> cases = {
      {"Relu", {}, {}, 24, "Relu", {}},
      {"LeakyRelu", {{"alpha", Attribute::of_float(0.2f)}}, {}, 24, "LeakyRelu", {0.2f}},
      {"LeakyRelu", {}, {}, 24, "LeakyRelu", {0.01f}},
      {"Clip", {}, {"zero", "six"}, 24, "Clip", {0.0f, 6.0f}},
      {"Clip", {}, {"", "half"}, 24, "Clip", {-kInf, 0.5f}},
      {"Clip", {}, {"zero"}, 24, "Clip", {0.0f, kInf}},
      {"Clip", {{"min", Attribute::of_float(-0.5f)}, {"max", Attribute::of_float(0.5f)}}, {}, 10, "Clip",
       {-0.5f, 0.5f}},
      {"Clip", {}, {}, 10, "Clip", {std::numeric_limits<float>::lowest(), std::numeric_limits<float>::max()}},
      {"Sigmoid", {}, {}, 24, "Sigmoid", {}},
      {"Tanh", {}, {}, 24, "Tanh", {}},
      {"HardSigmoid", {{"alpha", Attribute::of_float(0.3f)}, {"beta", Attribute::of_float(0.4f)}}, {}, 24,
       "HardSigmoid", {0.3f, 0.4f}},
      {"HardSigmoid", {}, {}, 24, "HardSigmoid", {0.2f, 0.5f}},
      {"HardSwish", {}, {}, 24, "HardSwish", {}},
      {"Swish", {{"alpha", Attribute::of_float(1.5f)}}, {}, 24, "Swish", {1.5f}},
      {"Swish", {}, {}, 24, "Swish", {1.0f}},
      {"Elu", {{"alpha", Attribute::of_float(0.7f)}}, {}, 24, "Elu", {0.7f}},
      {"Softplus", {}, {}, 24, "Softplus", {}},
      {"Mish", {}, {}, 24, "Mish", {}},
      {"Gelu", {}, {}, 24, "Gelu", {}},
      {"Gelu", {{"approximate", Attribute::of_string("tanh")}}, {}, 24, "GeluTanh", {}},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.op + " opset " + std::to_string(c.opset) + " -> " + c.activation);
    ModelBuilder b(c.opset);
    add_conv(b);
    b.initializer("zero", scalar_float(0.0f));
    b.initializer("six", scalar_float(6.0f));
    b.initializer("half", scalar_float(0.5f));
    std::vector<std::string> inputs = {"c"};
    inputs.insert(inputs.end(), c.bounds.begin(), c.bounds.end());
    b.node(c.op, inputs, {"y"}, "act", c.attrs);
    b.output("y");
    const PassRun run = fuse(b.serialize());
    ASSERT_TRUE(run.after);
    EXPECT_EQ(run.rewrites, 1);
    const ir::Node* n = expect_fused(run, "FusedConv", "conv + act");
    if (!n) continue;
    EXPECT_EQ(string_attr(*n, "activation"), c.activation);
    EXPECT_EQ(floats_attr(*n, "activation_params"), c.params);
    EXPECT_FALSE(n->attrs().has("post_activation"));
    EXPECT_EQ(n->input(1)->name(), "w");
    EXPECT_EQ(n->input(2)->name(), "b");
  }
}

TEST(ActivationFusion, GemmAndMatMulTakeTheActivation) {
  ModelBuilder g;
  g.input("a", DataType::Float, {3, 4});
  g.initializer("w", random_floats({5, 4}, 3));
  g.initializer("c", random_floats({5}, 4));
  g.node("Gemm", {"a", "w", "c"}, {"p"}, "gemm",
         {{"transB", Attribute::of_int(1)}, {"alpha", Attribute::of_float(0.5f)}});
  g.node("Relu", {"p"}, {"y"}, "relu");
  g.output("y");
  const PassRun gemm_run = fuse(g.serialize());
  const ir::Node* gemm = expect_fused(gemm_run, "FusedGemm", "gemm + relu");
  ASSERT_NE(gemm, nullptr);
  EXPECT_EQ(string_attr(*gemm, "activation"), "Relu");
  EXPECT_EQ(gemm->attrs().find("transB")->i, 1);

  ModelBuilder m;
  m.input("a", DataType::Float, {2, 3, 4});
  m.initializer("w", random_floats({4, 5}, 5));
  m.node("MatMul", {"a", "w"}, {"p"}, "mm");
  m.node("Sigmoid", {"p"}, {"y"}, "sigmoid");
  m.output("y");
  const PassRun mm_run = fuse(m.serialize());
  const ir::Node* mm = expect_fused(mm_run, "FusedMatMul", "mm + sigmoid");
  ASSERT_NE(mm, nullptr);
  EXPECT_EQ(mm->num_inputs(), 2u);
  EXPECT_EQ(string_attr(*mm, "activation"), "Sigmoid");
}

TEST(ActivationFusion, FusedMatMulWithBiasTakesTheActivation) {
  ModelBuilder b;
  b.input("a", DataType::Float, {2, 3, 4});
  b.initializer("w", random_floats({4, 5}, 6));
  b.initializer("bias", random_floats({5}, 7));
  b.node("MatMul", {"a", "w"}, {"p"}, "mm");
  b.node("Add", {"p", "bias"}, {"q"}, "add");
  b.node("Tanh", {"q"}, {"y"}, "tanh");
  b.output("y");
  std::vector<std::unique_ptr<passes::Pass>> list;
  list.push_back(passes::make_matmul_add_fusion({}));
  list.push_back(passes::make_activation_fusion({}));
  PassSequence sequence(std::move(list));
  const PassRun run = run_pass(b.serialize(), sequence);
  ASSERT_TRUE(run.after);
  EXPECT_EQ(run.rewrites, 2);
  const ir::Node* n = expect_fused(run, "FusedMatMul", "mm + add + tanh");
  ASSERT_NE(n, nullptr);
  EXPECT_EQ(n->input(2)->name(), "bias");
  EXPECT_EQ(string_attr(*n, "activation"), "Tanh");
}

TEST(ActivationFusion, ActivationAfterAResidualBecomesThePostActivation) {
  ModelBuilder b;
  add_conv(b);
  b.input("z", DataType::Float, {1, 4, 6, 6});
  b.node("Add", {"c", "z"}, {"s"}, "add");
  b.node("Relu", {"s"}, {"y"}, "relu");
  b.output("y");
  std::vector<std::unique_ptr<passes::Pass>> list;
  list.push_back(passes::make_residual_add_fusion({}));
  list.push_back(passes::make_activation_fusion({}));
  PassSequence sequence(std::move(list));
  const PassRun run = run_pass(b.serialize(), sequence);
  ASSERT_TRUE(run.after);
  EXPECT_EQ(run.rewrites, 2);
  const ir::Node* n = expect_fused(run, "FusedConv", "conv + add + relu");
  ASSERT_NE(n, nullptr);
  ASSERT_EQ(n->num_inputs(), 4u);
  EXPECT_EQ(n->input(3)->name(), "z");
  EXPECT_FALSE(n->attrs().has("activation"));
  EXPECT_EQ(string_attr(*n, "post_activation"), "Relu");
}

TEST(ActivationFusion, ActivationWhoseInputIsReadTwiceIsLeft) {
  ModelBuilder b;
  add_conv(b);
  b.node("Relu", {"c"}, {"y"}, "relu");
  b.node("Sigmoid", {"c"}, {"y2"}, "sigmoid");
  b.output("y");
  b.output("y2");
  const PassRun run = fuse(b.serialize());
  ASSERT_TRUE(run.after);
  EXPECT_EQ(run.rewrites, 0);
  EXPECT_EQ(count_nodes(*run.after, "Conv"), 1u);
  EXPECT_EQ(count_nodes(*run.after), 3u);
}

TEST(ActivationFusion, ConvOutputThatIsAGraphOutputIsLeft) {
  ModelBuilder b;
  add_conv(b);
  b.node("Relu", {"c"}, {"y"}, "relu");
  b.output("y");
  b.output("c");
  const PassRun run = fuse(b.serialize());
  ASSERT_TRUE(run.after);
  EXPECT_EQ(run.rewrites, 0);
  EXPECT_EQ(count_nodes(*run.after), 2u);
}

TEST(ActivationFusion, ActivationOutputReadFurtherKeepsItsNameAndReaders) {
  // y is a graph output and also feeds a Sigmoid: the fused conv writes y under its name,
  // and the Sigmoid (reading a value that is a graph output) stays a separate node.
  ModelBuilder b;
  add_conv(b);
  b.node("Relu", {"c"}, {"y"}, "relu");
  b.node("Sigmoid", {"y"}, {"y2"}, "sigmoid");
  b.output("y");
  b.output("y2");
  const PassRun run = fuse(b.serialize());
  ASSERT_TRUE(run.after);
  EXPECT_EQ(run.rewrites, 1);
  EXPECT_EQ(count_nodes(*run.after), 2u);
  const ir::Node* fused = run.after->outputs()[0]->producer();
  ASSERT_NE(fused, nullptr);
  EXPECT_EQ(fused->op_type(), "FusedConv");
  EXPECT_EQ(run.after->outputs()[0]->name(), "y");
  EXPECT_EQ(run.after->outputs()[1]->producer()->op_type(), "Sigmoid");
  EXPECT_TRUE(same_outputs(run, 32));
}

TEST(ActivationFusion, ClipWithARunTimeBoundIsLeft) {
  ModelBuilder b;
  add_conv(b);
  b.input("lo", DataType::Float, {});
  b.node("Clip", {"c", "lo"}, {"y"}, "clip");
  b.output("y");
  const PassRun run = fuse(b.serialize());
  ASSERT_TRUE(run.after);
  EXPECT_EQ(run.rewrites, 0);
  EXPECT_EQ(count_nodes(*run.after, "Clip"), 1u);
}

TEST(ActivationFusion, SecondActivationIsLeftOnceTheSlotIsTaken) {
  ModelBuilder b;
  add_conv(b);
  b.node("Relu", {"c"}, {"r"}, "relu");
  b.node("Sigmoid", {"r"}, {"y"}, "sigmoid");
  b.output("y");
  const PassRun run = fuse(b.serialize());
  ASSERT_TRUE(run.after);
  EXPECT_EQ(run.rewrites, 1);
  EXPECT_EQ(count_nodes(*run.after, "FusedConv"), 1u);
  EXPECT_EQ(count_nodes(*run.after, "Sigmoid"), 1u);
  EXPECT_EQ(string_attr(*find_node(*run.after, "FusedConv"), "activation"), "Relu");
  EXPECT_TRUE(same_outputs(run, 33));
}

TEST(ActivationFusion, DoubleConvAndActivationAfterOtherOpsAreLeft) {
  ModelBuilder b;
  b.input("x", DataType::Double, {1, 2, 4, 4});
  b.input("w", DataType::Double, {2, 2, 1, 1});
  b.input("u", DataType::Float, {3, 4});
  b.node("Conv", {"x", "w"}, {"c"}, "conv");
  b.node("Relu", {"c"}, {"y"}, "relu");
  b.node("Abs", {"u"}, {"v"}, "abs");
  b.node("Relu", {"v"}, {"y2"}, "relu2");
  b.output("y");
  b.output("y2");
  const PassRun run = fuse(b.serialize());
  ASSERT_TRUE(run.after);
  EXPECT_EQ(run.rewrites, 0);
  EXPECT_EQ(count_nodes(*run.after, "Relu"), 2u);
}

}  // namespace
}  // namespace hone::testing
