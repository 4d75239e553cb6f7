// MaxRoiPool (Fast R-CNN): rois [num_rois, 5] = (batch, x1, y1, x2, y2); each roi, scaled by
// spatial_scale and rounded, is split into pooled_shape bins
//   bin rows [floor(ph * h/PH), ceil((ph+1) * h/PH)) + y1 (clipped), roi size h = max(y2 - y1 + 1, 1)
// and each output is the max over its bin (0 for an empty bin).
#include <cmath>
#include <limits>

#include "ops/conv_geometry.hpp"

namespace hone::ops {
namespace {

Status infer(InferContext& ctx) {
  HONE_RETURN_IF_ERROR(ctx.require_dtype(0, {DataType::Float, DataType::Double, DataType::Float16, DataType::BFloat16}));
  const auto& pooled = ctx.attr_ints("pooled_shape");
  if (pooled.size() != 2 || pooled[0] <= 0 || pooled[1] <= 0) return ctx.error("pooled_shape must be two positive values");
  const ir::TensorShape& x = ctx.input_shape(0);
  const ir::TensorShape& rois = ctx.input_shape(1);
  ir::TensorShape out = ir::TensorShape::of_rank(4);
  if (rois.has_rank && rois.rank() == 2) out.dims[0] = rois.dims[0];
  if (x.has_rank && x.rank() == 4) out.dims[1] = x.dims[1];
  out.dims[2] = pooled[0];
  out.dims[3] = pooled[1];
  ctx.set_output(0, ctx.input_dtype(0), out);
  return Status::ok();
}

Status run(KernelContext& ctx) {
  const Tensor& x = ctx.input(0);
  const Tensor& rois = ctx.input(1);
  if (x.rank() != 4 || rois.rank() != 2 || rois.dim(1) != 5) return ctx.error("X must be 4-D and rois [num_rois, 5]");
  const int64_t channels = x.dim(1), height = x.dim(2), width = x.dim(3);
  const int64_t ph_n = ctx.attr_ints("pooled_shape")[0], pw_n = ctx.attr_ints("pooled_shape")[1];
  const double scale = ctx.attr_float("spatial_scale");
  const std::vector<double> xv = x.to_double_vector(), rv = rois.to_double_vector();
  std::vector<double> yv(static_cast<size_t>(ctx.output(0).numel()));
  for (int64_t r = 0; r < rois.dim(0); ++r) {
    const double* roi = rv.data() + r * 5;
    const auto b = static_cast<int64_t>(roi[0]);
    if (b < 0 || b >= x.dim(0)) return ctx.bad_input("roi batch index " + std::to_string(b) + " is out of range");
    const auto x1 = static_cast<int64_t>(std::round(roi[1] * scale)), y1 = static_cast<int64_t>(std::round(roi[2] * scale));
    const auto x2 = static_cast<int64_t>(std::round(roi[3] * scale)), y2 = static_cast<int64_t>(std::round(roi[4] * scale));
    const double bin_h = static_cast<double>(std::max<int64_t>(y2 - y1 + 1, 1)) / static_cast<double>(ph_n);
    const double bin_w = static_cast<double>(std::max<int64_t>(x2 - x1 + 1, 1)) / static_cast<double>(pw_n);
    for (int64_t c = 0; c < channels; ++c) {
      const double* plane = xv.data() + (b * channels + c) * height * width;
      for (int64_t ph = 0; ph < ph_n; ++ph)
        for (int64_t pw = 0; pw < pw_n; ++pw) {
          const int64_t hs = std::clamp<int64_t>(static_cast<int64_t>(std::floor(static_cast<double>(ph) * bin_h)) + y1, 0, height);
          const int64_t he = std::clamp<int64_t>(static_cast<int64_t>(std::ceil(static_cast<double>(ph + 1) * bin_h)) + y1, 0, height);
          const int64_t ws = std::clamp<int64_t>(static_cast<int64_t>(std::floor(static_cast<double>(pw) * bin_w)) + x1, 0, width);
          const int64_t we = std::clamp<int64_t>(static_cast<int64_t>(std::ceil(static_cast<double>(pw + 1) * bin_w)) + x1, 0, width);
          double best = he > hs && we > ws ? -std::numeric_limits<double>::infinity() : 0.0;
          for (int64_t h = hs; h < he; ++h)
            for (int64_t w = ws; w < we; ++w) best = std::max(best, plane[h * width + w]);
          yv[static_cast<size_t>(((r * channels + c) * ph_n + ph) * pw_n + pw)] = best;
        }
    }
  }
  return store_doubles(ctx.output(0), yv, "MaxRoiPool");
}

}  // namespace

HONE_DEFINE_OP(MaxRoiPool){
    .name = "MaxRoiPool",
    .min_inputs = 2,
    .max_inputs = 2,
    .attrs = {attr_required("pooled_shape", AttrType::Ints), attr_float("spatial_scale", 1.0f)},
    .infer = infer,
    .run = run,
};

}  // namespace hone::ops
