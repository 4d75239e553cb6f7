// Where: y = condition ? x : y elementwise, the three inputs broadcast together (numpy-style).
// Any element type for x and y (strings included); condition is bool.
#include "ops/elementwise.hpp"

namespace hone::ops {
namespace {

namespace ew = elementwise;

Status infer(InferContext& ctx) {
  if (ctx.input_dtype(0) != DataType::Undefined && ctx.input_dtype(0) != DataType::Bool) {
    return ctx.error("condition must be bool, got " + std::string(dtype_name(ctx.input_dtype(0))));
  }
  // Output type from X; Y must match it.
  if (ctx.input_dtype(1) != DataType::Undefined && ctx.input_dtype(2) != DataType::Undefined &&
      ctx.input_dtype(1) != ctx.input_dtype(2)) {
    return ctx.error("X and Y must have the same element type, got " + std::string(dtype_name(ctx.input_dtype(1))) +
                     " and " + std::string(dtype_name(ctx.input_dtype(2))));
  }
  auto s = broadcast_shapes(ctx.input_shape(0), ctx.input_shape(1));
  if (!s.is_ok()) return ctx.error(s.status().message());
  auto s2 = broadcast_shapes(*s, ctx.input_shape(2));
  if (!s2.is_ok()) return ctx.error(s2.status().message());
  ctx.set_output(0, ir::Type::tensor(ctx.input_dtype(1), std::move(s2).value()));
  return Status::ok();
}

Status run(KernelContext& ctx) {
  const Tensor &cond = ctx.input(0), &x = ctx.input(1), &y = ctx.input(2);
  if (cond.dtype() != DataType::Bool) return ctx.bad_input("condition must be bool");
  if (x.dtype() != y.dtype()) return ctx.bad_input("X and Y must have the same element type");
  auto s = broadcast_shapes(cond.shape(), x.shape());
  if (!s.is_ok()) return ctx.bad_input(s.status().message());
  auto shape = broadcast_shapes(*s, y.shape());
  if (!shape.is_ok()) return ctx.bad_input(shape.status().message());
  HONE_ASSIGN_OR_RETURN(Tensor * out, ew::output(ctx, 0, x.dtype(), *shape));
  const auto rows = ew::BroadcastRows::make(out->shape(), {&cond.shape(), &x.shape(), &y.shape()});
  return dispatch_any(x.dtype(), "Where", [&](auto tag) {
    using T = typename decltype(tag)::type;
    const bool* pc = cond.data<bool>();
    const T* px = x.data<T>();
    const T* py = y.data<T>();
    T* po = out->data<T>();
    const int64_t n = rows.row, sc = rows.row_stride[0], sx = rows.row_stride[1], sy = rows.row_stride[2];
    rows.for_each_row([&](int64_t o, const auto& off) {
      for (int64_t i = 0; i < n; ++i) {
        po[o + i] = pc[off[0] + i * sc] ? px[off[1] + i * sx] : py[off[2] + i * sy];
      }
    });
    return Status::ok();
  });
}

}  // namespace

HONE_DEFINE_OP(Where){.name = "Where", .min_inputs = 3, .max_inputs = 3, .infer = infer, .run = run};

}  // namespace hone::ops
