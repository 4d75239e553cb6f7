// The engine verbs at their boundary: `hone build` -> `inspect` / `bench` / `run` on the engine
// file, fused layer names, the JSON reports, and one-line errors for corrupt, truncated,
// wrong-version and wrong-CPU engine files, shapes outside a profile and unknown flags.
#include <nlohmann/json.hpp>
#include <random>

#include "cli/cli_fixture.hpp"
#include "engine/engine_file.hpp"
#include "hone/builder.hpp"
#include "import/onnx/onnx_importer.hpp"
#include "runtime/compare.hpp"

namespace hone {
namespace {

Tensor random_tensor(const Shape& shape, uint32_t seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> dist(-1.0f, 1.0f);
  Tensor t = Tensor::zeros(DataType::Float, shape);
  for (int64_t i = 0; i < t.numel(); ++i) t.data<float>()[i] = dist(rng);
  return t;
}

// GoogLeNet's first layers with the Caffe names the specification's profile shows:
// x[batch,3,16,16] -> conv1/7x7_s2 -> conv1/relu_7x7 -> pool1/3x3_s2 -> y. A negative batch
// makes it symbolic.
std::string googlenet_stem(int64_t batch = 1) {
  onnx_import::ModelBuilder b(17);
  b.input("x", DataType::Float, {batch, 3, 16, 16});
  b.initializer("w", random_tensor({8, 3, 7, 7}, 1));
  b.initializer("b", random_tensor({8}, 2));
  b.node("Conv", {"x", "w", "b"}, {"c"}, "conv1/7x7_s2",
         {{"strides", ir::Attribute::of_ints({2, 2})}, {"pads", ir::Attribute::of_ints({3, 3, 3, 3})}});
  b.node("Relu", {"c"}, {"r"}, "conv1/relu_7x7");
  b.node("MaxPool", {"r"}, {"y"}, "pool1/3x3_s2",
         {{"kernel_shape", ir::Attribute::of_ints({3, 3})}, {"strides", ir::Attribute::of_ints({2, 2})}});
  b.output("y", DataType::Float, {batch, 8, 3, 3});
  return b.serialize();
}

class CliEngine : public Cli {
 protected:
  // Builds googlenet_stem() into an engine file and returns its path (plain layout unless
  // `extra` says otherwise, so the layer list is the fused graph's).
  fs::path built_engine(const std::string& extra = "--channel-block 0") {
    const fs::path model = write_model(googlenet_stem(), "stem.onnx");
    const fs::path engine = dir_ / "stem.hone";
    auto r = hone("build " + model.string() + " -o " + engine.string() + " " + extra);
    EXPECT_EQ(r.code, 0) << r.err;
    return engine;
  }
  static std::string read_bytes(const fs::path& p) { return slurp_binary(p); }
  static std::string slurp_binary(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
  }
  void write_bytes(const fs::path& p, const std::string& bytes) { std::ofstream(p, std::ios::binary) << bytes; }
};

TEST_F(CliEngine, BuildThenInspectShowsFusedLayerNames) {
  const fs::path engine = built_engine();
  auto r = hone("inspect " + engine.string());
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("conv1/7x7_s2 + conv1/relu_7x7"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("op FusedConv"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("activation='Relu'"), std::string::npos) << r.out;
  // A fast tactic won (every CPU gets at least the portable ones), not the reference kernel.
  EXPECT_NE(r.out.find("tactic cpu."), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("memory: activation arena"), std::string::npos) << r.out;

  auto j = hone("inspect " + engine.string() + " --json");
  ASSERT_EQ(j.code, 0) << j.err;
  const nlohmann::json report = nlohmann::json::parse(j.out);
  ASSERT_EQ(report["layers"].size(), 2u);
  EXPECT_EQ(report["layers"][0]["fused"], (nlohmann::json{"conv1/7x7_s2", "conv1/relu_7x7"}));
  EXPECT_EQ(report["layers"][0]["op"], "FusedConv");
  EXPECT_EQ(report["layers"][0]["inputs"][0], "float[1,3,16,16]");
  EXPECT_EQ(report["layers"][0]["output_bytes"], 8 * 8 * 8 * 4);
  EXPECT_GT(report["memory"]["weight_bytes"].get<uint64_t>(), 8u * 3 * 49 * 4);
  EXPECT_TRUE(report.contains("load_ms"));
}

TEST_F(CliEngine, BlockedLayoutShowsInTheLayers) {
  const fs::path engine = built_engine("--channel-block 8");
  auto j = hone("inspect " + engine.string() + " --json");
  ASSERT_EQ(j.code, 0) << j.err;
  const nlohmann::json report = nlohmann::json::parse(j.out);
  ASSERT_EQ(report["layers"].size(), 3u) << j.out;
  EXPECT_EQ(report["layers"][0]["op"], "FusedConvBlocked");
  EXPECT_EQ(report["layers"][0]["outputs"][0], "float[1,1,8,8,8]");
  EXPECT_EQ(report["layers"][1]["op"], "MaxPool");
  EXPECT_EQ(report["layers"][2]["op"], "ReorderFromBlocked");
  EXPECT_EQ(report["layers"][2]["outputs"][0], "float[1,8,3,3]");
  EXPECT_EQ(report["build_options"]["channel block"], "8");
}

TEST_F(CliEngine, BenchReportsLatencyProfileAndJson) {
  const fs::path engine = built_engine();
  const fs::path json = dir_ / "bench.json";
  auto r = hone("bench " + engine.string() + " --warmup 1 --iterations 20 --profile --json " + json.string());
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("latency (ms): min"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("throughput:"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("conv1/7x7_s2 + conv1/relu_7x7"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("Time over all layers"), std::string::npos) << r.out;
  const nlohmann::json report = nlohmann::json::parse(slurp(json));
  EXPECT_EQ(report["iterations"], 20);
  EXPECT_EQ(report["latencies_ms"].size(), 20u);
  const auto& lat = report["latency_ms"];
  EXPECT_LE(lat["min"].get<double>(), lat["median"].get<double>());
  EXPECT_LE(lat["median"].get<double>(), lat["p90"].get<double>());
  EXPECT_LE(lat["p99"].get<double>(), lat["max"].get<double>());
  EXPECT_EQ(report["profile"]["layers"].size(), 2u);
  EXPECT_GT(report["peak_rss_bytes"].get<uint64_t>(), 0u);
  // Async with two requests also completes every run.
  auto a = hone("bench " + engine.string() + " --async --requests 2 --iterations 12 --json " + json.string());
  ASSERT_EQ(a.code, 0) << a.err;
  EXPECT_EQ(nlohmann::json::parse(slurp(json))["iterations"], 12);
}

TEST_F(CliEngine, RunOnTheEngineMatchesTheReference) {
  const fs::path engine = built_engine();
  Tensor x = random_tensor({1, 3, 16, 16}, 3);
  const fs::path in = write_tensor(x, "x.pb");
  ASSERT_EQ(hone("run " + engine.string() + " -i " + in.string() + " -o " + (dir_ / "e").string()).code, 0);
  ASSERT_EQ(hone("run --reference " + (dir_ / "stem.onnx").string() + " -i " + in.string() + " -o " +
                 (dir_ / "r").string())
                .code,
            0);
  ir::Type t = ir::Type::tensor(DataType::Float, ir::TensorShape::of({1, 8, 3, 3}));
  auto got = onnx_import::read_datum_file(dir_ / "e" / "output_0.pb", t);
  auto want = onnx_import::read_datum_file(dir_ / "r" / "output_0.pb", t);
  ASSERT_TRUE(got.is_ok() && want.is_ok());
  Status s = runtime::compare_datum(*got, *want, runtime::Tolerance{1e-4, 1e-5});
  EXPECT_TRUE(s.is_ok()) << s.to_string();
}

TEST_F(CliEngine, CorruptTruncatedAndForeignFilesAreOneLineErrors) {
  const fs::path engine = built_engine();
  const std::string bytes = read_bytes(engine);
  const fs::path bad = dir_ / "bad.hone";

  std::string flipped = bytes;
  flipped[bytes.size() / 2] = static_cast<char>(flipped[bytes.size() / 2] ^ 0x40);
  write_bytes(bad, flipped);
  expect_one_line_error(hone("run " + bad.string()), "checksum");

  write_bytes(bad, bytes.substr(0, bytes.size() - 100));
  expect_one_line_error(hone("inspect " + bad.string()), "truncated");

  write_bytes(bad, googlenet_stem());  // an ONNX model under an engine's name
  expect_one_line_error(hone("bench " + bad.string()), "not a Hone engine file");

  std::string version = bytes;
  version[8] = 7;  // format_version (u32 at offset 8)
  write_bytes(bad, version);
  expect_one_line_error(hone("run " + bad.string()), "version");

  // Many cuts and flips of the real file: always an error message, never a crash.
  std::mt19937 rng(42);
  for (int i = 0; i < 24; ++i) {
    std::string damaged = bytes;
    if (i % 2 == 0) {
      damaged.resize(std::uniform_int_distribution<size_t>(0, bytes.size() - 1)(rng));
    } else {
      const size_t at = std::uniform_int_distribution<size_t>(0, bytes.size() - 1)(rng);
      damaged[at] = static_cast<char>(damaged[at] ^ (1 << (i % 8)));
    }
    write_bytes(bad, damaged);
    auto r = hone("inspect " + bad.string());
    EXPECT_EQ(r.code, 1) << "damage " << i << ": " << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
  }
}

TEST_F(CliEngine, EngineNeedingAMissingCpuFeatureIsRefused) {
  auto g = onnx_import::import_bytes(googlenet_stem().data(), googlenet_stem().size(), ".");
  ASSERT_TRUE(g.is_ok());
  auto plan = build_plan(std::move(g).value(), {});
  ASSERT_TRUE(plan.is_ok());
  plan->required_isa = {"avx512f", "no_such_isa_extension"};
  const fs::path path = dir_ / "future.hone";
  ASSERT_TRUE(engine::save_plan(*plan, path.string()).is_ok());
  expect_one_line_error(hone("run " + path.string()), "no_such_isa_extension");
}

TEST_F(CliEngine, ShapesOutsideTheProfileAreRefused) {
  const fs::path model = write_model(googlenet_stem(-1), "dyn.onnx");
  const fs::path engine = dir_ / "dyn.hone";
  auto b = hone("build " + model.string() + " -o " + engine.string() + " --shapes x:1x3x16x16-2x3x16x16");
  ASSERT_EQ(b.code, 0) << b.err;
  EXPECT_EQ(hone("bench " + engine.string() + " --iterations 2 --shapes x:2x3x16x16").code, 0);
  expect_one_line_error(hone("bench " + engine.string() + " --iterations 2 --shapes x:4x3x16x16"),
                        "outside the engine's profile [1,3,16,16] to [2,3,16,16]");
  expect_one_line_error(hone("run " + engine.string() + " --shapes x:1x3x16x17"), "fixed to 16");
  // A profile that contradicts the model is refused at build time.
  expect_one_line_error(hone("build " + model.string() + " -o " + engine.string() + " --shapes x:1x4x16x16"),
                        "fixed to 3 by the model");
}

TEST_F(CliEngine, BadCommandLinesAreOneLineErrors) {
  const fs::path model = write_model(googlenet_stem(), "stem.onnx");
  expect_one_line_error(hone("build " + model.string()), "--output is required");
  expect_one_line_error(hone("build " + model.string() + " -o x.hone --frobnicate"), "frobnicate");
  expect_one_line_error(hone("bench " + model.string() + " --iterations 1 --duration 2"), "excludes");
  expect_one_line_error(hone("inspect " + model.string() + " --bogus"), "bogus");
  expect_one_line_error(hone("bench " + model.string() + " --sync --async"), "exclude each other");
  expect_one_line_error(hone("build " + model.string() + " -o x.hone --shapes x:1xAx16x16"), "not a dimension");
  expect_one_line_error(hone("build " + model.string() + " -o x.hone --disable-pass no_such_pass"),
                        "unknown pass name(s): no_such_pass");
  expect_one_line_error(hone("build " + (dir_ / "missing.onnx").string() + " -o x.hone"), "missing.onnx");
  expect_one_line_error(hone("inspect " + (dir_ / "missing.hone").string()), "missing.hone");
  for (const std::string verb : {"build", "bench", "inspect", "run", "conformance", "ops"}) {
    auto h = hone(verb + " --help");
    EXPECT_EQ(h.code, 0) << verb;
    EXPECT_NE(h.out.find("Usage"), std::string::npos) << verb;
  }
}

}  // namespace
}  // namespace hone
