// Col2Im: scatters-and-adds column blocks back into an image (the inverse layout of im2col).
// input [N, C * prod(block), L], image_shape (spatial), block_shape (spatial) ->
// output [N, C, image...] with, for block position l (row-major over the conv output grid of
// size (img + pb + pe - ((k-1)*d + 1)) / s + 1 per axis) and block offset kk:
//   Y[n, c, l*s - pb + kk*d] += X[n, c*prod(block) + flat(kk), flat(l)]
#include "ops/conv_geometry.hpp"

namespace hone::ops {
namespace {

Status infer(InferContext& ctx) {
  HONE_RETURN_IF_ERROR(ctx.require_dtype(0, {DataType::Float, DataType::Double, DataType::Float16, DataType::BFloat16}));
  const ir::TensorShape& x = ctx.input_shape(0);
  const Tensor* image = ctx.input_value(1);
  const Tensor* block = ctx.input_value(2);
  if (!x.has_rank || image == nullptr || block == nullptr) {
    ctx.set_output(0, ctx.input_dtype(0), ir::TensorShape::unknown());
    return Status::ok();
  }
  if (x.rank() != 3) return ctx.error("input must have rank 3 [N, C*prod(block), L], got " + x.to_string());
  const std::vector<int64_t> img = image->to_int64_vector(), blk = block->to_int64_vector();
  if (img.size() != blk.size()) return ctx.error("image_shape and block_shape differ in length");
  int64_t k = 1;
  for (int64_t b : blk) {
    if (b <= 0) return ctx.error("block_shape must be positive");
    k *= b;
  }
  ir::Dim c = x.dims[1].is_known() ? ir::Dim(x.dims[1].value / k) : ir::Dim();
  if (x.dims[1].is_known() && x.dims[1].value % k != 0) return ctx.error("input dim 1 is not a multiple of prod(block_shape)");
  ctx.set_output(0, ctx.input_dtype(0), window_output_shape(x.dims[0], c, img));
  return Status::ok();
}

Status run(KernelContext& ctx) {
  const Tensor& x = ctx.input(0);
  const std::vector<int64_t> img = ctx.input(1).to_int64_vector(), blk = ctx.input(2).to_int64_vector();
  HONE_ASSIGN_OR_RETURN(WindowGeometry geo, resolve_window(ctx, img, blk, false));
  HONE_ASSIGN_OR_RETURN(Geometry3d g, to_3d(ctx, geo));
  const int64_t k_plane = g.k[0] * g.k[1] * g.k[2], blocks = g.out[0] * g.out[1] * g.out[2];
  if (x.dim(2) != blocks) {
    return ctx.error("input has " + std::to_string(x.dim(2)) + " blocks, the geometry gives " + std::to_string(blocks));
  }
  const int64_t batch = x.dim(0), channels = x.dim(1) / k_plane, img_plane = g.in[0] * g.in[1] * g.in[2];
  const std::vector<double> xv = x.to_double_vector();
  std::vector<double> yv(static_cast<size_t>(ctx.output(0).numel()));
  for (int64_t n = 0; n < batch; ++n)
    for (int64_t c = 0; c < channels; ++c) {
      double* yp = yv.data() + (n * channels + c) * img_plane;
      for (int64_t kk = 0; kk < k_plane; ++kk) {
        const int64_t kd = kk / (g.k[1] * g.k[2]), kh = kk / g.k[2] % g.k[1], kw = kk % g.k[2];
        const double* xp = xv.data() + ((n * channels + c) * k_plane + kk) * blocks;
        for (int64_t l = 0; l < blocks; ++l) {
          const int64_t ld = l / (g.out[1] * g.out[2]), lh = l / g.out[2] % g.out[1], lw = l % g.out[2];
          const int64_t id = ld * g.s[0] - g.p[0] + kd * g.d[0];
          const int64_t ih = lh * g.s[1] - g.p[1] + kh * g.d[1];
          const int64_t iw = lw * g.s[2] - g.p[2] + kw * g.d[2];
          if (id < 0 || id >= g.in[0] || ih < 0 || ih >= g.in[1] || iw < 0 || iw >= g.in[2]) continue;
          yp[(id * g.in[1] + ih) * g.in[2] + iw] += xp[l];
        }
      }
    }
  return store_doubles(ctx.output(0), yv, "Col2Im");
}

}  // namespace

HONE_DEFINE_OP(Col2Im){
    .name = "Col2Im",
    .min_inputs = 3,
    .max_inputs = 3,
    .attrs = {attr_ints("dilations", {}), attr_ints("pads", {}), attr_ints("strides", {})},
    .infer = infer,
    .run = run,
};

}  // namespace hone::ops
