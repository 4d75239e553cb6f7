// ConvInteger and QLinearConv: integer convolutions over conv_geometry.hpp's reference loop.
//   ConvInteger: Y(int32) = conv(X - x_zero_point, W - w_zero_point)
//   QLinearConv: Y = saturate(round_half_even((conv(X - x_zp, W - w_zp[m]) + B[m]) * x_scale * w_scale[m] / y_scale) + y_zp)
// w_zero_point / w_scale are per tensor or per output channel. Padding contributes 0 after the
// zero point is subtracted (the input is padded with its zero point).
#include <cmath>

#include "ops/conv_geometry.hpp"

namespace hone::ops {
namespace {

bool is_8bit(DataType t) { return t == DataType::Int8 || t == DataType::UInt8; }

/// Integer conv of (x - xzp) and (w - wzp[m]); `bias` may be null. Returns the int64 accumulators.
Result<std::vector<int64_t>> integer_conv(const KernelContext& ctx, const Tensor& x, const Tensor& w,
                                          const Tensor* x_zp, const Tensor* w_zp, const Tensor* bias, Shape* out_shape) {
  if (x.rank() < 3 || w.rank() != x.rank()) return ctx.error("X and W must have the same rank >= 3");
  const int64_t group = ctx.attr_int("group");
  if (group <= 0 || x.dim(1) % group != 0 || w.dim(0) % group != 0 || w.dim(1) * group != x.dim(1)) {
    return ctx.error("W " + shape_to_string(w.shape()) + " does not match X " + shape_to_string(x.shape()) + " with group " + std::to_string(group));
  }
  const int64_t m = w.dim(0);
  HONE_ASSIGN_OR_RETURN(WindowGeometry geo, resolve_window(ctx, spatial_dims(x.shape()), spatial_dims(w.shape()), false));
  HONE_ASSIGN_OR_RETURN(Geometry3d g, to_3d(ctx, geo));
  std::vector<int64_t> xv(static_cast<size_t>(x.numel())), wv(static_cast<size_t>(w.numel()));
  const int64_t xz = x_zp && x_zp->numel() > 0 ? x_zp->get_int64(0) : 0;
  for (int64_t i = 0; i < x.numel(); ++i) xv[static_cast<size_t>(i)] = x.get_int64(i) - xz;
  const int64_t per_m = m > 0 ? w.numel() / m : 0;
  if (w_zp && w_zp->numel() != 1 && w_zp->numel() != m) return ctx.error("w_zero_point must have 1 or " + std::to_string(m) + " values");
  for (int64_t i = 0; i < w.numel(); ++i) {
    const int64_t wz = w_zp && w_zp->numel() > 0 ? w_zp->get_int64(w_zp->numel() == 1 ? 0 : i / per_m) : 0;
    wv[static_cast<size_t>(i)] = w.get_int64(i) - wz;
  }
  std::vector<int64_t> bv;
  if (bias) {
    if (bias->numel() != m) return ctx.error("B must have " + std::to_string(m) + " values");
    for (int64_t i = 0; i < m; ++i) bv.push_back(bias->get_int64(i));
  }
  *out_shape = {x.dim(0), m};
  out_shape->insert(out_shape->end(), geo.output.begin(), geo.output.end());
  std::vector<int64_t> y(static_cast<size_t>(shape_numel(*out_shape)));
  conv3d_reference<int64_t>(xv.data(), wv.data(), bias ? bv.data() : nullptr, y.data(), x.dim(0), x.dim(1), m, group, g);
  return y;
}

Status infer_shape(InferContext& ctx, size_t x_in, size_t w_in, DataType out_dtype) {
  const ir::TensorShape& x = ctx.input_shape(x_in);
  const ir::TensorShape& w = ctx.input_shape(w_in);
  if (!x.has_rank || !w.has_rank || x.rank() < 3) {
    ctx.set_output(0, out_dtype, ir::TensorShape::unknown());
    return Status::ok();
  }
  std::vector<int64_t> kernel = spatial_dims(w);
  std::vector<int64_t> in = spatial_dims(x);
  for (size_t i = 0; i < kernel.size() && i < in.size(); ++i) if (kernel[i] < 0) { in[i] = -1; kernel[i] = 1; }
  HONE_ASSIGN_OR_RETURN(WindowGeometry g, resolve_window(ctx, in, kernel, false));
  ctx.set_output(0, out_dtype, window_output_shape(x.dims[0], w.dims[0], g.output));
  return Status::ok();
}

Status infer_conv_integer(InferContext& ctx) {
  if (!is_8bit(ctx.input_dtype(0)) || !is_8bit(ctx.input_dtype(1))) return ctx.unsupported("ConvInteger supports int8 and uint8 inputs");
  return infer_shape(ctx, 0, 1, DataType::Int32);
}

Status run_conv_integer(KernelContext& ctx) {
  Shape shape;
  HONE_ASSIGN_OR_RETURN(std::vector<int64_t> y,
                        integer_conv(ctx, ctx.input(0), ctx.input(1), ctx.has_input(2) ? &ctx.input(2) : nullptr,
                                     ctx.has_input(3) ? &ctx.input(3) : nullptr, nullptr, &shape));
  int32_t* out = ctx.output(0).data<int32_t>();
  for (size_t i = 0; i < y.size(); ++i) out[i] = static_cast<int32_t>(y[i]);
  return Status::ok();
}

Status infer_qlinear(InferContext& ctx) {
  if (!is_8bit(ctx.input_dtype(0)) || !is_8bit(ctx.input_dtype(3)) || !is_8bit(ctx.input_dtype(7))) {
    return ctx.unsupported("QLinearConv supports int8 and uint8 tensors");
  }
  return infer_shape(ctx, 0, 3, ctx.input_dtype(7));
}

Status run_qlinear(KernelContext& ctx) {
  Shape shape;
  const Tensor& w_scale = ctx.input(4);
  HONE_ASSIGN_OR_RETURN(std::vector<int64_t> acc,
                        integer_conv(ctx, ctx.input(0), ctx.input(3), &ctx.input(2), &ctx.input(5),
                                     ctx.has_input(8) ? &ctx.input(8) : nullptr, &shape));
  const int64_t m = shape[1];
  if (w_scale.numel() != 1 && w_scale.numel() != m) return ctx.error("w_scale must have 1 or " + std::to_string(m) + " values");
  const double x_scale = ctx.input(1).get_double(0), y_scale = ctx.input(6).get_double(0);
  const double y_zp = static_cast<double>(ctx.input(7).get_int64(0));
  const bool is_signed = ctx.input(7).dtype() == DataType::Int8;
  const double lo = is_signed ? -128 : 0, hi = is_signed ? 127 : 255;
  const int64_t plane = shape_numel(shape) / std::max<int64_t>(1, shape[0] * m);
  std::vector<double> y(acc.size());
  for (size_t i = 0; i < acc.size(); ++i) {
    const int64_t ch = static_cast<int64_t>(i) / plane % m;
    const double ws = w_scale.get_double(w_scale.numel() == 1 ? 0 : ch);
    // Float math as the spec's DequantizeLinear -> conv -> QuantizeLinear; rint rounds half to even.
    const float scale = static_cast<float>(x_scale) * static_cast<float>(ws) / static_cast<float>(y_scale);
    y[i] = std::clamp(std::nearbyint(static_cast<double>(static_cast<float>(acc[i]) * scale)) + y_zp, lo, hi);
  }
  return store_doubles(ctx.output(0), y, "QLinearConv");
}

const std::vector<AttrSpec> kConvAttrs = {attr_string("auto_pad", "NOTSET"), attr_ints("dilations", {}), attr_int("group", 1),
                                          attr_optional("kernel_shape", AttrType::Ints), attr_ints("pads", {}),
                                          attr_ints("strides", {})};

}  // namespace

HONE_DEFINE_OP(ConvInteger){
    .name = "ConvInteger",
    .min_inputs = 2,
    .max_inputs = 4,
    .attrs = kConvAttrs,
    .infer = infer_conv_integer,
    .run = run_conv_integer,
};

HONE_DEFINE_OP(QLinearConv){
    .name = "QLinearConv",
    .min_inputs = 8,
    .max_inputs = 9,
    .attrs = kConvAttrs,
    .infer = infer_qlinear,
    .run = run_qlinear,
};

}  // namespace hone::ops
