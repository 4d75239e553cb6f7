// The direct NCHW[b]c convolution tactics (FusedConvBlocked) against the reference kernel of
// the op: channel counts around the block, kernels 1-7, strides, dilations, pads, depthwise,
// plain or blocked input, every epilogue part, batch 2, 1-3 threads, at every ISA level here.
#include <gtest/gtest.h>

#include <limits>

#include "backends/cpu/conv/conv_tactics.hpp"
#include "backends/cpu/dispatch.hpp"
#include "backends/layer_builder.hpp"
#include "ops/blocked_layout.hpp"
#include "ops/shape_inference.hpp"
#include "runtime/compare.hpp"
#include "runtime/reference_executor.hpp"

namespace hone::cpu {
namespace {

using testing::random_tensor;

struct Case {
  int64_t batch = 1, c = 16, m = 16, h = 9, w = 11, k = 3, stride = 1, dilation = 1, pad = 1;
  bool depthwise = false, input_blocked = true, z = false;
  // The input transform X' = relu?(X * S + T) (inputs 4, 5; pointwise layers).
  bool transform = false, transform_relu = false;
  std::string act, post;
  std::vector<float> act_params;
};

std::string describe(const Case& t) {
  return "n" + std::to_string(t.batch) + " c" + std::to_string(t.c) + " m" + std::to_string(t.m) + " " +
         std::to_string(t.h) + "x" + std::to_string(t.w) + " k" + std::to_string(t.k) + " s" + std::to_string(t.stride) +
         " d" + std::to_string(t.dilation) + " p" + std::to_string(t.pad) + (t.depthwise ? " dw" : "") +
         (t.input_blocked ? "" : " plain-in") + (t.z ? " Z" : "") + (t.transform ? " S,T" : "") +
         (t.transform_relu ? "+relu" : "") + " " + t.act + "/" + t.post;
}

// Runs case t through the tactic of `block` and through the reference; compares.
void check(const Case& t, const Tactic& tactic, int64_t block, int threads, uint64_t seed) {
  SCOPED_TRACE(describe(t) + " block " + std::to_string(block) + " threads " + std::to_string(threads));
  ir::Graph g("conv");
  g.opsets()["hone"] = 1;
  const Tensor x_plain = random_tensor({t.batch, t.c, t.h, t.w}, seed);
  auto x_b = ops::to_blocked(x_plain, block);
  ASSERT_TRUE(x_b.is_ok());
  Tensor x = t.input_blocked ? *x_b : x_plain;
  if (t.input_blocked && t.c % block != 0) {
    // Padding lanes may hold anything (NaN here): kernels must never let them into an output.
    const int64_t plane = x.dim(2) * x.dim(3) * block;  // floats of one channel block of one image
    for (int64_t i = 0; i < x.numel(); ++i) {
      const int64_t channel = (i / plane) % x.dim(1) * block + i % block;
      if (channel >= t.c) x.data<float>()[i] = std::numeric_limits<float>::quiet_NaN();
    }
  }
  const int64_t group = t.depthwise ? t.c : 1;
  ir::Value* xv = g.add_value("x", ir::Type::tensor(DataType::Float, ir::TensorShape::of(x.shape())));
  g.add_input(xv);
  ir::Value* wv = g.add_value("w");
  wv->set_constant(random_tensor({t.m, t.c / group, t.k, t.k}, seed + 1, -0.5f, 0.5f));
  wv->set_type(ir::Type::tensor(DataType::Float, ir::TensorShape::of(wv->constant().shape())));
  ir::Value* bv = g.add_value("b");
  bv->set_constant(random_tensor({t.m}, seed + 2));
  bv->set_type(ir::Type::tensor(DataType::Float, ir::TensorShape::of({t.m})));
  ir::Attributes a;
  a.set("strides", ir::Attribute::of_ints({t.stride, t.stride}));
  a.set("dilations", ir::Attribute::of_ints({t.dilation, t.dilation}));
  a.set("pads", ir::Attribute::of_ints({t.pad, t.pad, t.pad, t.pad}));
  a.set("group", ir::Attribute::of_int(group));
  a.set("block", ir::Attribute::of_int(block));
  a.set("input_blocked", ir::Attribute::of_int(t.input_blocked ? 1 : 0));
  if (!t.act.empty()) a.set("activation", ir::Attribute::of_string(t.act));
  if (!t.act_params.empty()) a.set("activation_params", ir::Attribute::of_floats(t.act_params));
  if (!t.post.empty()) a.set("post_activation", ir::Attribute::of_string(t.post));
  std::vector<ir::Value*> ins = {xv, wv, bv};
  std::vector<Datum> feeds = {Datum::of(x)};
  // The output shape, for Z.
  const int64_t ext = (t.k - 1) * t.dilation + 1;
  const int64_t oh = (t.h + 2 * t.pad - ext) / t.stride + 1, ow = (t.w + 2 * t.pad - ext) / t.stride + 1;
  if (t.z) {
    auto z = ops::to_blocked(random_tensor({t.batch, t.m, oh, ow}, seed + 3), block);
    ASSERT_TRUE(z.is_ok());
    ir::Value* zv = g.add_value("z", ir::Type::tensor(DataType::Float, ir::TensorShape::of(z->shape())));
    g.add_input(zv);
    ins.push_back(zv);
    feeds.push_back(Datum::of(*z));
  }
  if (t.transform) {
    if (!t.z) ins.push_back(nullptr);
    for (const char* name : {"s", "t"}) {
      ir::Value* v = g.add_value(name);
      v->set_constant(random_tensor({t.c}, seed + (name[0] == 's' ? 5 : 6), -1.5f, 1.5f));
      v->set_type(ir::Type::tensor(DataType::Float, ir::TensorShape::of({t.c})));
      ins.push_back(v);
    }
    if (t.transform_relu) a.set("input_activation", ir::Attribute::of_string("Relu"));
  }
  ir::Value* yv = g.add_value("y");
  ir::Node* node = g.add_node(ir::OpKind::FusedConvBlocked, "FusedConvBlocked", "hone", "conv", 1, ins, {yv}, a);
  g.add_output(yv);
  ASSERT_TRUE(ops::infer_graph_types(g).is_ok());

  auto want = runtime::ReferenceExecutor(g).run(feeds);
  ASSERT_TRUE(want.is_ok()) << want.status().to_string();

  const LayerDesc desc = LayerDesc::of(*node, {}, DataType::Float);
  ASSERT_TRUE(tactic.supports(desc, CpuFeatures::host()));
  auto packed = tactic.prepare(desc);
  ASSERT_TRUE(packed.is_ok()) << packed.status().to_string();
  std::vector<Datum> inputs = {feeds[0], Datum::of(wv->constant()), Datum::of(bv->constant())};
  if (t.z) inputs.push_back(feeds[1]);
  if (t.transform) {
    if (!t.z) inputs.emplace_back();
    inputs.push_back(Datum::of(node->input(4)->constant()));
    inputs.push_back(Datum::of(node->input(5)->constant()));
  }
  std::vector<const Datum*> ptrs;
  for (size_t i = 0; i < inputs.size(); ++i) ptrs.push_back(node->input(i) ? &inputs[i] : nullptr);
  std::vector<Datum> outs(1);
  outs[0].tensor = Tensor::zeros(DataType::Float, yv->type().shape.to_static());
  // Poison the output so every element the kernel must write is checked.
  for (int64_t i = 0; i < outs[0].tensor.numel(); ++i) outs[0].tensor.data<float>()[i] = 1e30f;
  ops::KernelContext ctx(*node, ptrs, &outs, nullptr, 0);
  ThreadPool pool(threads);
  Tensor workspace = Tensor::zeros(DataType::UInt8, {static_cast<int64_t>(tactic.workspace_bytes(desc))});
  const LayerRun run{ctx, *packed, {static_cast<std::byte*>(workspace.raw()), workspace.nbytes()}, pool};
  Status s = tactic.run(run);
  ASSERT_TRUE(s.is_ok()) << s.to_string();
  Status same = runtime::compare_tensor(outs[0].tensor, (*want)[0].tensor, runtime::Tolerance{1e-4, 1e-5});
  EXPECT_TRUE(same.is_ok()) << same.to_string();
}

std::vector<std::pair<const Tactic*, int64_t>> tactics_here() {
  std::vector<std::pair<const Tactic*, int64_t>> out;
  const auto all = nchwc_conv_tactics();
  if (has_isa(CpuFeatures::host(), CpuIsa::Avx512)) out.emplace_back(all[0], 16);
  if (has_isa(CpuFeatures::host(), CpuIsa::Avx2)) out.emplace_back(all[1], 8);
  return out;
}

TEST(NchwcConv, MatchesTheReferenceOverShapesAndAttributes) {
  std::vector<Case> cases;
  for (int64_t c : {3, 8, 16, 17, 32}) {
    for (int64_t m : {8, 16, 20, 48}) {
      Case t;
      t.c = c;
      t.m = m;
      t.input_blocked = c != 3;
      cases.push_back(t);
    }
  }
  for (int64_t k : {1, 3, 5, 7}) {
    for (int64_t s : {1, 2}) {
      Case t;
      t.k = k;
      t.stride = s;
      t.pad = k / 2;
      t.h = 13;
      t.w = 29;  // several interior tiles and both borders
      cases.push_back(t);
    }
  }
  Case dil;
  dil.dilation = 2;
  dil.pad = 2;
  cases.push_back(dil);
  Case nopad;
  nopad.pad = 0;
  nopad.w = 40;
  cases.push_back(nopad);
  Case tiny;
  tiny.h = tiny.w = 1;
  tiny.pad = 1;
  cases.push_back(tiny);
  Case plain_first;  // an RGB image into the first conv
  plain_first.c = 3;
  plain_first.m = 32;
  plain_first.k = 7;
  plain_first.stride = 2;
  plain_first.pad = 3;
  plain_first.h = plain_first.w = 32;
  plain_first.input_blocked = false;
  cases.push_back(plain_first);
  for (int64_t c : {8, 16, 24}) {
    for (int64_t s : {1, 2}) {
      for (int64_t k : {3, 5}) {  // depthwise 3x3 and 5x5 (MobileNet, EfficientNet)
        Case dw;
        dw.depthwise = true;
        dw.c = dw.m = c;
        dw.stride = s;
        dw.k = k;
        dw.pad = k / 2;
        dw.w = 23;
        cases.push_back(dw);
      }
    }
  }
  Case epi;
  epi.z = true;
  epi.act = "Swish";
  epi.act_params = {1.0f};
  epi.post = "Relu";
  epi.m = 40;
  epi.batch = 2;
  cases.push_back(epi);
  Case clip = epi;
  clip.z = false;
  clip.act = "Clip";
  clip.act_params = {0.0f, 6.0f};
  clip.post = "";
  cases.push_back(clip);
  // Weights over the kernel's in-cache budget (rows vary fastest instead of block pairs):
  // pointwise (the image as one row of pixels) and 3x3, both with a residual.
  Case big_pointwise;
  big_pointwise.c = 512;
  big_pointwise.m = 288;
  big_pointwise.k = 1;
  big_pointwise.pad = 0;
  big_pointwise.h = 7;
  big_pointwise.w = 9;
  big_pointwise.z = true;
  cases.push_back(big_pointwise);
  Case big_3x3 = big_pointwise;
  big_3x3.c = 160;
  big_3x3.m = 104;
  big_3x3.k = 3;
  big_3x3.pad = 1;
  big_3x3.h = 6;
  big_3x3.w = 31;
  cases.push_back(big_3x3);
  // The input transform of a pointwise layer (DenseNet's BN + ReLU before each 1x1 conv):
  // channel counts around the block, big images (several chunks), with a residual.
  for (int64_t c : {16, 20, 64, 200}) {
    for (bool relu : {true, false}) {
      Case tr;
      tr.c = c;
      tr.m = c == 20 ? 40 : 32;
      tr.k = 1;
      tr.pad = 0;
      tr.h = c == 64 ? 56 : 7;
      tr.w = c == 64 ? 56 : 9;
      tr.transform = true;
      tr.transform_relu = relu;
      tr.act = "Relu";
      tr.z = c == 200;
      cases.push_back(tr);
    }
  }
  uint64_t seed = 100;
  for (auto [tactic, block] : tactics_here()) {
    for (const Case& t : cases) {
      for (int threads : {1, 3}) check(t, *tactic, block, threads, seed++);
    }
  }
}

TEST(NchwcConv, RefusesWhatItDoesNotCompute) {
  for (auto [tactic, block] : tactics_here()) {
    ir::Graph g("conv");
    ir::Value* x = g.add_value("x", ir::Type::tensor(DataType::Float, ir::TensorShape::of({1, 2, 4, 4, block})));
    g.add_input(x);
    ir::Value* w = g.add_value("w");
    w->set_constant(random_tensor({32, 8, 3, 3}, 1));  // group 4: neither plain nor depthwise
    w->set_type(ir::Type::tensor(DataType::Float, ir::TensorShape::of({32, 8, 3, 3})));
    ir::Value* y = g.add_value("y");
    ir::Attributes a;
    a.set("group", ir::Attribute::of_int(4));
    a.set("block", ir::Attribute::of_int(block));
    ir::Node* n = g.add_node(ir::OpKind::FusedConvBlocked, "FusedConvBlocked", "hone", "conv", 1, {x, w}, {y}, a);
    g.add_output(y);
    (void)ops::infer_graph_types(g);
    EXPECT_FALSE(tactic->supports(LayerDesc::of(*n, {}, DataType::Float), CpuFeatures::host()));
    // Another block size is another tactic's.
    a.set("group", ir::Attribute::of_int(1));
    n->attrs().set("group", ir::Attribute::of_int(1));
    n->attrs().set("block", ir::Attribute::of_int(block * 2));
    EXPECT_FALSE(tactic->supports(LayerDesc::of(*n, {}, DataType::Float), CpuFeatures::host()));
    // A CPU without the ISA.
    n->attrs().set("block", ir::Attribute::of_int(block));
    EXPECT_FALSE(tactic->supports(LayerDesc::of(*n, {}, DataType::Float), features_of(CpuIsa::Baseline)));
  }
}

}  // namespace
}  // namespace hone::cpu
