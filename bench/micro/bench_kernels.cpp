// Micro-benchmarks of the CPU backend's non-GEMM tactics (and ConvTranspose's GEMM + col2im)
// against the reference kernels, on the layer shapes of the target models (YOLOv8n,
// DenseNet-121, GoogLeNet, and models with transposed convolutions). Each case runs the
// reference ("ref") and the fastest tactic this CPU supports for it (the first candidate of the
// backend's fastest-first list), on 1 and 2 threads, through the same LayerRun an engine uses.
//   build/bench/micro/bench_kernels --benchmark_filter=SPPF
#include <benchmark/benchmark.h>

#include <cstdio>
#include <functional>
#include <string>
#include <vector>

#include "backends/layer_builder.hpp"

namespace hone::cpu::testing {
namespace {

using ir::Attribute;

LayerCase one(std::string op, std::vector<Tensor> inputs, ir::Attributes attrs = {}, int opset = 18) {
  LayerCase c;
  c.op_type = std::move(op);
  c.opset = opset;
  c.inputs = std::move(inputs);
  c.attrs = std::move(attrs);
  return c;
}

LayerCase with_outputs(LayerCase c, int n) {
  c.num_outputs = n;
  return c;
}

// The layers, named after the model and the part they come from.
std::vector<std::pair<std::string, LayerCase>> cases() {
  std::vector<std::pair<std::string, LayerCase>> list;
  auto add = [&](std::string name, LayerCase c) { list.emplace_back(std::move(name), std::move(c)); };
  auto pads = [](int64_t p) { return Attribute::of_ints({p, p, p, p}); };
  // YOLOv8n
  add("yolov8n.SPPF_MaxPool5x5_1x128x20x20",
      one("MaxPool", {random_tensor({1, 128, 20, 20}, 1)},
          make_attrs({{"kernel_shape", Attribute::of_ints({5, 5})}, {"pads", pads(2)}})));
  for (const Shape& s : {Shape{1, 256, 20, 20}, Shape{1, 128, 40, 40}}) {
    add("yolov8n.Resize_nearest2x_" + shape_to_string(s),
        one("Resize", {random_tensor(s, 2), f32({0}, {}), f32({4}, {1, 1, 2, 2})},
            make_attrs({{"mode", Attribute::of_string("nearest")},
                        {"coordinate_transformation_mode", Attribute::of_string("asymmetric")},
                        {"nearest_mode", Attribute::of_string("floor")}}),
            13));
  }
  LayerCase anchors = one("Concat", {random_tensor({1, 144, 6400}, 3), random_tensor({1, 144, 1600}, 4),
                                     random_tensor({1, 144, 400}, 5)},
                          make_attrs({{"axis", Attribute::of_int(2)}}));
  anchors.constant = {false, false, false};
  add("yolov8n.Concat_anchors_axis2", anchors);
  LayerCase channels = one("Concat", {random_tensor({1, 64, 80, 80}, 6), random_tensor({1, 80, 80, 80}, 7)},
                           make_attrs({{"axis", Attribute::of_int(1)}}));
  channels.constant = {false, false};
  add("yolov8n.Concat_head_axis1_80x80", channels);
  add("yolov8n.Split_boxes_classes",
      with_outputs(one("Split", {random_tensor({1, 144, 8400}, 8), i64({2}, {64, 80})},
                       make_attrs({{"axis", Attribute::of_int(1)}}), 13),
                   2));
  add("yolov8n.Split_C2f_1x32x160x160",
      with_outputs(one("Split", {random_tensor({1, 32, 160, 160}, 9), i64({2}, {16, 16})},
                       make_attrs({{"axis", Attribute::of_int(1)}}), 13),
                   2));
  add("yolov8n.DFL_Transpose_0312", one("Transpose", {random_tensor({1, 4, 16, 8400}, 10)},
                                        make_attrs({{"perm", Attribute::of_ints({0, 3, 1, 2})}})));
  add("yolov8n.DFL_Softmax_axis3",
      one("Softmax", {random_tensor({1, 8400, 4, 16}, 11, -5, 5)}, make_attrs({{"axis", Attribute::of_int(3)}}), 13));
  add("yolov8n.DFL_Transpose_0321", one("Transpose", {random_tensor({1, 8400, 4, 16}, 12)},
                                        make_attrs({{"perm", Attribute::of_ints({0, 3, 2, 1})}})));
  add("yolov8n.Sigmoid_classes_1x80x8400", one("Sigmoid", {random_tensor({1, 80, 8400}, 13, -6, 6)}));
  // DenseNet-121
  const int64_t c = 256;
  LayerCase bn = one("BatchNormalization",
                     {random_tensor({1, c, 28, 28}, 14), random_tensor({c}, 15, 0.5f, 1.5f), random_tensor({c}, 16),
                      random_tensor({c}, 17), random_tensor({c}, 18, 0.1f, 2)},
                     {}, 15);
  add("densenet.BatchNorm_1x256x28x28", bn);
  LayerCase chain;
  chain.op_type = "FusedElementwise";
  chain.domain = "hone";
  chain.inputs = {random_tensor({1, 128, 56, 56}, 19), random_tensor({128, 1, 1}, 20), random_tensor({128, 1, 1}, 21)};
  chain.constant = {false, true, true};
  chain.attrs = make_attrs({{"ops", Attribute::of_strings({"Mul", "Add", "Relu"})},
                            {"operands", Attribute::of_ints({1, 2, -1})},
                            {"swap", Attribute::of_ints({0, 0, 0})},
                            {"params", Attribute::of_floats({0, 0, 0, 0, 0, 0})}});
  add("densenet.MulAddRelu_1x128x56x56", chain);
  LayerCase blocked = chain;  // the same in the blocked layout NCHW16c
  blocked.inputs = {random_tensor({1, 8, 56, 56, 16}, 19), random_tensor({1, 8, 1, 1, 16}, 20),
                    random_tensor({1, 8, 1, 1, 16}, 21)};
  add("densenet.MulAddRelu_1x8x56x56x16", blocked);
  add("densenet.MaxPool3x3s2_1x64x112x112", one("MaxPool", {random_tensor({1, 64, 112, 112}, 22)},
                                                make_attrs({{"kernel_shape", Attribute::of_ints({3, 3})},
                                                            {"strides", Attribute::of_ints({2, 2})},
                                                            {"pads", pads(1)}})));
  add("densenet.AvgPool2x2s2_1x256x56x56",
      one("AveragePool", {random_tensor({1, 256, 56, 56}, 23)},
          make_attrs({{"kernel_shape", Attribute::of_ints({2, 2})}, {"strides", Attribute::of_ints({2, 2})}})));
  add("densenet.GlobalAveragePool_1x1024x7x7", one("GlobalAveragePool", {random_tensor({1, 1024, 7, 7}, 24)}));
  // GoogLeNet (Inception v1)
  for (const Shape& s : {Shape{1, 64, 56, 56}, Shape{1, 192, 56, 56}}) {
    add("googlenet.LRN_" + shape_to_string(s),
        one("LRN", {random_tensor(s, 25, 0, 4)},
            make_attrs({{"size", Attribute::of_int(5)}, {"alpha", Attribute::of_float(1e-4f)},
                        {"beta", Attribute::of_float(0.75f)}, {"bias", Attribute::of_float(1.0f)}})));
  }
  add("googlenet.MaxPool3x3s2ceil_1x192x56x56",
      one("MaxPool", {random_tensor({1, 192, 56, 56}, 26)},
          make_attrs({{"kernel_shape", Attribute::of_ints({3, 3})}, {"strides", Attribute::of_ints({2, 2})},
                      {"ceil_mode", Attribute::of_int(1)}})));
  add("googlenet.MaxPool3x3s1_1x480x14x14",
      one("MaxPool", {random_tensor({1, 480, 14, 14}, 27)},
          make_attrs({{"kernel_shape", Attribute::of_ints({3, 3})}, {"pads", pads(1)}})));
  add("googlenet.AvgPool7x7_1x1024x7x7", one("AveragePool", {random_tensor({1, 1024, 7, 7}, 28)},
                                             make_attrs({{"kernel_shape", Attribute::of_ints({7, 7})}})));
  add("googlenet.Softmax_1x1000", one("Softmax", {random_tensor({1, 1000}, 29, -5, 5)}, {}, 13));
  // ConvTranspose (gemm_tactics.hpp's GEMM + col2im tactic): YOLOv8n-seg's proto upsampling
  // (2x2 stride 2, an interleaving), DCGAN's 4x4 stride 2 pad 1, a U-Net/FPN 3x3 stride 2 with
  // output_padding, a depthwise 4x4 stride 2 (bilinear-initialized upsampling) and HiFi-GAN's
  // 1-D 16-tap stride 8.
  auto conv_transpose = [&](std::string name, Shape x, Shape w, std::vector<int64_t> strides,
                            std::vector<int64_t> pad, int64_t group, std::vector<int64_t> output_padding) {
    const int64_t out_channels = w[1] * group;
    LayerCase t = one("ConvTranspose", {random_tensor(x, 30), random_tensor(w, 31, -0.1f, 0.1f),
                                        random_tensor({out_channels}, 32)},
                      make_attrs({{"strides", Attribute::of_ints(strides)}, {"group", Attribute::of_int(group)}}));
    if (!pad.empty()) t.attrs.set("pads", Attribute::of_ints(pad));
    if (!output_padding.empty()) t.attrs.set("output_padding", Attribute::of_ints(output_padding));
    add(std::move(name), t);
  };
  conv_transpose("yolov8n-seg.ConvTranspose2x2s2_1x64x80x80", {1, 64, 80, 80}, {64, 64, 2, 2}, {2, 2}, {}, 1, {});
  conv_transpose("dcgan.ConvTranspose4x4s2p1_1x256x16x16", {1, 256, 16, 16}, {256, 128, 4, 4}, {2, 2},
                 {1, 1, 1, 1}, 1, {});
  conv_transpose("unet.ConvTranspose3x3s2p1op1_1x128x40x40", {1, 128, 40, 40}, {128, 64, 3, 3}, {2, 2},
                 {1, 1, 1, 1}, 1, {1, 1});
  conv_transpose("depthwise.ConvTranspose4x4s2p1_1x64x40x40", {1, 64, 40, 40}, {64, 1, 4, 4}, {2, 2},
                 {1, 1, 1, 1}, 64, {});
  conv_transpose("hifigan.ConvTranspose1d16s8p4_1x128x200", {1, 128, 200}, {128, 64, 16}, {8}, {4, 4}, 1, {});
  return list;
}

struct Prepared {
  LayerCase layer_case;
  BuiltLayer layer;
};

void run_case(benchmark::State& state, const Prepared* p, const Tactic* tactic, int threads) {
  auto run = TacticRun::make(*tactic, p->layer, p->layer_case, threads);
  if (!run.is_ok()) {
    state.SkipWithError(run.status().to_string().c_str());
    return;
  }
  for (auto _ : state) {
    const Status s = (*run)->run();
    if (!s.is_ok()) {
      state.SkipWithError(s.to_string().c_str());
      return;
    }
  }
  int64_t bytes = 0;
  for (const Tensor& t : p->layer_case.inputs) bytes += t.defined() ? static_cast<int64_t>(t.nbytes()) : 0;
  state.SetBytesProcessed(state.iterations() * bytes);
}

}  // namespace
}  // namespace hone::cpu::testing

int main(int argc, char** argv) {
  using namespace hone::cpu::testing;
  std::vector<std::unique_ptr<Prepared>> prepared;
  for (auto& [name, c] : cases()) {
    auto layer = build_layer(c);
    if (!layer.is_ok()) {
      std::fprintf(stderr, "%s: %s\n", name.c_str(), layer.status().to_string().c_str());
      return 1;
    }
    auto p = std::make_unique<Prepared>(Prepared{std::move(c), std::move(layer).value()});
    const std::vector<const hone::Tactic*> candidates =
        hone::cpu_backend().candidates(p->layer.desc, hone::CpuFeatures::host());
    const hone::Tactic* fast = candidates.front();
    const hone::Tactic* ref = find_cpu_tactic("ref");
    for (int threads : {1, 2}) {
      for (const hone::Tactic* t : {ref, fast}) {
        const std::string label = name + "/" + std::string(t->id()) + "/threads:" + std::to_string(threads);
        benchmark::RegisterBenchmark(label.c_str(), run_case, p.get(), t, threads)->Unit(benchmark::kMicrosecond);
      }
    }
    prepared.push_back(std::move(p));
  }
  benchmark::Initialize(&argc, argv);
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
