// GatherElements: y[i_0..i_r] = x[i_0.., indices[i_0..i_r], ..i_r] (the index replaces the
// coordinate on `axis`); y has the shape of indices. Negative indices count from the back.
#include "ops/indexing.hpp"

namespace hone::ops {
namespace {

Status infer(InferContext& ctx) {
  ctx.set_output(0, ctx.input_dtype(0), ctx.input_shape(1));
  return Status::ok();
}

Status run(KernelContext& ctx) {
  const Tensor& x = ctx.input(0);
  const Tensor& indices = ctx.input(1);
  if (indices.rank() != x.rank() || x.rank() == 0) return ctx.bad_input("data and indices must have the same rank >= 1");
  HONE_ASSIGN_OR_RETURN(int64_t axis, normalize_axis(ctx.attr_int("axis"), x.rank()));
  for (int64_t d = 0; d < x.rank(); ++d) {
    if (d != axis && indices.dim(d) > x.dim(d)) {
      return ctx.bad_input("indices shape " + shape_to_string(indices.shape()) + " exceeds data shape " + shape_to_string(x.shape()));
    }
  }
  HONE_ASSIGN_OR_RETURN(Tensor * y, ensure_output(ctx, 0, x.dtype(), indices.shape()));
  std::vector<int64_t> map;
  HONE_RETURN_IF_ERROR(element_positions(ctx, x, indices, axis, &map));
  gather_by_map(x, map, *y);
  return Status::ok();
}

}  // namespace

HONE_DEFINE_OP(GatherElements){
    .name = "GatherElements",
    .min_inputs = 2,
    .max_inputs = 2,
    .attrs = {attr_int("axis", 0)},
    .infer = infer,
    .run = run,
};

}  // namespace hone::ops
