// Trilu: keeps the upper (upper=1: col - row >= k) or lower (upper=0: col - row <= k)
// triangle of each matrix in the last two dims, zeroing the rest. k is an optional scalar input.
#include "ops/indexing.hpp"

namespace hone::ops {
namespace {

Status infer(InferContext& ctx) {
  const ir::TensorShape& s = ctx.input_shape(0);
  if (s.has_rank && s.rank() < 2) return ctx.bad_input("input must have rank >= 2");
  ctx.set_output(0, ctx.input_type(0));
  return Status::ok();
}

Status run(KernelContext& ctx) {
  const Tensor& x = ctx.input(0);
  if (x.rank() < 2) return ctx.bad_input("input must have rank >= 2");
  const int64_t k = ctx.has_input(1) && ctx.input(1).numel() > 0 ? ctx.input(1).get_int64(0) : 0;
  const bool upper = ctx.attr_int("upper") != 0;
  HONE_ASSIGN_OR_RETURN(Tensor * y, ensure_output(ctx, 0, x.dtype(), x.shape()));
  const int64_t rows = x.dim(x.rank() - 2), cols = x.dim(x.rank() - 1);
  for (int64_t i = 0; i < x.numel(); ++i) {
    const int64_t c = i % cols, r = (i / cols) % rows;
    const bool keep = upper ? c - r >= k : c - r <= k;
    if (keep) copy_elements(x, i, *y, i, 1);
    else set_zero(*y, i);
  }
  return Status::ok();
}

}  // namespace

HONE_DEFINE_OP(Trilu){
    .name = "Trilu",
    .min_inputs = 1,
    .max_inputs = 2,
    .attrs = {attr_int("upper", 1)},
    .infer = infer,
    .run = run,
};

}  // namespace hone::ops
