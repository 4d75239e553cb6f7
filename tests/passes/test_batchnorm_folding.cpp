// batchnorm_folding: Conv/ConvTranspose -> BatchNormalization becomes one conv computing the
// same outputs (grouped, depthwise, transposed, 1-D to 3-D), and everything that is not an
// inference BN with constant statistics after a conv with constant weights is left alone.
#include <gtest/gtest.h>

#include "import/onnx/model_builder.hpp"
#include "passes/layer_fusion_test_util.hpp"
#include "passes/pass_harness.hpp"
#include "passes/passes.hpp"

namespace hone::testing {
namespace {

using ir::Attribute;
using onnx_import::ModelBuilder;

// BN parameters `<prefix>scale`, `shift`, `mean`, `var` for `channels` channels; variances
// positive, scales away from zero.
void add_bn_params(ModelBuilder& b, const std::string& prefix, int64_t channels, uint64_t seed) {
  b.initializer(prefix + "scale", random_floats({channels}, seed, 0.5f, 1.5f));
  b.initializer(prefix + "shift", random_floats({channels}, seed + 1));
  b.initializer(prefix + "mean", random_floats({channels}, seed + 2));
  b.initializer(prefix + "var", random_floats({channels}, seed + 3, 0.1f, 2.0f));
}

std::vector<std::string> bn_inputs(const std::string& x, const std::string& prefix = {}) {
  return {x, prefix + "scale", prefix + "shift", prefix + "mean", prefix + "var"};
}

PassRun fold(const std::string& model) {
  auto pass = passes::make_batchnorm_folding({});
  return run_pass(model, *pass);
}

// The folded graph: one node of `op`, no BN, the same outputs.
void expect_folded(const PassRun& run, const std::string& op) {
  ASSERT_TRUE(run.after);
  EXPECT_EQ(run.rewrites, 1);
  EXPECT_EQ(count_nodes(*run.before), 2u);
  EXPECT_EQ(count_nodes(*run.after), 1u) << ir::print_graph(*run.after);
  EXPECT_EQ(count_nodes(*run.after, "BatchNormalization"), 0u);
  ASSERT_EQ(count_nodes(*run.after, op), 1u);
  EXPECT_EQ(find_node(*run.after, op)->name(), "conv + bn");
  EXPECT_TRUE(same_outputs(run, 11));
}

void expect_left(const PassRun& run) {
  ASSERT_TRUE(run.after);
  EXPECT_EQ(run.rewrites, 0);
  EXPECT_EQ(count_nodes(*run.after), count_nodes(*run.before));
  EXPECT_EQ(count_nodes(*run.after, "BatchNormalization"), count_nodes(*run.before, "BatchNormalization"));
}

TEST(BatchNormFolding, ConvWithBiasBecomesOneConvWritingTheGraphOutput) {
  ModelBuilder b;
  b.input("x", DataType::Float, {2, 3, 8, 7});
  b.initializer("w", random_floats({4, 3, 3, 3}, 1));
  b.initializer("b", random_floats({4}, 2));
  add_bn_params(b, "", 4, 3);
  b.node("Conv", {"x", "w", "b"}, {"c"}, "conv", {{"pads", Attribute::of_ints({1, 1, 1, 1})}});
  b.node("BatchNormalization", bn_inputs("c"), {"y"}, "bn", {{"epsilon", Attribute::of_float(1e-3f)}});
  b.output("y");
  const PassRun run = fold(b.serialize());
  expect_folded(run, "Conv");
  ASSERT_TRUE(run.after);
  EXPECT_EQ(run.after->outputs()[0]->name(), "y");
  const ir::Node* conv = find_node(*run.after, "Conv");
  ASSERT_NE(conv, nullptr);
  EXPECT_EQ(conv->output(0)->name(), "y");
  // Only this conv read w and b: the folded values replace them in place.
  EXPECT_EQ(conv->input(1)->name(), "w");
  EXPECT_EQ(conv->input(2)->name(), "b");
  EXPECT_FALSE(conv->input(1)->constant().bit_equal(run.before->find_value("w")->constant()));
}

TEST(BatchNormFolding, ConvWithoutBiasGetsTheFoldedBias) {
  ModelBuilder b;
  b.input("x", DataType::Float, {1, 5, 6, 6});
  b.initializer("w", random_floats({3, 5, 1, 1}, 4));
  add_bn_params(b, "", 3, 5);
  b.node("Conv", {"x", "w"}, {"c"}, "conv");
  b.node("BatchNormalization", bn_inputs("c"), {"y"}, "bn");
  b.output("y");
  const PassRun run = fold(b.serialize());
  expect_folded(run, "Conv");
  ASSERT_TRUE(run.after);
  const ir::Node* conv = find_node(*run.after, "Conv");
  ASSERT_NE(conv, nullptr);
  ASSERT_EQ(conv->num_inputs(), 3u);
  ASSERT_NE(conv->input(2), nullptr);
  EXPECT_EQ(conv->input(2)->constant().shape(), (Shape{3}));
}

TEST(BatchNormFolding, GroupedAndDepthwiseConvsFoldPerOutputChannel) {
  struct Case {
    int64_t group;
    Shape w;
  };
  // x has 4 channels: group 2 with 6 outputs, depthwise (group 4) with multiplier 2.
  for (const Case& c : {Case{2, {6, 2, 3, 3}}, Case{4, {8, 1, 3, 3}}}) {
    SCOPED_TRACE("group " + std::to_string(c.group));
    ModelBuilder b;
    b.input("x", DataType::Float, {1, 4, 7, 7});
    b.initializer("w", random_floats(c.w, 6));
    b.initializer("b", random_floats({c.w[0]}, 7));
    add_bn_params(b, "", c.w[0], 8);
    b.node("Conv", {"x", "w", "b"}, {"c"}, "conv",
           {{"group", Attribute::of_int(c.group)}, {"strides", Attribute::of_ints({2, 2})}});
    b.node("BatchNormalization", bn_inputs("c"), {"y"}, "bn");
    b.output("y");
    expect_folded(fold(b.serialize()), "Conv");
  }
}

TEST(BatchNormFolding, OneAndThreeSpatialDimsFold) {
  ModelBuilder b;
  b.input("x1", DataType::Float, {2, 3, 9});
  b.input("x3", DataType::Float, {1, 2, 4, 5, 3});
  b.initializer("w1", random_floats({4, 3, 3}, 9));
  b.initializer("w3", random_floats({3, 2, 2, 3, 2}, 10));
  add_bn_params(b, "a_", 4, 11);
  add_bn_params(b, "b_", 3, 12);
  b.node("Conv", {"x1", "w1"}, {"c1"}, "conv1d");
  b.node("BatchNormalization", bn_inputs("c1", "a_"), {"y1"}, "bn1d");
  b.node("Conv", {"x3", "w3"}, {"c3"}, "conv3d");
  b.node("BatchNormalization", bn_inputs("c3", "b_"), {"y3"}, "bn3d");
  b.output("y1");
  b.output("y3");
  const PassRun run = fold(b.serialize());
  ASSERT_TRUE(run.after);
  EXPECT_EQ(run.rewrites, 2);
  EXPECT_EQ(count_nodes(*run.after), 2u);
  EXPECT_EQ(count_nodes(*run.after, "Conv"), 2u);
  EXPECT_EQ(run.after->outputs()[0]->producer()->name(), "conv1d + bn1d");
  EXPECT_EQ(run.after->outputs()[1]->producer()->name(), "conv3d + bn3d");
  EXPECT_TRUE(same_outputs(run, 12));
}

TEST(BatchNormFolding, ConvTransposeWithTwoGroupsFoldsItsOutputChannels) {
  // W is [C_in = 4, C_out/group = 3, 3, 3]: 6 output channels, channel g*3 + j of group g.
  ModelBuilder b;
  b.input("x", DataType::Float, {2, 4, 4, 5});
  b.initializer("w", random_floats({4, 3, 3, 3}, 13));
  b.initializer("b", random_floats({6}, 14));
  add_bn_params(b, "", 6, 15);
  b.node("ConvTranspose", {"x", "w", "b"}, {"c"}, "conv",
         {{"group", Attribute::of_int(2)}, {"strides", Attribute::of_ints({2, 2})}});
  b.node("BatchNormalization", bn_inputs("c"), {"y"}, "bn");
  b.output("y");
  expect_folded(fold(b.serialize()), "ConvTranspose");
}

TEST(BatchNormFolding, WeightsSharedWithAnotherConvAreNotCorrupted) {
  ModelBuilder b;
  b.input("x", DataType::Float, {1, 3, 6, 6});
  b.initializer("w", random_floats({4, 3, 3, 3}, 16));
  b.initializer("b", random_floats({4}, 17));
  add_bn_params(b, "", 4, 18);
  b.node("Conv", {"x", "w", "b"}, {"c"}, "conv");
  b.node("BatchNormalization", bn_inputs("c"), {"y"}, "bn");
  b.node("Conv", {"x", "w", "b"}, {"y2"}, "other_conv");
  b.output("y");
  b.output("y2");
  const PassRun run = fold(b.serialize());
  ASSERT_TRUE(run.after);
  EXPECT_EQ(run.rewrites, 1);
  EXPECT_EQ(count_nodes(*run.after, "BatchNormalization"), 0u);
  EXPECT_EQ(count_nodes(*run.after, "Conv"), 2u);
  const ir::Node* folded = run.after->outputs()[0]->producer();
  const ir::Node* other = run.after->outputs()[1]->producer();
  EXPECT_EQ(folded->name(), "conv + bn");
  EXPECT_NE(folded->input(1)->name(), "w");
  EXPECT_NE(folded->input(2)->name(), "b");
  EXPECT_EQ(other->input(1)->name(), "w");
  EXPECT_TRUE(other->input(1)->constant().bit_equal(run.before->find_value("w")->constant()));
  EXPECT_TRUE(other->input(2)->constant().bit_equal(run.before->find_value("b")->constant()));
  EXPECT_TRUE(same_outputs(run, 13));
}

TEST(BatchNormFolding, TrainingModeIsLeft) {
  ModelBuilder b(15);
  b.input("x", DataType::Float, {2, 3, 5, 5});
  b.initializer("w", random_floats({4, 3, 3, 3}, 19));
  add_bn_params(b, "", 4, 20);
  b.node("Conv", {"x", "w"}, {"c"}, "conv");
  b.node("BatchNormalization", bn_inputs("c"), {"y"}, "bn", {{"training_mode", Attribute::of_int(1)}});
  b.output("y");
  expect_left(fold(b.serialize()));
}

TEST(BatchNormFolding, NonConstantStatisticsAreLeft) {
  ModelBuilder b;
  b.input("x", DataType::Float, {1, 3, 5, 5});
  b.input("mean", DataType::Float, {4});
  b.initializer("w", random_floats({4, 3, 3, 3}, 21));
  b.initializer("scale", random_floats({4}, 22));
  b.initializer("shift", random_floats({4}, 23));
  b.initializer("var", random_floats({4}, 24, 0.5f, 1.0f));
  b.node("Conv", {"x", "w"}, {"c"}, "conv");
  b.node("BatchNormalization", bn_inputs("c"), {"y"}, "bn");
  b.output("y");
  expect_left(fold(b.serialize()));
}

TEST(BatchNormFolding, ConvOutputReadElsewhereIsLeft) {
  ModelBuilder b;
  b.input("x", DataType::Float, {1, 3, 5, 5});
  b.initializer("w", random_floats({4, 3, 3, 3}, 25));
  add_bn_params(b, "", 4, 26);
  b.node("Conv", {"x", "w"}, {"c"}, "conv");
  b.node("BatchNormalization", bn_inputs("c"), {"y"}, "bn");
  b.node("Relu", {"c"}, {"r"}, "relu");
  b.output("y");
  b.output("r");
  expect_left(fold(b.serialize()));
}

TEST(BatchNormFolding, SpatialZeroIsLeft) {
  // Opset 7's spatial = 0: parameters per (channel, position), not a per-channel affine map.
  ModelBuilder b(7);
  b.input("x", DataType::Float, {1, 2, 3, 3});
  b.initializer("w", random_floats({2, 2, 1, 1}, 27));
  b.initializer("scale", random_floats({2, 3, 3}, 28));
  b.initializer("shift", random_floats({2, 3, 3}, 29));
  b.initializer("mean", random_floats({2, 3, 3}, 30));
  b.initializer("var", random_floats({2, 3, 3}, 31, 0.5f, 1.0f));
  b.node("Conv", {"x", "w"}, {"c"}, "conv");
  b.node("BatchNormalization", bn_inputs("c"), {"y"}, "bn", {{"spatial", Attribute::of_int(0)}});
  b.output("y");
  const PassRun run = fold(b.serialize());
  expect_left(run);
  EXPECT_TRUE(same_outputs(run, 14));
}

TEST(BatchNormFolding, BatchNormNotAfterAConvIsLeft) {
  ModelBuilder b;
  b.input("x", DataType::Float, {1, 4, 5, 5});
  add_bn_params(b, "", 4, 32);
  b.node("Relu", {"x"}, {"r"}, "relu");
  b.node("BatchNormalization", bn_inputs("r"), {"y"}, "bn");
  b.output("y");
  expect_left(fold(b.serialize()));
}

TEST(BatchNormFolding, PerChannelAndScalarMulAddSubDivAfterAConvFold) {
  // conv -> Mul([C,1,1]) -> Add([1,C,1,1]) -> Sub(scalar) -> Div([C,1,1]): four foldings.
  ModelBuilder b;
  b.input("x", DataType::Float, {1, 3, 6, 6});
  b.initializer("w", random_floats({5, 3, 3, 3}, 21));
  b.initializer("b", random_floats({5}, 22));
  b.initializer("mul", random_floats({5, 1, 1}, 23, 0.5f, 2.0f));
  b.initializer("add", random_floats({1, 5, 1, 1}, 24));
  b.initializer("sub", scalar_float(0.3f));
  b.initializer("div", random_floats({5, 1, 1}, 25, 0.5f, 2.0f));
  b.node("Conv", {"x", "w", "b"}, {"c"}, "conv");
  b.node("Mul", {"c", "mul"}, {"m"}, "mul");
  b.node("Add", {"add", "m"}, {"a"}, "add");
  b.node("Sub", {"a", "sub"}, {"s"}, "sub");
  b.node("Div", {"s", "div"}, {"y"}, "div");
  b.output("y", DataType::Float, {1, 5, 4, 4});
  PassRun run = fold(b.serialize());
  ASSERT_TRUE(run.after);
  EXPECT_EQ(run.rewrites, 4);
  EXPECT_EQ(count_nodes(*run.after), 1u);
  EXPECT_EQ(find_node(*run.after, "Conv")->name(), "conv + mul + add + sub + div");
  EXPECT_TRUE(same_outputs(run, 26));
}

TEST(BatchNormFolding, ConstantsThatVaryAlongOtherAxesOrComeFirstInDivAreLeft) {
  for (const std::string& op : {std::string("Mul"), std::string("Div")}) {
    ModelBuilder b;
    b.input("x", DataType::Float, {1, 2, 4, 4});
    b.initializer("w", random_floats({3, 2, 1, 1}, 31));
    // [3]: broadcasts along W, not the channels; and Div(c, y) is not affine in y.
    b.initializer("k", random_floats(op == "Mul" ? Shape{4} : Shape{3, 1, 1}, 32, 0.5f, 1.5f));
    b.node("Conv", {"x", "w"}, {"c"}, "conv");
    b.node(op, op == "Mul" ? std::vector<std::string>{"c", "k"} : std::vector<std::string>{"k", "c"}, {"y"}, "op");
    b.output("y", DataType::Float, {1, 3, 4, 4});
    expect_left(fold(b.serialize()));
  }
}

}  // namespace
}  // namespace hone::testing
