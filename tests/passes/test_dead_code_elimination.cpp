// dead_code_elimination: dead chains and unused initializers go, in one run; what a graph
// output, a subgraph node or a subgraph output still reads stays; runtime inputs stay.
#include <gtest/gtest.h>

#include "import/onnx/model_builder.hpp"
#include "ops/shape_inference.hpp"
#include "passes/cleanup_models.hpp"
#include "passes/pass_harness.hpp"
#include "passes/passes.hpp"
#include "runtime/compare.hpp"
#include "runtime/reference_executor.hpp"

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
  EXPECT_EQ(count_nodes(*run.after), 1u);
  EXPECT_EQ(count_nodes(*run.after, "Relu"), 1u);
  // The dead nodes' outputs are gone with them.
  EXPECT_EQ(run.after->find_value("a"), nullptr);
  EXPECT_EQ(run.after->find_value("c"), nullptr);
  EXPECT_EQ(output_names(*run.after), output_names(*run.before));
  EXPECT_TRUE(same_outputs(run));
}

TEST(DeadCodeElimination, NodeWithOneReadOutputStays) {
  ModelBuilder b;
  b.input("x", DataType::Float, {4, 3});
  b.node("Split", {"x"}, {"top", "bottom"}, "split", {{"axis", ir::Attribute::of_int(0)}, {"num_outputs", ir::Attribute::of_int(2)}});
  b.node("Relu", {"bottom"}, {"y"}, "relu");
  b.output("y", DataType::Float, {2, 3});
  b.opset("", 18);
  PassRun run = eliminate(b.serialize());
  ASSERT_TRUE(run.after);
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
  EXPECT_EQ(run.rewrites, 0);
  EXPECT_NE(run.after->find_value("w"), nullptr);
  EXPECT_TRUE(same_outputs(run));
}

// ---- Subgraphs: ModelBuilder writes no graph attributes, so these models are built as IR ----

ir::OpKind kind_of(const char* op) {
  ir::OpKind k{};
  EXPECT_TRUE(ir::find_op_kind("", op, &k)) << op;
  return k;
}

ir::Value* add_node(ir::Graph& g, const char* op, std::vector<ir::Value*> inputs, const std::string& out,
                    ir::Attributes attrs = {}) {
  ir::Value* v = g.add_value(out);
  g.add_node(kind_of(op), op, "", out + "_node", 17, std::move(inputs), {v}, std::move(attrs));
  return v;
}

// Inputs cond: bool[], x: float[4]. Main graph: a = Relu(x) (read by a node of the then
// branch), b = Sigmoid(x) (returned directly by the else branch: no node reads it),
// dead = Neg(x). then: t = Abs(a), unused = Exp(a) (dead inside the branch); returns t.
// else: returns b. y = If(cond); the graph returns y, and `extra` = Tanh(x) when `if_dead`
// makes the If itself dead.
std::unique_ptr<ir::Graph> if_model(bool if_dead) {
  auto g = std::make_unique<ir::Graph>("main");
  g->opsets()[""] = 17;
  const ir::Type f4 = ir::Type::tensor(DataType::Float, ir::TensorShape::of({4}));
  ir::Value* cond = g->add_value("cond", ir::Type::tensor(DataType::Bool, ir::TensorShape::of({})));
  ir::Value* x = g->add_value("x", f4);
  g->add_input(cond);
  g->add_input(x);
  ir::Value* a = add_node(*g, "Relu", {x}, "a");
  ir::Value* b = add_node(*g, "Sigmoid", {x}, "b");
  add_node(*g, "Neg", {x}, "dead");
  auto then_branch = std::make_shared<ir::Graph>("then", g.get());
  ir::Value* t = add_node(*then_branch, "Abs", {a}, "t");
  add_node(*then_branch, "Exp", {a}, "unused");
  then_branch->add_output(t);
  auto else_branch = std::make_shared<ir::Graph>("else", g.get());
  else_branch->add_output(b);
  ir::Attributes attrs;
  attrs.set("then_branch", ir::Attribute::of_graph(then_branch));
  attrs.set("else_branch", ir::Attribute::of_graph(else_branch));
  ir::Value* y = add_node(*g, "If", {cond}, "y", std::move(attrs));
  if (if_dead) {
    g->add_output(add_node(*g, "Tanh", {x}, "extra"));
  } else {
    g->add_output(y);
  }
  EXPECT_TRUE(ops::infer_graph_types(*g).is_ok());
  EXPECT_TRUE(ir::verify_graph(*g).is_ok());
  return g;
}

std::vector<Datum> run_graph(const ir::Graph& g, bool cond, const Tensor& x) {
  std::vector<Datum> feeds{Datum::of(Tensor::from_vector<bool>(DataType::Bool, {}, {cond})), Datum::of(x)};
  auto r = runtime::ReferenceExecutor(g).run(feeds);
  EXPECT_TRUE(r.is_ok()) << r.status().to_string();
  return r.is_ok() ? *r : std::vector<Datum>{};
}

// Runs the pass on a second copy of the model; returns it sorted and verified.
std::unique_ptr<ir::Graph> eliminate_graph(bool if_dead, int* rewrites) {
  std::unique_ptr<ir::Graph> g = if_model(if_dead);
  auto pass = passes::make_dead_code_elimination({});
  auto r = pass->run(*g);
  EXPECT_TRUE(r.is_ok()) << r.status().to_string();
  *rewrites = r.is_ok() ? *r : -1;
  Status s = g->topological_sort();
  if (s.is_ok()) s = ir::verify_graph(*g);
  EXPECT_TRUE(s.is_ok()) << s.to_string() << "\n" << ir::print_graph(*g);
  return g;
}

TEST(DeadCodeElimination, KeepsWhatSubgraphsReadAndCleansInsideThem) {
  std::unique_ptr<ir::Graph> before = if_model(false);
  int rewrites = 0;
  std::unique_ptr<ir::Graph> after = eliminate_graph(false, &rewrites);
  // Gone: Neg in the main graph, Exp in the then branch (and their outputs' values).
  EXPECT_EQ(rewrites, 4);
  EXPECT_EQ(count_nodes(*after), 3u);
  EXPECT_EQ(count_nodes(*after, "Neg"), 0u);
  EXPECT_EQ(count_nodes(*after, "Relu"), 1u);     // read by Abs inside the then branch
  EXPECT_EQ(count_nodes(*after, "Sigmoid"), 1u);  // returned by the else branch
  const ir::Node* if_node = find_node(*after, "If");
  ASSERT_NE(if_node, nullptr);
  ASSERT_EQ(if_node->subgraphs().size(), 2u);
  EXPECT_EQ(count_nodes(*if_node->subgraphs()[0]), 1u);
  const Tensor x = random_floats({4}, 11);
  for (bool cond : {true, false}) {
    const std::vector<Datum> want = run_graph(*before, cond, x);
    const std::vector<Datum> got = run_graph(*after, cond, x);
    ASSERT_EQ(got.size(), 1u);
    ASSERT_EQ(want.size(), 1u);
    Status s = runtime::compare_datum(got[0], want[0], runtime::Tolerance{0, 0});
    EXPECT_TRUE(s.is_ok()) << "cond " << cond << ": " << s.to_string();
  }
}

TEST(DeadCodeElimination, DeadIfGoesWithEverythingOnlyItsBranchesRead) {
  int rewrites = 0;
  std::unique_ptr<ir::Graph> after = eliminate_graph(true, &rewrites);
  // Only Tanh is left; Relu (read inside the then branch) and Sigmoid (returned by the else
  // branch) die with the If in the same run.
  EXPECT_EQ(count_nodes(*after), 1u) << ir::print_graph(*after);
  EXPECT_EQ(count_nodes(*after, "Tanh"), 1u);
  ir::Value* x = after->find_value("x");
  ASSERT_NE(x, nullptr);
  // No reader is left behind by the destroyed branch nodes (Abs, Exp read `a`, which read x).
  ASSERT_EQ(x->uses().size(), 1u);
  EXPECT_EQ(x->uses()[0]->op_type(), "Tanh");
  const std::vector<Datum> got = run_graph(*after, true, random_floats({4}, 5));
  EXPECT_EQ(got.size(), 1u);
}

}  // namespace
}  // namespace hone::testing
