// Range: y[i] = start + i * delta for i in [0, max(ceil((limit - start) / delta), 0)).
// Integer types are computed exactly in int64, floating types in double.
#include "ops/indexing.hpp"

#include <cmath>

namespace hone::ops {
namespace {

Result<int64_t> count_of(const AttrReader& ctx, const Tensor& start, const Tensor& limit, const Tensor& delta) {
  if (start.numel() != 1 || limit.numel() != 1 || delta.numel() != 1) return ctx.bad_input("start, limit and delta must be scalars");
  if (is_integer(start.dtype())) {
    const int64_t s = start.get_int64(0), l = limit.get_int64(0), d = delta.get_int64(0);
    if (d == 0) return ctx.bad_input("delta cannot be 0");
    const int64_t span = l - s;
    // ceil(span / d) for any signs.
    int64_t n = span / d;
    if (n * d != span && ((span > 0) == (d > 0))) ++n;
    return std::max<int64_t>(n, 0);
  }
  const double s = start.get_double(0), l = limit.get_double(0), d = delta.get_double(0);
  if (d == 0) return ctx.bad_input("delta cannot be 0");
  const double n = std::ceil((l - s) / d);
  if (!(n < 9.0e18)) return ctx.bad_input("range is too long");
  return std::max<int64_t>(static_cast<int64_t>(n), 0);
}

Status infer(InferContext& ctx) {
  const DataType dt = ctx.input_dtype(0);
  const Tensor* s = ctx.input_value(0);
  const Tensor* l = ctx.input_value(1);
  const Tensor* d = ctx.input_value(2);
  if (s && l && d) {
    HONE_ASSIGN_OR_RETURN(int64_t n, count_of(ctx, *s, *l, *d));
    ctx.set_output(0, dt, ir::TensorShape::of({n}));
  } else {
    ctx.set_output(0, dt, unknown_shape(1));
  }
  return Status::ok();
}

Status run(KernelContext& ctx) {
  const Tensor& start = ctx.input(0);
  HONE_ASSIGN_OR_RETURN(int64_t n, count_of(ctx, start, ctx.input(1), ctx.input(2)));
  HONE_ASSIGN_OR_RETURN(Tensor * y, ensure_output(ctx, 0, start.dtype(), {n}));
  if (is_integer(start.dtype())) {
    const int64_t s = start.get_int64(0), d = ctx.input(2).get_int64(0);
    for (int64_t i = 0; i < n; ++i) store_int64(*y, i, s + i * d);
  } else {
    const double s = start.get_double(0), d = ctx.input(2).get_double(0);
    for (int64_t i = 0; i < n; ++i) store_double(*y, i, s + static_cast<double>(i) * d);
  }
  return Status::ok();
}

}  // namespace

HONE_DEFINE_OP(Range){
    .name = "Range",
    .min_inputs = 3,
    .max_inputs = 3,
    .infer = infer,
    .run = run,
};

}  // namespace hone::ops
