// MatMulInteger: Y = (A - a_zero_point) x (B - b_zero_point) as int32, numpy matmul shapes.
// Zero points: scalar, or one per row of A / per column of B.
#include "ops/op_def.hpp"
#include "ops/quantize.hpp"

namespace hone::ops {
namespace {

Status infer(InferContext& ctx) {
  HONE_RETURN_IF_ERROR(ctx.require_dtype(0, {DataType::Int8, DataType::UInt8}));
  HONE_RETURN_IF_ERROR(ctx.require_dtype(1, {DataType::Int8, DataType::UInt8}));
  const ir::TensorShape& a = ctx.input_shape(0);
  const ir::TensorShape& b = ctx.input_shape(1);
  ir::TensorShape out;
  if (a.is_static() && b.is_static()) {
    auto s = matmul_shape(a.to_static(), b.to_static());
    if (!s.is_ok()) return ctx.bad_input(s.status().message());
    out = ir::TensorShape::of(*s);
  }
  ctx.set_output(0, DataType::Int32, out);
  return Status::ok();
}

Status run(KernelContext& ctx) {
  const Tensor* za = ctx.has_input(2) ? &ctx.input(2) : nullptr;
  const Tensor* zb = ctx.has_input(3) ? &ctx.input(3) : nullptr;
  Shape shape;
  int64_t rows = 0, cols = 0;
  auto y = integer_matmul(ctx.input(0), za, ctx.input(1), zb, &shape, &rows, &cols);
  if (!y.is_ok()) return ctx.bad_input(y.status().message());
  HONE_ASSIGN_OR_RETURN(Tensor * out, ctx.allocate_output(0, DataType::Int32, shape));
  for (size_t i = 0; i < y->size(); ++i) out->data<int32_t>()[i] = static_cast<int32_t>((*y)[i]);
  return Status::ok();
}

}  // namespace

HONE_DEFINE_OP(MatMulInteger){
    .name = "MatMulInteger",
    .min_inputs = 2,
    .max_inputs = 4,
    .infer = infer,
    .run = run,
};

}  // namespace hone::ops
