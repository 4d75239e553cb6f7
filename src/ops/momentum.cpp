// Momentum (ai.onnx.preview.training): one SGD-with-momentum step per tensor; inputs (R, T,
// X..., G..., V...), outputs (X_new..., V_new...).
//   g = norm_coefficient*X + G;  V' = alpha*V + (T > 0 ? beta : 1)*g
//   standard: X' = X - R*V'      nesterov: X' = X - R*(g + alpha*V')
#include "ops/optimizer.hpp"

namespace hone::ops {
namespace {

Status infer(InferContext& ctx) {
  const std::string& mode = ctx.attr_string("mode");
  if (mode != "standard" && mode != "nesterov") return ctx.error("mode must be standard or nesterov, got '" + mode + "'");
  return optimizer::infer(ctx, 1);
}

Status run(KernelContext& ctx) {
  const double alpha = ctx.attr_float("alpha"), beta = ctx.attr_float("beta"), norm = ctx.attr_float("norm_coefficient");
  const bool nesterov = ctx.attr_string("mode") == "nesterov";
  return optimizer::run(ctx, 1, [&](double r, int64_t t, double x, double g, double* v) {
    const double gr = norm * x + g;
    v[0] = alpha * v[0] + (t > 0 ? beta : 1.0) * gr;
    return nesterov ? x - r * (gr + alpha * v[0]) : x - r * v[0];
  });
}

}  // namespace

HONE_DEFINE_OP(Momentum){
    .name = "Momentum",
    .min_inputs = 5,
    .max_inputs = kVariadic,
    .min_outputs = 2,
    .max_outputs = kVariadic,
    .attrs = {attr_required("alpha", AttrType::Float), attr_required("beta", AttrType::Float),
              attr_required("mode", AttrType::String), attr_required("norm_coefficient", AttrType::Float)},
    .infer = infer,
    .run = run,
};

}  // namespace hone::ops
