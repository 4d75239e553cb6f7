// Builder, Engine and ExecutionContext: engines built from small models in code run like the
// reference executor, across contexts, threads, bound buffers, profiles and enqueue.
#include <gtest/gtest.h>

#include <filesystem>
#include <random>
#include <sstream>
#include <thread>

#include "backends/cpu/dispatch.hpp"
#include "hone/builder.hpp"
#include "hone/engine.hpp"
#include "import/onnx/model_builder.hpp"
#include "import/onnx/onnx_importer.hpp"
#include "runtime/compare.hpp"
#include "runtime/reference_executor.hpp"

namespace hone {
namespace {

using onnx_import::ModelBuilder;

std::unique_ptr<ir::Graph> import(const std::string& bytes) {
  auto g = onnx_import::import_bytes(bytes.data(), bytes.size(), ".");
  EXPECT_TRUE(g.is_ok()) << g.status().to_string();
  return g.is_ok() ? std::move(g).value() : nullptr;
}

Tensor random_tensor(const Shape& shape, uint32_t seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> dist(-1.0f, 1.0f);
  Tensor t = Tensor::zeros(DataType::Float, shape);
  for (int64_t i = 0; i < t.numel(); ++i) t.data<float>()[i] = dist(rng);
  return t;
}

// x[1,4,6,6] -> Conv(8) -> Relu -> {Conv(3) a, Conv(5) b} -> Concat(axis 1) -> Reshape -> y
std::string branchy_model(int64_t batch = 1) {
  ModelBuilder b(17);
  b.input("x", DataType::Float, {batch, 4, 6, 6});
  b.initializer("w0", random_tensor({8, 4, 3, 3}, 1));
  b.initializer("b0", random_tensor({8}, 2));
  b.initializer("wa", random_tensor({3, 8, 1, 1}, 3));
  b.initializer("wb", random_tensor({5, 8, 3, 3}, 4));
  b.initializer("shape", Tensor::from_vector<int64_t>(DataType::Int64, {2}, {0, -1}));  // keep the batch
  auto pads = ir::Attribute::of_ints({1, 1, 1, 1});
  b.node("Conv", {"x", "w0", "b0"}, {"c0"}, "conv0", {{"pads", pads}});
  b.node("Relu", {"c0"}, {"r0"}, "relu0");
  b.node("Conv", {"r0", "wa"}, {"ca"}, "conv_a");
  b.node("Conv", {"r0", "wb"}, {"cb"}, "conv_b", {{"pads", pads}});
  b.node("Concat", {"ca", "cb"}, {"cat"}, "concat", {{"axis", ir::Attribute::of_int(1)}});
  b.node("Reshape", {"cat", "shape"}, {"y"}, "flatten");
  b.output("y", DataType::Float, {batch, 8 * 36});
  return b.serialize();
}

std::vector<Datum> reference_run(const std::string& model, const std::vector<Tensor>& inputs) {
  auto g = import(model);
  std::vector<Datum> feeds;
  for (const Tensor& t : inputs) feeds.push_back(Datum::of(t));
  runtime::ReferenceExecutor exec(*g);
  auto r = exec.run(feeds);
  EXPECT_TRUE(r.is_ok()) << r.status().to_string();
  return r.is_ok() ? *r : std::vector<Datum>{};
}

std::shared_ptr<const Engine> build(const std::string& model, BuildConfig config = {}) {
  auto plan = build_plan(import(model), config);
  EXPECT_TRUE(plan.is_ok()) << plan.status().to_string();
  if (!plan.is_ok()) return nullptr;
  auto engine = Engine::from_plan(std::move(plan).value());
  EXPECT_TRUE(engine.is_ok()) << engine.status().to_string();
  return engine.is_ok() ? *engine : nullptr;
}

void expect_same(const std::vector<Datum>& got, const std::vector<Datum>& want) {
  ASSERT_EQ(got.size(), want.size());
  for (size_t i = 0; i < got.size(); ++i) {
    // Fast kernels sum in another order than the reference: 1e-4 relative, 1e-5 absolute.
    Status s = runtime::compare_datum(got[i], want[i], runtime::Tolerance{1e-4, 1e-5});
    EXPECT_TRUE(s.is_ok()) << "output " << i << ": " << s.to_string();
  }
}

// DenseNet's pre-activation: Concat (of c1 and c2 channels; a MaxPool of c1 when c2 is 0) ->
// BN (as Mul, Add per channel) -> Relu -> 1x1 Conv.
std::string preactivation_model(int64_t c1, int64_t c2) {
  const int64_t c = c1 + c2;
  ModelBuilder b(17);
  b.input("x", DataType::Float, {1, 3, 10, 12});
  b.initializer("w1", random_tensor({c1, 3, 3, 3}, 11));
  b.initializer("scale", random_tensor({c, 1, 1}, 13));
  b.initializer("shift", random_tensor({c, 1, 1}, 14));
  b.initializer("wp", random_tensor({24, c, 1, 1}, 15));
  b.initializer("bp", random_tensor({24}, 16));
  auto pads = ir::Attribute::of_ints({1, 1, 1, 1});
  b.node("Conv", {"x", "w1"}, {"a"}, "conv_a", {{"pads", pads}});
  std::string features = "a";
  if (c2 > 0) {
    b.initializer("w2", random_tensor({c2, 3, 3, 3}, 12));
    b.node("Conv", {"x", "w2"}, {"b"}, "conv_b", {{"pads", pads}});
    b.node("Concat", {"a", "b"}, {"cat"}, "concat", {{"axis", ir::Attribute::of_int(1)}});
    features = "cat";
  } else {
    // A pool keeps the BatchNorm from folding into conv_a.
    b.node("MaxPool", {"a"}, {"pool"}, "pool",
           {{"kernel_shape", ir::Attribute::of_ints({3, 3})}, {"pads", pads}});
    features = "pool";
  }
  b.node("Mul", {features, "scale"}, {"m"}, "bn_scale");
  b.node("Add", {"m", "shift"}, {"s"}, "bn_shift");
  b.node("Relu", {"s"}, {"r"}, "relu");
  b.node("Conv", {"r", "wp", "bp"}, {"y"}, "conv_1x1");
  b.output("y", DataType::Float, {1, 24, 10, 12});
  return b.serialize();
}

TEST(Builder, PreactivationBatchNormGoesIntoThePointwiseConv) {
  if (!cpu::has_isa(CpuFeatures::host(), cpu::CpuIsa::Avx2)) GTEST_SKIP() << "no AVX2: no blocked layout";
  // Whole blocks after a Concat, and a partial last block (20 channels).
  for (auto [c1, c2] : {std::pair<int64_t, int64_t>{16, 32}, {20, 0}}) {
    const std::string model = preactivation_model(c1, c2);
    auto engine = build(model);
    ASSERT_TRUE(engine);
    size_t transformed = 0, elementwise = 0;
    for (const auto& n : engine->plan().graph->nodes()) {
      elementwise += n->kind() == ir::OpKind::FusedElementwise;
      const ir::Attribute* a = n->attrs().find("input_activation");
      transformed += a && a->s == "Relu";
    }
    EXPECT_EQ(transformed, 1u) << "channels " << c1 + c2;
    EXPECT_EQ(elementwise, 0u);
    const Tensor x = random_tensor({1, 3, 10, 12}, 17);
    auto out = engine->create_context()->run({Datum::of(x)});
    ASSERT_TRUE(out.is_ok()) << out.status().to_string();
    expect_same(*out, reference_run(model, {x}));
    // --disable-pass input_affine_fusion keeps the elementwise layer; same result.
    BuildConfig off;
    off.passes.disabled = {"input_affine_fusion"};
    auto plain = build(model, off);
    ASSERT_TRUE(plain);
    size_t kept = 0;
    for (const auto& n : plain->plan().graph->nodes()) kept += n->kind() == ir::OpKind::FusedElementwise;
    EXPECT_EQ(kept, 1u);
  }
}

TEST(Runtime, EngineMatchesReferenceExecutor) {
  const std::string model = branchy_model();
  auto engine = build(model);
  ASSERT_TRUE(engine);
  const Tensor x = random_tensor({1, 4, 6, 6}, 42);
  auto ctx = engine->create_context();
  auto out = ctx->run({Datum::of(x)});
  ASSERT_TRUE(out.is_ok()) << out.status().to_string();
  expect_same(*out, reference_run(model, {x}));
  EXPECT_GT(ctx->arena_bytes(), 0u);
  // Unfused, the arena is smaller than the activations laid end to end (buffers are reused).
  BuildConfig no_passes;
  no_passes.optimize = false;
  auto unfused = build(model, no_passes);
  ASSERT_TRUE(unfused);
  EXPECT_LT(unfused->plan().memory.arena_bytes, unfused->plan().memory.activation_bytes);
}

TEST(Runtime, ContextsShareWeightsAndRunConcurrently) {
  const std::string model = branchy_model();
  auto engine = build(model);
  ASSERT_TRUE(engine);
  constexpr int kThreads = 4;
  std::vector<std::vector<Datum>> results(kThreads);
  std::vector<Tensor> inputs;
  for (int t = 0; t < kThreads; ++t) inputs.push_back(random_tensor({1, 4, 6, 6}, 100 + t));
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      auto ctx = engine->create_context();
      for (int rep = 0; rep < 5; ++rep) {
        auto r = ctx->run({Datum::of(inputs[t])});
        if (r.is_ok()) results[t] = *r;
      }
    });
  }
  for (auto& th : threads) th.join();
  for (int t = 0; t < kThreads; ++t) expect_same(results[t], reference_run(model, {inputs[t]}));
}

TEST(Runtime, BoundOutputIsWrittenInPlaceAndEnqueueCompletes) {
  const std::string model = branchy_model();
  auto engine = build(model);
  ASSERT_TRUE(engine);
  auto ctx = engine->create_context();
  const Tensor x = random_tensor({1, 4, 6, 6}, 7);
  std::vector<float> out_buffer(8 * 36, -1.0f);
  ASSERT_TRUE(ctx->bind("x", x).is_ok());
  ASSERT_TRUE(ctx->bind("y", Tensor::wrap(DataType::Float, {1, 8 * 36}, out_buffer.data())).is_ok());
  std::future<Status> done = ctx->enqueue();
  Status s = done.get();
  ASSERT_TRUE(s.is_ok()) << s.to_string();
  const auto want = reference_run(model, {x});
  const float* ref = want[0].tensor.data<float>();
  for (size_t i = 0; i < out_buffer.size(); ++i) ASSERT_NEAR(out_buffer[i], ref[i], 1e-5f) << "element " << i;
  auto o = ctx->output("y");
  ASSERT_TRUE(o.is_ok());
  EXPECT_EQ(o->tensor.raw(), out_buffer.data());

  std::promise<Status> p;
  ctx->enqueue([&p](Status st) { p.set_value(st); });
  EXPECT_TRUE(p.get_future().get().is_ok());
}

TEST(Runtime, ProfilerReceivesEveryExecutedLayer) {
  auto engine = build(branchy_model());
  ASSERT_TRUE(engine);
  auto ctx = engine->create_context();
  LayerTimeProfiler prof;
  ctx->set_profiler(&prof);
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(ctx->run({Datum::of(random_tensor({1, 4, 6, 6}, i))}).is_ok());
  EXPECT_EQ(prof.runs(), 3);
  // Every layer but the elided Concat (its inputs are written in place) reports.
  std::vector<std::string> names;
  for (const auto& e : prof.entries()) names.push_back(e.name);
  EXPECT_EQ(std::count(names.begin(), names.end(), "concat"), 0);
  EXPECT_GE(names.size(), engine->num_layers() - 1);
  std::ostringstream os;
  prof.print(os);
  EXPECT_NE(os.str().find("Time over all layers"), std::string::npos) << os.str();
}

TEST(Runtime, ProfilesBoundInputShapes) {
  const std::string model = branchy_model(-1);  // symbolic batch
  BuildConfig config;
  config.input_shapes["x"] = ShapeRange{{1, 4, 6, 6}, {2, 4, 6, 6}, {4, 4, 6, 6}};
  auto engine = build(model, config);
  ASSERT_TRUE(engine);
  ASSERT_EQ(engine->plan().profiles.size(), 1u);
  auto ctx = engine->create_context();
  for (int64_t batch : {1, 3, 2}) {
    const Tensor x = random_tensor({batch, 4, 6, 6}, static_cast<uint32_t>(batch));
    auto out = ctx->run({Datum::of(x)});
    ASSERT_TRUE(out.is_ok()) << out.status().to_string();
    ASSERT_EQ((*out)[0].tensor.shape(), (Shape{batch, 8 * 36}));
  }
  auto bad = ctx->run({Datum::of(random_tensor({5, 4, 6, 6}, 5))});
  ASSERT_FALSE(bad.is_ok());
  EXPECT_NE(bad.status().message().find("outside the engine's profile [1,4,6,6] to [4,4,6,6]"), std::string::npos)
      << bad.status().to_string();
  EXPECT_FALSE(ctx->set_input_shape("x", {1, 4, 7, 6}).is_ok());
  EXPECT_EQ(ctx->set_input_shape("nope", {1}).code(), StatusCode::NotFound);
}

TEST(Runtime, BadInputsAreErrors) {
  auto engine = build(branchy_model());
  ASSERT_TRUE(engine);
  auto ctx = engine->create_context();
  EXPECT_FALSE(ctx->run().is_ok());  // nothing bound
  auto wrong_shape = ctx->run({Datum::of(random_tensor({1, 4, 6, 7}, 1))});
  ASSERT_FALSE(wrong_shape.is_ok());
  EXPECT_NE(wrong_shape.status().message().find("has shape [1,4,6,7], the model expects [1,4,6,6]"), std::string::npos)
      << wrong_shape.status().to_string();
  auto wrong_type = ctx->run({Datum::of(Tensor::zeros(DataType::Int64, {1, 4, 6, 6}))});
  EXPECT_FALSE(wrong_type.is_ok());
  EXPECT_FALSE(ctx->run({}).is_ok());
  EXPECT_EQ(ctx->bind("y", Tensor::zeros(DataType::Int32, {1, 288})).code(), StatusCode::InvalidArgument);
}

TEST(Runtime, OutputsNeverAliasCallerInputsOrWeights) {
  // y = Identity(x) (a view of the caller's input), w_out = Identity(w) (a view of a weight).
  ModelBuilder b(17);
  b.input("x", DataType::Float, {2, 3});
  b.initializer("w", random_tensor({4}, 9));
  b.node("Identity", {"x"}, {"y"}, "id_x");
  b.node("Identity", {"w"}, {"w_out"}, "id_w");
  b.output("y", DataType::Float, {2, 3});
  b.output("w_out", DataType::Float, {4});
  BuildConfig no_passes;
  no_passes.optimize = false;  // keep the Identity layers
  auto engine = build(b.serialize(), no_passes);
  ASSERT_TRUE(engine);
  const Tensor x = random_tensor({2, 3}, 10);
  auto out = engine->create_context()->run({Datum::of(x)});
  ASSERT_TRUE(out.is_ok()) << out.status().to_string();
  EXPECT_NE((*out)[0].tensor.raw(), x.raw());
  EXPECT_TRUE((*out)[0].tensor.bit_equal(x));
  EXPECT_NE((*out)[1].tensor.raw(), engine->plan().graph->find_value("w")->constant().raw());
}

TEST(Runtime, ViewLayersInsideTheGraphAreElidedAndNotProfiled) {
  // x -> Conv -> Reshape (a view, elided) -> Relu -> y
  ModelBuilder b(17);
  b.input("x", DataType::Float, {1, 2, 4, 4});
  b.initializer("w", random_tensor({3, 2, 1, 1}, 11));
  b.initializer("shape", Tensor::from_vector<int64_t>(DataType::Int64, {2}, {3, 16}));
  b.node("Conv", {"x", "w"}, {"c"}, "conv");
  b.node("Reshape", {"c", "shape"}, {"r"}, "reshape");
  b.node("Sigmoid", {"r"}, {"y"}, "sigmoid");
  b.output("y", DataType::Float, {3, 16});
  const std::string model = b.serialize();
  BuildConfig no_passes;
  no_passes.optimize = false;
  auto engine = build(model, no_passes);
  ASSERT_TRUE(engine);
  auto ctx = engine->create_context();
  LayerTimeProfiler prof;
  ctx->set_profiler(&prof);
  const Tensor x = random_tensor({1, 2, 4, 4}, 12);
  auto out = ctx->run({Datum::of(x)});
  ASSERT_TRUE(out.is_ok()) << out.status().to_string();
  expect_same(*out, reference_run(model, {x}));
  std::vector<std::string> names;
  for (const auto& e : prof.entries()) names.push_back(e.name);
  EXPECT_EQ(names, (std::vector<std::string>{"conv", "sigmoid"}));
}

TEST(Runtime, SetInputShapeMustAgreeWithTheBoundInput) {
  const std::string model = branchy_model(-1);
  BuildConfig config;
  config.input_shapes["x"] = ShapeRange{{1, 4, 6, 6}, {2, 4, 6, 6}, {4, 4, 6, 6}};
  auto engine = build(model, config);
  ASSERT_TRUE(engine);
  auto ctx = engine->create_context();
  ASSERT_TRUE(ctx->set_input_shape("x", {3, 4, 6, 6}).is_ok());
  ASSERT_TRUE(ctx->bind("x", random_tensor({2, 4, 6, 6}, 1)).is_ok());
  Status s = ctx->run();
  ASSERT_FALSE(s.is_ok());
  EXPECT_NE(s.message().find("but its shape was set to [3,4,6,6]"), std::string::npos) << s.to_string();
  ASSERT_TRUE(ctx->bind("x", random_tensor({3, 4, 6, 6}, 1)).is_ok());
  EXPECT_TRUE(ctx->run().is_ok());
  EXPECT_EQ(ctx->outputs()[0].tensor.shape(), (Shape{3, 8 * 36}));
}

TEST(Runtime, PlansWithUnknownTacticsAreRefusedNamingTheLayers) {
  auto plan = build_plan(import(branchy_model()), {});
  ASSERT_TRUE(plan.is_ok());
  plan->layers[1].tactic = "cpu.no_such_kernel";
  auto engine = Engine::from_plan(std::move(plan).value());
  ASSERT_FALSE(engine.is_ok());
  EXPECT_EQ(engine.status().code(), StatusCode::NotFound);
  EXPECT_NE(engine.status().message().find("(cpu.no_such_kernel)"), std::string::npos) << engine.status().to_string();
}

TEST(Builder, RejectsShapesForUnknownInputsAndContradictions) {
  BuildConfig config;
  config.input_shapes["images"] = ShapeRange::fixed({1, 4, 6, 6});
  auto r = build_plan(import(branchy_model()), config);
  ASSERT_FALSE(r.is_ok());
  EXPECT_NE(r.status().message().find("(inputs: 'x')"), std::string::npos) << r.status().to_string();
  BuildConfig c2;
  c2.input_shapes["x"] = ShapeRange::fixed({1, 4, 6, 8});
  auto r2 = build_plan(import(branchy_model()), c2);
  ASSERT_FALSE(r2.is_ok());
  EXPECT_NE(r2.status().message().find("fixed to 6 by the model"), std::string::npos) << r2.status().to_string();
}

TEST(Builder, RefusesToTargetFeaturesThisMachineLacksAndContextsTakeThreadCounts) {
  CpuFeatures more = CpuFeatures::host();
  more.avx512_fp16 = more.avx_vnni = more.avx512_bf16 = more.avx512_vnni = more.avx512f = true;
  BuildConfig config;
  config.cpu = &more;
  auto r = build_plan(import(branchy_model()), config);
  if (CpuFeatures::host().missing(more.names()).empty()) GTEST_SKIP() << "this CPU has every feature Hone knows";
  ASSERT_FALSE(r.is_ok());
  EXPECT_NE(r.status().message().find("cannot build for CPU features this machine lacks"), std::string::npos)
      << r.status().to_string();

  BuildConfig three;
  three.threads = 3;
  auto engine = build(branchy_model(), three);
  ASSERT_TRUE(engine);
  auto ctx = engine->create_context();
  EXPECT_EQ(ctx->threads(), 3);
  EXPECT_FALSE(ctx->set_threads(0).is_ok());
  ASSERT_TRUE(ctx->set_threads(1).is_ok());
  EXPECT_EQ(ctx->threads(), 1);
  EXPECT_TRUE(ctx->run({Datum::of(random_tensor({1, 4, 6, 6}, 3))}).is_ok());
}

TEST(Builder, ParsesShapeSpecs) {
  auto r = parse_shape_spec("images:1x3x640x640,mask:1x8-4x8");
  ASSERT_TRUE(r.is_ok()) << r.status().to_string();
  EXPECT_EQ(r->at("images").opt, (Shape{1, 3, 640, 640}));
  EXPECT_EQ(r->at("mask").min, (Shape{1, 8}));
  EXPECT_EQ(r->at("mask").max, (Shape{4, 8}));
  EXPECT_FALSE(parse_shape_spec("images").is_ok());
  EXPECT_FALSE(parse_shape_spec("images:1xax3").is_ok());
  EXPECT_FALSE(parse_shape_spec("images:1x3-4").is_ok());
}

TEST(Builder, ReportsMemoryAndLayers) {
  // With only the reference kernels allowed, on a baseline CPU, the weights are the model's.
  const CpuFeatures baseline = cpu::features_of(cpu::CpuIsa::Baseline);
  BuildConfig config;
  config.cpu = &baseline;
  config.tactics = {"ref"};
  auto plan = build_plan(import(branchy_model()), config);
  ASSERT_TRUE(plan.is_ok()) << plan.status().to_string();
  EXPECT_EQ(plan->layers.size(), plan->graph->nodes().size());
  for (const auto& l : plan->layers) EXPECT_EQ(l.tactic, "ref");
  EXPECT_TRUE(plan->required_isa.empty());

  // A baseline CPU with every tactic allowed needs no instruction set beyond x86-64.
  BuildConfig portable;
  portable.cpu = &baseline;
  auto base = build_plan(import(branchy_model()), portable);
  ASSERT_TRUE(base.is_ok()) << base.status().to_string();
  EXPECT_TRUE(base->required_isa.empty());
  // Weights: 8*4*9 + 8 + 3*8 + 5*8*9 floats, plus the int64 shape.
  EXPECT_EQ(plan->memory.weight_bytes, (8 * 4 * 9 + 8 + 3 * 8 + 5 * 8 * 9) * 4u + 16u);

  // On this CPU the convolutions get a fast tactic, whose packed weights count too.
  if (!cpu::has_isa(CpuFeatures::host(), cpu::CpuIsa::Avx2)) GTEST_SKIP() << "no AVX2 on this CPU";
  auto fast = build_plan(import(branchy_model()), {});
  ASSERT_TRUE(fast.is_ok()) << fast.status().to_string();
  size_t fast_layers = 0;
  uint64_t packed = 0;
  for (const auto& l : fast->layers) {
    fast_layers += l.tactic != "ref";
    for (const Tensor& t : l.packed) packed += t.nbytes();
  }
  EXPECT_GE(fast_layers, 3u);
  EXPECT_FALSE(fast->required_isa.empty());
  EXPECT_GE(fast->memory.weight_bytes, plan->memory.weight_bytes + packed - 16u);
}

TEST(Builder, ResNet50ArenaIsAtMostFortyPercentOfAllActivations) {
  const std::string path = std::string(HONE_SHARED_DIR) + "/onnx-backend-tests/light/light_resnet50.onnx";
  if (!std::filesystem::exists(path)) GTEST_SKIP() << "shared model not found: " << path;
  auto g = onnx_import::import_file(path);
  ASSERT_TRUE(g.is_ok()) << g.status().to_string();
  auto plan = build_plan(std::move(g).value(), {});
  ASSERT_TRUE(plan.is_ok()) << plan.status().to_string();
  const engine::MemorySummary& m = plan->memory;
  EXPECT_GT(m.activation_bytes, 0u);
  EXPECT_LE(static_cast<double>(m.arena_bytes), 0.4 * static_cast<double>(m.activation_bytes))
      << "arena " << m.arena_bytes << " B, all activations " << m.activation_bytes << " B";
}

}  // namespace
}  // namespace hone
