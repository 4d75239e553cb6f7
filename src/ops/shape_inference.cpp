// Graph-wide type/shape inference (shape_inference.hpp).
#include "ops/shape_inference.hpp"

#include "ops/op_def.hpp"

namespace hone::ops {

ir::Type merge_types(const ir::Type& inferred, const ir::Type& declared) {
  if (declared.kind == ir::TypeKind::Unknown) return inferred;
  if (inferred.kind == ir::TypeKind::Unknown) return declared;
  if (inferred.kind != declared.kind) return inferred;
  if (inferred.kind == ir::TypeKind::Sequence || inferred.kind == ir::TypeKind::Optional) {
    if (inferred.element && declared.element) {
      ir::Type t = inferred;
      t.element = std::make_shared<const ir::Type>(merge_types(*inferred.element, *declared.element));
      return t;
    }
    return inferred.element ? inferred : declared;
  }
  ir::Type t = inferred;
  if (t.dtype == DataType::Undefined) t.dtype = declared.dtype;
  if (!t.shape.has_rank) {
    t.shape = declared.shape;
  } else if (declared.shape.has_rank && declared.shape.rank() == t.shape.rank()) {
    for (size_t i = 0; i < t.shape.rank(); ++i) {
      ir::Dim& d = t.shape.dims[i];
      const ir::Dim& dd = declared.shape.dims[i];
      if (!d.is_known() && (dd.is_known() || (d.symbol.empty() && !dd.symbol.empty()))) d = dd;
    }
  }
  return t;
}

namespace {

void infer_into(ir::Graph& g, std::vector<std::string>* problems) {
  for (const auto& node : g.nodes()) {
    for (ir::Graph* sub : node->subgraphs()) infer_into(*sub, problems);
    std::vector<const ir::Type*> in_types;
    std::vector<const Tensor*> in_values;
    for (ir::Value* v : node->inputs()) {
      in_types.push_back(v ? &v->type() : nullptr);
      in_values.push_back(v && v->is_constant() ? &v->constant() : nullptr);
    }
    std::vector<ir::Type> out_types(node->num_outputs());
    InferContext ctx(*node, in_types, in_values, &out_types);
    Status s = op_def(node->kind()).infer(ctx);
    if (!s.is_ok()) {
      // With an input of unknown type the rule cannot judge the node: leave its outputs as
      // declared and let the run-time check (which always knows the types) decide.
      bool all_known = true;
      for (const ir::Type* t : in_types) {
        if (t && (t->kind == ir::TypeKind::Unknown || (t->is_tensor() && t->dtype == DataType::Undefined))) all_known = false;
      }
      if (all_known) problems->push_back(s.with_node(node->name(), node->op_type()).to_string());
      continue;
    }
    for (size_t i = 0; i < node->num_outputs(); ++i) {
      ir::Value* v = node->output(i);
      if (!v) continue;
      const ir::Type& declared = v->type();
      if (declared.is_tensor() && out_types[i].is_tensor() && declared.dtype != DataType::Undefined &&
          out_types[i].dtype != DataType::Undefined && declared.dtype != out_types[i].dtype) {
        problems->push_back("node '" + node->name() + "' (" + node->op_type() + "): output '" + v->name() +
                            "' is declared " + std::string(dtype_name(declared.dtype)) + " but the operator produces " +
                            std::string(dtype_name(out_types[i].dtype)));
        continue;
      }
      v->set_type(merge_types(out_types[i], declared));
    }
  }
}

}  // namespace

Status infer_graph_types(ir::Graph& g) {
  std::vector<std::string> problems;
  infer_into(g, &problems);
  if (problems.empty()) return Status::ok();
  std::string msg = std::to_string(problems.size()) + " type error" + (problems.size() > 1 ? "s" : "") + ": ";
  for (size_t i = 0; i < problems.size() && i < 16; ++i) msg += (i ? "; " : "") + problems[i];
  if (problems.size() > 16) msg += "; ...";
  return invalid_model(msg);
}

}  // namespace hone::ops
