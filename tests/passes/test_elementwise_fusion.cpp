// elementwise_fusion: chains of single-use float32 elementwise nodes become one
// FusedElementwise computing bit-identical outputs; broadcasting operands, constants, graph
// outputs, shared intermediates and activations that belong in a layer's epilogue.
#include "import/onnx/model_builder.hpp"
#include "import/onnx/onnx_importer.hpp"
#include "passes/pass_harness.hpp"
#include "passes/passes.hpp"
#include "passes/pattern_models.hpp"
#include "passes/rewrite.hpp"

namespace hone::testing {
namespace {

using ir::Attribute;
using onnx_import::ModelBuilder;

PassRun fuse(const ModelBuilder& b) {
  auto pass = passes::make_elementwise_fusion({});
  return run_pass(b.serialize(), *pass);
}

// FusedElementwise rounds each step as the node did: outputs must be identical.
::testing::AssertionResult identical_outputs(const PassRun& run, uint64_t seed) { return same_outputs(run, seed, 0, 0); }

TEST(ElementwiseFusion, ChainOfStepsBecomesOneFusedElementwise) {
  // v = Add(x, c[4]); Sigmoid; Sub(0.25, v); Clip(-0.4, 0.4); Mul(v, z); LeakyRelu(0.2);
  // Pow(v, 2); Gelu(tanh); Max(w, v)
  ModelBuilder b(20);
  b.input("x", DataType::Float, {2, 3, 4});
  b.input("z", DataType::Float, {2, 3, 4});
  b.input("w", DataType::Float, {3, 1});
  b.initializer("c", random_tensor({4}, 71));
  b.initializer("quarter", scalar(0.25f));
  b.initializer("lo", scalar(-0.4f));
  b.initializer("hi", scalar(0.4f));
  b.initializer("two", scalar(2.0f));
  b.node("Add", {"x", "c"}, {"a"}, "add");
  b.node("Sigmoid", {"a"}, {"s"}, "sig");
  b.node("Sub", {"quarter", "s"}, {"d"}, "sub");
  b.node("Clip", {"d", "lo", "hi"}, {"cl"}, "clip");
  b.node("Mul", {"cl", "z"}, {"m"}, "mul");
  b.node("LeakyRelu", {"m"}, {"l"}, "leaky", {{"alpha", Attribute::of_float(0.2f)}});
  b.node("Pow", {"l", "two"}, {"p"}, "pow");
  b.node("Gelu", {"p"}, {"g"}, "gelu", {{"approximate", Attribute::of_string("tanh")}});
  b.node("Max", {"w", "g"}, {"y"}, "max");
  b.output("y");
  const PassRun run = fuse(b);
  ASSERT_TRUE(run.after);
  EXPECT_EQ(run.rewrites, 1);
  ASSERT_EQ(count_nodes(*run.after), 1u) << describe_nodes(*run.after);
  const ir::Node* f = find_node(*run.after, "FusedElementwise");
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->domain(), "hone");
  EXPECT_EQ(f->name(), "add + sig + sub + clip + mul + leaky + pow + gelu + max");
  EXPECT_EQ(f->attrs().find("ops")->strings,
            (std::vector<std::string>{"Add", "Sigmoid", "Sub", "Clip", "Mul", "LeakyRelu", "Pow", "GeluTanh", "Max"}));
  EXPECT_EQ(f->attrs().find("operands")->ints, (std::vector<int64_t>{1, -1, 2, -1, 3, -1, 4, -1, 5}));
  EXPECT_EQ(f->attrs().find("swap")->ints, (std::vector<int64_t>{0, 0, 1, 0, 0, 0, 0, 0, 1}));
  EXPECT_EQ(f->attrs().find("params")->floats,
            (std::vector<float>{0, 0, 0, 0, 0, 0, -0.4f, 0.4f, 0, 0, 0.2f, 0, 0, 0, 0, 0, 0, 0}));
  ASSERT_EQ(f->num_inputs(), 6u);
  EXPECT_EQ(f->input(0)->name(), "x");
  EXPECT_EQ(f->input(3)->name(), "z");
  EXPECT_EQ(run.after->outputs()[0]->name(), "y");
  EXPECT_TRUE(identical_outputs(run, 81));
}

TEST(ElementwiseFusion, PowStepRoundsAsThePowNode) {
  // Pow's reference computes float bases in double; powf would differ in the last bit.
  ModelBuilder b;
  b.input("x", DataType::Float, {4096});
  b.initializer("e", scalar(1.37f));
  b.node("Abs", {"x"}, {"a"}, "abs");
  b.node("Pow", {"a", "e"}, {"y"}, "pow");
  b.output("y");
  const PassRun run = fuse(b);
  ASSERT_TRUE(run.after);
  EXPECT_EQ(count_nodes(*run.after, "FusedElementwise"), 1u) << describe_nodes(*run.after);
  EXPECT_TRUE(identical_outputs(run, 87));
}

TEST(ElementwiseFusion, BroadcastingOperandsAndAGrowingFirstValue) {
  // x0 [3,1] grows to [2,3,4] through the operands; the Exp after the growth and the Neg
  // before it give the same elements either way.
  ModelBuilder b;
  b.input("x", DataType::Float, {3, 1});
  b.input("u", DataType::Float, {2, 1, 4});
  b.initializer("row", random_tensor({4}, 72));
  b.node("Neg", {"x"}, {"n"}, "neg");
  b.node("Mul", {"u", "n"}, {"m"}, "mul");
  b.node("Exp", {"m"}, {"e"}, "exp");
  b.node("Div", {"e", "row"}, {"y"}, "div");
  b.output("y");
  const PassRun run = fuse(b);
  ASSERT_TRUE(run.after);
  ASSERT_EQ(count_nodes(*run.after), 1u) << describe_nodes(*run.after);
  const ir::Node* f = find_node(*run.after, "FusedElementwise");
  EXPECT_EQ(f->output(0)->type().to_string(), "float[2,3,4]");
  EXPECT_EQ(f->attrs().find("swap")->ints, (std::vector<int64_t>{0, 1, 0, 0}));
  EXPECT_TRUE(identical_outputs(run, 82));
}

TEST(ElementwiseFusion, ChainStartingAtAConstantOperandReadsTheTensorFirst) {
  // Add(c, x): x0 = x and the Add is a swapped step. Then Mul(v, x): x again, as its own input.
  ModelBuilder b;
  b.input("x", DataType::Float, {5});
  b.initializer("c", scalar(0.5f));
  b.node("Add", {"c", "x"}, {"a"}, "add");
  b.node("Mul", {"a", "x"}, {"y"}, "mul");
  b.output("y");
  const PassRun run = fuse(b);
  ASSERT_TRUE(run.after);
  const ir::Node* f = find_node(*run.after, "FusedElementwise");
  ASSERT_NE(f, nullptr) << describe_nodes(*run.after);
  ASSERT_EQ(f->num_inputs(), 3u);
  EXPECT_EQ(f->input(0)->name(), "x");
  EXPECT_EQ(f->input(1)->name(), "c");
  EXPECT_EQ(f->input(2)->name(), "x");
  EXPECT_EQ(f->attrs().find("swap")->ints, (std::vector<int64_t>{1, 0}));
  EXPECT_TRUE(identical_outputs(run, 83));
}

TEST(ElementwiseFusion, IntermediateGraphOutputSplitsTheChain) {
  // a -> b is one chain (b is a graph output), c -> d another; d writes the last output.
  ModelBuilder b;
  b.input("x", DataType::Float, {4, 4});
  b.node("Abs", {"x"}, {"a"}, "abs");
  b.node("Sqrt", {"a"}, {"mid"}, "sqrt");
  b.node("Neg", {"mid"}, {"c"}, "neg");
  b.node("Exp", {"c"}, {"y"}, "exp");
  b.output("mid");
  b.output("y");
  const PassRun run = fuse(b);
  ASSERT_TRUE(run.after);
  EXPECT_EQ(run.rewrites, 2);
  ASSERT_EQ(count_nodes(*run.after), 2u) << describe_nodes(*run.after);
  EXPECT_EQ(run.after->nodes()[0]->name(), "abs + sqrt");
  EXPECT_EQ(run.after->nodes()[1]->name(), "neg + exp");
  EXPECT_EQ(run.after->outputs()[0]->name(), "mid");
  EXPECT_EQ(run.after->outputs()[1]->name(), "y");
  EXPECT_TRUE(identical_outputs(run, 84));
}

TEST(ElementwiseFusion, IntermediateWithTwoReadersBlocksTheFusion) {
  ModelBuilder b;
  b.input("x", DataType::Float, {4, 4});
  b.node("Abs", {"x"}, {"a"}, "abs");
  b.node("Sqrt", {"a"}, {"y"}, "sqrt");
  b.node("Concat", {"a", "y"}, {"z"}, "other", {{"axis", Attribute::of_int(0)}});
  b.output("z");
  const PassRun run = fuse(b);
  ASSERT_TRUE(run.after);
  EXPECT_EQ(run.rewrites, 0) << describe_nodes(*run.after);
  EXPECT_EQ(count_nodes(*run.after, "FusedElementwise"), 0u);
}

TEST(ElementwiseFusion, SingleNodesAndNonFloatChainsAreLeft) {
  ModelBuilder b;
  b.input("x", DataType::Float, {4});
  b.input("i", DataType::Int64, {4});
  b.node("Relu", {"x"}, {"y"}, "relu");
  b.node("Abs", {"i"}, {"ia"}, "int_abs");
  b.node("Neg", {"ia"}, {"iy"}, "int_neg");
  b.output("y");
  b.output("iy");
  const PassRun run = fuse(b);
  ASSERT_TRUE(run.after);
  EXPECT_EQ(run.rewrites, 0) << describe_nodes(*run.after);
}

TEST(ElementwiseFusion, ActivationOnAConvOutputIsLeftForTheEpilogue) {
  // Conv -> Relu -> Add -> Exp: the Relu belongs in the conv; Add -> Exp fuse.
  ModelBuilder b;
  b.input("x", DataType::Float, {1, 2, 5, 5});
  b.initializer("w", random_tensor({3, 2, 3, 3}, 73));
  b.initializer("c", scalar(0.1f));
  b.node("Conv", {"x", "w"}, {"conv"}, "conv");
  b.node("Relu", {"conv"}, {"r"}, "relu");
  b.node("Add", {"r", "c"}, {"a"}, "add");
  b.node("Exp", {"a"}, {"y"}, "exp");
  b.output("y");
  const PassRun run = fuse(b);
  ASSERT_TRUE(run.after);
  EXPECT_EQ(count_nodes(*run.after, "Relu"), 1u) << describe_nodes(*run.after);
  ASSERT_NE(find_node(*run.after, "FusedElementwise"), nullptr);
  EXPECT_EQ(find_node(*run.after, "FusedElementwise")->name(), "add + exp");
  EXPECT_TRUE(identical_outputs(run, 85));
}

// Imports `model` twice, turns its Conv 'conv' into a FusedConv with `epilogue` in both, and
// runs the pass on the second.
PassRun fuse_after_fused_conv(const std::string& model, const ir::Attributes& epilogue) {
  PassRun run;
  for (std::unique_ptr<ir::Graph>* g : {&run.before, &run.after}) {
    auto imported = onnx_import::import_bytes(model.data(), model.size(), ".");
    EXPECT_TRUE(imported.is_ok()) << imported.status().to_string();
    if (!imported.is_ok()) return {};
    *g = std::move(imported).value();
    ir::Node* conv = nullptr;
    for (const auto& n : (*g)->nodes()) {
      if (n->name() == "conv") conv = n.get();
    }
    ir::Attributes attrs = conv->attrs();
    for (const auto& [name, a] : epilogue.items()) attrs.set(name, a);
    auto fused = passes::replace_nodes(**g, {conv},
                                       {.kind = ir::OpKind::FusedConv, .inputs = conv->inputs(),
                                        .outputs = conv->outputs(), .attrs = attrs, .opset = 1});
    EXPECT_TRUE(fused.is_ok()) << fused.status().to_string();
  }
  auto pass = passes::make_elementwise_fusion({});
  auto r = pass->run(*run.after);
  EXPECT_TRUE(r.is_ok()) << r.status().to_string();
  run.rewrites = r.is_ok() ? *r : 0;
  EXPECT_TRUE(ir::verify_graph(*run.after).is_ok());
  return run;
}

TEST(ElementwiseFusion, ActivationOnAFusedConvTakesAFullEpilogueOnly) {
  ModelBuilder b;
  b.input("x", DataType::Float, {1, 2, 5, 5});
  b.initializer("w", random_tensor({3, 2, 3, 3}, 74));
  b.node("Conv", {"x", "w"}, {"conv"}, "conv");
  b.node("Sigmoid", {"conv"}, {"s"}, "sig");
  b.node("Neg", {"s"}, {"y"}, "neg");
  b.output("y");
  const std::string model = b.serialize();
  ir::Attributes free_post, full;
  free_post.set("activation", Attribute::of_string("Relu"));
  full.set("activation", Attribute::of_string("Relu"));
  full.set("post_activation", Attribute::of_string("Tanh"));
  PassRun run = fuse_after_fused_conv(model, free_post);
  ASSERT_TRUE(run.after);
  EXPECT_EQ(run.rewrites, 0) << describe_nodes(*run.after);
  run = fuse_after_fused_conv(model, full);
  ASSERT_TRUE(run.after);
  EXPECT_EQ(run.rewrites, 1) << describe_nodes(*run.after);
  EXPECT_EQ(count_nodes(*run.after, "FusedElementwise"), 1u);
  EXPECT_TRUE(identical_outputs(run, 86));
}

}  // namespace
}  // namespace hone::testing
