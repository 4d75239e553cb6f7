// Fused-layer epilogues (epilogue.hpp): attributes, shape rule and the reference loop.
#include "ops/epilogue.hpp"

#include "ops/elementwise.hpp"

namespace hone::ops {

std::vector<AttrSpec> epilogue_attrs() {
  return {attr_string("activation", ""), attr_floats("activation_params", {}), attr_string("post_activation", ""),
          attr_floats("post_activation_params", {})};
}

std::vector<AttrSpec> with_epilogue_attrs(std::vector<AttrSpec> base) {
  for (AttrSpec& s : epilogue_attrs()) base.push_back(std::move(s));
  return base;
}

Result<Epilogue> read_epilogue(const AttrReader& node) {
  Epilogue e;
  auto act = Activation::parse(node.attr_string("activation"), node.attr_floats("activation_params"));
  if (!act.is_ok()) return node.error(act.status().message());
  auto post = Activation::parse(node.attr_string("post_activation"), node.attr_floats("post_activation_params"));
  if (!post.is_ok()) return node.error(post.status().message());
  e.activation = *act;
  e.post_activation = *post;
  return e;
}

void write_epilogue(const Epilogue& e, ir::Attributes* attrs) {
  auto put = [&](const Activation& a, const char* name, const char* params) {
    if (a.is_none()) return;
    attrs->set(name, ir::Attribute::of_string(std::string(a.name())));
    if (!a.params().empty()) attrs->set(params, ir::Attribute::of_floats(a.params()));
  };
  put(e.activation, "activation", "activation_params");
  put(e.post_activation, "post_activation", "post_activation_params");
}

Status infer_with_epilogue(InferContext& ctx, InferFn base) {
  HONE_RETURN_IF_ERROR(read_epilogue(ctx).status());
  HONE_RETURN_IF_ERROR(base(ctx));
  if (!ctx.has_input(kEpilogueResidualInput)) return Status::ok();
  // The base rule has set output 0; Z must match it where both are known.
  const ir::Type& y = ctx.output_type(0);
  const ir::Type& z = ctx.input_type(kEpilogueResidualInput);
  if (z.dtype != y.dtype) {
    return ctx.error("Z has element type " + std::string(dtype_name(z.dtype)) + ", the output " +
                     std::string(dtype_name(y.dtype)));
  }
  if (z.shape.has_rank && y.shape.has_rank) {
    bool same = z.shape.rank() == y.shape.rank();
    for (size_t d = 0; same && d < z.shape.rank(); ++d) {
      const ir::Dim &a = z.shape.dims[d], &b = y.shape.dims[d];
      same = !(a.is_known() && b.is_known() && a.value != b.value);
    }
    if (!same) return ctx.error("Z " + z.shape.to_string() + " must have the output's shape " + y.shape.to_string());
  }
  return Status::ok();
}

Status apply_epilogue(KernelContext& ctx, Tensor& y) {
  HONE_ASSIGN_OR_RETURN(Epilogue e, read_epilogue(ctx));
  const Tensor* z = ctx.has_input(kEpilogueResidualInput) ? &ctx.input(kEpilogueResidualInput) : nullptr;
  if (z && (z->shape() != y.shape() || z->dtype() != y.dtype())) {
    return ctx.bad_input("Z " + shape_to_string(z->shape()) + " must have the output's shape " +
                         shape_to_string(y.shape()) + " and element type");
  }
  if (e.is_identity() && !z) return Status::ok();
  return dispatch_dtype<TypeSet::Float>(y.dtype(), ctx.node().op_type().c_str(), [&](auto tag) -> Status {
    using T = typename decltype(tag)::type;
    using C = ComputeType<T>;
    T* py = y.data<T>();
    const T* pz = z ? z->data<T>() : nullptr;
    const int64_t n = y.numel();
    // Each step rounds to T, exactly as the separate nodes did.
    for (int64_t i = 0; i < n; ++i) {
      T v = elementwise::store<T>(e.activation.apply(static_cast<C>(elementwise::load(py[i]))));
      if (pz) v = elementwise::store<T>(static_cast<C>(elementwise::load(v)) + static_cast<C>(elementwise::load(pz[i])));
      py[i] = elementwise::store<T>(e.post_activation.apply(static_cast<C>(elementwise::load(v))));
    }
    return Status::ok();
  });
}

}  // namespace hone::ops
