// DynamicQuantizeLinear: uint8 quantization with scale and zero point computed from the data:
//   x_min = min(0, min x), x_max = max(0, max x), y_scale = (x_max - x_min) / 255,
//   y_zero_point = saturate(round(0 - x_min / y_scale)), y = saturate(round(x / y_scale) + y_zero_point)
// in float32 with round half to even. An all-zero input gives scale 0, zero point 0, y = 0.
#include "ops/op_def.hpp"
#include "ops/quantize.hpp"

namespace hone::ops {
namespace {

Status infer(InferContext& ctx) {
  HONE_RETURN_IF_ERROR(ctx.require_dtype(0, {DataType::Float}));
  ctx.set_output(0, DataType::UInt8, ctx.input_shape(0));
  ctx.set_output(1, DataType::Float, ir::TensorShape::of({}));
  ctx.set_output(2, DataType::UInt8, ir::TensorShape::of({}));
  return Status::ok();
}

Status run(KernelContext& ctx) {
  const Tensor& x = ctx.input(0);
  const float* in = x.data<float>();
  float lo = 0.0f, hi = 0.0f;
  for (int64_t i = 0; i < x.numel(); ++i) {
    lo = std::min(lo, in[i]);
    hi = std::max(hi, in[i]);
  }
  const QuantRange range{0, 255};
  const float scale = (hi - lo) / 255.0f;
  // With scale 0 the divisions give NaN, which saturate_to maps to 0.
  const int64_t zero = saturate_to(round_half_even(0.0f - lo / scale), range);
  uint8_t* y = ctx.output(0).data<uint8_t>();
  for (int64_t i = 0; i < x.numel(); ++i) {
    y[i] = static_cast<uint8_t>(saturate_to(round_half_even(in[i] / scale) + static_cast<double>(zero), range));
  }
  ctx.output(1).data<float>()[0] = scale;
  ctx.output(2).data<uint8_t>()[0] = static_cast<uint8_t>(zero);
  return Status::ok();
}

}  // namespace

HONE_DEFINE_OP(DynamicQuantizeLinear){
    .name = "DynamicQuantizeLinear",
    .min_inputs = 1,
    .max_inputs = 1,
    .min_outputs = 3,
    .max_outputs = 3,
    .infer = infer,
    .run = run,
};

}  // namespace hone::ops
