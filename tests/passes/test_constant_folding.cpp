// constant_folding: constant nodes and shape subgraphs fold into constants with the right
// values and types; what must wait for run time (symbolic shapes, random numbers, sequences,
// errors, results over the size limit) stays.
#include <gtest/gtest.h>

#include "import/onnx/model_builder.hpp"
#include "ops/shape_inference.hpp"
#include "passes/cleanup_models.hpp"
#include "passes/pass_harness.hpp"
#include "passes/passes.hpp"
#include "passes/rewrite.hpp"
#include "runtime/reference_executor.hpp"

namespace hone::testing {
namespace {

using onnx_import::ModelBuilder;

PassRun fold(const std::string& model, passes::PassOptions options = {}) {
  auto pass = passes::make_constant_folding(options);
  return run_pass(model, *pass);
}

std::vector<int64_t> constant_ints(const ir::Value* v) {
  const Tensor* t = passes::constant_of(v);
  return t ? t->to_int64_vector() : std::vector<int64_t>{};
}

// y = Reshape(x, Concat(Unsqueeze(Gather(Shape(x), 0)), [-1])): x flattened to [batch, rest].
std::string shape_subgraph_model(const std::vector<int64_t>& x_dims) {
  ModelBuilder b(13);
  b.input("x", DataType::Float, x_dims);
  b.initializer("zero", Tensor::from_vector<int64_t>(DataType::Int64, {}, {0}));
  b.initializer("axes", int64s({0}));
  b.initializer("minus_one", int64s({-1}));
  b.node("Shape", {"x"}, {"s"}, "shape");
  b.node("Gather", {"s", "zero"}, {"batch"}, "gather");
  b.node("Unsqueeze", {"batch", "axes"}, {"batch1"}, "unsqueeze");
  b.node("Concat", {"batch1", "minus_one"}, {"target"}, "concat", {{"axis", ir::Attribute::of_int(0)}});
  b.node("Reshape", {"x", "target"}, {"y"}, "reshape");
  b.output("y");
  return b.serialize();
}

TEST(ConstantFolding, StaticShapeSubgraphFoldsIntoReshapeWithConstantShape) {
  PassRun run = fold(shape_subgraph_model({2, 3, 4, 5}));
  ASSERT_TRUE(run.after);
  EXPECT_TRUE(same_output_names(run));
  EXPECT_EQ(run.rewrites, 4);
  ASSERT_EQ(count_nodes(*run.after), 1u);
  const ir::Node* reshape = find_node(*run.after, "Reshape");
  ASSERT_NE(reshape, nullptr);
  EXPECT_EQ(constant_ints(reshape->input(1)), (std::vector<int64_t>{2, -1}));
  // The Reshape's output type is inferred again from the now constant shape.
  EXPECT_EQ(run.after->outputs()[0]->type().to_string(), "float[2,60]");
  EXPECT_EQ(run.after->outputs()[0]->name(), "y");
  EXPECT_TRUE(constants_typed_as_values(*run.after));
  EXPECT_TRUE(same_outputs(run));
}

TEST(ConstantFolding, SymbolicShapeSubgraphStays) {
  PassRun run = fold(shape_subgraph_model({-1, 3, 4, 5}));
  ASSERT_TRUE(run.after);
  EXPECT_TRUE(same_output_names(run));
  EXPECT_EQ(run.rewrites, 0);
  EXPECT_EQ(count_nodes(*run.after), 5u);
  EXPECT_TRUE(constants_typed_as_values(*run.after));
  EXPECT_TRUE(same_outputs(run));
}

TEST(ConstantFolding, ShapeWithStartEndAndSizeFoldForStaticInputs) {
  ModelBuilder b(15);
  b.input("x", DataType::Float, {2, 3, 4, 5});
  b.node("Shape", {"x"}, {"middle"}, "shape",
         {{"start", ir::Attribute::of_int(1)}, {"end", ir::Attribute::of_int(-1)}});
  b.node("Size", {"x"}, {"count"}, "size");
  b.node("Relu", {"x"}, {"y"}, "relu");
  b.output("middle");
  b.output("count");
  b.output("y");
  PassRun run = fold(b.serialize());
  ASSERT_TRUE(run.after);
  EXPECT_TRUE(same_output_names(run));
  EXPECT_EQ(run.rewrites, 2);
  EXPECT_EQ(count_nodes(*run.after), 1u);
  EXPECT_EQ(constant_ints(run.after->outputs()[0]), (std::vector<int64_t>{3, 4}));
  EXPECT_EQ(constant_ints(run.after->outputs()[1]), (std::vector<int64_t>{120}));
  EXPECT_EQ(run.after->outputs()[1]->type().to_string(), "int64[]");
  EXPECT_TRUE(constants_typed_as_values(*run.after));
  EXPECT_TRUE(same_outputs(run));
}

TEST(ConstantFolding, ConstantAndConstantOfShapeFoldAndGraphOutputKeepsName) {
  ModelBuilder b;
  b.input("x", DataType::Float, {2, 3});
  b.initializer("shape", int64s({2, 3}));
  b.node("Constant", {}, {"c"}, "const", {{"value", ir::Attribute::of_tensor(random_floats({2, 3}, 7))}});
  b.node("ConstantOfShape", {"shape"}, {"fill"}, "fill",
         {{"value", ir::Attribute::of_tensor(Tensor::from_vector<float>(DataType::Float, {1}, {0.25f}))}});
  b.node("Mul", {"c", "fill"}, {"scaled"}, "mul");
  b.node("Add", {"x", "scaled"}, {"y"}, "add");
  b.node("Neg", {"scaled"}, {"z"}, "neg");  // all constant: z becomes a constant graph output
  b.output("y", DataType::Float, {2, 3});
  b.output("z", DataType::Float, {2, 3});
  PassRun run = fold(b.serialize());
  ASSERT_TRUE(run.after);
  EXPECT_TRUE(same_output_names(run));
  EXPECT_EQ(run.rewrites, 4);
  EXPECT_EQ(count_nodes(*run.after), 1u);
  EXPECT_EQ(count_nodes(*run.after, "Add"), 1u);
  EXPECT_TRUE(run.after->outputs()[1]->is_constant());
  EXPECT_EQ(run.after->outputs()[1]->type().to_string(), "float[2,3]");
  EXPECT_TRUE(constants_typed_as_values(*run.after));
  EXPECT_TRUE(same_outputs(run));
}

TEST(ConstantFolding, FailingEvaluationLeavesTheNode) {
  ModelBuilder b;
  b.input("x", DataType::Float, {2});
  b.initializer("data", Tensor::from_vector<float>(DataType::Float, {3}, {1.0f, 2.0f, 3.0f}));
  b.initializer("index", Tensor::from_vector<int64_t>(DataType::Int64, {2}, {0, 7}));  // 7 is out of range
  b.initializer("one", Tensor::from_vector<float>(DataType::Float, {}, {1.0f}));
  b.node("Neg", {"data"}, {"negated"}, "neg");
  b.node("Gather", {"negated", "index"}, {"picked"}, "gather");
  b.node("Add", {"x", "picked"}, {"y"}, "add");
  b.node("Add", {"x", "one"}, {"z"}, "add_one");
  b.output("y");
  b.output("z");
  PassRun run = fold(b.serialize());
  ASSERT_TRUE(run.after);
  EXPECT_TRUE(same_output_names(run));
  // Neg folds; the Gather stays and fails at run time, as the model does.
  EXPECT_EQ(run.rewrites, 1);
  EXPECT_EQ(count_nodes(*run.after, "Neg"), 0u);
  EXPECT_EQ(count_nodes(*run.after, "Gather"), 1u);
  std::vector<Datum> feeds{Datum::of(random_floats({2}, 3))};
  auto r = runtime::ReferenceExecutor(*run.after).run(feeds);
  ASSERT_FALSE(r.is_ok());
  EXPECT_NE(r.status().to_string().find("gather"), std::string::npos) << r.status().to_string();
}

// A [256, 256] float ConstantOfShape (256 KiB) added to x.
std::string large_fill_model() {
  ModelBuilder b;
  b.input("x", DataType::Float, {256, 256});
  b.initializer("shape", int64s({256, 256}));
  b.node("ConstantOfShape", {"shape"}, {"fill"}, "fill",
         {{"value", ir::Attribute::of_tensor(Tensor::from_vector<float>(DataType::Float, {1}, {0.5f}))}});
  b.node("Add", {"x", "fill"}, {"y"}, "add");
  b.output("y");
  return b.serialize();
}

TEST(ConstantFolding, ResultsOverMaxFoldedBytesStay) {
  passes::PassOptions small;
  small.max_folded_bytes = 256 * 256 * 4 - 1;
  PassRun kept = fold(large_fill_model(), small);
  ASSERT_TRUE(kept.after);
  EXPECT_TRUE(same_output_names(kept));
  EXPECT_EQ(kept.rewrites, 0);
  EXPECT_EQ(count_nodes(*kept.after, "ConstantOfShape"), 1u);
  EXPECT_TRUE(same_outputs(kept));

  passes::PassOptions exact;
  exact.max_folded_bytes = 256 * 256 * 4;
  PassRun folded = fold(large_fill_model(), exact);
  ASSERT_TRUE(folded.after);
  EXPECT_TRUE(same_output_names(folded));
  EXPECT_EQ(folded.rewrites, 1);
  EXPECT_EQ(count_nodes(*folded.after, "ConstantOfShape"), 0u);
  EXPECT_TRUE(constants_typed_as_values(*folded.after));
  EXPECT_TRUE(same_outputs(folded));
}

TEST(ConstantFolding, LimitAlsoAppliesWhenTheSizeIsOnlyKnownAfterRunning) {
  // NonZero's output length depends on its input's values: the rule leaves it unknown and the
  // size is checked after the kernel ran. Here it is int64 [1, 1000]: 8000 bytes.
  ModelBuilder b;
  b.input("x", DataType::Int64, {});
  b.initializer("ones", Tensor::from_vector<float>(DataType::Float, {1000}, std::vector<float>(1000, 1.0f)));
  b.node("NonZero", {"ones"}, {"where"}, "nonzero");
  b.node("Add", {"x", "where"}, {"y"}, "add");
  b.output("y");
  for (size_t limit : {size_t{7999}, size_t{8000}}) {
    passes::PassOptions options;
    options.max_folded_bytes = limit;
    PassRun run = fold(b.serialize(), options);
    ASSERT_TRUE(run.after);
    EXPECT_TRUE(same_output_names(run));
    EXPECT_EQ(count_nodes(*run.after, "NonZero"), limit < 8000 ? 1u : 0u) << "limit " << limit;
    EXPECT_TRUE(constants_typed_as_values(*run.after));
  EXPECT_TRUE(same_outputs(run));
  }
}

TEST(ConstantFolding, RandomNodesAreNotFolded) {
  ModelBuilder b(13);
  b.input("x", DataType::Float, {2, 3});
  b.initializer("like", random_floats({2, 3}, 5));
  b.initializer("ratio", Tensor::from_vector<float>(DataType::Float, {}, {0.5f}));
  b.initializer("training", Tensor::from_vector<bool>(DataType::Bool, {}, {true}));
  b.node("RandomNormal", {}, {"n"}, "normal", {{"shape", ir::Attribute::of_ints({2, 3})}});
  b.node("RandomUniformLike", {"like"}, {"u"}, "uniform");
  b.node("Dropout", {"like", "ratio", "training"}, {"d"}, "dropout");
  b.node("Sum", {"x", "n", "u", "d"}, {"y"}, "sum");
  b.output("y");
  PassRun run = fold(b.serialize());
  ASSERT_TRUE(run.after);
  EXPECT_TRUE(same_output_names(run));
  EXPECT_EQ(run.rewrites, 0);
  EXPECT_EQ(count_nodes(*run.after), 4u);
}

TEST(ConstantFolding, QuantizedWeightsKeepTheirDequantizeLinear) {
  // QDQ weights: float -> QuantizeLinear folds into int8 weights, DequantizeLinear stays.
  ModelBuilder b;
  b.input("x", DataType::Float, {2, 4});
  b.initializer("w", random_floats({4, 3}, 8));
  b.initializer("scale", Tensor::from_vector<float>(DataType::Float, {}, {0.01f}));
  b.initializer("zero_point", Tensor::from_vector<int8_t>(DataType::Int8, {}, {0}));
  b.node("QuantizeLinear", {"w", "scale", "zero_point"}, {"wq"}, "quantize");
  b.node("DequantizeLinear", {"wq", "scale", "zero_point"}, {"wd"}, "dequantize");
  b.node("MatMul", {"x", "wd"}, {"y"}, "matmul");
  b.output("y");
  PassRun run = fold(b.serialize());
  ASSERT_TRUE(run.after);
  EXPECT_TRUE(same_output_names(run));
  EXPECT_EQ(run.rewrites, 1);
  EXPECT_EQ(count_nodes(*run.after, "QuantizeLinear"), 0u);
  const ir::Node* dq = find_node(*run.after, "DequantizeLinear");
  ASSERT_NE(dq, nullptr);
  ASSERT_TRUE(dq->input(0)->is_constant());
  EXPECT_EQ(dq->input(0)->constant().dtype(), DataType::Int8);
  EXPECT_TRUE(constants_typed_as_values(*run.after));
  EXPECT_TRUE(same_outputs(run));
}

TEST(ConstantFolding, SequenceOutputsAreNotFolded) {
  ModelBuilder b;
  b.input("x", DataType::Float, {3});
  b.initializer("a", random_floats({3}, 1));
  b.initializer("zero", Tensor::from_vector<int64_t>(DataType::Int64, {}, {0}));
  b.node("SequenceConstruct", {"a", "a"}, {"s"}, "make");
  b.node("SequenceAt", {"s", "zero"}, {"first"}, "at");
  b.node("Add", {"x", "first"}, {"y"}, "add");
  b.output("y");
  PassRun run = fold(b.serialize());
  ASSERT_TRUE(run.after);
  EXPECT_TRUE(same_output_names(run));
  EXPECT_EQ(run.rewrites, 0);
  EXPECT_EQ(count_nodes(*run.after, "SequenceConstruct"), 1u);
  EXPECT_TRUE(constants_typed_as_values(*run.after));
  EXPECT_TRUE(same_outputs(run));
}

// cond: bool[], x: float[4], c: a float[4] initializer of the main graph. then: k = Neg(c)
// (foldable: it reads only the parent's constant), t = Add(x, k), returns t. else: returns
// Abs(x). y = If(cond).
std::unique_ptr<ir::Graph> if_reading_parent_constant() {
  auto g = std::make_unique<ir::Graph>("main");
  g->opsets()[""] = 17;
  ir::Value* cond = g->add_value("cond", ir::Type::tensor(DataType::Bool, ir::TensorShape::of({})));
  ir::Value* x = g->add_value("x", ir::Type::tensor(DataType::Float, ir::TensorShape::of({4})));
  g->add_input(cond);
  g->add_input(x);
  ir::Value* c = g->add_value("c", ir::Type::tensor(DataType::Float, ir::TensorShape::of({4})));
  c->set_constant(random_floats({4}, 4));
  auto then_branch = std::make_shared<ir::Graph>("then", g.get());
  then_branch->add_output(add_ir_node(*then_branch, "Add", {x, add_ir_node(*then_branch, "Neg", {c}, "k")}, "t"));
  auto else_branch = std::make_shared<ir::Graph>("else", g.get());
  else_branch->add_output(add_ir_node(*else_branch, "Abs", {x}, "e"));
  ir::Attributes attrs;
  attrs.set("then_branch", ir::Attribute::of_graph(then_branch));
  attrs.set("else_branch", ir::Attribute::of_graph(else_branch));
  g->add_output(add_ir_node(*g, "If", {cond}, "y", std::move(attrs)));
  EXPECT_TRUE(ops::infer_graph_types(*g).is_ok());
  return g;
}

TEST(ConstantFolding, FoldsInsideSubgraphsButNotTheIf) {
  auto pass = passes::make_constant_folding({});
  PassRun run = run_pass_on_ir(if_reading_parent_constant, *pass);
  ASSERT_TRUE(run.after);
  EXPECT_EQ(run.rewrites, 1);
  const ir::Node* if_node = find_node(*run.after, "If");
  ASSERT_NE(if_node, nullptr);
  const ir::Graph& then_branch = *if_node->subgraphs()[0];
  EXPECT_EQ(count_nodes(then_branch), 1u);
  const ir::Value* k = then_branch.find_value("k");
  ASSERT_NE(k, nullptr);
  EXPECT_TRUE(k->is_constant());
  EXPECT_TRUE(constants_typed_as_values(then_branch));
  const Tensor x = random_floats({4}, 6);
  EXPECT_TRUE(same_outputs_on(run, cond_and(true, x)));
  EXPECT_TRUE(same_outputs_on(run, cond_and(false, x)));
}

}  // namespace
}  // namespace hone::testing
