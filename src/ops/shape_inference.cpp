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

bool inputs_known(const ir::Node& node) {
  for (const ir::Value* v : node.inputs()) {
    if (v && (v->type().kind == ir::TypeKind::Unknown || (v->type().is_tensor() && v->type().dtype == DataType::Undefined))) {
      return false;
    }
  }
  return true;
}

// The operator's rule on the node's current input types; fills `out_types`.
Status apply_rule(const ir::Node& node, std::vector<ir::Type>* out_types) {
  std::vector<const ir::Type*> in_types;
  std::vector<const Tensor*> in_values;
  for (ir::Value* v : node.inputs()) {
    in_types.push_back(v ? &v->type() : nullptr);
    in_values.push_back(v && v->is_constant() ? &v->constant() : nullptr);
  }
  out_types->assign(node.num_outputs(), ir::Type());
  InferContext ctx(node, in_types, in_values, out_types);
  Status s = op_def(node.kind()).infer(ctx);
  if (!s.is_ok()) return s.with_node(node.name(), node.op_type());
  return s;
}

// Merges the rule's output types into the node's values; reports a declared element type
// that contradicts the operator.
Status merge_outputs(ir::Node& node, const std::vector<ir::Type>& out_types) {
  for (size_t i = 0; i < node.num_outputs(); ++i) {
    ir::Value* v = node.output(i);
    if (!v) continue;
    const ir::Type& declared = v->type();
    if (declared.is_tensor() && out_types[i].is_tensor() && declared.dtype != DataType::Undefined &&
        out_types[i].dtype != DataType::Undefined && declared.dtype != out_types[i].dtype) {
      return invalid_model("output '" + v->name() + "' is declared " + std::string(dtype_name(declared.dtype)) +
                           " but the operator produces " + std::string(dtype_name(out_types[i].dtype)))
          .with_node(node.name(), node.op_type());
    }
  }
  for (size_t i = 0; i < node.num_outputs(); ++i) {
    if (ir::Value* v = node.output(i)) v->set_type(merge_types(out_types[i], v->type()));
  }
  return Status::ok();
}

void infer_into(ir::Graph& g, std::vector<std::string>* problems) {
  for (const auto& node : g.nodes()) {
    for (ir::Graph* sub : node->subgraphs()) infer_into(*sub, problems);
    std::vector<ir::Type> out_types;
    Status s = apply_rule(*node, &out_types);
    if (!s.is_ok()) {
      // With an input of unknown type the rule cannot judge the node: leave its outputs as
      // declared and let the run-time check (which always knows the types) decide.
      if (inputs_known(*node)) problems->push_back(s.to_string());
      continue;
    }
    s = merge_outputs(*node, out_types);
    if (!s.is_ok()) problems->push_back(s.to_string());
  }
}

}  // namespace

Status infer_node_types(ir::Node& node) {
  std::vector<ir::Type> out_types;
  HONE_RETURN_IF_ERROR(apply_rule(node, &out_types));
  return merge_outputs(node, out_types);
}

std::unordered_map<const ir::Value*, ir::Type> types_for_input_shapes(const ir::Graph& g,
                                                                     const std::vector<Shape>& shapes) {
  std::unordered_map<const ir::Value*, ir::Type> types;
  const std::vector<ir::Value*> inputs = g.runtime_inputs();
  for (size_t i = 0; i < inputs.size() && i < shapes.size(); ++i) {
    if (inputs[i]->type().is_tensor()) {
      types[inputs[i]] = ir::Type::tensor(inputs[i]->type().dtype, ir::TensorShape::of(shapes[i]));
    }
  }
  std::vector<ir::Type> in_store;
  for (const auto& node : g.nodes()) {
    in_store.assign(node->num_inputs(), ir::Type());
    std::vector<const ir::Type*> in_types;
    std::vector<const Tensor*> in_values;
    for (size_t i = 0; i < node->num_inputs(); ++i) {
      const ir::Value* v = node->input(i);
      if (!v) {
        in_types.push_back(nullptr);
        in_values.push_back(nullptr);
        continue;
      }
      auto it = types.find(v);
      in_store[i] = it != types.end() ? it->second : v->type();
      in_types.push_back(&in_store[i]);
      in_values.push_back(v->is_constant() ? &v->constant() : nullptr);
    }
    std::vector<ir::Type> out(node->num_outputs());
    InferContext ctx(*node, in_types, in_values, &out);
    const bool ok = op_def(node->kind()).infer(ctx).is_ok();
    for (size_t k = 0; k < node->num_outputs(); ++k) {
      if (const ir::Value* v = node->output(k)) types[v] = ok ? merge_types(out[k], v->type()) : v->type();
    }
  }
  return types;
}

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
