// Matching helpers of the pattern-collapse passes (pattern_match.hpp).
#include "passes/pattern_match.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "ops/op_def.hpp"

#include "passes/rewrite.hpp"

namespace hone::passes {

ir::Node* producer_as(const ir::Graph& g, const ir::Value* v, ir::OpKind kind) {
  if (!v || !v->producer() || v->producer()->graph() != &g || v->producer()->kind() != kind) return nullptr;
  return v->producer();
}

ir::Node* single_use_producer(const ir::Graph& g, const ir::Value* v, ir::OpKind kind) {
  ir::Node* p = producer_as(g, v, kind);
  return p && has_single_use(g, v) ? p : nullptr;
}

std::optional<double> scalar_constant(const ir::Value* v) {
  const Tensor* t = constant_of(v);
  if (!t || t->numel() != 1) return std::nullopt;
  const DataType dt = t->dtype();
  if (!is_float(dt) && !is_integer(dt)) return std::nullopt;
  return t->get_double(0);
}

bool near_value(double got, double want, double rtol) { return std::abs(got - want) <= rtol * std::abs(want); }

bool is_scalar_near(const ir::Value* v, double want, double rtol) {
  const std::optional<double> c = scalar_constant(v);
  return c && near_value(*c, want, rtol);
}

bool is_float32(const ir::Value* v) { return v && v->type().is_tensor() && v->type().dtype == DataType::Float; }

bool same_rank(const ir::Value* a, const ir::Value* b) {
  if (!a || !b || !a->type().is_tensor() || !b->type().is_tensor()) return false;
  const ir::TensorShape& x = a->type().shape;
  const ir::TensorShape& y = b->type().shape;
  return x.has_rank && y.has_rank && x.rank() == y.rank();
}

ir::Value* other_input(const ir::Node& n, const ir::Value* v) {
  if (n.num_inputs() != 2 || n.input(0) == n.input(1)) return nullptr;
  if (n.input(0) == v) return n.input(1);
  if (n.input(1) == v) return n.input(0);
  return nullptr;
}

void sort_by_position(const ir::Graph& g, std::vector<ir::Node*>& nodes) {
  std::sort(nodes.begin(), nodes.end(), [&](const ir::Node* a, const ir::Node* b) { return g.index_of(a) < g.index_of(b); });
}

bool used_only_by(const ir::Graph& g, const ir::Value* v, const std::vector<const ir::Node*>& nodes) {
  if (!v || is_graph_output(g, v)) return false;
  return std::all_of(v->uses().begin(), v->uses().end(), [&](const ir::Node* u) {
    return std::find(nodes.begin(), nodes.end(), u) != nodes.end();
  });
}

}  // namespace hone::passes
