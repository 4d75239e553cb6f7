// Adagrad (ai.onnx.preview.training): one ADAGRAD step per tensor; inputs (R, T, X..., G...,
// H...), outputs (X_new..., H_new...).
//   r = R / (1 + T*decay_factor);  g = norm_coefficient*X + G;  H' = H + g^2
//   X' = X - r * g / (sqrt(H') + epsilon)
#include "ops/optimizer.hpp"

#include <cmath>

namespace hone::ops {
namespace {

Status infer(InferContext& ctx) { return optimizer::infer(ctx, 1); }

Status run(KernelContext& ctx) {
  const double decay = ctx.attr_float("decay_factor"), eps = ctx.attr_float("epsilon"),
               norm = ctx.attr_float("norm_coefficient");
  return optimizer::run(ctx, 1, [&](double r, int64_t t, double x, double g, double* h) {
    const double rate = r / (1.0 + static_cast<double>(t) * decay);
    const double gr = norm * x + g;
    h[0] += gr * gr;
    return x - rate * gr / (std::sqrt(h[0]) + eps);
  });
}

}  // namespace

HONE_DEFINE_OP(Adagrad){
    .name = "Adagrad",
    .min_inputs = 5,
    .max_inputs = kVariadic,
    .min_outputs = 2,
    .max_outputs = kVariadic,
    .attrs = {attr_float("decay_factor", 0.0f), attr_float("epsilon", 1e-6f), attr_float("norm_coefficient", 0.0f)},
    .infer = infer,
    .run = run,
};

}  // namespace hone::ops
