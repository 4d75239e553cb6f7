// The layer fusions together in the default pipeline (passes::optimize): ResNet's and YOLOv8's
// residual blocks and an MLP layer end as single fused layers, and on the ONNX suite's light
// ResNet-50 and Inception-v1 no BatchNormalization and no activation after a conv remain while
// the outputs stay those of the unoptimized graph.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>

#include "import/onnx/model_builder.hpp"
#include "passes/layer_fusion_test_util.hpp"
#include "passes/pass_harness.hpp"

namespace hone::testing {
namespace {

using ir::Attribute;
using onnx_import::ModelBuilder;

PassRun optimize(const std::string& model) {
  DefaultPipeline pipeline;
  return run_pass(model, pipeline);
}

void add_conv_bn(ModelBuilder& b, const std::string& name, const std::string& in, const std::string& out,
                 int64_t channels, uint64_t seed) {
  b.initializer(name + "_w", random_floats({channels, channels, 3, 3}, seed, -0.5f, 0.5f));
  b.initializer(name + "_scale", random_floats({channels}, seed + 1, 0.5f, 1.5f));
  b.initializer(name + "_shift", random_floats({channels}, seed + 2));
  b.initializer(name + "_mean", random_floats({channels}, seed + 3));
  b.initializer(name + "_var", random_floats({channels}, seed + 4, 0.5f, 1.5f));
  b.node("Conv", {in, name + "_w"}, {name + "_c"}, name, {{"pads", Attribute::of_ints({1, 1, 1, 1})}});
  b.node("BatchNormalization",
         {name + "_c", name + "_scale", name + "_shift", name + "_mean", name + "_var"}, {out}, name + "_bn");
}

TEST(LayerFusionPipeline, ResNetBasicBlockBecomesTwoFusedConvs) {
  // x -> conv1 -> bn -> relu -> conv2 -> bn -> + x -> relu
  ModelBuilder b;
  b.input("x", DataType::Float, {1, 4, 6, 6});
  add_conv_bn(b, "conv1", "x", "b1", 4, 1);
  b.node("Relu", {"b1"}, {"r1"}, "relu1");
  add_conv_bn(b, "conv2", "r1", "b2", 4, 10);
  b.node("Add", {"b2", "x"}, {"s"}, "add");
  b.node("Relu", {"s"}, {"y"}, "relu2");
  b.output("y");
  const PassRun run = optimize(b.serialize());
  ASSERT_TRUE(run.after);
  ASSERT_EQ(count_nodes(*run.after), 2u) << ir::print_graph(*run.after);
  const ir::Node* first = run.after->nodes()[0].get();
  const ir::Node* second = run.after->nodes()[1].get();
  EXPECT_EQ(first->op_type(), "FusedConv");
  EXPECT_EQ(first->name(), "conv1 + conv1_bn + relu1");
  EXPECT_EQ(string_attr(*first, "activation"), "Relu");
  EXPECT_EQ(second->op_type(), "FusedConv");
  EXPECT_EQ(second->name(), "conv2 + conv2_bn + add + relu2");
  EXPECT_FALSE(second->attrs().has("activation"));
  EXPECT_EQ(string_attr(*second, "post_activation"), "Relu");
  ASSERT_EQ(second->num_inputs(), 4u);
  EXPECT_EQ(second->input(3)->name(), "x");
  EXPECT_EQ(second->output(0)->name(), "y");
  EXPECT_TRUE(same_outputs(run, 51));
}

TEST(LayerFusionPipeline, ResNetProjectionShortcutFusesIntoOneOfTheConvs) {
  // Sum(conv2 -> bn, conv3 -> bn) -> relu: both operands are folded convs.
  ModelBuilder b;
  b.input("x", DataType::Float, {1, 4, 6, 6});
  add_conv_bn(b, "conv2", "x", "b2", 4, 20);
  add_conv_bn(b, "conv3", "x", "b3", 4, 30);
  b.node("Sum", {"b2", "b3"}, {"s"}, "sum");
  b.node("Relu", {"s"}, {"y"}, "relu");
  b.output("y");
  const PassRun run = optimize(b.serialize());
  ASSERT_TRUE(run.after);
  ASSERT_EQ(count_nodes(*run.after), 2u) << ir::print_graph(*run.after);
  EXPECT_EQ(count_nodes(*run.after, "BatchNormalization"), 0u);
  const ir::Node* last = run.after->nodes()[1].get();
  EXPECT_EQ(last->name(), "conv3 + conv3_bn + sum + relu");
  EXPECT_EQ(string_attr(*last, "post_activation"), "Relu");
  ASSERT_EQ(last->num_inputs(), 4u);
  EXPECT_EQ(last->input(3)->producer(), run.after->nodes()[0].get());
  EXPECT_TRUE(same_outputs(run, 52));
}

TEST(LayerFusionPipeline, YoloBottleneckKeepsSiluAndTakesTheShortcut) {
  // s = SiLU(conv1(x)); y = s + SiLU(conv2(s)), SiLU written as Swish (opset 24).
  ModelBuilder b(24);
  b.input("x", DataType::Float, {1, 4, 6, 6});
  for (const std::string name : {"conv1", "conv2"}) {
    b.initializer(name + "_w", random_floats({4, 4, 3, 3}, name == "conv1" ? 61 : 62, -0.5f, 0.5f));
    b.initializer(name + "_b", random_floats({4}, name == "conv1" ? 63 : 64));
  }
  b.node("Conv", {"x", "conv1_w", "conv1_b"}, {"c1"}, "conv1", {{"pads", Attribute::of_ints({1, 1, 1, 1})}});
  b.node("Swish", {"c1"}, {"s"}, "silu1");
  b.node("Conv", {"s", "conv2_w", "conv2_b"}, {"c2"}, "conv2", {{"pads", Attribute::of_ints({1, 1, 1, 1})}});
  b.node("Swish", {"c2"}, {"s2"}, "silu2");
  b.node("Add", {"s", "s2"}, {"y"}, "add");
  b.output("y");
  const PassRun run = optimize(b.serialize());
  ASSERT_TRUE(run.after);
  ASSERT_EQ(count_nodes(*run.after), 2u) << ir::print_graph(*run.after);
  const ir::Node* last = run.after->nodes()[1].get();
  EXPECT_EQ(last->name(), "conv2 + silu2 + add");
  EXPECT_EQ(string_attr(*last, "activation"), "Swish");
  EXPECT_FALSE(last->attrs().has("post_activation"));
  ASSERT_EQ(last->num_inputs(), 4u);
  EXPECT_EQ(last->input(3)->name(), "s");
  EXPECT_TRUE(same_outputs(run, 53));
}

TEST(LayerFusionPipeline, MatMulAddReluBecomesOneFusedGemm) {
  ModelBuilder b;
  b.input("a", DataType::Float, {3, 8});
  b.initializer("w", random_floats({8, 5}, 71));
  b.initializer("bias", random_floats({5}, 72));
  b.node("MatMul", {"a", "w"}, {"p"}, "fc");
  b.node("Add", {"p", "bias"}, {"q"}, "fc_bias");
  b.node("Relu", {"q"}, {"y"}, "fc_relu");
  b.output("y");
  const PassRun run = optimize(b.serialize());
  ASSERT_TRUE(run.after);
  ASSERT_EQ(count_nodes(*run.after), 1u) << ir::print_graph(*run.after);
  const ir::Node* n = run.after->nodes()[0].get();
  EXPECT_EQ(n->op_type(), "FusedGemm");
  EXPECT_EQ(n->name(), "fc + fc_bias + fc_relu");
  EXPECT_EQ(string_attr(*n, "activation"), "Relu");
  EXPECT_TRUE(same_outputs(run, 54));
}

// ---- the ONNX suite's light models (weights from ConstantOfShape nodes) ----

bool is_activation_op(const std::string& op) {
  static const char* const kOps[] = {"Relu",      "LeakyRelu", "Clip",  "Sigmoid",  "Tanh", "HardSigmoid",
                                     "HardSwish", "Swish",     "Elu",   "Softplus", "Mish", "Gelu"};
  return std::find(std::begin(kOps), std::end(kOps), op) != std::end(kOps);
}

// Optimizes the model at `path` with the default pipeline and checks the fusions' result.
void expect_fully_fused(const std::filesystem::path& path) {
  std::ifstream file(path, std::ios::binary);
  ASSERT_TRUE(file) << "cannot read " << path;
  std::stringstream bytes;
  bytes << file.rdbuf();
  const PassRun run = optimize(bytes.str());
  ASSERT_TRUE(run.after);
  EXPECT_EQ(count_nodes(*run.after, "BatchNormalization"), 0u);
  EXPECT_GT(count_nodes(*run.after, "FusedConv"), 0u);
  for (const auto& n : run.after->nodes()) {
    if (!is_activation_op(n->op_type())) continue;
    const ir::Node* p = n->input(0) ? n->input(0)->producer() : nullptr;
    EXPECT_FALSE(p && (p->op_type() == "Conv" || p->op_type() == "FusedConv"))
        << n->op_type() << " '" << n->name() << "' reads " << p->op_type() << " '" << p->name() << "'";
  }
  // One inference per graph: the reference convolutions of ResNet-50 take seconds.
  EXPECT_TRUE(same_outputs(run, 55, 1e-5, 1e-6));
}

// Why the check of `path` cannot run: the model is absent, or the pipeline has no constant
// folding (the light models' weights are ConstantOfShape outputs: nothing would be constant).
std::optional<std::string> skip_reason(const std::filesystem::path& path) {
  if (!std::filesystem::exists(path)) return path.string() + " is absent";
  const std::vector<std::string> names = passes::pass_names();
  if (std::find(names.begin(), names.end(), "constant_folding") == names.end()) {
    return "no constant_folding pass in the default pipeline; the model's weights are ConstantOfShape outputs";
  }
  return std::nullopt;
}

const std::filesystem::path kLightModels = std::filesystem::path(HONE_SHARED_DIR) / "onnx-backend-tests" / "light";

TEST(LayerFusionPipeline, LightResNet50HasNoBatchNormOrActivationAfterAConv) {
  const auto path = kLightModels / "light_resnet50.onnx";
  if (const auto why = skip_reason(path)) GTEST_SKIP() << *why;
  expect_fully_fused(path);
}

TEST(LayerFusionPipeline, LightInceptionV1HasNoActivationAfterAConv) {
  const auto path = kLightModels / "light_inception_v1.onnx";
  if (const auto why = skip_reason(path)) GTEST_SKIP() << *why;
  expect_fully_fused(path);
}

}  // namespace
}  // namespace hone::testing
