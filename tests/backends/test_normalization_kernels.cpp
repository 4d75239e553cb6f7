// The CPU reduction tactics against the reference: Softmax and LogSoftmax along the last and
// other axes (YOLOv8's DFL in both layouts, opset < 13's flattened tail), LayerNormalization
// with and without bias and statistics outputs, LRN across channels (GoogLeNet's), and
// ReduceSum/Mean/Max over trailing, leading, middle and all axes; and the layers left to the
// reference.
#include <limits>

#include "kernel_harness.hpp"

namespace hone::cpu::testing {
namespace {

using ir::Attribute;

LayerCase softmax(const char* op, Shape x, int64_t axis, uint64_t seed, int opset = 13, float range = 8) {
  LayerCase c;
  c.op_type = op;
  c.opset = opset;
  c.inputs = {random_tensor(std::move(x), seed, -range, range)};
  c.attrs = make_attrs({{"axis", Attribute::of_int(axis)}});
  return c;
}

TEST(CpuSoftmaxKernels, EveryAxisAndLength) {
  uint64_t seed = 1;
  // LogSoftmax's log(sum) of a sum near 1 carries the sum's float rounding (an ulp of 1) in
  // the reference too: an absolute floor of a few of those.
  const Tolerance soft = Tolerance::near(1e-5, 1e-7), log_soft = Tolerance::near(1e-5, 1e-6);
  const std::pair<Shape, int64_t> cases[] = {
      {{1, 8400, 4, 16}, 3},  // YOLOv8's DFL after its transpose
      {{1, 4, 16, 8400}, 2},  // the same softmax in the original layout
      {{3, 1}, 1},
      {{5, 15}, -1},
      {{5, 17}, 1},
      {{2, 1000}, 1},
      {{2, 3, 33}, 1},
      {{7, 2, 3}, 0},
      {{1, 5, 257, 3}, 2},
  };
  for (const char* op : {"Softmax", "LogSoftmax"}) {
    const Tolerance& tol = std::string(op) == "Softmax" ? soft : log_soft;
    for (const auto& [shape, axis] : cases) {
      expect_tactic_matches_reference("softmax", softmax(op, shape, axis, seed++), tol);
    }
    // Opset < 13: normalized over the flattened tail from axis.
    expect_tactic_matches_reference("softmax", softmax(op, {2, 3, 4, 5}, 1, seed++, 11), tol);
    // Large logits: stabilized by the maximum.
    expect_tactic_matches_reference("softmax", softmax(op, {4, 40}, -1, seed++, 13, 80), tol);
  }
}

LayerCase layer_norm(Shape x, int64_t axis, bool bias, int outputs, uint64_t seed) {
  Shape p(x.begin() + (axis < 0 ? static_cast<int64_t>(x.size()) + axis : axis), x.end());
  LayerCase c;
  c.op_type = "LayerNormalization";
  c.opset = 17;
  c.inputs = {random_tensor(x, seed, -3, 3), random_tensor(p, seed + 1, 0.5f, 1.5f)};
  if (bias) c.inputs.push_back(random_tensor(p, seed + 2));
  c.attrs = make_attrs({{"axis", Attribute::of_int(axis)}, {"epsilon", Attribute::of_float(1e-5f)}});
  c.num_outputs = outputs;
  return c;
}

TEST(CpuLayerNormKernels, RowsOfEveryLengthWithAndWithoutBiasAndStatistics) {
  uint64_t seed = 100;
  const Tolerance tol = Tolerance::near(1e-4, 1e-5);
  for (const Shape& s : {Shape{3, 1}, Shape{4, 15}, Shape{2, 5, 16}, Shape{2, 17}, Shape{8, 768}, Shape{2, 197, 384}}) {
    expect_tactic_matches_reference("layernorm", layer_norm(s, -1, true, 1, seed), tol);
    expect_tactic_matches_reference("layernorm", layer_norm(s, -1, false, 3, seed + 3), tol);
    seed += 6;
  }
  expect_tactic_matches_reference("layernorm", layer_norm({2, 3, 4, 5}, 2, true, 3, seed++), tol);
  LayerCase constant_params = layer_norm({6, 40}, 1, true, 1, seed++);
  constant_params.constant = {false, true, true};
  expect_tactic_matches_reference("layernorm", constant_params, tol);
  // Scale given with the leading 1s of X's rank.
  LayerCase ones = layer_norm({3, 7, 9}, -1, true, 1, seed++);
  ones.inputs[1] = random_tensor({1, 1, 9}, seed++);
  expect_tactic_matches_reference("layernorm", ones, tol);
}

LayerCase lrn(Shape x, int64_t size, uint64_t seed, float alpha = 1e-4f, float beta = 0.75f, float bias = 1.0f) {
  LayerCase c;
  c.op_type = "LRN";
  c.inputs = {random_tensor(std::move(x), seed, -4, 4)};
  c.attrs = make_attrs({{"size", Attribute::of_int(size)},
                        {"alpha", Attribute::of_float(alpha)},
                        {"beta", Attribute::of_float(beta)},
                        {"bias", Attribute::of_float(bias)}});
  return c;
}

TEST(CpuLrnKernels, AcrossChannelsWithEveryWindow) {
  uint64_t seed = 200;
  const Tolerance tol = Tolerance::near(1e-5, 1e-6);
  expect_tactic_matches_reference("lrn", lrn({1, 64, 56, 56}, 5, seed++), tol);   // GoogLeNet
  expect_tactic_matches_reference("lrn", lrn({1, 192, 28, 28}, 5, seed++), tol);
  expect_tactic_matches_reference("lrn", lrn({2, 7, 5, 3}, 3, seed++, 0.5f, 0.6f, 2.0f), tol);
  expect_tactic_matches_reference("lrn", lrn({1, 3, 17}, 4, seed++, 1.0f, 1.0f, 0.5f), tol);
  expect_tactic_matches_reference("lrn", lrn({1, 2, 9, 9}, 7, seed++, 2.0f, 0.75f, 1.0f),
                                  tol);  // window over all channels
  expect_tactic_matches_reference("lrn", lrn({3, 5}, 1, seed++, 1.0f, 0.5f, 1.0f), tol);
}

LayerCase reduce(const char* op, Shape x, std::vector<int64_t> axes, int64_t keepdims, int opset, uint64_t seed) {
  LayerCase c;
  c.op_type = op;
  c.opset = opset;
  c.inputs = {random_tensor(std::move(x), seed, -2, 3)};
  c.attrs = make_attrs({{"keepdims", Attribute::of_int(keepdims)}});
  const bool input = opset >= (std::string(op) == "ReduceSum" ? 13 : 18);
  if (input && !axes.empty()) c.inputs.push_back(i64({static_cast<int64_t>(axes.size())}, axes));
  if (!input && !axes.empty()) c.attrs.set("axes", Attribute::of_ints(axes));
  return c;
}

TEST(CpuReduceKernels, TrailingLeadingMiddleAndAllAxes) {
  uint64_t seed = 300;
  // Long sums: the reference adds in order, the kernel in vector lanes; both are float.
  Tolerance tol = Tolerance::near(1e-4, 1e-5);
  tol.min_cosine = 0.99999;
  const std::pair<Shape, std::vector<int64_t>> cases[] = {
      {{2, 3, 17, 19}, {2, 3}},   // spatial (a global pool)
      {{2, 3, 17, 19}, {-1}},
      {{2, 3, 17, 19}, {}},       // all
      {{2, 3, 17, 19}, {0}},      // leading
      {{2, 3, 17, 19}, {1, 2}},   // middle
      {{4, 1, 70000}, {2}},
      {{1, 300, 300}, {1}},
      {{5}, {0}},
  };
  for (const char* op : {"ReduceSum", "ReduceMean", "ReduceMax"}) {
    for (const auto& [shape, axes] : cases) {
      for (int64_t keepdims : {0, 1}) {
        for (int opset : {11, 18}) {
          expect_tactic_matches_reference("reduce", reduce(op, shape, axes, keepdims, opset, seed++),
                                          std::string(op) == "ReduceMax" ? Tolerance::bits() : tol);
        }
      }
    }
  }
}

TEST(CpuReduceKernels, MaxPropagatesNan) {
  const float nan = std::numeric_limits<float>::quiet_NaN();
  std::vector<float> v(3 * 40, 1.0f);
  v[5] = nan;
  v[79] = nan;
  v[100] = 9.0f;
  for (const std::vector<int64_t>& axes : {std::vector<int64_t>{1}, std::vector<int64_t>{0}}) {
    LayerCase c = reduce("ReduceMax", {3, 40}, axes, 1, 18, 1);
    c.inputs[0] = f32({3, 40}, v);
    expect_tactic_matches_reference("reduce", c, Tolerance::bits());
  }
}

TEST(CpuNormalizationKernels, RefuseWhatTheyDoNotCompute) {
  // Other element types.
  LayerCase half = softmax("Softmax", {2, 3}, 1, 1);
  half.inputs[0] = Tensor::zeros(DataType::Double, {2, 3});
  expect_refused("softmax", half);
  // Reduced axes that are not one block, or known only at run time; other reductions.
  expect_refused("reduce", reduce("ReduceSum", {2, 3, 4}, {0, 2}, 1, 13, 1));
  LayerCase runtime_axes = reduce("ReduceMean", {2, 3, 4}, {1}, 1, 18, 1);
  runtime_axes.constant = {false, false};
  expect_refused("reduce", runtime_axes);
  expect_refused("reduce", reduce("ReduceProd", {2, 3, 4}, {1}, 1, 13, 1));
  // LayerNormalization statistics in double, or a scale that varies outside the normalized axes.
  LayerCase stash = layer_norm({2, 8}, -1, true, 3, 1);
  stash.attrs.set("stash_type", Attribute::of_int(static_cast<int64_t>(DataType::Double)));
  expect_refused("layernorm", stash);
  LayerCase wide = layer_norm({4, 2, 2}, 1, true, 1, 1);
  wide.inputs[1] = random_tensor({4, 1, 1}, 2);
  wide.inputs[2] = random_tensor({4, 1, 1}, 3);
  expect_refused("layernorm", wide);
}

}  // namespace
}  // namespace hone::cpu::testing
