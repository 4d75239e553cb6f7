// Compress: y = the slices of x along `axis` whose condition entry is true (condition may be
// shorter than the axis: missing entries are false). Without axis, x is flattened first.
#include "ops/indexing.hpp"

namespace hone::ops {
namespace {

Status infer(InferContext& ctx) {
  const ir::TensorShape& s = ctx.input_shape(0);
  if (!ctx.has_attr("axis")) {
    ctx.set_output(0, ctx.input_dtype(0), unknown_shape(1));
    return Status::ok();
  }
  if (!s.has_rank) {
    ctx.set_output(0, ctx.input_dtype(0), ir::TensorShape::unknown());
    return Status::ok();
  }
  HONE_ASSIGN_OR_RETURN(int64_t axis, normalize_axis(ctx.attr_int("axis"), static_cast<int64_t>(s.rank())));
  ir::TensorShape out = s;
  out.dims[static_cast<size_t>(axis)] = ir::Dim();
  ctx.set_output(0, ctx.input_dtype(0), out);
  return Status::ok();
}

Status run(KernelContext& ctx) {
  const Tensor& x = ctx.input(0);
  const Tensor& cond = ctx.input(1);
  if (cond.rank() != 1) return ctx.bad_input("condition must be 1-D");
  Shape shape = x.shape();
  int64_t axis = 0;
  if (ctx.has_attr("axis")) {
    HONE_ASSIGN_OR_RETURN(axis, normalize_axis(ctx.attr_int("axis"), x.rank()));
  } else {
    shape = {x.numel()};
  }
  const int64_t n = shape[static_cast<size_t>(axis)];
  if (cond.numel() > n) return ctx.bad_input("condition is longer than the axis");
  std::vector<int64_t> keep;
  for (int64_t i = 0; i < cond.numel(); ++i) {
    if (cond.get_int64(i) != 0) keep.push_back(i);
  }
  const int64_t outer = dims_product(shape, 0, axis);
  const int64_t inner = dims_product(shape, axis + 1, static_cast<int64_t>(shape.size()));
  Shape out = shape;
  out[static_cast<size_t>(axis)] = static_cast<int64_t>(keep.size());
  HONE_ASSIGN_OR_RETURN(Tensor * y, ctx.allocate_output(0, x.dtype(), out));
  const int64_t m = static_cast<int64_t>(keep.size());
  for (int64_t o = 0; o < outer; ++o) {
    for (int64_t j = 0; j < m; ++j) copy_elements(x, (o * n + keep[static_cast<size_t>(j)]) * inner, *y, (o * m + j) * inner, inner);
  }
  return Status::ok();
}

}  // namespace

HONE_DEFINE_OP(Compress){
    .name = "Compress",
    .min_inputs = 2,
    .max_inputs = 2,
    .attrs = {attr_optional("axis", AttrType::Int)},
    .infer = infer,
    .run = run,
};

}  // namespace hone::ops
