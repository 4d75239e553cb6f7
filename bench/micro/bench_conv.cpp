// Blocked convolution micro-benchmarks (Google Benchmark): on the 3x3 stride-1 layers of
// ResNet-50, GoogLeNet, DenseNet-121 and YOLOv8n (pads 1) the Winograd F(4x4, 3x3) tactic
// against the direct blocked one, and on their pointwise (1x1) layers the direct one
// (FusedConvBlocked, NCHW16c with AVX-512 and NCHW8c with AVX2, each level the host has), run
// through the same LayerRun an engine uses, bias + ReLU epilogue. Counter GFLOP/s counts the
// direct convolution's flops (2 C M K K OH OW) for both, so the two compare as speed.
//
// Times: one thread over its CPU time (the machine is shared), two threads over wall time.
//
//   build/bench/micro/bench_conv [--benchmark_filter=resnet] [--benchmark_repetitions=5]
#include <benchmark/benchmark.h>

#include <chrono>
#include <cstdio>
#include <ctime>
#include <memory>
#include <string>
#include <vector>

#include "backends/cpu/dispatch.hpp"
#include "backends/layer_builder.hpp"
#include "ops/blocked_layout.hpp"

namespace hone::cpu::testing {
namespace {

double thread_cpu_seconds() {
  timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + 1e-9 * static_cast<double>(ts.tv_nsec);
}

struct ConvShape {
  std::string name;
  int64_t c, h, w, m;
  int64_t k = 3;  // 3 (pads 1) or 1 (pointwise)
};

// The 3x3 stride-1 layers, named after their model and place.
std::vector<ConvShape> shapes() {
  return {
      {"resnet50.conv2_64x56x56", 64, 56, 56, 64},
      {"resnet50.conv3_128x28x28", 128, 28, 28, 128},
      {"resnet50.conv4_256x14x14", 256, 14, 14, 256},
      {"resnet50.conv5_512x7x7", 512, 7, 7, 512},
      {"googlenet.conv2_64to192x56x56", 64, 56, 56, 192},
      {"googlenet.3a_96to128x28x28", 96, 28, 28, 128},
      {"googlenet.3b_128to192x28x28", 128, 28, 28, 192},
      {"googlenet.4a_96to208x14x14", 96, 14, 14, 208},
      {"googlenet.5a_160to320x7x7", 160, 7, 7, 320},
      {"densenet121.dense1_128to32x56x56", 128, 56, 56, 32},
      {"densenet121.dense2_128to32x28x28", 128, 28, 28, 32},
      {"densenet121.dense3_128to32x14x14", 128, 14, 14, 32},
      {"densenet121.dense4_128to32x7x7", 128, 7, 7, 32},
      {"yolov8n.c2f_16x160x160", 16, 160, 160, 16},
      {"yolov8n.c2f_32x80x80", 32, 80, 80, 32},
      {"yolov8n.c2f_64x40x40", 64, 40, 40, 64},
      {"yolov8n.c2f_128x20x20", 128, 20, 20, 128},
      {"resnet50.1x1_64to256x56x56", 64, 56, 56, 256, 1},
      {"resnet50.1x1_256to64x56x56", 256, 56, 56, 64, 1},
      {"resnet50.1x1_128to512x28x28", 128, 28, 28, 512, 1},
      {"resnet50.1x1_1024to256x14x14", 1024, 14, 14, 256, 1},
      {"resnet50.1x1_512to2048x7x7", 512, 7, 7, 2048, 1},
      {"densenet121.1x1_256to128x56x56", 256, 56, 56, 128, 1},
      {"squeezenet.1x1_512to1000x13x13", 512, 13, 13, 1000, 1},
      {"yolov8n.1x1_48to32x160x160", 48, 160, 160, 32, 1},
      {"yolov8n.1x1_192to64x80x80", 192, 80, 80, 64, 1},
  };
}

LayerCase conv_case(const ConvShape& s, int64_t block) {
  LayerCase c;
  c.op_type = "FusedConvBlocked";
  c.domain = "hone";
  c.opset = 1;
  auto x = ops::to_blocked(random_tensor({1, s.c, s.h, s.w}, 1), block);
  c.inputs = {x.value(), random_tensor({s.m, s.c, s.k, s.k}, 2, -0.1f, 0.1f), random_tensor({s.m}, 3)};
  c.constant = {false, true, true};
  const int64_t pad = s.k / 2;
  c.attrs = make_attrs({{"pads", ir::Attribute::of_ints({pad, pad, pad, pad})},
                        {"block", ir::Attribute::of_int(block)},
                        {"activation", ir::Attribute::of_string("Relu")}});
  return c;
}

struct Prepared {
  ConvShape shape;
  LayerCase layer_case;
  BuiltLayer layer;
};

void run_case(benchmark::State& state, const Prepared* p, const Tactic* tactic, int threads) {
  if (!tactic->supports(p->layer.desc, CpuFeatures::host())) {
    state.SkipWithError("not supported");
    return;
  }
  auto run = TacticRun::make(*tactic, p->layer, p->layer_case, threads);
  if (!run.is_ok()) {
    state.SkipWithError(run.status().to_string().c_str());
    return;
  }
  double seconds = 0;
  for (auto _ : state) {
    const auto wall = std::chrono::steady_clock::now();
    const double cpu = thread_cpu_seconds();
    const Status s = (*run)->run();
    const double t = threads == 1 ? thread_cpu_seconds() - cpu
                                  : std::chrono::duration<double>(std::chrono::steady_clock::now() - wall).count();
    if (!s.is_ok()) {
      state.SkipWithError(s.to_string().c_str());
      return;
    }
    state.SetIterationTime(t);
    seconds += t;
  }
  const ConvShape& s = p->shape;
  const double flops = 2.0 * static_cast<double>(s.c * s.m * s.k * s.k * s.h * s.w);
  state.counters["GFLOP/s"] = 1e-9 * flops * static_cast<double>(state.iterations()) / seconds;
}

}  // namespace
}  // namespace hone::cpu::testing

int main(int argc, char** argv) {
  using namespace hone::cpu::testing;
  using hone::cpu::CpuIsa;
  struct Level {
    CpuIsa isa;
    int64_t block;
    const char* suffix;
  };
  std::vector<std::unique_ptr<Prepared>> prepared;
  for (const Level& level : {Level{CpuIsa::Avx512, 16, "nchw16c_avx512"}, Level{CpuIsa::Avx2, 8, "nchw8c_avx2"}}) {
    if (!hone::cpu::has_isa(hone::CpuFeatures::host(), level.isa)) {
      std::fprintf(stderr, "bench_conv: skipping %s, which this CPU lacks\n", level.suffix);
      continue;
    }
    const hone::Tactic* direct = find_cpu_tactic(std::string("cpu.f32_conv_") + level.suffix);
    const hone::Tactic* winograd = find_cpu_tactic(std::string("cpu.f32_conv_winograd_f43_") + level.suffix);
    for (const ConvShape& s : shapes()) {
      LayerCase c = conv_case(s, level.block);
      auto layer = build_layer(c);
      if (!layer.is_ok()) {
        std::fprintf(stderr, "%s: %s\n", s.name.c_str(), layer.status().to_string().c_str());
        return 1;
      }
      auto p = std::make_unique<Prepared>(Prepared{s, std::move(c), std::move(layer).value()});
      for (int threads : {1, 2}) {
        for (const hone::Tactic* t : {direct, winograd}) {
          if (s.k != 3 && t == winograd) continue;
          const std::string label = s.name + "/" + std::string(t->id()) + "/threads:" + std::to_string(threads);
          benchmark::RegisterBenchmark(label.c_str(), run_case, p.get(), t, threads)
              ->UseManualTime()
              ->Unit(benchmark::kMicrosecond);
        }
      }
      prepared.push_back(std::move(p));
    }
  }
  benchmark::Initialize(&argc, argv);
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
