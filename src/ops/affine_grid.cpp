// AffineGrid: the sampling grid GridSample consumes, from affine matrices theta.
//   2-D: theta [N, 2, 3], size (N, C, H, W) -> grid [N, H, W, 2],  grid[n,h,w] = theta[n] @ (x_w, y_h, 1)
//   3-D: theta [N, 3, 4], size (N, C, D, H, W) -> grid [N, D, H, W, 3] with (x_w, y_h, z_d, 1)
// Base coordinates per axis of length L: align_corners ? -1 + 2i/(L-1) (just -1 when L = 1)
// : (2i + 1)/L - 1.
#include "ops/conv_geometry.hpp"

namespace hone::ops {
namespace {

Status infer(InferContext& ctx) {
  HONE_RETURN_IF_ERROR(ctx.require_dtype(0, {DataType::Float, DataType::Double, DataType::Float16, DataType::BFloat16}));
  const Tensor* size = ctx.input_value(1);
  if (size == nullptr) {
    ctx.set_output(0, ctx.input_dtype(0), ir::TensorShape::unknown());
    return Status::ok();
  }
  std::vector<int64_t> s = size->to_int64_vector();
  if (s.size() != 4 && s.size() != 5) return ctx.error("size must have 4 or 5 values, got " + std::to_string(s.size()));
  for (int64_t d : s) if (d < 0) return ctx.error("size must be non-negative");
  Shape out = {s[0]};
  out.insert(out.end(), s.begin() + 2, s.end());
  out.push_back(static_cast<int64_t>(s.size()) - 2);
  ctx.set_output(0, ctx.input_dtype(0), ir::TensorShape::of(out));
  return Status::ok();
}

Status run(KernelContext& ctx) {
  const Tensor& theta = ctx.input(0);
  const std::vector<int64_t> s = ctx.input(1).to_int64_vector();
  const size_t r = s.size() - 2;
  if (theta.rank() != 3 || theta.dim(0) != s[0] || theta.dim(1) != static_cast<int64_t>(r) ||
      theta.dim(2) != static_cast<int64_t>(r) + 1) {
    return ctx.error("theta " + shape_to_string(theta.shape()) + " does not match size");
  }
  const bool align = ctx.attr_int("align_corners") != 0;
  auto base = [&](int64_t i, int64_t len) {
    if (align) return len == 1 ? -1.0 : -1.0 + 2.0 * static_cast<double>(i) / static_cast<double>(len - 1);
    return (2.0 * static_cast<double>(i) + 1.0) / static_cast<double>(len) - 1.0;
  };
  const std::vector<double> th = theta.to_double_vector();
  Tensor& y = ctx.output(0);
  std::vector<double> yv(static_cast<size_t>(y.numel()));
  const int64_t depth = r == 3 ? s[2] : 1, height = s[r == 3 ? 3 : 2], width = s[r == 3 ? 4 : 3];
  size_t o = 0;
  for (int64_t n = 0; n < s[0]; ++n) {
    const double* t = th.data() + n * static_cast<int64_t>(r * (r + 1));
    for (int64_t d = 0; d < depth; ++d)
      for (int64_t h = 0; h < height; ++h)
        for (int64_t w = 0; w < width; ++w) {
          // Homogeneous point, innermost axis first: (x, y[, z], 1).
          double p[4] = {base(w, width), base(h, height), r == 3 ? base(d, depth) : 1.0, 1.0};
          for (size_t row = 0; row < r; ++row) {
            double v = 0;
            for (size_t col = 0; col <= r; ++col) v += t[row * (r + 1) + col] * p[col];
            yv[o++] = v;
          }
        }
  }
  return store_doubles(y, yv, "AffineGrid");
}

}  // namespace

HONE_DEFINE_OP(AffineGrid){
    .name = "AffineGrid",
    .min_inputs = 2,
    .max_inputs = 2,
    .attrs = {attr_int("align_corners", 0)},
    .infer = infer,
    .run = run,
};

}  // namespace hone::ops
