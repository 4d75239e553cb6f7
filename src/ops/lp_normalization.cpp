// LpNormalization: y = x / (sum_axis |x|^p)^(1/p) along `axis` (p is 1 or 2); a zero norm gives 0.
#include <cmath>

#include "ops/conv_geometry.hpp"

namespace hone::ops {
namespace {

Status infer(InferContext& ctx) {
  HONE_RETURN_IF_ERROR(ctx.require_dtype(0, {DataType::Float, DataType::Double, DataType::Float16, DataType::BFloat16}));
  const int64_t p = ctx.attr_int("p");
  if (p != 1 && p != 2) return ctx.error("p must be 1 or 2, got " + std::to_string(p));
  if (ctx.input_shape(0).has_rank) {
    auto axis = normalize_axis(ctx.attr_int("axis"), static_cast<int64_t>(ctx.input_shape(0).rank()));
    if (!axis.is_ok()) return ctx.error(axis.status().message());
  }
  ctx.set_output(0, ctx.input_type(0));
  return Status::ok();
}

Status run(KernelContext& ctx) {
  const Tensor& x = ctx.input(0);
  HONE_ASSIGN_OR_RETURN(int64_t axis, normalize_axis(ctx.attr_int("axis"), x.rank()));
  const double p = static_cast<double>(ctx.attr_int("p"));
  int64_t outer = 1, inner = 1;
  for (int64_t i = 0; i < axis; ++i) outer *= x.dim(i);
  for (int64_t i = axis + 1; i < x.rank(); ++i) inner *= x.dim(i);
  const int64_t len = x.dim(axis);
  std::vector<double> v = x.to_double_vector();
  for (int64_t o = 0; o < outer; ++o)
    for (int64_t i = 0; i < inner; ++i) {
      double norm = 0;
      for (int64_t k = 0; k < len; ++k) norm += std::pow(std::fabs(v[static_cast<size_t>((o * len + k) * inner + i)]), p);
      norm = std::pow(norm, 1.0 / p);
      for (int64_t k = 0; k < len; ++k) {
        double& e = v[static_cast<size_t>((o * len + k) * inner + i)];
        e = norm == 0 ? 0.0 : e / norm;
      }
    }
  return store_doubles(ctx.output(0), v, "LpNormalization");
}

}  // namespace

HONE_DEFINE_OP(LpNormalization){
    .name = "LpNormalization",
    .min_inputs = 1,
    .max_inputs = 1,
    .attrs = {attr_int("axis", -1), attr_int("p", 2)},
    .infer = infer,
    .run = run,
};

}  // namespace hone::ops
