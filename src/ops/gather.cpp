// Gather: y[o, j..., i] = x[o, indices[j...], i] along `axis`, with
// y.shape = x.shape[:axis] + indices.shape + x.shape[axis+1:]. Negative indices count from
// the back; an index outside [-n, n) is an error.
#include "ops/indexing.hpp"

namespace hone::ops {
namespace {

Status infer(InferContext& ctx) {
  const DataType dt = ctx.input_dtype(0);
  const ir::TensorShape& s = ctx.input_shape(0);
  const ir::TensorShape& is = ctx.input_shape(1);
  if (!s.has_rank || !is.has_rank) {
    ctx.set_output(0, dt, ir::TensorShape::unknown());
    return Status::ok();
  }
  const int64_t rank = static_cast<int64_t>(s.rank());
  if (rank == 0) return ctx.bad_input("data must have rank >= 1");
  auto axis = normalize_axis(ctx.attr_int("axis"), rank);
  if (!axis.is_ok()) return ctx.error(axis.status().message());
  ir::TensorShape out;
  out.has_rank = true;
  for (int64_t d = 0; d < *axis; ++d) out.dims.push_back(s.dims[static_cast<size_t>(d)]);
  for (const ir::Dim& d : is.dims) out.dims.push_back(d);
  for (int64_t d = *axis + 1; d < rank; ++d) out.dims.push_back(s.dims[static_cast<size_t>(d)]);
  ctx.set_output(0, dt, out);
  return Status::ok();
}

Status run(KernelContext& ctx) {
  const Tensor& x = ctx.input(0);
  const Tensor& indices = ctx.input(1);
  if (x.rank() == 0) return ctx.bad_input("data must have rank >= 1");
  HONE_ASSIGN_OR_RETURN(int64_t axis, normalize_axis(ctx.attr_int("axis"), x.rank()));
  Shape out(x.shape().begin(), x.shape().begin() + axis);
  out.insert(out.end(), indices.shape().begin(), indices.shape().end());
  out.insert(out.end(), x.shape().begin() + axis + 1, x.shape().end());
  HONE_ASSIGN_OR_RETURN(Tensor * y, ensure_output(ctx, 0, x.dtype(), out));
  const int64_t outer = dims_product(x.shape(), 0, axis);
  const int64_t inner = dims_product(x.shape(), axis + 1, x.rank());
  const int64_t n = x.dim(axis);
  const int64_t count = indices.numel();
  for (int64_t j = 0; j < count; ++j) {
    int64_t idx = indices.get_int64(j);
    if (!normalize_index(idx, n)) return ctx.bad_input(index_error(indices.get_int64(j), n));
    for (int64_t o = 0; o < outer; ++o) copy_elements(x, (o * n + idx) * inner, *y, (o * count + j) * inner, inner);
  }
  return Status::ok();
}

}  // namespace

HONE_DEFINE_OP(Gather){
    .name = "Gather",
    .min_inputs = 2,
    .max_inputs = 2,
    .attrs = {attr_int("axis", 0)},
    .infer = infer,
    .run = run,
};

}  // namespace hone::ops
