// common_subexpression: merges computations that must give the same result. First equal
// constants (same element type, shape and bytes; up to 1 MiB each, found by hash), so that the
// nodes reading them read the same value; then nodes of the same operator, opset and domain
// with the same inputs in the same order and equal attributes: the first one stays, the
// readers of the others read its outputs. Nodes holding subgraphs and random nodes never merge.
// Runs in every graph, after dead-code elimination (which then removes what merged away).
#include <cstring>
#include <string_view>
#include <unordered_map>

#include "ops/op_def.hpp"
#include "passes/cleanup_helpers.hpp"
#include "passes/passes.hpp"
#include "passes/rewrite.hpp"

namespace hone::passes {
namespace {

// Constants larger than this are not compared: weights are rarely duplicated, and hashing
// and comparing them byte by byte would cost more than it saves.
constexpr size_t kMaxMergedConstantBytes = size_t{1} << 20;

void hash_combine(size_t* h, size_t x) { *h ^= x + 0x9e3779b97f4a7c15ull + (*h << 6) + (*h >> 2); }

size_t hash_tensor(const Tensor& t) {
  size_t h = std::hash<int>{}(static_cast<int>(t.dtype()));
  for (int64_t d : t.shape()) hash_combine(&h, std::hash<int64_t>{}(d));
  if (t.dtype() == DataType::String) {
    for (int64_t i = 0; i < t.numel(); ++i) hash_combine(&h, std::hash<std::string>{}(t.strings()[i]));
  } else if (t.nbytes() > 0) {
    hash_combine(&h, std::hash<std::string_view>{}(std::string_view(static_cast<const char*>(t.raw()), t.nbytes())));
  }
  return h;
}

bool same_floats_bits(const std::vector<float>& a, const std::vector<float>& b) {
  return a.size() == b.size() && (a.empty() || std::memcmp(a.data(), b.data(), a.size() * sizeof(float)) == 0);
}

bool same_tensors(const std::vector<Tensor>& a, const std::vector<Tensor>& b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (!a[i].bit_equal(b[i])) return false;
  }
  return true;
}

// Deep equality of two attribute values. Floats compare by bits (NaN equals NaN, -0 differs
// from 0: the results would differ otherwise). Subgraphs never compare equal.
bool same_attribute(const ir::Attribute& a, const ir::Attribute& b) {
  if (a.type != b.type) return false;
  switch (a.type) {
    case ir::AttrType::Float: return std::memcmp(&a.f, &b.f, sizeof(float)) == 0;
    case ir::AttrType::Int: return a.i == b.i;
    case ir::AttrType::String: return a.s == b.s;
    case ir::AttrType::Tensor: return a.t.bit_equal(b.t);
    case ir::AttrType::TypeProto: return same_type(a.tp, b.tp);
    case ir::AttrType::Floats: return same_floats_bits(a.floats, b.floats);
    case ir::AttrType::Ints: return a.ints == b.ints;
    case ir::AttrType::Strings: return a.strings == b.strings;
    case ir::AttrType::Tensors: return same_tensors(a.tensors, b.tensors);
    case ir::AttrType::TypeProtos:
      if (a.tps.size() != b.tps.size()) return false;
      for (size_t i = 0; i < a.tps.size(); ++i) {
        if (!same_type(a.tps[i], b.tps[i])) return false;
      }
      return true;
    case ir::AttrType::Graph:
    case ir::AttrType::Graphs: return false;
  }
  return false;
}

// Equal attributes, an absent one standing for the operator's default (so `axis = 0` spelled
// out equals an omitted axis whose default is 0).
bool same_attributes(const ir::Node& a, const ir::Node& b) {
  const ops::AttrReader ra(a, ops::op_def(a.kind()));
  const ops::AttrReader rb(b, ops::op_def(b.kind()));
  auto covers = [&](const ir::Node& n) {
    for (const auto& [name, attr] : n.attrs().items()) {
      const ir::Attribute* x = ra.attr(name);
      const ir::Attribute* y = rb.attr(name);
      if (!x || !y || !same_attribute(*x, *y)) return false;
    }
    return true;
  };
  return covers(a) && covers(b);
}

bool same_computation(const ir::Node& a, const ir::Node& b) {
  return a.kind() == b.kind() && a.domain() == b.domain() && a.opset() == b.opset() && a.inputs() == b.inputs() &&
         a.num_outputs() == b.num_outputs() && same_attributes(a, b);
}

size_t hash_node(const ir::Node& n) {
  size_t h = std::hash<int>{}(static_cast<int>(n.kind()));
  hash_combine(&h, std::hash<int>{}(n.opset()));
  hash_combine(&h, n.num_outputs());
  for (const ir::Value* v : n.inputs()) hash_combine(&h, std::hash<const ir::Value*>{}(v));
  return h;
}

class CommonSubexpression final : public Pass {
 public:
  std::string_view name() const override { return "common_subexpression"; }

  Result<int> run(ir::Graph& g) override {
    int merged = 0;
    for (ir::Graph* graph : graphs_of(g)) merged += merge_constants(*graph) + merge_nodes(*graph);
    return merged;
  }

 private:
  // Points the node readers of each duplicate constant at the first equal one. A duplicate that
  // is a graph output keeps its name and stays (replace_all_uses would rename the output).
  static int merge_constants(ir::Graph& g) {
    std::unordered_map<size_t, std::vector<ir::Value*>> by_hash;
    std::vector<ir::Value*> values;
    for (const auto& v : g.values()) values.push_back(v.get());
    int merged = 0;
    for (ir::Value* v : values) {
      if (!v->is_constant() || v->constant().nbytes() > kMaxMergedConstantBytes) continue;
      std::vector<ir::Value*>& bucket = by_hash[hash_tensor(v->constant())];
      ir::Value* first = nullptr;
      for (ir::Value* c : bucket) {
        if (c->constant().bit_equal(v->constant())) {
          first = c;
          break;
        }
      }
      if (!first) {
        bucket.push_back(v);
      } else if (!v->uses().empty() && !is_graph_output(g, v)) {
        g.replace_all_uses(v, first);
        ++merged;
      }
    }
    return merged;
  }

  static int merge_nodes(ir::Graph& g) {
    const std::unordered_set<const ir::Value*> pinned = subgraph_outputs_in(g);
    std::unordered_map<size_t, std::vector<ir::Node*>> by_hash;
    std::vector<ir::Node*> nodes;
    for (const auto& n : g.nodes()) nodes.push_back(n.get());
    int merged = 0;
    // In order: once a node merges, its readers read the first node's outputs, so a duplicated
    // chain merges link by link in the same sweep.
    for (ir::Node* n : nodes) {
      if (is_random(*n) || !n->subgraphs().empty()) continue;
      std::vector<ir::Node*>& bucket = by_hash[hash_node(*n)];
      bool done = false;
      for (ir::Node* first : bucket) {
        if (same_computation(*first, *n) && merge_into(g, first, n, pinned)) {
          done = true;
          break;
        }
      }
      if (done) {
        ++merged;
      } else {
        bucket.push_back(n);
      }
    }
    return merged;
  }

  // Removes `second`, whose readers read `first`'s outputs instead. A graph output of `second`
  // keeps its name (bypass_node: `first` then writes it). Returns false, changing nothing,
  // when that is impossible or `second` is dead anyway (dead-code elimination's job).
  static bool merge_into(ir::Graph& g, ir::Node* first, ir::Node* second,
                         const std::unordered_set<const ir::Value*>& pinned) {
    std::vector<size_t> used;
    for (size_t i = 0; i < second->num_outputs(); ++i) {
      const ir::Value* o = second->output(i);
      if (!is_read(g, o, pinned)) continue;
      if (pinned.count(o) || !first->output(i)) return false;
      used.push_back(i);
    }
    if (used.empty()) return false;
    if (used.size() == 1) {
      const size_t i = used.front();
      // bypass_node moves the readers of first's output to second's graph output: that output
      // must not be named by a subgraph output, which bypass_node would not redirect.
      if (is_graph_output(g, second->output(i)) && pinned.count(first->output(i))) return false;
      return bypass_node(g, second, i, first->output(i));
    }
    for (size_t i : used) {
      if (is_graph_output(g, second->output(i))) return false;
    }
    for (size_t i : used) g.replace_all_uses(second->output(i), first->output(i));
    g.remove_node(second);
    return true;
  }
};

}  // namespace

std::unique_ptr<Pass> make_common_subexpression(const PassOptions&) { return std::make_unique<CommonSubexpression>(); }

}  // namespace hone::passes
