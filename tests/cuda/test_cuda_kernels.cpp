// Every CUDA tactic against the operator's reference kernel (CPU) on seeded random inputs, as
// one-layer engines on the GPU: convolutions (cuDNN and the cuBLASLt 1x1 form) with each
// epilogue, products (Gemm/MatMul and the fused forms), elementwise layers with broadcasting,
// pooling, data movement, resize and softmax, over odd sizes (primes, 1, batch > 1). FP32 must
// stay FP32 (no TF32): 1e-4 relative. Skipped, with the reason, where there is no GPU.
#include <cmath>

#include "cuda_harness.hpp"

namespace hone::cuda::testing {
namespace {

using cpu::testing::f32;
using cpu::testing::i64;
using cpu::testing::make_attrs;
using cpu::testing::random_tensor;
using ir::Attribute;

// ---- convolutions ----

struct ConvCase {
  Shape x, w;
  std::vector<int64_t> strides, pads, dilations;
  int64_t group = 1;
  bool bias = true;
};

const ConvCase kConvs[] = {
    {{1, 3, 13, 13}, {5, 3, 3, 3}, {1, 1}, {1, 1, 1, 1}, {}},              // odd sizes, 3x3 same
    {{2, 4, 17, 11}, {7, 4, 3, 3}, {2, 2}, {1, 1, 1, 1}, {}},              // batch 2, stride 2
    {{1, 3, 29, 29}, {8, 3, 7, 7}, {2, 2}, {3, 3, 3, 3}, {}},              // ResNet's stem, smaller
    {{1, 16, 9, 9}, {16, 1, 3, 3}, {1, 1}, {1, 1, 1, 1}, {}, 16},          // depthwise
    {{1, 8, 10, 10}, {6, 4, 3, 3}, {1, 1}, {1, 1, 1, 1}, {}, 2},           // grouped
    {{1, 5, 15, 15}, {3, 5, 3, 3}, {1, 1}, {2, 2, 2, 2}, {2, 2}},          // dilated
    {{3, 7, 6, 5}, {11, 7, 1, 1}, {1, 1}, {}, {}},                         // 1x1
    {{1, 6, 12, 12}, {4, 6, 1, 1}, {2, 2}, {}, {}, 1, false},              // 1x1 stride 2, no bias
    {{1, 1, 1, 1}, {1, 1, 1, 1}, {1, 1}, {}, {}},                          // everything 1
};

LayerCase conv_case(const ConvCase& k, uint64_t seed, const std::string& op = "Conv") {
  LayerCase c;
  c.op_type = op;
  c.domain = op == "Conv" ? "" : "hone";
  c.opset = 17;
  c.inputs = {random_tensor(k.x, seed), random_tensor(k.w, seed + 1)};
  if (k.bias) c.inputs.push_back(random_tensor({k.w[0]}, seed + 2));
  c.attrs = make_attrs({{"strides", Attribute::of_ints(k.strides)}, {"group", Attribute::of_int(k.group)}});
  if (!k.pads.empty()) c.attrs.set("pads", Attribute::of_ints(k.pads));
  if (!k.dilations.empty()) c.attrs.set("dilations", Attribute::of_ints(k.dilations));
  return c;
}

// The output shape of a case, from the shape rule (for Z inputs).
Shape output_shape(const LayerCase& c) {
  auto layer = cpu::testing::build_layer(c);
  HONE_CHECK(layer.is_ok());
  return layer->node->output(0)->type().shape.to_static();
}

TEST(CudaConv, CudnnMatchesReference) {
  HONE_REQUIRE_CUDA_DEVICE();
  uint64_t seed = 100;
  for (const ConvCase& k : kConvs) {
    expect_matches_reference(conv_case(k, seed += 10), "cuda.f32_conv_cudnn", fp32(1e-4), {"cuda.f32_conv_cudnn"});
  }
}

TEST(CudaConv, Conv1x1CublasLtMatchesReference) {
  HONE_REQUIRE_CUDA_DEVICE();
  const ConvCase cases[] = {
      {{3, 7, 6, 5}, {11, 7, 1, 1}, {1, 1}, {}, {}},
      {{1, 64, 13, 17}, {33, 64, 1, 1}, {1, 1}, {}, {}},
      {{2, 5, 3, 3}, {4, 5, 1, 1}, {1, 1}, {}, {}, 1, false},
  };
  uint64_t seed = 300;
  for (const ConvCase& k : cases) {
    expect_matches_reference(conv_case(k, seed += 10), "cuda.f32_conv1x1_cublaslt", fp32(1e-4),
                             {"cuda.f32_conv1x1_cublaslt"});
  }
}

// FusedConv: y = post(act(conv + b) + Z), each epilogue form through both tactics.
TEST(CudaConv, FusedEpiloguesMatchReference) {
  HONE_REQUIRE_CUDA_DEVICE();
  struct Epi {
    std::string act;
    std::vector<float> act_params;
    bool residual;
    std::string post;
  };
  const Epi epilogues[] = {
      {"Relu", {}, false, ""},           // conv + bias + relu: cuDNN's fused call
      {"", {}, true, "Relu"},            // ResNet's conv + add + relu: fused call with Z
      {"Swish", {1.0f}, false, ""},      // YOLOv8's SiLU: conv, then the elementwise pass
      {"Swish", {1.0f}, true, ""},       // C2f's shortcut
      {"LeakyRelu", {0.1f}, true, "HardSwish"},
      {"Sigmoid", {}, false, ""},
      {"Clip", {0.0f, 6.0f}, false, ""},  // ReLU6
  };
  const ConvCase shapes[] = {
      {{1, 6, 11, 11}, {8, 6, 3, 3}, {1, 1}, {1, 1, 1, 1}, {}},
      {{2, 9, 5, 7}, {4, 9, 1, 1}, {1, 1}, {}, {}},
  };
  uint64_t seed = 500;
  for (const ConvCase& k : shapes) {
    for (const Epi& e : epilogues) {
      for (const char* tactic : {"cuda.f32_conv_cudnn", "cuda.f32_conv1x1_cublaslt"}) {
        if (std::string(tactic) == "cuda.f32_conv1x1_cublaslt" && k.w[2] != 1) continue;
        LayerCase c = conv_case(k, seed += 7, "FusedConv");
        if (!e.act.empty()) c.attrs.set("activation", Attribute::of_string(e.act));
        if (!e.act_params.empty()) c.attrs.set("activation_params", Attribute::of_floats(e.act_params));
        if (!e.post.empty()) c.attrs.set("post_activation", Attribute::of_string(e.post));
        if (e.residual) c.inputs.push_back(random_tensor(output_shape(conv_case(k, 0)), seed + 3));
        expect_matches_reference(c, tactic, fp32(1e-4), {tactic});
      }
    }
  }
}

TEST(CudaConv, CudnnIsChosenOrTimedAgainstCublasLtFor1x1) {
  HONE_REQUIRE_CUDA_DEVICE();
  // Both tactics support a 1x1 convolution: the tuner times them on the device and keeps one.
  expect_matches_reference(conv_case({{1, 32, 14, 14}, {16, 32, 1, 1}, {1, 1}, {}, {}}, 900), "cuda.f32_conv",
                           fp32(1e-4));
}

// ---- matrix products ----

LayerCase gemm_case(Shape a, Shape b, std::vector<Tensor> c_and_z, int64_t trans_a, int64_t trans_b, float alpha,
                    float beta, uint64_t seed, const std::string& op = "Gemm") {
  LayerCase c;
  c.op_type = op;
  c.domain = op == "Gemm" ? "" : "hone";
  c.opset = 17;
  c.inputs = {random_tensor(std::move(a), seed), random_tensor(std::move(b), seed + 1)};
  for (Tensor& t : c_and_z) c.inputs.push_back(std::move(t));
  c.constant = {false, true, true, false};
  c.attrs = make_attrs({{"transA", Attribute::of_int(trans_a)}, {"transB", Attribute::of_int(trans_b)},
                        {"alpha", Attribute::of_float(alpha)}, {"beta", Attribute::of_float(beta)}});
  return c;
}

TEST(CudaGemm, GemmMatchesReference) {
  HONE_REQUIRE_CUDA_DEVICE();
  const int64_t m = 7, k = 13, n = 5;
  uint64_t seed = 1000;
  for (int64_t ta : {0, 1}) {
    for (int64_t tb : {0, 1}) {
      const Shape a = ta ? Shape{k, m} : Shape{m, k};
      const Shape b = tb ? Shape{n, k} : Shape{k, n};
      // No C; C as a bias row [N] (cuBLASLt's epilogue); C [M, N], [M, 1] and a scalar with beta.
      expect_matches_reference(gemm_case(a, b, {}, ta, tb, 1.0f, 1.0f, seed += 5), "cuda.f32_gemm", fp32());
      expect_matches_reference(gemm_case(a, b, {random_tensor({n}, seed + 2)}, ta, tb, 0.5f, 1.0f, seed += 5),
                               "cuda.f32_gemm", fp32());
      expect_matches_reference(gemm_case(a, b, {random_tensor({m, n}, seed + 2)}, ta, tb, 1.5f, -0.75f, seed += 5),
                               "cuda.f32_gemm", fp32());
      expect_matches_reference(gemm_case(a, b, {random_tensor({m, 1}, seed + 2)}, ta, tb, 1.0f, 2.0f, seed += 5),
                               "cuda.f32_gemm", fp32());
      expect_matches_reference(gemm_case(a, b, {random_tensor({1}, seed + 2)}, ta, tb, 1.0f, 0.5f, seed += 5),
                               "cuda.f32_gemm", fp32());
    }
  }
  // A classifier head: [1, 2048] x [1000, 2048]^T + [1000].
  expect_matches_reference(gemm_case({1, 2048}, {1000, 2048}, {random_tensor({1000}, 7)}, 0, 1, 1.0f, 1.0f, 77),
                           "cuda.f32_gemm", fp32(1e-4));
}

TEST(CudaGemm, FusedGemmEpiloguesMatchReference) {
  HONE_REQUIRE_CUDA_DEVICE();
  uint64_t seed = 1200;
  for (const char* act : {"Relu", "Gelu", "Sigmoid"}) {
    for (bool residual : {false, true}) {
      std::vector<Tensor> extra = {random_tensor({17}, seed)};
      if (residual) extra.push_back(random_tensor({33, 17}, seed + 1));
      LayerCase c = gemm_case({33, 65}, {65, 17}, extra, 0, 0, 1.0f, 1.0f, seed += 3, "FusedGemm");
      c.attrs.set("activation", Attribute::of_string(act));
      if (residual) c.attrs.set("post_activation", Attribute::of_string("Relu"));
      expect_matches_reference(c, "cuda.f32_gemm", fp32());
    }
  }
}

LayerCase matmul_case(Shape a, Shape b, uint64_t seed, bool b_constant = true) {
  LayerCase c;
  c.op_type = "MatMul";
  c.opset = 17;
  c.inputs = {random_tensor(std::move(a), seed), random_tensor(std::move(b), seed + 1)};
  c.constant = {false, b_constant};
  return c;
}

TEST(CudaGemm, MatMulBatchesMatchReference) {
  HONE_REQUIRE_CUDA_DEVICE();
  uint64_t seed = 1400;
  expect_matches_reference(matmul_case({5, 7}, {7, 3}, seed += 3), "cuda.f32_gemm", fp32());
  expect_matches_reference(matmul_case({2, 3, 5, 7}, {7, 4}, seed += 3), "cuda.f32_gemm", fp32());    // folded into M
  expect_matches_reference(matmul_case({3, 5, 7}, {3, 7, 4}, seed += 3, false), "cuda.f32_gemm", fp32());  // strided
  expect_matches_reference(matmul_case({5, 7}, {4, 7, 9}, seed += 3), "cuda.f32_gemm", fp32());       // A shared
  expect_matches_reference(matmul_case({1, 1, 31}, {31, 1}, seed += 3), "cuda.f32_gemm", fp32());
}

TEST(CudaGemm, FusedMatMulMatchesReference) {
  HONE_REQUIRE_CUDA_DEVICE();
  LayerCase c = matmul_case({2, 6, 10}, {10, 12}, 1500);
  c.op_type = "FusedMatMul";
  c.domain = "hone";
  c.inputs.push_back(random_tensor({12}, 1502));          // bias [N]: cuBLASLt's epilogue
  c.inputs.push_back(random_tensor({2, 6, 12}, 1503));    // Z
  c.constant = {false, true, true, false};
  c.attrs = make_attrs({{"activation", Attribute::of_string("Relu")}, {"post_activation", Attribute::of_string("Tanh")}});
  expect_matches_reference(c, "cuda.f32_gemm", fp32());
  LayerCase d = matmul_case({4, 9}, {9, 3}, 1600);
  d.op_type = "FusedMatMul";
  d.domain = "hone";
  d.inputs.push_back(random_tensor({4, 1}, 1602));        // a bias along M: filled into Y first
  expect_matches_reference(d, "cuda.f32_gemm", fp32());
}

// ---- elementwise ----

LayerCase unary(const std::string& op, Shape shape, uint64_t seed, float lo = -3, float hi = 3,
                ir::Attributes attrs = {}) {
  LayerCase c;
  c.op_type = op;
  c.opset = 18;
  c.inputs = {random_tensor(std::move(shape), seed, lo, hi)};
  c.attrs = std::move(attrs);
  return c;
}

TEST(CudaElementwise, UnaryOpsMatchReference) {
  HONE_REQUIRE_CUDA_DEVICE();
  const Shape shape = {2, 3, 17, 19};
  uint64_t seed = 2000;
  for (const char* op : {"Relu", "Sigmoid", "Tanh", "HardSwish", "Softplus", "Mish", "Abs", "Neg", "Exp", "Erf",
                         "Floor", "Ceil"}) {
    expect_matches_reference(unary(op, shape, seed++), "cuda.f32_elementwise", fp32(1e-6));
  }
  for (const char* op : {"Sqrt", "Log", "Reciprocal"}) {
    expect_matches_reference(unary(op, shape, seed++, 0.1f, 4.0f), "cuda.f32_elementwise", fp32(1e-6));
  }
  expect_matches_reference(unary("LeakyRelu", shape, seed++, -3, 3, make_attrs({{"alpha", Attribute::of_float(0.2f)}})),
                           "cuda.f32_elementwise", fp32(1e-6));
  expect_matches_reference(unary("Elu", shape, seed++, -3, 3, make_attrs({{"alpha", Attribute::of_float(0.7f)}})),
                           "cuda.f32_elementwise", fp32(1e-6));
  expect_matches_reference(unary("HardSigmoid", shape, seed++, -5, 5,
                                 make_attrs({{"alpha", Attribute::of_float(0.25f)}, {"beta", Attribute::of_float(0.4f)}})),
                           "cuda.f32_elementwise", fp32(1e-6));
  expect_matches_reference(unary("Gelu", shape, seed++), "cuda.f32_elementwise", fp32(1e-6));
  expect_matches_reference(unary("Gelu", shape, seed++, -3, 3, make_attrs({{"approximate", Attribute::of_string("tanh")}})),
                           "cuda.f32_elementwise", fp32(1e-6));
  LayerCase clip = unary("Clip", shape, seed++);
  clip.inputs.push_back(f32({}, {-0.5f}));
  clip.inputs.push_back(f32({}, {1.25f}));
  expect_matches_reference(clip, "cuda.f32_elementwise", fp32(1e-6));
  // One element, and an empty tensor.
  expect_matches_reference(unary("Sigmoid", {1}, seed++), "cuda.f32_elementwise", fp32(1e-6));
  expect_matches_reference(unary("Relu", {2, 0, 3}, seed++), "cuda.f32_elementwise", fp32(1e-6));
}

TEST(CudaElementwise, BinaryOpsBroadcastLikeReference) {
  HONE_REQUIRE_CUDA_DEVICE();
  const std::pair<Shape, Shape> shapes[] = {
      {{2, 3, 7, 5}, {2, 3, 7, 5}},  // same shape: one linear index
      {{2, 3, 7, 5}, {3, 1, 1}},     // per channel
      {{2, 3, 7, 5}, {}},            // scalar
      {{2, 1, 5}, {1, 4, 1}},        // both broadcast
      {{1, 2, 8400}, {1, 2, 8400}},  // YOLOv8's box decode
      {{5}, {3, 1}},
  };
  uint64_t seed = 3000;
  for (const char* op : {"Add", "Sub", "Mul", "Div", "Max", "Min"}) {
    for (const auto& [a, b] : shapes) {
      for (bool constant : {false, true}) {
        LayerCase c;
        c.op_type = op;
        c.opset = 14;
        c.inputs = {random_tensor(a, seed++, -2, 2), random_tensor(b, seed++, 0.5f, 2)};
        c.constant = {false, constant};
        expect_matches_reference(c, "cuda.f32_elementwise", fp32(1e-6));
      }
    }
  }
  LayerCase pow;
  pow.op_type = "Pow";
  pow.opset = 15;
  pow.inputs = {random_tensor({4, 9}, 3100, 0.1f, 3), random_tensor({9}, 3101, -2, 2)};
  pow.constant = {false, false};
  expect_matches_reference(pow, "cuda.f32_elementwise", fp32(1e-6));
}

TEST(CudaElementwise, FusedChainMatchesReference) {
  HONE_REQUIRE_CUDA_DEVICE();
  // v = sigmoid((x0 + x1) * x2) - x1, x1 [C,1,1] broadcast, x2 swapped into a Div.
  LayerCase c;
  c.op_type = "FusedElementwise";
  c.domain = "hone";
  c.inputs = {random_tensor({2, 4, 6, 7}, 3200), random_tensor({4, 1, 1}, 3201), random_tensor({2, 4, 6, 7}, 3202, 0.5f, 2)};
  c.constant = {false, true, false};
  c.attrs = make_attrs({{"ops", Attribute::of_strings({"Add", "Mul", "Sigmoid", "Sub", "Div", "Swish"})},
                        {"operands", Attribute::of_ints({1, 2, -1, 1, 2, -1})},
                        {"swap", Attribute::of_ints({0, 0, 0, 0, 1, 0})},
                        {"params", Attribute::of_floats({0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1.5f, 0})}});
  expect_matches_reference(c, "cuda.f32_elementwise", fp32(1e-6));
}

// ---- pooling ----

LayerCase pool(const char* op, Shape x, std::vector<int64_t> kernel, std::vector<int64_t> strides,
               std::vector<int64_t> pads, int64_t ceil_mode, uint64_t seed, int64_t include_pad = 0,
               std::vector<int64_t> dilations = {}) {
  LayerCase c;
  c.op_type = op;
  c.opset = 19;
  c.inputs = {random_tensor(std::move(x), seed)};
  c.attrs = make_attrs({{"kernel_shape", Attribute::of_ints(kernel)}, {"strides", Attribute::of_ints(strides)}});
  if (!pads.empty()) c.attrs.set("pads", Attribute::of_ints(pads));
  if (ceil_mode) c.attrs.set("ceil_mode", Attribute::of_int(1));
  if (include_pad) c.attrs.set("count_include_pad", Attribute::of_int(1));
  if (!dilations.empty()) c.attrs.set("dilations", Attribute::of_ints(dilations));
  return c;
}

TEST(CudaPool, WindowPoolsMatchReference) {
  HONE_REQUIRE_CUDA_DEVICE();
  uint64_t seed = 4000;
  for (const char* op : {"MaxPool", "AveragePool"}) {
    expect_matches_reference(pool(op, {1, 8, 56, 56}, {3, 3}, {2, 2}, {1, 1, 1, 1}, 0, seed++), "cuda.f32_pool2d", fp32(1e-6));
    expect_matches_reference(pool(op, {2, 3, 14, 15}, {3, 3}, {2, 2}, {0, 0, 1, 1}, 1, seed++), "cuda.f32_pool2d", fp32(1e-6));
    expect_matches_reference(pool(op, {1, 16, 20, 20}, {5, 5}, {1, 1}, {2, 2, 2, 2}, 0, seed++), "cuda.f32_pool2d", fp32(1e-6));
    expect_matches_reference(pool(op, {1, 2, 13, 13}, {3, 3}, {2, 2}, {}, 1, seed++), "cuda.f32_pool2d", fp32(1e-6));
    expect_matches_reference(pool(op, {1, 2, 15, 16}, {3, 3}, {1, 1}, {2, 2, 2, 2}, 0, seed++, 0, {2, 2}),
                             "cuda.f32_pool2d", fp32(1e-6));
  }
  expect_matches_reference(pool("AveragePool", {1, 3, 9, 11}, {3, 3}, {2, 2}, {1, 1, 1, 1}, 0, seed++, 1),
                           "cuda.f32_pool2d", fp32(1e-6));
  expect_matches_reference(pool("AveragePool", {1, 16, 7, 7}, {7, 7}, {1, 1}, {}, 0, seed++), "cuda.f32_pool2d",
                           fp32(1e-6));
}

TEST(CudaPool, GlobalPoolsMatchReference) {
  HONE_REQUIRE_CUDA_DEVICE();
  uint64_t seed = 4100;
  for (const char* op : {"GlobalAveragePool", "GlobalMaxPool"}) {
    for (const Shape& x : {Shape{1, 2048, 7, 7}, Shape{3, 5, 13, 1}, Shape{1, 1, 1, 1}, Shape{2, 3, 33, 35}}) {
      expect_matches_reference(unary(op, x, seed++, -1, 1), "cuda.f32_global_pool", fp32(1e-6));
    }
  }
}

// ---- data movement ----

TEST(CudaDataMovement, ConcatSplitSliceTransposeMatchReference) {
  HONE_REQUIRE_CUDA_DEVICE();
  uint64_t seed = 5000;
  for (int64_t axis : {0, 1, 2, -1}) {
    LayerCase c;
    c.op_type = "Concat";
    c.opset = 13;
    Shape a = {2, 3, 5, 7}, b = a;
    b[static_cast<size_t>(axis < 0 ? 3 : axis)] = 4;
    c.inputs = {random_tensor(a, seed++), random_tensor(b, seed++), random_tensor(a, seed++)};
    c.constant = {false, false, false};
    c.attrs = make_attrs({{"axis", Attribute::of_int(axis)}});
    expect_matches_reference(c, "cuda.f32_concat", Tolerance::bits());
  }
  for (int64_t axis : {1, 2}) {
    LayerCase c;
    c.op_type = "Split";
    c.opset = 13;
    c.inputs = {random_tensor({2, 9, 9, 3}, seed++), i64({3}, {2, 3, 4})};
    c.num_outputs = 3;
    c.attrs = make_attrs({{"axis", Attribute::of_int(axis)}});
    expect_matches_reference(c, "cuda.f32_split", Tolerance::bits());
  }
  struct SliceCase {
    std::vector<int64_t> starts, ends, axes, steps;
  };
  const SliceCase slices[] = {
      {{1, 0}, {3, 4}, {1, 3}, {1, 1}},
      {{0}, {9}, {2}, {2}},
      {{-1, 5}, {-100, 0}, {1, 3}, {-1, -2}},  // reversed
      {{0, 2}, {1, 1000}, {0, 3}, {1, 3}},
  };
  for (const SliceCase& s : slices) {
    LayerCase c;
    c.op_type = "Slice";
    c.opset = 13;
    const int64_t n = static_cast<int64_t>(s.starts.size());
    c.inputs = {random_tensor({2, 5, 9, 11}, seed++), i64({n}, s.starts), i64({n}, s.ends), i64({n}, s.axes),
                i64({n}, s.steps)};
    expect_matches_reference(c, "cuda.f32_slice", Tolerance::bits());
  }
  for (const std::vector<int64_t>& perm : {std::vector<int64_t>{0, 3, 1, 2}, {0, 3, 2, 1}, {3, 2, 1, 0}, {1, 0, 2, 3}}) {
    LayerCase c;
    c.op_type = "Transpose";
    c.opset = 13;
    c.inputs = {random_tensor({1, 4, 16, 37}, seed++)};
    c.attrs = make_attrs({{"perm", Attribute::of_ints(perm)}});
    expect_matches_reference(c, "cuda.f32_transpose", Tolerance::bits());
  }
  LayerCase reshape;  // a graph input to a graph output: not elided, one device copy
  reshape.op_type = "Reshape";
  reshape.opset = 14;
  reshape.inputs = {random_tensor({1, 144, 20, 20}, seed++), i64({3}, {1, 144, 400})};
  expect_matches_reference(reshape, "cuda.f32_copy", Tolerance::bits());
}

TEST(CudaDataMovement, ResizeNearestMatchesReference) {
  HONE_REQUIRE_CUDA_DEVICE();
  struct ResizeCase {
    std::string transform, nearest;
    std::vector<float> scales;
    std::vector<int64_t> sizes;
  };
  const ResizeCase cases[] = {
      {"asymmetric", "floor", {1, 1, 2, 2}, {}},  // YOLOv8's upsampling
      {"half_pixel", "round_prefer_floor", {}, {1, 3, 17, 9}},
      {"align_corners", "round_prefer_ceil", {1, 1, 1.5f, 0.75f}, {}},
      {"pytorch_half_pixel", "ceil", {}, {1, 3, 7, 30}},
  };
  uint64_t seed = 6000;
  for (const ResizeCase& r : cases) {
    LayerCase c;
    c.op_type = "Resize";
    c.opset = 19;
    c.inputs = {random_tensor({1, 3, 11, 13}, seed++), Tensor(),
                r.scales.empty() ? Tensor() : f32({4}, r.scales), r.sizes.empty() ? Tensor() : i64({4}, r.sizes)};
    c.attrs = make_attrs({{"mode", Attribute::of_string("nearest")},
                          {"coordinate_transformation_mode", Attribute::of_string(r.transform)},
                          {"nearest_mode", Attribute::of_string(r.nearest)}});
    expect_matches_reference(c, "cuda.f32_resize_nearest", Tolerance::bits());
  }
}

TEST(CudaDataMovement, SoftmaxMatchesReference) {
  HONE_REQUIRE_CUDA_DEVICE();
  uint64_t seed = 7000;
  struct SoftmaxCase {
    Shape x;
    int64_t axis;
    int opset;
    const char* op;
  };
  const SoftmaxCase cases[] = {
      {{1, 8400, 4, 16}, 3, 13, "Softmax"},  // YOLOv8's DFL
      {{2, 1000}, -1, 13, "Softmax"},        // a classifier
      {{2, 7, 5, 3}, 1, 13, "Softmax"},      // a middle axis: strided rows
      {{2, 7, 5, 3}, 1, 11, "Softmax"},      // opset 11: the flattened tail
      {{3, 37}, -1, 13, "LogSoftmax"},
      {{1, 1}, -1, 13, "Softmax"},
  };
  for (const SoftmaxCase& s : cases) {
    LayerCase c = unary(s.op, s.x, seed++, -5, 5, make_attrs({{"axis", Attribute::of_int(s.axis)}}));
    c.opset = s.opset;
    expect_matches_reference(c, "cuda.f32_softmax", fp32(1e-6));
  }
}

}  // namespace
}  // namespace hone::cuda::testing
