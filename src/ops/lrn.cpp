// LRN: local response normalization across channels,
//   y[n,c] = x[n,c] / (bias + alpha/size * sum_{c' = c - floor((size-1)/2)}^{c + ceil((size-1)/2)} x[n,c']^2)^beta
#include <cmath>

#include "ops/conv_geometry.hpp"

namespace hone::ops {
namespace {

Status infer(InferContext& ctx) {
  HONE_RETURN_IF_ERROR(ctx.require_dtype(0, {DataType::Float, DataType::Double, DataType::Float16, DataType::BFloat16}));
  if (ctx.attr_int("size") <= 0) return ctx.error("size must be positive");
  if (ctx.input_shape(0).has_rank && ctx.input_shape(0).rank() < 2) return ctx.error("input must have rank >= 2");
  ctx.set_output(0, ctx.input_type(0));
  return Status::ok();
}

Status run(KernelContext& ctx) {
  const Tensor& x = ctx.input(0);
  const int64_t batch = x.dim(0), channels = x.dim(1);
  const int64_t plane = batch * channels > 0 ? x.numel() / (batch * channels) : 0;
  const int64_t size = ctx.attr_int("size");
  const double alpha = ctx.attr_float("alpha"), beta = ctx.attr_float("beta"), bias = ctx.attr_float("bias");
  const int64_t before = (size - 1) / 2, after = size - 1 - before;
  const std::vector<double> xv = x.to_double_vector();
  std::vector<double> yv(xv.size());
  for (int64_t n = 0; n < batch; ++n)
    for (int64_t c = 0; c < channels; ++c)
      for (int64_t i = 0; i < plane; ++i) {
        double sq = 0;
        for (int64_t k = std::max<int64_t>(0, c - before); k <= std::min(channels - 1, c + after); ++k) {
          const double v = xv[static_cast<size_t>((n * channels + k) * plane + i)];
          sq += v * v;
        }
        const size_t at = static_cast<size_t>((n * channels + c) * plane + i);
        yv[at] = xv[at] / std::pow(bias + alpha / static_cast<double>(size) * sq, beta);
      }
  return store_doubles(ctx.output(0), yv, "LRN");
}

}  // namespace

HONE_DEFINE_OP(LRN){
    .name = "LRN",
    .min_inputs = 1,
    .max_inputs = 1,
    .attrs = {attr_float("alpha", 1e-4f), attr_float("beta", 0.75f), attr_float("bias", 1.0f),
              attr_required("size", AttrType::Int)},
    .infer = infer,
    .run = run,
};

}  // namespace hone::ops
