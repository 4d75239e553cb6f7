// GridSample (opset 16: 2-D, modes bilinear/nearest/bicubic; opset 20: N-D, linear/nearest/cubic).
// For output point p, grid[n, p, :] holds normalized coordinates in [-1, 1], innermost spatial
// axis first (x -> W, y -> H, z -> D). Per axis of size L:
//   u = align_corners ? (g + 1)/2 * (L - 1) : ((g + 1) * L - 1) / 2
// border padding clamps u to [0, L-1]; reflection reflects u into [0, L-1] (align_corners) or
// [-0.5, L-0.5]. Taps: nearest rint(u); linear floor(u)+{0,1} with weights (1-t, t); cubic
// floor(u)+{-1..2} with Keys weights (A = -0.75), t = u - floor(u). A tap outside the input reads
// 0 (zeros), the clamped index (border) or the reflected index (reflection).
// Y[n, c, p] = sum over the tap product of prod(weights) * X[n, c, taps].
#include <cmath>

#include "ops/conv_geometry.hpp"

namespace hone::ops {
namespace {

enum class Padding { Zeros, Border, Reflection };
enum class Mode { Nearest, Linear, Cubic };

bool is_float_type(DataType t) {
  return t == DataType::Float || t == DataType::Double || t == DataType::Float16 || t == DataType::BFloat16;
}

Status infer(InferContext& ctx) {
  if (!is_float_type(ctx.input_dtype(0)) || !is_float_type(ctx.input_dtype(1))) {
    return ctx.unsupported("GridSample supports float, double, float16 and bfloat16 inputs");
  }
  const ir::TensorShape& x = ctx.input_shape(0);
  const ir::TensorShape& grid = ctx.input_shape(1);
  if (!x.has_rank || !grid.has_rank) {
    ctx.set_output(0, ctx.input_dtype(0), ir::TensorShape::unknown());
    return Status::ok();
  }
  if (x.rank() < 3 || grid.rank() != x.rank()) return ctx.error("grid " + grid.to_string() + " must have the rank of X " + x.to_string());
  if (grid.dims.back().is_known() && grid.dims.back().value != static_cast<int64_t>(x.rank()) - 2) {
    return ctx.error("grid's last dimension must be " + std::to_string(x.rank() - 2));
  }
  ir::TensorShape out = ir::TensorShape::of_rank(x.rank());
  out.dims[0] = x.dims[0];
  out.dims[1] = x.dims[1];
  for (size_t i = 2; i < x.rank(); ++i) out.dims[i] = grid.dims[i - 1];
  ctx.set_output(0, ctx.input_dtype(0), out);
  return Status::ok();
}

double reflect(double x, double lo, double hi) {
  const double range = hi - lo;
  if (range <= 0) return lo;
  if (x < lo) {
    const double dx = lo - x;
    const auto n = static_cast<int64_t>(dx / range);
    const double r = dx - static_cast<double>(n) * range;
    return n % 2 == 0 ? lo + r : hi - r;
  }
  if (x > hi) {
    const double dx = x - hi;
    const auto n = static_cast<int64_t>(dx / range);
    const double r = dx - static_cast<double>(n) * range;
    return n % 2 == 0 ? hi - r : lo + r;
  }
  return x;
}

double cubic_weight(double x) {
  constexpr double a = -0.75;
  x = std::fabs(x);
  if (x <= 1) return ((a + 2) * x - (a + 3)) * x * x + 1;
  if (x < 2) return ((a * x - 5 * a) * x + 8 * a) * x - 4 * a;
  return 0;
}

Status run(KernelContext& ctx) {
  const Tensor& x = ctx.input(0);
  const Tensor& grid = ctx.input(1);
  const size_t r = static_cast<size_t>(x.rank()) - 2;
  const std::string mode_name = ctx.attr_string("mode");
  Mode mode;
  if (mode_name == "nearest") mode = Mode::Nearest;
  else if (mode_name == "bilinear" || mode_name == "linear") mode = Mode::Linear;
  else if (mode_name == "bicubic" || mode_name == "cubic") mode = Mode::Cubic;
  else return ctx.error("unknown mode '" + mode_name + "'");
  const std::string pad_name = ctx.attr_string("padding_mode");
  Padding padding;
  if (pad_name == "zeros") padding = Padding::Zeros;
  else if (pad_name == "border") padding = Padding::Border;
  else if (pad_name == "reflection") padding = Padding::Reflection;
  else return ctx.error("unknown padding_mode '" + pad_name + "'");
  if (mode == Mode::Cubic && r != 2) return ctx.unsupported("cubic GridSample is defined for 2-D inputs only");
  const bool align = ctx.attr_int("align_corners") != 0;
  if (grid.dim(0) != x.dim(0)) return ctx.error("grid batch differs from X batch");

  const std::vector<double> xv = x.to_double_vector(), gv = grid.to_double_vector();
  Tensor& y = ctx.output(0);
  std::vector<double> yv(static_cast<size_t>(y.numel()));
  const int64_t batch = x.dim(0), channels = x.dim(1);
  Shape in_sizes(x.shape().begin() + 2, x.shape().end());
  const int64_t in_plane = shape_numel(in_sizes);
  if (in_plane == 0 && grid.numel() > 0 && channels > 0) return ctx.error("cannot sample an empty input");
  const int64_t points = r > 0 ? grid.numel() / (batch * static_cast<int64_t>(r)) : 0;

  // Per-axis taps of the current point.
  std::vector<std::vector<int64_t>> tap_index(r);
  std::vector<std::vector<double>> tap_weight(r);
  std::vector<bool> tap_valid;
  for (int64_t n = 0; n < batch; ++n) {
    for (int64_t pt = 0; pt < points; ++pt) {
      const double* g = gv.data() + (n * points + pt) * static_cast<int64_t>(r);
      for (size_t ax = 0; ax < r; ++ax) {
        const int64_t len = in_sizes[ax];
        const double gc = g[r - 1 - ax];  // grid lists the innermost axis first
        double u = align ? (gc + 1) / 2 * static_cast<double>(len - 1) : ((gc + 1) * static_cast<double>(len) - 1) / 2;
        const double lo = align ? 0.0 : -0.5, hi = align ? static_cast<double>(len - 1) : static_cast<double>(len) - 0.5;
        if (padding == Padding::Border) u = std::clamp(u, 0.0, static_cast<double>(len - 1));
        if (padding == Padding::Reflection) u = reflect(u, lo, hi);
        auto& idx = tap_index[ax];
        auto& wt = tap_weight[ax];
        idx.clear();
        wt.clear();
        if (mode == Mode::Nearest) {
          idx.push_back(static_cast<int64_t>(std::nearbyint(u)));
          wt.push_back(1.0);
        } else {
          const double base = std::floor(u), t = u - base;
          if (mode == Mode::Linear) {
            idx = {static_cast<int64_t>(base), static_cast<int64_t>(base) + 1};
            wt = {1 - t, t};
          } else {
            for (int k = -1; k <= 2; ++k) {
              idx.push_back(static_cast<int64_t>(base) + k);
              wt.push_back(cubic_weight(t - k));
            }
          }
        }
        // Resolve taps outside the input per padding mode; a zeros tap gets weight 0.
        for (size_t k = 0; k < idx.size(); ++k) {
          if (idx[k] >= 0 && idx[k] < len) continue;
          if (padding == Padding::Zeros) { wt[k] = 0; idx[k] = 0; }
          else if (padding == Padding::Border) idx[k] = std::clamp<int64_t>(idx[k], 0, len - 1);
          else idx[k] = std::clamp<int64_t>(static_cast<int64_t>(reflect(static_cast<double>(idx[k]), lo, hi)), 0, len - 1);
        }
      }
      // Sum over the product of per-axis taps (odometer over tap counts).
      for (int64_t c = 0; c < channels; ++c) {
        const double* xp = xv.data() + (n * channels + c) * in_plane;
        double acc = 0;
        std::vector<size_t> k(r, 0);
        while (true) {
          double w = 1;
          int64_t at = 0;
          for (size_t ax = 0; ax < r; ++ax) {
            w *= tap_weight[ax][k[ax]];
            at = at * in_sizes[ax] + tap_index[ax][k[ax]];
          }
          if (w != 0) acc += w * xp[at];
          size_t ax = r;
          while (ax > 0 && ++k[ax - 1] == tap_index[ax - 1].size()) k[--ax] = 0;
          if (ax == 0) break;
        }
        yv[static_cast<size_t>((n * channels + c) * points + pt)] = acc;
      }
    }
  }
  return store_doubles(y, yv, "GridSample");
}

}  // namespace

HONE_DEFINE_OP(GridSample){
    .name = "GridSample",
    .min_inputs = 2,
    .max_inputs = 2,
    .attrs = {attr_int("align_corners", 0), attr_string("mode", "linear"), attr_string("padding_mode", "zeros")},
    .infer = infer,
    .run = run,
};

}  // namespace hone::ops
