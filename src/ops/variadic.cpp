// Variadic elementwise operators over one or more inputs broadcast together: Max, Min, Sum,
// Mean. Folded left to right: y = f(...f(x0, x1)..., xn), each step in the element type (as
// numpy does). Max and Min propagate NaN.
#include <cmath>

#include "ops/elementwise.hpp"

namespace hone::ops {
namespace {

namespace ew = elementwise;

template <class C>
bool is_nan(C x) {
  if constexpr (std::is_floating_point_v<C>) return std::isnan(x);
  else return false;
}

// y = max(x0, ..., xn)
Status run_Max(KernelContext& ctx) {
  return ew::run_variadic<TypeSet::Numeric>(ctx, [](auto a, auto b) { return is_nan(a) || a >= b ? a : b; });
}

// y = min(x0, ..., xn)
Status run_Min(KernelContext& ctx) {
  return ew::run_variadic<TypeSet::Numeric>(ctx, [](auto a, auto b) { return is_nan(a) || a <= b ? a : b; });
}

// y = x0 + ... + xn
Status run_Sum(KernelContext& ctx) {
  return ew::run_variadic<TypeSet::Numeric>(ctx, [](auto a, auto b) { return ew::wrap_add(a, b); });
}

// y = (x0 + ... + xn) / (n + 1)
Status run_Mean(KernelContext& ctx) {
  HONE_RETURN_IF_ERROR(ew::run_variadic<TypeSet::Float>(ctx, [](auto a, auto b) { return a + b; }));
  size_t count = 0;
  for (size_t i = 0; i < ctx.num_inputs(); ++i) count += ctx.has_input(i) ? 1 : 0;
  Tensor& y = ctx.output(0);
  return dispatch_dtype<TypeSet::Float>(y.dtype(), "Mean", [&](auto tag) {
    using T = typename decltype(tag)::type;
    ew::map_unary<T, T>(y, y, [=](auto s) { return s / static_cast<decltype(s)>(count); });
    return Status::ok();
  });
}

}  // namespace

#define HONE_VARIADIC_DEF(Name) \
  HONE_DEFINE_OP(Name){.name = #Name, .min_inputs = 1, .max_inputs = kVariadic, .infer = ew::infer_variadic, .run = run_##Name};
HONE_VARIADIC_DEF(Max)
HONE_VARIADIC_DEF(Min)
HONE_VARIADIC_DEF(Sum)
HONE_VARIADIC_DEF(Mean)
#undef HONE_VARIADIC_DEF

}  // namespace hone::ops
