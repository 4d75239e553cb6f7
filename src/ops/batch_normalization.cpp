// BatchNormalization over axis 1 (channels):
//   Y = scale[c] * (X - mean[c]) / sqrt(var[c] + epsilon) + B[c]
// Inference uses the given mean/var. With training_mode (opset 14+) the batch statistics over
// every axis but 1 are used (population variance), and the optional outputs are
//   running_mean = mean * momentum + batch_mean * (1 - momentum), running_var likewise.
// Opsets < 9 with spatial=0 carry per-(channel, position) parameters of shape [C, D1, ...];
// their is_test/consumed_inputs attributes change nothing at inference.
#include <cmath>

#include "ops/conv_geometry.hpp"

namespace hone::ops {
namespace {

bool is_float_type(DataType t) {
  return t == DataType::Float || t == DataType::Double || t == DataType::Float16 || t == DataType::BFloat16;
}

Status infer(InferContext& ctx) {
  for (size_t i = 0; i < 5; ++i) {
    if (!is_float_type(ctx.input_dtype(i))) {
      return ctx.unsupported("BatchNormalization does not support element type " + std::string(dtype_name(ctx.input_dtype(i))));
    }
  }
  const ir::TensorShape& x = ctx.input_shape(0);
  if (x.has_rank && x.rank() < 2) return ctx.error("X must have rank >= 2, got " + x.to_string());
  ctx.set_output(0, ctx.input_type(0));
  // Training outputs: running mean/var (opset 14+: [C]), or opset < 9's mean/var/saved_mean/saved_var.
  for (size_t i = 1; i < ctx.num_outputs(); ++i) {
    if (ctx.has_output(i)) ctx.set_output(i, ctx.input_type(i >= 3 ? i : i + 2));
  }
  return Status::ok();
}

Status run(KernelContext& ctx) {
  const Tensor& x = ctx.input(0);
  const int64_t batch = x.dim(0), channels = x.dim(1);
  const int64_t plane = batch * channels > 0 ? x.numel() / (batch * channels) : 0;
  std::vector<double> param[4];
  for (int i = 0; i < 4; ++i) {
    param[i] = ctx.input(static_cast<size_t>(i + 1)).to_double_vector();
    const auto n = static_cast<int64_t>(param[i].size());
    if (n != channels && n != channels * plane) {
      return ctx.error("input " + std::to_string(i + 1) + " has " + std::to_string(n) + " values for " +
                       std::to_string(channels) + " channels");
    }
  }
  const double eps = ctx.attr_float("epsilon");
  const double momentum = ctx.attr_float("momentum");
  const bool training = ctx.opset() >= 14 && ctx.attr_int("training_mode") != 0;
  const std::vector<double> xv = x.to_double_vector();

  std::vector<double> mean = param[2], var = param[3];
  if (training) {
    // Batch statistics per channel over N and the spatial positions.
    mean.assign(static_cast<size_t>(channels), 0.0);
    var.assign(static_cast<size_t>(channels), 0.0);
    const double count = static_cast<double>(batch * plane);
    for (int64_t c = 0; c < channels; ++c) {
      double s = 0;
      for (int64_t n = 0; n < batch; ++n)
        for (int64_t i = 0; i < plane; ++i) s += xv[static_cast<size_t>((n * channels + c) * plane + i)];
      const double m = count > 0 ? s / count : 0.0;
      double q = 0;
      for (int64_t n = 0; n < batch; ++n)
        for (int64_t i = 0; i < plane; ++i) {
          const double d = xv[static_cast<size_t>((n * channels + c) * plane + i)] - m;
          q += d * d;
        }
      mean[static_cast<size_t>(c)] = m;
      var[static_cast<size_t>(c)] = count > 0 ? q / count : 0.0;
    }
  }
  auto at = [&](const std::vector<double>& p, int64_t c, int64_t i) {
    return static_cast<int64_t>(p.size()) == channels ? p[static_cast<size_t>(c)] : p[static_cast<size_t>(c * plane + i)];
  };
  std::vector<double> yv(xv.size());
  for (int64_t n = 0; n < batch; ++n)
    for (int64_t c = 0; c < channels; ++c)
      for (int64_t i = 0; i < plane; ++i) {
        const size_t k = static_cast<size_t>((n * channels + c) * plane + i);
        yv[k] = at(param[0], c, i) * (xv[k] - at(mean, c, i)) / std::sqrt(at(var, c, i) + eps) + at(param[1], c, i);
      }
  HONE_RETURN_IF_ERROR(store_doubles(ctx.output(0), yv, "BatchNormalization"));
  if (training) {
    for (size_t o = 1; o <= 2 && o < ctx.num_outputs(); ++o) {
      if (!ctx.has_output(o)) continue;
      const std::vector<double>& running = param[o + 1];
      const std::vector<double>& current = o == 1 ? mean : var;
      std::vector<double> r(running.size());
      for (size_t c = 0; c < r.size(); ++c) r[c] = running[c] * momentum + current[c] * (1 - momentum);
      HONE_RETURN_IF_ERROR(store_doubles(ctx.output(o), r, "BatchNormalization"));
    }
  } else {
    // Inference: optional statistics outputs pass the given mean/var through.
    for (size_t o = 1; o < ctx.num_outputs(); ++o) {
      if (ctx.has_output(o)) ctx.set_output(o, ctx.input_datum(o >= 3 ? o : o + 2));
    }
  }
  return Status::ok();
}

}  // namespace

HONE_DEFINE_OP(BatchNormalization){
    .name = "BatchNormalization",
    .min_inputs = 5,
    .max_inputs = 5,
    .min_outputs = 1,
    .max_outputs = 5,
    .attrs = {attr_float("epsilon", 1e-5f), attr_float("momentum", 0.9f), attr_int("training_mode", 0),
              attr_int("is_test", 0), attr_int("spatial", 1), attr_ints("consumed_inputs", {})},
    .infer = infer,
    .run = run,
};

}  // namespace hone::ops
