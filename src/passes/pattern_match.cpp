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

std::optional<ops::Activation> activation_of(const ir::Node& n) {
  using ops::ActivationKind;
  ops::Activation a;
  switch (n.kind()) {
    case ir::OpKind::Relu: a.kind = ActivationKind::Relu; break;
    case ir::OpKind::Sigmoid: a.kind = ActivationKind::Sigmoid; break;
    case ir::OpKind::Tanh: a.kind = ActivationKind::Tanh; break;
    case ir::OpKind::HardSwish: a.kind = ActivationKind::HardSwish; break;
    case ir::OpKind::Softplus: a.kind = ActivationKind::Softplus; break;
    case ir::OpKind::Mish: a.kind = ActivationKind::Mish; break;
    case ir::OpKind::LeakyRelu:
      a.kind = ActivationKind::LeakyRelu;
      a.alpha = attr_float_or_default(n, "alpha");
      break;
    case ir::OpKind::Elu:
      a.kind = ActivationKind::Elu;
      a.alpha = attr_float_or_default(n, "alpha");
      break;
    case ir::OpKind::Swish:
      a.kind = ActivationKind::Swish;
      a.alpha = attr_float_or_default(n, "alpha");
      break;
    case ir::OpKind::HardSigmoid:
      a.kind = ActivationKind::HardSigmoid;
      a.alpha = attr_float_or_default(n, "alpha");
      a.beta = attr_float_or_default(n, "beta");
      break;
    case ir::OpKind::Gelu: {
      const std::string& approximate = ops::AttrReader(n, ops::op_def(n.kind())).attr_string("approximate");
      if (approximate == "none") {
        a.kind = ActivationKind::Gelu;
      } else if (approximate == "tanh") {
        a.kind = ActivationKind::GeluTanh;
      } else {
        return std::nullopt;
      }
      break;
    }
    case ir::OpKind::Clip:
      a.kind = ActivationKind::Clip;
      if (n.opset() < 11) {
        // The attribute defaults are float's lowest/max, exactly what Clip then applies.
        a.alpha = attr_float_or_default(n, "min");
        a.beta = attr_float_or_default(n, "max");
        break;
      }
      a.alpha = -std::numeric_limits<float>::infinity();
      a.beta = std::numeric_limits<float>::infinity();
      for (size_t i = 1; i <= 2; ++i) {
        if (!n.input(i)) continue;
        const Tensor* bound = constant_of(n.input(i));
        if (!bound || bound->dtype() != DataType::Float || bound->numel() != 1) return std::nullopt;
        (i == 1 ? a.alpha : a.beta) = bound->data<float>()[0];
      }
      break;
    default: return std::nullopt;
  }
  return a;
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
