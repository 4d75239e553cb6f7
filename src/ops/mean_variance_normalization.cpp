// MeanVarianceNormalization: over `axes` (default [0, 2, 3]),
//   y = (x - E[x]) / (sqrt(E[x^2] - E[x]^2) + 1e-9)
#include <cmath>

#include "ops/conv_geometry.hpp"

namespace hone::ops {
namespace {

Status infer(InferContext& ctx) {
  HONE_RETURN_IF_ERROR(ctx.require_dtype(0, {DataType::Float, DataType::Double, DataType::Float16, DataType::BFloat16}));
  ctx.set_output(0, ctx.input_type(0));
  return Status::ok();
}

Status run(KernelContext& ctx) {
  const Tensor& x = ctx.input(0);
  std::vector<bool> reduced(static_cast<size_t>(x.rank()), false);
  for (int64_t a : ctx.attr_ints("axes")) {
    HONE_ASSIGN_OR_RETURN(int64_t n, normalize_axis(a, x.rank()));
    reduced[static_cast<size_t>(n)] = true;
  }
  // Group elements by their coordinates on the kept axes.
  const std::vector<int64_t> strides = shape_strides(x.shape());
  std::vector<int64_t> group(static_cast<size_t>(x.numel()));
  int64_t groups = 1;
  std::vector<int64_t> kept_stride(static_cast<size_t>(x.rank()), 0);
  for (int64_t d = x.rank() - 1; d >= 0; --d) {
    if (reduced[static_cast<size_t>(d)]) continue;
    kept_stride[static_cast<size_t>(d)] = groups;
    groups *= x.dim(d);
  }
  for (int64_t i = 0; i < x.numel(); ++i) {
    int64_t g = 0;
    for (int64_t d = 0; d < x.rank(); ++d) g += (i / strides[static_cast<size_t>(d)] % x.dim(d)) * kept_stride[static_cast<size_t>(d)];
    group[static_cast<size_t>(i)] = g;
  }
  std::vector<double> v = x.to_double_vector();
  std::vector<double> sum(static_cast<size_t>(groups), 0.0), sq(static_cast<size_t>(groups), 0.0), count(static_cast<size_t>(groups), 0.0);
  for (size_t i = 0; i < v.size(); ++i) {
    const auto g = static_cast<size_t>(group[i]);
    sum[g] += v[i];
    sq[g] += v[i] * v[i];
    count[g] += 1;
  }
  for (size_t i = 0; i < v.size(); ++i) {
    const auto g = static_cast<size_t>(group[i]);
    const double mean = sum[g] / count[g];
    const double var = std::max(0.0, sq[g] / count[g] - mean * mean);
    v[i] = (v[i] - mean) / (std::sqrt(var) + 1e-9);
  }
  return store_doubles(ctx.output(0), v, "MeanVarianceNormalization");
}

}  // namespace

HONE_DEFINE_OP(MeanVarianceNormalization){
    .name = "MeanVarianceNormalization",
    .min_inputs = 1,
    .max_inputs = 1,
    .attrs = {attr_ints("axes", {0, 2, 3})},
    .infer = infer,
    .run = run,
};

}  // namespace hone::ops
