// Transpose: y[i_0..i_n] = x[j] with j[perm[d]] = i_d, i.e. y.shape[d] = x.shape[perm[d]].
// perm defaults to reversing the axes.
#include "ops/indexing.hpp"

namespace hone::ops {
namespace {

Result<std::vector<int64_t>> perm_of(const AttrReader& ctx, int64_t rank) {
  std::vector<int64_t> perm;
  if (ctx.has_attr("perm")) {
    perm = ctx.attr_ints("perm");
    if (static_cast<int64_t>(perm.size()) != rank) {
      return ctx.error("perm has " + std::to_string(perm.size()) + " entries for an input of rank " + std::to_string(rank));
    }
    auto norm = normalize_axes(perm, rank);
    if (!norm.is_ok()) return ctx.error("perm: " + norm.status().message());
    return norm;
  }
  for (int64_t d = rank; d-- > 0;) perm.push_back(d);
  return perm;
}

Status infer(InferContext& ctx) {
  const DataType dt = ctx.input_dtype(0);
  const ir::TensorShape& s = ctx.input_shape(0);
  if (!s.has_rank) {
    ctx.set_output(0, dt, ctx.has_attr("perm") ? unknown_shape(static_cast<int64_t>(ctx.attr_ints("perm").size()))
                                               : ir::TensorShape::unknown());
    return Status::ok();
  }
  HONE_ASSIGN_OR_RETURN(auto perm, perm_of(ctx, static_cast<int64_t>(s.rank())));
  ir::TensorShape out = ir::TensorShape::of_rank(perm.size());
  for (size_t d = 0; d < perm.size(); ++d) out.dims[d] = s.dims[static_cast<size_t>(perm[d])];
  ctx.set_output(0, dt, out);
  return Status::ok();
}

Status run(KernelContext& ctx) {
  const Tensor& x = ctx.input(0);
  HONE_ASSIGN_OR_RETURN(auto perm, perm_of(ctx, x.rank()));
  Shape out(perm.size());
  for (size_t d = 0; d < perm.size(); ++d) out[d] = x.dim(perm[d]);
  HONE_ASSIGN_OR_RETURN(Tensor * y, ensure_output(ctx, 0, x.dtype(), out));
  permute_copy(x, perm, *y);
  return Status::ok();
}

}  // namespace

HONE_DEFINE_OP(Transpose){
    .name = "Transpose",
    .min_inputs = 1,
    .max_inputs = 1,
    .attrs = {attr_optional("perm", AttrType::Ints)},
    .infer = infer,
    .run = run,
};

}  // namespace hone::ops
