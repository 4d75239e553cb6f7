// identity_elimination: removes nodes whose output equals their first input — Identity,
// inference Dropout, Cast to the same type, reshapes/expands/pads/slices that keep the static
// shape — so later passes see producers and consumers side by side. Runs first in the pipeline,
// in the main graph and in every subgraph.
#include <algorithm>

#include "ops/op_def.hpp"
#include "passes/cleanup_helpers.hpp"
#include "passes/passes.hpp"
#include "passes/rewrite.hpp"

namespace hone::passes {
namespace {

// Same element type and the same fully known shape.
bool same_static_type(const ir::Value* a, const ir::Value* b) {
  return a->type().is_tensor() && a->type().shape.is_static() && same_type(a->type(), b->type());
}

bool all_zero(const std::vector<int64_t>& v) {
  return std::all_of(v.begin(), v.end(), [](int64_t x) { return x == 0; });
}

// Pad adds nothing when every pad is 0 (negative pads crop, so the shape alone says nothing:
// pads [1, -1] shift the data and keep the shape). Before opset 11 pads are attributes.
bool pads_are_zero(const ir::Node& n) {
  if (n.opset() < 11) {
    const ops::AttrReader attrs(n, ops::op_def(n.kind()));
    const bool old_name = n.opset() < 2 && attrs.has_attr("paddings");
    return all_zero(attrs.attr_ints(old_name ? "paddings" : "pads"));
  }
  const Tensor* pads = constant_of(n.input(1));
  return pads && all_zero(pads->to_int64_vector());
}

// With positive steps a slice that keeps every dim selects everything: an axis of size n keeps
// ceil((end - start) / step) elements, which is n only for start 0 and step 1 (or n <= 1).
// Negative steps keep the shape and reverse the data. Before opset 10 there are no steps.
bool slice_is_full(const ir::Node& n) {
  if (n.opset() < 10) return true;
  for (size_t i = 1; i <= 2; ++i) {
    if (!constant_of(n.input(i))) return false;
  }
  if (n.input(3) && !constant_of(n.input(3))) return false;
  if (n.input(4)) {
    const Tensor* steps = constant_of(n.input(4));
    if (!steps) return false;
    const std::vector<int64_t> s = steps->to_int64_vector();
    return std::all_of(s.begin(), s.end(), [](int64_t x) { return x > 0; });
  }
  return true;
}

// The input that output 0 of `n` equals, or nullptr when the node computes something.
ir::Value* passthrough_input(const ir::Node& n) {
  ir::Value* in = n.input(0);
  const ir::Value* out = n.output(0);
  if (!in || !out) return nullptr;
  switch (n.kind()) {
    case ir::OpKind::Identity: return in;  // tensors, sequences and optionals alike
    case ir::OpKind::Dropout: return dropout_may_train(n) ? nullptr : in;
    case ir::OpKind::Cast:
    case ir::OpKind::CastLike:
      return in->type().is_tensor() && in->type().dtype != DataType::Undefined && in->type().dtype == out->type().dtype
                 ? in
                 : nullptr;
    case ir::OpKind::Expand:
    case ir::OpKind::Tile:
    case ir::OpKind::Reshape:
    case ir::OpKind::Squeeze:
    case ir::OpKind::Unsqueeze:
    case ir::OpKind::Flatten: return same_static_type(in, out) ? in : nullptr;
    case ir::OpKind::Pad: return same_static_type(in, out) && pads_are_zero(n) ? in : nullptr;
    case ir::OpKind::Slice: return same_static_type(in, out) && slice_is_full(n) ? in : nullptr;
    default: return nullptr;
  }
}

class IdentityElimination final : public Pass {
 public:
  std::string_view name() const override { return "identity_elimination"; }

  Result<int> run(ir::Graph& g) override {
    int removed = 0;
    for (ir::Graph* graph : graphs_of(g)) removed += run_on(*graph);
    return removed;
  }

 private:
  static int run_on(ir::Graph& g) {
    const std::unordered_set<const ir::Value*> pinned = subgraph_outputs_in(g);
    std::vector<ir::Node*> nodes;
    for (const auto& n : g.nodes()) nodes.push_back(n.get());
    int removed = 0;
    // One forward sweep removes chains: bypassing a node points its readers at its input, so
    // the next node of a chain already reads the value the chain started from.
    for (ir::Node* n : nodes) {
      ir::Value* in = passthrough_input(*n);
      if (!in) continue;
      // Subgraph outputs that name a value are not redirected by bypass_node: leave those.
      const bool out_pinned = std::any_of(n->outputs().begin(), n->outputs().end(),
                                          [&](const ir::Value* o) { return o && pinned.count(o); });
      if (out_pinned || (is_graph_output(g, n->output(0)) && pinned.count(in))) continue;
      // bypass_node refuses (and keeps the node) when the output is a graph output fed by a
      // graph input or constant, or when another output (Dropout's mask) is used.
      if (bypass_node(g, n, 0, in)) ++removed;
    }
    return removed;
  }
};

}  // namespace

std::unique_ptr<Pass> make_identity_elimination(const PassOptions&) { return std::make_unique<IdentityElimination>(); }

}  // namespace hone::passes
