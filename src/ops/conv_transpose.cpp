// ConvTranspose: the gradient of Conv with respect to its input (1-D to 3-D spatial), grouped.
//   Y[n, g*M/G + m, i*s - pb + kk*d] += X[n, g*C/G + c, i] * W[g*C/G + c, m, kk]   (+ B[m])
// Output size: out = s*(in-1) + output_padding + (k-1)*d + 1 - pb - pe, or, when output_shape
// (or auto_pad SAME_*, with output_shape = in*s) is given, the pads follow from it:
//   total = s*(in-1) + output_padding + (k-1)*d + 1 - output_shape
//   SAME_UPPER: pb = floor(total/2), pe = total - pb; otherwise pe = floor(total/2), pb = total - pe
#include "ops/conv_geometry.hpp"

namespace hone::ops {
namespace {

std::vector<int64_t> kernel_of(const AttrReader& a, const std::vector<int64_t>& w_spatial) {
  return a.has_attr("kernel_shape") ? a.attr_ints("kernel_shape") : w_spatial;
}

Status infer(InferContext& ctx) {
  HONE_RETURN_IF_ERROR(ctx.require_dtype(0, {DataType::Float, DataType::Double, DataType::Float16, DataType::BFloat16}));
  const ir::TensorShape& x = ctx.input_shape(0);
  const ir::TensorShape& w = ctx.input_shape(1);
  if (!x.has_rank || !w.has_rank) {
    ctx.set_output(0, ctx.input_dtype(0), ir::TensorShape::unknown());
    return Status::ok();
  }
  if (x.rank() < 3 || w.rank() != x.rank()) return ctx.error("X " + x.to_string() + " and W " + w.to_string() + " must have the same rank >= 3");
  const int64_t group = ctx.attr_int("group");
  if (group <= 0) return ctx.error("group must be positive");
  std::vector<int64_t> kernel = kernel_of(ctx, spatial_dims(w));
  std::vector<int64_t> in = spatial_dims(x);
  for (size_t i = 0; i < kernel.size() && i < in.size(); ++i) if (kernel[i] < 0) in[i] = -1;
  for (int64_t& k : kernel) if (k < 0) k = 1;
  HONE_ASSIGN_OR_RETURN(WindowGeometry g, resolve_transpose_window(ctx, in, kernel));
  ir::Dim m = w.dims[1].is_known() ? ir::Dim(w.dims[1].value * group) : ir::Dim();
  ctx.set_output(0, ctx.input_dtype(0), window_output_shape(x.dims[0], m, g.output));
  return Status::ok();
}

Status run(KernelContext& ctx) {
  const Tensor& x = ctx.input(0);
  const Tensor& w = ctx.input(1);
  const int64_t group = ctx.attr_int("group");
  const int64_t channels = x.dim(1);
  if (w.dim(0) != channels || channels % group != 0) {
    return ctx.error("W " + shape_to_string(w.shape()) + " does not match " + std::to_string(channels) + " input channels and group " + std::to_string(group));
  }
  const int64_t cg = channels / group, mg = w.dim(1), out_channels = mg * group;
  if (ctx.has_input(2) && ctx.input(2).numel() != out_channels) return ctx.error("B must have " + std::to_string(out_channels) + " values");
  if (w.dtype() != x.dtype()) return ctx.error("W must have the element type of X");
  if (ctx.has_attr("kernel_shape") && ctx.attr_ints("kernel_shape") != spatial_dims(w.shape())) {
    return ctx.error("kernel_shape does not match W " + shape_to_string(w.shape()));
  }
  HONE_ASSIGN_OR_RETURN(WindowGeometry geo,
                        resolve_transpose_window(ctx, spatial_dims(x.shape()), spatial_dims(w.shape())));
  HONE_ASSIGN_OR_RETURN(Geometry3d g, to_3d(ctx, geo));
  Tensor& y = ctx.output(0);
  return dispatch_dtype<TypeSet::Float>(x.dtype(), "ConvTranspose", [&](auto tag) -> Status {
    using T = typename decltype(tag)::type;
    using Acc = ComputeType<T>;
    const std::vector<Acc> xv = load_as<Acc, T>(x), wv = load_as<Acc, T>(w);
    const std::vector<Acc> bv = ctx.has_input(2) ? load_as<Acc, T>(ctx.input(2)) : std::vector<Acc>(static_cast<size_t>(out_channels), Acc(0));
    const int64_t in_plane = g.in[0] * g.in[1] * g.in[2], out_plane = g.out[0] * g.out[1] * g.out[2];
    const int64_t k_plane = g.k[0] * g.k[1] * g.k[2];
    std::vector<Acc> yv(static_cast<size_t>(y.numel()));
    for (int64_t n = 0; n < x.dim(0); ++n) {
      for (int64_t oc = 0; oc < out_channels; ++oc) {
        std::fill_n(yv.begin() + (n * out_channels + oc) * out_plane, out_plane, bv[static_cast<size_t>(oc)]);
      }
      for (int64_t ic = 0; ic < channels; ++ic) {
        const int64_t grp = ic / cg;
        const Acc* xp = xv.data() + (n * channels + ic) * in_plane;
        for (int64_t m = 0; m < mg; ++m) {
          Acc* yp = yv.data() + (n * out_channels + grp * mg + m) * out_plane;
          const Acc* wp = wv.data() + (ic * mg + m) * k_plane;
          for (int64_t kd = 0; kd < g.k[0]; ++kd) {
            int64_t d_lo, d_hi;  // input positions whose output lands inside [0, out)
            valid_output_range(g.out[0], g.in[0], g.s[0], g.p[0], kd * g.d[0], &d_lo, &d_hi);
            for (int64_t kh = 0; kh < g.k[1]; ++kh) {
              int64_t h_lo, h_hi;
              valid_output_range(g.out[1], g.in[1], g.s[1], g.p[1], kh * g.d[1], &h_lo, &h_hi);
              for (int64_t kw = 0; kw < g.k[2]; ++kw) {
                int64_t w_lo, w_hi;
                valid_output_range(g.out[2], g.in[2], g.s[2], g.p[2], kw * g.d[2], &w_lo, &w_hi);
                const Acc wt = wp[(kd * g.k[1] + kh) * g.k[2] + kw];
                for (int64_t id = d_lo; id < d_hi; ++id) {
                  const int64_t od = id * g.s[0] - g.p[0] + kd * g.d[0];
                  for (int64_t ih = h_lo; ih < h_hi; ++ih) {
                    const int64_t oh = ih * g.s[1] - g.p[1] + kh * g.d[1];
                    const Acc* xrow = xp + (id * g.in[1] + ih) * g.in[2];
                    Acc* yrow = yp + (od * g.out[1] + oh) * g.out[2];
                    const int64_t off = kw * g.d[2] - g.p[2];
                    for (int64_t iw = w_lo; iw < w_hi; ++iw) yrow[iw * g.s[2] + off] += wt * xrow[iw];
                  }
                }
              }
            }
          }
        }
      }
    }
    T* out = y.data<T>();
    for (int64_t i = 0; i < y.numel(); ++i) out[i] = T(yv[static_cast<size_t>(i)]);
    return Status::ok();
  });
}

}  // namespace

HONE_DEFINE_OP(ConvTranspose){
    .name = "ConvTranspose",
    .min_inputs = 2,
    .max_inputs = 3,
    .attrs = {attr_string("auto_pad", "NOTSET"), attr_ints("dilations", {}), attr_int("group", 1),
              attr_optional("kernel_shape", AttrType::Ints), attr_ints("output_padding", {}),
              attr_ints("output_shape", {}), attr_ints("pads", {}), attr_ints("strides", {})},
    .infer = infer,
    .run = run,
};

}  // namespace hone::ops
