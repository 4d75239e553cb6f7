// InstanceNormalization: per (n, c) plane statistics over the spatial positions,
//   y = scale[c] * (x - mean[n,c]) / sqrt(var[n,c] + epsilon) + B[c]   (population variance)
#include <cmath>

#include "ops/conv_geometry.hpp"

namespace hone::ops {
namespace {

Status infer(InferContext& ctx) {
  HONE_RETURN_IF_ERROR(ctx.require_dtype(0, {DataType::Float, DataType::Double, DataType::Float16, DataType::BFloat16}));
  if (ctx.input_shape(0).has_rank && ctx.input_shape(0).rank() < 2) return ctx.error("input must have rank >= 2");
  ctx.set_output(0, ctx.input_type(0));
  return Status::ok();
}

Status run(KernelContext& ctx) {
  const Tensor& x = ctx.input(0);
  const int64_t batch = x.dim(0), channels = x.dim(1);
  const int64_t plane = batch * channels > 0 ? x.numel() / (batch * channels) : 0;
  const std::vector<double> scale = ctx.input(1).to_double_vector(), bias = ctx.input(2).to_double_vector();
  if (static_cast<int64_t>(scale.size()) != channels || static_cast<int64_t>(bias.size()) != channels) {
    return ctx.error("scale and B must have " + std::to_string(channels) + " values");
  }
  const double eps = ctx.attr_float("epsilon");
  std::vector<double> v = x.to_double_vector();
  for (int64_t n = 0; n < batch; ++n)
    for (int64_t c = 0; c < channels; ++c) {
      double* p = v.data() + (n * channels + c) * plane;
      double mean = 0, var = 0;
      for (int64_t i = 0; i < plane; ++i) mean += p[i];
      mean /= static_cast<double>(plane);
      for (int64_t i = 0; i < plane; ++i) var += (p[i] - mean) * (p[i] - mean);
      var /= static_cast<double>(plane);
      const double k = scale[static_cast<size_t>(c)] / std::sqrt(var + eps);
      for (int64_t i = 0; i < plane; ++i) p[i] = (p[i] - mean) * k + bias[static_cast<size_t>(c)];
    }
  return store_doubles(ctx.output(0), v, "InstanceNormalization");
}

}  // namespace

HONE_DEFINE_OP(InstanceNormalization){
    .name = "InstanceNormalization",
    .min_inputs = 3,
    .max_inputs = 3,
    .attrs = {attr_float("epsilon", 1e-5f)},
    .infer = infer,
    .run = run,
};

}  // namespace hone::ops
