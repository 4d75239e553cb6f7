// identity_elimination: each no-op form disappears with the outputs unchanged and graph output
// names kept; look-alikes that do compute something (a Pad that shifts, a Slice that reverses,
// a Dropout whose mask is read) stay.
#include <gtest/gtest.h>

#include <limits>

#include "import/onnx/model_builder.hpp"
#include "ops/shape_inference.hpp"
#include "passes/cleanup_models.hpp"
#include "passes/pass_harness.hpp"
#include "passes/passes.hpp"

namespace hone::testing {
namespace {

using onnx_import::ModelBuilder;

PassRun eliminate(const std::string& model) {
  auto pass = passes::make_identity_elimination({});
  return run_pass(model, *pass);
}

TEST(IdentityElimination, ChainIntoGraphOutputIsRemovedAndOutputKeepsName) {
  ModelBuilder b;
  b.input("x", DataType::Float, {2, 3});
  b.node("Relu", {"x"}, {"r"}, "relu");
  b.node("Identity", {"r"}, {"a"}, "id1");
  b.node("Identity", {"a"}, {"y"}, "id2");
  b.output("y", DataType::Float, {2, 3});
  PassRun run = eliminate(b.serialize());
  ASSERT_TRUE(run.after);
  EXPECT_TRUE(same_output_names(run));
  EXPECT_EQ(run.rewrites, 2);
  EXPECT_EQ(count_nodes(*run.after), 1u);
  EXPECT_EQ(count_nodes(*run.after, "Identity"), 0u);
  // The Relu now writes the graph output itself.
  ASSERT_NE(run.after->outputs()[0]->producer(), nullptr);
  EXPECT_EQ(run.after->outputs()[0]->producer()->op_type(), "Relu");
  EXPECT_TRUE(same_outputs(run));
}

TEST(IdentityElimination, IdentityFromGraphInputToGraphOutputStays) {
  ModelBuilder b;
  b.input("x", DataType::Float, {4});
  b.node("Identity", {"x"}, {"a"}, "id1");
  b.node("Identity", {"a"}, {"y"}, "id2");
  b.output("y", DataType::Float, {4});
  PassRun run = eliminate(b.serialize());
  ASSERT_TRUE(run.after);
  EXPECT_TRUE(same_output_names(run));
  // The inner Identity goes; the one that turns input x into output y must stay.
  EXPECT_EQ(run.rewrites, 1);
  EXPECT_EQ(count_nodes(*run.after, "Identity"), 1u);
  EXPECT_EQ(run.after->outputs()[0]->name(), "y");
  EXPECT_EQ(find_node(*run.after, "Identity")->input(0)->name(), "x");
  EXPECT_TRUE(same_outputs(run));
}

TEST(IdentityElimination, IdentityBetweenTwoGraphOutputsStays) {
  ModelBuilder b;
  b.input("x", DataType::Float, {4});
  b.node("Relu", {"x"}, {"y1"}, "relu");
  b.node("Identity", {"y1"}, {"y2"}, "id");
  b.output("y1", DataType::Float, {4});
  b.output("y2", DataType::Float, {4});
  PassRun run = eliminate(b.serialize());
  ASSERT_TRUE(run.after);
  EXPECT_TRUE(same_output_names(run));
  EXPECT_EQ(run.rewrites, 0);
  EXPECT_EQ(count_nodes(*run.after, "Identity"), 1u);
  EXPECT_TRUE(same_outputs(run));
}

TEST(IdentityElimination, IdentityOfSequenceIsRemoved) {
  ModelBuilder b;
  b.input("x", DataType::Float, {3});
  b.initializer("zero", Tensor::from_vector<int64_t>(DataType::Int64, {}, {0}));
  b.node("SequenceConstruct", {"x", "x"}, {"s"}, "make");
  b.node("Identity", {"s"}, {"s2"}, "id");
  b.node("SequenceAt", {"s2", "zero"}, {"y"}, "at");
  b.output("y", DataType::Float, {3});
  PassRun run = eliminate(b.serialize());
  ASSERT_TRUE(run.after);
  EXPECT_TRUE(same_output_names(run));
  EXPECT_EQ(run.rewrites, 1);
  EXPECT_EQ(count_nodes(*run.after, "Identity"), 0u);
  EXPECT_TRUE(same_outputs(run));
}

// Dropout opset 13 with the given training_mode initializer ("" = input absent) and mask use.
std::string dropout_model(const std::string& training, bool read_mask) {
  ModelBuilder b(13);
  b.input("x", DataType::Float, {2, 8});
  b.initializer("ratio", Tensor::from_vector<float>(DataType::Float, {}, {0.3f}));
  if (!training.empty()) b.initializer("training", Tensor::from_vector<bool>(DataType::Bool, {}, {training == "true"}));
  b.node("Relu", {"x"}, {"r"}, "relu");
  std::vector<std::string> outs = {"d"};
  if (read_mask) outs.push_back("mask");
  b.node("Dropout", {"r", "ratio", training.empty() ? "" : "training"}, outs, "drop");
  b.node("Sigmoid", {"d"}, {"y"}, "sig");
  b.output("y", DataType::Float, {2, 8});
  if (read_mask) b.output("mask", DataType::Bool, {2, 8});
  return b.serialize();
}

TEST(IdentityElimination, InferenceDropoutIsRemoved) {
  for (const std::string training : {"", "false"}) {
    PassRun run = eliminate(dropout_model(training, false));
    ASSERT_TRUE(run.after);
    EXPECT_TRUE(same_output_names(run));
    EXPECT_EQ(count_nodes(*run.after, "Dropout"), 0u) << "training_mode '" << training << "'";
    EXPECT_EQ(count_nodes(*run.after), 2u);
    EXPECT_TRUE(same_outputs(run));
  }
}

TEST(IdentityElimination, OldOpsetDropoutIsRemoved) {
  ModelBuilder b(9);
  b.input("x", DataType::Float, {4});
  b.node("Dropout", {"x"}, {"d"}, "drop", {{"ratio", ir::Attribute::of_float(0.7f)}});
  b.node("Neg", {"d"}, {"y"}, "neg");
  b.output("y", DataType::Float, {4});
  PassRun run = eliminate(b.serialize());
  ASSERT_TRUE(run.after);
  EXPECT_TRUE(same_output_names(run));
  EXPECT_EQ(count_nodes(*run.after, "Dropout"), 0u);
  EXPECT_TRUE(same_outputs(run));
}

TEST(IdentityElimination, DropoutWhoseMaskIsUsedStays) {
  PassRun run = eliminate(dropout_model("", true));
  ASSERT_TRUE(run.after);
  EXPECT_TRUE(same_output_names(run));
  EXPECT_EQ(run.rewrites, 0);
  EXPECT_EQ(count_nodes(*run.after, "Dropout"), 1u);
  EXPECT_TRUE(same_outputs(run));
}

TEST(IdentityElimination, TrainingDropoutStays) {
  PassRun run = eliminate(dropout_model("true", false));
  ASSERT_TRUE(run.after);
  EXPECT_TRUE(same_output_names(run));
  EXPECT_EQ(count_nodes(*run.after, "Dropout"), 1u);
}

TEST(IdentityElimination, DropoutWithRuntimeTrainingModeStays) {
  ModelBuilder b(13);
  b.input("x", DataType::Float, {4});
  b.input("training", DataType::Bool, {});
  b.node("Dropout", {"x", "", "training"}, {"d"}, "drop");
  b.node("Neg", {"d"}, {"y"}, "neg");
  b.output("y", DataType::Float, {4});
  PassRun run = eliminate(b.serialize());
  ASSERT_TRUE(run.after);
  EXPECT_TRUE(same_output_names(run));
  EXPECT_EQ(count_nodes(*run.after, "Dropout"), 1u);
}

TEST(IdentityElimination, CastToSameTypeIsRemovedOtherCastsStay) {
  ModelBuilder b;
  b.input("x", DataType::Float, {2, 3});
  b.node("Cast", {"x"}, {"same"}, "cast_same", {{"to", ir::Attribute::of_int(static_cast<int>(DataType::Float))}});
  b.node("Cast", {"same"}, {"half"}, "cast_half", {{"to", ir::Attribute::of_int(static_cast<int>(DataType::Float16))}});
  b.node("CastLike", {"half", "half"}, {"like"}, "cast_like_same");
  b.node("Cast", {"like"}, {"y"}, "cast_back", {{"to", ir::Attribute::of_int(static_cast<int>(DataType::Float))}});
  b.output("y", DataType::Float, {2, 3});
  PassRun run = eliminate(b.serialize());
  ASSERT_TRUE(run.after);
  EXPECT_TRUE(same_output_names(run));
  EXPECT_EQ(run.rewrites, 2);
  EXPECT_EQ(count_nodes(*run.after, "Cast"), 2u);
  EXPECT_EQ(count_nodes(*run.after, "CastLike"), 0u);
  EXPECT_TRUE(same_outputs(run));
}

TEST(IdentityElimination, ShapeKeepingReshapesAreRemoved) {
  ModelBuilder b;
  b.input("x", DataType::Float, {2, 3});
  b.initializer("shape", int64s({2, 3}));
  b.initializer("ones", int64s({1, 1}));
  b.node("Reshape", {"x", "shape"}, {"a"}, "reshape");
  b.node("Expand", {"a", "shape"}, {"b"}, "expand");
  b.node("Tile", {"b", "ones"}, {"c"}, "tile");
  b.node("Squeeze", {"c"}, {"d"}, "squeeze");  // no dim of size 1: nothing to squeeze
  b.node("Flatten", {"d"}, {"e"}, "flatten", {{"axis", ir::Attribute::of_int(1)}});
  b.node("Relu", {"e"}, {"y"}, "relu");
  b.output("y", DataType::Float, {2, 3});
  PassRun run = eliminate(b.serialize());
  ASSERT_TRUE(run.after);
  EXPECT_TRUE(same_output_names(run));
  EXPECT_EQ(run.rewrites, 5);
  EXPECT_EQ(count_nodes(*run.after), 1u);
  EXPECT_EQ(find_node(*run.after, "Relu")->input(0)->name(), "x");
  EXPECT_TRUE(same_outputs(run));
}

TEST(IdentityElimination, ShapeChangingOrSymbolicReshapesStay) {
  ModelBuilder b;
  b.input("x", DataType::Float, {2, 3});
  b.input("n", DataType::Float, {-1, 3});
  b.initializer("flat", int64s({6}));
  b.initializer("rows", int64s({-1, 3}));
  b.initializer("axes", int64s({0}));
  b.node("Reshape", {"x", "flat"}, {"y"}, "to_flat");
  b.node("Reshape", {"n", "rows"}, {"z"}, "symbolic");  // [N,3] -> [N,3], but N is not known
  b.node("Unsqueeze", {"x", "axes"}, {"w"}, "unsqueeze");
  b.output("y", DataType::Float, {6});
  b.output("z", DataType::Float, {-1, 3});
  b.output("w", DataType::Float, {1, 2, 3});
  PassRun run = eliminate(b.serialize());
  ASSERT_TRUE(run.after);
  EXPECT_TRUE(same_output_names(run));
  EXPECT_EQ(run.rewrites, 0);
  EXPECT_EQ(count_nodes(*run.after), 3u);
  EXPECT_TRUE(same_outputs(run));
}

TEST(IdentityElimination, ZeroPadIsRemovedShiftingPadStays) {
  ModelBuilder b;
  b.input("x", DataType::Float, {2, 5});
  b.initializer("zeros", int64s({0, 0, 0, 0}));
  b.initializer("shift", int64s({0, 1, 0, -1}));  // same shape, data moved right by one
  b.node("Pad", {"x", "zeros"}, {"a"}, "pad_zero", {{"mode", ir::Attribute::of_string("reflect")}});
  b.node("Pad", {"a", "shift"}, {"p"}, "pad_shift");
  b.node("Relu", {"p"}, {"y"}, "relu");
  b.output("y", DataType::Float, {2, 5});
  PassRun run = eliminate(b.serialize());
  ASSERT_TRUE(run.after);
  EXPECT_TRUE(same_output_names(run));
  EXPECT_EQ(run.rewrites, 1);
  ASSERT_EQ(count_nodes(*run.after, "Pad"), 1u);
  EXPECT_EQ(find_node(*run.after, "Pad")->name(), "pad_shift");
  EXPECT_TRUE(same_outputs(run));
}

TEST(IdentityElimination, OldOpsetZeroPadIsRemoved) {
  ModelBuilder b(10);
  b.input("x", DataType::Float, {2, 5});
  b.node("Pad", {"x"}, {"a"}, "pad", {{"pads", ir::Attribute::of_ints({0, 0, 0, 0})}});
  b.node("Relu", {"a"}, {"y"}, "relu");
  b.output("y", DataType::Float, {2, 5});
  PassRun run = eliminate(b.serialize());
  ASSERT_TRUE(run.after);
  EXPECT_TRUE(same_output_names(run));
  EXPECT_EQ(count_nodes(*run.after, "Pad"), 0u);
  EXPECT_TRUE(same_outputs(run));
}

TEST(IdentityElimination, FullSliceIsRemovedReversingSliceStays) {
  constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
  constexpr int64_t kMin = std::numeric_limits<int64_t>::min();
  ModelBuilder b;
  b.input("x", DataType::Float, {3, 4});
  b.initializer("starts", int64s({0, -4}));
  b.initializer("ends", int64s({kMax, 4}));
  b.initializer("axes", int64s({0, 1}));
  b.initializer("steps", int64s({1, 1}));
  b.initializer("rstart", int64s({-1}));
  b.initializer("rend", int64s({kMin}));
  b.initializer("raxes", int64s({1}));
  b.initializer("rsteps", int64s({-1}));
  b.node("Slice", {"x", "starts", "ends", "axes", "steps"}, {"a"}, "full");
  b.node("Slice", {"a", "starts", "ends"}, {"c"}, "full_default_axes");
  b.node("Slice", {"c", "rstart", "rend", "raxes", "rsteps"}, {"r"}, "reverse");
  b.node("Relu", {"r"}, {"y"}, "relu");
  b.output("y", DataType::Float, {3, 4});
  PassRun run = eliminate(b.serialize());
  ASSERT_TRUE(run.after);
  EXPECT_TRUE(same_output_names(run));
  EXPECT_EQ(run.rewrites, 2);
  ASSERT_EQ(count_nodes(*run.after, "Slice"), 1u);
  EXPECT_EQ(find_node(*run.after, "Slice")->name(), "reverse");
  EXPECT_TRUE(same_outputs(run));
}

TEST(IdentityElimination, PartialSliceStays) {
  ModelBuilder b;
  b.input("x", DataType::Float, {3, 4});
  b.initializer("starts", int64s({1}));
  b.initializer("ends", int64s({3}));
  b.node("Slice", {"x", "starts", "ends"}, {"s"}, "part");
  b.node("Relu", {"s"}, {"y"}, "relu");
  b.output("y");
  PassRun run = eliminate(b.serialize());
  ASSERT_TRUE(run.after);
  EXPECT_TRUE(same_output_names(run));
  EXPECT_EQ(count_nodes(*run.after, "Slice"), 1u);
  EXPECT_TRUE(same_outputs(run));
}

// cond: bool[], x: float[4]. then: r = Relu(x), i = Identity(r), returns i (removable: Relu
// writes i). else: o = Identity(x), returns o (x belongs to the main graph: o must stay).
std::unique_ptr<ir::Graph> if_with_identities() {
  auto g = std::make_unique<ir::Graph>("main");
  g->opsets()[""] = 17;
  ir::Value* cond = g->add_value("cond", ir::Type::tensor(DataType::Bool, ir::TensorShape::of({})));
  ir::Value* x = g->add_value("x", ir::Type::tensor(DataType::Float, ir::TensorShape::of({4})));
  g->add_input(cond);
  g->add_input(x);
  auto then_branch = std::make_shared<ir::Graph>("then", g.get());
  then_branch->add_output(add_ir_node(*then_branch, "Identity", {add_ir_node(*then_branch, "Relu", {x}, "r")}, "i"));
  auto else_branch = std::make_shared<ir::Graph>("else", g.get());
  else_branch->add_output(add_ir_node(*else_branch, "Identity", {x}, "o"));
  ir::Attributes attrs;
  attrs.set("then_branch", ir::Attribute::of_graph(then_branch));
  attrs.set("else_branch", ir::Attribute::of_graph(else_branch));
  g->add_output(add_ir_node(*g, "If", {cond}, "y", std::move(attrs)));
  EXPECT_TRUE(ops::infer_graph_types(*g).is_ok());
  return g;
}

TEST(IdentityElimination, WorksInsideSubgraphsButKeepsOutputsOfOuterValues) {
  auto pass = passes::make_identity_elimination({});
  PassRun run = run_pass_on_ir(if_with_identities, *pass);
  ASSERT_TRUE(run.after);
  EXPECT_EQ(run.rewrites, 1);
  const ir::Node* if_node = find_node(*run.after, "If");
  ASSERT_NE(if_node, nullptr);
  const ir::Graph& then_branch = *if_node->subgraphs()[0];
  const ir::Graph& else_branch = *if_node->subgraphs()[1];
  EXPECT_EQ(count_nodes(then_branch, "Identity"), 0u);
  EXPECT_EQ(then_branch.outputs()[0]->name(), "i");
  EXPECT_EQ(count_nodes(else_branch, "Identity"), 1u);
  const Tensor x = random_floats({4}, 9);
  EXPECT_TRUE(same_outputs_on(run, cond_and(true, x)));
  EXPECT_TRUE(same_outputs_on(run, cond_and(false, x)));
}

}  // namespace
}  // namespace hone::testing
