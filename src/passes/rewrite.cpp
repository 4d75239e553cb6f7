// Graph-editing helpers shared by the passes (rewrite.hpp).
#include "passes/rewrite.hpp"

#include <algorithm>
#include <unordered_set>

#include "ops/op_def.hpp"

namespace hone::passes {

bool is_graph_output(const ir::Graph& g, const ir::Value* v) {
  return std::find(g.outputs().begin(), g.outputs().end(), v) != g.outputs().end();
}

bool has_single_use(const ir::Graph& g, const ir::Value* v) {
  return v && v->uses().size() == 1 && !is_graph_output(g, v);
}

const Tensor* constant_of(const ir::Value* v) { return v && v->is_constant() ? &v->constant() : nullptr; }

ir::Node* single_consumer(const ir::Graph& g, const ir::Value* v) {
  if (!has_single_use(g, v)) return nullptr;
  ir::Node* n = v->uses().front();
  return n->graph() == &g ? n : nullptr;
}

ir::Node* producer_of(const ir::Node& n, size_t i) {
  const ir::Value* v = n.input(i);
  if (!v || !v->producer() || v->producer()->graph() != n.graph()) return nullptr;
  return v->producer();
}

namespace {
const ir::Attribute* attr_or_default(const ir::Node& n, std::string_view name) {
  if (const ir::Attribute* a = n.attrs().find(name)) return a;
  for (const ops::AttrSpec& s : ops::op_def(n.kind()).attrs) {
    if (s.name == name && s.has_default) return &s.default_value;
  }
  return nullptr;
}
}  // namespace

float attr_float_or_default(const ir::Node& n, std::string_view name) {
  const ir::Attribute* a = attr_or_default(n, name);
  return a ? a->f : 0.0f;
}

int64_t attr_int_or_default(const ir::Node& n, std::string_view name) {
  const ir::Attribute* a = attr_or_default(n, name);
  return a ? a->i : 0;
}

std::optional<Shape> static_shape(const ir::Value* v) {
  if (!v || !v->type().is_tensor() || !v->type().shape.is_static()) return std::nullopt;
  return v->type().shape.to_static();
}

std::string fused_name(const std::vector<const ir::Node*>& nodes) {
  std::string name;
  std::unordered_set<std::string> seen;
  for (const ir::Node* n : nodes) {
    // A node that is itself a fusion contributes its parts.
    size_t pos = 0;
    const std::string& full = n->name();
    for (;;) {
      const size_t end = full.find(" + ", pos);
      std::string part = full.substr(pos, end == std::string::npos ? std::string::npos : end - pos);
      if (seen.insert(part).second) name += (name.empty() ? "" : " + ") + part;
      if (end == std::string::npos) break;
      pos = end + 3;
    }
  }
  return name;
}

namespace {
std::string unique_name(const ir::Graph& g, const std::string& base) {
  if (!g.lookup(base)) return base;
  for (int i = 1;; ++i) {
    std::string n = base + "_" + std::to_string(i);
    if (!g.lookup(n)) return n;
  }
}
}  // namespace

ir::Value* add_constant(ir::Graph& g, const std::string& base, Tensor value) {
  ir::Type t = ir::Type::tensor(value.dtype(), ir::TensorShape::of(value.shape()));
  ir::Value* v = g.add_value(unique_name(g, base), std::move(t));
  v->set_constant(std::move(value));
  return v;
}

ir::Value* add_intermediate(ir::Graph& g, const std::string& base, ir::Type type) {
  return g.add_value(unique_name(g, base), std::move(type));
}

Result<ir::Node*> replace_nodes(ir::Graph& g, const std::vector<ir::Node*>& old_nodes, Replacement r) {
  if (old_nodes.empty()) return internal_error("replace_nodes: nothing to replace");
  std::unordered_set<const ir::Node*> old(old_nodes.begin(), old_nodes.end());
  std::unordered_set<const ir::Value*> kept(r.outputs.begin(), r.outputs.end());
  // Every value the old nodes produce that is still read outside the group must be taken over.
  for (const ir::Node* n : old_nodes) {
    for (const ir::Value* v : n->outputs()) {
      if (!v || kept.count(v)) continue;
      bool read_outside = is_graph_output(g, v);
      for (const ir::Node* u : v->uses()) read_outside |= !old.count(u);
      if (read_outside) {
        return internal_error("replace_nodes: value '" + v->name() + "' of node '" + n->name() +
                              "' is still read after the rewrite");
      }
    }
  }
  size_t position = 0;
  for (const ir::Node* n : old_nodes) position = std::max(position, g.index_of(n));
  std::vector<const ir::Node*> named(old_nodes.begin(), old_nodes.end());
  if (r.name.empty()) r.name = fused_name(named);
  if (r.opset == 0) r.opset = old_nodes.back()->opset();
  if (r.op_type.empty()) r.op_type = std::string(ir::op_kind_name(r.kind));
  const std::string domain(ir::domain_name(ir::op_kind_domain(r.kind)));
  for (ir::Node* n : old_nodes) g.remove_node(n);
  position -= std::min(position, old_nodes.size() - 1);
  ir::Node* fused =
      g.add_node(r.kind, r.op_type, domain, r.name, r.opset, std::move(r.inputs), std::move(r.outputs), std::move(r.attrs));
  g.move_node(fused, position);
  return fused;
}

bool can_bypass(const ir::Graph& g, const ir::Node& n, size_t output, const ir::Value* replacement) {
  const ir::Value* out = n.output(output);
  if (!out || !replacement || out == replacement) return false;
  for (size_t i = 0; i < n.num_outputs(); ++i) {
    const ir::Value* o = n.output(i);
    if (i != output && o && (!o->uses().empty() || is_graph_output(g, o))) return false;
  }
  if (!is_graph_output(g, out)) return true;
  // The graph output keeps its name, so replacement's producer must be able to write it.
  const ir::Node* p = replacement->producer();
  return p && p->graph() == &g && p != &n && !replacement->is_graph_input() && !replacement->is_constant() &&
         !is_graph_output(g, replacement);
}

bool bypass_node(ir::Graph& g, ir::Node* n, size_t output, ir::Value* replacement) {
  if (!can_bypass(g, *n, output, replacement)) return false;
  ir::Value* out = n->output(output);
  if (is_graph_output(g, out)) {
    // replacement's producer writes the graph output directly.
    ir::Node* p = replacement->producer();
    const size_t slot = static_cast<size_t>(replacement->producer_output());
    g.remove_node(n);
    g.replace_all_uses(replacement, out);
    g.set_node_output(p, slot, out);
    return true;
  }
  g.replace_all_uses(out, replacement);
  g.remove_node(n);
  return true;
}

}  // namespace hone::passes
