// DequantizeLinear: y = (x - x_zero_point) * x_scale, computed in float (double for double
// scales) and stored as the scale's type or `output_dtype`. Float8/float4 inputs have no zero
// point (it must be 0 and is ignored). Scale layouts as in QuantizeLinear (quantize.hpp).
#include "ops/cast.hpp"
#include "ops/op_def.hpp"
#include "ops/quantize.hpp"

namespace hone::ops {
namespace {

Result<DataType> output_dtype(const AttrReader& ctx, DataType scale) {
  const int64_t attr = ctx.attr_int("output_dtype");
  if (attr == 0) return scale;
  if (!is_valid_dtype(static_cast<int>(attr))) return ctx.error("output_dtype " + std::to_string(attr) + " is not an element type");
  const auto t = static_cast<DataType>(attr);
  if (t != DataType::Float && t != DataType::Double && t != DataType::Float16 && t != DataType::BFloat16) {
    return ctx.error("output_dtype must be a float type, got " + std::string(dtype_name(t)));
  }
  return t;
}

Status infer(InferContext& ctx) {
  const DataType x = ctx.input_dtype(0);
  QuantRange r;
  if (!quant_int_range(x, &r) && !is_small_float(x)) {
    return ctx.unsupported("cannot dequantize " + std::string(dtype_name(x)));
  }
  HONE_RETURN_IF_ERROR(ctx.require_dtype(1, {DataType::Float, DataType::Double, DataType::Float16, DataType::BFloat16}));
  HONE_ASSIGN_OR_RETURN(DataType t, output_dtype(ctx, ctx.input_dtype(1)));
  ctx.set_output(0, t, ctx.input_shape(0));
  return Status::ok();
}

Status run(KernelContext& ctx) {
  const Tensor& x = ctx.input(0);
  const Tensor& scale = ctx.input(1);
  const bool integer_input = is_integer(x.dtype());
  const Tensor* zero = ctx.has_input(2) && integer_input ? &ctx.input(2) : nullptr;
  Tensor& y = ctx.output(0);
  auto index = quant_param_index(x.shape(), scale.shape(), ctx.attr_int("axis"), ctx.attr_int("block_size"));
  if (!index.is_ok()) return ctx.bad_input(index.status().message());
  if (zero != nullptr && zero->numel() != scale.numel()) {
    return ctx.bad_input("zero point shape " + shape_to_string(zero->shape()) + " differs from scale shape " +
                         shape_to_string(scale.shape()));
  }
  const bool in_double = scale.dtype() == DataType::Double || y.dtype() == DataType::Double;
  return dispatch_dtype<TypeSet::Float>(y.dtype(), "DequantizeLinear", [&](auto tag) -> Status {
    using T = typename decltype(tag)::type;
    for (int64_t i = 0; i < x.numel(); ++i) {
      const int64_t p = (*index)[static_cast<size_t>(i)];
      double v;
      if (in_double) {
        v = (x.get_double(i) - (zero ? static_cast<double>(zero->get_int64(p)) : 0.0)) * scale.get_double(p);
      } else {
        const float dx = static_cast<float>(x.get_double(i)) - (zero ? static_cast<float>(zero->get_int64(p)) : 0.0f);
        v = dx * static_cast<float>(scale.get_double(p));
      }
      if constexpr (std::is_same_v<T, Float16>) y.data<T>()[i] = Float16(static_cast<float>(v), false);
      else y.data<T>()[i] = T(v);
    }
    return Status::ok();
  });
}

}  // namespace

HONE_DEFINE_OP(DequantizeLinear){
    .name = "DequantizeLinear",
    .min_inputs = 2,
    .max_inputs = 3,
    .attrs = {attr_int("axis", 1), attr_int("block_size", 0), attr_int("output_dtype", 0)},
    .infer = infer,
    .run = run,
};

}  // namespace hone::ops
