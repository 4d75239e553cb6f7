// ArgMax / ArgMin: int64 index of the largest / smallest element along `axis` (the first
// one, or the last with select_last_index=1), keeping the axis as size 1 when keepdims=1.
#include "ops/indexing.hpp"

namespace hone::ops {
namespace {

Status infer(InferContext& ctx) {
  const ir::TensorShape& s = ctx.input_shape(0);
  if (!s.has_rank) {
    ctx.set_output(0, DataType::Int64, ir::TensorShape::unknown());
    return Status::ok();
  }
  HONE_ASSIGN_OR_RETURN(int64_t axis, normalize_axis(ctx.attr_int("axis"), static_cast<int64_t>(s.rank())));
  if (s.rank() == 0) return ctx.bad_input("input must have rank >= 1");
  ir::TensorShape out = s;
  if (ctx.attr_int("keepdims") != 0) out.dims[static_cast<size_t>(axis)] = 1;
  else out.dims.erase(out.dims.begin() + axis);
  ctx.set_output(0, DataType::Int64, out);
  return Status::ok();
}

template <bool kMax>
Status run(KernelContext& ctx) {
  const Tensor& x = ctx.input(0);
  if (x.rank() == 0) return ctx.bad_input("input must have rank >= 1");
  HONE_ASSIGN_OR_RETURN(int64_t axis, normalize_axis(ctx.attr_int("axis"), x.rank()));
  const int64_t n = x.dim(axis);
  if (n == 0) return ctx.bad_input("cannot take the arg" + std::string(kMax ? "max" : "min") + " of an empty axis");
  Shape out = x.shape();
  if (ctx.attr_int("keepdims") != 0) out[static_cast<size_t>(axis)] = 1;
  else out.erase(out.begin() + axis);
  HONE_ASSIGN_OR_RETURN(Tensor * y, ensure_output(ctx, 0, DataType::Int64, out));
  HONE_ASSIGN_OR_RETURN(auto ranks, value_ranks(ctx, x));
  const bool last = ctx.attr_int("select_last_index") != 0;
  const int64_t outer = dims_product(x.shape(), 0, axis);
  const int64_t inner = dims_product(x.shape(), axis + 1, x.rank());
  for (int64_t o = 0; o < outer; ++o) {
    for (int64_t i = 0; i < inner; ++i) {
      int64_t best = 0;
      for (int64_t j = 1; j < n; ++j) {
        const int64_t r = ranks[static_cast<size_t>((o * n + j) * inner + i)];
        const int64_t b = ranks[static_cast<size_t>((o * n + best) * inner + i)];
        const bool better = kMax ? (last ? r >= b : r > b) : (last ? r <= b : r < b);
        if (better) best = j;
      }
      y->data<int64_t>()[o * inner + i] = best;
    }
  }
  return Status::ok();
}

}  // namespace

HONE_DEFINE_OP(ArgMax){
    .name = "ArgMax",
    .min_inputs = 1,
    .max_inputs = 1,
    .attrs = {attr_int("axis", 0), attr_int("keepdims", 1), attr_int("select_last_index", 0)},
    .infer = infer,
    .run = run<true>,
};

HONE_DEFINE_OP(ArgMin){
    .name = "ArgMin",
    .min_inputs = 1,
    .max_inputs = 1,
    .attrs = {attr_int("axis", 0), attr_int("keepdims", 1), attr_int("select_last_index", 0)},
    .infer = infer,
    .run = run<false>,
};

}  // namespace hone::ops
