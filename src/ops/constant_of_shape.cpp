// ConstantOfShape: y = a tensor of the given shape filled with `value` (a one-element tensor
// whose dtype is y's; default float 0).
#include "ops/indexing.hpp"

namespace hone::ops {
namespace {

Result<Tensor> fill_value(const AttrReader& ctx) {
  if (!ctx.has_attr("value")) return scalar_of(DataType::Float, 0.0);
  const Tensor& v = ctx.attr_tensor("value");
  if (v.numel() != 1) return ctx.error("value must hold exactly one element");
  return v;
}

Result<Shape> target_shape(const AttrReader& ctx, const std::vector<int64_t>& s) {
  for (int64_t d : s) {
    if (d < 0) return ctx.bad_input("shape has a negative dim " + std::to_string(d));
  }
  return Shape(s);
}

Status infer(InferContext& ctx) {
  HONE_ASSIGN_OR_RETURN(Tensor v, fill_value(ctx));
  auto s = known_ints(ctx, 0);
  if (s) {
    HONE_ASSIGN_OR_RETURN(Shape shape, target_shape(ctx, *s));
    ctx.set_output(0, v.dtype(), ir::TensorShape::of(shape));
    return Status::ok();
  }
  const ir::TensorShape& ss = ctx.input_shape(0);
  ctx.set_output(0, v.dtype(),
                 ss.has_rank && ss.rank() == 1 && ss.dims[0].is_known() ? unknown_shape(ss.dims[0].value) : ir::TensorShape::unknown());
  return Status::ok();
}

Status run(KernelContext& ctx) {
  HONE_ASSIGN_OR_RETURN(Tensor v, fill_value(ctx));
  HONE_ASSIGN_OR_RETURN(Shape shape, target_shape(ctx, ctx.input(0).to_int64_vector()));
  HONE_ASSIGN_OR_RETURN(Tensor * y, ensure_output(ctx, 0, v.dtype(), shape));
  for (int64_t i = 0; i < y->numel(); ++i) copy_elements(v, 0, *y, i, 1);
  return Status::ok();
}

}  // namespace

HONE_DEFINE_OP(ConstantOfShape){
    .name = "ConstantOfShape",
    .min_inputs = 1,
    .max_inputs = 1,
    .attrs = {attr_optional("value", AttrType::Tensor)},
    .infer = infer,
    .run = run,
};

}  // namespace hone::ops
