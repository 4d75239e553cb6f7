// Activation functions: y = f(x) elementwise with the op's attributes, one rule per op.
// Floating types compute in float (double for double); see elementwise.hpp.
#include <cmath>

#include "ops/activation.hpp"
#include "ops/elementwise.hpp"

namespace hone::ops {
namespace {

using elementwise::infer_unary;
using elementwise::run_unary;

// y = max(0, x) (NaN stays NaN); integer types too (opset 14).
Status run_Relu(KernelContext& ctx) {
  return run_unary<TypeSet::Numeric>(ctx, [](auto x) -> decltype(x) {
    if constexpr (std::is_unsigned_v<decltype(x)>) return x;
    else return relu_fn(x);
  });
}

// y = x >= 0 ? x : alpha * x
Status run_LeakyRelu(KernelContext& ctx) {
  const float alpha = ctx.attr_float("alpha");
  return run_unary<TypeSet::Float>(ctx, [=](auto x) -> decltype(x) { return leaky_relu_fn(x, decltype(x)(alpha)); });
}

// y = x >= 0 ? x : alpha * (e^x - 1)
Status run_Elu(KernelContext& ctx) {
  const float alpha = ctx.attr_float("alpha");
  return run_unary<TypeSet::Float>(ctx, [=](auto x) -> decltype(x) { return elu_fn(x, decltype(x)(alpha)); });
}

// y = gamma * (x > 0 ? x : alpha * (e^x - 1))
Status run_Selu(KernelContext& ctx) {
  const float alpha = ctx.attr_float("alpha"), gamma = ctx.attr_float("gamma");
  return run_unary<TypeSet::Float>(ctx, [=](auto x) -> decltype(x) {
    using C = decltype(x);
    return C(gamma) * (x > 0 ? x : C(alpha) * std::expm1(x));
  });
}

// y = max(0, x) + min(0, alpha * (e^(x/alpha) - 1))
Status run_Celu(KernelContext& ctx) {
  const float alpha = ctx.attr_float("alpha");
  if (alpha == 0) return ctx.error("alpha must not be 0");
  return run_unary<TypeSet::Float>(ctx, [=](auto x) -> decltype(x) {
    using C = decltype(x);
    return std::max(C(0), x) + std::min(C(0), C(alpha) * std::expm1(x / C(alpha)));
  });
}

// y = 1 / (1 + e^-x)
Status run_Sigmoid(KernelContext& ctx) {
  return run_unary<TypeSet::Float>(ctx, [](auto x) -> decltype(x) { return sigmoid_fn(x); });
}

// y = max(0, min(1, alpha * x + beta))
Status run_HardSigmoid(KernelContext& ctx) {
  const float alpha = ctx.attr_float("alpha"), beta = ctx.attr_float("beta");
  return run_unary<TypeSet::Float>(ctx, [=](auto x) -> decltype(x) {
    using C = decltype(x);
    return hard_sigmoid_fn(x, C(alpha), C(beta));
  });
}

// y = x * max(0, min(1, x / 6 + 1/2))
Status run_HardSwish(KernelContext& ctx) {
  return run_unary<TypeSet::Float>(ctx, [](auto x) -> decltype(x) { return hard_swish_fn(x); });
}

// y = log(1 + e^x)
Status run_Softplus(KernelContext& ctx) {
  return run_unary<TypeSet::Float>(ctx, [](auto x) -> decltype(x) { return softplus_fn(x); });
}

// y = x / (1 + |x|)
Status run_Softsign(KernelContext& ctx) {
  return run_unary<TypeSet::Float>(ctx, [](auto x) -> decltype(x) { return x / (decltype(x)(1) + std::abs(x)); });
}

// y = x * tanh(softplus(x))
Status run_Mish(KernelContext& ctx) {
  return run_unary<TypeSet::Float>(ctx, [](auto x) -> decltype(x) { return mish_fn(x); });
}

// approximate="none": y = x/2 * (1 + erf(x / sqrt(2)))
// approximate="tanh": y = x/2 * (1 + tanh(sqrt(2/pi) * (x + 0.044715 x^3)))
Status run_Gelu(KernelContext& ctx) {
  const std::string& approximate = ctx.attr_string("approximate");
  if (approximate == "none") {
    return run_unary<TypeSet::Float>(ctx, [](auto x) -> decltype(x) { return gelu_erf_fn(x); });
  }
  if (approximate == "tanh") {
    return run_unary<TypeSet::Float>(ctx, [](auto x) -> decltype(x) { return gelu_tanh_fn(x); });
  }
  return ctx.error("approximate must be 'none' or 'tanh', got '" + approximate + "'");
}

// y = x * sigmoid(alpha * x)
Status run_Swish(KernelContext& ctx) {
  const float alpha = ctx.attr_float("alpha");
  return run_unary<TypeSet::Float>(ctx, [=](auto x) -> decltype(x) { return swish_fn(x, decltype(x)(alpha)); });
}

// y = x > alpha ? x : 0
Status run_ThresholdedRelu(KernelContext& ctx) {
  const float alpha = ctx.attr_float("alpha");
  return run_unary<TypeSet::Float>(ctx, [=](auto x) -> decltype(x) { return x > decltype(x)(alpha) ? x : decltype(x)(0); });
}

// y = x < -lambd ? x + bias : x > lambd ? x - bias : 0, any numeric type (integers compute
// in double and convert back).
Status run_Shrink(KernelContext& ctx) {
  const double lambd = ctx.attr_float("lambd"), bias = ctx.attr_float("bias");
  return run_unary<TypeSet::Numeric>(ctx, [=](auto x) -> decltype(x) {
    using C = decltype(x);
    const double v = static_cast<double>(x);
    const double y = v < -lambd ? v + bias : v > lambd ? v - bias : 0.0;
    if constexpr (std::is_floating_point_v<C>) return static_cast<C>(y);
    else return static_cast<C>(static_cast<int64_t>(y));
  });
}

}  // namespace

#define HONE_ACTIVATION_DEF(Name, ...) \
  HONE_DEFINE_OP(Name){.name = #Name, .min_inputs = 1, .max_inputs = 1, .attrs = {__VA_ARGS__}, .infer = infer_unary, .run = run_##Name};
HONE_ACTIVATION_DEF(Relu)
HONE_ACTIVATION_DEF(LeakyRelu, attr_float("alpha", 0.01f))
HONE_ACTIVATION_DEF(Elu, attr_float("alpha", 1.0f))
HONE_ACTIVATION_DEF(Selu, attr_float("alpha", 1.67326319217681884765625f), attr_float("gamma", 1.05070102214813232421875f))
HONE_ACTIVATION_DEF(Celu, attr_float("alpha", 1.0f))
HONE_ACTIVATION_DEF(Sigmoid)
HONE_ACTIVATION_DEF(HardSigmoid, attr_float("alpha", 0.2f), attr_float("beta", 0.5f))
HONE_ACTIVATION_DEF(HardSwish)
HONE_ACTIVATION_DEF(Softplus)
HONE_ACTIVATION_DEF(Softsign)
HONE_ACTIVATION_DEF(Mish)
HONE_ACTIVATION_DEF(Gelu, attr_string("approximate", "none"))
HONE_ACTIVATION_DEF(Swish, attr_float("alpha", 1.0f))
HONE_ACTIVATION_DEF(ThresholdedRelu, attr_float("alpha", 1.0f))
HONE_ACTIVATION_DEF(Shrink, attr_float("lambd", 0.5f), attr_float("bias", 0.0f))
#undef HONE_ACTIVATION_DEF

}  // namespace hone::ops
