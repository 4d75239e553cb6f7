// Dropout. In inference (the default: opset < 12 always, later unless training_mode is true)
// y = x and mask = all true. In training mode with ratio r > 0:
//   mask[i] = u[i] >= r,  y[i] = x[i] * mask[i] / (1 - r)
// with u[i] uniform in [0, 1) drawn like numpy's RandomState(seed).uniform (MT19937, 53-bit
// doubles), so a `seed` attribute reproduces the ONNX reference outputs. mask is bool from
// opset 10, x's type before.
#include "ops/indexing.hpp"

#include <random>

namespace hone::ops {
namespace {

DataType mask_dtype(const InferContext& ctx) { return ctx.opset() >= 10 ? DataType::Bool : ctx.input_dtype(0); }

Status infer(InferContext& ctx) {
  ctx.set_output(0, ctx.input_type(0));
  if (ctx.num_outputs() > 1) ctx.set_output(1, mask_dtype(ctx), ctx.input_shape(0));
  return Status::ok();
}

Status run(KernelContext& ctx) {
  const Tensor& x = ctx.input(0);
  double ratio = ctx.attr_float("ratio");
  bool training = false;
  if (ctx.opset() >= 12) {
    ratio = ctx.has_input(1) && ctx.input(1).numel() > 0 ? static_cast<double>(static_cast<float>(ctx.input(1).get_double(0))) : 0.5;
    training = ctx.has_input(2) && ctx.input(2).numel() > 0 && ctx.input(2).get_int64(0) != 0;
  }
  if (training && (ratio < 0 || ratio > 1)) return ctx.bad_input("ratio must be in [0, 1]");
  const bool drop = training && ratio > 0;
  const bool want_mask = ctx.num_outputs() > 1 && ctx.has_output(1);
  const DataType mdt = ctx.opset() >= 10 ? DataType::Bool : x.dtype();
  Tensor* mask = nullptr;
  if (want_mask) {
    HONE_ASSIGN_OR_RETURN(mask, ensure_output(ctx, 1, mdt, x.shape()));
  }
  if (!drop) {
    ctx.set_output(0, Datum::of(x));
    if (mask) {
      for (int64_t i = 0; i < x.numel(); ++i) store_double(*mask, i, 1.0);
    }
    return Status::ok();
  }
  HONE_ASSIGN_OR_RETURN(Tensor * y, ensure_output(ctx, 0, x.dtype(), x.shape()));
  std::mt19937 rng(static_cast<uint32_t>(ctx.has_attr("seed") ? ctx.attr_int("seed") : static_cast<int64_t>(ctx.seed())));
  const double scale = ratio < 1 ? 1.0 / (1.0 - ratio) : 0.0;
  for (int64_t i = 0; i < x.numel(); ++i) {
    const uint32_t a = rng() >> 5, b = rng() >> 6;
    const double u = (a * 67108864.0 + b) / 9007199254740992.0;
    const bool keep = u >= ratio;
    store_double(*y, i, keep ? x.get_double(i) * scale : 0.0);
    if (mask) store_double(*mask, i, keep ? 1.0 : 0.0);
  }
  return Status::ok();
}

}  // namespace

HONE_DEFINE_OP(Dropout){
    .name = "Dropout",
    .min_inputs = 1,
    .max_inputs = 3,
    .min_outputs = 1,
    .max_outputs = 2,
    .attrs = {attr_float("ratio", 0.5f), attr_optional("seed", AttrType::Int)},
    .infer = infer,
    .run = run,
};

}  // namespace hone::ops
