// The CUDA test harness (cuda_harness.hpp).
#include "cuda_harness.hpp"

#include "core/check.hpp"
#include "hone/builder.hpp"
#include "hone/engine.hpp"

namespace hone::cuda::testing {

const Backend& cuda() {
  auto b = find_backend("cuda");
  HONE_CHECK(b.is_ok());  // test_cuda exists only in builds with the CUDA backend
  return **b;
}

Status device_status() { return cuda().check_available(); }

void expect_matches_reference(const LayerCase& c, const std::string& tactic_prefix, const Tolerance& tol,
                              const std::vector<std::string>& tactics) {
  SCOPED_TRACE(cpu::testing::describe(c));
  auto layer = cpu::testing::build_layer(c);
  ASSERT_TRUE(layer.is_ok()) << layer.status().to_string();
  auto want = cpu::testing::reference_outputs(*layer, c);
  ASSERT_TRUE(want.is_ok()) << want.status().to_string();
  // The runtime inputs, in graph order (constants stay in the graph as weights).
  std::vector<Datum> feeds;
  for (const ir::Value* v : layer->graph->runtime_inputs()) {
    const size_t i = static_cast<size_t>(std::stoi(v->name().substr(1)));  // "x<i>"
    feeds.push_back(Datum::of(c.inputs[i]));
  }
  BuildConfig config;
  config.device = "cuda";
  config.optimize = false;
  config.tactics = tactics;
  auto plan = build_plan(std::move(layer->graph), config);
  ASSERT_TRUE(plan.is_ok()) << plan.status().to_string();
  ASSERT_EQ(plan->layers.size(), 1u);
  const std::string chosen = plan->layers[0].tactic;
  EXPECT_EQ(chosen.rfind(tactic_prefix, 0), 0u) << "tactic " << chosen << ", expected " << tactic_prefix;
  auto engine = Engine::from_plan(std::move(plan).value());
  ASSERT_TRUE(engine.is_ok()) << engine.status().to_string();
  auto ctx = (*engine)->create_context();
  auto got = ctx->run(feeds);
  ASSERT_TRUE(got.is_ok()) << chosen << ": " << got.status().to_string();
  ASSERT_EQ(got->size(), want->size());
  for (size_t o = 0; o < want->size(); ++o) {
    if (!(*want)[o].defined()) continue;
    EXPECT_TRUE(cpu::testing::outputs_match((*got)[o].tensor, (*want)[o], tol)) << chosen << ", output " << o;
  }
}

Tensor to_device(const Tensor& host) {
  auto stream = cuda().create_stream();
  HONE_CHECK(stream.is_ok());
  auto mem = cuda().allocate(host.nbytes(), nullptr);
  HONE_CHECK(mem.is_ok());
  HONE_CHECK(cuda().copy(mem->raw(), host.raw(), host.nbytes(), **stream).is_ok());
  HONE_CHECK((*stream)->synchronize().is_ok());
  return Tensor::wrap_device(host.dtype(), host.shape(), mem->raw(), std::make_shared<Tensor>(*mem));
}

Tensor to_host(const Tensor& device) {
  Tensor host = Tensor::zeros(device.dtype(), device.shape());
  auto stream = cuda().create_stream();
  HONE_CHECK(stream.is_ok());
  HONE_CHECK(cuda().copy(host.raw(), device.raw(), host.nbytes(), **stream).is_ok());
  HONE_CHECK((*stream)->synchronize().is_ok());
  return host;
}

}  // namespace hone::cuda::testing
