// The CPU data-movement tactics against the reference, all bit-identical: Concat and Split
// along every axis (YOLOv8's shapes among them), contiguous Slice, Transpose of ranks 2 to 5
// (YOLOv8's DFL and attention permutations, sizes around the tile widths), and Resize nearest
// (YOLOv8's 2x asymmetric/floor, other scales and sizes) and linear (within a tolerance); and
// the layers left to the reference.
#include <limits>

#include "kernel_harness.hpp"
#include "ops/blocked_layout.hpp"

namespace hone::cpu::testing {
namespace {

using ir::Attribute;

LayerCase concat(std::vector<Shape> shapes, int64_t axis, uint64_t seed) {
  LayerCase c;
  c.op_type = "Concat";
  c.opset = 13;
  for (const Shape& s : shapes) c.inputs.push_back(random_tensor(s, seed++));
  c.constant.assign(c.inputs.size(), false);
  c.attrs = make_attrs({{"axis", Attribute::of_int(axis)}});
  return c;
}

TEST(CpuConcatKernels, EveryAxisAndPartSize) {
  uint64_t seed = 1;
  const Tolerance bits = Tolerance::bits();
  expect_tactic_matches_reference("concat", concat({{2, 3, 4}, {5, 3, 4}}, 0, seed++), bits, true);
  expect_tactic_matches_reference("concat", concat({{2, 3, 4}, {2, 1, 4}, {2, 7, 4}}, 1, seed++), bits, true);
  expect_tactic_matches_reference("concat", concat({{2, 3, 4}, {2, 3, 9}}, -1, seed++), bits, true);
  expect_tactic_matches_reference("concat", concat({{2, 0, 4}, {2, 3, 4}, {2, 0, 4}}, 1, seed++), bits, true);
  expect_tactic_matches_reference("concat", concat({{7}}, 0, seed++), bits, true);
  // YOLOv8: the head's anchors (144 outer rows), channels (one outer row, big blocks).
  expect_tactic_matches_reference("concat", concat({{1, 144, 6400}, {1, 144, 1600}, {1, 144, 400}}, 2, seed++), bits,
                                  true);
  expect_tactic_matches_reference("concat", concat({{1, 64, 80, 80}, {1, 80, 80, 80}}, 1, seed++), bits, true);
  expect_tactic_matches_reference(
      "concat", concat({{1, 128, 20, 20}, {1, 128, 20, 20}, {1, 128, 20, 20}, {1, 128, 20, 20}}, 1, seed++), bits,
      true);
  LayerCase dynamic = concat({{3, 5}, {3, 2}}, 1, seed++);
  dynamic.symbolic_shapes = true;
  expect_tactic_matches_reference("concat", dynamic, bits, true);
}

LayerCase split(Shape x, int64_t axis, std::vector<int64_t> sizes, int opset, uint64_t seed) {
  LayerCase c;
  c.op_type = "Split";
  c.opset = opset;
  c.inputs = {random_tensor(std::move(x), seed)};
  c.attrs = make_attrs({{"axis", Attribute::of_int(axis)}});
  c.num_outputs = static_cast<int>(sizes.size());
  if (opset < 13) {
    c.attrs.set("split", Attribute::of_ints(sizes));
  } else if (opset < 18) {
    c.inputs.push_back(i64({static_cast<int64_t>(sizes.size())}, sizes));
  } else {
    c.attrs.set("num_outputs", Attribute::of_int(static_cast<int64_t>(sizes.size())));
  }
  return c;
}

TEST(CpuSplitKernels, AttributeInputAndEqualParts) {
  uint64_t seed = 100;
  const Tolerance bits = Tolerance::bits();
  expect_tactic_matches_reference("split", split({6, 5}, 0, {1, 2, 3}, 11, seed++), bits, true);
  expect_tactic_matches_reference("split", split({2, 9, 3}, 1, {4, 0, 5}, 13, seed++), bits, true);
  expect_tactic_matches_reference("split", split({2, 3, 10}, -1, {4, 4, 2}, 18, seed++), bits, true);
  // YOLOv8: the head's box/class split and a C2f split.
  expect_tactic_matches_reference("split", split({1, 144, 8400}, 1, {64, 80}, 13, seed++), bits, true);
  expect_tactic_matches_reference("split", split({1, 32, 160, 160}, 1, {16, 16}, 13, seed++), bits, true);
  expect_tactic_matches_reference("split", split({3, 40, 1000}, 2, {500, 500}, 13, seed++), bits, true);
}

LayerCase slice(Shape x, std::vector<int64_t> starts, std::vector<int64_t> ends, std::vector<int64_t> axes,
                uint64_t seed, std::vector<int64_t> steps = {}) {
  LayerCase c;
  c.op_type = "Slice";
  c.opset = 13;
  const auto n = static_cast<int64_t>(starts.size());
  c.inputs = {random_tensor(std::move(x), seed), i64({n}, starts), i64({n}, ends)};
  if (!axes.empty()) c.inputs.push_back(i64({n}, axes));
  if (!steps.empty()) {
    if (axes.empty()) c.inputs.push_back(Tensor());
    c.inputs.push_back(i64({n}, steps));
  }
  return c;
}

TEST(CpuSliceKernels, ContiguousBoxesWithNegativeAndClampedBounds) {
  uint64_t seed = 200;
  const Tolerance bits = Tolerance::bits();
  const int64_t kMax = std::numeric_limits<int64_t>::max();
  expect_tactic_matches_reference("slice", slice({1, 4, 8400}, {0}, {2}, {1}, seed++), bits,
                                  true);  // YOLOv8's DFL halves
  expect_tactic_matches_reference("slice", slice({1, 4, 8400}, {2}, {kMax}, {1}, seed++), bits, true);
  expect_tactic_matches_reference("slice", slice({2, 3, 17, 19}, {2}, {15}, {3}, seed++), bits, true);
  expect_tactic_matches_reference("slice", slice({2, 3, 17, 19}, {1, -10, 3}, {3, -1, 100}, {1, 2, -1}, seed++), bits,
                                  true);
  expect_tactic_matches_reference("slice", slice({5, 6}, {-100, 0}, {kMax, kMax}, {}, seed++), bits, true);  // whole
  expect_tactic_matches_reference("slice", slice({5, 6}, {4}, {2}, {0}, seed++), bits, true);             // empty
  expect_tactic_matches_reference("slice", slice({64, 300, 40}, {10, 3}, {60, 290}, {0, 1}, seed++, {1, 1}), bits,
                                  true);
  LayerCase legacy;
  legacy.op_type = "Slice";
  legacy.opset = 9;
  legacy.inputs = {random_tensor({4, 9}, seed++)};
  legacy.attrs = make_attrs({{"starts", Attribute::of_ints({1, 2})}, {"ends", Attribute::of_ints({3, 8})}});
  expect_tactic_matches_reference("slice", legacy, bits, true);
}

LayerCase transpose(Shape x, std::vector<int64_t> perm, uint64_t seed) {
  LayerCase c;
  c.op_type = "Transpose";
  c.inputs = {random_tensor(std::move(x), seed)};
  if (!perm.empty()) c.attrs = make_attrs({{"perm", Attribute::of_ints(perm)}});
  return c;
}

TEST(CpuTransposeKernels, PermutationsOfEveryRankAndTileEdge) {
  uint64_t seed = 300;
  const Tolerance bits = Tolerance::bits();
  const std::pair<Shape, std::vector<int64_t>> cases[] = {
      {{15, 17}, {1, 0}},
      {{16, 16}, {1, 0}},
      {{33, 47}, {}},  // default: reversed
      {{1, 1}, {1, 0}},
      {{1, 4, 16, 8400}, {0, 3, 1, 2}},   // YOLOv8's DFL
      {{1, 8400, 4, 16}, {0, 3, 2, 1}},
      {{2, 7, 4, 16}, {0, 2, 1, 3}},      // attention heads
      {{2, 4, 7, 16}, {0, 1, 3, 2}},      // keys
      {{3, 5, 7}, {2, 0, 1}},
      {{3, 5, 7}, {1, 2, 0}},
      {{3, 5, 7}, {0, 1, 2}},             // identity
      {{2, 1, 5, 1, 3}, {4, 3, 2, 1, 0}},
      {{2, 3, 4, 5, 6}, {0, 4, 2, 1, 3}},
      {{9, 1, 18}, {2, 1, 0}},
  };
  for (const auto& [shape, perm] : cases)
    expect_tactic_matches_reference("transpose", transpose(shape, perm, seed++), bits);
  LayerCase dynamic = transpose({5, 19, 3}, {1, 2, 0}, seed++);
  dynamic.symbolic_shapes = true;
  expect_tactic_matches_reference("transpose", dynamic, bits);
}

// Resize-13 with scales (N and C 1) or sizes, one per axis of x.
LayerCase resize(Shape x, std::vector<float> scales, std::vector<int64_t> sizes, std::string mode,
                 std::string transform, uint64_t seed, std::string nearest_mode = "floor") {
  LayerCase c;
  c.op_type = "Resize";
  c.opset = 13;
  const auto rank = static_cast<int64_t>(x.size());
  c.inputs = {random_tensor(std::move(x), seed, -2, 2), f32({0}, {})};
  if (!scales.empty()) c.inputs.push_back(f32({rank}, scales));
  else c.inputs.insert(c.inputs.end(), {Tensor(), i64({rank}, sizes)});
  c.attrs = make_attrs({{"mode", Attribute::of_string(mode)},
                        {"coordinate_transformation_mode", Attribute::of_string(transform)},
                        {"nearest_mode", Attribute::of_string(nearest_mode)}});
  return c;
}

TEST(CpuResizeKernels, NearestAsymmetricFloorIsBitIdentical) {
  uint64_t seed = 400;
  const Tolerance bits = Tolerance::bits();
  expect_tactic_matches_reference("resize", resize({1, 256, 20, 20}, {1, 1, 2, 2}, {}, "nearest", "asymmetric", seed++),
                                  bits);
  expect_tactic_matches_reference("resize", resize({1, 3, 5, 7}, {1, 1, 2, 2}, {}, "nearest", "asymmetric", seed++),
                                  bits);
  expect_tactic_matches_reference("resize", resize({1, 3, 5, 17}, {1, 1, 2, 2}, {}, "nearest", "asymmetric", seed++),
                                  bits);
  expect_tactic_matches_reference("resize", resize({2, 2, 4, 6}, {1, 1, 3, 1.5f}, {}, "nearest", "asymmetric", seed++),
                                  bits);
  expect_tactic_matches_reference("resize",
                                  resize({1, 2, 9, 8}, {1, 1, 0.5f, 0.75f}, {}, "nearest", "asymmetric", seed++), bits);
  expect_tactic_matches_reference("resize", resize({1, 2, 9, 8}, {}, {1, 2, 13, 21}, "nearest", "asymmetric", seed++),
                                  bits);
}

TEST(CpuResizeKernels, LinearMatchesForEachCoordinateTransform) {
  uint64_t seed = 500;
  const Tolerance tol = Tolerance::near(1e-5, 1e-6);
  for (const char* transform : {"half_pixel", "pytorch_half_pixel", "align_corners", "asymmetric"}) {
    expect_tactic_matches_reference("resize", resize({1, 3, 8, 9}, {1, 1, 2, 2}, {}, "linear", transform, seed++), tol);
    expect_tactic_matches_reference("resize",
                                    resize({2, 2, 10, 7}, {1, 1, 0.6f, 1.7f}, {}, "linear", transform, seed++), tol);
    expect_tactic_matches_reference("resize", resize({1, 2, 5, 6}, {}, {1, 2, 1, 11}, "linear", transform, seed++),
                                    tol);
    expect_tactic_matches_reference("resize", resize({1, 16, 40, 40}, {1, 1, 2, 2}, {}, "linear", transform, seed++),
                                    tol);
  }
}

TEST(CpuResizeKernels, BlockedLayoutResizesKeepTheLastAxis) {
  // [N, C, H, W, L]: the blocked layout NCHW[b]c, each pixel a vector of L channels.
  uint64_t seed = 900;
  expect_tactic_matches_reference("resize", resize({1, 4, 20, 20, 16}, {1, 1, 2, 2, 1}, {}, "nearest", "asymmetric",
                                                   seed++),
                                  Tolerance::bits());
  expect_tactic_matches_reference("resize", resize({2, 2, 5, 7, 8}, {}, {2, 2, 13, 4, 8}, "nearest", "asymmetric",
                                                   seed++),
                                  Tolerance::bits());
  for (const char* transform : {"half_pixel", "align_corners"}) {
    expect_tactic_matches_reference("resize", resize({1, 2, 6, 9, 16}, {1, 1, 2, 1.5f, 1}, {}, "linear", transform,
                                                     seed++),
                                    Tolerance::near(1e-5, 1e-6));
  }
  // Scaling the last axis is not a blocked resize.
  expect_refused("resize", resize({1, 2, 4, 4, 8}, {1, 1, 2, 2, 2}, {}, "nearest", "asymmetric", 1));
}

LayerCase reorder(bool to_blocked, Tensor x, int64_t block, int64_t channels = 0) {
  LayerCase c;
  c.op_type = to_blocked ? "ReorderToBlocked" : "ReorderFromBlocked";
  c.domain = "hone";
  c.opset = 1;
  c.inputs = {std::move(x)};
  c.attrs = make_attrs({{"block", Attribute::of_int(block)}});
  if (!to_blocked) c.attrs.set("channels", Attribute::of_int(channels));
  return c;
}

TEST(CpuReorderKernels, ToAndFromTheBlockedLayoutAreBitIdentical) {
  uint64_t seed = 1000;
  // Channels a multiple of the block, a partial last block (the image's 3 channels), odd
  // spatial sizes, rank 2 (no spatial dims) and 5 (3-D).
  const std::vector<std::pair<Shape, int64_t>> cases = {
      {{1, 64, 56, 56}, 16}, {{1, 3, 224, 224}, 16}, {{2, 20, 7, 9}, 8}, {{1, 5, 3}, 16},
      {{3, 33}, 16},         {{1, 17, 4, 5, 6}, 8},  {{1, 144, 80, 80}, 16}};
  for (const auto& [shape, block] : cases) {
    expect_tactic_matches_reference("reorder_to_blocked", reorder(true, random_tensor(shape, seed++, -3, 3), block),
                                    Tolerance::bits());
    const Shape blocked = ops::blocked_shape(shape, block);
    expect_tactic_matches_reference("reorder_from_blocked",
                                    reorder(false, random_tensor(blocked, seed++, -3, 3), block, shape[1]),
                                    Tolerance::bits());
  }
}

TEST(CpuDataMovementKernels, RefuseWhatTheyDoNotCompute) {
  // Slice with a step other than 1, or bounds computed at run time.
  expect_refused("slice", slice({5, 6}, {0}, {5}, {0}, 1, {2}), true);
  LayerCase runtime_starts = slice({5, 6}, {1}, {3}, {0}, 1);
  runtime_starts.constant = {false, false, true, true};
  expect_refused("slice", runtime_starts, true);
  // Other element types.
  LayerCase ints = concat({{2, 3}, {2, 3}}, 0, 1);
  ints.inputs = {Tensor::zeros(DataType::Int64, {2, 3}), Tensor::zeros(DataType::Int64, {2, 3})};
  expect_refused("concat", ints, true);
  LayerCase t = transpose({3, 4}, {1, 0}, 1);
  t.inputs[0] = Tensor::zeros(DataType::Float16, {3, 4});
  expect_refused("transpose", t);
  // Resize modes the kernels do not compute: the default nearest (half_pixel,
  // round_prefer_floor), cubic, exclude_outside, scaling channels, Resize-10.
  expect_refused("resize", resize({1, 2, 4, 4}, {1, 1, 2, 2}, {}, "nearest", "half_pixel", 1, "round_prefer_floor"));
  expect_refused("resize", resize({1, 2, 4, 4}, {1, 1, 2, 2}, {}, "cubic", "half_pixel", 1));
  LayerCase exclude = resize({1, 2, 4, 4}, {1, 1, 2, 2}, {}, "linear", "half_pixel", 1);
  exclude.attrs.set("exclude_outside", Attribute::of_int(1));
  expect_refused("resize", exclude);
  expect_refused("resize", resize({1, 2, 4, 4}, {1, 2, 2, 2}, {}, "nearest", "asymmetric", 1));
  LayerCase v10;
  v10.op_type = "Resize";
  v10.opset = 10;
  v10.inputs = {random_tensor({1, 2, 4, 4}, 1), f32({4}, {1, 1, 2, 2})};
  expect_refused("resize", v10);
}

}  // namespace
}  // namespace hone::cpu::testing
