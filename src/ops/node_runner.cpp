// The steps of running one node with its reference kernel (node_runner.hpp).
#include "ops/node_runner.hpp"

#include <new>
#include <stdexcept>

namespace hone::ops {

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

Status allocate_outputs(const ir::Node& n, const std::vector<const Datum*>& inputs, std::vector<Datum>* outputs) {
  bool all_defined = true;
  for (size_t i = 0; i < n.num_outputs(); ++i) all_defined &= !n.output(i) || (*outputs)[i].tensor.defined();
  if (all_defined) return Status::ok();
  std::vector<ir::Type> in_types_store(inputs.size());
  std::vector<const ir::Type*> in_types;
  std::vector<const Tensor*> in_values;
  for (size_t i = 0; i < inputs.size(); ++i) {
    const Datum* d = inputs[i];
    if (!d) {
      in_types.push_back(nullptr);
      in_values.push_back(nullptr);
      continue;
    }
    in_types_store[i] = runtime_type(*d, n.input(i) ? n.input(i)->type() : ir::Type());
    in_types.push_back(&in_types_store[i]);
    in_values.push_back(d->is_tensor() ? &d->tensor : nullptr);
  }
  std::vector<ir::Type> out_types(n.num_outputs());
  InferContext ictx(n, in_types, in_values, &out_types);
  Status s = op_def(n.kind()).infer(ictx);
  if (!s.is_ok()) return s.with_node(n.name(), n.op_type());
  for (size_t i = 0; i < n.num_outputs(); ++i) {
    const ir::Type& t = out_types[i];
    if ((*outputs)[i].tensor.defined()) continue;
    if (t.is_tensor() && t.shape.is_static() && t.dtype != DataType::Undefined) {
      auto r = Tensor::create(t.dtype, t.shape.to_static());
      if (!r.is_ok()) return Status(r.status()).with_node(n.name(), n.op_type());
      (*outputs)[i].tensor = std::move(r).value();
    }
  }
  return Status::ok();
}

Status run_kernel(const std::function<Status(KernelContext&)>& kernel, KernelContext& ctx) {
  // Kernels return Status; the standard library may still throw (allocation failure on a
  // hostile size). The run boundary turns that into an error instead of a crash.
  Status s;
  try {
    s = kernel(ctx);
  } catch (const std::bad_alloc&) {
    s = invalid_argument("out of memory while running the operator");
  } catch (const std::exception& e) {
    s = internal_error(std::string("unexpected exception: ") + e.what());
  }
  if (!s.is_ok()) return s.with_node(ctx.node().name(), ctx.node().op_type());
  return s;
}

Status finish_outputs(const ir::Node& n, std::vector<Datum>* outputs) {
  for (size_t i = 0; i < n.num_outputs(); ++i) {
    const ir::Value* v = n.output(i);
    if (!v) continue;
    Datum& d = (*outputs)[i];
    if (d.is_tensor() && !d.tensor.defined()) {
      return internal_error("kernel did not produce output " + std::to_string(i)).with_node(n.name(), n.op_type());
    }
    if (v->type().kind == ir::TypeKind::Optional) d.optional = true;
  }
  return Status::ok();
}

}  // namespace hone::ops
