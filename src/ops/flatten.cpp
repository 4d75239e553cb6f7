// Flatten: y = x reshaped to [prod(dims[:axis]), prod(dims[axis:])]; axis in [-rank, rank].
#include "ops/indexing.hpp"

namespace hone::ops {
namespace {

Result<int64_t> flatten_axis(const AttrReader& ctx, int64_t rank) {
  int64_t axis = ctx.attr_int("axis");
  if (axis < -rank || axis > rank) {
    return ctx.error("axis " + std::to_string(axis) + " is out of range for rank " + std::to_string(rank));
  }
  return axis < 0 ? axis + rank : axis;
}

Status infer(InferContext& ctx) {
  const DataType dt = ctx.input_dtype(0);
  const ir::TensorShape& s = ctx.input_shape(0);
  if (!s.has_rank) {
    ctx.set_output(0, dt, unknown_shape(2));
    return Status::ok();
  }
  HONE_ASSIGN_OR_RETURN(int64_t axis, flatten_axis(ctx, static_cast<int64_t>(s.rank())));
  ir::TensorShape out = ir::TensorShape::of_rank(2);
  int64_t outer = 1, inner = 1;
  for (size_t d = 0; d < s.rank(); ++d) {
    int64_t& p = static_cast<int64_t>(d) < axis ? outer : inner;
    if (p >= 0 && s.dims[d].is_known()) p *= s.dims[d].value;
    else p = -1;
  }
  out.dims[0] = outer;
  out.dims[1] = inner;
  ctx.set_output(0, dt, out);
  return Status::ok();
}

Status run(KernelContext& ctx) {
  const Tensor& x = ctx.input(0);
  HONE_ASSIGN_OR_RETURN(int64_t axis, flatten_axis(ctx, x.rank()));
  HONE_ASSIGN_OR_RETURN(Tensor y, x.reshaped({dims_product(x.shape(), 0, axis), dims_product(x.shape(), axis, x.rank())}));
  ctx.set_output(0, Datum::of(std::move(y)));
  return Status::ok();
}

}  // namespace

HONE_DEFINE_OP(Flatten){
    .name = "Flatten",
    .min_inputs = 1,
    .max_inputs = 1,
    .attrs = {attr_int("axis", 1)},
    .infer = infer,
    .run = run,
};

}  // namespace hone::ops
