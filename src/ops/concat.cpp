// Concat: y = the inputs joined along `axis` (all other dims equal). Opset 1 defaults axis
// to 1; later opsets require it, and from opset 11 it may be negative.
#include "ops/indexing.hpp"

namespace hone::ops {
namespace {

Status infer(InferContext& ctx) {
  const DataType dt = ctx.input_dtype(0);
  const ir::TensorShape& first = ctx.input_shape(0);
  if (!first.has_rank) {
    ctx.set_output(0, dt, ir::TensorShape::unknown());
    return Status::ok();
  }
  const int64_t rank = static_cast<int64_t>(first.rank());
  auto axis = normalize_axis(ctx.attr_int("axis"), rank);
  if (!axis.is_ok() || rank == 0) return ctx.error("axis " + std::to_string(ctx.attr_int("axis")) + " is out of range for rank " + std::to_string(rank));
  const size_t a = static_cast<size_t>(*axis);
  ir::TensorShape out = first;
  int64_t total = 0;
  for (size_t i = 0; i < ctx.num_inputs(); ++i) {
    const ir::TensorShape& s = ctx.input_shape(i);
    if (!s.has_rank) {
      total = -1;
      continue;
    }
    if (s.rank() != first.rank()) {
      return ctx.bad_input("input " + std::to_string(i) + " has rank " + std::to_string(s.rank()) + ", input 0 has rank " +
                           std::to_string(rank));
    }
    for (size_t d = 0; d < s.rank(); ++d) {
      if (d == a) continue;
      if (s.dims[d].is_known() && out.dims[d].is_known() && s.dims[d].value != out.dims[d].value) {
        return ctx.bad_input("input " + std::to_string(i) + " has shape " + s.to_string() + ", incompatible with " +
                             first.to_string() + " outside axis " + std::to_string(a));
      }
      if (!out.dims[d].is_known() && s.dims[d].is_known()) out.dims[d] = s.dims[d];
    }
    if (total >= 0 && s.dims[a].is_known()) total += s.dims[a].value;
    else total = -1;
  }
  out.dims[a] = total >= 0 ? ir::Dim(total) : ir::Dim();
  ctx.set_output(0, dt, out);
  return Status::ok();
}

Status run(KernelContext& ctx) {
  const Tensor& first = ctx.input(0);
  HONE_ASSIGN_OR_RETURN(int64_t axis, normalize_axis(ctx.attr_int("axis"), first.rank()));
  Shape out = first.shape();
  out[static_cast<size_t>(axis)] = 0;
  for (size_t i = 0; i < ctx.num_inputs(); ++i) out[static_cast<size_t>(axis)] += ctx.input(i).dim(axis);
  HONE_ASSIGN_OR_RETURN(Tensor * y, ensure_output(ctx, 0, first.dtype(), out));
  // View every tensor as [outer, dim(axis) * inner]; each input contributes a block per outer row.
  const int64_t outer = dims_product(out, 0, axis);
  const int64_t inner = dims_product(out, axis + 1, first.rank());
  const int64_t row = out[static_cast<size_t>(axis)] * inner;
  int64_t col = 0;
  for (size_t i = 0; i < ctx.num_inputs(); ++i) {
    const Tensor& x = ctx.input(i);
    if (x.dtype() != first.dtype() || x.rank() != first.rank()) return ctx.bad_input("inputs differ in type or rank");
    const int64_t block = x.dim(axis) * inner;
    for (int64_t o = 0; o < outer; ++o) copy_elements(x, o * block, *y, o * row + col, block);
    col += block;
  }
  return Status::ok();
}

}  // namespace

HONE_DEFINE_OP(Concat){
    .name = "Concat",
    .min_inputs = 1,
    .max_inputs = kVariadic,
    .attrs = {attr_int("axis", 1)},
    .infer = infer,
    .run = run,
};

}  // namespace hone::ops
