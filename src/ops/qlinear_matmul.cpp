// QLinearMatMul: quantized matmul,
//   y = saturate(round_half_even((A - a_zp) x (B - b_zp) * (a_scale * b_scale / y_scale)) + y_zp)
// The multiplier is computed in the scales' type (float16 scales round after each step, as
// the ONNX reference does). Scales/zero points: scalar, or per row of A / per column of B.
#include "ops/op_def.hpp"
#include "ops/quantize.hpp"

namespace hone::ops {
namespace {

Status infer(InferContext& ctx) {
  HONE_RETURN_IF_ERROR(ctx.require_dtype(0, {DataType::Int8, DataType::UInt8}));
  HONE_RETURN_IF_ERROR(ctx.require_dtype(3, {DataType::Int8, DataType::UInt8}));
  HONE_RETURN_IF_ERROR(ctx.require_dtype(7, {DataType::Int8, DataType::UInt8}));
  for (size_t i : {1, 4, 6}) {
    HONE_RETURN_IF_ERROR(ctx.require_dtype(i, {DataType::Float, DataType::Float16, DataType::BFloat16, DataType::Double}));
  }
  const ir::TensorShape& a = ctx.input_shape(0);
  const ir::TensorShape& b = ctx.input_shape(3);
  ir::TensorShape out;
  if (a.is_static() && b.is_static()) {
    auto s = matmul_shape(a.to_static(), b.to_static());
    if (!s.is_ok()) return ctx.bad_input(s.status().message());
    out = ir::TensorShape::of(*s);
  }
  ctx.set_output(0, ctx.input_dtype(7), out);
  return Status::ok();
}

// Rounds v to the scales' element type.
double round_to(double v, DataType t) {
  switch (t) {
    case DataType::Float: return static_cast<float>(v);
    case DataType::Float16: return static_cast<float>(Float16(static_cast<float>(v), false));
    case DataType::BFloat16: return static_cast<float>(BFloat16(static_cast<float>(v)));
    default: return v;
  }
}

Status run(KernelContext& ctx) {
  const Tensor& a_scale = ctx.input(1);
  const Tensor& b_scale = ctx.input(4);
  const Tensor& y_scale = ctx.input(6);
  const Tensor& y_zero = ctx.input(7);
  Shape shape;
  int64_t rows = 0, cols = 0;
  auto acc = integer_matmul(ctx.input(0), &ctx.input(2), ctx.input(3), &ctx.input(5), &shape, &rows, &cols);
  if (!acc.is_ok()) return ctx.bad_input(acc.status().message());
  auto per = [&](const Tensor& t, int64_t count, const char* what) -> Status {
    if (t.numel() == 1 || t.numel() == count) return Status::ok();
    return ctx.bad_input(std::string(what) + " of shape " + shape_to_string(t.shape()) + " must be a scalar or have " +
                         std::to_string(count) + " values");
  };
  HONE_RETURN_IF_ERROR(per(a_scale, rows, "a_scale"));
  HONE_RETURN_IF_ERROR(per(b_scale, cols, "b_scale"));
  HONE_RETURN_IF_ERROR(per(y_scale, cols, "y_scale"));
  HONE_RETURN_IF_ERROR(per(y_zero, cols, "y_zero_point"));
  auto at = [](const Tensor& t, int64_t i) { return t.numel() == 1 ? int64_t{0} : i; };
  HONE_ASSIGN_OR_RETURN(Tensor * y, ctx.allocate_output(0, y_zero.dtype(), shape));
  QuantRange range;
  quant_int_range(y_zero.dtype(), &range);
  const DataType st = a_scale.dtype();
  for (size_t i = 0; i < acc->size(); ++i) {
    const int64_t n = static_cast<int64_t>(i) % cols;
    const int64_t m = (static_cast<int64_t>(i) / cols) % rows;
    const double ab = round_to(a_scale.get_double(at(a_scale, m)) * b_scale.get_double(at(b_scale, n)), st);
    const double multiplier = round_to(ab / y_scale.get_double(at(y_scale, n)), st);
    const double v = round_to(static_cast<double>((*acc)[i]) * multiplier, st == DataType::Double ? st : DataType::Float);
    const double zp = static_cast<double>(y_zero.get_int64(at(y_zero, n)));
    store_int(*y, static_cast<int64_t>(i), saturate_to(round_half_even(v + zp), range));
  }
  return Status::ok();
}

}  // namespace

HONE_DEFINE_OP(QLinearMatMul){
    .name = "QLinearMatMul",
    .min_inputs = 8,
    .max_inputs = 8,
    .infer = infer,
    .run = run,
};

}  // namespace hone::ops
