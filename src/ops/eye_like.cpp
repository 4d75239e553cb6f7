// EyeLike: y (2-D, x's shape) = 1 where col == row + k, else 0; dtype from the `dtype`
// attribute, else x's.
#include "ops/indexing.hpp"

namespace hone::ops {
namespace {

Result<DataType> out_dtype(const AttrReader& ctx, DataType in) {
  if (!ctx.has_attr("dtype")) return in;
  const int64_t raw = ctx.attr_int("dtype");
  if (!is_valid_dtype(static_cast<int>(raw))) return ctx.error("invalid dtype " + std::to_string(raw));
  return static_cast<DataType>(raw);
}

Status infer(InferContext& ctx) {
  HONE_ASSIGN_OR_RETURN(DataType dt, out_dtype(ctx, ctx.input_dtype(0)));
  const ir::TensorShape& s = ctx.input_shape(0);
  if (s.has_rank && s.rank() != 2) return ctx.bad_input("input must be 2-D");
  ctx.set_output(0, dt, s);
  return Status::ok();
}

Status run(KernelContext& ctx) {
  const Tensor& x = ctx.input(0);
  if (x.rank() != 2) return ctx.bad_input("input must be 2-D");
  HONE_ASSIGN_OR_RETURN(DataType dt, out_dtype(ctx, x.dtype()));
  if (dt == DataType::String) return ctx.unsupported("EyeLike does not support element type string");
  HONE_ASSIGN_OR_RETURN(Tensor * y, ensure_output(ctx, 0, dt, x.shape()));
  const int64_t k = ctx.attr_int("k");
  for (int64_t i = 0; i < x.dim(0); ++i) {
    for (int64_t j = 0; j < x.dim(1); ++j) store_double(*y, i * x.dim(1) + j, j == i + k ? 1.0 : 0.0);
  }
  return Status::ok();
}

}  // namespace

HONE_DEFINE_OP(EyeLike){
    .name = "EyeLike",
    .min_inputs = 1,
    .max_inputs = 1,
    .attrs = {attr_optional("dtype", AttrType::Int), attr_int("k", 0)},
    .infer = infer,
    .run = run,
};

}  // namespace hone::ops
