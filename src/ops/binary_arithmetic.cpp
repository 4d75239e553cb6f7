// Binary arithmetic: Add, Sub, Mul, Div, Mod, Pow with numpy-style broadcasting (and the
// opset < 7 `broadcast`/`axis` rule). Integers wrap around; integer Div truncates toward
// zero; division by zero of integers gives 0 rather than trapping.
#include <cmath>
#include <limits>

#include "ops/elementwise.hpp"

namespace hone::ops {
namespace {

namespace ew = elementwise;

// c = a + b
Status run_Add(KernelContext& ctx) {
  return ew::run_binary<TypeSet::Numeric>(ctx, [](auto a, auto b) { return ew::wrap_add(a, b); });
}

// c = a - b
Status run_Sub(KernelContext& ctx) {
  return ew::run_binary<TypeSet::Numeric>(ctx, [](auto a, auto b) { return ew::wrap_sub(a, b); });
}

// c = a * b
Status run_Mul(KernelContext& ctx) {
  return ew::run_binary<TypeSet::Numeric>(ctx, [](auto a, auto b) { return ew::wrap_mul(a, b); });
}

// c = a / b; integers truncate toward zero, x / 0 = 0 and MIN / -1 = MIN (wraps).
Status run_Div(KernelContext& ctx) {
  return ew::run_binary<TypeSet::Numeric>(ctx, [](auto a, auto b) -> decltype(a) {
    using C = decltype(a);
    if constexpr (ew::kIsPlainInt<C>) {
      if (b == 0) return 0;
      if constexpr (std::is_signed_v<C>) {
        if (b == -1) return ew::wrap_sub<C>(0, a);
      }
    }
    return a / b;
  });
}

// fmod=0: the result has the divisor's sign (Python's %); fmod=1: the dividend's (C fmod).
// Integer x mod 0 = 0.
Status run_Mod(KernelContext& ctx) {
  const bool c_fmod = ctx.attr_int("fmod") != 0;
  return ew::run_binary<TypeSet::Numeric>(ctx, [=](auto a, auto b) -> decltype(a) {
    using C = decltype(a);
    C r;
    if constexpr (ew::kIsPlainInt<C>) {
      if (b == 0) return 0;
      if constexpr (std::is_signed_v<C>) {
        if (b == -1) return 0;
      }
      r = static_cast<C>(a % b);
    } else {
      r = std::fmod(a, b);
    }
    if constexpr (std::is_signed_v<C> || std::is_floating_point_v<C>) {
      if (!c_fmod && r != 0 && ((r < 0) != (b < 0))) r = static_cast<C>(r + b);
    }
    return r;
  });
}

// base^exponent for non-negative integer exponents, wrapping like repeated multiplication.
int64_t int_pow(int64_t base, int64_t exponent) {
  uint64_t result = 1, b = static_cast<uint64_t>(base);
  for (uint64_t e = static_cast<uint64_t>(exponent); e != 0; e >>= 1) {
    if (e & 1) result *= b;
    b *= b;
  }
  return static_cast<int64_t>(result);
}

// c = a ^ b; the output has the base's type. The exponent may have another numeric type
// (opset 12+): it is then read as double. Floating bases compute in double; integer bases
// with integer exponents exactly (negative exponents: 1/a^|b| truncated, as numpy's float path).
Status run_Pow(KernelContext& ctx) {
  HONE_ASSIGN_OR_RETURN(ew::BinaryArgs args, ew::prepare_binary(ctx, DataType::Undefined, false));
  const Tensor& a = *args.a;
  Tensor& b = args.b;
  Tensor* y = args.y;
  if (b.dtype() != DataType::Double) {
    if (b.dtype() == DataType::String || b.dtype() == DataType::Bool || !(is_float(b.dtype()) || is_integer(b.dtype()))) {
      return ctx.unsupported("Pow does not support exponent element type " + std::string(dtype_name(b.dtype())));
    }
    // Read the exponent as double: one kernel per base type instead of base x exponent types.
    Tensor d = Tensor::zeros(DataType::Double, b.shape());
    for (int64_t i = 0; i < b.numel(); ++i) d.data<double>()[i] = b.get_double(i);
    b = std::move(d);
  }
  return dispatch_dtype<TypeSet::Numeric>(a.dtype(), "Pow", [&](auto tag) {
    using T = typename decltype(tag)::type;
    ew::map_binary<T, double, T>(a, b, *y, [](auto x, double e) -> decltype(x) {
      using C = decltype(x);
      if constexpr (ew::kIsPlainInt<C>) {
        if (e >= 0 && e == std::floor(e) && e < 64) return static_cast<C>(int_pow(static_cast<int64_t>(x), static_cast<int64_t>(e)));
        const double v = std::pow(static_cast<double>(x), e);
        return std::fabs(v) < 9.2e18 ? static_cast<C>(static_cast<int64_t>(v)) : C(0);
      } else {
        return static_cast<C>(std::pow(static_cast<double>(x), e));
      }
    });
    return Status::ok();
  });
}

Status infer_Pow(InferContext& ctx) { return ew::infer_broadcast(ctx, DataType::Undefined, {}); }

}  // namespace

HONE_DEFINE_OP(Add){.name = "Add", .min_inputs = 2, .max_inputs = 2, .attrs = ew::legacy_broadcast_attrs(), .infer = ew::infer_binary, .run = run_Add};
HONE_DEFINE_OP(Sub){.name = "Sub", .min_inputs = 2, .max_inputs = 2, .attrs = ew::legacy_broadcast_attrs(), .infer = ew::infer_binary, .run = run_Sub};
HONE_DEFINE_OP(Mul){.name = "Mul", .min_inputs = 2, .max_inputs = 2, .attrs = ew::legacy_broadcast_attrs(), .infer = ew::infer_binary, .run = run_Mul};
HONE_DEFINE_OP(Div){.name = "Div", .min_inputs = 2, .max_inputs = 2, .attrs = ew::legacy_broadcast_attrs(), .infer = ew::infer_binary, .run = run_Div};
HONE_DEFINE_OP(Pow){.name = "Pow", .min_inputs = 2, .max_inputs = 2, .attrs = ew::legacy_broadcast_attrs(), .infer = infer_Pow, .run = run_Pow};
HONE_DEFINE_OP(Mod){.name = "Mod", .min_inputs = 2, .max_inputs = 2, .attrs = {attr_int("fmod", 0)}, .infer = ew::infer_binary, .run = run_Mod};

}  // namespace hone::ops
