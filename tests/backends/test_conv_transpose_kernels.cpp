// The ConvTranspose GEMM + col2im tactic against the reference over the geometries of the
// target models (YOLOv8-seg's 2x2 stride-2 proto upsampling, U-Net's 2x2, DCGAN's 4x4 stride 2
// pad 1, 3x3 stride 1/2 with output_padding) and the general ones (dilations, groups,
// depthwise, asymmetric pads, output_shape, auto_pad, batch, 1-D and 3-D, odd sizes, column
// chunks that split input rows), with and without bias, W constant (prepacked) or computed;
// and the layers it leaves to the reference. Sums are reordered by the GEMM, so outputs match
// within rtol 1e-5 plus atol 1e-5 (inputs in [-1, 1), at most 64 products per output).
#include "kernel_harness.hpp"

namespace hone::cpu::testing {
namespace {

using ir::Attribute;

struct Transposed {
  Shape x, w;  // X [N, C, in...], W [C, M/group, k...]
  std::vector<int64_t> strides, pads, dilations, output_padding, output_shape;
  int64_t group = 1;
  std::string auto_pad;
  bool bias = true;
  bool constant_w = true;
};

LayerCase conv_transpose(const Transposed& t, uint64_t seed) {
  LayerCase c;
  c.op_type = "ConvTranspose";
  c.opset = 18;
  c.inputs = {random_tensor(t.x, seed, -1, 1), random_tensor(t.w, seed + 1000, -1, 1)};
  if (t.bias) c.inputs.push_back(random_tensor({t.w[1] * t.group}, seed + 2000, -1, 1));
  c.constant = {false, t.constant_w, true};
  c.attrs = make_attrs({{"group", Attribute::of_int(t.group)}});
  if (!t.strides.empty()) c.attrs.set("strides", Attribute::of_ints(t.strides));
  if (!t.pads.empty()) c.attrs.set("pads", Attribute::of_ints(t.pads));
  if (!t.dilations.empty()) c.attrs.set("dilations", Attribute::of_ints(t.dilations));
  if (!t.output_padding.empty()) c.attrs.set("output_padding", Attribute::of_ints(t.output_padding));
  if (!t.output_shape.empty()) c.attrs.set("output_shape", Attribute::of_ints(t.output_shape));
  if (!t.auto_pad.empty()) c.attrs.set("auto_pad", Attribute::of_string(t.auto_pad));
  return c;
}

const Tolerance kTolerance = Tolerance::near(1e-5, 1e-5);

void expect_matches(const Transposed& t, uint64_t seed) {
  SCOPED_TRACE("seed " + std::to_string(seed));
  expect_tactic_matches_reference("conv_transpose_gemm", conv_transpose(t, seed), kTolerance);
}

TEST(CpuConvTransposeKernels, Yolov8SegProtoUpsampling2x2Stride2) {
  // 64 channels 80x80 -> 160x160: col2im is a pure interleaving.
  expect_matches({{1, 64, 80, 80}, {64, 64, 2, 2}, {2, 2}}, 1);
}

TEST(CpuConvTransposeKernels, KernelEqualsStrideInterleaves) {
  Transposed t{{2, 8, 9, 7}, {8, 4, 2, 2}, {2, 2}};
  expect_matches(t, 10);  // batch 2, odd sizes
  t.bias = false;
  expect_matches(t, 11);
  expect_matches({{1, 6, 5, 4}, {6, 3, 3, 3}, {3, 3}}, 12);  // 3x3 stride 3
  expect_matches({{1, 4, 6, 5}, {4, 2, 2, 3}, {2, 3}}, 13);  // 2x3 stride 2x3
  expect_matches({{1, 8, 33}, {8, 5, 4}, {4}}, 14);          // 1-D
  expect_matches({{1, 4, 3, 4, 5}, {4, 3, 2, 2, 2}, {2, 2, 2}}, 15);  // 3-D
}

TEST(CpuConvTransposeKernels, ThreeByThreeStrideOneAndTwo) {
  expect_matches({{1, 16, 20, 20}, {16, 8, 3, 3}, {1, 1}, {1, 1, 1, 1}}, 20);
  Transposed t{{1, 8, 15, 15}, {8, 12, 3, 3}, {2, 2}, {1, 1, 1, 1}};
  t.output_padding = {1, 1};  // 15 -> 30
  expect_matches(t, 21);
  t.bias = false;
  expect_matches(t, 22);
  expect_matches({{1, 3, 11, 13}, {3, 5, 3, 3}, {1, 1}}, 23);  // no pads: out = in + 2
}

TEST(CpuConvTransposeKernels, DcganFourByFourStrideTwoPadOne) {
  expect_matches({{1, 32, 8, 8}, {32, 16, 4, 4}, {2, 2}, {1, 1, 1, 1}}, 30);
  Transposed t{{2, 16, 4, 4}, {16, 3, 4, 4}, {2, 2}, {1, 1, 1, 1}};
  t.bias = false;
  expect_matches(t, 31);
}

TEST(CpuConvTransposeKernels, DilationsAndLargeStrides) {
  Transposed t{{1, 4, 9, 11}, {4, 6, 3, 3}, {1, 1}, {}, {2, 2}};
  expect_matches(t, 40);
  t.strides = {2, 3};
  t.pads = {1, 2, 0, 1};
  t.dilations = {2, 3};
  t.output_padding = {1, 2};
  expect_matches(t, 41);
  expect_matches({{1, 3, 5, 6}, {3, 2, 2, 2}, {3, 3}}, 42);  // stride above the kernel: gaps are bias
}

TEST(CpuConvTransposeKernels, GroupsAndDepthwise) {
  expect_matches({{1, 8, 10, 10}, {8, 3, 3, 3}, {2, 2}, {}, {}, {}, {}, 2}, 50);
  expect_matches({{2, 6, 7, 9}, {6, 4, 3, 3}, {1, 1}, {1, 1, 1, 1}, {}, {}, {}, 3}, 51);
  // Depthwise (group = C): no GEMM, col2im reads X times the weights.
  expect_matches({{1, 16, 12, 12}, {16, 1, 4, 4}, {2, 2}, {1, 1, 1, 1}, {}, {}, {}, 16}, 52);
  expect_matches({{2, 8, 9, 10}, {8, 1, 2, 2}, {2, 2}, {}, {}, {}, {}, 8}, 53);
  expect_matches({{1, 6, 13, 11}, {6, 2, 3, 3}, {1, 1}, {1, 1, 1, 1}, {}, {}, {}, 6}, 54);  // multiplier 2
  Transposed t{{1, 4, 7, 7}, {4, 1, 3, 3}, {2, 2}, {1, 1, 1, 1}, {}, {1, 1}, {}, 4};
  t.bias = false;
  expect_matches(t, 55);
}

TEST(CpuConvTransposeKernels, AsymmetricPadsOutputShapeAndAutoPad) {
  expect_matches({{1, 3, 7, 9}, {3, 5, 3, 4}, {2, 3}, {0, 1, 2, 0}}, 60);
  Transposed shaped{{1, 4, 6, 6}, {4, 2, 3, 3}, {2, 2}};
  shaped.output_shape = {12, 12};
  expect_matches(shaped, 61);
  shaped.output_shape = {13, 14};  // beyond the full output: negative pads
  expect_matches(shaped, 62);
  shaped.output_shape = {1, 2, 11, 12};  // with N and C
  expect_matches(shaped, 63);
  Transposed same{{1, 4, 7, 7}, {4, 3, 3, 3}, {2, 2}};
  same.auto_pad = "SAME_UPPER";
  expect_matches(same, 64);
  same.auto_pad = "SAME_LOWER";
  expect_matches(same, 65);
  same.auto_pad = "VALID";
  expect_matches(same, 66);
}

TEST(CpuConvTransposeKernels, OneAndThreeSpatialDims) {
  Transposed one{{1, 8, 50}, {8, 4, 5}, {3}, {2, 1}};
  one.output_padding = {1};
  expect_matches(one, 70);
  expect_matches({{2, 4, 17}, {4, 6, 3}, {1}, {1, 1}}, 71);
  expect_matches({{1, 4, 5, 6, 7}, {4, 3, 3, 3, 3}, {2, 2, 2}, {1, 1, 1, 1, 1, 1}}, 72);
  expect_matches({{1, 3, 4, 5, 3}, {3, 2, 2, 3, 3}, {1, 2, 1}, {0, 1, 0, 1, 0, 1}}, 73);
}

TEST(CpuConvTransposeKernels, ComputedWeights) {
  Transposed t{{1, 8, 10, 11}, {8, 6, 3, 3}, {2, 2}, {1, 1, 1, 1}};
  t.constant_w = false;
  expect_matches(t, 80);
  Transposed depthwise{{1, 8, 10, 11}, {8, 1, 2, 2}, {2, 2}, {}, {}, {}, {}, 8};
  depthwise.constant_w = false;
  expect_matches(depthwise, 81);
}

TEST(CpuConvTransposeKernels, ColumnChunksSplitInputRows) {
  // Mg * kernel volume = 1024 rows over 48 * 48 input positions exceed the 8 MiB column
  // buffer: chunks of 2048 positions, which end inside an input row.
  expect_matches({{1, 8, 48, 48}, {8, 64, 4, 4}, {2, 2}, {1, 1, 1, 1}}, 90);
  expect_matches({{1, 8, 48, 48}, {8, 256, 2, 2}, {2, 2}}, 91);
  Transposed t{{1, 4, 40, 60}, {4, 128, 3, 3}, {1, 1}, {1, 1, 1, 1}};
  t.bias = false;
  expect_matches(t, 92);
}

TEST(CpuConvTransposeKernels, LeavesOtherLayersToTheReference) {
  LayerCase doubles = conv_transpose({{1, 4, 5, 5}, {4, 2, 3, 3}, {2, 2}}, 1);
  doubles.inputs[0] = Tensor::zeros(DataType::Double, {1, 4, 5, 5});
  doubles.inputs[1] = Tensor::zeros(DataType::Double, {4, 2, 3, 3});
  doubles.inputs[2] = Tensor::zeros(DataType::Double, {2});
  expect_refused("conv_transpose_gemm", doubles);
  // Four spatial dims.
  expect_refused("conv_transpose_gemm", conv_transpose({{1, 2, 3, 3, 3, 3}, {2, 2, 2, 2, 2, 2}}, 2));
  // W's first dim is not X's channel count.
  expect_refused("conv_transpose_gemm", conv_transpose({{1, 4, 5, 5}, {6, 2, 3, 3}}, 3));
  // A group count that does not divide the channels.
  expect_refused("conv_transpose_gemm", conv_transpose({{1, 6, 5, 5}, {6, 2, 3, 3}, {}, {}, {}, {}, {}, 4}, 4));
  // kernel_shape that disagrees with W.
  LayerCase kernel = conv_transpose({{1, 4, 5, 5}, {4, 2, 3, 3}}, 5);
  kernel.attrs.set("kernel_shape", Attribute::of_ints({2, 2}));
  expect_refused("conv_transpose_gemm", kernel);
  // Not a ConvTranspose.
  LayerCase conv;
  conv.op_type = "Conv";
  conv.inputs = {random_tensor({1, 4, 6, 6}, 6), random_tensor({2, 4, 3, 3}, 7)};
  expect_refused("conv_transpose_gemm", conv);
}

}  // namespace
}  // namespace hone::cpu::testing
