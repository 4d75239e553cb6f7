// GatherND: with b = batch_dims and q = rank(indices), k = indices.shape[-1]:
//   y[batch, j...] = x[batch, indices[batch, j..., :], ...]
// y.shape = indices.shape[:-1] + x.shape[b + k:]. Negative indices count from the back.
#include "ops/indexing.hpp"

namespace hone::ops {
namespace {

Result<Shape> out_shape(const AttrReader& ctx, const Shape& data, const Shape& indices) {
  const int64_t b = ctx.attr_int("batch_dims");
  const int64_t r = static_cast<int64_t>(data.size()), q = static_cast<int64_t>(indices.size());
  if (q < 1 || b < 0 || b >= q || b >= r) return ctx.bad_input("invalid batch_dims or indices rank");
  const int64_t k = indices.back();
  if (k < 1 || b + k > r) return ctx.bad_input("indices.shape[-1] = " + std::to_string(k) + " does not fit data rank");
  for (int64_t d = 0; d < b; ++d) {
    if (data[static_cast<size_t>(d)] != indices[static_cast<size_t>(d)]) return ctx.bad_input("batch dims differ");
  }
  Shape out(indices.begin(), indices.end() - 1);
  out.insert(out.end(), data.begin() + b + k, data.end());
  return out;
}

Status infer(InferContext& ctx) {
  const DataType dt = ctx.input_dtype(0);
  auto ds = static_shape(ctx, 0), is = static_shape(ctx, 1);
  if (ds && is) {
    HONE_ASSIGN_OR_RETURN(Shape out, out_shape(ctx, *ds, *is));
    ctx.set_output(0, dt, ir::TensorShape::of(out));
    return Status::ok();
  }
  const ir::TensorShape& d = ctx.input_shape(0);
  const ir::TensorShape& i = ctx.input_shape(1);
  if (d.has_rank && i.has_rank && i.rank() > 0 && i.dims.back().is_known()) {
    const int64_t rank = static_cast<int64_t>(i.rank()) - 1 + static_cast<int64_t>(d.rank()) - ctx.attr_int("batch_dims") -
                         i.dims.back().value;
    ctx.set_output(0, dt, unknown_shape(std::max<int64_t>(rank, 0)));
  } else {
    ctx.set_output(0, dt, ir::TensorShape::unknown());
  }
  return Status::ok();
}

Status run(KernelContext& ctx) {
  const Tensor& x = ctx.input(0);
  const Tensor& indices = ctx.input(1);
  HONE_ASSIGN_OR_RETURN(Shape out, out_shape(ctx, x.shape(), indices.shape()));
  HONE_ASSIGN_OR_RETURN(Tensor * y, ensure_output(ctx, 0, x.dtype(), out));
  const int64_t b = ctx.attr_int("batch_dims");
  const int64_t k = indices.shape().back();
  const int64_t batches = dims_product(x.shape(), 0, b);
  const int64_t per_batch = dims_product(indices.shape(), b, indices.rank() - 1);  // index tuples per batch
  const int64_t slice = dims_product(x.shape(), b + k, x.rank());                   // elements per gathered slice
  const int64_t batch_size = dims_product(x.shape(), b, x.rank());
  const std::vector<int64_t> xs = shape_strides(x.shape());
  for (int64_t bi = 0; bi < batches; ++bi) {
    for (int64_t j = 0; j < per_batch; ++j) {
      const int64_t tuple = (bi * per_batch + j) * k;
      int64_t pos = bi * batch_size;
      for (int64_t c = 0; c < k; ++c) {
        const int64_t dim = x.dim(b + c);
        int64_t idx = indices.get_int64(tuple + c);
        if (!normalize_index(idx, dim)) return ctx.bad_input(index_error(indices.get_int64(tuple + c), dim));
        pos += idx * xs[static_cast<size_t>(b + c)];
      }
      copy_elements(x, pos, *y, (bi * per_batch + j) * slice, slice);
    }
  }
  return Status::ok();
}

}  // namespace

HONE_DEFINE_OP(GatherND){
    .name = "GatherND",
    .min_inputs = 2,
    .max_inputs = 2,
    .attrs = {attr_int("batch_dims", 0)},
    .infer = infer,
    .run = run,
};

}  // namespace hone::ops
