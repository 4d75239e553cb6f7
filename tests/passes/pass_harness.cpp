// Pass-test harness (pass_harness.hpp).
#include "passes/pass_harness.hpp"

#include <random>

#include "import/onnx/onnx_importer.hpp"
#include "runtime/compare.hpp"
#include "runtime/reference_executor.hpp"

namespace hone::testing {

PassRun run_pass(const std::string& model, passes::Pass& pass) {
  PassRun run;
  auto a = onnx_import::import_bytes(model.data(), model.size(), ".");
  auto b = onnx_import::import_bytes(model.data(), model.size(), ".");
  EXPECT_TRUE(a.is_ok()) << a.status().to_string();
  if (!a.is_ok() || !b.is_ok()) return run;
  run.before = std::move(a).value();
  run.after = std::move(b).value();
  auto r = pass.run(*run.after);
  EXPECT_TRUE(r.is_ok()) << "pass '" << pass.name() << "': " << r.status().to_string();
  if (!r.is_ok()) return {};
  run.rewrites = *r;
  Status s = run.after->topological_sort();
  if (s.is_ok()) s = ir::verify_graph(*run.after);
  EXPECT_TRUE(s.is_ok()) << "pass '" << pass.name() << "' left an invalid graph: " << s.to_string() << "\n"
                         << ir::print_graph(*run.after);
  if (!s.is_ok()) return {};
  return run;
}

namespace {

Tensor random_input(const ir::Value& v, std::mt19937_64& rng) {
  Shape shape;
  for (const ir::Dim& d : v.type().shape.dims) shape.push_back(d.is_known() ? d.value : 2);
  Tensor t = Tensor::zeros(v.type().dtype, shape);
  std::uniform_real_distribution<float> real(-1.0f, 1.0f);
  std::uniform_int_distribution<int> small(0, 3);
  for (int64_t i = 0; i < t.numel(); ++i) {
    switch (t.dtype()) {
      case DataType::Float: t.data<float>()[i] = real(rng); break;
      case DataType::Double: t.data<double>()[i] = real(rng); break;
      case DataType::Int64: t.data<int64_t>()[i] = small(rng); break;
      case DataType::Int32: t.data<int32_t>()[i] = small(rng); break;
      case DataType::Bool: t.data<bool>()[i] = small(rng) % 2; break;
      default: break;  // zeros
    }
  }
  return t;
}

}  // namespace

::testing::AssertionResult same_outputs(const PassRun& run, uint64_t seed, double rtol, double atol) {
  if (!run.before || !run.after) return ::testing::AssertionFailure() << "the pass did not run";
  std::mt19937_64 rng(seed);
  std::vector<Datum> feeds;
  for (const ir::Value* v : run.before->runtime_inputs()) feeds.push_back(Datum::of(random_input(*v, rng)));
  auto want = runtime::ReferenceExecutor(*run.before).run(feeds);
  if (!want.is_ok()) return ::testing::AssertionFailure() << "unoptimized graph: " << want.status().to_string();
  auto got = runtime::ReferenceExecutor(*run.after).run(feeds);
  if (!got.is_ok()) return ::testing::AssertionFailure() << "optimized graph: " << got.status().to_string();
  if (got->size() != want->size()) return ::testing::AssertionFailure() << "output counts differ";
  for (size_t i = 0; i < got->size(); ++i) {
    Status s = runtime::compare_datum((*got)[i], (*want)[i], runtime::Tolerance{rtol, atol});
    if (!s.is_ok()) {
      return ::testing::AssertionFailure() << "output " << i << " (seed " << seed << "): " << s.to_string();
    }
  }
  return ::testing::AssertionSuccess();
}

size_t count_nodes(const ir::Graph& g, std::string_view op_type) {
  size_t n = 0;
  for (const auto& node : g.nodes()) n += op_type.empty() || node->op_type() == op_type;
  return n;
}

const ir::Node* find_node(const ir::Graph& g, std::string_view op_type) {
  for (const auto& node : g.nodes()) {
    if (node->op_type() == op_type) return node.get();
  }
  return nullptr;
}

}  // namespace hone::testing
