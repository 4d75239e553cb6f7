// StringConcat: y = x + y element-wise over string tensors, with numpy broadcasting.
#include "ops/op_def.hpp"

namespace hone::ops {
namespace {

Status infer(InferContext& ctx) {
  HONE_RETURN_IF_ERROR(ctx.require_dtype(0, {DataType::String}));
  HONE_RETURN_IF_ERROR(ctx.require_dtype(1, {DataType::String}));
  auto shape = broadcast_shapes(ctx.input_shape(0), ctx.input_shape(1));
  if (!shape.is_ok()) return ctx.bad_input(shape.status().message());
  ctx.set_output(0, DataType::String, *shape);
  return Status::ok();
}

Status run(KernelContext& ctx) {
  const Tensor& a = ctx.input(0);
  const Tensor& b = ctx.input(1);
  Tensor& y = ctx.output(0);
  for_each_broadcast(y.shape(), a.shape(), b.shape(), [&](int64_t o, int64_t i, int64_t j) {
    y.strings()[o] = a.strings()[i] + b.strings()[j];
  });
  return Status::ok();
}

}  // namespace

HONE_DEFINE_OP(StringConcat){
    .name = "StringConcat",
    .min_inputs = 2,
    .max_inputs = 2,
    .infer = infer,
    .run = run,
};

}  // namespace hone::ops
