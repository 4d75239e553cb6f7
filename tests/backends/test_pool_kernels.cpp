// The CPU pooling tactics against the reference: MaxPool (bit-identical) and AveragePool over
// the geometries of the target models (2x2 s2, 3x3 s1/s2 with pads or ceil_mode, SPPF's 5x5
// s1, 7x7) and the general ones (dilations, strides above 2, asymmetric and auto pads,
// count_include_pad, windows larger than the input), output widths around the vector widths;
// the global pools; and the layers left to the reference.
#include <limits>

#include "kernel_harness.hpp"

namespace hone::cpu::testing {
namespace {

using ir::Attribute;

struct Window {
  Shape x;
  std::vector<int64_t> kernel, strides, pads, dilations;
  int64_t ceil_mode = 0;
  std::string auto_pad;
};

LayerCase pool(const char* op, const Window& w, uint64_t seed, int64_t count_include_pad = 0) {
  LayerCase c;
  c.op_type = op;
  c.opset = 19;
  c.inputs = {random_tensor(w.x, seed, -1, 1)};
  c.attrs = make_attrs({{"kernel_shape", Attribute::of_ints(w.kernel)}});
  if (!w.strides.empty()) c.attrs.set("strides", Attribute::of_ints(w.strides));
  if (!w.pads.empty()) c.attrs.set("pads", Attribute::of_ints(w.pads));
  if (!w.dilations.empty()) c.attrs.set("dilations", Attribute::of_ints(w.dilations));
  if (w.ceil_mode) c.attrs.set("ceil_mode", Attribute::of_int(1));
  if (!w.auto_pad.empty()) c.attrs.set("auto_pad", Attribute::of_string(w.auto_pad));
  if (count_include_pad) c.attrs.set("count_include_pad", Attribute::of_int(1));
  return c;
}

const Window kWindows[] = {
    {{1, 8, 56, 56}, {2, 2}, {2, 2}, {}, {}},                 // DenseNet's transitions
    {{1, 3, 7, 9}, {2, 2}, {2, 2}, {}, {}},
    {{1, 5, 17, 23}, {3, 3}, {1, 1}, {1, 1, 1, 1}, {}},
    {{2, 3, 112, 112}, {3, 3}, {2, 2}, {1, 1, 1, 1}, {}},     // DenseNet's stem
    {{1, 4, 28, 28}, {3, 3}, {2, 2}, {}, {}, 1},              // GoogLeNet (ceil_mode)
    {{1, 3, 14, 15}, {3, 3}, {2, 2}, {0, 0, 1, 1}, {}, 1},
    {{1, 3, 14, 14}, {3, 3}, {1, 1}, {1, 1, 1, 1}, {}},
    {{1, 128, 20, 20}, {5, 5}, {1, 1}, {2, 2, 2, 2}, {}},     // YOLOv8's SPPF
    {{1, 16, 7, 7}, {7, 7}, {1, 1}, {}, {}},                  // GoogLeNet's head
    {{1, 2, 15, 16}, {3, 3}, {1, 1}, {2, 2, 2, 2}, {2, 2}},   // dilated
    {{1, 2, 20, 19}, {3, 2}, {3, 3}, {1, 0, 1, 1}, {}},       // stride 3: the scalar path
    {{1, 2, 11, 13}, {2, 3}, {1, 2}, {0, 1, 2, 0}, {}},       // asymmetric pads
    {{1, 2, 3, 3}, {5, 5}, {1, 1}, {2, 2, 2, 2}, {}},         // window larger than the input
    {{1, 1, 9, 16}, {1, 1}, {1, 1}, {}, {}},                  // out_w 16
    {{1, 1, 9, 17}, {3, 3}, {1, 1}, {1, 1, 1, 1}, {}},        // out_w 17
    {{1, 1, 5, 33}, {3, 3}, {2, 2}, {}, {}, 1},               // out_w 16 by ceil_mode
    {{1, 1, 5, 65}, {3, 3}, {2, 2}, {1, 1, 1, 1}, {}},        // out_w 33
    {{1, 3, 10, 11}, {3, 3}, {2, 2}, {}, {}, 0, "SAME_UPPER"},
    {{1, 3, 10, 11}, {4, 4}, {3, 3}, {}, {}, 0, "SAME_LOWER"},
    {{1, 3, 10, 11}, {3, 2}, {2, 1}, {}, {}, 0, "VALID"},
};

TEST(CpuPoolKernels, MaxPoolIsBitIdenticalForEveryGeometry) {
  uint64_t seed = 1;
  for (const Window& w : kWindows)
    expect_tactic_matches_reference("maxpool2d", pool("MaxPool", w, seed++), Tolerance::bits());
}

TEST(CpuPoolKernels, AveragePoolMatchesWithAndWithoutPaddingCounted) {
  uint64_t seed = 100;
  for (const Window& w : kWindows) {
    for (int64_t include_pad : {0, 1}) {
      expect_tactic_matches_reference("avgpool2d", pool("AveragePool", w, seed++, include_pad),
                                      Tolerance::near(1e-5, 1e-6));
    }
  }
}

// The window over [N, C, H, W, lanes] with kernel 1 on the last axis: the blocked layout's pools.
Window vector_window(const Window& w, int64_t lanes) {
  Window v = w;
  v.x.push_back(lanes);
  v.kernel.push_back(1);
  if (!v.strides.empty()) v.strides.push_back(1);
  if (!v.dilations.empty()) v.dilations.push_back(1);
  if (!v.pads.empty()) v.pads = {w.pads[0], w.pads[1], 0, w.pads[2], w.pads[3], 0};
  v.x[0] = 1;
  v.x[1] = std::min<int64_t>(v.x[1], 2);
  v.x[2] = std::min<int64_t>(v.x[2], 37);  // the reference's 3-D pool is slow: smaller planes
  v.x[3] = std::min<int64_t>(v.x[3], 41);
  return v;
}

TEST(CpuPoolKernels, BlockedLayoutPoolsMatchForEveryGeometry) {
  uint64_t seed = 500;
  for (const Window& w : kWindows) {
    // 16 and 8: one vector per pixel (AVX-512, AVX2); 5: partial vectors.
    for (int64_t lanes : {16, 8, 5}) {
      const Window v = vector_window(w, lanes);
      expect_tactic_matches_reference("maxpool2d", pool("MaxPool", v, seed++), Tolerance::bits());
      if (lanes == 8) continue;
      for (int64_t include_pad : {0, 1}) {
        expect_tactic_matches_reference("avgpool2d", pool("AveragePool", v, seed++, include_pad),
                                        Tolerance::near(1e-5, 1e-6));
      }
    }
  }
}

TEST(CpuPoolKernels, MaxPoolKeepsInfinities) {
  LayerCase c = pool("MaxPool", {{1, 1, 4, 5}, {2, 2}, {1, 1}, {1, 1, 1, 1}, {}}, 1);
  const float inf = std::numeric_limits<float>::infinity();
  c.inputs[0] = f32({1, 1, 4, 5}, {-inf, -inf, 1, 2, 3, -inf, inf, -1, -2, -3, 0, -0.5f, 7, -inf, -inf,
                                   -inf, -inf, -inf, -inf, 4});
  expect_tactic_matches_reference("maxpool2d", c, Tolerance::bits());
}

LayerCase global(const char* op, Tensor x) {
  LayerCase c;
  c.op_type = op;
  c.inputs = {std::move(x)};
  return c;
}

TEST(CpuPoolKernels, GlobalPoolsOverPlanesOfEverySize) {
  uint64_t seed = 200;
  for (const Shape& s : {Shape{1, 1024, 7, 7}, Shape{2, 3, 1, 1}, Shape{1, 5, 13, 17}, Shape{1, 7, 100, 100},
                         Shape{3, 4, 5}, Shape{1, 2, 2, 3, 3}, Shape{1, 64, 4, 16}}) {
    expect_tactic_matches_reference("global_maxpool", global("GlobalMaxPool", random_tensor(s, seed, -5, 5)),
                                    Tolerance::bits());
    expect_tactic_matches_reference("global_avgpool", global("GlobalAveragePool", random_tensor(s, seed + 1, -5, 5)),
                                    Tolerance::near(1e-5, 1e-6));
    seed += 2;
  }
}

TEST(CpuPoolKernels, GlobalMaxPoolSkipsNanAsTheReferenceDoes) {
  const float nan = std::numeric_limits<float>::quiet_NaN();
  std::vector<float> v(2 * 37, 0.5f);
  v[3] = nan;
  v[40] = 2.0f;
  v[70] = nan;
  expect_tactic_matches_reference("global_maxpool", global("GlobalMaxPool", f32({1, 2, 37}, v)), Tolerance::bits());
}

TEST(CpuPoolKernels, RefuseWhatTheyDoNotCompute) {
  // MaxPool's Indices output.
  LayerCase indices = pool("MaxPool", kWindows[2], 1);
  indices.num_outputs = 2;
  expect_refused("maxpool2d", indices);
  // 1-D pools and 3-D pools with a window on the last axis.
  expect_refused("maxpool2d", pool("MaxPool", {{1, 2, 10}, {3}, {1}, {}, {}}, 1));
  expect_refused("avgpool2d", pool("AveragePool", {{1, 2, 4, 4, 4}, {2, 2, 2}, {2, 2, 2}, {}, {}}, 1));
  expect_refused("maxpool2d", pool("MaxPool", {{1, 2, 4, 4, 4}, {2, 2, 2}, {1, 1, 1}, {}, {}}, 1));
  // Other element types.
  LayerCase int8 = pool("MaxPool", kWindows[2], 1);
  int8.inputs[0] = Tensor::zeros(DataType::UInt8, kWindows[2].x);
  expect_refused("maxpool2d", int8);
  expect_refused("global_avgpool", global("GlobalAveragePool", Tensor::zeros(DataType::Double, {1, 2, 3, 3})));
  // Rows wider than the row buffer.
  expect_refused("maxpool2d", pool("MaxPool", {{1, 1, 2, 5000}, {2, 2}, {1, 1}, {}, {}}, 1));
}

}  // namespace
}  // namespace hone::cpu::testing
