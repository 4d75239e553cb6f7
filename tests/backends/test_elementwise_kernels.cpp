// The CPU elementwise tactics against the reference kernels: unary math and activation layers,
// binary arithmetic with numpy broadcasting (same shape, scalar, per-channel, row, both sides,
// empty), variadic Sum/Max/Min/Mean, FusedElementwise chains and BatchNormalization, at every
// ISA level here with 1, 2 and 3 threads; and the layers they must leave to the reference.
#include <limits>

#include "kernel_harness.hpp"

namespace hone::cpu::testing {
namespace {

using ir::Attribute;

const float kNan = std::numeric_limits<float>::quiet_NaN();
const float kInf = std::numeric_limits<float>::infinity();

// Lengths around the vector widths and the chain block, and one big enough to be threaded.
const Shape kUnaryShapes[] = {{1}, {7}, {16}, {17}, {3, 5, 7}, {1025}, {2, 3, 67, 97}};

LayerCase unary(std::string op, Tensor x, ir::Attributes attrs = {}) {
  LayerCase c;
  c.op_type = std::move(op);
  c.inputs = {std::move(x)};
  c.attrs = std::move(attrs);
  return c;
}

// Random values in [lo, hi) with the special values at the front.
Tensor with_specials(Shape shape, uint64_t seed, float lo, float hi) {
  Tensor t = random_tensor(std::move(shape), seed, lo, hi);
  const float specials[] = {0.0f, -0.0f, kInf, -kInf, kNan, 1.0f, -1.0f, 1e-30f};
  for (int64_t i = 0; i < t.numel() && i < 8; ++i) t.data<float>()[i] = specials[i];
  return t;
}

TEST(CpuUnaryKernels, PiecewiseLinearAndExactMathOpsAreBitIdentical) {
  uint64_t seed = 1;
  for (const char* op : {"Relu", "Abs", "Neg", "Floor", "Ceil", "Sqrt", "Reciprocal"}) {
    for (const Shape& s : kUnaryShapes) {
      expect_tactic_matches_reference("unary", unary(op, with_specials(s, seed++, -5.0f, 5.0f)), Tolerance::bits());
    }
  }
  for (const Shape& s : kUnaryShapes) {
    expect_tactic_matches_reference(
        "unary",
        unary("LeakyRelu", with_specials(s, seed++, -5, 5), make_attrs({{"alpha", Attribute::of_float(0.1f)}})),
        Tolerance::bits());
  }
}

TEST(CpuUnaryKernels, TranscendentalOpsMatchTheReference) {
  uint64_t seed = 100;
  struct Op {
    const char* name;
    float lo, hi;
    ir::Attributes attrs;
    double atol;
  };
  const Op ops[] = {
      {"Exp", -20, 20, {}, 1e-6},
      {"Log", 1e-3f, 100, {}, 1e-6},
      {"Erf", -4, 4, {}, 1e-6},
      {"Sigmoid", -20, 20, {}, 1e-6},
      {"Tanh", -10, 10, {}, 1e-6},
      {"Softplus", -20, 20, {}, 1e-6},
      {"Mish", -10, 10, {}, 1e-6},
      {"Elu", -5, 5, make_attrs({{"alpha", Attribute::of_float(0.7f)}}), 1e-6},
      {"Swish", -10, 10, make_attrs({{"alpha", Attribute::of_float(1.702f)}}), 1e-6},
      {"HardSigmoid", -5, 5, make_attrs({{"alpha", Attribute::of_float(0.3f)}, {"beta", Attribute::of_float(0.4f)}}),
       1e-6},
      {"HardSwish", -5, 5, {}, 1e-6},
      // GELU's erf form cancels in its tail (kernels/activation.hpp): an absolute floor there.
      {"Gelu", -5, 5, {}, 1e-5},
      {"Gelu", -5, 5, make_attrs({{"approximate", Attribute::of_string("tanh")}}), 1e-5},
  };
  for (const Op& op : ops) {
    for (const Shape& s : kUnaryShapes) {
      LayerCase c = unary(op.name, with_specials(s, seed++, op.lo, op.hi), op.attrs);
      c.opset = 20;  // Gelu
      expect_tactic_matches_reference("unary", c, Tolerance::near(2e-5, op.atol));
    }
  }
}

TEST(CpuUnaryKernels, ClipBoundsFromAttributesAndConstantInputs) {
  const Tensor x = with_specials({3, 41}, 7, -3, 3);
  LayerCase legacy =
      unary("Clip", x, make_attrs({{"min", Attribute::of_float(-0.5f)}, {"max", Attribute::of_float(1.5f)}}));
  legacy.opset = 6;
  expect_tactic_matches_reference("unary", legacy, Tolerance::bits());
  LayerCase both = unary("Clip", x);
  both.inputs = {x, f32({}, {0.0f}), f32({}, {6.0f})};
  expect_tactic_matches_reference("unary", both, Tolerance::bits());
  LayerCase max_only = unary("Clip", x);
  max_only.inputs = {x, Tensor(), f32({}, {0.25f})};
  expect_tactic_matches_reference("unary", max_only, Tolerance::bits());
}

LayerCase binary(std::string op, Tensor a, Tensor b, bool b_constant = false) {
  LayerCase c;
  c.op_type = std::move(op);
  c.inputs = {std::move(a), std::move(b)};
  c.constant = {false, b_constant};
  return c;
}

// Shapes of A and B covering each fast path and the general walk.
const std::pair<Shape, Shape> kBroadcasts[] = {
    {{2, 3, 17, 19}, {2, 3, 17, 19}},  // same shape
    {{2, 3, 17, 19}, {}},              // scalar
    {{}, {2, 3, 17, 19}},              // scalar first
    {{2, 3, 17, 19}, {3, 1, 1}},       // per channel
    {{2, 3, 17, 19}, {19}},            // row
    {{2, 1, 17, 1}, {1, 3, 1, 19}},    // both broadcast
    {{5, 1}, {1, 1, 7}},               // ranks differ
    {{1}, {33}},
    {{0, 3}, {3}},                     // empty
    {{1, 64, 80, 80}, {1, 64, 80, 80}},  // threaded, one row
    {{1, 64, 80, 80}, {64, 1, 1}},     // threaded, rows with one value each
    {{3, 70001}, {70001}},             // threaded, few long rows
    // Short rows widened (BroadcastPlan::widen), the repeating operand tiled:
    {{1, 3, 7, 9, 16}, {1, 3, 1, 1, 16}},    // per channel in the blocked layout
    {{1, 4, 6, 6, 16}, {4, 1, 1, 16}},
    {{3, 20, 8}, {8}},                       // one period over many rows
    {{1, 2, 100, 100, 16}, {1, 2, 1, 1, 16}},  // widened up to the limit, then rows
    {{1, 2, 5, 16}, {1, 2, 5, 1}},           // one value per row: not widened
};

TEST(CpuBinaryKernels, ArithmeticWithEveryBroadcastIsBitIdentical) {
  uint64_t seed = 200;
  for (const char* op : {"Add", "Sub", "Mul", "Div"}) {
    for (const auto& [a, b] : kBroadcasts) {
      expect_tactic_matches_reference(
          "binary", binary(op, with_specials(a, seed, -2, 2), random_tensor(b, seed + 1, -2, 2)), Tolerance::bits());
      ++seed;
    }
  }
}

TEST(CpuBinaryKernels, ConstantOperandsAndDynamicShapes) {
  LayerCase c = binary("Mul", random_tensor({1, 32, 9, 11}, 3), random_tensor({32, 1, 1}, 4), true);
  expect_tactic_matches_reference("binary", c, Tolerance::bits());
  LayerCase d = binary("Sub", random_tensor({2, 5, 9}, 5), random_tensor({9}, 6));
  d.symbolic_shapes = true;
  expect_tactic_matches_reference("binary", d, Tolerance::bits());
}

TEST(CpuBinaryKernels, PowMatchesTheDoublePrecisionReference) {
  uint64_t seed = 300;
  const Tensor base = with_specials({3, 37}, seed++, -3, 3);
  for (float e : {1.0f, 2.0f, 3.0f, 0.5f, 2.5f, -1.0f}) {
    const bool exact = e == 1.0f || e == 2.0f;
    expect_tactic_matches_reference("binary", binary("Pow", base, f32({}, {e}), true),
                                    exact ? Tolerance::bits() : Tolerance::near(1e-6, 1e-30));
  }
  // A tensor of exponents, and a negative base with -inf, -0.
  expect_tactic_matches_reference(
      "binary", binary("Pow", random_tensor({4, 9}, seed, 0.1f, 3), random_tensor({9}, seed + 1, -2, 2)),
      Tolerance::near(1e-6, 1e-30));
  expect_tactic_matches_reference("binary", binary("Pow", f32({4}, {-kInf, -0.0f, -4.0f, kInf}), f32({}, {0.5f})),
                                  Tolerance::bits());
}

LayerCase variadic(std::string op, std::vector<Tensor> inputs) {
  LayerCase c;
  c.op_type = std::move(op);
  c.constant.assign(inputs.size(), false);
  c.inputs = std::move(inputs);
  return c;
}

TEST(CpuVariadicKernels, SumMaxMinMeanOverBroadcastInputs) {
  uint64_t seed = 400;
  const std::vector<std::vector<Shape>> shapes = {
      {{2, 3, 5}},
      {{2, 3, 5}, {2, 3, 5}},
      {{2, 3, 5}, {5}, {3, 1}},
      {{1, 7}, {4, 1}, {}, {4, 7}},
      {{1, 32, 40, 40}, {1, 32, 40, 40}, {32, 1, 1}},
  };
  for (const char* op : {"Sum", "Max", "Min", "Mean"}) {
    for (const auto& list : shapes) {
      std::vector<Tensor> inputs;
      for (const Shape& s : list) inputs.push_back(with_specials(s, seed++, -3, 3));
      expect_tactic_matches_reference("variadic", variadic(op, inputs), Tolerance::bits());
    }
  }
}

TEST(CpuVariadicKernels, MaxAndMinPropagateNanFromEitherSide) {
  const Tensor a = f32({6}, {kNan, 1.0f, kNan, -0.0f, 0.0f, 2.0f});
  const Tensor b = f32({6}, {1.0f, kNan, kNan, 0.0f, -0.0f, 2.0f});
  for (const char* op : {"Max", "Min"}) {
    expect_tactic_matches_reference("variadic", variadic(op, {a, b}), Tolerance::bits());
    expect_tactic_matches_reference("variadic", variadic(op, {b, a}), Tolerance::bits());
  }
}

// A FusedElementwise node: steps (op, operand or -1, swap, two params).
struct Step {
  std::string op;
  int64_t operand = -1;
  bool swap = false;
  float p0 = 0, p1 = 0;
};
LayerCase fused(std::vector<Tensor> inputs, const std::vector<Step>& steps) {
  LayerCase c;
  c.op_type = "FusedElementwise";
  c.domain = "hone";
  c.constant.assign(inputs.size(), false);
  c.inputs = std::move(inputs);
  std::vector<std::string> ops;
  std::vector<int64_t> operands, swap;
  std::vector<float> params;
  for (const Step& s : steps) {
    ops.push_back(s.op);
    operands.push_back(s.operand);
    swap.push_back(s.swap ? 1 : 0);
    params.push_back(s.p0);
    params.push_back(s.p1);
  }
  c.attrs = make_attrs({{"ops", Attribute::of_strings(ops)},
                        {"operands", Attribute::of_ints(operands)},
                        {"swap", Attribute::of_ints(swap)},
                        {"params", Attribute::of_floats(params)}});
  return c;
}

TEST(CpuFusedElementwiseKernels, ArithmeticChainsAreBitIdentical) {
  uint64_t seed = 500;
  for (const Shape& s : {Shape{7}, Shape{2, 3, 33, 35}, Shape{1, 48, 64, 64}}) {
    const Shape channel = {s.size() >= 3 ? s[s.size() - 3] : 1, 1, 1};
    // (x * s[c] + t[c]) then Relu: BatchNorm as two broadcast steps.
    expect_tactic_matches_reference(
        "fused_elementwise",
        fused({random_tensor(s, seed), random_tensor(channel, seed + 1), random_tensor(channel, seed + 2)},
              {{"Mul", 1}, {"Add", 2}, {"Relu"}}),
        Tolerance::bits());
    // Swapped operands, a scalar, Max/Min/Abs/Neg/Floor.
    expect_tactic_matches_reference(
        "fused_elementwise",
        fused({random_tensor(s, seed + 3, -4, 4), random_tensor({}, seed + 4), random_tensor(s, seed + 5)},
              {{"Sub", 1, true}, {"Div", 2, true}, {"Max", 1}, {"Abs"}, {"Min", 2, true}, {"Neg"}, {"Floor"}}),
        Tolerance::bits());
    seed += 6;
  }
}

TEST(CpuFusedElementwiseKernels, ChainsWithActivationsAndMathMatch) {
  uint64_t seed = 600;
  for (const Shape& s : {Shape{1}, Shape{31}, Shape{1025}, Shape{2, 4, 40, 41}}) {
    // YOLOv8's box decode shape of chain, and SiLU spelled out.
    expect_tactic_matches_reference(
        "fused_elementwise",
        fused({random_tensor(s, seed, -6, 6), random_tensor({s.back()}, seed + 1)}, {{"Sigmoid"},
                                                                                     {"Mul", 1},
                                                                                     {"Swish", -1, false, 1.0f},
                                                                                     {"Exp"},
                                                                                     {"Log"},
                                                                                     {"Sqrt"},
                                                                                     {"Clip", -1, false, 0.1f, 2.0f}}),
        Tolerance::near(2e-5, 1e-6));
    expect_tactic_matches_reference(
        "fused_elementwise",
        fused({random_tensor(s, seed + 2, 0.5f, 2), random_tensor(s, seed + 3, -1, 1)},
              {{"Pow", 1}, {"Erf"}, {"Tanh"}, {"Reciprocal"}, {"Pow", 1, true}}),
        Tolerance::near(1e-5, 1e-6));
    seed += 4;
  }
}

TEST(CpuFusedElementwiseKernels, FirstInputBroadcastAndManyInputs) {
  // x0 is the one that broadcasts: the chain starts from repeated values.
  expect_tactic_matches_reference(
      "fused_elementwise", fused({random_tensor({3, 1}, 1), random_tensor({3, 45}, 2)}, {{"Add", 1}, {"Sigmoid"}}),
      Tolerance::near(1e-5, 1e-7));
  std::vector<Tensor> inputs;
  std::vector<Step> steps;
  for (int i = 0; i < 6; ++i) {
    inputs.push_back(random_tensor(i % 2 ? Shape{5, 1, 9} : Shape{5, 4, 9}, 10 + static_cast<uint64_t>(i)));
    if (i > 0) steps.push_back({i % 3 ? "Add" : "Mul", i, i == 4});
  }
  expect_tactic_matches_reference("fused_elementwise", fused(inputs, steps), Tolerance::bits());
}

LayerCase batch_norm(Shape x_shape, uint64_t seed, bool constant_params) {
  const int64_t c = x_shape[1];
  LayerCase l;
  l.op_type = "BatchNormalization";
  l.opset = 15;
  l.inputs = {random_tensor(x_shape, seed, -3, 3), random_tensor({c}, seed + 1, 0.5f, 1.5f),
              random_tensor({c}, seed + 2, -1, 1), random_tensor({c}, seed + 3, -1, 1),
              random_tensor({c}, seed + 4, 0.05f, 2)};
  l.constant = {false, constant_params, constant_params, constant_params, constant_params};
  l.attrs = make_attrs({{"epsilon", Attribute::of_float(1e-3f)}});
  return l;
}

TEST(CpuBatchNormKernels, PerChannelAffineMatchesTheReference) {
  // y = s x + t rounded once, s and t rounded once each: a few ulp of |s x| + |t| <= ~30 here.
  const Tolerance tol = Tolerance::near(1e-5, 1e-5);
  uint64_t seed = 700;
  for (const Shape& s : {Shape{1, 64, 7, 7}, Shape{2, 3, 5}, Shape{4, 5}, Shape{1, 17, 1, 1}, Shape{1, 512, 28, 28},
                         Shape{2, 3, 97, 101}}) {
    expect_tactic_matches_reference("batchnorm", batch_norm(s, seed, true), tol);
    expect_tactic_matches_reference("batchnorm", batch_norm(s, seed + 5, false), tol);
    seed += 10;
  }
}

TEST(CpuElementwiseKernels, RefuseWhatTheyDoNotCompute) {
  // Other element types.
  LayerCase ints = binary("Add", Tensor::zeros(DataType::Int32, {4}), Tensor::zeros(DataType::Int32, {4}));
  expect_refused("binary", ints);
  expect_refused("unary", unary("Relu", Tensor::zeros(DataType::Double, {4})));
  // Pow with an integer exponent tensor.
  expect_refused("binary", binary("Pow", random_tensor({4}, 1), Tensor::zeros(DataType::Int64, {4})));
  // The opset < 7 broadcast rule.
  LayerCase legacy = binary("Add", random_tensor({2, 3}, 1), random_tensor({2}, 2));
  legacy.opset = 6;
  legacy.attrs = make_attrs({{"broadcast", Attribute::of_int(1)}, {"axis", Attribute::of_int(0)}});
  expect_refused("binary", legacy);
  // A Clip bound computed at run time.
  LayerCase clip = unary("Clip", random_tensor({4}, 1));
  clip.inputs = {random_tensor({4}, 1), f32({}, {0.0f})};
  clip.constant = {false, false};
  expect_refused("unary", clip);
  // Unary ops outside the kernels' list.
  expect_refused("unary", unary("Sin", random_tensor({4}, 1)));
  // BatchNormalization in training mode, or with opset < 9's per-position parameters.
  LayerCase training = batch_norm({2, 3, 4}, 1, true);
  training.attrs.set("training_mode", Attribute::of_int(1));
  training.num_outputs = 3;
  expect_refused("batchnorm", training);
  LayerCase spatial = batch_norm({2, 3, 4}, 1, true);
  spatial.opset = 7;
  spatial.attrs.set("spatial", Attribute::of_int(0));
  for (size_t i = 1; i < 5; ++i) spatial.inputs[i] = random_tensor({3, 4}, 9 + i, 0.5f, 1.5f);
  expect_refused("batchnorm", spatial);
}

}  // namespace
}  // namespace hone::cpu::testing
