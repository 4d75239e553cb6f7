// Node-by-node interpretation of an IR graph with reference kernels (reference_executor.hpp).
#include "runtime/reference_executor.hpp"

#include <new>
#include <stdexcept>
#include <unordered_map>
#include <unordered_set>

#include "ops/op_def.hpp"

namespace hone::runtime {
namespace {

// Values live in a scope per graph invocation; subgraph scopes see their parents'.
struct Scope {
  const Scope* parent = nullptr;
  std::unordered_map<const ir::Value*, Datum> values;

  const Datum* find(const ir::Value* v) const {
    for (const Scope* s = this; s; s = s->parent) {
      auto it = s->values.find(v);
      if (it != s->values.end()) return &it->second;
    }
    return nullptr;
  }
};

ir::Type runtime_type(const Datum& d, const ir::Type& declared) {
  switch (d.kind) {
    case DatumKind::Tensor: {
      ir::Type t = ir::Type::tensor(d.tensor.dtype(), ir::TensorShape::of(d.tensor.shape()));
      return d.optional ? ir::Type::optional(t) : t;
    }
    case DatumKind::Sequence: {
      ir::Type elem = d.sequence.empty() ? ir::Type::tensor(d.sequence_dtype)
                                         : ir::Type::tensor(d.sequence.front().dtype(), ir::TensorShape::unknown());
      if (!d.sequence.empty()) {
        // A uniform sequence keeps its element shape.
        bool same = true;
        for (const Tensor& t : d.sequence) same &= (t.shape() == d.sequence.front().shape());
        if (same) elem.shape = ir::TensorShape::of(d.sequence.front().shape());
      }
      ir::Type t = ir::Type::sequence(elem);
      return d.optional ? ir::Type::optional(t) : t;
    }
    case DatumKind::None: return declared.kind == ir::TypeKind::Optional ? declared : ir::Type::optional(declared);
  }
  return declared;
}

// Collects values of `owner` read by anything inside subgraph `g`.
void collect_captures(const ir::Graph& g, const ir::Graph* owner, std::vector<const ir::Value*>* out) {
  for (const auto& n : g.nodes()) {
    for (const ir::Value* v : n->inputs()) {
      if (v && v->graph() == owner) out->push_back(v);
    }
    for (const ir::Graph* sub : n->subgraphs()) collect_captures(*sub, owner, out);
  }
  for (const ir::Value* v : g.outputs()) {
    if (v && v->graph() == owner) out->push_back(v);
  }
}

class Interpreter : public ops::SubgraphRunner {
 public:
  Interpreter(const ReferenceOptions& options, const Scope* parent) : options_(options), parent_(parent) {}

  Result<std::vector<Datum>> run_graph(const ir::Graph& g, std::vector<Datum> inputs) {
    Scope scope;
    scope.parent = parent_;
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
      std::vector<const ir::Value*> caps;
      for (const ir::Graph* sub : n.subgraphs()) collect_captures(*sub, &g, &caps);
      for (const ir::Value* v : caps) last_use[v] = i;
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
    Interpreter child(options_, current_scope_);
    child.seed_ = seed_ + 7919;
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
    std::vector<ir::Type> in_types_store(n.num_inputs());
    std::vector<const ir::Type*> in_types;
    std::vector<const Tensor*> in_values;
    for (size_t i = 0; i < n.num_inputs(); ++i) {
      const ir::Value* v = n.input(i);
      if (!v) {
        inputs.push_back(nullptr);
        in_types.push_back(nullptr);
        in_values.push_back(nullptr);
        continue;
      }
      const Datum* d = lookup(*scope, v);
      if (!d) {
        return internal_error("value '" + v->name() + "' is not available").with_node(n.name(), n.op_type());
      }
      inputs.push_back(d);
      in_types_store[i] = runtime_type(*d, v->type());
      in_types.push_back(&in_types_store[i]);
      in_values.push_back(d->is_tensor() ? &d->tensor : nullptr);
    }
    const ops::OpDef& def = ops::op_def(n.kind());
    std::vector<ir::Type> out_types(n.num_outputs());
    ops::InferContext ictx(n, in_types, in_values, &out_types);
    Status s = def.infer(ictx);
    if (!s.is_ok()) return s.with_node(n.name(), n.op_type());

    std::vector<Datum> outputs(n.num_outputs());
    for (size_t i = 0; i < n.num_outputs(); ++i) {
      const ir::Type& t = out_types[i];
      outputs[i].tensor = Tensor();
      if (t.is_tensor() && t.shape.is_static() && t.dtype != DataType::Undefined) {
        auto r = Tensor::create(t.dtype, t.shape.to_static());
        if (!r.is_ok()) return Status(r.status()).with_node(n.name(), n.op_type());
        outputs[i].tensor = std::move(r).value();
      }
    }
    current_scope_ = scope;
    ops::KernelContext kctx(n, inputs, &outputs, this, seed_++);
    // Kernels return Status; the standard library may still throw (allocation failure on a
    // hostile size). The run boundary turns that into an error instead of a crash.
    try {
      s = def.run(kctx);
    } catch (const std::bad_alloc&) {
      s = invalid_argument("out of memory while running the operator");
    } catch (const std::exception& e) {
      s = internal_error(std::string("unexpected exception: ") + e.what());
    }
    if (!s.is_ok()) return s.with_node(n.name(), n.op_type());
    for (size_t i = 0; i < n.num_outputs(); ++i) {
      const ir::Value* v = n.output(i);
      if (!v) continue;
      Datum& d = outputs[i];
      if (d.is_tensor() && !d.tensor.defined()) {
        return internal_error("kernel did not produce output " + std::to_string(i)).with_node(n.name(), n.op_type());
      }
      if (v->type().kind == ir::TypeKind::Optional) d.optional = true;
      scope->values[v] = std::move(d);
    }
    return Status::ok();
  }

  const ReferenceOptions& options_;
  const Scope* parent_;
  const Scope* current_scope_ = nullptr;
  uint64_t seed_ = 0;
  std::unordered_map<const ir::Value*, Datum> constants_;

 public:
  void set_seed(uint64_t s) { seed_ = s; }
};

}  // namespace

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
  Interpreter interp(options_, nullptr);
  interp.set_seed(options_.seed);
  return interp.run_graph(graph_, std::move(all));
}

}  // namespace hone::runtime
