// Adam (ai.onnx.preview.training): one Adam step per tensor; inputs (R, T, X..., G..., V...,
// H...), outputs (X_new..., V_new..., H_new...).
//   g = norm_coefficient*X + G;  V' = alpha*V + (1-alpha)*g;  H' = beta*H + (1-beta)*g^2
//   r = T > 0 ? R*sqrt(1-beta^T)/(1-alpha^T) : R
//   X' = (1 - norm_coefficient_post) * (X - r * V' / (sqrt(H') + epsilon))
#include "ops/optimizer.hpp"

#include <cmath>

namespace hone::ops {
namespace {

Status infer(InferContext& ctx) { return optimizer::infer(ctx, 2); }

Status run(KernelContext& ctx) {
  const double alpha = ctx.attr_float("alpha"), beta = ctx.attr_float("beta"), eps = ctx.attr_float("epsilon"),
               norm = ctx.attr_float("norm_coefficient"), norm_post = ctx.attr_float("norm_coefficient_post");
  return optimizer::run(ctx, 2, [&](double r, int64_t t, double x, double g, double* vh) {
    const double gr = norm * x + g;
    vh[0] = alpha * vh[0] + (1.0 - alpha) * gr;
    vh[1] = beta * vh[1] + (1.0 - beta) * gr * gr;
    const double td = static_cast<double>(t);
    const double rate = t > 0 ? r * std::sqrt(1.0 - std::pow(beta, td)) / (1.0 - std::pow(alpha, td)) : r;
    return (1.0 - norm_post) * (x - rate * vh[0] / (std::sqrt(vh[1]) + eps));
  });
}

}  // namespace

HONE_DEFINE_OP(Adam){
    .name = "Adam",
    .min_inputs = 6,
    .max_inputs = kVariadic,
    .min_outputs = 3,
    .max_outputs = kVariadic,
    .attrs = {attr_float("alpha", 0.9f), attr_float("beta", 0.999f), attr_float("epsilon", 1e-6f),
              attr_float("norm_coefficient", 0.0f), attr_float("norm_coefficient_post", 0.0f)},
    .infer = infer,
    .run = run,
};

}  // namespace hone::ops
