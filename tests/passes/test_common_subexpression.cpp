// common_subexpression: equal constants and equal computations merge (readers then read the
// first), graph output names survive, and nodes that only look alike (other attributes, random
// numbers, swapped inputs) stay apart.
#include <gtest/gtest.h>

#include "import/onnx/model_builder.hpp"
#include "passes/cleanup_models.hpp"
#include "passes/pass_harness.hpp"
#include "passes/passes.hpp"

namespace hone::testing {
namespace {

using onnx_import::ModelBuilder;

PassRun merge(const std::string& model) {
  auto pass = passes::make_common_subexpression({});
  return run_pass(model, *pass);
}

// Two 3x3 Convs of x, each followed by a Relu; `w2`/`b2` equal `w1`/`b1` unless
// `other_weights`; the second Conv has strides 2 when `strided`. Equal-shaped results are
// added, others are both returned.
std::string two_convs(bool other_weights, bool strided) {
  ModelBuilder b;
  b.input("x", DataType::Float, {1, 2, 6, 6});
  b.initializer("w1", random_floats({4, 2, 3, 3}, 1));
  b.initializer("b1", random_floats({4}, 2));
  b.initializer("w2", random_floats({4, 2, 3, 3}, other_weights ? 3 : 1));
  b.initializer("b2", random_floats({4}, 2));
  const std::vector<std::pair<std::string, ir::Attribute>> attrs = {
      {"kernel_shape", ir::Attribute::of_ints({3, 3})}, {"pads", ir::Attribute::of_ints({1, 1, 1, 1})}};
  b.node("Conv", {"x", "w1", "b1"}, {"c1"}, "conv1", attrs);
  auto attrs2 = attrs;
  if (strided) attrs2.emplace_back("strides", ir::Attribute::of_ints({2, 2}));
  b.node("Conv", {"x", "w2", "b2"}, {"c2"}, "conv2", attrs2);
  b.node("Relu", {"c1"}, {"r1"}, "relu1");
  b.node("Relu", {"c2"}, {"r2"}, "relu2");
  if (strided) {
    b.output("r1");
    b.output("r2");
  } else {
    b.node("Add", {"r1", "r2"}, {"y"}, "add");
    b.output("y");
  }
  return b.serialize();
}

TEST(CommonSubexpression, IdenticalConvsWithEqualWeightsMerge) {
  PassRun run = merge(two_convs(false, false));
  ASSERT_TRUE(run.after);
  EXPECT_TRUE(same_output_names(run));
  // w2 -> w1 and b2 -> b1, then the Convs, then the Relus behind them.
  EXPECT_EQ(run.rewrites, 4);
  EXPECT_EQ(count_nodes(*run.after, "Conv"), 1u);
  EXPECT_EQ(count_nodes(*run.after, "Relu"), 1u);
  const ir::Node* add = find_node(*run.after, "Add");
  ASSERT_NE(add, nullptr);
  EXPECT_EQ(add->input(0), add->input(1));
  EXPECT_EQ(find_node(*run.after, "Conv")->name(), "conv1");
  EXPECT_TRUE(same_outputs(run));
}

TEST(CommonSubexpression, ConvsWithOtherWeightsOrStridesStay) {
  for (auto [other_weights, strided] : {std::pair{true, false}, std::pair{false, true}}) {
    PassRun run = merge(two_convs(other_weights, strided));
    ASSERT_TRUE(run.after);
    EXPECT_TRUE(same_output_names(run));
    EXPECT_EQ(count_nodes(*run.after, "Conv"), 2u) << "other weights " << other_weights << ", strided " << strided;
    EXPECT_EQ(count_nodes(*run.after, "Relu"), 2u);
    EXPECT_TRUE(same_outputs(run));
  }
}

TEST(CommonSubexpression, OmittedAttributeEqualsItsDefault) {
  ModelBuilder b;
  b.input("x", DataType::Float, {3, 3});
  b.initializer("index", Tensor::from_vector<int64_t>(DataType::Int64, {2}, {2, 0}));
  b.node("Gather", {"x", "index"}, {"a"}, "implicit");
  b.node("Gather", {"x", "index"}, {"b"}, "explicit", {{"axis", ir::Attribute::of_int(0)}});
  b.node("Gather", {"x", "index"}, {"c"}, "other_axis", {{"axis", ir::Attribute::of_int(1)}});
  b.node("Transpose", {"c"}, {"ct"}, "transpose");
  b.node("Sum", {"a", "b", "ct"}, {"y"}, "sum");
  b.output("y");
  PassRun run = merge(b.serialize());
  ASSERT_TRUE(run.after);
  EXPECT_TRUE(same_output_names(run));
  EXPECT_EQ(run.rewrites, 1);
  EXPECT_EQ(count_nodes(*run.after, "Gather"), 2u);
  EXPECT_NE(run.after->find_value("c")->producer(), nullptr);
  EXPECT_TRUE(same_outputs(run));
}

TEST(CommonSubexpression, SwappedInputsAndFloatAttributesAreCompared) {
  ModelBuilder b;
  b.input("x", DataType::Float, {4});
  b.input("z", DataType::Float, {4});
  b.node("Sub", {"x", "z"}, {"a"}, "sub1");
  b.node("Sub", {"z", "x"}, {"b"}, "sub2");
  b.node("LeakyRelu", {"a"}, {"c"}, "leaky1", {{"alpha", ir::Attribute::of_float(0.1f)}});
  b.node("LeakyRelu", {"a"}, {"d"}, "leaky2", {{"alpha", ir::Attribute::of_float(0.2f)}});
  b.node("Sum", {"b", "c", "d"}, {"y"}, "sum");
  b.output("y");
  PassRun run = merge(b.serialize());
  ASSERT_TRUE(run.after);
  EXPECT_TRUE(same_output_names(run));
  EXPECT_EQ(run.rewrites, 0);
  EXPECT_EQ(count_nodes(*run.after), 5u);
}

TEST(CommonSubexpression, RandomNormalNodesAreNotMerged) {
  ModelBuilder b;
  b.input("x", DataType::Float, {2, 3});
  const std::vector<std::pair<std::string, ir::Attribute>> attrs = {{"shape", ir::Attribute::of_ints({2, 3})},
                                                                     {"seed", ir::Attribute::of_float(1.0f)}};
  b.node("RandomNormal", {}, {"n1"}, "normal1", attrs);
  b.node("RandomNormal", {}, {"n2"}, "normal2", attrs);
  b.node("Sum", {"x", "n1", "n2"}, {"y"}, "sum");
  b.output("y");
  PassRun run = merge(b.serialize());
  ASSERT_TRUE(run.after);
  EXPECT_TRUE(same_output_names(run));
  EXPECT_EQ(run.rewrites, 0);
  EXPECT_EQ(count_nodes(*run.after, "RandomNormal"), 2u);
}

TEST(CommonSubexpression, DuplicateThatIsAGraphOutputKeepsItsName) {
  ModelBuilder b;
  b.input("x", DataType::Float, {3});
  b.node("Relu", {"x"}, {"t"}, "relu1");
  b.node("Sigmoid", {"t"}, {"s"}, "sigmoid");
  b.node("Relu", {"x"}, {"y"}, "relu2");
  b.output("s", DataType::Float, {3});
  b.output("y", DataType::Float, {3});
  PassRun run = merge(b.serialize());
  ASSERT_TRUE(run.after);
  EXPECT_TRUE(same_output_names(run));
  EXPECT_EQ(run.rewrites, 1);
  EXPECT_EQ(count_nodes(*run.after, "Relu"), 1u);
  // The remaining Relu writes the graph output y, which Sigmoid now reads.
  EXPECT_EQ(find_node(*run.after, "Sigmoid")->input(0)->name(), "y");
  EXPECT_TRUE(same_outputs(run));
}

TEST(CommonSubexpression, TwoGraphOutputsOfEqualNodesStay) {
  ModelBuilder b;
  b.input("x", DataType::Float, {3});
  b.node("Relu", {"x"}, {"y1"}, "relu1");
  b.node("Relu", {"x"}, {"y2"}, "relu2");
  b.output("y1", DataType::Float, {3});
  b.output("y2", DataType::Float, {3});
  PassRun run = merge(b.serialize());
  ASSERT_TRUE(run.after);
  EXPECT_TRUE(same_output_names(run));
  EXPECT_EQ(run.rewrites, 0);
  EXPECT_TRUE(same_outputs(run));
}

TEST(CommonSubexpression, MultiOutputNodesMergeOutputByOutput) {
  ModelBuilder b(18);
  b.input("x", DataType::Float, {4, 3});
  const std::vector<std::pair<std::string, ir::Attribute>> attrs = {{"axis", ir::Attribute::of_int(0)},
                                                                     {"num_outputs", ir::Attribute::of_int(2)}};
  b.node("Split", {"x"}, {"a1", "b1"}, "split1", attrs);
  b.node("Split", {"x"}, {"a2", "b2"}, "split2", attrs);
  b.node("Sum", {"a1", "b1", "a2", "b2"}, {"y"}, "sum");
  b.output("y");
  PassRun run = merge(b.serialize());
  ASSERT_TRUE(run.after);
  EXPECT_TRUE(same_output_names(run));
  EXPECT_EQ(run.rewrites, 1);
  EXPECT_EQ(count_nodes(*run.after, "Split"), 1u);
  const ir::Node* sum = find_node(*run.after, "Sum");
  ASSERT_NE(sum, nullptr);
  EXPECT_EQ(sum->input(0), sum->input(2));
  EXPECT_EQ(sum->input(1), sum->input(3));
  EXPECT_TRUE(same_outputs(run));
}

TEST(CommonSubexpression, EqualConstantsMergeDifferentOnesStay) {
  ModelBuilder b;
  b.input("x", DataType::Float, {3});
  b.initializer("k1", Tensor::from_vector<float>(DataType::Float, {3}, {1.0f, 2.0f, 3.0f}));
  b.initializer("k2", Tensor::from_vector<float>(DataType::Float, {3}, {1.0f, 2.0f, 3.0f}));
  b.initializer("zero", Tensor::from_vector<float>(DataType::Float, {3}, {0.0f, 0.0f, 0.0f}));
  b.initializer("minus_zero", Tensor::from_vector<float>(DataType::Float, {3}, {-0.0f, 0.0f, 0.0f}));
  b.initializer("ints", Tensor::from_vector<int32_t>(DataType::Int32, {3}, {0, 0, 0}));
  b.node("Mul", {"x", "k1"}, {"a"}, "mul1");
  b.node("Mul", {"x", "k2"}, {"b"}, "mul2");  // same as mul1 once k2 reads as k1
  b.node("Add", {"x", "zero"}, {"c"}, "add_zero");
  b.node("Add", {"x", "minus_zero"}, {"d"}, "add_minus_zero");  // -0 differs from 0 bitwise
  b.node("Cast", {"ints"}, {"e"}, "cast", {{"to", ir::Attribute::of_int(static_cast<int>(DataType::Float))}});
  b.node("Sum", {"a", "b", "c", "d", "e"}, {"y"}, "sum");
  b.output("y");
  PassRun run = merge(b.serialize());
  ASSERT_TRUE(run.after);
  EXPECT_TRUE(same_output_names(run));
  EXPECT_EQ(run.rewrites, 2);
  EXPECT_EQ(count_nodes(*run.after, "Mul"), 1u);
  EXPECT_EQ(count_nodes(*run.after, "Add"), 2u);
  EXPECT_TRUE(run.after->find_value("k2")->uses().empty());
  EXPECT_TRUE(same_outputs(run));
}

}  // namespace
}  // namespace hone::testing
