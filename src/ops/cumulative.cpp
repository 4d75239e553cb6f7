// CumSum / CumProd: running sum / product along the axis given by a scalar input:
//   y[j] = x[0] op ... op x[j]  (exclusive=1: up to x[j-1], starting from 0 / 1;
//   reverse=1: accumulate from the end). Narrow floats accumulate in float.
#include "ops/indexing.hpp"

namespace hone::ops {
namespace {

template <bool kProduct>
Status run(KernelContext& ctx) {
  const Tensor& x = ctx.input(0);
  if (ctx.input(1).numel() != 1) return ctx.bad_input("axis must be a scalar");
  HONE_ASSIGN_OR_RETURN(int64_t axis, normalize_axis(ctx.input(1).get_int64(0), x.rank()));
  HONE_ASSIGN_OR_RETURN(Tensor * y, ensure_output(ctx, 0, x.dtype(), x.shape()));
  if (x.rank() == 0) {
    copy_elements(x, 0, *y, 0, 1);
    return Status::ok();
  }
  const bool exclusive = ctx.attr_int("exclusive") != 0, reverse = ctx.attr_int("reverse") != 0;
  const int64_t n = x.dim(axis);
  const int64_t outer = dims_product(x.shape(), 0, axis);
  const int64_t inner = dims_product(x.shape(), axis + 1, x.rank());
  Status s = dispatch_dtype<TypeSet::Numeric>(x.dtype(), kProduct ? "CumProd" : "CumSum", [&](auto tag) {
    using T = typename decltype(tag)::type;
    using C = ComputeType<T>;
    const T* in = x.data<T>();
    T* out = y->data<T>();
    for (int64_t o = 0; o < outer; ++o) {
      for (int64_t i = 0; i < inner; ++i) {
        C acc = static_cast<C>(kProduct ? 1 : 0);
        for (int64_t step = 0; step < n; ++step) {
          const int64_t j = reverse ? n - 1 - step : step;
          const int64_t at = (o * n + j) * inner + i;
          const C v = static_cast<C>(in[at]);
          if (!exclusive) acc = kProduct ? static_cast<C>(acc * v) : static_cast<C>(acc + v);
          if constexpr (kIsNarrowFloat<T>) out[at] = T(static_cast<float>(acc));
          else out[at] = static_cast<T>(acc);
          if (exclusive) acc = kProduct ? static_cast<C>(acc * v) : static_cast<C>(acc + v);
        }
      }
    }
    return Status::ok();
  });
  if (!s.is_ok()) return ctx.unsupported(s.message());
  return Status::ok();
}

}  // namespace

HONE_DEFINE_OP(CumSum){
    .name = "CumSum",
    .min_inputs = 2,
    .max_inputs = 2,
    .attrs = {attr_int("exclusive", 0), attr_int("reverse", 0)},
    .infer = infer_same_as_input,
    .run = run<false>,
};

HONE_DEFINE_OP(CumProd){
    .name = "CumProd",
    .min_inputs = 2,
    .max_inputs = 2,
    .attrs = {attr_int("exclusive", 0), attr_int("reverse", 0)},
    .infer = infer_same_as_input,
    .run = run<true>,
};

}  // namespace hone::ops
