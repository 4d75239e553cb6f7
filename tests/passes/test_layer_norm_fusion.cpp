// layer_norm_fusion: the decomposed layer normalization (with and without its affine tail,
// axes as attribute or input, Pow or Mul squaring, Div or Reciprocal) becomes one
// LayerNormalization with the same outputs; a non-trailing axis or a shared intermediate
// leaves it alone.
#include "import/onnx/model_builder.hpp"
#include "passes/pass_harness.hpp"
#include "passes/passes.hpp"
#include "passes/pattern_models.hpp"

namespace hone::testing {
namespace {

using ir::Attribute;
using onnx_import::ModelBuilder;

PassRun fuse(const ModelBuilder& b) {
  auto pass = passes::make_layer_norm_fusion({});
  return run_pass(b.serialize(), *pass);
}

struct LayerNormSpelling {
  std::string name;
  int opset = 17;                      // 18+: ReduceMean axes is an input
  std::vector<int64_t> axes = {-1};
  Shape shape = {2, 5, 8};
  bool pow = true;                     // Pow(d, 2), else d * d
  bool reciprocal = false;             // d * Reciprocal(s), else d / s
  bool gamma = true;
  bool beta = true;
  Shape gamma_shape = {8};
  bool eps_first = false;              // Add(eps, var)
};

// x = in * 3 + 1 (a mean and spread away from 0 and 1), then the decomposition on x; `b`
// imports opset s.opset.
void write_layer_norm(ModelBuilder& b, const LayerNormSpelling& s) {
  b.input("in", DataType::Float, s.shape);
  b.initializer("three", scalar(3.0f));
  b.initializer("one", scalar(1.0f));
  b.node("Mul", {"in", "three"}, {"in3"}, "spread");
  b.node("Add", {"in3", "one"}, {"x"}, "shift");
  b.initializer("eps", scalar(1e-5f));
  b.initializer("two", scalar(2.0f));
  auto reduce_mean = [&](const std::string& in, const std::string& out, const std::string& name) {
    if (s.opset >= 18) {
      b.initializer(name + "_axes", int64s(s.axes));
      b.node("ReduceMean", {in, name + "_axes"}, {out}, name);
    } else {
      b.node("ReduceMean", {in}, {out}, name, {{"axes", Attribute::of_ints(s.axes)}});
    }
  };
  reduce_mean("x", "mean", "ln/mean");
  b.node("Sub", {"x", "mean"}, {"d"}, "ln/sub");
  if (s.pow) {
    b.node("Pow", {"d", "two"}, {"sq"}, "ln/pow");
  } else {
    b.node("Mul", {"d", "d"}, {"sq"}, "ln/pow");
  }
  reduce_mean("sq", "var", "ln/var");
  b.node("Add", s.eps_first ? std::vector<std::string>{"eps", "var"} : std::vector<std::string>{"var", "eps"}, {"ve"}, "ln/add_eps");
  b.node("Sqrt", {"ve"}, {"std"}, "ln/sqrt");
  const std::string normalized = s.gamma || s.beta ? "n" : "y";
  if (s.reciprocal) {
    b.node("Reciprocal", {"std"}, {"inv"}, "ln/recip");
    b.node("Mul", {"inv", "d"}, {normalized}, "ln/div");
  } else {
    b.node("Div", {"d", "std"}, {normalized}, "ln/div");
  }
  if (s.gamma) {
    b.initializer("gamma", random_tensor(s.gamma_shape, 31, 0.5f, 1.5f));
    b.node("Mul", {normalized, "gamma"}, {s.beta ? "g" : "y"}, "ln/mul");
  }
  if (s.beta) {
    b.initializer("beta", random_tensor({s.shape.back()}, 32));
    b.node("Add", {"beta", s.gamma ? "g" : "n"}, {"y"}, "ln/add");
  }
  b.output("y");
}

PassRun fuse(const LayerNormSpelling& s) {
  ModelBuilder b(s.opset);
  write_layer_norm(b, s);
  return fuse(b);
}

TEST(LayerNormFusion, DecompositionsBecomeLayerNormalization) {
  const std::vector<LayerNormSpelling> spellings = {
      {.name = "opset 17, last axis, gamma and beta"},
      {.name = "opset 18 axes input, d * d, reciprocal, eps first", .opset = 18, .pow = false, .reciprocal = true, .eps_first = true},
      {.name = "two trailing axes", .axes = {1, 2}, .gamma_shape = {5, 8}},
      {.name = "dynamic batch", .shape = {-1, 5, 8}},
      {.name = "gamma with a leading 1", .gamma_shape = {1, 1, 8}},
      {.name = "no affine tail", .gamma = false, .beta = false},
      {.name = "beta only", .gamma = false},
      {.name = "gamma only", .beta = false},
  };
  for (const LayerNormSpelling& s : spellings) {
    const PassRun run = fuse(s);
    ASSERT_TRUE(run.after) << s.name;
    EXPECT_EQ(run.rewrites, 1) << s.name;
    // Left: the two nodes making x, and the LayerNormalization.
    EXPECT_EQ(count_nodes(*run.after), 3u) << s.name << ": " << describe_nodes(*run.after);
    const ir::Node* ln = find_node(*run.after, "LayerNormalization");
    ASSERT_NE(ln, nullptr) << s.name << ": " << describe_nodes(*run.after);
    EXPECT_EQ(ln->input(0)->name(), "x") << s.name;
    EXPECT_EQ(ln->attrs().find("axis")->i, -static_cast<int64_t>(s.axes.size())) << s.name;
    EXPECT_FLOAT_EQ(ln->attrs().find("epsilon")->f, 1e-5f) << s.name;
    EXPECT_EQ(ln->num_inputs(), s.beta ? 3u : 2u) << s.name;
    std::string name = "ln/mean + ln/sub + ln/pow + ln/var + ln/add_eps + ln/sqrt";
    if (s.reciprocal) name += " + ln/recip";
    name += " + ln/div";
    if (s.gamma) name += " + ln/mul";
    if (s.beta) name += " + ln/add";
    EXPECT_EQ(ln->name(), name) << s.name;
    EXPECT_EQ(run.after->outputs()[0]->name(), "y") << s.name;
    EXPECT_TRUE(same_outputs(run, 41, 1e-5, 1e-6)) << s.name;
  }
}

TEST(LayerNormFusion, NonTrailingAxisIsLeft) {
  for (const std::vector<int64_t>& axes : {std::vector<int64_t>{1}, std::vector<int64_t>{0, 2}}) {
    const PassRun run = fuse({.name = "axis 1", .axes = axes, .gamma = false, .beta = false});
    ASSERT_TRUE(run.after);
    EXPECT_EQ(run.rewrites, 0) << describe_nodes(*run.after);
    EXPECT_EQ(count_nodes(*run.after, "LayerNormalization"), 0u);
  }
}

TEST(LayerNormFusion, GammaAlongALeadingAxisStaysAMul) {
  // gamma [5, 1] scales along axis 1 while the normalization is over axis 2: LayerNormalization
  // (with ones) takes the core, the Mul and Add stay.
  const PassRun run = fuse({.name = "gamma [5,1]", .gamma_shape = {5, 1}});
  ASSERT_TRUE(run.after);
  EXPECT_EQ(count_nodes(*run.after, "LayerNormalization"), 1u) << describe_nodes(*run.after);
  EXPECT_EQ(count_nodes(*run.after, "Mul"), 2u) << describe_nodes(*run.after);
  EXPECT_TRUE(same_outputs(run, 42, 1e-5, 1e-6));
}

TEST(LayerNormFusion, CenteredValueReadOutsideThePatternBlocksTheFusion) {
  ModelBuilder b;
  write_layer_norm(b, {.name = "d read twice"});
  b.output("d");
  const PassRun run = fuse(b);
  ASSERT_TRUE(run.after);
  EXPECT_EQ(run.rewrites, 0) << describe_nodes(*run.after);
}

TEST(LayerNormFusion, VarianceOverOtherAxesThanTheMeanIsLeft) {
  // mean over the last axis, variance over the last two: not a layer normalization.
  ModelBuilder b;
  b.input("x", DataType::Float, {2, 3, 4});
  b.initializer("eps", scalar(1e-5f));
  b.node("ReduceMean", {"x"}, {"mean"}, "mean", {{"axes", Attribute::of_ints({-1})}});
  b.node("Sub", {"x", "mean"}, {"d"}, "sub");
  b.node("Mul", {"d", "d"}, {"sq"}, "sq");
  b.node("ReduceMean", {"sq"}, {"var"}, "var", {{"axes", Attribute::of_ints({1, 2})}});
  b.node("Add", {"var", "eps"}, {"ve"}, "add");
  b.node("Sqrt", {"ve"}, {"s"}, "sqrt");
  b.node("Div", {"d", "s"}, {"y"}, "div");
  b.output("y");
  const PassRun run = fuse(b);
  ASSERT_TRUE(run.after);
  EXPECT_EQ(run.rewrites, 0) << describe_nodes(*run.after);
}

}  // namespace
}  // namespace hone::testing
