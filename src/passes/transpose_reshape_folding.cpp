// Pass transpose_reshape_folding: layout-only chains collapse. Two Transposes compose into one
// (or vanish when the composition is the identity), an identity Transpose vanishes, and a
// chain of Reshape/Flatten/Squeeze/Unsqueeze becomes one Reshape to the final static shape.
// Runs after the cleanup passes; transposing or reshaping a constant is constant folding's job.
//
//   Transpose(Transpose(x, p), q)      -> Transpose(x, c), c[d] = p[q[d]]   (x if c = identity)
//   Transpose(x, identity)             -> x
//   Reshape-like(Reshape-like(x))      -> Reshape(x, final static shape)
//
// A Reshape to its input's shape is left to identity elimination.
#include <memory>
#include <numeric>
#include <optional>

#include "ops/shape_inference.hpp"
#include "passes/passes.hpp"
#include "passes/pattern_match.hpp"
#include "passes/rewrite.hpp"

namespace hone::passes {
namespace {

// The perm of a Transpose on an input of `rank` (reversed axes when absent), or nullopt when
// the attribute is not a permutation of [0, rank).
std::optional<std::vector<int64_t>> perm_of(const ir::Node& n, size_t rank) {
  std::vector<int64_t> perm(rank);
  if (const ir::Attribute* a = n.attrs().find("perm")) {
    if (a->ints.size() != rank) return std::nullopt;
    perm = a->ints;
  } else {
    std::iota(perm.rbegin(), perm.rend(), int64_t{0});
  }
  std::vector<bool> seen(rank, false);
  for (int64_t& p : perm) {
    if (p < 0) p += static_cast<int64_t>(rank);
    if (p < 0 || p >= static_cast<int64_t>(rank) || seen[static_cast<size_t>(p)]) return std::nullopt;
    seen[static_cast<size_t>(p)] = true;
  }
  return perm;
}

bool is_identity(const std::vector<int64_t>& perm) {
  for (size_t d = 0; d < perm.size(); ++d) {
    if (perm[d] != static_cast<int64_t>(d)) return false;
  }
  return true;
}

bool is_reshape_like(const ir::Node& n) {
  switch (n.kind()) {
    case ir::OpKind::Reshape:
    case ir::OpKind::Flatten:
    case ir::OpKind::Squeeze:
    case ir::OpKind::Unsqueeze: return true;
    default: return false;
  }
}

enum class Action { BypassSelf, BypassPair, Compose, CollapseReshapes };

struct Plan {
  Action action;
  ir::Node* first = nullptr;      // the earlier node of a pair
  ir::Value* source = nullptr;    // what the result reads (or is replaced by)
  std::vector<int64_t> values;    // composed perm, or the final shape
};

std::optional<Plan> plan_transpose(const ir::Graph& g, const ir::Node& n) {
  ir::Value* in = n.input(0);
  if (!in || constant_of(in) || !in->type().is_tensor() || !in->type().shape.has_rank) return std::nullopt;
  const size_t rank = in->type().shape.rank();
  const auto perm = perm_of(n, rank);
  if (!perm) return std::nullopt;
  if (ir::Node* p = producer_as(g, in, ir::OpKind::Transpose)) {
    ir::Value* x = p->input(0);
    const auto inner = perm_of(*p, rank);
    if (!x || constant_of(x) || !inner) return std::nullopt;
    // y.shape[d] = t.shape[q[d]] = x.shape[p[q[d]]].
    std::vector<int64_t> composed(rank);
    for (size_t d = 0; d < rank; ++d) composed[d] = (*inner)[static_cast<size_t>((*perm)[d])];
    if (is_identity(composed) && can_bypass(g, n, 0, x)) return Plan{Action::BypassPair, p, x, {}};
    // Composing while the first Transpose has other readers would only move work around.
    if (has_single_use(g, in)) return Plan{Action::Compose, p, x, composed};
    return std::nullopt;
  }
  if (is_identity(*perm) && can_bypass(g, n, 0, in)) return Plan{Action::BypassSelf, nullptr, in, {}};
  return std::nullopt;
}

std::optional<Plan> plan_reshape(const ir::Graph& g, const ir::Node& n) {
  ir::Value* mid = n.input(0);
  ir::Node* p = mid ? mid->producer() : nullptr;
  if (!p || p->graph() != &g || !is_reshape_like(*p) || !has_single_use(g, mid)) return std::nullopt;
  ir::Value* x = p->input(0);
  const std::optional<Shape> out = static_shape(n.output(0));
  if (!x || constant_of(x) || !out) return std::nullopt;
  // NOTE: a 0 in a Reshape target copies the input dim (allowzero = 0); empty results stay.
  for (int64_t d : *out) {
    if (d <= 0) return std::nullopt;
  }
  return Plan{Action::CollapseReshapes, p, x, *out};
}

class TransposeReshapeFolding final : public NodePass {
 public:
  std::string_view name() const override { return "transpose_reshape_folding"; }

  bool matches(const ir::Graph& g, const ir::Node& n) const override { return plan(g, n).has_value(); }

  Status apply(ir::Graph& g, ir::Node& n) override {
    const std::optional<Plan> p = plan(g, n);
    if (!p) return internal_error("transpose_reshape_folding: node '" + n.name() + "' no longer matches");
    switch (p->action) {
      case Action::BypassSelf:
        if (!bypass_node(g, &n, 0, p->source)) return internal_error("transpose_reshape_folding: bypass failed");
        return Status::ok();
      case Action::BypassPair: {
        ir::Node* first = p->first;
        if (!bypass_node(g, &n, 0, p->source)) return internal_error("transpose_reshape_folding: bypass failed");
        const ir::Value* mid = first->output(0);
        if (mid->uses().empty() && !is_graph_output(g, mid)) g.remove_node(first);
        return Status::ok();
      }
      case Action::Compose: {
        Replacement r{.kind = ir::OpKind::Transpose, .inputs = {p->source}, .outputs = {n.output(0)}};
        r.attrs.set("perm", ir::Attribute::of_ints(p->values));
        HONE_ASSIGN_OR_RETURN(ir::Node * t, replace_nodes(g, {p->first, &n}, std::move(r)));
        return ops::infer_node_types(*t);
      }
      case Action::CollapseReshapes: {
        const Shape& shape = p->values;
        ir::Value* target = add_constant(g, n.output(0)->name() + "_shape",
                                         Tensor::from_vector(DataType::Int64, {static_cast<int64_t>(shape.size())}, shape));
        // Reshape takes its target as an input from opset 5 on.
        Replacement r{.kind = ir::OpKind::Reshape, .inputs = {p->source, target}, .outputs = {n.output(0)},
                      .opset = std::max(n.opset(), 5)};
        HONE_ASSIGN_OR_RETURN(ir::Node * reshape, replace_nodes(g, {p->first, &n}, std::move(r)));
        return ops::infer_node_types(*reshape);
      }
    }
    return Status::ok();
  }

 private:
  static std::optional<Plan> plan(const ir::Graph& g, const ir::Node& n) {
    if (n.kind() == ir::OpKind::Transpose) return plan_transpose(g, n);
    if (is_reshape_like(n)) return plan_reshape(g, n);
    return std::nullopt;
  }
};

}  // namespace

std::unique_ptr<Pass> make_transpose_reshape_folding(const PassOptions&) {
  return std::make_unique<TransposeReshapeFolding>();
}

}  // namespace hone::passes
