// Binarizer (ai.onnx.ml): y = x > threshold ? 1 : 0, in x's type.
#include "ops/op_def.hpp"

namespace hone::ops {
namespace {

Status infer(InferContext& ctx) {
  HONE_RETURN_IF_ERROR(ctx.require_dtype(0, {DataType::Float, DataType::Double, DataType::Int64, DataType::Int32}));
  ctx.set_output(0, ctx.input_type(0));
  return Status::ok();
}

Status run(KernelContext& ctx) {
  const Tensor& x = ctx.input(0);
  Tensor& y = ctx.output(0);
  const double threshold = ctx.attr_float("threshold");
  return dispatch_dtype<TypeSet::Numeric>(x.dtype(), "Binarizer", [&](auto tag) {
    using T = typename decltype(tag)::type;
    for (int64_t i = 0; i < x.numel(); ++i) {
      y.data<T>()[i] = T(static_cast<double>(static_cast<ComputeType<T>>(x.data<T>()[i])) > threshold ? 1.0f : 0.0f);
    }
    return Status::ok();
  });
}

}  // namespace

HONE_DEFINE_OP(Binarizer){
    .name = "Binarizer",
    .min_inputs = 1,
    .max_inputs = 1,
    .attrs = {attr_float("threshold", 0.0f)},
    .infer = infer,
    .run = run,
};

}  // namespace hone::ops
