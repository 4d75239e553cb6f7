// activation_pattern_fusion: SiLU, HardSwish and GELU spellings collapse into one operator
// with the same outputs, and near misses (another tensor, a wrong constant, a second reader)
// are left alone.
#include "import/onnx/model_builder.hpp"
#include "passes/pass_harness.hpp"
#include "passes/passes.hpp"
#include "passes/pattern_models.hpp"

namespace hone::testing {
namespace {

using ir::Attribute;
using onnx_import::ModelBuilder;

PassRun fuse(const ModelBuilder& b) {
  auto pass = passes::make_activation_pattern_fusion({});
  return run_pass(b.serialize(), *pass);
}

// x = in * spread: the harness draws inputs in [-1, 1); the patterns' interesting ranges
// (ReLU6's kinks at -3 and 3, GELU's tails) need wider ones. 'x' has two readers.
void spread_input(ModelBuilder& b, const Shape& shape, float spread) {
  b.input("in", DataType::Float, shape);
  b.initializer("spread", scalar(spread));
  b.node("Mul", {"in", "spread"}, {"x"}, "spread_mul");
}

TEST(ActivationPatternFusion, SiluInEitherOperandOrderBecomesSwish) {
  for (bool sigmoid_first : {false, true}) {
    ModelBuilder b;
    b.input("x", DataType::Float, {2, 3, 4, 5});
    b.node("Sigmoid", {"x"}, {"s"}, "act/Sigmoid");
    b.node("Mul", sigmoid_first ? std::vector<std::string>{"s", "x"} : std::vector<std::string>{"x", "s"}, {"y"}, "act/Mul");
    b.output("y", DataType::Float, {2, 3, 4, 5});
    const PassRun run = fuse(b);
    ASSERT_TRUE(run.after) << "sigmoid_first " << sigmoid_first;
    EXPECT_EQ(run.rewrites, 1);
    EXPECT_EQ(count_nodes(*run.after), 1u) << describe_nodes(*run.after);
    const ir::Node* swish = find_node(*run.after, "Swish");
    ASSERT_NE(swish, nullptr) << describe_nodes(*run.after);
    EXPECT_EQ(swish->name(), "act/Sigmoid + act/Mul");
    EXPECT_EQ(swish->attrs().find("alpha")->f, 1.0f);
    EXPECT_EQ(run.after->outputs()[0]->name(), "y");
    EXPECT_TRUE(same_outputs(run, 7));
  }
}

TEST(ActivationPatternFusion, ConvSiluAsYolov8WritesItBecomesConvSwish) {
  // Conv -> Sigmoid -> Mul(conv, sigmoid): the conv output has two readers.
  ModelBuilder b;
  b.input("images", DataType::Float, {1, 3, 8, 8});
  b.initializer("w", random_tensor({4, 3, 3, 3}, 11));
  b.initializer("bias", random_tensor({4}, 12));
  b.node("Conv", {"images", "w", "bias"}, {"c"}, "/model.0/conv/Conv", {{"pads", Attribute::of_ints({1, 1, 1, 1})}});
  b.node("Sigmoid", {"c"}, {"s"}, "/model.0/act/Sigmoid");
  b.node("Mul", {"c", "s"}, {"y"}, "/model.0/act/Mul");
  b.output("y");
  const PassRun run = fuse(b);
  ASSERT_TRUE(run.after);
  EXPECT_EQ(count_nodes(*run.after, "Conv"), 1u);
  EXPECT_EQ(count_nodes(*run.after, "Sigmoid"), 0u);
  EXPECT_EQ(count_nodes(*run.after, "Mul"), 0u);
  ASSERT_EQ(count_nodes(*run.after, "Swish"), 1u) << describe_nodes(*run.after);
  EXPECT_EQ(find_node(*run.after, "Swish")->input(0)->name(), "c");
  EXPECT_TRUE(same_outputs(run, 3));
}

TEST(ActivationPatternFusion, PatternsOnDynamicShapesFuse) {
  // A symbolic batch and a conv whose spatial output dims are not inferred statically.
  ModelBuilder b;
  b.input("images", DataType::Float, {-1, 3, -1, -1});
  b.initializer("w", random_tensor({4, 3, 3, 3}, 13));
  b.node("Conv", {"images", "w"}, {"c"}, "conv", {{"pads", Attribute::of_ints({1, 1, 1, 1})}});
  b.node("Sigmoid", {"c"}, {"s"}, "sig");
  b.node("Mul", {"s", "c"}, {"m"}, "mul");
  b.initializer("sqrt2", scalar(1.4142135f));
  b.initializer("one", scalar(1.0f));
  b.initializer("half", scalar(0.5f));
  b.node("Div", {"m", "sqrt2"}, {"t"}, "scale");
  b.node("Erf", {"t"}, {"e"}, "erf");
  b.node("Add", {"e", "one"}, {"p"}, "add1");
  b.node("Mul", {"m", "p"}, {"mp"}, "mul_x");
  b.node("Mul", {"mp", "half"}, {"y"}, "mul_half");
  b.output("y");
  const PassRun run = fuse(b);
  ASSERT_TRUE(run.after);
  ASSERT_FALSE(run.before->find_value("c")->type().shape.is_static());
  EXPECT_EQ(run.rewrites, 2);
  EXPECT_EQ(count_nodes(*run.after), 3u) << describe_nodes(*run.after);
  EXPECT_EQ(count_nodes(*run.after, "Swish"), 1u);
  EXPECT_EQ(count_nodes(*run.after, "Gelu"), 1u);
  EXPECT_TRUE(same_outputs(run, 4));
}

TEST(ActivationPatternFusion, SigmoidOfAnotherTensorIsLeft) {
  ModelBuilder b;
  b.input("x", DataType::Float, {4, 6});
  b.input("z", DataType::Float, {4, 6});
  b.node("Sigmoid", {"z"}, {"s"}, "sig");
  b.node("Mul", {"x", "s"}, {"y"}, "mul");
  b.output("y");
  const PassRun run = fuse(b);
  ASSERT_TRUE(run.after);
  EXPECT_EQ(run.rewrites, 0);
  EXPECT_EQ(count_nodes(*run.after, "Sigmoid"), 1u);
  EXPECT_EQ(count_nodes(*run.after, "Mul"), 1u);
}

TEST(ActivationPatternFusion, SigmoidWithASecondReaderBlocksTheFusion) {
  ModelBuilder b;
  b.input("x", DataType::Float, {4, 6});
  b.node("Sigmoid", {"x"}, {"s"}, "sig");
  b.node("Mul", {"x", "s"}, {"y"}, "mul");
  b.node("Neg", {"s"}, {"t"}, "other_reader");
  b.output("y");
  b.output("t");
  const PassRun run = fuse(b);
  ASSERT_TRUE(run.after);
  EXPECT_EQ(run.rewrites, 0);
  EXPECT_EQ(count_nodes(*run.after, "Swish"), 0u);
}

TEST(ActivationPatternFusion, HardSigmoidGateBecomesHardSwishOnlyWithItsConstants) {
  for (float alpha : {1.0f / 6.0f, 0.2f}) {
    ModelBuilder b;
    spread_input(b, {3, 7}, 5.0f);
    b.node("HardSigmoid", {"x"}, {"h"}, "hsig",
           {{"alpha", Attribute::of_float(alpha)}, {"beta", Attribute::of_float(0.5f)}});
    b.node("Mul", {"h", "x"}, {"y"}, "mul");
    b.output("y");
    const PassRun run = fuse(b);
    ASSERT_TRUE(run.after);
    const bool fused = alpha != 0.2f;
    EXPECT_EQ(count_nodes(*run.after, "HardSwish"), fused ? 1u : 0u) << "alpha " << alpha << ": " << describe_nodes(*run.after);
    EXPECT_EQ(count_nodes(*run.after), fused ? 2u : 3u);
    if (fused) {
      EXPECT_EQ(find_node(*run.after, "HardSwish")->name(), "hsig + mul");
    }
    EXPECT_TRUE(same_outputs(run, 5));
  }
}

// x * Clip(x + 3, 0, 6) / 6, spelled with the / 6 last or on the gate, as * (1/6), and with
// the Add's operands either way round.
TEST(ActivationPatternFusion, Relu6SpellingsBecomeHardSwish) {
  enum class Sixth { DivLast, MulLast, DivOnGate, MulOnGate };
  for (Sixth sixth : {Sixth::DivLast, Sixth::MulLast, Sixth::DivOnGate, Sixth::MulOnGate}) {
    for (bool three_first : {false, true}) {
      ModelBuilder b;
      spread_input(b, {2, 50}, 5.0f);
      b.initializer("three", scalar(3.0f));
      b.initializer("zero", scalar(0.0f));
      b.initializer("six", scalar(6.0f));
      b.initializer("inv6", scalar(1.0f / 6.0f));
      b.node("Add", three_first ? std::vector<std::string>{"three", "x"} : std::vector<std::string>{"x", "three"}, {"a"}, "add3");
      b.node("Clip", {"a", "zero", "six"}, {"r"}, "relu6");
      const bool last = sixth == Sixth::DivLast || sixth == Sixth::MulLast;
      const bool div = sixth == Sixth::DivLast || sixth == Sixth::DivOnGate;
      if (last) {
        b.node("Mul", {"x", "r"}, {"m"}, "mul");
        b.node(div ? "Div" : "Mul", {"m", div ? "six" : "inv6"}, {"y"}, "sixth");
      } else {
        b.node(div ? "Div" : "Mul", {"r", div ? "six" : "inv6"}, {"g"}, "sixth");
        b.node("Mul", {"g", "x"}, {"y"}, "mul");
      }
      b.output("y");
      const PassRun run = fuse(b);
      ASSERT_TRUE(run.after);
      const std::string where = "sixth " + std::to_string(static_cast<int>(sixth)) + ", three_first " + std::to_string(three_first);
      ASSERT_EQ(count_nodes(*run.after, "HardSwish"), 1u) << where << ": " << describe_nodes(*run.after);
      EXPECT_EQ(count_nodes(*run.after), 2u) << where;
      EXPECT_EQ(find_node(*run.after, "HardSwish")->name(), last ? "add3 + relu6 + mul + sixth" : "add3 + relu6 + sixth + mul");
      EXPECT_TRUE(same_outputs(run, 9)) << where;
    }
  }
}

// How a GELU spelling places its constants.
struct GeluSpelling {
  std::string name;
  bool div_by_sqrt2 = true;          // x / 1.4142135, else x * 0.70710678
  enum Half { OnProduct, OnX, OnFactor, DivProductBy2 } half = OnProduct;
  bool one_first = false;            // Add(1, erf) instead of Add(erf, 1)
  float half_value = 0.5f;
  bool tanh = false;                 // the tanh approximation instead of erf
  bool pow = true;                   // tanh form: Pow(x, 3), else x * x * x
};

// Writes the spelling on x = 4 * in and returns the expected fused name.
std::string write_gelu(ModelBuilder& b, const GeluSpelling& s) {
  spread_input(b, {3, 40}, 4.0f);
  b.initializer("one", scalar(1.0f));
  b.initializer("half", scalar(s.half_value));
  b.initializer("two", scalar(2.0f));
  std::vector<std::string> names;
  auto node = [&](const std::string& op, const std::vector<std::string>& in, const std::string& out, const std::string& name) {
    b.node(op, in, {out}, name);
    names.push_back(name);
  };
  if (s.tanh) {
    b.initializer("three", scalar(3.0f));
    b.initializer("c", scalar(0.044715f));
    b.initializer("k", scalar(0.7978845608f));
    if (s.pow) {
      node("Pow", {"x", "three"}, "cube", "pow");
    } else {
      node("Mul", {"x", "x"}, "sq", "square");
      node("Mul", {"sq", "x"}, "cube", "cube");
    }
    node("Mul", {"c", "cube"}, "cc", "mul_c");
    node("Add", {"x", "cc"}, "inner", "add_x");
    node("Mul", {"inner", "k"}, "t", "mul_k");
    node("Tanh", {"t"}, "e", "tanh");
  } else {
    if (s.div_by_sqrt2) {
      b.initializer("sqrt2", scalar(1.4142135f));
      node("Div", {"x", "sqrt2"}, "t", "scale");
    } else {
      b.initializer("inv_sqrt2", scalar(0.70710678f));
      node("Mul", {"inv_sqrt2", "x"}, "t", "scale");
    }
    node("Erf", {"t"}, "e", "erf");
  }
  node("Add", s.one_first ? std::vector<std::string>{"one", "e"} : std::vector<std::string>{"e", "one"}, "p", "add1");
  switch (s.half) {
    case GeluSpelling::OnProduct:
      node("Mul", {"x", "p"}, "xp", "mul_x");
      node("Mul", {"xp", "half"}, "y", "mul_half");
      break;
    case GeluSpelling::DivProductBy2:
      node("Mul", {"p", "x"}, "xp", "mul_x");
      node("Div", {"xp", "two"}, "y", "div_2");
      break;
    case GeluSpelling::OnX:
      node("Mul", {"x", "half"}, "hx", "mul_half");
      node("Mul", {"hx", "p"}, "y", "mul_x");
      break;
    case GeluSpelling::OnFactor:
      node("Mul", {"half", "p"}, "hp", "mul_half");
      node("Mul", {"x", "hp"}, "y", "mul_x");
      break;
  }
  b.output("y");
  std::string joined;
  for (const std::string& n : names) joined += (joined.empty() ? "" : " + ") + n;
  return joined;
}

TEST(ActivationPatternFusion, GeluSpellingsBecomeGelu) {
  const std::vector<GeluSpelling> spellings = {
      {.name = "erf, div, half on product"},
      {.name = "erf, mul by 1/sqrt2, half on x, 1 + erf", .div_by_sqrt2 = false, .half = GeluSpelling::OnX, .one_first = true},
      {.name = "erf, half on factor", .half = GeluSpelling::OnFactor},
      {.name = "erf, product / 2", .div_by_sqrt2 = false, .half = GeluSpelling::DivProductBy2},
      {.name = "tanh, pow, half on product", .tanh = true},
      {.name = "tanh, x*x*x, half on x", .half = GeluSpelling::OnX, .one_first = true, .tanh = true, .pow = false},
      {.name = "tanh, x*x*x, half on factor", .half = GeluSpelling::OnFactor, .tanh = true, .pow = false},
  };
  for (const GeluSpelling& s : spellings) {
    ModelBuilder b;
    const std::string expected_name = write_gelu(b, s);
    const PassRun run = fuse(b);
    ASSERT_TRUE(run.after) << s.name;
    EXPECT_EQ(run.rewrites, 1) << s.name;
    // What is left: the spreading Mul and the Gelu.
    EXPECT_EQ(count_nodes(*run.after), 2u) << s.name << ": " << describe_nodes(*run.after);
    const ir::Node* gelu = find_node(*run.after, "Gelu");
    ASSERT_NE(gelu, nullptr) << s.name << ": " << describe_nodes(*run.after);
    EXPECT_EQ(gelu->attrs().find("approximate")->s, s.tanh ? "tanh" : "none") << s.name;
    EXPECT_EQ(gelu->name(), expected_name) << s.name;
    EXPECT_EQ(gelu->input(0)->name(), "x") << s.name;
    EXPECT_EQ(run.after->outputs()[0]->name(), "y") << s.name;
    EXPECT_TRUE(same_outputs(run, 21)) << s.name;
  }
}

TEST(ActivationPatternFusion, GeluWithAWrongConstantIsLeft) {
  for (bool tanh : {false, true}) {
    ModelBuilder b;
    write_gelu(b, {.name = "0.6", .half_value = 0.6f, .tanh = tanh});
    const PassRun run = fuse(b);
    ASSERT_TRUE(run.after);
    EXPECT_EQ(run.rewrites, 0) << "tanh " << tanh << ": " << describe_nodes(*run.after);
    EXPECT_EQ(count_nodes(*run.after, "Gelu"), 0u);
  }
}

TEST(ActivationPatternFusion, GeluWhoseErfIsReadTwiceIsLeft) {
  ModelBuilder b;
  write_gelu(b, {.name = "erf read twice"});
  b.output("e");
  const PassRun run = fuse(b);
  ASSERT_TRUE(run.after);
  EXPECT_EQ(run.rewrites, 0) << describe_nodes(*run.after);
  EXPECT_EQ(count_nodes(*run.after, "Erf"), 1u);
}

TEST(ActivationPatternFusion, ConstantThatBroadcastsXToALargerShapeBlocksTheFusion) {
  // 0.5 of shape [1, 1, 1] makes the rank-2 x's GELU output rank 3.
  ModelBuilder c;
  spread_input(c, {3, 40}, 4.0f);
  c.initializer("one", scalar(1.0f));
  c.initializer("half", Tensor::from_vector<float>(DataType::Float, {1, 1, 1}, {0.5f}));
  c.initializer("sqrt2", scalar(1.4142135f));
  c.node("Div", {"x", "sqrt2"}, {"t"}, "scale");
  c.node("Erf", {"t"}, {"e"}, "erf");
  c.node("Add", {"e", "one"}, {"p"}, "add1");
  c.node("Mul", {"x", "p"}, {"xp"}, "mul_x");
  c.node("Mul", {"xp", "half"}, {"y"}, "mul_half");
  c.output("y");
  const PassRun run = fuse(c);
  ASSERT_TRUE(run.after);
  EXPECT_EQ(run.rewrites, 0) << describe_nodes(*run.after);
  EXPECT_EQ(run.after->outputs()[0]->type().shape.rank(), 3u);
}

}  // namespace
}  // namespace hone::testing
