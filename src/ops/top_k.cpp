// TopK: along `axis`, the k largest (largest=1) or smallest elements, values and int64
// indices, in sorted order; equal values keep the lower index first. k is an attribute before
// opset 10, a one-element int64 input after. Any comparable dtype.
#include "ops/indexing.hpp"

#include <algorithm>

namespace hone::ops {
namespace {

Status infer(InferContext& ctx) {
  const DataType dt = ctx.input_dtype(0);
  const ir::TensorShape& s = ctx.input_shape(0);
  std::optional<int64_t> k;
  if (ctx.opset() < 10) k = ctx.attr_int("k");
  else if (auto v = known_ints(ctx, 1); v && v->size() == 1) k = (*v)[0];
  ir::TensorShape out = s;
  if (s.has_rank) {
    HONE_ASSIGN_OR_RETURN(int64_t axis, normalize_axis(ctx.attr_int("axis"), static_cast<int64_t>(s.rank())));
    if (s.rank() == 0) return ctx.bad_input("input must have rank >= 1");
    const ir::Dim& n = s.dims[static_cast<size_t>(axis)];
    if (k && (*k < 0 || (n.is_known() && *k > n.value))) {
      return ctx.bad_input("k = " + std::to_string(*k) + " is out of range for an axis of size " + (n.is_known() ? std::to_string(n.value) : "?"));
    }
    out.dims[static_cast<size_t>(axis)] = k ? ir::Dim(*k) : ir::Dim();
  }
  ctx.set_output(0, dt, out);
  ctx.set_output(1, DataType::Int64, out);
  return Status::ok();
}

Status run(KernelContext& ctx) {
  const Tensor& x = ctx.input(0);
  if (x.rank() == 0) return ctx.bad_input("input must have rank >= 1");
  HONE_ASSIGN_OR_RETURN(int64_t axis, normalize_axis(ctx.attr_int("axis"), x.rank()));
  int64_t k = ctx.attr_int("k");
  if (ctx.opset() >= 10) {
    if (ctx.input(1).numel() != 1) return ctx.bad_input("K must hold one value");
    k = ctx.input(1).get_int64(0);
  }
  const int64_t n = x.dim(axis);
  if (k < 0 || k > n) return ctx.bad_input("k = " + std::to_string(k) + " is out of range for an axis of size " + std::to_string(n));
  Shape out = x.shape();
  out[static_cast<size_t>(axis)] = k;
  HONE_ASSIGN_OR_RETURN(Tensor * values, ensure_output(ctx, 0, x.dtype(), out));
  HONE_ASSIGN_OR_RETURN(Tensor * indices, ensure_output(ctx, 1, DataType::Int64, out));
  HONE_ASSIGN_OR_RETURN(auto ranks, value_ranks(ctx, x));
  const bool largest = ctx.attr_int("largest") != 0;
  const int64_t outer = dims_product(x.shape(), 0, axis);
  const int64_t inner = dims_product(x.shape(), axis + 1, x.rank());
  std::vector<int64_t> line(static_cast<size_t>(n));
  for (int64_t o = 0; o < outer; ++o) {
    for (int64_t i = 0; i < inner; ++i) {
      auto at = [&](int64_t j) { return ranks[static_cast<size_t>((o * n + j) * inner + i)]; };
      for (int64_t j = 0; j < n; ++j) line[static_cast<size_t>(j)] = j;
      std::stable_sort(line.begin(), line.end(), [&](int64_t a, int64_t b) { return largest ? at(a) > at(b) : at(a) < at(b); });
      for (int64_t j = 0; j < k; ++j) {
        const int64_t src = line[static_cast<size_t>(j)];
        const int64_t dst = (o * k + j) * inner + i;
        copy_elements(x, (o * n + src) * inner + i, *values, dst, 1);
        indices->data<int64_t>()[dst] = src;
      }
    }
  }
  return Status::ok();
}

}  // namespace

HONE_DEFINE_OP(TopK){
    .name = "TopK",
    .min_inputs = 1,
    .max_inputs = 2,
    .min_outputs = 2,
    .max_outputs = 2,
    .attrs = {attr_int("axis", -1), attr_int("largest", 1), attr_int("sorted", 1), attr_int("k", 0)},
    .infer = infer,
    .run = run,
};

}  // namespace hone::ops
