// CUDA engines end to end: a small network built in code (stem conv + BN + ReLU, max pool, a
// residual block, a SiLU block with Split / Concat, nearest upsampling, global pooling, a
// classifier head with Softmax) optimized and run on the GPU against the CPU engine; the light
// ONNX models when ../shared is here; zero-copy device bindings, several contexts at once,
// the profiler, engine files (round trip and another GPU architecture), and the error paths:
// no device, an unknown device, device memory bound to a CPU engine, unsupported layers.
#include <cstdlib>
#include <filesystem>
#include <limits>
#include <thread>

#include "cuda_harness.hpp"
#include "engine/engine_file.hpp"
#include "hone/builder.hpp"
#include "hone/engine.hpp"
#include "import/onnx/model_builder.hpp"
#include "import/onnx/onnx_importer.hpp"
#include "runtime/compare.hpp"

namespace hone::cuda::testing {
namespace {

namespace fs = std::filesystem;
using cpu::testing::random_tensor;
using ir::Attribute;
using onnx_import::ModelBuilder;

// ../shared, or $HONE_TEST_SHARED_DIR (device runs carry the models elsewhere).
fs::path shared_dir() {
  if (const char* env = std::getenv("HONE_TEST_SHARED_DIR")) return env;
  return HONE_SHARED_DIR;
}

std::unique_ptr<ir::Graph> import(const std::string& bytes) {
  auto g = onnx_import::import_bytes(bytes.data(), bytes.size(), ".");
  EXPECT_TRUE(g.is_ok()) << g.status().to_string();
  return g.is_ok() ? std::move(g).value() : nullptr;
}

// x[2,3,32,32] -> stem conv s2 + BN + ReLU -> MaxPool 3x3 s2 -> residual block (1x1, 3x3,
// + skip, ReLU) -> SiLU conv -> Split -> (conv SiLU on one half) -> Concat -> {Resize x2 ->
// 1x1 conv: "features"; GAP -> Flatten -> Gemm -> Softmax: "probs"}.
std::string small_network() {
  ModelBuilder b(17);
  b.input("x", DataType::Float, {2, 3, 32, 32});
  auto t = [&](const std::string& name, Shape shape, uint64_t seed, float lo = -0.5f, float hi = 0.5f) {
    b.initializer(name, random_tensor(std::move(shape), seed, lo, hi));
  };
  auto ints = [](std::vector<int64_t> v) { return Attribute::of_ints(std::move(v)); };
  t("w_stem", {16, 3, 3, 3}, 1);
  t("bn_scale", {16}, 2, 0.5f, 1.5f);
  t("bn_bias", {16}, 3);
  t("bn_mean", {16}, 4);
  t("bn_var", {16}, 5, 0.5f, 1.0f);
  b.node("Conv", {"x", "w_stem"}, {"stem"}, "stem", {{"pads", ints({1, 1, 1, 1})}, {"strides", ints({2, 2})}});
  b.node("BatchNormalization", {"stem", "bn_scale", "bn_bias", "bn_mean", "bn_var"}, {"bn"}, "stem_bn");
  b.node("Relu", {"bn"}, {"r0"}, "stem_relu");
  b.node("MaxPool", {"r0"}, {"p0"}, "pool",
         {{"kernel_shape", ints({3, 3})}, {"strides", ints({2, 2})}, {"pads", ints({1, 1, 1, 1})}});
  t("w_a", {8, 16, 1, 1}, 6);
  t("b_a", {8}, 7);
  t("w_b", {16, 8, 3, 3}, 8);
  t("b_b", {16}, 9);
  b.node("Conv", {"p0", "w_a", "b_a"}, {"ra"}, "block_a");
  b.node("Relu", {"ra"}, {"rar"}, "block_a_relu");
  b.node("Conv", {"rar", "w_b", "b_b"}, {"rb"}, "block_b", {{"pads", ints({1, 1, 1, 1})}});
  b.node("Add", {"rb", "p0"}, {"res"}, "block_add");
  b.node("Relu", {"res"}, {"r1"}, "block_relu");
  t("w_s", {16, 16, 3, 3}, 10);
  t("b_s", {16}, 11);
  b.node("Conv", {"r1", "w_s", "b_s"}, {"s"}, "silu_conv", {{"pads", ints({1, 1, 1, 1})}});
  b.node("Sigmoid", {"s"}, {"sg"}, "silu_sigmoid");
  b.node("Mul", {"s", "sg"}, {"silu"}, "silu_mul");
  b.initializer("split", Tensor::from_vector<int64_t>(DataType::Int64, {2}, {8, 8}));
  b.node("Split", {"silu", "split"}, {"h0", "h1"}, "split", {{"axis", Attribute::of_int(1)}});
  t("w_h", {8, 8, 3, 3}, 12);
  b.node("Conv", {"h1", "w_h"}, {"hc"}, "half_conv", {{"pads", ints({1, 1, 1, 1})}});
  b.node("Sigmoid", {"hc"}, {"hs"}, "half_sigmoid");
  b.node("Mul", {"hc", "hs"}, {"hsilu"}, "half_mul");
  b.node("Concat", {"h0", "hsilu", "h1"}, {"cat"}, "concat", {{"axis", Attribute::of_int(1)}});
  b.initializer("scales", Tensor::from_vector<float>(DataType::Float, {4}, {1, 1, 2, 2}));
  b.node("Resize", {"cat", "", "scales"}, {"up"}, "upsample",
         {{"mode", Attribute::of_string("nearest")},
          {"coordinate_transformation_mode", Attribute::of_string("asymmetric")},
          {"nearest_mode", Attribute::of_string("floor")}});
  t("w_f", {5, 24, 1, 1}, 13);
  b.node("Conv", {"up", "w_f"}, {"features"}, "features");
  b.node("GlobalAveragePool", {"cat"}, {"gap"}, "gap");
  b.node("Flatten", {"gap"}, {"flat"}, "flatten");
  t("w_fc", {10, 24}, 14);
  t("b_fc", {10}, 15);
  b.node("Gemm", {"flat", "w_fc", "b_fc"}, {"logits"}, "fc", {{"transB", Attribute::of_int(1)}});
  b.node("Softmax", {"logits"}, {"probs"}, "softmax", {{"axis", Attribute::of_int(1)}});
  b.output("probs", DataType::Float, {2, 10});
  b.output("features", DataType::Float, {2, 5, 16, 16});
  return b.serialize();
}

std::shared_ptr<const Engine> build_engine(std::unique_ptr<ir::Graph> g, const std::string& device) {
  BuildConfig config;
  config.device = device;
  auto plan = build_plan(std::move(g), config);
  EXPECT_TRUE(plan.is_ok()) << device << ": " << plan.status().to_string();
  if (!plan.is_ok()) return nullptr;
  auto engine = Engine::from_plan(std::move(plan).value());
  EXPECT_TRUE(engine.is_ok()) << device << ": " << engine.status().to_string();
  return engine.is_ok() ? *engine : nullptr;
}

void expect_close(const std::vector<Datum>& got, const std::vector<Datum>& want, double rtol = 1e-4,
                  double atol = 1e-5) {
  ASSERT_EQ(got.size(), want.size());
  for (size_t i = 0; i < got.size(); ++i) {
    Status s = runtime::compare_datum(got[i], want[i], runtime::Tolerance{rtol, atol});
    EXPECT_TRUE(s.is_ok()) << "output " << i << ": " << s.to_string();
  }
}

TEST(CudaEngine, SmallNetworkMatchesTheCpuEngine) {
  HONE_REQUIRE_CUDA_DEVICE();
  const std::string model = small_network();
  auto gpu = build_engine(import(model), "cuda");
  auto cpu = build_engine(import(model), "cpu");
  ASSERT_TRUE(gpu && cpu);
  // Fused like the CPU's plain layout (conv + BN + ReLU, the residual add, SiLU), never blocked.
  size_t fused = 0;
  for (size_t i = 0; i < gpu->num_layers(); ++i) {
    const ir::Node& n = *gpu->plan().graph->nodes()[i];
    fused += n.kind() == ir::OpKind::FusedConv;
    EXPECT_NE(n.kind(), ir::OpKind::FusedConvBlocked) << n.name();
    EXPECT_EQ(gpu->plan().layers[i].tactic.rfind("cuda.", 0), 0u) << n.name() << ": " << gpu->plan().layers[i].tactic;
  }
  EXPECT_GE(fused, 4u);
  EXPECT_EQ(gpu->plan().device, "cuda");
  EXPECT_FALSE(gpu->plan().device_arch.empty());
  for (uint64_t seed : {21u, 22u}) {
    const Tensor x = random_tensor({2, 3, 32, 32}, seed);
    auto want = cpu->create_context()->run({Datum::of(x)});
    ASSERT_TRUE(want.is_ok()) << want.status().to_string();
    auto got = gpu->create_context()->run({Datum::of(x)});
    ASSERT_TRUE(got.is_ok()) << got.status().to_string();
    expect_close(*got, *want);
  }
}

TEST(CudaEngine, LightModelsMatchTheCpuEngine) {
  HONE_REQUIRE_CUDA_DEVICE();
  const fs::path light = shared_dir() / "onnx-backend-tests" / "light";
  int ran = 0;
  // The CNNs of the light set (VGG-19's 550 MB of weights left out: it only adds minutes).
  for (const char* name : {"light_resnet50", "light_squeezenet", "light_densenet121", "light_shufflenet",
                           "light_inception_v1", "light_inception_v2", "light_bvlc_alexnet"}) {
    const fs::path path = light / (std::string(name) + ".onnx");
    if (!fs::exists(path)) continue;
    SCOPED_TRACE(name);
    auto g = onnx_import::import_file(path.string());
    ASSERT_TRUE(g.is_ok()) << g.status().to_string();
    BuildConfig config;
    config.device = "cuda";
    auto plan = build_plan(std::move(g).value(), config);
    if (!plan.is_ok()) {
      // Models with a layer no CUDA tactic runs yet (LRN, ...) must fail listing it.
      EXPECT_EQ(plan.status().code(), StatusCode::Unsupported) << plan.status().to_string();
      EXPECT_NE(plan.status().message().find("no tactic on device 'cuda'"), std::string::npos)
          << plan.status().to_string();
      std::printf("[ note ] %s: %s\n", name, plan.status().message().c_str());
      continue;
    }
    auto gpu = Engine::from_plan(std::move(plan).value());
    ASSERT_TRUE(gpu.is_ok()) << gpu.status().to_string();
    auto cpu = build_engine(onnx_import::import_file(path.string()).value(), "cpu");
    ASSERT_TRUE(cpu);
    std::vector<Datum> feeds;
    for (const TensorDesc& d : (*gpu)->inputs()) {
      Shape shape = d.shape;
      for (int64_t& s : shape) s = s < 0 ? 1 : s;
      feeds.push_back(Datum::of(random_tensor(shape, 5)));
    }
    auto want = cpu->create_context()->run(feeds);
    auto got = (*gpu)->create_context()->run(feeds);
    ASSERT_TRUE(want.is_ok() && got.is_ok()) << want.status().to_string() << got.status().to_string();
    expect_close(*got, *want, 1e-4, 1e-5);
    ++ran;
  }
  if (ran == 0) GTEST_SKIP() << "no light models under " << light;
}

TEST(CudaEngine, Yolov8nMatchesTheCpuEngine) {
  HONE_REQUIRE_CUDA_DEVICE();
  const fs::path path = shared_dir() / "models" / "yolov8n.onnx";
  if (!fs::exists(path)) GTEST_SKIP() << path << " is not here";
  auto gpu = build_engine(onnx_import::import_file(path.string()).value(), "cuda");
  auto cpu = build_engine(onnx_import::import_file(path.string()).value(), "cpu");
  ASSERT_TRUE(gpu && cpu);
  const Tensor x = random_tensor({1, 3, 640, 640}, 8, 0, 1);
  auto want = cpu->create_context()->run({Datum::of(x)});
  auto got = gpu->create_context()->run({Datum::of(x)});
  ASSERT_TRUE(want.is_ok() && got.is_ok()) << want.status().to_string() << got.status().to_string();
  // 64 convolutions deep, with different algorithms on each side (the CPU's Winograd, cuDNN's
  // choice): per layer both hold 1e-4 (CudaConv.*), through the network the box decode
  // differs up to ~2e-4 relative (seen on an H200: 8 of 705600 values above 1e-4). Boxes reach
  // 640 pixels, scores sit near 0: 1e-3 relative and absolute.
  expect_close(*got, *want, 1e-3, 1e-3);
}

TEST(CudaEngine, DeviceBindingsAreZeroCopyAndContextsRunConcurrently) {
  HONE_REQUIRE_CUDA_DEVICE();
  const std::string model = small_network();
  auto gpu = build_engine(import(model), "cuda");
  auto cpu = build_engine(import(model), "cpu");
  ASSERT_TRUE(gpu && cpu);
  const Tensor x = random_tensor({2, 3, 32, 32}, 31);
  auto want = cpu->create_context()->run({Datum::of(x)});
  ASSERT_TRUE(want.is_ok());
  // Device input and outputs, the outputs poisoned with NaN: every element must be written.
  const Tensor nan_probs = Tensor::from_vector<float>(DataType::Float, {2 * 10},
                                                      std::vector<float>(20, std::numeric_limits<float>::quiet_NaN()));
  Tensor probs = to_device(*nan_probs.reshaped({2, 10}));
  Tensor features = to_device(Tensor::from_vector<float>(
      DataType::Float, {2, 5, 16, 16}, std::vector<float>(2 * 5 * 16 * 16, std::numeric_limits<float>::quiet_NaN())));
  auto ctx = gpu->create_context();
  ASSERT_TRUE(ctx->bind("x", to_device(x)).is_ok());
  ASSERT_TRUE(ctx->bind("probs", probs).is_ok());
  ASSERT_TRUE(ctx->bind("features", features).is_ok());
  ASSERT_TRUE(ctx->run().is_ok());
  ASSERT_TRUE(ctx->outputs()[0].tensor.on_device());
  EXPECT_EQ(ctx->outputs()[0].tensor.raw(), probs.raw());  // written in place
  expect_close({Datum::of(to_host(probs)), Datum::of(to_host(features))}, *want);

  // Four contexts, each its own stream and thread, over one copy of the weights.
  constexpr int kContexts = 4;
  std::vector<Tensor> inputs;
  std::vector<std::vector<Datum>> results(kContexts);
  for (int i = 0; i < kContexts; ++i) inputs.push_back(random_tensor({2, 3, 32, 32}, 40 + i));
  std::vector<std::thread> threads;
  for (int i = 0; i < kContexts; ++i) {
    threads.emplace_back([&, i] {
      auto c = gpu->create_context();
      for (int rep = 0; rep < 5; ++rep) {
        auto r = c->run({Datum::of(inputs[i])});
        if (r.is_ok()) results[i] = *r;
      }
    });
  }
  for (auto& t : threads) t.join();
  for (int i = 0; i < kContexts; ++i) {
    auto ref = cpu->create_context()->run({Datum::of(inputs[i])});
    ASSERT_TRUE(ref.is_ok());
    expect_close(results[i], *ref);
  }
}

TEST(CudaEngine, ProfilerGetsDeviceTimesAndEnqueueCompletes) {
  HONE_REQUIRE_CUDA_DEVICE();
  auto gpu = build_engine(import(small_network()), "cuda");
  ASSERT_TRUE(gpu);
  auto ctx = gpu->create_context();
  LayerTimeProfiler profiler;
  ctx->set_profiler(&profiler);
  ASSERT_TRUE(ctx->bind("x", random_tensor({2, 3, 32, 32}, 50)).is_ok());
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(ctx->enqueue().get().is_ok());
  EXPECT_EQ(profiler.runs(), 3);
  EXPECT_GT(profiler.entries().size(), 5u);
  EXPECT_GT(profiler.average_total_ms(), 0.0);
}

TEST(CudaEngine, EngineFileRoundTripsAndRefusesAnotherArchitecture) {
  HONE_REQUIRE_CUDA_DEVICE();
  auto gpu = build_engine(import(small_network()), "cuda");
  ASSERT_TRUE(gpu);
  auto bytes = gpu->serialize();
  ASSERT_TRUE(bytes.is_ok()) << bytes.status().to_string();
  engine::LoadOptions options;
  options.device = "cuda";
  auto loaded = Engine::load_from_memory(std::make_shared<const std::vector<uint8_t>>(*bytes), options);
  ASSERT_TRUE(loaded.is_ok()) << loaded.status().to_string();
  EXPECT_EQ((*loaded)->plan().device_arch, gpu->plan().device_arch);
  const Tensor x = random_tensor({2, 3, 32, 32}, 60);
  auto a = gpu->create_context()->run({Datum::of(x)});
  auto b = (*loaded)->create_context()->run({Datum::of(x)});
  ASSERT_TRUE(a.is_ok() && b.is_ok());
  expect_close(*b, *a, 1e-6, 1e-7);  // the same tactics and algorithms

  // The same plan recorded for another architecture: refused with one line naming both.
  engine::Plan other = gpu->plan();
  other.device_arch = "sm_75";
  other.device_name = "Tesla T4";
  auto other_bytes = engine::serialize_plan(other);
  ASSERT_TRUE(other_bytes.is_ok());
  auto refused = Engine::load_from_memory(std::make_shared<const std::vector<uint8_t>>(*other_bytes), options);
  ASSERT_FALSE(refused.is_ok());
  const std::string e = refused.status().to_string();
  EXPECT_EQ(refused.status().code(), StatusCode::Unsupported) << e;
  EXPECT_NE(e.find("engine was built for sm_75 ('Tesla T4'); this GPU is " + gpu->plan().device_arch), std::string::npos)
      << e;
  EXPECT_NE(e.find("rebuild it here with `hone build --device cuda`"), std::string::npos) << e;
  EXPECT_EQ(e.find('\n'), std::string::npos);
  // And loaded for the CPU it points at the device it needs.
  auto on_cpu = Engine::load_from_memory(std::make_shared<const std::vector<uint8_t>>(*bytes));
  ASSERT_FALSE(on_cpu.is_ok());
  EXPECT_NE(on_cpu.status().to_string().find("built for device 'cuda'"), std::string::npos);
}

TEST(CudaEngine, UnsupportedLayersAreAllListed) {
  HONE_REQUIRE_CUDA_DEVICE();
  // LRN and TopK have no CUDA tactic: the build fails naming both (no silent CPU fallback).
  ModelBuilder b(17);
  b.input("x", DataType::Float, {1, 4, 5, 5});
  b.node("LRN", {"x"}, {"l"}, "norm", {{"size", Attribute::of_int(3)}});
  b.node("Relu", {"l"}, {"r"}, "relu");
  b.initializer("k", Tensor::from_vector<int64_t>(DataType::Int64, {1}, {2}));
  b.node("TopK", {"r", "k"}, {"v", "i"}, "top");
  b.output("v", DataType::Float, {1, 4, 5, 2});
  b.output("i", DataType::Int64, {1, 4, 5, 2});
  BuildConfig config;
  config.device = "cuda";
  auto plan = build_plan(import(b.serialize()), config);
  ASSERT_FALSE(plan.is_ok());
  const std::string e = plan.status().to_string();
  EXPECT_EQ(plan.status().code(), StatusCode::Unsupported) << e;
  EXPECT_NE(e.find("2 layer(s) have no tactic on device 'cuda'"), std::string::npos) << e;
  EXPECT_NE(e.find("'norm' (LRN"), std::string::npos) << e;
  EXPECT_NE(e.find("'top' (TopK"), std::string::npos) << e;
}

// ---- without a device (this part runs everywhere) ----

TEST(CudaErrors, NoDeviceIsOneCleanLine) {
  const Status available = device_status();
  if (available.is_ok()) GTEST_SKIP() << "a CUDA device is here; this test is for machines without one";
  EXPECT_EQ(available.code(), StatusCode::Unsupported);
  EXPECT_EQ(available.message().rfind("no CUDA device: ", 0), 0u) << available.message();
  BuildConfig config;
  config.device = "cuda";
  auto plan = build_plan(import(small_network()), config);
  ASSERT_FALSE(plan.is_ok());
  EXPECT_EQ(plan.status().message(), available.message());
  EXPECT_EQ(plan.status().message().find('\n'), std::string::npos);
  // The CPU keeps working in the same process.
  config.device = "cpu";
  EXPECT_TRUE(build_plan(import(small_network()), config).is_ok());
}

TEST(CudaErrors, UnknownDeviceListsTheAvailableOnes) {
  BuildConfig config;
  config.device = "tpu";
  auto plan = build_plan(import(small_network()), config);
  ASSERT_FALSE(plan.is_ok());
  EXPECT_EQ(plan.status().code(), StatusCode::NotFound);
  EXPECT_EQ(plan.status().message(), "device 'tpu' is not available (available: cpu, cuda)");
}

TEST(CudaErrors, CpuEnginesRefuseDeviceMemory) {
  auto cpu = build_engine(import(small_network()), "cpu");
  ASSERT_TRUE(cpu);
  auto ctx = cpu->create_context();
  float dummy = 0;  // never dereferenced: the binding is refused by its flag
  const Status in = ctx->bind("x", Tensor::wrap_device(DataType::Float, {2, 3, 32, 32}, &dummy));
  EXPECT_EQ(in.code(), StatusCode::InvalidArgument);
  EXPECT_NE(in.message().find("device memory; this engine runs on the CPU"), std::string::npos) << in.message();
  const Status out = ctx->bind("probs", Tensor::wrap_device(DataType::Float, {2, 10}, &dummy));
  EXPECT_EQ(out.code(), StatusCode::InvalidArgument);
}

}  // namespace
}  // namespace hone::cuda::testing
