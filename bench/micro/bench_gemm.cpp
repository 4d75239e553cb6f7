// FP32 GEMM micro-benchmarks (Google Benchmark): the machine's measured FMA peak per core at
// its best ISA level, then sgemm (src/backends/cpu/gemm/gemm.hpp) on 1024^3 with one and two
// threads and on the GEMM shapes of the target models: ResNet-50's 1x1 convolutions at
// 56x56 / 28x28 / 14x14 / 7x7, its fully-connected layer (1 x 2048 x 1000) and YOLOv8n's 1x1
// convolutions at 640x640, and 3x3/7x7 convolutions of both through im2col. Counters: GFLOP/s
// and % of the measured peak of the cores used.
//
// Times: one thread over its CPU time, two threads over wall time (see thread_cpu_seconds).
//
//   build/bench/micro/bench_gemm [--benchmark_filter=Sgemm1024] [--benchmark_repetitions=5]
#include <benchmark/benchmark.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <ctime>
#include <cstdlib>
#include <random>
#include <string>
#include <vector>

#include "backends/cpu/dispatch.hpp"
#include "backends/cpu/gemm/conv_gemm.hpp"
#include "backends/cpu/gemm/gemm.hpp"
#include "fma_peak.hpp"

namespace hone::bench {
namespace {

using cpu::CpuIsa;

CpuIsa host_isa() { return cpu::isa_level(CpuFeatures::host()); }

// Seconds of CPU time the calling thread has used. The machine is shared: single-thread rates
// are taken over the thread's CPU time, so time slices given to other processes do not count
// against the kernel (multi-thread rates use wall time, which they must).
double thread_cpu_seconds() {
  timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + 1e-9 * static_cast<double>(ts.tv_nsec);
}

// Runs the FMA loop of the host's level for `iterations`; GFLOP/s over the thread's CPU time.
double fma_gflops(uint64_t iterations, float* sink) {
  const double start = thread_cpu_seconds();
  double flops = 0;
  switch (host_isa()) {
    case CpuIsa::Avx512:
      *sink += f32_fma_loop_avx512(iterations);
      flops = kAvx512FlopsPerIteration * static_cast<double>(iterations);
      break;
    case CpuIsa::Avx2:
      *sink += f32_fma_loop_avx2(iterations);
      flops = kAvx2FlopsPerIteration * static_cast<double>(iterations);
      break;
    case CpuIsa::Baseline: return 0;
  }
  return flops / (thread_cpu_seconds() - start) * 1e-9;
}

// The single-core FP32 peak, measured once per process: the best of 5 runs of ~0.1 s (the
// machine is shared; the best run is the least disturbed).
double measured_peak_gflops() {
  static const double peak = [] {
    float sink = 0;
    double best = 0;
    for (int i = 0; i < 5; ++i) best = std::max(best, fma_gflops(uint64_t{1} << 22, &sink));
    benchmark::DoNotOptimize(sink);
    return best;
  }();
  return peak;
}

void BM_FmaPeak(benchmark::State& state) {
  float sink = 0;
  double gflops = 0;
  for (auto _ : state) gflops = std::max(gflops, fma_gflops(uint64_t{1} << 22, &sink));
  benchmark::DoNotOptimize(sink);
  state.counters["GFLOP/s"] = gflops;
  state.SetLabel(cpu::isa_name(host_isa()));
}

// One GEMM problem with its operands; A and/or B prepacked as the tactics do for weights.
struct GemmBench {
  size_t m, n, k;
  bool pack_a, pack_b;
  std::vector<float> a, b, c, packed_a, packed_b;
  std::vector<float> workspace;  // floats, 64-byte alignment checked below
  std::vector<float> bias;

  GemmBench(size_t m_, size_t n_, size_t k_, bool pa, bool pb) : m(m_), n(n_), k(k_), pack_a(pa), pack_b(pb) {
    std::mt19937 rng(42);
    std::uniform_real_distribution<float> dist(-1.0f, 1.0f);
    a.resize(m * k);
    b.resize(k * n);
    c.resize(m * n);
    bias.resize(m);
    for (float& x : a) x = dist(rng);
    for (float& x : b) x = dist(rng);
    for (float& x : bias) x = dist(rng);
    const CpuIsa isa = host_isa();
    if (pack_a) {
      packed_a.resize(cpu::packed_a_floats(isa, m, k));
      cpu::pack_a(isa, m, k, a.data(), k, false, packed_a.data());
    }
    if (pack_b) {
      packed_b.resize(cpu::packed_b_floats(isa, k, n));
      cpu::pack_b(isa, k, n, b.data(), n, false, packed_b.data());
    }
    workspace.resize(cpu::sgemm_workspace_bytes(isa, m, n, k, pack_a, pack_b) / sizeof(float) + 16);
  }

  Status run(ThreadPool& pool, const cpu::GemmEpilogue& ep) {
    const CpuIsa isa = host_isa();
    const cpu::GemmOperand ao = pack_a ? cpu::GemmOperand::prepacked(packed_a.data()) : cpu::GemmOperand::matrix(a.data(), k);
    const cpu::GemmOperand bo = pack_b ? cpu::GemmOperand::prepacked(packed_b.data()) : cpu::GemmOperand::matrix(b.data(), n);
    auto* base = reinterpret_cast<std::byte*>((reinterpret_cast<uintptr_t>(workspace.data()) + 63) & ~uintptr_t{63});
    const size_t bytes = workspace.size() * sizeof(float) - static_cast<size_t>(base - reinterpret_cast<std::byte*>(workspace.data()));
    return cpu::sgemm(isa, m, n, k, ao, bo, c.data(), n, ep, pool, {base, bytes});
  }
};

// Args: M, N, K, threads, A prepacked, B prepacked. Convolution shapes: M = output channels,
// N = output pixels, K = input channels, W prepacked as A, bias per row and ReLU (a conv
// layer's epilogue).
void BM_Sgemm(benchmark::State& state, bool conv_epilogue) {
  const size_t m = static_cast<size_t>(state.range(0)), n = static_cast<size_t>(state.range(1));
  const size_t k = static_cast<size_t>(state.range(2));
  const int threads = static_cast<int>(state.range(3));
  GemmBench g(m, n, k, state.range(4) != 0, state.range(5) != 0);
  ThreadPool pool(threads);
  cpu::GemmEpilogue ep;
  if (conv_epilogue) {
    ep.bias.data = g.bias.data();
    ep.bias.row_stride = 1;
    ep.activation = ops::Activation{ops::ActivationKind::Relu, 0, 0};
  }
  double seconds = 0;
  for (auto _ : state) {
    const auto wall = std::chrono::steady_clock::now();
    const double cpu = thread_cpu_seconds();
    const Status st = g.run(pool, ep);
    const double t = threads == 1 ? thread_cpu_seconds() - cpu
                                  : std::chrono::duration<double>(std::chrono::steady_clock::now() - wall).count();
    if (!st.is_ok()) {
      state.SkipWithError(st.to_string().c_str());
      break;
    }
    state.SetIterationTime(t);
    seconds += t;
  }
  pool.sleep_workers();
  const double gflops = 2e-9 * static_cast<double>(m) * static_cast<double>(n) * static_cast<double>(k) *
                        static_cast<double>(state.iterations()) / seconds;
  state.counters["GFLOP/s"] = gflops;
  state.counters["peak%"] = 100 * gflops / (measured_peak_gflops() * threads);
}

void Sgemm1024(benchmark::State& state) { BM_Sgemm(state, false); }
void ConvGemm(benchmark::State& state) { BM_Sgemm(state, true); }
void FullyConnected(benchmark::State& state) { BM_Sgemm(state, false); }

BENCHMARK(BM_FmaPeak)->Iterations(5)->Unit(benchmark::kMillisecond);
BENCHMARK(Sgemm1024)
    ->ArgNames({"M", "N", "K", "threads", "packA", "packB"})
    ->Args({1024, 1024, 1024, 1, 0, 0})
    ->Args({1024, 1024, 1024, 2, 0, 0})
    ->Args({1024, 1024, 1024, 1, 1, 1})
    ->UseManualTime()
    ->Unit(benchmark::kMillisecond);

void conv_shapes(benchmark::internal::Benchmark* b) {
  b->ArgNames({"M", "N", "K", "threads", "packA", "packB"});
  // ResNet-50 bottleneck 1x1 convolutions (reduce, expand) at each resolution.
  const std::vector<std::vector<int64_t>> shapes = {
      {64, 3136, 64},   {64, 3136, 256},  {256, 3136, 64},  {128, 784, 512},  {512, 784, 128},
      {256, 196, 1024}, {1024, 196, 256}, {512, 49, 2048},  {2048, 49, 512},
      // YOLOv8n at 640x640: C2f cv1/cv2 and the head's 1x1 convolutions.
      {32, 25600, 32},  {32, 25600, 48},  {64, 6400, 64},   {64, 6400, 128},  {128, 1600, 128},
      {128, 1600, 256}, {256, 400, 256},  {256, 400, 384},  {256, 400, 512},  {80, 6400, 80}};
  for (int threads : {1, 2}) {
    for (const auto& s : shapes) b->Args({s[0], s[1], s[2], threads, 1, 0});
  }
}
BENCHMARK(ConvGemm)->Apply(conv_shapes)->UseManualTime()->Unit(benchmark::kMicrosecond);
// Convolutions through im2col (cpu.f32_conv_im2col_*: conv_gemm_group, the im2col matrix
// built in the workspace and read by sgemm in place). Args: input channels, height, width, output channels, kernel, stride,
// threads; pads kernel/2. ResNet-50's stem and 3x3 convolutions, YOLOv8n's stride-2
// downsamplings and a C2f bottleneck 3x3.
void Im2colConv(benchmark::State& state) {
  const int64_t c = state.range(0), h = state.range(1), w = state.range(2), m = state.range(3);
  const int64_t kernel = state.range(4), stride = state.range(5);
  const int threads = static_cast<int>(state.range(6));
  const int64_t pad = kernel / 2;
  cpu::ConvGemmGeometry geo;
  ops::Geometry3d& g = geo.g;
  const int64_t in[3] = {1, h, w}, k[3] = {1, kernel, kernel}, s[3] = {1, stride, stride}, p[3] = {0, pad, pad};
  for (int i = 0; i < 3; ++i) {
    g.in[i] = in[i], g.k[i] = k[i], g.s[i] = s[i], g.d[i] = 1, g.p[i] = p[i], g.pe[i] = p[i];
    g.out[i] = (in[i] + 2 * p[i] - k[i]) / s[i] + 1;
  }
  geo.batch = 1;
  geo.channels = geo.cg = static_cast<size_t>(c);
  geo.out_channels = geo.mg = static_cast<size_t>(m);
  geo.kernel_volume = static_cast<size_t>(kernel * kernel);
  geo.k = geo.cg * geo.kernel_volume;
  geo.in_plane = static_cast<size_t>(h * w);
  geo.out_plane = static_cast<size_t>(g.out[1] * g.out[2]);
  const size_t kdim = geo.k, out_plane = geo.out_plane;
  std::mt19937 rng(7);
  std::uniform_real_distribution<float> dist(-1.0f, 1.0f);
  std::vector<float> x(static_cast<size_t>(c * h * w)), weights(static_cast<size_t>(m) * kdim), y(static_cast<size_t>(m) * out_plane);
  for (float& v : x) v = dist(rng);
  for (float& v : weights) v = dist(rng);
  const CpuIsa isa = host_isa();
  std::vector<float> packed(cpu::packed_a_floats(isa, static_cast<size_t>(m), kdim));
  cpu::pack_a(isa, static_cast<size_t>(m), kdim, weights.data(), kdim, false, packed.data());
  std::vector<float> workspace(cpu::conv_gemm_group_workspace_bytes(isa, geo, true) / 4 + 16);
  auto* base = reinterpret_cast<std::byte*>((reinterpret_cast<uintptr_t>(workspace.data()) + 63) & ~uintptr_t{63});
  ThreadPool pool(threads);
  cpu::GemmEpilogue ep;
  ep.activation = ops::Activation{ops::ActivationKind::Relu, 0, 0};
  double seconds = 0;
  for (auto _ : state) {
    const auto wall = std::chrono::steady_clock::now();
    const double cpu_start = thread_cpu_seconds();
    const Status st = cpu::conv_gemm_group(isa, geo, cpu::GemmOperand::prepacked(packed.data()), x.data(), y.data(), ep,
                                           pool, {base, workspace.size() * sizeof(float) - 64});
    const double t = threads == 1 ? thread_cpu_seconds() - cpu_start
                                  : std::chrono::duration<double>(std::chrono::steady_clock::now() - wall).count();
    if (!st.is_ok()) {
      state.SkipWithError(st.to_string().c_str());
      break;
    }
    state.SetIterationTime(t);
    seconds += t;
  }
  pool.sleep_workers();
  const double gflops = 2e-9 * static_cast<double>(m) * static_cast<double>(out_plane) * static_cast<double>(kdim) *
                        static_cast<double>(state.iterations()) / seconds;
  state.counters["GFLOP/s"] = gflops;
  state.counters["peak%"] = 100 * gflops / (measured_peak_gflops() * threads);
}

void im2col_shapes(benchmark::internal::Benchmark* b) {
  b->ArgNames({"C", "H", "W", "M", "k", "s", "threads"});
  const std::vector<std::vector<int64_t>> shapes = {
      {3, 224, 224, 64, 7, 2},  {64, 56, 56, 64, 3, 1},  {128, 28, 28, 128, 3, 1}, {256, 14, 14, 256, 3, 1},
      {512, 7, 7, 512, 3, 1},   {3, 640, 640, 16, 3, 2}, {16, 320, 320, 32, 3, 2}, {16, 160, 160, 16, 3, 1},
      {32, 160, 160, 64, 3, 2}, {64, 40, 40, 64, 3, 1}};
  for (int threads : {1, 2}) {
    for (const auto& s : shapes) b->Args({s[0], s[1], s[2], s[3], s[4], s[5], threads});
  }
}
BENCHMARK(Im2colConv)->Apply(im2col_shapes)->UseManualTime()->Unit(benchmark::kMicrosecond);

// ResNet-50's classifier: 1 x 2048 activations times the prepacked 2048 x 1000 weights.
BENCHMARK(FullyConnected)
    ->ArgNames({"M", "N", "K", "threads", "packA", "packB"})
    ->Args({1, 1000, 2048, 1, 0, 1})
    ->Args({1, 1000, 2048, 2, 0, 1})
    ->UseManualTime()
    ->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace hone::bench

BENCHMARK_MAIN();
