// Conv: N-D grouped convolution (1-D to 3-D spatial), the reference every fast conv kernel is
// tested against.
//   Y[n, m, o] = B[m] + sum_{c < C/group, kk} W[m, c, kk] * X[n, (m / (M/group)) * C/group + c, o*s - pb + kk*d]
// with X zero outside [0, in). Geometry (pads, auto_pad, output size) is conv_geometry.hpp's.
#include "ops/conv_geometry.hpp"

namespace hone::ops {
namespace {

/// Kernel spatial sizes: the kernel_shape attribute or W's dims 2...
std::vector<int64_t> kernel_of(const AttrReader& a, const ir::TensorShape& w) {
  if (a.has_attr("kernel_shape")) return a.attr_ints("kernel_shape");
  return spatial_dims(w);
}

Status check_shapes(const AttrReader& a, const ir::TensorShape& x, const ir::TensorShape& w) {
  if (!x.has_rank || !w.has_rank) return Status::ok();
  if (x.rank() < 3) return a.error("X must have rank >= 3 (N, C, spatial...), got " + x.to_string());
  if (w.rank() != x.rank()) return a.error("W " + w.to_string() + " and X " + x.to_string() + " differ in rank");
  const int64_t group = a.attr_int("group");
  if (group <= 0) return a.error("group must be positive");
  const ir::Dim& c = x.dims[1];
  const ir::Dim& m = w.dims[0];
  const ir::Dim& cg = w.dims[1];
  if (c.is_known() && c.value % group != 0) return a.error("input channels are not divisible by group");
  if (m.is_known() && m.value % group != 0) return a.error("output channels are not divisible by group");
  if (c.is_known() && cg.is_known() && cg.value * group != c.value) {
    return a.error("W " + w.to_string() + " expects " + std::to_string(cg.value * group) + " input channels, X has " +
                   std::to_string(c.value));
  }
  return Status::ok();
}

Status infer(InferContext& ctx) {
  HONE_RETURN_IF_ERROR(ctx.require_dtype(0, {DataType::Float, DataType::Double, DataType::Float16, DataType::BFloat16}));
  const ir::TensorShape& x = ctx.input_shape(0);
  const ir::TensorShape& w = ctx.input_shape(1);
  HONE_RETURN_IF_ERROR(check_shapes(ctx, x, w));
  if (!x.has_rank || !w.has_rank) {
    ctx.set_output(0, ctx.input_dtype(0), ir::TensorShape::unknown());
    return Status::ok();
  }
  std::vector<int64_t> kernel = kernel_of(ctx, w);
  for (int64_t& k : kernel) if (k < 0) k = 1;  // unknown kernel dim: size unknown below
  HONE_ASSIGN_OR_RETURN(WindowGeometry g, resolve_window(ctx, spatial_dims(x), kernel, false));
  const std::vector<int64_t> wk = spatial_dims(w);
  for (size_t i = 0; i < wk.size(); ++i) if (wk[i] < 0 && !ctx.has_attr("kernel_shape")) g.output[i] = -1;
  ctx.set_output(0, ctx.input_dtype(0), window_output_shape(x.dims[0], w.dims[0], g.output));
  return Status::ok();
}

Status run(KernelContext& ctx) {
  const Tensor& x = ctx.input(0);
  const Tensor& w = ctx.input(1);
  const bool has_bias = ctx.has_input(2);
  const std::vector<int64_t> kernel = spatial_dims(w.shape());
  if (ctx.has_attr("kernel_shape") && ctx.attr_ints("kernel_shape") != kernel) {
    return ctx.error("kernel_shape does not match W " + shape_to_string(w.shape()));
  }
  if (w.dtype() != x.dtype()) return ctx.error("W must have the element type of X");
  const int64_t out_channels = w.dim(0);
  if (has_bias && (ctx.input(2).rank() != 1 || ctx.input(2).dim(0) != out_channels)) {
    return ctx.error("B must have shape [" + std::to_string(out_channels) + "], got " + shape_to_string(ctx.input(2).shape()));
  }
  HONE_ASSIGN_OR_RETURN(WindowGeometry geo, resolve_window(ctx, spatial_dims(x.shape()), kernel, false));
  HONE_ASSIGN_OR_RETURN(Geometry3d g3, to_3d(ctx, geo));
  Tensor& y = ctx.output(0);
  return dispatch_dtype<TypeSet::Float>(x.dtype(), "Conv", [&](auto tag) -> Status {
    using T = typename decltype(tag)::type;
    using Acc = ComputeType<T>;  // float for float/float16/bfloat16, double for double
    const std::vector<Acc> xv = load_as<Acc, T>(x), wv = load_as<Acc, T>(w);
    std::vector<Acc> bv = has_bias ? load_as<Acc, T>(ctx.input(2)) : std::vector<Acc>{};
    std::vector<Acc> yv(static_cast<size_t>(y.numel()));
    conv3d_reference<Acc>(xv.data(), wv.data(), has_bias ? bv.data() : nullptr, yv.data(), x.dim(0), x.dim(1),
                          out_channels, ctx.attr_int("group"), g3);
    T* out = y.data<T>();
    for (int64_t i = 0; i < y.numel(); ++i) out[i] = T(yv[static_cast<size_t>(i)]);
    return Status::ok();
  });
}

}  // namespace

HONE_DEFINE_OP(Conv){
    .name = "Conv",
    .min_inputs = 2,
    .max_inputs = 3,
    .attrs = conv_attrs(),
    .infer = infer,
    .run = run,
};

}  // namespace hone::ops
