// GroupNormalization (opset 18, 21): splits the C channels of X [N, C, ...] into num_groups
// groups, normalizes each (sample, group) over its channels and spatial positions, then
// applies a scale and bias. Opset 18 has one scale/bias per group; opset 21 one per channel.
//   Y[n,c,...] = (X[n,c,...] - mean[n,g]) / sqrt(var[n,g] + epsilon) * scale + bias,
//   g = c / (C / num_groups)
#include <cmath>

#include "ops/float_buffer.hpp"
#include "ops/op_def.hpp"

namespace hone::ops {
namespace {

Status infer(InferContext& ctx) {
  HONE_RETURN_IF_ERROR(ctx.require_dtype(0, {DataType::Float, DataType::Double, DataType::Float16, DataType::BFloat16}));
  if (ctx.attr_int("num_groups") <= 0) return ctx.error("num_groups must be positive");
  ctx.set_output(0, ctx.input_type(0));
  return Status::ok();
}

Status run(KernelContext& ctx) {
  const Tensor& x_in = ctx.input(0);
  const int64_t groups = ctx.attr_int("num_groups");
  if (x_in.rank() < 2) return ctx.bad_input("X must have rank >= 2 (N, C, ...)");
  const int64_t batch = x_in.dim(0), channels = x_in.dim(1);
  if (channels % groups != 0) {
    return ctx.bad_input("channels (" + std::to_string(channels) + ") must be divisible by num_groups (" +
                         std::to_string(groups) + ")");
  }
  const int64_t spatial = channels == 0 ? 0 : x_in.numel() / (batch * channels == 0 ? 1 : batch * channels);
  const int64_t per_group = channels / groups;
  const int64_t n_scale = ctx.input(1).numel();
  if (ctx.input(2).numel() != n_scale) return ctx.bad_input("scale and bias must have the same size");
  // Opset 18: one scale per group; opset 21: one per channel. When only the other reading
  // fits the given size, use it (models exported against the other opset's convention).
  bool per_channel = ctx.opset() >= 21;
  if (n_scale != (per_channel ? channels : groups)) per_channel = !per_channel;
  if (n_scale != (per_channel ? channels : groups)) {
    return ctx.bad_input("scale has " + std::to_string(n_scale) + " elements, expected " +
                         std::to_string(ctx.opset() >= 21 ? channels : groups));
  }
  HONE_ASSIGN_OR_RETURN(std::vector<double> x, load_float_buffer<double>(x_in, "GroupNormalization"));
  HONE_ASSIGN_OR_RETURN(std::vector<double> scale, load_float_buffer<double>(ctx.input(1), "GroupNormalization"));
  HONE_ASSIGN_OR_RETURN(std::vector<double> bias, load_float_buffer<double>(ctx.input(2), "GroupNormalization"));
  const double epsilon = ctx.attr_float("epsilon");
  std::vector<double> y(x.size());
  const int64_t block = per_group * spatial;  // elements of one (sample, group)
  for (int64_t n = 0; n < batch; ++n) {
    for (int64_t g = 0; g < groups; ++g) {
      const int64_t base = (n * groups + g) * block;
      double mean = 0, sq = 0;
      for (int64_t i = 0; i < block; ++i) mean += x[static_cast<size_t>(base + i)];
      mean = block > 0 ? mean / static_cast<double>(block) : 0.0;
      for (int64_t i = 0; i < block; ++i) sq += (x[static_cast<size_t>(base + i)] - mean) * (x[static_cast<size_t>(base + i)] - mean);
      const double inv_std = 1.0 / std::sqrt((block > 0 ? sq / static_cast<double>(block) : 0.0) + epsilon);
      for (int64_t i = 0; i < block; ++i) {
        const int64_t c = g * per_group + i / spatial;
        const size_t p = static_cast<size_t>(per_channel ? c : g);
        const size_t k = static_cast<size_t>(base + i);
        y[k] = (x[k] - mean) * inv_std * scale[p] + bias[p];
      }
    }
  }
  return store_float_buffer(y, ctx.output(0), "GroupNormalization");
}

}  // namespace

HONE_DEFINE_OP(GroupNormalization){
    .name = "GroupNormalization",
    .min_inputs = 3,
    .max_inputs = 3,
    .attrs = {attr_float("epsilon", 1e-5f), attr_required("num_groups", AttrType::Int), attr_int("stash_type", 1)},
    .infer = infer,
    .run = run,
};

}  // namespace hone::ops
