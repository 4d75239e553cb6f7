// Helpers shared by the cleanup-pass tests (identity elimination, constant folding, dead code,
// common subexpressions): small constants, and models with subgraphs built directly as IR
// (ModelBuilder writes no graph attributes) run through a pass like run_pass() does.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "core/tensor.hpp"
#include "ir/graph.hpp"
#include "passes/cleanup_helpers.hpp"
#include "passes/pass.hpp"
#include "passes/pass_harness.hpp"
#include "runtime/compare.hpp"
#include "runtime/reference_executor.hpp"

namespace hone::testing {

/// A 1-D int64 tensor (shapes, axes, pads, starts...).
inline Tensor int64s(const std::vector<int64_t>& values) {
  return Tensor::from_vector(DataType::Int64, {static_cast<int64_t>(values.size())}, values);
}

/// A float tensor of `shape` with values uniform in [-1, 1) drawn from `seed`.
inline Tensor random_floats(const Shape& shape, uint64_t seed) {
  Tensor t = Tensor::zeros(DataType::Float, shape);
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<float> real(-1.0f, 1.0f);
  for (int64_t i = 0; i < t.numel(); ++i) t.data<float>()[i] = real(rng);
  return t;
}

/// The names of the graph's outputs, in order.
inline std::vector<std::string> output_names(const ir::Graph& g) {
  std::vector<std::string> names;
  for (const ir::Value* v : g.outputs()) names.push_back(v->name());
  return names;
}

/// Whether the pass kept the graph outputs' names (what a caller binds).
inline ::testing::AssertionResult same_output_names(const PassRun& run) {
  if (!run.before || !run.after) return ::testing::AssertionFailure() << "the pass did not run";
  const std::vector<std::string> before = output_names(*run.before), after = output_names(*run.after);
  if (before == after) return ::testing::AssertionSuccess();
  auto join = [](const std::vector<std::string>& v) {
    std::string s;
    for (const std::string& n : v) s += (s.empty() ? "" : ", ") + n;
    return s;
  };
  return ::testing::AssertionFailure() << "graph outputs were [" << join(before) << "], now [" << join(after) << "]";
}

/// Every constant value of `g` is typed exactly as its tensor (folded values included).
inline ::testing::AssertionResult constants_typed_as_values(const ir::Graph& g) {
  for (const auto& v : g.values()) {
    if (!v->is_constant()) continue;
    const ir::Type want = ir::Type::tensor(v->constant().dtype(), ir::TensorShape::of(v->constant().shape()));
    if (!passes::same_type(v->type(), want)) {
      return ::testing::AssertionFailure() << "constant '" << v->name() << "' is typed " << v->type().to_string()
                                           << " but holds " << want.to_string();
    }
  }
  return ::testing::AssertionSuccess();
}

/// The operator kind of a default-domain op type.
inline ir::OpKind kind_of(const char* op) {
  ir::OpKind k{};
  EXPECT_TRUE(ir::find_op_kind("", op, &k)) << op;
  return k;
}

/// Adds node `op` (opset 17) to `g`, reading `inputs`, writing a new value named `out`.
inline ir::Value* add_ir_node(ir::Graph& g, const char* op, std::vector<ir::Value*> inputs, const std::string& out,
                              ir::Attributes attrs = {}) {
  ir::Value* v = g.add_value(out);
  g.add_node(kind_of(op), op, "", out + "_node", 17, std::move(inputs), {v}, std::move(attrs));
  return v;
}

/// Builds a graph twice with `build` and runs `pass` on the second copy, then sorts and
/// verifies it (run_pass() for models built as IR).
inline PassRun run_pass_on_ir(const std::function<std::unique_ptr<ir::Graph>()>& build, passes::Pass& pass) {
  PassRun run;
  run.before = build();
  run.after = build();
  auto r = pass.run(*run.after);
  EXPECT_TRUE(r.is_ok()) << r.status().to_string();
  if (!r.is_ok()) return {};
  run.rewrites = *r;
  Status s = run.after->topological_sort();
  if (s.is_ok()) s = ir::verify_graph(*run.after);
  EXPECT_TRUE(s.is_ok()) << s.to_string() << "\n" << ir::print_graph(*run.after);
  if (!s.is_ok()) return {};
  return run;
}

/// Runs both graphs of `run` on `feeds` and compares every output exactly.
inline ::testing::AssertionResult same_outputs_on(const PassRun& run, const std::vector<Datum>& feeds) {
  if (!run.before || !run.after) return ::testing::AssertionFailure() << "the pass did not run";
  auto want = runtime::ReferenceExecutor(*run.before).run(feeds);
  if (!want.is_ok()) return ::testing::AssertionFailure() << "unoptimized graph: " << want.status().to_string();
  auto got = runtime::ReferenceExecutor(*run.after).run(feeds);
  if (!got.is_ok()) return ::testing::AssertionFailure() << "optimized graph: " << got.status().to_string();
  if (got->size() != want->size()) return ::testing::AssertionFailure() << "output counts differ";
  for (size_t i = 0; i < got->size(); ++i) {
    Status s = runtime::compare_datum((*got)[i], (*want)[i], runtime::Tolerance{0, 0});
    if (!s.is_ok()) return ::testing::AssertionFailure() << "output " << i << ": " << s.to_string();
  }
  return ::testing::AssertionSuccess();
}

/// Feeds (cond, x) for the If models of these tests.
inline std::vector<Datum> cond_and(bool cond, const Tensor& x) {
  return {Datum::of(Tensor::from_vector<bool>(DataType::Bool, {}, {cond})), Datum::of(x)};
}

}  // namespace hone::testing
