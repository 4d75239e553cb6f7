// Tile: y = x repeated repeats[d] times along each dim d: y.shape[d] = x.shape[d] * repeats[d],
// y[i] = x[i mod x.shape] per dim.
#include "ops/indexing.hpp"

namespace hone::ops {
namespace {

Result<Shape> out_shape(const AttrReader& ctx, const Shape& in, const std::vector<int64_t>& repeats) {
  if (repeats.size() != in.size()) {
    return ctx.bad_input("repeats has " + std::to_string(repeats.size()) + " entries for an input of rank " +
                         std::to_string(in.size()));
  }
  Shape out(in.size());
  for (size_t d = 0; d < in.size(); ++d) {
    if (repeats[d] < 0) return ctx.bad_input("repeats must be >= 0");
    out[d] = in[d] * repeats[d];
  }
  return out;
}

Status infer(InferContext& ctx) {
  const DataType dt = ctx.input_dtype(0);
  auto repeats = known_ints(ctx, 1);
  const ir::TensorShape& s = ctx.input_shape(0);
  if (!repeats || !s.has_rank) {
    ctx.set_output(0, dt, s.has_rank ? unknown_shape(static_cast<int64_t>(s.rank())) : ir::TensorShape::unknown());
    return Status::ok();
  }
  if (repeats->size() != s.rank()) return ctx.bad_input("repeats length does not match the input rank");
  ir::TensorShape out = ir::TensorShape::of_rank(s.rank());
  for (size_t d = 0; d < s.rank(); ++d) {
    if ((*repeats)[d] < 0) return ctx.bad_input("repeats must be >= 0");
    if (s.dims[d].is_known()) out.dims[d] = s.dims[d].value * (*repeats)[d];
  }
  ctx.set_output(0, dt, out);
  return Status::ok();
}

Status run(KernelContext& ctx) {
  const Tensor& x = ctx.input(0);
  HONE_ASSIGN_OR_RETURN(Shape out, out_shape(ctx, x.shape(), ctx.input(1).to_int64_vector()));
  HONE_ASSIGN_OR_RETURN(Tensor * y, ensure_output(ctx, 0, x.dtype(), out));
  const std::vector<int64_t> xs = shape_strides(x.shape());
  std::vector<int64_t> map(static_cast<size_t>(y->numel()));
  std::vector<int64_t> coord(out.size(), 0);
  for (size_t k = 0; k < map.size(); ++k) {
    int64_t pos = 0;
    for (size_t d = 0; d < out.size(); ++d) pos += (coord[d] % x.shape()[d]) * xs[d];
    map[k] = pos;
    for (size_t d = out.size(); d-- > 0;) {
      if (++coord[d] < out[d]) break;
      coord[d] = 0;
    }
  }
  gather_by_map(x, map, *y);
  return Status::ok();
}

}  // namespace

HONE_DEFINE_OP(Tile){
    .name = "Tile",
    .min_inputs = 2,
    .max_inputs = 2,
    .infer = infer,
    .run = run,
};

}  // namespace hone::ops
