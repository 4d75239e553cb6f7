// matmul_add_fusion: MatMul -> Add(bias) becomes Gemm for 2-D operands and FusedMatMul for
// batched ones, with the same outputs; a bias that would grow the product, a MatMul output read
// twice and non-float32 types are left.
#include <gtest/gtest.h>

#include "import/onnx/model_builder.hpp"
#include "passes/layer_fusion_test_util.hpp"
#include "passes/pass_harness.hpp"
#include "passes/passes.hpp"

namespace hone::testing {
namespace {

using onnx_import::ModelBuilder;

PassRun fuse(const std::string& model) {
  auto pass = passes::make_matmul_add_fusion({});
  return run_pass(model, *pass);
}

// y = MatMul(a, w) + bias (or bias + MatMul when `bias_first`); a is an input of `a_shape`,
// w and bias constants (bias an input when `bias_is_input`).
std::string matmul_add(const Shape& a_shape, const Shape& w_shape, const Shape& bias_shape, bool bias_first,
                       bool bias_is_input = false) {
  ModelBuilder b;
  b.input("a", DataType::Float, a_shape);
  b.initializer("w", random_floats(w_shape, 1));
  if (bias_is_input) {
    b.input("bias", DataType::Float, bias_shape);
  } else {
    b.initializer("bias", random_floats(bias_shape, 2));
  }
  b.node("MatMul", {"a", "w"}, {"p"}, "mm");
  b.node("Add", bias_first ? std::vector<std::string>{"bias", "p"} : std::vector<std::string>{"p", "bias"}, {"y"},
         "add");
  b.output("y");
  return b.serialize();
}

void expect_fused(const PassRun& run, const std::string& op) {
  ASSERT_TRUE(run.after);
  EXPECT_EQ(run.rewrites, 1);
  EXPECT_EQ(count_nodes(*run.after), 1u) << ir::print_graph(*run.after);
  ASSERT_EQ(count_nodes(*run.after, op), 1u) << ir::print_graph(*run.after);
  const ir::Node* n = find_node(*run.after, op);
  EXPECT_EQ(n->name(), "mm + add");
  ASSERT_EQ(n->num_inputs(), 3u);
  EXPECT_EQ(n->input(2)->name(), "bias");
  EXPECT_EQ(run.after->outputs()[0]->name(), "y");
  EXPECT_EQ(run.after->outputs()[0]->producer(), n);
  EXPECT_TRUE(same_outputs(run, 21));
}

void expect_left(const PassRun& run) {
  ASSERT_TRUE(run.after);
  EXPECT_EQ(run.rewrites, 0);
  EXPECT_EQ(count_nodes(*run.after, "MatMul"), 1u);
  EXPECT_EQ(count_nodes(*run.after, "Add"), 1u);
}

TEST(MatMulAddFusion, TwoDimensionalWithRowBiasBecomesGemmInEitherOperandOrder) {
  for (const Shape& bias : {Shape{5}, Shape{1, 5}, Shape{3, 5}, Shape{3, 1}, Shape{}}) {
    for (bool bias_first : {false, true}) {
      SCOPED_TRACE(shape_to_string(bias) + (bias_first ? " bias first" : " bias second"));
      expect_fused(fuse(matmul_add({3, 4}, {4, 5}, bias, bias_first)), "Gemm");
    }
  }
}

TEST(MatMulAddFusion, BiasComputedAtRunTimeFusesToo) {
  expect_fused(fuse(matmul_add({3, 4}, {4, 5}, {5}, false, true)), "Gemm");
}

TEST(MatMulAddFusion, BatchedOperandsBecomeFusedMatMul) {
  expect_fused(fuse(matmul_add({2, 3, 4}, {4, 5}, {5}, false)), "FusedMatMul");
  expect_fused(fuse(matmul_add({2, 3, 4}, {4, 5}, {3, 5}, true)), "FusedMatMul");
  expect_fused(fuse(matmul_add({2, 3, 4}, {4, 5}, {2, 3, 5}, false)), "FusedMatMul");
  // A 1-D A: the product is [N].
  expect_fused(fuse(matmul_add({4}, {4, 5}, {5}, false)), "FusedMatMul");
}

TEST(MatMulAddFusion, BiasThatWouldGrowTheProductIsLeft) {
  expect_left(fuse(matmul_add({3, 4}, {4, 5}, {2, 3, 5}, false)));
  // Only the rank grows: y is [1, 3, 5], more dims than the product.
  expect_left(fuse(matmul_add({3, 4}, {4, 5}, {1, 3, 5}, false)));
  expect_left(fuse(matmul_add({2, 1, 4}, {4, 5}, {2, 3, 5}, true)));
  expect_left(fuse(matmul_add({3, 4}, {4, 1}, {3, 5}, false)));
}

TEST(MatMulAddFusion, SymbolicDimsFuseOnlyWhereCertainlyEqual) {
  // a is [N, 4]: a bias [5] broadcasts whatever N is; a bias [2, 5] would need N = 2.
  expect_fused(fuse(matmul_add({-1, 4}, {4, 5}, {5}, false)), "Gemm");
  expect_left(fuse(matmul_add({-1, 4}, {4, 5}, {2, 5}, false, true)));
}

TEST(MatMulAddFusion, MatMulOutputReadTwiceIsLeft) {
  ModelBuilder b;
  b.input("a", DataType::Float, {3, 4});
  b.initializer("w", random_floats({4, 5}, 3));
  b.initializer("bias", random_floats({5}, 4));
  b.node("MatMul", {"a", "w"}, {"p"}, "mm");
  b.node("Add", {"p", "bias"}, {"y"}, "add");
  b.node("Relu", {"p"}, {"r"}, "relu");
  b.output("y");
  b.output("r");
  expect_left(fuse(b.serialize()));
}

TEST(MatMulAddFusion, DoubleIsLeft) {
  ModelBuilder b;
  b.input("a", DataType::Double, {3, 4});
  b.input("w", DataType::Double, {4, 5});
  b.input("bias", DataType::Double, {5});
  b.node("MatMul", {"a", "w"}, {"p"}, "mm");
  b.node("Add", {"p", "bias"}, {"y"}, "add");
  b.output("y");
  expect_left(fuse(b.serialize()));
}

}  // namespace
}  // namespace hone::testing
