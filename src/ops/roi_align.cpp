// RoiAlign: for each roi [x1, y1, x2, y2] (scaled by spatial_scale, shifted by -0.5 with
// half_pixel), an output_height x output_width grid of bins, each averaging (mode avg) or taking
// the max (mode max) of grid_h x grid_w bilinear samples at the sub-bin centres, with
// grid = sampling_ratio or ceil(roi_size / output_size). A sample outside [-1, size] reads 0;
// inside it is clamped to the image. Max mode takes the largest weighted corner of each sample
// (the ONNX Runtime rule the conformance data follows). Legacy (output_half_pixel) rois are at
// least 1x1.
#include <cmath>
#include <limits>

#include "ops/conv_geometry.hpp"

namespace hone::ops {
namespace {

Status infer(InferContext& ctx) {
  HONE_RETURN_IF_ERROR(ctx.require_dtype(0, {DataType::Float, DataType::Double, DataType::Float16, DataType::BFloat16}));
  if (ctx.attr_int("output_height") <= 0 || ctx.attr_int("output_width") <= 0 || ctx.attr_int("sampling_ratio") < 0) {
    return ctx.error("output_height and output_width must be positive and sampling_ratio non-negative");
  }
  const ir::TensorShape& x = ctx.input_shape(0);
  const ir::TensorShape& rois = ctx.input_shape(1);
  ir::TensorShape out = ir::TensorShape::of_rank(4);
  if (rois.has_rank && rois.rank() == 2) out.dims[0] = rois.dims[0];
  if (x.has_rank && x.rank() == 4) out.dims[1] = x.dims[1];
  out.dims[2] = ctx.attr_int("output_height");
  out.dims[3] = ctx.attr_int("output_width");
  ctx.set_output(0, ctx.input_dtype(0), out);
  return Status::ok();
}

Status run(KernelContext& ctx) {
  const Tensor& x = ctx.input(0);
  const Tensor& rois = ctx.input(1);
  const Tensor& batch_indices = ctx.input(2);
  if (x.rank() != 4) return ctx.error("X must have rank 4");
  if (rois.rank() != 2 || rois.dim(1) != 4 || batch_indices.numel() != rois.dim(0)) {
    return ctx.error("rois must be [num_rois, 4] with one batch index each");
  }
  const int64_t channels = x.dim(1), height = x.dim(2), width = x.dim(3);
  const int64_t out_h = ctx.attr_int("output_height"), out_w = ctx.attr_int("output_width");
  const int64_t sampling = ctx.attr_int("sampling_ratio");
  const double scale = ctx.attr_float("spatial_scale");
  const bool max_mode = ctx.attr_string("mode") == "max";
  if (!max_mode && ctx.attr_string("mode") != "avg") return ctx.error("unknown mode '" + ctx.attr_string("mode") + "'");
  const bool half_pixel = ctx.opset() >= 16 && ctx.attr_string("coordinate_transformation_mode") == "half_pixel";
  const double offset = half_pixel ? 0.5 : 0.0;
  const std::vector<double> xv = x.to_double_vector(), rv = rois.to_double_vector();
  std::vector<double> yv(static_cast<size_t>(ctx.output(0).numel()));
  for (int64_t r = 0; r < rois.dim(0); ++r) {
    const int64_t b = batch_indices.get_int64(r);
    if (b < 0 || b >= x.dim(0)) return ctx.bad_input("batch index " + std::to_string(b) + " is out of range");
    const double* roi = rv.data() + r * 4;
    const double x0 = roi[0] * scale - offset, y0 = roi[1] * scale - offset;
    double roi_w = roi[2] * scale - offset - x0, roi_h = roi[3] * scale - offset - y0;
    if (!half_pixel) { roi_w = std::max(roi_w, 1.0); roi_h = std::max(roi_h, 1.0); }
    const double bin_h = roi_h / static_cast<double>(out_h), bin_w = roi_w / static_cast<double>(out_w);
    const int64_t grid_h = sampling > 0 ? sampling : static_cast<int64_t>(std::ceil(roi_h / static_cast<double>(out_h)));
    const int64_t grid_w = sampling > 0 ? sampling : static_cast<int64_t>(std::ceil(roi_w / static_cast<double>(out_w)));
    const double count = static_cast<double>(std::max<int64_t>(grid_h * grid_w, 1));
    for (int64_t c = 0; c < channels; ++c) {
      const double* plane = xv.data() + (b * channels + c) * height * width;
      for (int64_t ph = 0; ph < out_h; ++ph)
        for (int64_t pw = 0; pw < out_w; ++pw) {
          double acc = max_mode ? std::numeric_limits<double>::lowest() : 0.0;
          for (int64_t iy = 0; iy < grid_h; ++iy)
            for (int64_t ix = 0; ix < grid_w; ++ix) {
              double yy = y0 + static_cast<double>(ph) * bin_h + (static_cast<double>(iy) + 0.5) * bin_h / static_cast<double>(grid_h);
              double xx = x0 + static_cast<double>(pw) * bin_w + (static_cast<double>(ix) + 0.5) * bin_w / static_cast<double>(grid_w);
              double v[4] = {0, 0, 0, 0}, w[4] = {0, 0, 0, 0};
              if (!(yy < -1.0 || yy > static_cast<double>(height) || xx < -1.0 || xx > static_cast<double>(width))) {
                yy = std::max(yy, 0.0);
                xx = std::max(xx, 0.0);
                auto y_low = static_cast<int64_t>(yy), x_low = static_cast<int64_t>(xx);
                int64_t y_high, x_high;
                if (y_low >= height - 1) { y_high = y_low = height - 1; yy = static_cast<double>(y_low); } else { y_high = y_low + 1; }
                if (x_low >= width - 1) { x_high = x_low = width - 1; xx = static_cast<double>(x_low); } else { x_high = x_low + 1; }
                const double ly = yy - static_cast<double>(y_low), lx = xx - static_cast<double>(x_low);
                const double hy = 1 - ly, hx = 1 - lx;
                w[0] = hy * hx; w[1] = hy * lx; w[2] = ly * hx; w[3] = ly * lx;
                v[0] = plane[y_low * width + x_low]; v[1] = plane[y_low * width + x_high];
                v[2] = plane[y_high * width + x_low]; v[3] = plane[y_high * width + x_high];
              }
              if (max_mode) {
                acc = std::max({acc, w[0] * v[0], w[1] * v[1], w[2] * v[2], w[3] * v[3]});
              } else {
                acc += w[0] * v[0] + w[1] * v[1] + w[2] * v[2] + w[3] * v[3];
              }
            }
          yv[static_cast<size_t>(((r * channels + c) * out_h + ph) * out_w + pw)] = max_mode ? acc : acc / count;
        }
    }
  }
  return store_doubles(ctx.output(0), yv, "RoiAlign");
}

}  // namespace

HONE_DEFINE_OP(RoiAlign){
    .name = "RoiAlign",
    .min_inputs = 3,
    .max_inputs = 3,
    .attrs = {attr_string("coordinate_transformation_mode", "half_pixel"), attr_string("mode", "avg"),
              attr_int("output_height", 1), attr_int("output_width", 1), attr_int("sampling_ratio", 0),
              attr_float("spatial_scale", 1.0f)},
    .infer = infer,
    .run = run,
};

}  // namespace hone::ops
