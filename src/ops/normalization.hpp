// Shared by LayerNormalization and RMSNormalization: normalization over the trailing axes
// [axis, rank) of X, with a scale (and bias) broadcast to those axes. Statistics are computed
// in double; X's dtype may be float, double, float16 or bfloat16.
#pragma once

#include <cmath>
#include <vector>

#include "ops/float_buffer.hpp"
#include "ops/op_def.hpp"

namespace hone::ops {

struct TrailingNormSpec {
  bool center = true;        // LayerNorm subtracts the mean; RMSNorm does not
  int scale_input = 1;
  int bias_input = -1;       // -1: no bias input
  int mean_output = -1;      // -1: no statistics outputs
  int inv_std_output = -1;
};

/// Output types: Y like X; the statistics outputs (if any) have X's leading dims followed by
/// 1s, in the stash_type dtype.
inline Status infer_trailing_norm(InferContext& ctx, const TrailingNormSpec& spec) {
  HONE_RETURN_IF_ERROR(ctx.require_dtype(0, {DataType::Float, DataType::Double, DataType::Float16, DataType::BFloat16}));
  const ir::Type& x = ctx.input_type(0);
  ctx.set_output(0, x);
  if (spec.mean_output < 0) return Status::ok();
  const int64_t stash = ctx.attr_int("stash_type");
  if (!is_valid_dtype(static_cast<int>(stash)) || !is_plain_float_dtype(static_cast<DataType>(stash))) {
    return ctx.error("stash_type " + std::to_string(stash) + " is not a float type");
  }
  ir::TensorShape stat = ir::TensorShape::unknown();
  if (x.shape.has_rank) {
    const int64_t rank = static_cast<int64_t>(x.shape.rank());
    auto axis = normalize_axis(ctx.attr_int("axis"), rank);
    if (!axis.is_ok()) return ctx.error(axis.status().message());
    stat = x.shape;
    for (int64_t d = *axis; d < rank; ++d) stat.dims[static_cast<size_t>(d)] = ir::Dim(1);
  }
  for (int o : {spec.mean_output, spec.inv_std_output}) {
    if (static_cast<size_t>(o) < ctx.num_outputs()) ctx.set_output(static_cast<size_t>(o), static_cast<DataType>(stash), stat);
  }
  return Status::ok();
}

/// For each row r of the `inner` = prod(X.shape[axis:]) trailing elements:
///   center:  mean = sum(x)/n, var = sum((x-mean)^2)/n, inv_std = 1/sqrt(var + epsilon),
///            y = (x - mean) * inv_std * scale + bias
///   RMS:     inv_std = 1/sqrt(sum(x^2)/n + epsilon), y = x * inv_std * scale
/// scale and bias broadcast (numpy rules) to X's shape.
inline Status run_trailing_norm(KernelContext& ctx, const TrailingNormSpec& spec) {
  const Tensor& x_in = ctx.input(0);
  const int64_t rank = x_in.rank();
  auto axis_r = normalize_axis(ctx.attr_int("axis"), rank);
  if (!axis_r.is_ok()) return ctx.bad_input(axis_r.status().message());
  const int64_t axis = *axis_r;
  int64_t outer = 1, inner = 1;
  for (int64_t d = 0; d < rank; ++d) (d < axis ? outer : inner) *= x_in.dim(d);
  const double epsilon = ctx.attr_float("epsilon");

  HONE_ASSIGN_OR_RETURN(std::vector<double> x, load_float_buffer<double>(x_in, ctx.node().op_type().c_str()));
  auto load_broadcast = [&](int input, std::vector<double>* out) -> Status {
    const Tensor& t = ctx.input(static_cast<size_t>(input));
    auto b = broadcast_shapes(t.shape(), x_in.shape());
    if (!b.is_ok() || *b != x_in.shape()) {
      return ctx.bad_input("input " + std::to_string(input) + " " + shape_to_string(t.shape()) +
                           " does not broadcast to X " + shape_to_string(x_in.shape()));
    }
    HONE_ASSIGN_OR_RETURN(std::vector<double> v, load_float_buffer<double>(t, ctx.node().op_type().c_str()));
    const std::vector<int64_t> map = broadcast_index_map(x_in.shape(), t.shape());
    out->resize(map.size());
    for (size_t i = 0; i < map.size(); ++i) (*out)[i] = v[static_cast<size_t>(map[i])];
    return Status::ok();
  };
  std::vector<double> scale, bias;
  HONE_RETURN_IF_ERROR(load_broadcast(spec.scale_input, &scale));
  const bool has_bias = spec.bias_input >= 0 && ctx.has_input(static_cast<size_t>(spec.bias_input));
  if (has_bias) HONE_RETURN_IF_ERROR(load_broadcast(spec.bias_input, &bias));

  std::vector<double> y(x.size()), mean(static_cast<size_t>(outer)), inv_std(static_cast<size_t>(outer));
  for (int64_t r = 0; r < outer; ++r) {
    const double* row = x.data() + r * inner;
    double m = 0;
    if (spec.center) {
      for (int64_t i = 0; i < inner; ++i) m += row[i];
      m = inner > 0 ? m / static_cast<double>(inner) : 0.0;
    }
    double sq = 0;
    for (int64_t i = 0; i < inner; ++i) sq += (row[i] - m) * (row[i] - m);
    const double var = inner > 0 ? sq / static_cast<double>(inner) : 0.0;
    const double is = 1.0 / std::sqrt(var + epsilon);
    mean[static_cast<size_t>(r)] = m;
    inv_std[static_cast<size_t>(r)] = is;
    for (int64_t i = 0; i < inner; ++i) {
      const size_t k = static_cast<size_t>(r * inner + i);
      y[k] = (row[i] - m) * is * scale[k] + (has_bias ? bias[k] : 0.0);
    }
  }
  HONE_RETURN_IF_ERROR(store_float_buffer(y, ctx.output(0), ctx.node().op_type().c_str()));
  for (auto [o, values] : {std::pair{spec.mean_output, &mean}, std::pair{spec.inv_std_output, &inv_std}}) {
    if (o < 0 || !ctx.has_output(static_cast<size_t>(o))) continue;
    HONE_RETURN_IF_ERROR(store_float_buffer(*values, ctx.output(static_cast<size_t>(o)), ctx.node().op_type().c_str()));
  }
  return Status::ok();
}

}  // namespace hone::ops
