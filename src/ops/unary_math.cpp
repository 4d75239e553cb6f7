// The unary math operators (Abs ... Tanh): y = f(x) elementwise, one rule per line. Floating
// types compute in float (double for double); see elementwise.hpp for the shared loop.
#include <cmath>
#include <limits>

#include "ops/elementwise.hpp"

namespace hone::ops {
namespace {

using elementwise::infer_unary;
using elementwise::infer_unary_bool;
using elementwise::run_unary;
using elementwise::run_unary_bool;

// An op over float, double, float16, bfloat16: y = EXPR(x).
#define HONE_UNARY_FLOAT_OP(Name, EXPR)                                                          \
  Status run_##Name(KernelContext& ctx) {                                                        \
    return run_unary<TypeSet::Float>(ctx, [](auto x) -> decltype(x) { return EXPR; });           \
  }
HONE_UNARY_FLOAT_OP(Acos, std::acos(x))
HONE_UNARY_FLOAT_OP(Acosh, std::acosh(x))
HONE_UNARY_FLOAT_OP(Asin, std::asin(x))
HONE_UNARY_FLOAT_OP(Asinh, std::asinh(x))
HONE_UNARY_FLOAT_OP(Atan, std::atan(x))
HONE_UNARY_FLOAT_OP(Atanh, std::atanh(x))
HONE_UNARY_FLOAT_OP(Ceil, std::ceil(x))
HONE_UNARY_FLOAT_OP(Cos, std::cos(x))
HONE_UNARY_FLOAT_OP(Cosh, std::cosh(x))
HONE_UNARY_FLOAT_OP(Erf, std::erf(x))
HONE_UNARY_FLOAT_OP(Exp, std::exp(x))
HONE_UNARY_FLOAT_OP(Floor, std::floor(x))
HONE_UNARY_FLOAT_OP(Log, std::log(x))
HONE_UNARY_FLOAT_OP(Reciprocal, 1 / x)
HONE_UNARY_FLOAT_OP(Round, std::nearbyint(x))  // half to even (the default rounding mode)
HONE_UNARY_FLOAT_OP(Sin, std::sin(x))
HONE_UNARY_FLOAT_OP(Sinh, std::sinh(x))
HONE_UNARY_FLOAT_OP(Sqrt, std::sqrt(x))
HONE_UNARY_FLOAT_OP(Tan, std::tan(x))
HONE_UNARY_FLOAT_OP(Tanh, std::tanh(x))
#undef HONE_UNARY_FLOAT_OP

// |x| over every numeric type (unsigned: x).
Status run_Abs(KernelContext& ctx) {
  return run_unary<TypeSet::Numeric>(ctx, [](auto x) -> decltype(x) {
    if constexpr (std::is_unsigned_v<decltype(x)>) return x;
    else return x < 0 ? elementwise::wrap_sub<decltype(x)>(0, x) : x;
  });
}

// -x over every numeric type (integers wrap: -INT_MIN == INT_MIN).
Status run_Neg(KernelContext& ctx) {
  return run_unary<TypeSet::Numeric>(ctx, [](auto x) -> decltype(x) { return elementwise::wrap_sub<decltype(x)>(0, x); });
}

// sign(x) in {-1, 0, 1} (NaN stays NaN).
Status run_Sign(KernelContext& ctx) {
  return run_unary<TypeSet::Numeric>(ctx, [](auto x) -> decltype(x) {
    using C = decltype(x);
    if constexpr (std::is_floating_point_v<C>) {
      if (std::isnan(x)) return x;
    }
    if constexpr (std::is_unsigned_v<C>) return x > 0 ? C(1) : C(0);
    else return x > C(0) ? C(1) : x < C(0) ? static_cast<C>(-1) : C(0);
  });
}

// Logical not of bool.
Status run_Not(KernelContext& ctx) {
  if (ctx.input(0).dtype() != DataType::Bool) {
    return ctx.unsupported("Not does not support element type " + std::string(dtype_name(ctx.input(0).dtype())));
  }
  HONE_ASSIGN_OR_RETURN(Tensor * y, elementwise::output(ctx, 0, DataType::Bool, ctx.input(0).shape()));
  elementwise::map_unary<bool, bool>(ctx.input(0), *y, [](bool x) { return !x; });
  return Status::ok();
}

Status run_IsNaN(KernelContext& ctx) {
  return run_unary_bool<TypeSet::AllFloat>(ctx, [](auto x) { return std::isnan(x); });
}

// isinf(x), restricted to +inf / -inf by detect_positive / detect_negative.
Status run_IsInf(KernelContext& ctx) {
  const bool pos = ctx.attr_int("detect_positive") != 0, neg = ctx.attr_int("detect_negative") != 0;
  return run_unary_bool<TypeSet::AllFloat>(ctx, [=](auto x) {
    return std::isinf(x) && ((x > 0 && pos) || (x < 0 && neg));
  });
}

}  // namespace

#define HONE_UNARY_DEF(Name, Infer, ...) \
  HONE_DEFINE_OP(Name){.name = #Name, .min_inputs = 1, .max_inputs = 1, .attrs = {__VA_ARGS__}, .infer = Infer, .run = run_##Name};
HONE_UNARY_DEF(Abs, infer_unary)
HONE_UNARY_DEF(Acos, infer_unary)
HONE_UNARY_DEF(Acosh, infer_unary)
HONE_UNARY_DEF(Asin, infer_unary)
HONE_UNARY_DEF(Asinh, infer_unary)
HONE_UNARY_DEF(Atan, infer_unary)
HONE_UNARY_DEF(Atanh, infer_unary)
HONE_UNARY_DEF(Ceil, infer_unary)
HONE_UNARY_DEF(Cos, infer_unary)
HONE_UNARY_DEF(Cosh, infer_unary)
HONE_UNARY_DEF(Erf, infer_unary)
HONE_UNARY_DEF(Exp, infer_unary)
HONE_UNARY_DEF(Floor, infer_unary)
HONE_UNARY_DEF(IsInf, infer_unary_bool, attr_int("detect_positive", 1), attr_int("detect_negative", 1))
HONE_UNARY_DEF(IsNaN, infer_unary_bool)
HONE_UNARY_DEF(Log, infer_unary)
HONE_UNARY_DEF(Neg, infer_unary)
HONE_UNARY_DEF(Not, infer_unary)
HONE_UNARY_DEF(Reciprocal, infer_unary)
HONE_UNARY_DEF(Round, infer_unary)
HONE_UNARY_DEF(Sign, infer_unary)
HONE_UNARY_DEF(Sin, infer_unary)
HONE_UNARY_DEF(Sinh, infer_unary)
HONE_UNARY_DEF(Sqrt, infer_unary)
HONE_UNARY_DEF(Tan, infer_unary)
HONE_UNARY_DEF(Tanh, infer_unary)
#undef HONE_UNARY_DEF

}  // namespace hone::ops
