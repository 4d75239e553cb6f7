// OneHot: y has indices' shape with a new dim of size `depth` inserted at `axis`;
// y[..., d, ...] = values[1] where d == indices[...] (negative indices add depth), else
// values[0]. Indices outside [-depth, depth) give an all-off row. depth and indices may be
// any numeric type (truncated to integers).
#include "ops/indexing.hpp"

namespace hone::ops {
namespace {

Result<int64_t> depth_of(const AttrReader& ctx, const Tensor& depth) {
  if (depth.numel() != 1) return ctx.bad_input("depth must hold one value");
  const int64_t d = depth.get_int64(0);
  if (d < 1) return ctx.bad_input("depth must be >= 1, got " + std::to_string(d));
  return d;
}

Status infer(InferContext& ctx) {
  const DataType dt = ctx.input_dtype(2);
  const ir::TensorShape& s = ctx.input_shape(0);
  if (!s.has_rank) {
    ctx.set_output(0, dt, ir::TensorShape::unknown());
    return Status::ok();
  }
  const int64_t rank = static_cast<int64_t>(s.rank()) + 1;
  HONE_ASSIGN_OR_RETURN(int64_t axis, normalize_axis(ctx.attr_int("axis"), rank));
  ir::Dim depth;
  if (const Tensor* d = ctx.input_value(1)) {
    HONE_ASSIGN_OR_RETURN(depth, depth_of(ctx, *d));
  }
  ir::TensorShape out = s;
  out.dims.insert(out.dims.begin() + axis, depth);
  ctx.set_output(0, dt, out);
  return Status::ok();
}

Status run(KernelContext& ctx) {
  const Tensor& indices = ctx.input(0);
  const Tensor& values = ctx.input(2);
  if (values.numel() != 2) return ctx.bad_input("values must hold [off_value, on_value]");
  HONE_ASSIGN_OR_RETURN(int64_t depth, depth_of(ctx, ctx.input(1)));
  HONE_ASSIGN_OR_RETURN(int64_t axis, normalize_axis(ctx.attr_int("axis"), indices.rank() + 1));
  Shape out = indices.shape();
  out.insert(out.begin() + axis, depth);
  HONE_ASSIGN_OR_RETURN(Tensor * y, ensure_output(ctx, 0, values.dtype(), out));
  // indices viewed as [outer, inner] around the new axis: y[o, d, i] with index indices[o, i].
  const int64_t outer = dims_product(indices.shape(), 0, axis);
  const int64_t inner = dims_product(indices.shape(), axis, indices.rank());
  for (int64_t o = 0; o < outer; ++o) {
    for (int64_t i = 0; i < inner; ++i) {
      int64_t idx = indices.get_int64(o * inner + i);
      if (idx < 0) idx += depth;
      for (int64_t d = 0; d < depth; ++d) copy_elements(values, d == idx ? 1 : 0, *y, (o * depth + d) * inner + i, 1);
    }
  }
  return Status::ok();
}

}  // namespace

HONE_DEFINE_OP(OneHot){
    .name = "OneHot",
    .min_inputs = 3,
    .max_inputs = 3,
    .attrs = {attr_int("axis", -1)},
    .infer = infer,
    .run = run,
};

}  // namespace hone::ops
