// Node-by-node interpretation of an IR graph with reference kernels (reference_executor.hpp).
#include "runtime/reference_executor.hpp"

#include <functional>
#include <new>
#include <stdexcept>
#include <unordered_map>
#include <unordered_set>

#include "ops/node_runner.hpp"
#include "ops/op_def.hpp"

namespace hone::runtime {
namespace {

using ops::allocate_outputs;
using ops::finish_outputs;
using ops::run_kernel;

// Values live in a scope per graph invocation; subgraph scopes see their parents', and the
// outermost scope of a subgraph the engine runs sees the engine's values through `outer`.
struct Scope {
  const Scope* parent = nullptr;
  const SubgraphInterpreter::Lookup* outer = nullptr;
  std::unordered_map<const ir::Value*, Datum> values;

  const Datum* find(const ir::Value* v) const {
    for (const Scope* s = this; s; s = s->parent) {
      auto it = s->values.find(v);
      if (it != s->values.end()) return &it->second;
      if (!s->parent && s->outer && *s->outer) return (*s->outer)(v);
    }
    return nullptr;
  }
};

class Interpreter : public ops::SubgraphRunner {
 public:
  Interpreter(const Scope* parent, const SubgraphInterpreter::Lookup* outer, uint64_t seed)
      : parent_(parent), outer_(outer), seed_(seed) {}

  Result<std::vector<Datum>> run_graph(const ir::Graph& g, std::vector<Datum> inputs) {
    Scope scope;
    scope.parent = parent_;
    scope.outer = outer_;
    size_t k = 0;
    for (const ir::Value* v : g.inputs()) {
      if (v->is_constant() && k >= inputs.size()) continue;  // initializer-backed input, not fed
      if (k >= inputs.size()) {
        return invalid_argument("graph '" + g.name() + "' expects more inputs than the " + std::to_string(inputs.size()) + " given");
      }
      scope.values[v] = std::move(inputs[k++]);
    }
    // Last use of each value inside this graph (captures count for the node holding them).
    std::unordered_map<const ir::Value*, size_t> last_use;
    for (size_t i = 0; i < g.nodes().size(); ++i) {
      const ir::Node& n = *g.nodes()[i];
      for (const ir::Value* v : n.inputs()) {
        if (v) last_use[v] = i;
      }
      for (const ir::Graph* sub : n.subgraphs()) {
        for (const ir::Value* v : ir::captured_values(*sub, &g)) last_use[v] = i;
      }
    }
    std::unordered_set<const ir::Value*> keep(g.outputs().begin(), g.outputs().end());

    for (size_t i = 0; i < g.nodes().size(); ++i) {
      const ir::Node& n = *g.nodes()[i];
      HONE_RETURN_IF_ERROR(run_node(n, &scope));
      for (const ir::Value* v : n.inputs()) {
        if (v && v->graph() == &g && last_use[v] == i && !keep.count(v)) scope.values.erase(v);
      }
    }
    std::vector<Datum> outputs;
    for (const ir::Value* v : g.outputs()) {
      const Datum* d = lookup(scope, v);
      if (!d) return invalid_model("graph output '" + v->name() + "' was not computed");
      outputs.push_back(*d);
    }
    return outputs;
  }

  Result<std::vector<Datum>> run(const ir::Graph& body, std::vector<Datum> inputs) override {
    Interpreter child(current_scope_, nullptr, seed_ + 7919);
    return child.run_graph(body, std::move(inputs));
  }

 private:
  const Datum* lookup(const Scope& scope, const ir::Value* v) {
    if (const Datum* d = scope.find(v)) return d;
    if (v->is_constant()) {
      auto [it, inserted] = constants_.try_emplace(v, Datum::of(v->constant()));
      return &it->second;
    }
    return nullptr;
  }

  Status run_node(const ir::Node& n, Scope* scope) {
    std::vector<const Datum*> inputs;
    for (size_t i = 0; i < n.num_inputs(); ++i) {
      const ir::Value* v = n.input(i);
      const Datum* d = v ? lookup(*scope, v) : nullptr;
      if (v && !d) {
        return internal_error("value '" + v->name() + "' is not available").with_node(n.name(), n.op_type());
      }
      inputs.push_back(d);
    }
    std::vector<Datum> outputs(n.num_outputs());
    for (Datum& d : outputs) d.tensor = Tensor();
    HONE_RETURN_IF_ERROR(allocate_outputs(n, inputs, &outputs));
    current_scope_ = scope;
    ops::KernelContext kctx(n, inputs, &outputs, this, seed_++);
    HONE_RETURN_IF_ERROR(run_kernel(ops::op_def(n.kind()).run, kctx));
    HONE_RETURN_IF_ERROR(finish_outputs(n, &outputs));
    for (size_t i = 0; i < n.num_outputs(); ++i) {
      if (const ir::Value* v = n.output(i)) scope->values[v] = std::move(outputs[i]);
    }
    return Status::ok();
  }

  const Scope* parent_;
  const SubgraphInterpreter::Lookup* outer_;
  const Scope* current_scope_ = nullptr;
  uint64_t seed_ = 0;
  std::unordered_map<const ir::Value*, Datum> constants_;
};

}  // namespace

SubgraphInterpreter::SubgraphInterpreter(Lookup outer, uint64_t seed) : outer_(std::move(outer)), seed_(seed) {}

Result<std::vector<Datum>> SubgraphInterpreter::run(const ir::Graph& body, std::vector<Datum> inputs) {
  Interpreter interp(nullptr, &outer_, seed_);
  return interp.run_graph(body, std::move(inputs));
}

ReferenceExecutor::ReferenceExecutor(const ir::Graph& graph, ReferenceOptions options)
    : graph_(graph), options_(options) {}

Status check_input(const ir::Value& v, const Datum& d) {
  const ir::Type& t = v.type();
  const std::string where = "input '" + v.name() + "'";
  if (t.kind == ir::TypeKind::Tensor) {
    if (!d.is_tensor()) return invalid_argument(where + " must be a tensor");
    if (t.dtype != DataType::Undefined && d.tensor.dtype() != t.dtype) {
      return invalid_argument(where + " has element type " + std::string(dtype_name(d.tensor.dtype())) +
                              ", the model expects " + std::string(dtype_name(t.dtype)));
    }
    if (t.shape.has_rank) {
      if (static_cast<size_t>(d.tensor.rank()) != t.shape.rank()) {
        return invalid_argument(where + " has shape " + shape_to_string(d.tensor.shape()) + ", the model expects " +
                                t.shape.to_string());
      }
      for (size_t i = 0; i < t.shape.rank(); ++i) {
        if (t.shape.dims[i].is_known() && t.shape.dims[i].value != d.tensor.dim(static_cast<int64_t>(i))) {
          return invalid_argument(where + " has shape " + shape_to_string(d.tensor.shape()) + ", the model expects " +
                                  t.shape.to_string());
        }
      }
    }
  } else if (t.kind == ir::TypeKind::Sequence) {
    if (!d.is_sequence()) return invalid_argument(where + " must be a sequence");
  }
  return Status::ok();
}

Result<std::vector<Datum>> ReferenceExecutor::run(std::vector<Datum> inputs) {
  const auto expected = graph_.runtime_inputs();
  if (inputs.size() != expected.size()) {
    return invalid_argument("the model has " + std::to_string(expected.size()) + " input(s), " +
                            std::to_string(inputs.size()) + " given");
  }
  for (size_t i = 0; i < inputs.size(); ++i) HONE_RETURN_IF_ERROR(check_input(*expected[i], inputs[i]));
  // Feed runtime inputs in order; initializer-backed inputs read their constants.
  std::vector<Datum> all;
  size_t k = 0;
  for (const ir::Value* v : graph_.inputs()) {
    all.push_back(v->is_constant() ? Datum::of(v->constant()) : std::move(inputs[k++]));
  }
  Interpreter interp(nullptr, nullptr, options_.seed);
  return interp.run_graph(graph_, std::move(all));
}

}  // namespace hone::runtime
