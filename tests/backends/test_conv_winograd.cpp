// The Winograd F(4x4, 3x3) tactics (FusedConvBlocked, 3x3 stride 1) against the reference
// kernel of the op: odd image sizes (H, W not multiples of 4, 1x1 and 2x2 images), pads 0 and
// 1, channel counts around the block, plain or blocked input, every epilogue part, batch 2,
// 1 and 2 threads, at every ISA level here (an ISA the host lacks is skipped, with a note).
//
// Tolerance: Winograd reassociates the sums and its transforms scale terms by up to 8 x 5
// (A^T, B^T entries), so it is compared against the output's magnitude rather than each
// element's: max |y - y_ref| <= 1e-4 * max |y_ref| (plus 1e-6 for all-tiny outputs).
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <cstring>
#include <limits>

#include "backends/cpu/conv/conv_tactics.hpp"
#include "backends/cpu/dispatch.hpp"
#include "backends/layer_builder.hpp"
#include "ops/blocked_layout.hpp"
#include "ops/shape_inference.hpp"
#include "runtime/reference_executor.hpp"

namespace hone::cpu {
namespace {

constexpr double kRelativeTolerance = 1e-4;  // of max |y_ref|

using testing::random_tensor;

struct Case {
  int64_t batch = 1, c = 32, m = 32, h = 13, w = 14, pad = 1;
  bool input_blocked = true, z = false;
  std::string act, post;
  std::vector<float> act_params;
};

std::string describe(const Case& t) {
  return "n" + std::to_string(t.batch) + " c" + std::to_string(t.c) + " m" + std::to_string(t.m) + " " +
         std::to_string(t.h) + "x" + std::to_string(t.w) + " p" + std::to_string(t.pad) +
         (t.input_blocked ? "" : " plain-in") + (t.z ? " Z" : "") + " " + t.act + "/" + t.post;
}

// Runs case t through `tactic` (block `block`) and through the reference; compares. Tiny
// outputs that supports() refuses (Winograd cannot win there) still run through prepare/run.
void check(const Case& t, const Tactic& tactic, int64_t block, int threads, uint64_t seed) {
  SCOPED_TRACE(describe(t) + " block " + std::to_string(block) + " threads " + std::to_string(threads) + " seed " +
               std::to_string(seed));
  ir::Graph g("conv");
  g.opsets()["hone"] = 1;
  const Tensor x_plain = random_tensor({t.batch, t.c, t.h, t.w}, seed);
  auto x_b = ops::to_blocked(x_plain, block);
  ASSERT_TRUE(x_b.is_ok());
  Tensor x = t.input_blocked ? *x_b : x_plain;
  if (t.input_blocked && t.c % block != 0) {
    // Padding lanes may hold anything (NaN here): they must never reach an output.
    const int64_t plane = x.dim(2) * x.dim(3) * block;
    for (int64_t i = 0; i < x.numel(); ++i) {
      if ((i / plane) % x.dim(1) * block + i % block >= t.c) x.data<float>()[i] = std::numeric_limits<float>::quiet_NaN();
    }
  }
  ir::Value* xv = g.add_value("x", ir::Type::tensor(DataType::Float, ir::TensorShape::of(x.shape())));
  g.add_input(xv);
  ir::Value* wv = g.add_value("w");
  wv->set_constant(random_tensor({t.m, t.c, 3, 3}, seed + 1, -0.5f, 0.5f));
  wv->set_type(ir::Type::tensor(DataType::Float, ir::TensorShape::of(wv->constant().shape())));
  ir::Value* bv = g.add_value("b");
  bv->set_constant(random_tensor({t.m}, seed + 2));
  bv->set_type(ir::Type::tensor(DataType::Float, ir::TensorShape::of({t.m})));
  ir::Attributes a;
  a.set("pads", ir::Attribute::of_ints({t.pad, t.pad, t.pad, t.pad}));
  a.set("group", ir::Attribute::of_int(1));
  a.set("block", ir::Attribute::of_int(block));
  a.set("input_blocked", ir::Attribute::of_int(t.input_blocked ? 1 : 0));
  if (!t.act.empty()) a.set("activation", ir::Attribute::of_string(t.act));
  if (!t.act_params.empty()) a.set("activation_params", ir::Attribute::of_floats(t.act_params));
  if (!t.post.empty()) a.set("post_activation", ir::Attribute::of_string(t.post));
  std::vector<ir::Value*> ins = {xv, wv, bv};
  std::vector<Datum> feeds = {Datum::of(x)};
  const int64_t oh = t.h + 2 * t.pad - 2, ow = t.w + 2 * t.pad - 2;
  if (t.z) {
    auto z = ops::to_blocked(random_tensor({t.batch, t.m, oh, ow}, seed + 3), block);
    ASSERT_TRUE(z.is_ok());
    ir::Value* zv = g.add_value("z", ir::Type::tensor(DataType::Float, ir::TensorShape::of(z->shape())));
    g.add_input(zv);
    ins.push_back(zv);
    feeds.push_back(Datum::of(*z));
  }
  ir::Value* yv = g.add_value("y");
  ir::Node* node = g.add_node(ir::OpKind::FusedConvBlocked, "FusedConvBlocked", "hone", "conv", 1, ins, {yv}, a);
  g.add_output(yv);
  ASSERT_TRUE(ops::infer_graph_types(g).is_ok());

  auto want = runtime::ReferenceExecutor(g).run(feeds);
  ASSERT_TRUE(want.is_ok()) << want.status().to_string();

  const LayerDesc desc = LayerDesc::of(*node, {}, DataType::Float);
  const bool tiny = oh * ow <= 4;
  EXPECT_EQ(tactic.supports(desc, CpuFeatures::host()), !tiny && t.c >= 16);
  auto packed = tactic.prepare(desc);
  ASSERT_TRUE(packed.is_ok()) << packed.status().to_string();
  std::vector<Datum> inputs = {feeds[0], Datum::of(wv->constant()), Datum::of(bv->constant())};
  if (t.z) inputs.push_back(feeds[1]);
  std::vector<const Datum*> ptrs;
  for (const Datum& d : inputs) ptrs.push_back(&d);
  std::vector<Datum> outs(1);
  outs[0].tensor = Tensor::zeros(DataType::Float, yv->type().shape.to_static());
  // Poison the output so every element the kernel must write is checked.
  for (int64_t i = 0; i < outs[0].tensor.numel(); ++i) outs[0].tensor.data<float>()[i] = 1e30f;
  ops::KernelContext ctx(*node, ptrs, &outs, nullptr, 0);
  ThreadPool pool(threads);
  Tensor workspace = Tensor::zeros(DataType::UInt8, {static_cast<int64_t>(tactic.workspace_bytes(desc))});
  // Poison the workspace too: the kernel must not rely on it being zero.
  std::memset(workspace.raw(), 0x7f, workspace.nbytes());
  const LayerRun run{ctx, *packed, {static_cast<std::byte*>(workspace.raw()), workspace.nbytes()}, pool};
  Status s = tactic.run(run);
  ASSERT_TRUE(s.is_ok()) << s.to_string();

  const Tensor& got = outs[0].tensor;
  const Tensor& ref = (*want)[0].tensor;
  ASSERT_EQ(got.shape(), ref.shape());
  double magnitude = 0;
  for (int64_t i = 0; i < ref.numel(); ++i) magnitude = std::max(magnitude, std::fabs(double{ref.data<float>()[i]}));
  const double limit = kRelativeTolerance * magnitude + 1e-6;
  int64_t worst = 0, bad = 0;
  double worst_error = 0;
  for (int64_t i = 0; i < ref.numel(); ++i) {
    const double e = std::fabs(double{got.data<float>()[i]} - double{ref.data<float>()[i]});
    if (!(e <= limit)) ++bad;  // NaN counts as bad
    if (!(e <= worst_error)) {
      worst_error = e;
      worst = i;
    }
  }
  EXPECT_EQ(bad, 0) << bad << " of " << ref.numel() << " values differ by more than " << limit << " (max |y_ref| "
                    << magnitude << "); worst at flat index " << worst << ": " << got.data<float>()[worst] << " vs "
                    << ref.data<float>()[worst];
}

std::vector<std::pair<const Tactic*, int64_t>> tactics_here() {
  std::vector<std::pair<const Tactic*, int64_t>> out;
  const auto all = winograd_conv_tactics();
  if (has_isa(CpuFeatures::host(), CpuIsa::Avx512)) {
    out.emplace_back(all[0], 16);
  } else {
    std::printf("[  SKIP    ] %s: the host has no AVX-512\n", std::string(all[0]->id()).c_str());
  }
  if (has_isa(CpuFeatures::host(), CpuIsa::Avx2)) {
    out.emplace_back(all[1], 8);
  } else {
    std::printf("[  SKIP    ] %s: the host has no AVX2\n", std::string(all[1]->id()).c_str());
  }
  return out;
}

TEST(WinogradConv, MatchesTheReferenceOverShapesAndAttributes) {
  std::vector<Case> cases;
  // Image sizes around the 4x4 tile, with and without pads.
  for (int64_t size : {7, 13, 14, 28}) {
    for (int64_t pad : {0, 1}) {
      Case t;
      t.h = size;
      t.w = size == 13 ? 7 : size;
      t.pad = pad;
      cases.push_back(t);
    }
  }
  Case big;
  big.h = big.w = 56;
  big.c = 24;
  big.m = 40;
  cases.push_back(big);
  for (int64_t size : {1, 2}) {  // tiny images (pad 1): supported by the kernel, refused by supports()
    Case t;
    t.h = t.w = size;
    cases.push_back(t);
  }
  Case two_pad0;  // 2x2 image 4x4 input without pads
  two_pad0.h = two_pad0.w = 4;
  two_pad0.pad = 0;
  cases.push_back(two_pad0);
  // Channel counts not multiples of the block.
  for (int64_t c : {8, 17, 20, 33}) {
    for (int64_t m : {5, 16, 20, 48}) {
      Case t;
      t.c = c;
      t.m = m;
      t.h = 9;
      t.w = 11;
      cases.push_back(t);
    }
  }
  Case plain;  // a plain input
  plain.input_blocked = false;
  plain.c = 19;
  cases.push_back(plain);
  // Many tiles (several chunks) and many channels (long GEMMs).
  Case chunks;
  chunks.c = chunks.m = 64;
  chunks.h = chunks.w = 57;
  cases.push_back(chunks);
  Case deep;
  deep.c = 256;
  deep.m = 48;
  deep.h = deep.w = 7;
  cases.push_back(deep);
  // The epilogue: ResNet's residual + ReLU, YOLOv8's SiLU + shortcut, Clip, LeakyRelu.
  Case resnet;
  resnet.z = true;
  resnet.post = "Relu";
  resnet.batch = 2;
  cases.push_back(resnet);
  Case yolo;
  yolo.z = true;
  yolo.act = "Swish";
  yolo.act_params = {1.0f};
  yolo.m = 40;
  cases.push_back(yolo);
  Case clip;
  clip.act = "Clip";
  clip.act_params = {0.0f, 6.0f};
  clip.h = 6;
  cases.push_back(clip);
  Case leaky;
  leaky.act = "LeakyRelu";
  leaky.act_params = {0.1f};
  leaky.post = "Sigmoid";
  leaky.z = true;
  leaky.batch = 2;
  leaky.pad = 0;
  cases.push_back(leaky);
  uint64_t seed = 1000;
  for (auto [tactic, block] : tactics_here()) {
    for (const Case& t : cases) {
      for (int threads : {1, 2}) check(t, *tactic, block, threads, seed++);
    }
  }
}

TEST(WinogradConv, RefusesWhatItDoesNotCompute) {
  for (auto [tactic, block] : tactics_here()) {
    for (int variant = 0; variant < 4; ++variant) {
      ir::Graph g("conv");
      ir::Value* x = g.add_value("x", ir::Type::tensor(DataType::Float, ir::TensorShape::of({1, 2, 16, 16, block})));
      g.add_input(x);
      const int64_t k = variant == 0 ? 5 : 3;
      ir::Value* w = g.add_value("w");
      w->set_constant(random_tensor({32, variant == 3 ? 1 : 2 * block, k, k}, 1));
      w->set_type(ir::Type::tensor(DataType::Float, ir::TensorShape::of(w->constant().shape())));
      ir::Value* y = g.add_value("y");
      ir::Attributes a;
      a.set("block", ir::Attribute::of_int(block));
      if (variant == 1) a.set("strides", ir::Attribute::of_ints({2, 2}));
      if (variant == 2) a.set("dilations", ir::Attribute::of_ints({2, 2}));
      if (variant == 3) a.set("group", ir::Attribute::of_int(32));  // depthwise
      if (variant == 3) {
        x->set_type(ir::Type::tensor(DataType::Float, ir::TensorShape::of({1, 32 / block, 16, 16, block})));
      }
      ir::Node* n = g.add_node(ir::OpKind::FusedConvBlocked, "FusedConvBlocked", "hone", "conv", 1, {x, w}, {y}, a);
      g.add_output(y);
      ASSERT_TRUE(ops::infer_graph_types(g).is_ok()) << variant;
      EXPECT_FALSE(tactic->supports(LayerDesc::of(*n, {}, DataType::Float), CpuFeatures::host())) << variant;
    }
    // The 3x3 stride-1 case itself is supported, but not on a CPU without the ISA.
    ir::Graph g("conv");
    ir::Value* x = g.add_value("x", ir::Type::tensor(DataType::Float, ir::TensorShape::of({1, 2, 16, 16, block})));
    g.add_input(x);
    ir::Value* w = g.add_value("w");
    w->set_constant(random_tensor({32, 2 * block, 3, 3}, 1));
    w->set_type(ir::Type::tensor(DataType::Float, ir::TensorShape::of(w->constant().shape())));
    ir::Value* y = g.add_value("y");
    ir::Attributes a;
    a.set("block", ir::Attribute::of_int(block));
    ir::Node* n = g.add_node(ir::OpKind::FusedConvBlocked, "FusedConvBlocked", "hone", "conv", 1, {x, w}, {y}, a);
    g.add_output(y);
    ASSERT_TRUE(ops::infer_graph_types(g).is_ok());
    const LayerDesc desc = LayerDesc::of(*n, {}, DataType::Float);
    EXPECT_TRUE(tactic->supports(desc, CpuFeatures::host()));
    EXPECT_FALSE(tactic->supports(desc, features_of(CpuIsa::Baseline)));
    // The CPU backend offers it to the tuner next to the direct kernel, which times both.
    if (block == cpu_backend().blocked_channels(CpuFeatures::host())) {
      bool direct = false, winograd = false;
      for (const Tactic* t : cpu_backend().candidates(desc, CpuFeatures::host())) {
        direct = direct || t->id() == nchwc_conv_tactics()[block == 16 ? 0 : 1]->id();
        winograd = winograd || t == tactic;
      }
      EXPECT_TRUE(direct && winograd) << "direct " << direct << ", winograd " << winograd;
    }
  }
}

}  // namespace
}  // namespace hone::cpu
