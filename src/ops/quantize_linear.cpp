// QuantizeLinear: y = saturate(round_half_even(x / y_scale) + y_zero_point) for integer
// targets; y = cast(x / y_scale + y_zero_point) (saturating as asked) for float8/float4
// targets. Scale and zero point are per-tensor, per-axis or blocked (quantize.hpp).
#include "ops/cast.hpp"
#include "ops/op_def.hpp"
#include "ops/quantize.hpp"

namespace hone::ops {
namespace {

bool is_quant_float(DataType t) {
  return t == DataType::Float8E4M3FN || t == DataType::Float8E4M3FNUZ || t == DataType::Float8E5M2 ||
         t == DataType::Float8E5M2FNUZ || t == DataType::Float4E2M1;
}

Result<DataType> output_dtype(const InferContext& ctx) {
  const int64_t attr = ctx.attr_int("output_dtype");
  if (attr != 0 && !is_valid_dtype(static_cast<int>(attr))) {
    return ctx.error("output_dtype " + std::to_string(attr) + " is not an element type");
  }
  DataType t = attr != 0 ? static_cast<DataType>(attr) : DataType::UInt8;
  if (ctx.has_input(2)) {
    if (attr != 0 && ctx.input_dtype(2) != t) {
      return ctx.error("output_dtype " + std::string(dtype_name(t)) + " differs from the zero point's type " +
                       std::string(dtype_name(ctx.input_dtype(2))));
    }
    t = ctx.input_dtype(2);
  }
  QuantRange r;
  if (!quant_int_range(t, &r) && !is_quant_float(t)) {
    return ctx.unsupported("cannot quantize to " + std::string(dtype_name(t)));
  }
  return t;
}

// The type x / y_scale is computed in: `precision` when given, else numpy's promotion of
// the two types (float16 / float16 stays float16).
DataType division_type(const AttrReader& ctx, DataType x, DataType scale) {
  const int64_t precision = ctx.attr_int("precision");
  if (precision != 0 && is_valid_dtype(static_cast<int>(precision))) return static_cast<DataType>(precision);
  if (x == scale) return x;
  if (x == DataType::Double || scale == DataType::Double) return DataType::Double;
  return DataType::Float;
}

Status infer(InferContext& ctx) {
  HONE_RETURN_IF_ERROR(ctx.require_dtype(0, {DataType::Float, DataType::Double, DataType::Float16, DataType::BFloat16,
                                             DataType::Int32}));
  HONE_RETURN_IF_ERROR(ctx.require_dtype(1, {DataType::Float, DataType::Double, DataType::Float16, DataType::BFloat16,
                                             DataType::Int32}));
  HONE_ASSIGN_OR_RETURN(DataType t, output_dtype(ctx));
  ctx.set_output(0, t, ctx.input_shape(0));
  return Status::ok();
}

Status run(KernelContext& ctx) {
  const Tensor& x = ctx.input(0);
  const Tensor& scale = ctx.input(1);
  const Tensor* zero = ctx.has_input(2) ? &ctx.input(2) : nullptr;
  Tensor& y = ctx.output(0);
  auto index = quant_param_index(x.shape(), scale.shape(), ctx.attr_int("axis"), ctx.attr_int("block_size"));
  if (!index.is_ok()) return ctx.bad_input(index.status().message());
  if (zero != nullptr && zero->shape() != scale.shape() && zero->numel() != scale.numel()) {
    return ctx.bad_input("zero point shape " + shape_to_string(zero->shape()) + " differs from scale shape " +
                         shape_to_string(scale.shape()));
  }
  const DataType div = division_type(ctx, x.dtype(), scale.dtype());
  // q = x / scale in the division type.
  auto quotient = [&](int64_t i) -> double {
    const int64_t p = (*index)[static_cast<size_t>(i)];
    if (div == DataType::Double) return x.get_double(i) / scale.get_double(p);
    const float q = static_cast<float>(x.get_double(i)) / static_cast<float>(scale.get_double(p));
    if (div == DataType::Float16) return static_cast<float>(Float16(q, false));
    if (div == DataType::BFloat16) return static_cast<float>(BFloat16(q));
    return q;
  };
  QuantRange range;
  if (quant_int_range(y.dtype(), &range)) {
    for (int64_t i = 0; i < x.numel(); ++i) {
      const double zp = zero ? static_cast<double>(zero->get_int64((*index)[static_cast<size_t>(i)])) : 0.0;
      store_int(y, i, saturate_to(round_half_even(quotient(i)) + zp, range));
    }
    return Status::ok();
  }
  CastOptions options;
  options.saturate = ctx.attr_int("saturate") != 0;
  return dispatch_dtype<TypeSet::AllFloat>(y.dtype(), "QuantizeLinear", [&](auto tag) -> Status {
    using T = typename decltype(tag)::type;
    if constexpr (kIsNarrowFloat<T>) {
      for (int64_t i = 0; i < x.numel(); ++i) {
        const double zp = zero ? zero->get_double((*index)[static_cast<size_t>(i)]) : 0.0;
        y.data<T>()[i] = to_narrow_float<T>(static_cast<float>(quotient(i) + zp), options);
      }
      return Status::ok();
    } else {
      return ctx.unsupported("cannot quantize to " + std::string(dtype_name(y.dtype())));
    }
  });
}

}  // namespace

HONE_DEFINE_OP(QuantizeLinear){
    .name = "QuantizeLinear",
    .min_inputs = 2,
    .max_inputs = 3,
    .attrs = {attr_int("axis", 1), attr_int("saturate", 1), attr_int("block_size", 0), attr_int("output_dtype", 0),
              attr_int("precision", 0)},
    .infer = infer,
    .run = run,
};

}  // namespace hone::ops
