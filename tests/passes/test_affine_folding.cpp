// affine_folding: BatchNormalizations and chains of per-channel/scalar Mul, Add, Sub and Div by
// constants that no conv absorbed become one Mul and one Add with the composed constants; the
// canonical Mul -> Add is left as it is; maps with a second reader in the middle of the chain
// or non-channel constants are not merged.
#include <gtest/gtest.h>

#include "import/onnx/model_builder.hpp"
#include "passes/layer_fusion_test_util.hpp"
#include "passes/pass_harness.hpp"
#include "passes/passes.hpp"

namespace hone::testing {
namespace {

using onnx_import::ModelBuilder;

PassRun fold(const std::string& model) {
  auto pass = passes::make_affine_folding({});
  return run_pass(model, *pass);
}

// DenseNet's pre-activation: x -> BN -> Mul(w) -> Add(b) -> Relu, x from a graph input (a Concat
// in the model), so no conv can absorb it.
std::string densenet_preactivation() {
  ModelBuilder b;
  b.input("x", DataType::Float, {1, 6, 5, 5});
  b.initializer("scale", random_floats({6}, 1, 0.5f, 1.5f));
  b.initializer("shift", random_floats({6}, 2));
  b.initializer("mean", random_floats({6}, 3));
  b.initializer("var", random_floats({6}, 4, 0.2f, 2.0f));
  b.initializer("w", random_floats({6, 1, 1}, 5, 0.5f, 1.5f));
  b.initializer("bias", random_floats({6, 1, 1}, 6));
  b.node("BatchNormalization", {"x", "scale", "shift", "mean", "var"}, {"bn"}, "bn");
  b.node("Mul", {"bn", "w"}, {"m"}, "scale_w");
  b.node("Add", {"m", "bias"}, {"a"}, "shift_b");
  b.node("Relu", {"a"}, {"y"}, "relu");
  b.output("y", DataType::Float, {1, 6, 5, 5});
  return b.serialize();
}

TEST(AffineFolding, BatchNormScaleAndShiftBecomeOneMulAndOneAdd) {
  PassRun run = fold(densenet_preactivation());
  ASSERT_TRUE(run.after);
  EXPECT_EQ(run.rewrites, 1);
  EXPECT_EQ(count_nodes(*run.after, "BatchNormalization"), 0u);
  EXPECT_EQ(count_nodes(*run.after, "Mul"), 1u);
  EXPECT_EQ(count_nodes(*run.after, "Add"), 1u);
  EXPECT_EQ(count_nodes(*run.after), 3u);  // Mul, Add, Relu
  EXPECT_EQ(find_node(*run.after, "Mul")->name(), "bn + scale_w + shift_b");
  EXPECT_EQ(find_node(*run.after, "Add")->name(), "shift_b");
  // Per-channel constants of shape [6, 1, 1].
  EXPECT_EQ(find_node(*run.after, "Mul")->input(1)->constant().shape(), (Shape{6, 1, 1}));
  EXPECT_TRUE(same_outputs(run, 7));
}

TEST(AffineFolding, TheDefaultPipelineMakesItOneElementwiseLayer) {
  auto pipeline = std::make_unique<DefaultPipeline>();
  PassRun run = run_pass(densenet_preactivation(), *pipeline);
  ASSERT_TRUE(run.after);
  EXPECT_EQ(count_nodes(*run.after), 1u) << ir::print_graph(*run.after);
  EXPECT_EQ(count_nodes(*run.after, "FusedElementwise"), 1u);
  EXPECT_EQ(run.after->nodes()[0]->name(), "bn + scale_w + shift_b + relu");
  EXPECT_TRUE(same_outputs(run, 8));
}

TEST(AffineFolding, SubDivAndScalarChainsCompose) {
  // y = ((x - 1.5) / [C,1,1]) * 2 + [C,1,1]
  ModelBuilder b;
  b.input("x", DataType::Float, {2, 3, 4});
  b.initializer("one_half", scalar_float(1.5f));
  b.initializer("d", random_floats({3, 1}, 11, 0.5f, 2.0f));
  b.initializer("two", scalar_float(2.0f));
  b.initializer("t", random_floats({3, 1}, 12));
  b.node("Sub", {"x", "one_half"}, {"s"}, "sub");
  b.node("Div", {"s", "d"}, {"q"}, "div");
  b.node("Mul", {"two", "q"}, {"m"}, "mul");
  b.node("Add", {"m", "t"}, {"y"}, "add");
  b.output("y", DataType::Float, {2, 3, 4});
  PassRun run = fold(b.serialize());
  ASSERT_TRUE(run.after);
  EXPECT_EQ(count_nodes(*run.after), 2u);
  EXPECT_TRUE(same_outputs(run, 13));
}

TEST(AffineFolding, CanonicalFormsAndBrokenChainsAreLeft) {
  {
    // Mul -> Add is already one multiply and one add.
    ModelBuilder b;
    b.input("x", DataType::Float, {1, 4, 3, 3});
    b.initializer("w", random_floats({4, 1, 1}, 21));
    b.initializer("c", random_floats({4, 1, 1}, 22));
    b.node("Mul", {"x", "w"}, {"m"}, "mul");
    b.node("Add", {"m", "c"}, {"y"}, "add");
    b.output("y", DataType::Float, {1, 4, 3, 3});
    PassRun run = fold(b.serialize());
    ASSERT_TRUE(run.after);
    EXPECT_EQ(run.rewrites, 0);
  }
  {
    // The Mul's output is read twice: the chain stops there (the Add and the Mul stay).
    ModelBuilder b;
    b.input("x", DataType::Float, {1, 4, 3, 3});
    b.initializer("w", random_floats({4, 1, 1}, 23));
    b.initializer("c", random_floats({4, 1, 1}, 24));
    b.initializer("d", random_floats({4, 1, 1}, 25));
    b.node("Add", {"x", "d"}, {"a0"}, "add0");
    b.node("Mul", {"a0", "w"}, {"m"}, "mul");
    b.node("Add", {"m", "c"}, {"y"}, "add");
    b.output("y", DataType::Float, {1, 4, 3, 3});
    b.output("m", DataType::Float, {1, 4, 3, 3});
    PassRun run = fold(b.serialize());
    ASSERT_TRUE(run.after);
    EXPECT_EQ(count_nodes(*run.after), 3u);
    EXPECT_EQ(run.after->outputs()[1]->name(), "m");
    EXPECT_TRUE(same_outputs(run, 26));
  }
  {
    // A constant along W is not a channel map.
    ModelBuilder b;
    b.input("x", DataType::Float, {1, 4, 3, 3});
    b.initializer("w", random_floats({3}, 27));
    b.initializer("c", random_floats({4, 1, 1}, 28));
    b.node("Mul", {"x", "w"}, {"m"}, "mul");
    b.node("Sub", {"m", "c"}, {"y"}, "sub");
    b.output("y", DataType::Float, {1, 4, 3, 3});
    PassRun run = fold(b.serialize());
    ASSERT_TRUE(run.after);
    EXPECT_EQ(count_nodes(*run.after, "Mul"), 1u);
    EXPECT_EQ(find_node(*run.after, "Mul")->input(1)->name(), "w");
    EXPECT_EQ(count_nodes(*run.after, "Sub"), 0u) << "the Sub alone still becomes an Add";
    EXPECT_TRUE(same_outputs(run, 29));
  }
}

}  // namespace
}  // namespace hone::testing
