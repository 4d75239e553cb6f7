// Helpers shared by the cleanup passes (cleanup_helpers.hpp).
#include "passes/cleanup_helpers.hpp"

#include "passes/rewrite.hpp"

namespace hone::passes {

namespace {

void collect_graphs(ir::Graph& g, std::vector<ir::Graph*>* out) {
  out->push_back(&g);
  for (const auto& n : g.nodes()) {
    for (ir::Graph* sub : n->subgraphs()) collect_graphs(*sub, out);
  }
}

void collect_subgraph_outputs(const ir::Graph& sub, const ir::Graph* owner, std::unordered_set<const ir::Value*>* out) {
  for (const ir::Value* v : sub.outputs()) {
    if (v && v->graph() == owner) out->insert(v);
  }
  for (const auto& n : sub.nodes()) {
    for (const ir::Graph* deeper : n->subgraphs()) collect_subgraph_outputs(*deeper, owner, out);
  }
}

}  // namespace

std::vector<ir::Graph*> graphs_of(ir::Graph& g) {
  std::vector<ir::Graph*> out;
  collect_graphs(g, &out);
  return out;
}

std::unordered_set<const ir::Value*> subgraph_outputs_in(const ir::Graph& g) {
  std::unordered_set<const ir::Value*> out;
  for (const auto& n : g.nodes()) {
    for (const ir::Graph* sub : n->subgraphs()) collect_subgraph_outputs(*sub, &g, &out);
  }
  return out;
}

bool is_read(const ir::Graph& g, const ir::Value* v, const std::unordered_set<const ir::Value*>& pinned) {
  return v && (!v->uses().empty() || is_graph_output(g, v) || pinned.count(v) > 0);
}

bool dropout_may_train(const ir::Node& n) {
  if (n.kind() != ir::OpKind::Dropout || n.opset() < 12) return false;
  const ir::Value* training = n.input(2);
  if (!training) return false;
  const Tensor* t = constant_of(training);
  // The kernel reads element 0; an empty tensor means false.
  return !t || (t->numel() > 0 && t->get_int64(0) != 0);
}

bool is_random(const ir::Node& n) {
  switch (n.kind()) {
    case ir::OpKind::RandomNormal:
    case ir::OpKind::RandomNormalLike:
    case ir::OpKind::RandomUniform:
    case ir::OpKind::RandomUniformLike:
    case ir::OpKind::Bernoulli:
    case ir::OpKind::Multinomial: return true;
    case ir::OpKind::Dropout: return dropout_may_train(n);
    default: return false;
  }
}

bool same_type(const ir::Type& a, const ir::Type& b) {
  if (a.kind != b.kind || a.dtype != b.dtype || a.shape.has_rank != b.shape.has_rank || a.shape.dims != b.shape.dims) {
    return false;
  }
  if (!a.element || !b.element) return !a.element && !b.element;
  return same_type(*a.element, *b.element);
}

}  // namespace hone::passes
