// Clip: y = min(max(x, min), max). Bounds are the `min`/`max` float attributes before opset
// 11 and optional scalar inputs 1 and 2 from opset 11 (absent: no bound).
#include <limits>

#include "ops/activation.hpp"
#include "ops/elementwise.hpp"

namespace hone::ops {
namespace {

namespace ew = elementwise;

Status infer(InferContext& ctx) {
  for (size_t i = 1; i < 3; ++i) {
    if (ctx.has_input(i) && ctx.input_dtype(i) != DataType::Undefined && ctx.input_dtype(i) != ctx.input_dtype(0)) {
      return ctx.error("input " + std::to_string(i) + " has element type " + std::string(dtype_name(ctx.input_dtype(i))) +
                       ", input 0 has " + std::string(dtype_name(ctx.input_dtype(0))) + "; they must match");
    }
  }
  return ew::infer_unary(ctx);
}

Status run(KernelContext& ctx) {
  const Tensor& x = ctx.input(0);
  for (size_t i = 1; i < 3; ++i) {
    if (!ctx.has_input(i)) continue;
    const Tensor& bound = ctx.input(i);
    if (bound.dtype() != x.dtype()) return ctx.bad_input("min and max must have the input's element type");
    if (bound.numel() != 1) {
      return ctx.bad_input(std::string(i == 1 ? "min" : "max") + " must be a scalar, got shape " +
                           shape_to_string(bound.shape()));
    }
  }
  const bool legacy = ctx.opset() < 11;
  if (legacy && !is_float(x.dtype())) {
    return ctx.unsupported("Clip before opset 11 does not support element type " + std::string(dtype_name(x.dtype())));
  }
  HONE_ASSIGN_OR_RETURN(Tensor * y, ew::output(ctx, 0, x.dtype(), x.shape()));
  return dispatch_dtype<TypeSet::Numeric>(x.dtype(), "Clip", [&](auto tag) {
    using T = typename decltype(tag)::type;
    using C = ComputeType<T>;
    C lo = std::numeric_limits<C>::lowest(), hi = std::numeric_limits<C>::max();
    if constexpr (std::is_floating_point_v<C>) {
      lo = -std::numeric_limits<C>::infinity();
      hi = std::numeric_limits<C>::infinity();
    }
    if constexpr (std::is_floating_point_v<C>) {
      if (legacy) {
        lo = static_cast<C>(ctx.attr_float("min"));
        hi = static_cast<C>(ctx.attr_float("max"));
      }
    }
    if (!legacy) {
      if (ctx.has_input(1)) lo = ew::load(ctx.input(1).data<T>()[0]);
      if (ctx.has_input(2)) hi = ew::load(ctx.input(2).data<T>()[0]);
    }
    ew::map_unary<T, T>(x, *y, [=](C v) -> C { return clip_fn(v, lo, hi); });
    return Status::ok();
  });
}

}  // namespace

HONE_DEFINE_OP(Clip){
    .name = "Clip",
    .min_inputs = 1,
    .max_inputs = 3,
    .attrs = {attr_float("min", std::numeric_limits<float>::lowest()), attr_float("max", std::numeric_limits<float>::max())},
    .infer = infer,
    .run = run,
};

}  // namespace hone::ops
