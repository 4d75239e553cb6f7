// The auto-tuner and its timing cache: with two tactics of different speed the faster one
// wins, timings are recorded fastest first, a cache makes the second choice measure nothing,
// the workspace limit and --tactics restrict the candidates, untimeable layers keep the
// backend's order, and cache files round-trip and reject garbage.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>

#include "import/onnx/model_builder.hpp"
#include "import/onnx/onnx_importer.hpp"
#include "ops/shape_inference.hpp"
#include "tune/tuner.hpp"

namespace hone {
namespace {

// A tactic computing the reference result, optionally wasting `delay` per run; counts runs.
class CountingTactic final : public Tactic {
 public:
  CountingTactic(std::string id, std::chrono::microseconds delay, size_t workspace = 0)
      : id_(std::move(id)), delay_(delay), workspace_(workspace) {}
  std::string_view id() const override { return id_; }
  bool supports(const LayerDesc& l, const CpuFeatures&) const override { return l.node->op_type() == "Relu"; }
  size_t workspace_bytes(const LayerDesc&) const override { return workspace_; }
  Status run(const LayerRun& run) const override {
    ++runs;
    const auto until = std::chrono::steady_clock::now() + delay_;
    while (std::chrono::steady_clock::now() < until) {
    }
    return ops::op_def(run.kernel.node().kind()).run(run.kernel);
  }
  mutable std::atomic<int> runs{0};

 private:
  std::string id_;
  std::chrono::microseconds delay_;
  size_t workspace_;
};

class TwoTacticBackend final : public Backend {
 public:
  std::string_view device() const override { return "test"; }
  std::vector<const Tactic*> tactics() const override { return {&slow, &fast}; }
  CountingTactic slow{"test.slow", std::chrono::microseconds(2000)};
  CountingTactic fast{"test.fast", std::chrono::microseconds(0), 1 << 20};
};

struct Layer {
  std::unique_ptr<ir::Graph> graph;
  LayerDesc desc;
};

// y = Relu(x) with x of `dims` (negative: symbolic).
Layer relu_layer(std::vector<int64_t> dims) {
  onnx_import::ModelBuilder b;
  b.input("x", DataType::Float, dims);
  b.node("Relu", {"x"}, {"y"}, "relu");
  b.output("y");
  const std::string bytes = b.serialize();
  auto g = onnx_import::import_bytes(bytes.data(), bytes.size(), ".");
  EXPECT_TRUE(g.is_ok()) << g.status().to_string();
  Layer l;
  l.graph = std::move(g).value();
  l.desc = LayerDesc::of(*l.graph->nodes()[0], {}, DataType::Float);
  return l;
}

TEST(Tuner, PicksTheFasterTacticAndRecordsTimingsFastestFirst) {
  TwoTacticBackend backend;
  Layer l = relu_layer({1, 64, 32, 32});
  tune::TuneOptions opt;
  opt.iterations = 3;
  auto choice = tune::choose_tactic(backend, l.desc, CpuFeatures::host(), opt, nullptr);
  ASSERT_TRUE(choice.is_ok()) << choice.status().to_string();
  EXPECT_EQ(choice->tactic, &backend.fast);
  ASSERT_EQ(choice->timings.size(), 2u);
  EXPECT_EQ(choice->timings[0].tactic, "test.fast");
  EXPECT_EQ(choice->timings[1].tactic, "test.slow");
  EXPECT_LT(choice->timings[0].ms, choice->timings[1].ms);
  EXPECT_GE(choice->timings[1].ms, 2.0);
  EXPECT_EQ(backend.slow.runs, 4);  // one warm-up + three timed
  EXPECT_FALSE(choice->from_cache);
}

TEST(Tuner, TimingCacheSkipsMeasurementOnTheSecondChoice) {
  TwoTacticBackend backend;
  Layer l = relu_layer({1, 8, 16, 16});
  tune::TimingCache cache("test cpu");
  tune::TuneOptions opt;
  auto first = tune::choose_tactic(backend, l.desc, CpuFeatures::host(), opt, &cache);
  ASSERT_TRUE(first.is_ok());
  EXPECT_EQ(cache.size(), 2u);
  const int runs = backend.slow.runs + backend.fast.runs;
  auto second = tune::choose_tactic(backend, l.desc, CpuFeatures::host(), opt, &cache);
  ASSERT_TRUE(second.is_ok());
  EXPECT_TRUE(second->from_cache);
  EXPECT_EQ(second->tactic, &backend.fast);
  EXPECT_EQ(backend.slow.runs + backend.fast.runs, runs) << "the cached layer was measured again";
  // Another shape is another signature: measured anew.
  Layer other = relu_layer({1, 8, 16, 17});
  EXPECT_NE(tune::layer_signature(l.desc), tune::layer_signature(other.desc));
  auto third = tune::choose_tactic(backend, other.desc, CpuFeatures::host(), opt, &cache);
  ASSERT_TRUE(third.is_ok());
  EXPECT_FALSE(third->from_cache);
  EXPECT_EQ(cache.size(), 4u);
}

TEST(Tuner, WorkspaceLimitAndAllowedTacticsRestrictTheChoice) {
  TwoTacticBackend backend;
  Layer l = relu_layer({1, 4, 8, 8});
  tune::TuneOptions opt;
  opt.workspace_limit = 1024;  // test.fast needs 1 MiB
  auto limited = tune::choose_tactic(backend, l.desc, CpuFeatures::host(), opt, nullptr);
  ASSERT_TRUE(limited.is_ok());
  EXPECT_EQ(limited->tactic, &backend.slow);
  EXPECT_TRUE(limited->timings.empty()) << "a single eligible tactic needs no timing";
  tune::TuneOptions only_slow;
  only_slow.allowed_tactics = {"test.slow"};
  auto allowed = tune::choose_tactic(backend, l.desc, CpuFeatures::host(), only_slow, nullptr);
  ASSERT_TRUE(allowed.is_ok());
  EXPECT_EQ(allowed->tactic, &backend.slow);
  tune::TuneOptions family;
  family.allowed_tactics = {"test"};  // a family prefix allows both
  auto both = tune::choose_tactic(backend, l.desc, CpuFeatures::host(), family, nullptr);
  ASSERT_TRUE(both.is_ok());
  EXPECT_EQ(both->timings.size(), 2u);
}

TEST(Tuner, TheFallbackIsNotTimedWhenAnotherTacticSupportsTheLayer) {
  class Fallback final : public Tactic {
   public:
    std::string_view id() const override { return "test.reference"; }
    bool supports(const LayerDesc&, const CpuFeatures&) const override { return true; }
    bool is_fallback() const override { return true; }
    Status run(const LayerRun& run) const override { return ops::op_def(run.kernel.node().kind()).run(run.kernel); }
  };
  class WithFallback final : public Backend {
   public:
    std::string_view device() const override { return "test"; }
    std::vector<const Tactic*> tactics() const override { return {&fast, &fallback}; }
    CountingTactic fast{"test.fast", std::chrono::microseconds(0)};
    Fallback fallback;
  };
  WithFallback backend;
  Layer relu = relu_layer({1, 4, 8, 8});
  auto choice = tune::choose_tactic(backend, relu.desc, CpuFeatures::host(), {}, nullptr);
  ASSERT_TRUE(choice.is_ok());
  EXPECT_EQ(choice->tactic, &backend.fast);
  EXPECT_TRUE(choice->timings.empty());
  // A layer only the fallback supports gets it.
  onnx_import::ModelBuilder b;
  b.input("x", DataType::Float, {2});
  b.node("Sigmoid", {"x"}, {"y"}, "sig");
  b.output("y");
  const std::string bytes = b.serialize();
  auto g = onnx_import::import_bytes(bytes.data(), bytes.size(), ".");
  ASSERT_TRUE(g.is_ok());
  auto sig = tune::choose_tactic(backend, LayerDesc::of(*(*g)->nodes()[0], {}, DataType::Float), CpuFeatures::host(), {},
                                 nullptr);
  ASSERT_TRUE(sig.is_ok());
  EXPECT_EQ(sig->tactic, &backend.fallback);
}

TEST(Tuner, AFarSlowerCandidateStopsAfterItsWarmUp) {
  TwoTacticBackend backend;  // slow: 2 ms per run, fast: ~0
  Layer l = relu_layer({1, 2, 4, 4});
  tune::TuneOptions opt;
  opt.iterations = 5;
  // Time the fast one first so the slow one is cut off.
  class FastFirst final : public Backend {
   public:
    explicit FastFirst(const TwoTacticBackend& b) : b_(b) {}
    std::string_view device() const override { return "test"; }
    std::vector<const Tactic*> tactics() const override { return {&b_.fast, &b_.slow}; }
    const TwoTacticBackend& b_;
  };
  FastFirst ordered(backend);
  auto choice = tune::choose_tactic(ordered, l.desc, CpuFeatures::host(), opt, nullptr);
  ASSERT_TRUE(choice.is_ok());
  EXPECT_EQ(choice->tactic, &backend.fast);
  EXPECT_EQ(backend.slow.runs, 1) << "only the warm-up run of the far slower tactic";
  EXPECT_EQ(choice->timings.size(), 2u);
}

TEST(Tuner, UntimeableLayersKeepTheBackendOrderAndUnsupportedLayersFail) {
  TwoTacticBackend backend;
  Layer dynamic = relu_layer({-1, 4});
  auto choice = tune::choose_tactic(backend, dynamic.desc, CpuFeatures::host(), {}, nullptr);
  ASSERT_TRUE(choice.is_ok());
  EXPECT_EQ(choice->tactic, &backend.slow);
  EXPECT_TRUE(choice->timings.empty());
  EXPECT_EQ(backend.slow.runs + backend.fast.runs, 0);

  onnx_import::ModelBuilder b;
  b.input("x", DataType::Float, {2});
  b.node("Sigmoid", {"x"}, {"y"}, "sig");
  b.output("y");
  const std::string bytes = b.serialize();
  auto g = onnx_import::import_bytes(bytes.data(), bytes.size(), ".");
  ASSERT_TRUE(g.is_ok());
  const LayerDesc sig = LayerDesc::of(*(*g)->nodes()[0], {}, DataType::Float);
  auto none = tune::choose_tactic(backend, sig, CpuFeatures::host(), {}, nullptr);
  ASSERT_FALSE(none.is_ok());
  EXPECT_EQ(none.status().code(), StatusCode::Unsupported);
}

TEST(TimingCache, RoundTripsAndDropsOtherDevices) {
  const std::filesystem::path path = std::filesystem::temp_directory_path() / "hone_timing_cache_test.json";
  std::filesystem::remove(path);
  auto empty = tune::TimingCache::load(path.string(), "cpu A");
  ASSERT_TRUE(empty.is_ok());
  EXPECT_EQ(empty->size(), 0u);
  tune::TimingCache cache("cpu A");
  cache.insert("sig1", "t1", 1.5);
  cache.insert("sig1", "t2", 0.25);
  cache.insert("sig2", "t1", 3.0);
  ASSERT_TRUE(cache.save(path.string()).is_ok());
  auto back = tune::TimingCache::load(path.string(), "cpu A");
  ASSERT_TRUE(back.is_ok()) << back.status().to_string();
  EXPECT_EQ(back->size(), 3u);
  EXPECT_EQ(back->lookup("sig1", "t2"), 0.25);
  EXPECT_FALSE(back->lookup("sig3", "t1").has_value());
  auto other = tune::TimingCache::load(path.string(), "cpu B");
  ASSERT_TRUE(other.is_ok());
  EXPECT_EQ(other->size(), 0u) << "timings of another CPU must not be used";

  for (const std::string garbage : {"not json", "[1,2]", "{\"format\": 3}", "{\"format\": \"hone-timing-cache\", \"layers\": 1}"}) {
    std::ofstream(path) << garbage;
    auto bad = tune::TimingCache::load(path.string(), "cpu A");
    ASSERT_FALSE(bad.is_ok()) << garbage;
    EXPECT_NE(bad.status().message().find("is not a Hone timing cache"), std::string::npos) << bad.status().to_string();
  }
  std::filesystem::remove(path);
}

}  // namespace
}  // namespace hone
