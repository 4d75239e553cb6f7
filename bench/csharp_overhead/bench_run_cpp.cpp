// bench_run_cpp.cpp: the per-call cost of hone::ExecutionContext::run() (the C++ API) on a
// tiny model, the reference CsharpOverhead.cs's overhead is measured against.
// Usage: bench_run_cpp MODEL [CALLS]  (MODEL: ONNX or engine, float inputs of static shape,
// built with 1 thread). Prints the median over 9 batches of the mean µs per call.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "hone/builder.hpp"
#include "hone/engine.hpp"
#include "import/onnx/onnx_importer.hpp"

namespace {

using namespace hone;

Result<std::shared_ptr<const Engine>> open(const std::string& model) {
  if (model.size() < 5 || model.substr(model.size() - 5) != ".onnx") return Engine::load(model);
  HONE_ASSIGN_OR_RETURN(auto graph, onnx_import::import_file(model));
  BuildConfig config;
  config.threads = 1;
  HONE_ASSIGN_OR_RETURN(engine::Plan plan, build_plan(std::move(graph), config));
  return Engine::from_plan(std::move(plan));
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: bench_run_cpp MODEL [CALLS]\n");
    return 2;
  }
  const int calls = argc > 2 ? std::atoi(argv[2]) : 20000;
  auto engine = open(argv[1]);
  if (!engine.is_ok()) {
    std::fprintf(stderr, "%s\n", engine.status().to_string().c_str());
    return 1;
  }
  auto context = (*engine)->create_context();
  std::vector<Tensor> inputs;
  for (const TensorDesc& d : (*engine)->inputs()) {
    inputs.push_back(Tensor::zeros(DataType::Float, d.shape));
    const Status s = context->bind(d.name, inputs.back());
    if (!s.is_ok()) {
      std::fprintf(stderr, "%s\n", s.to_string().c_str());
      return 1;
    }
  }
  using Clock = std::chrono::steady_clock;
  for (int i = 0; i < calls / 4; ++i) (void)context->run();
  std::vector<double> means;
  for (int batch = 0; batch < 9; ++batch) {
    const auto start = Clock::now();
    for (int i = 0; i < calls; ++i) {
      if (!context->run().is_ok()) return 1;
    }
    means.push_back(std::chrono::duration<double, std::micro>(Clock::now() - start).count() / calls);
  }
  std::sort(means.begin(), means.end());
  std::printf("%-46s %8.3f us per call (median of 9 x %d calls; min %.3f)\n", "C++ ExecutionContext::run()", means[4], calls,
              means[0]);
  return 0;
}
