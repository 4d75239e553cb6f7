// DeformConv (2-D): a convolution whose taps move by learned offsets and are scaled by a mask.
//   Y[n, m, oh, ow] = B[m] + sum_{c, i, j} W[m, c, i, j] * mask[n, g, i, j, oh, ow]
//                     * bilinear(X[n, grp*C/G + c], oh*s_h - p_h + i*d_h + off_h, ow*s_w - p_w + j*d_w + off_w)
// offset [N, offset_group * kh * kw * 2, OH, OW] holds (off_h, off_w) per tap; g is the offset
// group of the input channel; bilinear reads 0 outside the image.
#include <cmath>

#include "ops/conv_geometry.hpp"

namespace hone::ops {
namespace {

Status infer(InferContext& ctx) {
  HONE_RETURN_IF_ERROR(ctx.require_dtype(0, {DataType::Float, DataType::Double, DataType::Float16, DataType::BFloat16}));
  const ir::TensorShape& x = ctx.input_shape(0);
  const ir::TensorShape& w = ctx.input_shape(1);
  if (!x.has_rank || !w.has_rank || x.rank() != 4 || w.rank() != 4) {
    if (x.has_rank && x.rank() != 4) return ctx.unsupported("DeformConv supports 2-D inputs only");
    ctx.set_output(0, ctx.input_dtype(0), ir::TensorShape::unknown());
    return Status::ok();
  }
  std::vector<int64_t> kernel = ctx.has_attr("kernel_shape") ? ctx.attr_ints("kernel_shape") : spatial_dims(w);
  std::vector<int64_t> in = spatial_dims(x);
  for (size_t i = 0; i < 2; ++i) if (kernel[i] < 0) { in[i] = -1; kernel[i] = 1; }
  HONE_ASSIGN_OR_RETURN(WindowGeometry g, resolve_window(ctx, in, kernel, false));
  ctx.set_output(0, ctx.input_dtype(0), window_output_shape(x.dims[0], w.dims[0], g.output));
  return Status::ok();
}

double bilinear(const double* plane, int64_t height, int64_t width, double y, double x) {
  const double y0 = std::floor(y), x0 = std::floor(x);
  const double ly = y - y0, lx = x - x0;
  double v = 0;
  for (int dy = 0; dy <= 1; ++dy)
    for (int dx = 0; dx <= 1; ++dx) {
      const auto yy = static_cast<int64_t>(y0) + dy, xx = static_cast<int64_t>(x0) + dx;
      if (yy < 0 || yy >= height || xx < 0 || xx >= width) continue;
      v += (dy ? ly : 1 - ly) * (dx ? lx : 1 - lx) * plane[yy * width + xx];
    }
  return v;
}

Status run(KernelContext& ctx) {
  const Tensor& x = ctx.input(0);
  const Tensor& w = ctx.input(1);
  const Tensor& offset = ctx.input(2);
  if (x.rank() != 4 || w.rank() != 4) return ctx.unsupported("DeformConv supports 2-D inputs only");
  const int64_t batch = x.dim(0), channels = x.dim(1), height = x.dim(2), width = x.dim(3);
  const int64_t m = w.dim(0), kh = w.dim(2), kw = w.dim(3);
  const int64_t group = ctx.attr_int("group"), offset_group = ctx.attr_int("offset_group");
  if (group <= 0 || offset_group <= 0 || channels % group != 0 || m % group != 0 || w.dim(1) * group != channels ||
      channels % offset_group != 0) {
    return ctx.error("W " + shape_to_string(w.shape()) + " does not match X " + shape_to_string(x.shape()) + " with group " +
                     std::to_string(group) + " and offset_group " + std::to_string(offset_group));
  }
  if (ctx.has_attr("kernel_shape") && ctx.attr_ints("kernel_shape") != std::vector<int64_t>{kh, kw}) {
    return ctx.error("kernel_shape does not match W " + shape_to_string(w.shape()));
  }
  HONE_ASSIGN_OR_RETURN(WindowGeometry g, resolve_window(ctx, {height, width}, {kh, kw}, false));
  const int64_t out_h = g.output[0], out_w = g.output[1];
  const int64_t taps = kh * kw;
  if (offset.rank() != 4 || offset.dim(0) != batch || offset.dim(1) != offset_group * taps * 2 || offset.dim(2) != out_h ||
      offset.dim(3) != out_w) {
    return ctx.error("offset must have shape [" + std::to_string(batch) + ", " + std::to_string(offset_group * taps * 2) + ", " +
                     std::to_string(out_h) + ", " + std::to_string(out_w) + "], got " + shape_to_string(offset.shape()));
  }
  const bool has_bias = ctx.has_input(3), has_mask = ctx.has_input(4);
  if (has_mask && ctx.input(4).numel() != batch * offset_group * taps * out_h * out_w) return ctx.error("mask has the wrong size");
  if (has_bias && ctx.input(3).numel() != m) return ctx.error("B must have " + std::to_string(m) + " values");
  const std::vector<double> xv = x.to_double_vector(), wv = w.to_double_vector(), ov = offset.to_double_vector();
  const std::vector<double> bv = has_bias ? ctx.input(3).to_double_vector() : std::vector<double>(static_cast<size_t>(m), 0.0);
  const std::vector<double> mv = has_mask ? ctx.input(4).to_double_vector() : std::vector<double>();
  const int64_t cg = channels / group, mg = m / group, c_per_og = channels / offset_group;
  const int64_t out_plane = out_h * out_w;
  std::vector<double> yv(static_cast<size_t>(batch * m * out_plane));
  for (int64_t n = 0; n < batch; ++n)
    for (int64_t oc = 0; oc < m; ++oc) {
      const int64_t grp = oc / mg;
      for (int64_t oh = 0; oh < out_h; ++oh)
        for (int64_t ow = 0; ow < out_w; ++ow) {
          double acc = bv[static_cast<size_t>(oc)];
          for (int64_t c = 0; c < cg; ++c) {
            const int64_t ic = grp * cg + c, og = ic / c_per_og;
            const double* plane = xv.data() + (n * channels + ic) * height * width;
            for (int64_t i = 0; i < kh; ++i)
              for (int64_t j = 0; j < kw; ++j) {
                const int64_t tap = i * kw + j;
                const int64_t off_base = ((n * offset_group + og) * taps + tap) * 2;
                const double dy = ov[static_cast<size_t>(off_base * out_plane + oh * out_w + ow)];
                const double dx = ov[static_cast<size_t>((off_base + 1) * out_plane + oh * out_w + ow)];
                const double mask =
                    has_mask ? mv[static_cast<size_t>(((n * offset_group + og) * taps + tap) * out_plane + oh * out_w + ow)] : 1.0;
                const double yy = static_cast<double>(oh * g.strides[0] - g.pads_begin[0] + i * g.dilations[0]) + dy;
                const double xx = static_cast<double>(ow * g.strides[1] - g.pads_begin[1] + j * g.dilations[1]) + dx;
                acc += wv[static_cast<size_t>(((oc * cg + c) * kh + i) * kw + j)] * mask * bilinear(plane, height, width, yy, xx);
              }
          }
          yv[static_cast<size_t>((n * m + oc) * out_plane + oh * out_w + ow)] = acc;
        }
    }
  return store_doubles(ctx.output(0), yv, "DeformConv");
}

}  // namespace

HONE_DEFINE_OP(DeformConv){
    .name = "DeformConv",
    .min_inputs = 3,
    .max_inputs = 5,
    .attrs = {attr_ints("dilations", {}), attr_int("group", 1), attr_optional("kernel_shape", AttrType::Ints),
              attr_int("offset_group", 1), attr_ints("pads", {}), attr_ints("strides", {})},
    .infer = infer,
    .run = run,
};

}  // namespace hone::ops
