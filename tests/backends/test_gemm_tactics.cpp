// The GEMM-based tactics (cpu.f32_gemm_*, cpu.f32_conv1x1_gemm_*, cpu.f32_conv_im2col_*)
// against the operators' reference kernels on one-node graphs: Gemm/FusedGemm (transposes,
// alpha/beta, every C broadcast), MatMul/FusedMatMul (batch broadcasting, 1-D operands,
// biases), Conv/FusedConv (1x1 and general kernels, strides, dilations, pads, auto_pad,
// groups, batch 2, 1-D/3-D), with constant (prepacked) and run-time weights, at every ISA level
// here and 1/2/3 threads; plus the layers each tactic must refuse.
#include <gtest/gtest.h>

#include <cmath>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "backends/cpu/dispatch.hpp"
#include "backends/cpu/gemm/gemm_tactics.hpp"
#include "backends/layer_builder.hpp"
#include "ops/node_runner.hpp"
#include "ops/shape_inference.hpp"

namespace hone::cpu {
namespace {

using ir::Attribute;

using testing::levels_here;

using testing::pool_of;

Tensor random_tensor(Shape shape, std::mt19937_64& rng, DataType dtype = DataType::Float) {
  Tensor t = Tensor::zeros(dtype, std::move(shape));
  std::uniform_real_distribution<float> dist(-1.0f, 1.0f);
  if (dtype == DataType::Float) {
    for (int64_t i = 0; i < t.numel(); ++i) t.data<float>()[i] = dist(rng);
  }
  return t;
}

// One input of the layer: a value, constant (an initializer) or fed at run time; or omitted.
struct Input {
  Tensor value;
  bool constant = false;
  static Input omitted() { return {}; }
};

// A one-node graph with its input values; the node's output type is inferred.
struct Layer {
  std::unique_ptr<ir::Graph> graph;
  ir::Node* node = nullptr;
  std::vector<Datum> values;  // per input (omitted: kind None)
  std::string what;

  LayerDesc desc(DataType precision = DataType::Float) const { return LayerDesc::of(*node, {}, precision); }
};

Layer make_layer(const std::string& op, ir::Attributes attrs, std::vector<Input> inputs, std::string what,
                 bool infer_must_pass = true) {
  Layer l;
  l.what = op + " " + what;
  const std::string domain = op.rfind("Fused", 0) == 0 ? "hone" : "";
  ir::OpKind kind;
  EXPECT_TRUE(ir::find_op_kind(domain, op, &kind)) << op;
  l.graph = std::make_unique<ir::Graph>("test");
  l.graph->opsets()[domain] = domain.empty() ? 21 : 1;
  std::vector<ir::Value*> ins;
  for (size_t i = 0; i < inputs.size(); ++i) {
    if (!inputs[i].value.defined()) {
      ins.push_back(nullptr);
      l.values.push_back(Datum::none());
      continue;
    }
    const Tensor& t = inputs[i].value;
    ir::Value* v = l.graph->add_value("in" + std::to_string(i), ir::Type::tensor(t.dtype(), ir::TensorShape::of(t.shape())));
    if (inputs[i].constant) v->set_constant(t);
    else l.graph->add_input(v);
    ins.push_back(v);
    l.values.push_back(Datum::of(t));
  }
  ir::Value* out = l.graph->add_value("out");
  l.node = l.graph->add_node(kind, op, domain, "node", domain.empty() ? 21 : 1, ins, {out}, std::move(attrs));
  l.graph->add_output(out);
  const Status st = ops::infer_graph_types(*l.graph);
  if (infer_must_pass) {
    EXPECT_TRUE(st.is_ok()) << l.what << ": " << st.to_string();
  }
  return l;
}

// Runs `kernel` on the layer's inputs with freshly allocated outputs; returns output 0.
Result<Tensor> run_layer(const Layer& l, const std::function<Status(ops::KernelContext&)>& kernel) {
  std::vector<const Datum*> inputs;
  for (const Datum& d : l.values) inputs.push_back(d.is_none() ? nullptr : &d);
  std::vector<Datum> outputs(1);
  HONE_RETURN_IF_ERROR(ops::allocate_outputs(*l.node, inputs, &outputs));
  ops::KernelContext ctx(*l.node, inputs, &outputs, nullptr, 1);
  HONE_RETURN_IF_ERROR(ops::run_kernel(kernel, ctx));
  return outputs[0].tensor;
}

Result<Tensor> run_tactic(const Tactic& t, const Layer& l, int threads) {
  const LayerDesc desc = l.desc();
  HONE_ASSIGN_OR_RETURN(std::vector<Tensor> packed, t.prepare(desc));
  HONE_ASSIGN_OR_RETURN(Tensor ws, Tensor::create(DataType::UInt8, {static_cast<int64_t>(t.workspace_bytes(desc))}));
  ThreadPool& pool = pool_of(threads);
  Result<Tensor> out = run_layer(l, [&](ops::KernelContext& ctx) {
    const LayerRun run{ctx, packed, {static_cast<std::byte*>(ws.raw()), ws.nbytes()}, pool};
    return t.run(run);
  });
  pool.sleep_workers();
  return out;
}

// Element-wise |got - want| <= 1e-4 (|want| + max|want| / 10) (relative, with a floor for
// elements that cancel to near 0), and cosine >= 0.99999; names the first differing index.
::testing::AssertionResult close_to_reference(const Tensor& got, const Tensor& want) {
  if (got.shape() != want.shape()) {
    return ::testing::AssertionFailure() << "shape " << shape_to_string(got.shape()) << " vs " << shape_to_string(want.shape());
  }
  double max_abs = 0;
  for (int64_t i = 0; i < want.numel(); ++i) max_abs = std::max(max_abs, std::fabs(double(want.data<float>()[i])));
  double dot = 0, ng = 0, nw = 0;
  for (int64_t i = 0; i < want.numel(); ++i) {
    const double g = got.data<float>()[i], w = want.data<float>()[i];
    if (!(std::fabs(g - w) <= 1e-4 * (std::fabs(w) + 0.1 * max_abs))) {
      return ::testing::AssertionFailure() << "first difference at index " << i << ": got " << g << ", reference " << w;
    }
    dot += g * w;
    ng += g * g;
    nw += w * w;
  }
  if (ng > 0 && nw > 0 && dot / std::sqrt(ng * nw) < 0.99999) {
    return ::testing::AssertionFailure() << "cosine " << dot / std::sqrt(ng * nw);
  }
  return ::testing::AssertionSuccess();
}

// The tactic family `family` at every level here must support the layer and match the
// reference with each thread count.
void expect_matches_reference(const Tactic& (*family)(CpuIsa), const Layer& l, std::vector<int> thread_counts = {1, 2, 3}) {
  auto want = run_layer(l, [&](ops::KernelContext& ctx) { return ops::op_def(l.node->kind()).run(ctx); });
  ASSERT_TRUE(want.is_ok()) << l.what << ": reference: " << want.status().to_string();
  for (CpuIsa isa : levels_here()) {
    const Tactic& t = family(isa);
    ASSERT_TRUE(t.supports(l.desc(), features_of(isa))) << t.id() << " refuses " << l.what;
    for (int threads : thread_counts) {
      auto got = run_tactic(t, l, threads);
      ASSERT_TRUE(got.is_ok()) << t.id() << " " << l.what << ": " << got.status().to_string();
      EXPECT_TRUE(close_to_reference(*got, *want)) << t.id() << " " << l.what << " threads=" << threads;
    }
  }
}

ir::Attributes attrs(std::initializer_list<std::pair<std::string, Attribute>> list) {
  ir::Attributes a;
  for (const auto& [n, v] : list) a.set(n, v);
  return a;
}

// ---- Gemm / FusedGemm ----

TEST(GemmTactic, GemmTransposesAlphaBetaAndEveryCBroadcast) {
  std::mt19937_64 rng(1);
  struct Dims { int64_t m, n, k; };
  for (Dims d : {Dims{1, 37, 64}, Dims{5, 17, 3}, Dims{33, 65, 129}, Dims{15, 31, 1}}) {
    for (int trans = 0; trans < 4; ++trans) {
      const bool ta = trans & 1, tb = trans & 2;
      const std::vector<Shape> c_shapes = {{}, {d.n}, {1, d.n}, {d.m, 1}, {d.m, d.n}, {1}, {1, 1}};
      for (size_t ci = 0; ci <= c_shapes.size(); ++ci) {
        const Tensor a = random_tensor(ta ? Shape{d.k, d.m} : Shape{d.m, d.k}, rng);
        const Tensor b = random_tensor(tb ? Shape{d.n, d.k} : Shape{d.k, d.n}, rng);
        std::vector<Input> in = {{a, ci % 3 == 2}, {b, ci % 2 == 0}};
        if (ci < c_shapes.size()) in.push_back({random_tensor(c_shapes[ci], rng), ci % 2 == 1});
        const ir::Attributes at = attrs({{"transA", Attribute::of_int(ta)}, {"transB", Attribute::of_int(tb)},
                                         {"alpha", Attribute::of_float(0.75f)}, {"beta", Attribute::of_float(-1.25f)}});
        const std::string c_name = ci < c_shapes.size() ? shape_to_string(c_shapes[ci]) : "none";
        // 1 thread, and 1/2/3 for every fourth layer (the split itself is sgemm's, tested there).
        expect_matches_reference(gemm_tactic,
                                 make_layer("Gemm", at, in,
                                            "m=" + std::to_string(d.m) + " n=" + std::to_string(d.n) + " k=" +
                                                std::to_string(d.k) + " trans=" + std::to_string(trans) + " C=" + c_name),
                                 ci % 4 == static_cast<size_t>(trans) ? std::vector<int>{1, 2, 3} : std::vector<int>{1});
      }
    }
  }
}

TEST(GemmTactic, FusedGemmEpilogues) {
  std::mt19937_64 rng(2);
  struct Epi { std::string act; std::vector<float> act_params; bool z; std::string post; };
  for (const Epi& e : {Epi{"Relu", {}, false, ""}, Epi{"Sigmoid", {}, true, ""}, Epi{"", {}, true, "Relu"},
                       Epi{"LeakyRelu", {0.2f}, true, "Tanh"}}) {
    const int64_t m = 9, n = 70, k = 40;
    ir::Attributes at = attrs({{"transB", Attribute::of_int(1)}, {"alpha", Attribute::of_float(1.5f)}});
    if (!e.act.empty()) at.set("activation", Attribute::of_string(e.act));
    if (!e.act_params.empty()) at.set("activation_params", Attribute::of_floats(e.act_params));
    if (!e.post.empty()) at.set("post_activation", Attribute::of_string(e.post));
    std::vector<Input> in = {{random_tensor({m, k}, rng)}, {random_tensor({n, k}, rng), true}, {random_tensor({n}, rng), true}};
    if (e.z) in.push_back({random_tensor({m, n}, rng)});
    expect_matches_reference(gemm_tactic, make_layer("FusedGemm", at, in, "act=" + e.act + " post=" + e.post));
  }
}

// ---- MatMul / FusedMatMul ----

TEST(GemmTactic, MatMulBatchBroadcastingAndVectors) {
  std::mt19937_64 rng(3);
  struct Case { Shape a, b; bool a_const, b_const; };
  const std::vector<Case> cases = {
      {{2, 3, 7, 9}, {9, 5}, false, true},      // batched A, one constant B: one GEMM of 42 rows
      {{2, 3, 7, 9}, {9, 5}, false, false},
      {{7, 9}, {2, 9, 5}, false, false},        // A broadcast over B's batch
      {{7, 9}, {2, 9, 5}, true, false},         // constant A, packed per matrix
      {{2, 1, 7, 9}, {1, 3, 9, 5}, false, true}, // both broadcast; B packed per matrix
      {{9}, {9, 5}, false, true},               // 1-D A
      {{7, 9}, {9}, false, false},              // 1-D B
      {{9}, {9}, false, false},                 // dot product
      {{3, 1, 40}, {40, 100}, false, true},     // fully connected over a batch
      {{1, 2048}, {2048, 33}, false, true},     // long reduction
      {{4, 0, 5}, {5, 6}, false, false},        // empty
      {{4, 3, 0}, {0, 6}, false, true},         // K = 0
  };
  for (const Case& c : cases) {
    const std::vector<Input> in = {{random_tensor(c.a, rng), c.a_const}, {random_tensor(c.b, rng), c.b_const}};
    expect_matches_reference(gemm_tactic, make_layer("MatMul", {}, in,
                                                     shape_to_string(c.a) + " x " + shape_to_string(c.b) +
                                                         (c.a_const ? " constA" : "") + (c.b_const ? " constB" : "")));
  }
}

TEST(GemmTactic, FusedMatMulBiasShapesAndEpilogue) {
  std::mt19937_64 rng(4);
  struct Case { Shape a, b, bias; bool z; std::string act; };
  const std::vector<Case> cases = {
      {{2, 3, 7, 9}, {9, 5}, {5}, false, "Relu"},
      {{2, 3, 7, 9}, {9, 5}, {7, 1}, true, ""},
      {{2, 3, 7, 9}, {9, 5}, {2, 3, 7, 5}, true, "Swish"},
      {{2, 3, 7, 9}, {3, 9, 5}, {3, 1, 5}, false, "Gelu"},
      {{9}, {2, 9, 5}, {5}, true, "Relu"},
      {{7, 9}, {9}, {7}, false, "Sigmoid"},
      {{6, 33}, {33, 40}, {}, true, "HardSwish"},
  };
  for (const Case& c : cases) {
    ir::Attributes at;
    if (!c.act.empty()) at.set("activation", Attribute::of_string(c.act));
    if (c.act == "Swish") at.set("activation_params", Attribute::of_floats({1.0f}));
    std::vector<Input> in = {{random_tensor(c.a, rng)}, {random_tensor(c.b, rng), true}, {random_tensor(c.bias, rng), true}};
    Layer probe = make_layer("MatMul", {}, {in[0], in[1]}, "probe");
    if (c.z) in.push_back({random_tensor(probe.node->output(0)->type().shape.to_static(), rng)});
    expect_matches_reference(gemm_tactic, make_layer("FusedMatMul", at, in,
                                                     shape_to_string(c.a) + " x " + shape_to_string(c.b) + " + " +
                                                         shape_to_string(c.bias) + " act=" + c.act));
  }
}

// ---- Conv / FusedConv ----

struct ConvCase {
  Shape x, w;
  ir::Attributes attrs;
  bool bias = true;
  bool w_const = true;
  std::string name;
};

Layer conv_layer(const ConvCase& c, std::mt19937_64& rng, const std::string& op = "Conv", ir::Attributes extra = {},
                 bool z = false) {
  ir::Attributes at = c.attrs;
  for (const auto& [n, v] : extra.items()) at.set(n, v);
  std::vector<Input> in = {{random_tensor(c.x, rng)}, {random_tensor(c.w, rng), c.w_const}};
  if (c.bias) in.push_back({random_tensor({c.w[0]}, rng), true});
  else if (z) in.push_back(Input::omitted());
  if (z) {
    Layer probe = make_layer("Conv", c.attrs, {in[0], in[1]}, "probe");
    in.push_back({random_tensor(probe.node->output(0)->type().shape.to_static(), rng)});
  }
  return make_layer(op, at, in, c.name);
}

Attribute ints(std::vector<int64_t> v) { return Attribute::of_ints(std::move(v)); }

TEST(ConvGemmTactics, PointwiseConvolutionsOnTheOneByOneTactic) {
  std::mt19937_64 rng(5);
  const std::vector<ConvCase> cases = {
      {{1, 8, 5, 7}, {6, 8, 1, 1}, {}, true, true, "1x1"},
      {{2, 8, 5, 7}, {6, 4, 1, 1}, attrs({{"group", Attribute::of_int(2)}}), true, true, "group 2, batch 2"},
      {{1, 6, 4, 4}, {6, 1, 1, 1}, attrs({{"group", Attribute::of_int(6)}}), false, true, "depthwise 1x1"},
      {{1, 16, 9, 9}, {33, 16, 1, 1}, attrs({{"dilations", ints({2, 2})}}), true, true, "dilated 1x1"},
      {{1, 5, 3, 3}, {7, 5, 1, 1}, attrs({{"auto_pad", Attribute::of_string("SAME_UPPER")}}), true, false,
       "SAME_UPPER, weights at run time"},
      {{2, 4, 9}, {3, 4, 1}, {}, true, true, "1-D"},
      {{1, 4, 3, 4, 5}, {5, 4, 1, 1, 1}, {}, true, true, "3-D"},
      {{1, 64, 14, 14}, {256, 64, 1, 1}, {}, true, true, "ResNet bottleneck expand"},
  };
  for (const ConvCase& c : cases) {
    const Layer l = conv_layer(c, rng);
    expect_matches_reference(conv1x1_gemm_tactic, l);
    for (CpuIsa isa : levels_here()) {
      EXPECT_FALSE(conv_im2col_tactic(isa).supports(l.desc(), features_of(isa))) << "im2col claims " << c.name;
    }
  }
}

TEST(ConvGemmTactics, GeneralConvolutionsOnTheIm2colTactic) {
  std::mt19937_64 rng(6);
  const std::vector<ConvCase> cases = {
      {{1, 3, 8, 8}, {4, 3, 3, 3}, attrs({{"pads", ints({1, 1, 1, 1})}}), true, true, "3x3 pad 1"},
      {{2, 3, 9, 7}, {5, 3, 3, 3}, attrs({{"strides", ints({2, 2})}}), true, true, "3x3 stride 2, batch 2"},
      {{1, 2, 11, 10}, {3, 2, 3, 3}, attrs({{"dilations", ints({2, 3})}, {"pads", ints({2, 1, 0, 3})}}), true, true,
       "dilated, asymmetric pads"},
      {{1, 4, 7, 8}, {6, 4, 3, 2}, attrs({{"auto_pad", Attribute::of_string("SAME_UPPER")}, {"strides", ints({2, 3})}}),
       false, true, "SAME_UPPER strided"},
      {{1, 4, 7, 8}, {6, 4, 4, 4}, attrs({{"auto_pad", Attribute::of_string("SAME_LOWER")}}), true, true, "SAME_LOWER"},
      {{1, 4, 7, 8}, {6, 4, 3, 3}, attrs({{"auto_pad", Attribute::of_string("VALID")}, {"strides", ints({2, 2})}}), true,
       true, "VALID"},
      {{2, 6, 6, 6}, {9, 2, 3, 3}, attrs({{"group", Attribute::of_int(3)}, {"pads", ints({1, 1, 1, 1})}}), true, true,
       "group 3"},
      {{1, 5, 7, 7}, {5, 1, 3, 3}, attrs({{"group", Attribute::of_int(5)}, {"pads", ints({1, 1, 1, 1})}}), true, true,
       "depthwise 3x3"},
      {{1, 16, 9, 9}, {8, 16, 1, 1}, attrs({{"strides", ints({2, 2})}}), true, true, "1x1 stride 2"},
      {{1, 3, 23, 21}, {8, 3, 7, 7}, attrs({{"strides", ints({2, 2})}, {"pads", ints({3, 3, 3, 3})}}), true, true,
       "7x7 stride 2 stem"},
      {{1, 4, 6, 6}, {3, 4, 1, 1}, attrs({{"pads", ints({1, 0, 1, 0})}}), true, true, "1x1 with pads"},
      {{1, 4, 6, 5}, {3, 4, 3, 3}, attrs({{"pads", ints({1, 1, 1, 1})}}), true, false, "weights at run time"},
      {{2, 3, 17}, {4, 3, 5}, attrs({{"pads", ints({2, 1})}, {"strides", ints({2})}}), true, true, "1-D"},
      {{1, 2, 5, 6, 7}, {3, 2, 3, 3, 3}, attrs({{"pads", ints({1, 1, 1, 1, 1, 1})}, {"strides", ints({1, 2, 1})}}), true,
       true, "3-D"},
      {{1, 32, 20, 20}, {64, 32, 3, 3}, attrs({{"pads", ints({1, 1, 1, 1})}, {"strides", ints({2, 2})}}), true, true,
       "YOLOv8 downsample"},
      {{1, 3, 1, 40}, {4, 3, 1, 3}, {}, true, true, "one row"},
  };
  for (const ConvCase& c : cases) {
    const Layer l = conv_layer(c, rng);
    expect_matches_reference(conv_im2col_tactic, l);
    for (CpuIsa isa : levels_here()) {
      EXPECT_FALSE(conv1x1_gemm_tactic(isa).supports(l.desc(), features_of(isa))) << "conv1x1 claims " << c.name;
    }
  }
}

TEST(ConvGemmTactics, FusedConvEpiloguesOnBothTactics) {
  std::mt19937_64 rng(7);
  struct Epi { std::string act; std::vector<float> params; bool z; std::string post; };
  const std::vector<Epi> epis = {{"Relu", {}, false, ""}, {"", {}, true, "Relu"}, {"Swish", {1.0f}, true, ""},
                                 {"Clip", {0.0f, 6.0f}, false, ""}, {"HardSigmoid", {0.2f, 0.5f}, true, "Relu"}};
  const ConvCase pointwise{{2, 12, 6, 5}, {10, 12, 1, 1}, {}, true, true, "pointwise"};
  const ConvCase general{{2, 6, 7, 6}, {8, 3, 3, 3}, attrs({{"pads", ints({1, 1, 1, 1})}, {"group", Attribute::of_int(2)}}),
                         false, true, "3x3 group 2"};
  for (const Epi& e : epis) {
    ir::Attributes extra;
    if (!e.act.empty()) extra.set("activation", Attribute::of_string(e.act));
    if (!e.params.empty()) extra.set("activation_params", Attribute::of_floats(e.params));
    if (!e.post.empty()) extra.set("post_activation", Attribute::of_string(e.post));
    expect_matches_reference(conv1x1_gemm_tactic, conv_layer(pointwise, rng, "FusedConv", extra, e.z));
    expect_matches_reference(conv_im2col_tactic, conv_layer(general, rng, "FusedConv", extra, e.z));
  }
}

// ---- refusals: these layers go to other tactics (the reference at the latest) ----

TEST(GemmTactics, RefuseWhatTheyDoNotCompute) {
  std::mt19937_64 rng(8);
  std::vector<std::pair<const Tactic& (*)(CpuIsa), Layer>> refused;
  const Tensor a = random_tensor({4, 5}, rng), b = random_tensor({5, 3}, rng);
  refused.emplace_back(gemm_tactic, make_layer("Gemm", {}, {{random_tensor({4, 5}, rng, DataType::Double)},
                                                            {random_tensor({5, 3}, rng, DataType::Double)}},
                                               "double"));
  refused.emplace_back(gemm_tactic, make_layer("MatMul", {}, {{random_tensor({4, 5}, rng, DataType::Int32)},
                                                              {random_tensor({5, 3}, rng, DataType::Int32)}},
                                               "int32"));
  refused.emplace_back(gemm_tactic, make_layer("Relu", {}, {{a}}, "not a GEMM"));
  refused.emplace_back(gemm_tactic, make_layer("FusedGemm", attrs({{"activation", Attribute::of_string("Softmax")}}),
                                               {{a}, {b}}, "unknown activation", false));
  const ConvCase c3{{1, 3, 8, 8}, {4, 3, 3, 3}, {}, true, true, "3x3"};
  const ConvCase c1{{1, 3, 8, 8}, {4, 3, 1, 1}, {}, true, true, "1x1"};
  refused.emplace_back(conv1x1_gemm_tactic, conv_layer(c3, rng));
  refused.emplace_back(conv1x1_gemm_tactic, conv_layer({{1, 3, 8, 8}, {4, 3, 1, 1}, attrs({{"strides", ints({2, 2})}}),
                                                        true, true, "1x1 stride 2"},
                                                       rng));
  refused.emplace_back(conv_im2col_tactic, conv_layer(c1, rng));
  refused.emplace_back(conv_im2col_tactic,
                       make_layer("Conv", {}, {{random_tensor({1, 2, 5, 5}, rng, DataType::Double)},
                                               {random_tensor({3, 2, 3, 3}, rng, DataType::Double), true}},
                                  "double conv"));
  refused.emplace_back(conv_im2col_tactic, make_layer("MaxPool", attrs({{"kernel_shape", ints({2, 2})}}),
                                                      {{random_tensor({1, 2, 4, 4}, rng)}}, "not a conv"));
  for (const auto& [family, l] : refused) {
    for (CpuIsa isa : levels_here()) {
      EXPECT_FALSE(family(isa).supports(l.desc(), features_of(isa))) << family(isa).id() << " claims " << l.what;
    }
  }
  // A float layer asked for in another precision, and a level the CPU lacks.
  const Layer mm = make_layer("MatMul", {}, {{a}, {b, true}}, "float");
  const Layer conv = conv_layer(c3, rng);
  for (CpuIsa isa : levels_here()) {
    EXPECT_TRUE(gemm_tactic(isa).supports(mm.desc(), features_of(isa)));
    EXPECT_FALSE(gemm_tactic(isa).supports(mm.desc(DataType::Float16), features_of(isa)));
    EXPECT_FALSE(conv_im2col_tactic(isa).supports(conv.desc(DataType::Float16), features_of(isa)));
  }
  for (CpuIsa above : {CpuIsa::Avx2, CpuIsa::Avx512}) {
    EXPECT_FALSE(gemm_tactic(above).supports(mm.desc(), features_of(CpuIsa::Baseline)));
    EXPECT_FALSE(conv_im2col_tactic(above).supports(conv.desc(), features_of(CpuIsa::Baseline)));
    EXPECT_FALSE(conv1x1_gemm_tactic(above).supports(conv_layer(c1, rng).desc(), features_of(CpuIsa::Baseline)));
  }
  EXPECT_FALSE(gemm_tactic(CpuIsa::Avx512).supports(mm.desc(), features_of(CpuIsa::Avx2)));
}

TEST(GemmTactics, IdsNameTheAlgorithmAndLevel) {
  EXPECT_EQ(gemm_tactic(CpuIsa::Avx512).id(), "cpu.f32_gemm_avx512");
  EXPECT_EQ(gemm_tactic(CpuIsa::Avx2).id(), "cpu.f32_gemm_avx2");
  EXPECT_EQ(gemm_tactic(CpuIsa::Baseline).id(), "cpu.f32_gemm_baseline");
  EXPECT_EQ(conv1x1_gemm_tactic(CpuIsa::Avx512).id(), "cpu.f32_conv1x1_gemm_avx512");
  EXPECT_EQ(conv_im2col_tactic(CpuIsa::Avx2).id(), "cpu.f32_conv_im2col_avx2");
  EXPECT_EQ(gemm_tactic(CpuIsa::Avx2).required_isa(), isa_features(CpuIsa::Avx2));
  EXPECT_TRUE(conv_im2col_tactic(CpuIsa::Baseline).required_isa().empty());
}

TEST(GemmTactics, PackedWeightsOfAnotherShapeAreAnErrorNotACrash) {
  std::mt19937_64 rng(9);
  const Layer l = conv_layer({{1, 3, 8, 8}, {4, 3, 3, 3}, {}, true, true, "3x3"}, rng);
  const Layer other = conv_layer({{1, 3, 8, 8}, {4, 3, 5, 5}, {}, true, true, "5x5"}, rng);
  for (CpuIsa isa : levels_here()) {
    const Tactic& t = conv_im2col_tactic(isa);
    auto wrong = t.prepare(other.desc());
    ASSERT_TRUE(wrong.is_ok());
    Tensor ws = Tensor::zeros(DataType::UInt8, {static_cast<int64_t>(t.workspace_bytes(l.desc()))});
    ThreadPool& pool = pool_of(1);
    auto r = run_layer(l, [&](ops::KernelContext& ctx) {
      const LayerRun run{ctx, *wrong, {static_cast<std::byte*>(ws.raw()), ws.nbytes()}, pool};
      return t.run(run);
    });
    EXPECT_FALSE(r.is_ok()) << t.id();
  }
}

}  // namespace
}  // namespace hone::cpu
