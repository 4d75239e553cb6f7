// residual_add_fusion: Add/Sum(layer output, z) with z of exactly the output's shape becomes the
// fused layer with Z = z (into the later layer when both operands are layers), with the same
// outputs; broadcasting operands, three-input Sums, layers with a Z already and outputs read
// twice are left.
#include <gtest/gtest.h>

#include "import/onnx/model_builder.hpp"
#include "passes/layer_fusion_test_util.hpp"
#include "passes/pass_harness.hpp"
#include "passes/passes.hpp"

namespace hone::testing {
namespace {

using ir::Attribute;
using onnx_import::ModelBuilder;

PassRun fuse(const std::string& model) {
  auto pass = passes::make_residual_add_fusion({});
  return run_pass(model, *pass);
}

// x [1, 3, 5, 5] -> Conv `name` (4 channels, same padding) -> `out`.
void add_conv(ModelBuilder& b, const std::string& name, const std::string& out, uint64_t seed) {
  b.initializer(name + "_w", random_floats({4, 3, 3, 3}, seed));
  b.initializer(name + "_b", random_floats({4}, seed + 1));
  b.node("Conv", {"x", name + "_w", name + "_b"}, {out}, name, {{"pads", Attribute::of_ints({1, 1, 1, 1})}});
}

// The single fused node, checked to produce graph output "y" with Z = `z` and the same outputs.
void expect_fused(const PassRun& run, const std::string& op, const std::string& name, const std::string& z) {
  ASSERT_TRUE(run.after);
  EXPECT_EQ(run.rewrites, 1);
  ASSERT_EQ(count_nodes(*run.after, op), 1u) << ir::print_graph(*run.after);
  const ir::Node* n = find_node(*run.after, op);
  EXPECT_EQ(n->name(), name);
  ASSERT_EQ(n->num_inputs(), 4u);
  ASSERT_NE(n->input(3), nullptr);
  EXPECT_EQ(n->input(3)->name(), z);
  EXPECT_EQ(run.after->outputs()[0]->name(), "y");
  EXPECT_EQ(run.after->outputs()[0]->producer(), n);
  EXPECT_EQ(count_nodes(*run.after, "Add") + count_nodes(*run.after, "Sum"), 0u);
  EXPECT_TRUE(same_outputs(run, 41));
}

void expect_left(const PassRun& run) {
  ASSERT_TRUE(run.after);
  EXPECT_EQ(run.rewrites, 0);
  EXPECT_EQ(count_nodes(*run.after), count_nodes(*run.before));
}

TEST(ResidualAddFusion, ConvPlusSameShapedValueTakesItAsZInEitherOrderAndAsSum) {
  for (const std::string op : {"Add", "Sum"}) {
    for (bool z_first : {false, true}) {
      SCOPED_TRACE(op + (z_first ? " z first" : " z second"));
      ModelBuilder b;
      b.input("x", DataType::Float, {1, 3, 5, 5});
      b.input("z", DataType::Float, {1, 4, 5, 5});
      add_conv(b, "conv", "c", 1);
      b.node(op, z_first ? std::vector<std::string>{"z", "c"} : std::vector<std::string>{"c", "z"}, {"y"}, "add");
      b.output("y");
      const PassRun run = fuse(b.serialize());
      expect_fused(run, "FusedConv", "conv + add", "z");
      ASSERT_TRUE(run.after);
      const ir::Node* n = find_node(*run.after, "FusedConv");
      ASSERT_NE(n, nullptr);
      EXPECT_FALSE(n->attrs().has("activation"));
      EXPECT_FALSE(n->attrs().has("post_activation"));
    }
  }
}

TEST(ResidualAddFusion, BothOperandsConvsFuseIntoTheLaterOne) {
  for (bool later_first : {false, true}) {
    SCOPED_TRACE(later_first ? "later conv is operand 0" : "later conv is operand 1");
    ModelBuilder b;
    b.input("x", DataType::Float, {1, 3, 5, 5});
    add_conv(b, "conv1", "c1", 2);
    add_conv(b, "conv2", "c2", 4);
    b.node("Add", later_first ? std::vector<std::string>{"c2", "c1"} : std::vector<std::string>{"c1", "c2"}, {"y"},
           "add");
    b.output("y");
    const PassRun run = fuse(b.serialize());
    expect_fused(run, "FusedConv", "conv2 + add", "c1");
    ASSERT_TRUE(run.after);
    EXPECT_EQ(count_nodes(*run.after, "Conv"), 1u);
  }
}

TEST(ResidualAddFusion, ActivatedLayerKeepsItsActivation) {
  // YOLOv8's bottleneck: conv -> SiLU (as Swish) -> + shortcut.
  ModelBuilder b(24);
  b.input("x", DataType::Float, {1, 3, 5, 5});
  b.input("z", DataType::Float, {1, 4, 5, 5});
  add_conv(b, "conv", "c", 6);
  b.node("Swish", {"c"}, {"s"}, "silu");
  b.node("Add", {"z", "s"}, {"y"}, "add");
  b.output("y");
  std::vector<std::unique_ptr<passes::Pass>> list;
  list.push_back(passes::make_activation_fusion({}));
  list.push_back(passes::make_residual_add_fusion({}));
  PassSequence sequence(std::move(list));
  const PassRun run = run_pass(b.serialize(), sequence);
  ASSERT_TRUE(run.after);
  EXPECT_EQ(run.rewrites, 2);
  EXPECT_EQ(count_nodes(*run.after), 1u) << ir::print_graph(*run.after);
  const ir::Node* n = find_node(*run.after, "FusedConv");
  ASSERT_NE(n, nullptr);
  EXPECT_EQ(n->name(), "conv + silu + add");
  EXPECT_EQ(string_attr(*n, "activation"), "Swish");
  ASSERT_EQ(n->num_inputs(), 4u);
  EXPECT_EQ(n->input(3)->name(), "z");
  EXPECT_TRUE(same_outputs(run, 42));
}

TEST(ResidualAddFusion, GemmAndMatMulTakeZ) {
  ModelBuilder g;
  g.input("a", DataType::Float, {3, 4});
  g.input("z", DataType::Float, {3, 5});
  g.initializer("w", random_floats({4, 5}, 7));
  g.node("Gemm", {"a", "w"}, {"p"}, "gemm");
  g.node("Add", {"p", "z"}, {"y"}, "add");
  g.output("y");
  expect_fused(fuse(g.serialize()), "FusedGemm", "gemm + add", "z");

  ModelBuilder m;
  m.input("a", DataType::Float, {2, 3, 4});
  m.input("z", DataType::Float, {2, 3, 5});
  m.initializer("w", random_floats({4, 5}, 8));
  m.node("MatMul", {"a", "w"}, {"p"}, "mm");
  m.node("Add", {"z", "p"}, {"y"}, "add");
  m.output("y");
  const PassRun run = fuse(m.serialize());
  expect_fused(run, "FusedMatMul", "mm + add", "z");
  ASSERT_TRUE(run.after);
  // No bias: input 2 is omitted.
  const ir::Node* n = find_node(*run.after, "FusedMatMul");
  ASSERT_NE(n, nullptr);
  EXPECT_EQ(n->input(2), nullptr);
}

TEST(ResidualAddFusion, BroadcastingOperandIsLeft) {
  ModelBuilder b;
  b.input("x", DataType::Float, {1, 3, 5, 5});
  b.input("z", DataType::Float, {1, 4, 1, 1});
  add_conv(b, "conv", "c", 9);
  b.node("Add", {"c", "z"}, {"y"}, "add");
  b.output("y");
  expect_left(fuse(b.serialize()));
}

TEST(ResidualAddFusion, OperandThatWouldBroadcastTheConvIsLeft) {
  // z is larger than the conv's output: the Add's output grows.
  ModelBuilder b;
  b.input("x", DataType::Float, {1, 3, 5, 5});
  b.input("z", DataType::Float, {2, 4, 5, 5});
  add_conv(b, "conv", "c", 10);
  b.node("Add", {"c", "z"}, {"y"}, "add");
  b.output("y");
  expect_left(fuse(b.serialize()));
}

TEST(ResidualAddFusion, SumWithThreeInputsIsLeft) {
  ModelBuilder b;
  b.input("x", DataType::Float, {1, 3, 5, 5});
  b.input("z", DataType::Float, {1, 4, 5, 5});
  b.input("z2", DataType::Float, {1, 4, 5, 5});
  add_conv(b, "conv", "c", 11);
  b.node("Sum", {"c", "z", "z2"}, {"y"}, "sum");
  b.output("y");
  expect_left(fuse(b.serialize()));
}

TEST(ResidualAddFusion, SecondResidualAndOutputsReadTwiceAreLeft) {
  // (conv + z1) + z2: the first Add fuses, the second finds Z taken. conv2's output also feeds
  // a Relu, so its Add is left.
  ModelBuilder b;
  b.input("x", DataType::Float, {1, 3, 5, 5});
  b.input("z1", DataType::Float, {1, 4, 5, 5});
  b.input("z2", DataType::Float, {1, 4, 5, 5});
  add_conv(b, "conv", "c", 12);
  add_conv(b, "conv2", "d", 14);
  b.node("Add", {"c", "z1"}, {"s"}, "add1");
  b.node("Add", {"s", "z2"}, {"y"}, "add2");
  b.node("Add", {"d", "z1"}, {"y2"}, "add3");
  b.node("Relu", {"d"}, {"y3"}, "relu");
  b.output("y");
  b.output("y2");
  b.output("y3");
  const PassRun run = fuse(b.serialize());
  ASSERT_TRUE(run.after);
  EXPECT_EQ(run.rewrites, 1);
  EXPECT_EQ(count_nodes(*run.after, "FusedConv"), 1u);
  EXPECT_EQ(count_nodes(*run.after, "Add"), 2u);
  EXPECT_EQ(find_node(*run.after, "FusedConv")->name(), "conv + add1");
  EXPECT_TRUE(same_outputs(run, 43));
}

}  // namespace
}  // namespace hone::testing
