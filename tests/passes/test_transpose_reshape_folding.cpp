// transpose_reshape_folding: Transpose pairs compose or vanish, identity Transposes vanish,
// reshape-like chains become one Reshape; shared intermediates, constants and graph-output
// corner cases are handled without changing what the graph computes.
#include "import/onnx/model_builder.hpp"
#include "passes/pass_harness.hpp"
#include "passes/passes.hpp"
#include "passes/pattern_models.hpp"

namespace hone::testing {
namespace {

using ir::Attribute;
using onnx_import::ModelBuilder;

PassRun fold(const ModelBuilder& b) {
  auto pass = passes::make_transpose_reshape_folding({});
  return run_pass(b.serialize(), *pass);
}

std::pair<std::string, Attribute> perm(std::vector<int64_t> p) { return {"perm", Attribute::of_ints(std::move(p))}; }

TEST(TransposeReshapeFolding, TwoTransposesComposeIntoOne) {
  ModelBuilder b;
  b.input("x", DataType::Float, {2, 3, 4, 5});
  b.node("Transpose", {"x"}, {"t"}, "t1", {perm({0, 2, 3, 1})});
  b.node("Transpose", {"t"}, {"y"}, "t2", {perm({3, 0, 2, 1})});
  b.output("y");
  const PassRun run = fold(b);
  ASSERT_TRUE(run.after);
  EXPECT_EQ(run.rewrites, 1);
  ASSERT_EQ(count_nodes(*run.after), 1u) << describe_nodes(*run.after);
  const ir::Node* t = find_node(*run.after, "Transpose");
  EXPECT_EQ(t->name(), "t1 + t2");
  // y[d] = x[p[q[d]]]: p = [0,2,3,1], q = [3,0,2,1] -> [1,0,3,2].
  EXPECT_EQ(t->attrs().find("perm")->ints, (std::vector<int64_t>{1, 0, 3, 2}));
  EXPECT_EQ(run.after->outputs()[0]->name(), "y");
  EXPECT_EQ(run.after->outputs()[0]->type().to_string(), "float[3,2,5,4]");
  EXPECT_TRUE(same_outputs(run, 2));
}

TEST(TransposeReshapeFolding, InverseTransposesVanish) {
  ModelBuilder b;
  b.input("x", DataType::Float, {2, 3, 4});
  b.node("Transpose", {"x"}, {"t"}, "t1", {perm({1, 2, 0})});
  b.node("Transpose", {"t"}, {"u"}, "t2", {perm({2, 0, 1})});
  b.node("Relu", {"u"}, {"y"}, "relu");
  b.output("y");
  const PassRun run = fold(b);
  ASSERT_TRUE(run.after);
  EXPECT_EQ(count_nodes(*run.after, "Transpose"), 0u) << describe_nodes(*run.after);
  EXPECT_EQ(find_node(*run.after, "Relu")->input(0)->name(), "x");
  EXPECT_TRUE(same_outputs(run, 3));
}

TEST(TransposeReshapeFolding, InversePairWritingAGraphOutputFromAGraphInputBecomesOneTranspose) {
  // y = T(T(x)) = x cannot vanish (the output name must be written by a node): one identity
  // Transpose stays.
  ModelBuilder b;
  b.input("x", DataType::Float, {2, 3});
  b.node("Transpose", {"x"}, {"t"}, "t1");
  b.node("Transpose", {"t"}, {"y"}, "t2");
  b.output("y");
  const PassRun run = fold(b);
  ASSERT_TRUE(run.after);
  EXPECT_EQ(run.rewrites, 1);
  ASSERT_EQ(count_nodes(*run.after), 1u) << describe_nodes(*run.after);
  EXPECT_EQ(find_node(*run.after, "Transpose")->attrs().find("perm")->ints, (std::vector<int64_t>{0, 1}));
  EXPECT_EQ(run.after->outputs()[0]->name(), "y");
  EXPECT_TRUE(same_outputs(run, 4));
}

TEST(TransposeReshapeFolding, InverseOfASharedTransposeReadsItsSource) {
  // t has two readers: t2 (which undoes it) is bypassed, t1 stays for the other reader.
  ModelBuilder b;
  b.input("x", DataType::Float, {2, 3, 4});
  b.node("Transpose", {"x"}, {"t"}, "t1", {perm({2, 0, 1})});
  b.node("Transpose", {"t"}, {"u"}, "t2", {perm({1, 2, 0})});
  b.node("Neg", {"t"}, {"z"}, "other");
  b.node("Relu", {"u"}, {"y"}, "relu");
  b.output("y");
  b.output("z");
  const PassRun run = fold(b);
  ASSERT_TRUE(run.after);
  EXPECT_EQ(count_nodes(*run.after, "Transpose"), 1u) << describe_nodes(*run.after);
  EXPECT_EQ(find_node(*run.after, "Relu")->input(0)->name(), "x");
  EXPECT_TRUE(same_outputs(run, 5));
}

TEST(TransposeReshapeFolding, SharedIntermediateBlocksComposition) {
  ModelBuilder b;
  b.input("x", DataType::Float, {2, 3, 4});
  b.node("Transpose", {"x"}, {"t"}, "t1", {perm({2, 0, 1})});
  b.node("Transpose", {"t"}, {"y"}, "t2", {perm({0, 2, 1})});
  b.output("y");
  b.output("t");
  const PassRun run = fold(b);
  ASSERT_TRUE(run.after);
  EXPECT_EQ(run.rewrites, 0);
  EXPECT_EQ(count_nodes(*run.after, "Transpose"), 2u);
}

TEST(TransposeReshapeFolding, IdentityTransposeVanishesUnlessItWritesAGraphOutputFromAnInput) {
  ModelBuilder b;
  b.input("x", DataType::Float, {2, 3});
  b.node("Relu", {"x"}, {"r"}, "relu");
  b.node("Transpose", {"r"}, {"y"}, "keep_order", {perm({0, 1})});
  b.node("Transpose", {"x"}, {"z"}, "input_to_output", {perm({0, 1})});
  b.output("y");
  b.output("z");
  const PassRun run = fold(b);
  ASSERT_TRUE(run.after);
  EXPECT_EQ(run.rewrites, 1);
  ASSERT_EQ(count_nodes(*run.after, "Transpose"), 1u) << describe_nodes(*run.after);
  EXPECT_EQ(find_node(*run.after, "Transpose")->name(), "input_to_output");
  // relu now writes the graph output y itself.
  EXPECT_EQ(find_node(*run.after, "Relu")->output(0)->name(), "y");
  EXPECT_TRUE(same_outputs(run, 6));
}

TEST(TransposeReshapeFolding, TransposesOfAConstantAreLeftToConstantFolding) {
  ModelBuilder b;
  b.input("x", DataType::Float, {3, 2});
  b.initializer("w", random_tensor({2, 3}, 1));
  b.node("Transpose", {"w"}, {"wt"}, "t1");
  b.node("Transpose", {"wt"}, {"w2"}, "t2", {perm({1, 0})});
  b.node("Transpose", {"w2"}, {"w3"}, "t3");
  b.node("Add", {"x", "w3"}, {"y"}, "add");
  b.output("y");
  const PassRun run = fold(b);
  ASSERT_TRUE(run.after);
  // t1 and t2 (on w) wait for constant folding; t3 undoes t2, whose input is not itself a
  // constant value, so both go.
  EXPECT_EQ(run.rewrites, 1) << describe_nodes(*run.after);
  EXPECT_EQ(count_nodes(*run.after, "Transpose"), 1u);
  EXPECT_EQ(find_node(*run.after, "Transpose")->name(), "t1");
  EXPECT_EQ(find_node(*run.after, "Add")->input(1)->name(), "wt");
  EXPECT_TRUE(same_outputs(run, 7));
}

TEST(TransposeReshapeFolding, ReshapeLikeChainBecomesOneReshape) {
  // [2,3,4] -Unsqueeze(0)-> [1,2,3,4] -Flatten(2)-> [2,12] -Reshape(0,-1,4)-> [2,3,4]
  // -Unsqueeze(1)-> [2,1,3,4]: one Reshape of x to [2,1,3,4] remains.
  ModelBuilder b;
  b.input("x", DataType::Float, {2, 3, 4});
  b.initializer("axes0", int64s({0}));
  b.initializer("shape", int64s({0, -1, 4}));
  b.initializer("axes1", int64s({1}));
  b.node("Unsqueeze", {"x", "axes0"}, {"a"}, "unsq");
  b.node("Flatten", {"a"}, {"f"}, "flat", {{"axis", Attribute::of_int(2)}});
  b.node("Reshape", {"f", "shape"}, {"r"}, "resh");
  b.node("Unsqueeze", {"r", "axes1"}, {"u"}, "unsq2");
  b.node("Relu", {"u"}, {"y"}, "relu");
  b.output("y");
  const PassRun run = fold(b);
  ASSERT_TRUE(run.after);
  EXPECT_EQ(run.rewrites, 3);
  ASSERT_EQ(count_nodes(*run.after), 2u) << describe_nodes(*run.after);
  const ir::Node* r = find_node(*run.after, "Reshape");
  ASSERT_NE(r, nullptr);
  EXPECT_EQ(r->name(), "unsq + flat + resh + unsq2");
  EXPECT_EQ(r->input(0)->name(), "x");
  ASSERT_TRUE(r->input(1)->is_constant());
  EXPECT_EQ(r->input(1)->constant().to_int64_vector(), (std::vector<int64_t>{2, 1, 3, 4}));
  EXPECT_TRUE(same_outputs(run, 8));
}

TEST(TransposeReshapeFolding, ReshapeChainEndingInAGraphOutputKeepsItsName) {
  ModelBuilder b;
  b.input("x", DataType::Float, {6, 4});
  b.initializer("axes", int64s({0}));
  b.initializer("shape", int64s({2, 3, 4}));
  b.node("Reshape", {"x", "shape"}, {"r"}, "resh");
  b.node("Unsqueeze", {"r", "axes"}, {"y"}, "unsq");
  b.output("y");
  const PassRun run = fold(b);
  ASSERT_TRUE(run.after);
  ASSERT_EQ(count_nodes(*run.after), 1u) << describe_nodes(*run.after);
  EXPECT_EQ(run.after->outputs()[0]->name(), "y");
  EXPECT_EQ(run.after->outputs()[0]->type().to_string(), "float[1,2,3,4]");
  EXPECT_TRUE(same_outputs(run, 9));
}

TEST(TransposeReshapeFolding, ReshapeChainWithASharedOrDynamicIntermediateIsLeft) {
  // Shared: r is also an output.
  ModelBuilder b;
  b.input("x", DataType::Float, {6, 4});
  b.initializer("shape", int64s({2, 3, 4}));
  b.initializer("axes", int64s({0}));
  b.node("Reshape", {"x", "shape"}, {"r"}, "resh");
  b.node("Unsqueeze", {"r", "axes"}, {"y"}, "unsq");
  b.output("y");
  b.output("r");
  PassRun run = fold(b);
  ASSERT_TRUE(run.after);
  EXPECT_EQ(run.rewrites, 0);
  // Dynamic: the final shape depends on the batch dim N.
  ModelBuilder d;
  d.input("x", DataType::Float, {-1, 4});
  d.initializer("shape", int64s({-1, 2, 2}));
  d.initializer("axes", int64s({0}));
  d.node("Reshape", {"x", "shape"}, {"r"}, "resh");
  d.node("Unsqueeze", {"r", "axes"}, {"y"}, "unsq");
  d.output("y");
  run = fold(d);
  ASSERT_TRUE(run.after);
  EXPECT_EQ(run.rewrites, 0) << describe_nodes(*run.after);
  EXPECT_EQ(count_nodes(*run.after, "Unsqueeze"), 1u);
}

TEST(TransposeReshapeFolding, SingleReshapeToTheSameShapeIsLeftToIdentityElimination) {
  ModelBuilder b;
  b.input("x", DataType::Float, {2, 3});
  b.initializer("shape", int64s({2, 3}));
  b.node("Relu", {"x"}, {"r"}, "relu");
  b.node("Reshape", {"r", "shape"}, {"y"}, "resh");
  b.output("y");
  const PassRun run = fold(b);
  ASSERT_TRUE(run.after);
  EXPECT_EQ(run.rewrites, 0);
  EXPECT_EQ(count_nodes(*run.after, "Reshape"), 1u);
}

}  // namespace
}  // namespace hone::testing
