// dead_code_elimination: dead chains and unused initializers go, in one run; what a graph
// output, a subgraph node or a subgraph output still reads stays; runtime inputs stay.
#include <gtest/gtest.h>

#include "import/onnx/model_builder.hpp"
#include "ops/shape_inference.hpp"
#include "passes/cleanup_models.hpp"
#include "passes/pass_harness.hpp"
#include "passes/passes.hpp"

namespace hone::testing {
namespace {

using onnx_import::ModelBuilder;

PassRun eliminate(const std::string& model) {
  auto pass = passes::make_dead_code_elimination({});
  return run_pass(model, *pass);
}

std::vector<std::string> input_names(const ir::Graph& g) {
  std::vector<std::string> names;
  for (const ir::Value* v : g.inputs()) names.push_back(v->name());
  return names;
}

TEST(DeadCodeElimination, DeadChainIsRemovedInOneRun) {
  ModelBuilder b;
  b.input("x", DataType::Float, {2, 3});
  b.node("Relu", {"x"}, {"y"}, "live");
  b.node("Sigmoid", {"x"}, {"a"}, "dead1");
  b.node("Neg", {"a"}, {"b"}, "dead2");
  b.node("Add", {"a", "b"}, {"c"}, "dead3");
  b.output("y", DataType::Float, {2, 3});
  PassRun run = eliminate(b.serialize());
  ASSERT_TRUE(run.after);
  EXPECT_TRUE(same_output_names(run));
  EXPECT_EQ(count_nodes(*run.after), 1u);
  EXPECT_EQ(count_nodes(*run.after, "Relu"), 1u);
  // The dead nodes' outputs are gone with them.
  EXPECT_EQ(run.after->find_value("a"), nullptr);
  EXPECT_EQ(run.after->find_value("c"), nullptr);
  EXPECT_TRUE(same_outputs(run));
}

TEST(DeadCodeElimination, NodeWithOneReadOutputStays) {
  ModelBuilder b(18);
  b.input("x", DataType::Float, {4, 3});
  b.node("Split", {"x"}, {"top", "bottom"}, "split",
         {{"axis", ir::Attribute::of_int(0)}, {"num_outputs", ir::Attribute::of_int(2)}});
  b.node("Relu", {"bottom"}, {"y"}, "relu");
  b.output("y", DataType::Float, {2, 3});
  PassRun run = eliminate(b.serialize());
  ASSERT_TRUE(run.after);
  EXPECT_TRUE(same_output_names(run));
  EXPECT_EQ(run.rewrites, 0);
  EXPECT_EQ(count_nodes(*run.after), 2u);
  EXPECT_TRUE(same_outputs(run));
}

TEST(DeadCodeElimination, UnusedInitializersGoRuntimeInputsStay) {
  ModelBuilder b;
  b.input("x", DataType::Float, {3});
  b.input("unused_input", DataType::Float, {3});
  // An initializer also listed as a graph input (an overridable default in ONNX; Hone binds only
  // runtime inputs) and a plain one, neither read; and one that is read.
  b.input("default_w", DataType::Float, {3});
  b.initializer("default_w", random_floats({3}, 1));
  b.initializer("plain_w", random_floats({3}, 2));
  b.initializer("used_w", random_floats({3}, 3));
  b.node("Mul", {"x", "used_w"}, {"y"}, "mul");
  b.output("y", DataType::Float, {3});
  PassRun run = eliminate(b.serialize());
  ASSERT_TRUE(run.after);
  EXPECT_TRUE(same_output_names(run));
  EXPECT_EQ(run.rewrites, 2);
  EXPECT_EQ(input_names(*run.after), (std::vector<std::string>{"x", "unused_input"}));
  EXPECT_EQ(run.after->runtime_inputs().size(), run.before->runtime_inputs().size());
  EXPECT_EQ(run.after->find_value("default_w"), nullptr);
  EXPECT_EQ(run.after->find_value("plain_w"), nullptr);
  ASSERT_NE(run.after->find_value("used_w"), nullptr);
  EXPECT_TRUE(same_outputs(run));
}

TEST(DeadCodeElimination, ConstantGraphOutputStays) {
  ModelBuilder b;
  b.input("x", DataType::Float, {3});
  b.initializer("w", random_floats({3}, 1));
  b.node("Relu", {"x"}, {"y"}, "relu");
  b.output("y", DataType::Float, {3});
  b.output("w", DataType::Float, {3});
  PassRun run = eliminate(b.serialize());
  ASSERT_TRUE(run.after);
  EXPECT_TRUE(same_output_names(run));
  EXPECT_EQ(run.rewrites, 0);
  EXPECT_NE(run.after->find_value("w"), nullptr);
  EXPECT_TRUE(same_outputs(run));
}

// ---- Subgraphs (built as IR) ----

// Inputs cond: bool[], x: float[4]. Main graph: a = Relu(x) (read by a node of the then
// branch), b = Sigmoid(x) (returned directly by the else branch: no node reads it),
// dead = Neg(x). then: t = Abs(a), unused = Exp(a) (dead inside the branch); returns t.
// else: returns b. y = If(cond); the graph returns y, or, when `if_dead` makes the If itself
// dead, extra = Tanh(x).
std::unique_ptr<ir::Graph> if_model(bool if_dead) {
  auto g = std::make_unique<ir::Graph>("main");
  g->opsets()[""] = 17;
  ir::Value* cond = g->add_value("cond", ir::Type::tensor(DataType::Bool, ir::TensorShape::of({})));
  ir::Value* x = g->add_value("x", ir::Type::tensor(DataType::Float, ir::TensorShape::of({4})));
  g->add_input(cond);
  g->add_input(x);
  ir::Value* a = add_ir_node(*g, "Relu", {x}, "a");
  ir::Value* b = add_ir_node(*g, "Sigmoid", {x}, "b");
  add_ir_node(*g, "Neg", {x}, "dead");
  auto then_branch = std::make_shared<ir::Graph>("then", g.get());
  ir::Value* t = add_ir_node(*then_branch, "Abs", {a}, "t");
  add_ir_node(*then_branch, "Exp", {a}, "unused");
  then_branch->add_output(t);
  auto else_branch = std::make_shared<ir::Graph>("else", g.get());
  else_branch->add_output(b);
  ir::Attributes attrs;
  attrs.set("then_branch", ir::Attribute::of_graph(then_branch));
  attrs.set("else_branch", ir::Attribute::of_graph(else_branch));
  ir::Value* y = add_ir_node(*g, "If", {cond}, "y", std::move(attrs));
  g->add_output(if_dead ? add_ir_node(*g, "Tanh", {x}, "extra") : y);
  EXPECT_TRUE(ops::infer_graph_types(*g).is_ok());
  EXPECT_TRUE(ir::verify_graph(*g).is_ok());
  return g;
}

TEST(DeadCodeElimination, KeepsWhatSubgraphsReadAndCleansInsideThem) {
  auto pass = passes::make_dead_code_elimination({});
  PassRun run = run_pass_on_ir([] { return if_model(false); }, *pass);
  ASSERT_TRUE(run.after);
  EXPECT_TRUE(same_output_names(run));
  // Gone: Neg in the main graph, Exp in the then branch, and their outputs' values.
  EXPECT_EQ(run.rewrites, 4);
  EXPECT_EQ(count_nodes(*run.after), 3u);
  EXPECT_EQ(count_nodes(*run.after, "Neg"), 0u);
  EXPECT_EQ(count_nodes(*run.after, "Relu"), 1u);     // read by Abs inside the then branch
  EXPECT_EQ(count_nodes(*run.after, "Sigmoid"), 1u);  // returned by the else branch
  const ir::Node* if_node = find_node(*run.after, "If");
  ASSERT_NE(if_node, nullptr);
  ASSERT_EQ(if_node->subgraphs().size(), 2u);
  EXPECT_EQ(count_nodes(*if_node->subgraphs()[0]), 1u);
  EXPECT_TRUE(same_output_names(run));
  const Tensor x = random_floats({4}, 11);
  EXPECT_TRUE(same_outputs_on(run, cond_and(true, x)));
  EXPECT_TRUE(same_outputs_on(run, cond_and(false, x)));
}

TEST(DeadCodeElimination, DeadIfGoesWithEverythingOnlyItsBranchesRead) {
  auto pass = passes::make_dead_code_elimination({});
  PassRun run = run_pass_on_ir([] { return if_model(true); }, *pass);
  ASSERT_TRUE(run.after);
  EXPECT_TRUE(same_output_names(run));
  // Only Tanh is left: Relu (read inside the then branch) and Sigmoid (returned by the else
  // branch) die with the If in the same run.
  EXPECT_EQ(count_nodes(*run.after), 1u) << ir::print_graph(*run.after);
  EXPECT_EQ(count_nodes(*run.after, "Tanh"), 1u);
  const ir::Value* x = run.after->find_value("x");
  ASSERT_NE(x, nullptr);
  // The destroyed branch nodes left no readers behind.
  ASSERT_EQ(x->uses().size(), 1u);
  EXPECT_EQ(x->uses()[0]->op_type(), "Tanh");
  EXPECT_TRUE(same_outputs_on(run, cond_and(true, random_floats({4}, 5))));
}

}  // namespace
}  // namespace hone::testing
