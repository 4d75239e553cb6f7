// PRelu: y = x < 0 ? slope * x : x, with slope broadcast onto x's shape (unidirectional).
// Before opset 7 a 1-D slope of x.shape[1] elements is per channel (axis 1), as Caffe's.
#include "ops/elementwise.hpp"

namespace hone::ops {
namespace {

namespace ew = elementwise;

// Opset < 7 per-channel slope: [C] -> [C, 1, ..., 1] aligned to x's axis 1.
bool legacy_channel_slope(int opset, const Shape& x, const Shape& slope) {
  return opset < 7 && slope.size() == 1 && x.size() >= 2 && slope[0] == x[1] && slope[0] != 1;
}

Status infer(InferContext& ctx) {
  if (ctx.opset() < 7) return ew::infer_unary(ctx);
  return ew::infer_broadcast(ctx, DataType::Undefined, {1});
}

Status run(KernelContext& ctx) {
  const Tensor& x = ctx.input(0);
  Tensor slope = ctx.input(1);
  if (slope.dtype() != x.dtype()) return ctx.bad_input("slope must have the input's element type");
  if (legacy_channel_slope(ctx.opset(), x.shape(), slope.shape())) {
    Shape s(x.shape().size() - 1, 1);
    s[0] = slope.dim(0);
    HONE_ASSIGN_OR_RETURN(slope, slope.reshaped(std::move(s)));
  }
  auto shape = broadcast_shapes(x.shape(), slope.shape());
  if (!shape.is_ok()) return ctx.bad_input(shape.status().message());
  HONE_ASSIGN_OR_RETURN(Tensor * y, ew::output(ctx, 0, x.dtype(), *shape));
  return dispatch_dtype<TypeSet::Numeric>(x.dtype(), "PRelu", [&](auto tag) {
    using T = typename decltype(tag)::type;
    ew::map_binary<T, T, T>(x, slope, *y, [](auto v, auto a) -> decltype(v) {
      if constexpr (std::is_unsigned_v<decltype(v)>) {
        return v;
      } else {
        return v < 0 ? ew::wrap_mul(a, v) : v;
      }
    });
    return Status::ok();
  });
}

}  // namespace

HONE_DEFINE_OP(PRelu){.name = "PRelu", .min_inputs = 2, .max_inputs = 2, .infer = infer, .run = run};

}  // namespace hone::ops
