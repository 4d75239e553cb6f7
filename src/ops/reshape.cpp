// Reshape: y = x with a new shape (same elements, row-major order). In the target shape, 0
// copies the input dim at that position (unless allowzero=1, opset 14+, where 0 means 0) and
// one -1 is inferred from the element count. Opset < 5 takes the shape as an attribute.
#include "ops/indexing.hpp"

namespace hone::ops {
namespace {

std::optional<std::vector<int64_t>> target_of(const InferContext& ctx) {
  if (ctx.opset() < 5) return ctx.attr_ints("shape");
  return known_ints(ctx, 1);
}

Result<Shape> resolve(const AttrReader& ctx, const Shape& in, const std::vector<int64_t>& target) {
  const bool allowzero = ctx.attr_int("allowzero") != 0;
  Shape out(target.size());
  int64_t infer_at = -1, known = 1;
  for (size_t d = 0; d < target.size(); ++d) {
    const int64_t t = target[d];
    if (t == -1) {
      if (infer_at >= 0) return ctx.bad_input("the target shape has more than one -1");
      infer_at = static_cast<int64_t>(d);
      continue;
    }
    if (t < -1) return ctx.bad_input("invalid target dim " + std::to_string(t));
    if (t == 0 && !allowzero) {
      if (d >= in.size()) return ctx.bad_input("target dim " + std::to_string(d) + " is 0 but the input has rank " +
                                               std::to_string(in.size()));
      out[d] = in[d];
    } else {
      out[d] = t;
    }
    known *= out[d];
  }
  const int64_t n = shape_numel(in);
  if (infer_at >= 0) {
    if (known == 0 || n % known != 0) {
      return ctx.bad_input("cannot reshape " + shape_to_string(in) + " to " + shape_to_string(target));
    }
    out[static_cast<size_t>(infer_at)] = n / known;
  }
  if (shape_numel(out) != n) return ctx.bad_input("cannot reshape " + shape_to_string(in) + " to " + shape_to_string(target));
  return out;
}

Status infer(InferContext& ctx) {
  const DataType dt = ctx.input_dtype(0);
  auto target = target_of(ctx);
  auto in = static_shape(ctx, 0);
  if (target && in) {
    HONE_ASSIGN_OR_RETURN(Shape out, resolve(ctx, *in, *target));
    ctx.set_output(0, dt, ir::TensorShape::of(out));
    return Status::ok();
  }
  if (target) {
    const ir::TensorShape& s = ctx.input_shape(0);
    ir::TensorShape out = ir::TensorShape::of_rank(target->size());
    for (size_t d = 0; d < target->size(); ++d) {
      const int64_t t = (*target)[d];
      if (t > 0 || (t == 0 && ctx.attr_int("allowzero") != 0)) out.dims[d] = t;
      else if (t == 0 && s.has_rank && d < s.rank()) out.dims[d] = s.dims[d];
    }
    ctx.set_output(0, dt, out);
    return Status::ok();
  }
  const ir::TensorShape& ts = ctx.input_shape(1);
  ctx.set_output(0, dt, ts.has_rank && ts.rank() == 1 && ts.dims[0].is_known() ? unknown_shape(ts.dims[0].value)
                                                                                : ir::TensorShape::unknown());
  return Status::ok();
}

Status run(KernelContext& ctx) {
  const Tensor& x = ctx.input(0);
  const std::vector<int64_t> target = ctx.opset() < 5 ? ctx.attr_ints("shape") : ctx.input(1).to_int64_vector();
  HONE_ASSIGN_OR_RETURN(Shape out, resolve(ctx, x.shape(), target));
  HONE_ASSIGN_OR_RETURN(Tensor y, x.reshaped(out));
  ctx.set_output(0, Datum::of(std::move(y)));
  return Status::ok();
}

}  // namespace

HONE_DEFINE_OP(Reshape){
    .name = "Reshape",
    .min_inputs = 1,
    .max_inputs = 2,
    .attrs = {attr_int("allowzero", 0), attr_ints("shape", {})},
    .infer = infer,
    .run = run,
};

}  // namespace hone::ops
