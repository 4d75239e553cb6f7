// ScatterElements (and its deprecated opset 9-10 name Scatter): y = copy of data, then for
// each position p of indices: y[p with p[axis] = indices[p]] (reduction)= updates[p].
// reduction: none (opset 11+), add/mul (16+), max/min (18+). Negative indices count from the
// back; out-of-range indices are an error.
#include "ops/indexing.hpp"

namespace hone::ops {
namespace {

Status run(KernelContext& ctx) {
  const Tensor& x = ctx.input(0);
  const Tensor& indices = ctx.input(1);
  const Tensor& updates = ctx.input(2);
  if (indices.shape() != updates.shape()) return ctx.bad_input("indices and updates must have the same shape");
  if (indices.rank() != x.rank() || x.rank() == 0) return ctx.bad_input("data and indices must have the same rank >= 1");
  if (updates.dtype() != x.dtype()) return ctx.bad_input("updates must have the data's element type");
  HONE_ASSIGN_OR_RETURN(int64_t axis, normalize_axis(ctx.attr_int("axis"), x.rank()));
  HONE_ASSIGN_OR_RETURN(ScatterReduction reduction, parse_reduction(ctx));
  for (int64_t d = 0; d < x.rank(); ++d) {
    if (d != axis && indices.dim(d) > x.dim(d)) return ctx.bad_input("indices shape exceeds data shape");
  }
  HONE_ASSIGN_OR_RETURN(Tensor * y, ensure_output(ctx, 0, x.dtype(), x.shape()));
  copy_elements(x, 0, *y, 0, x.numel());
  std::vector<int64_t> targets;
  HONE_RETURN_IF_ERROR(element_positions(ctx, x, indices, axis, &targets));
  return scatter_blocks(ctx, *y, updates, targets, 1, reduction);
}

}  // namespace

HONE_DEFINE_OP(ScatterElements){
    .name = "ScatterElements",
    .min_inputs = 3,
    .max_inputs = 3,
    .attrs = {attr_int("axis", 0), attr_string("reduction", "none")},
    .infer = infer_same_as_input,
    .run = run,
};

HONE_DEFINE_OP(Scatter){
    .name = "Scatter",
    .min_inputs = 3,
    .max_inputs = 3,
    .attrs = {attr_int("axis", 0), attr_string("reduction", "none")},
    .infer = infer_same_as_input,
    .run = run,
};

}  // namespace hone::ops
