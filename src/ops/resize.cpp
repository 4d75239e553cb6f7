// Resize (opset 10+) and its predecessor Upsample (opset 7-9): separable N-D interpolation.
// Each resized axis maps an output index o to an input coordinate x (coordinate_transformation_mode,
// with scale = out/in or the given scale):
//   half_pixel           x = (o + 0.5) / scale - 0.5
//   half_pixel_symmetric x = in/2 * (1 - out/(scale*in)) + (o + 0.5) / scale - 0.5
//   pytorch_half_pixel   x = out > 1 ? (o + 0.5) / scale - 0.5 : 0
//   align_corners        x = out == 1 ? 0 : o * (in - 1) / (out - 1)
//   asymmetric           x = o / scale
//   tf_crop_and_resize   x = out > 1 ? start*(in-1) + o*(end-start)*(in-1)/(out-1) : (start+end)/2*(in-1)
//                        (x outside [0, in-1] gives extrapolation_value)
// then y[o] = sum_i w_i * X[clamp(base + i)] with base = floor(x), r = x - base (r = 0 is taken
// as base - 1, r = 1, which picks the same value) and, with s = antialias ? min(scale, 1) : 1:
//   nearest  one tap chosen by nearest_mode (round_prefer_floor/ceil, floor, ceil)
//   linear   i in [start, 2 - start), start = floor(-1/s) + 1, w_i = max(0, 1 - |(i - r) s|)
//   cubic    i in [start, 2 - start), start = floor(-2/s) + 1, w_i = K_A((i - r) s) (Keys kernel)
// exclude_outside zeroes taps outside the input; weights are normalized to sum 1.
// Since the per-axis maps are linear, applying them axis by axis equals the N-D definition.
#include <cmath>
#include <string>

#include "ops/conv_geometry.hpp"

namespace hone::ops {
namespace {

struct ResizePlan {
  std::vector<int64_t> out;        // output shape
  std::vector<double> scales;      // per dim
  std::vector<double> roi_start;   // per dim (tf_crop_and_resize)
  std::vector<double> roi_end;
};

bool is_upsample(const AttrReader& a) { return a.node().op_type() == "Upsample"; }

/// Opset-dependent inputs: Upsample-7 (scales attribute), Upsample-9/Resize-10 (X, scales),
/// Resize-11+ (X, roi, scales, sizes).
struct ResizeInputs {
  const Tensor* roi = nullptr;
  const Tensor* scales = nullptr;
  const Tensor* sizes = nullptr;
  bool values_known = true;
};

template <class Ctx>
ResizeInputs gather_inputs(const Ctx& ctx, const Tensor* (*value)(const Ctx&, size_t)) {
  ResizeInputs in;
  auto get = [&](size_t i, const Tensor** slot) {
    if (!ctx.has_input(i)) return;
    const Tensor* t = value(ctx, i);
    if (t == nullptr) { in.values_known = false; return; }
    if (t->numel() > 0) *slot = t;
  };
  const bool two_inputs = is_upsample(ctx) || ctx.opset() < 11;
  if (two_inputs) {
    get(1, &in.scales);
  } else {
    get(1, &in.roi);
    get(2, &in.scales);
    get(3, &in.sizes);
  }
  return in;
}

Result<ResizePlan> plan_resize(const AttrReader& a, const Shape& in, const ResizeInputs& inputs) {
  const size_t rank = in.size();
  ResizePlan p;
  p.out = in;
  p.scales.assign(rank, 1.0);
  p.roi_start.assign(rank, 0.0);
  p.roi_end.assign(rank, 1.0);
  std::vector<int64_t> axes;
  if (!is_upsample(a) && a.opset() >= 18 && a.has_attr("axes")) {
    for (int64_t ax : a.attr_ints("axes")) {
      HONE_ASSIGN_OR_RETURN(int64_t n, normalize_axis(ax, static_cast<int64_t>(rank)));
      axes.push_back(n);
    }
  } else {
    for (size_t i = 0; i < rank; ++i) axes.push_back(static_cast<int64_t>(i));
  }
  const size_t na = axes.size();
  if (is_upsample(a) && a.opset() < 9) {
    if (!a.has_attr("scales")) return a.error("Upsample-7 needs the scales attribute");
    const auto& s = a.attr_floats("scales");
    if (s.size() != rank) return a.error("scales has " + std::to_string(s.size()) + " values for rank " + std::to_string(rank));
    for (size_t i = 0; i < rank; ++i) p.scales[i] = s[i];
    for (size_t i = 0; i < rank; ++i) p.out[i] = static_cast<int64_t>(std::floor(static_cast<double>(in[i]) * p.scales[i]));
    return p;
  }
  if (inputs.roi) {
    std::vector<double> roi = inputs.roi->to_double_vector();
    if (roi.size() != 2 * na) return a.error("roi has " + std::to_string(roi.size()) + " values, expected " + std::to_string(2 * na));
    for (size_t i = 0; i < na; ++i) {
      p.roi_start[static_cast<size_t>(axes[i])] = roi[i];
      p.roi_end[static_cast<size_t>(axes[i])] = roi[na + i];
    }
  }
  if (inputs.scales && inputs.sizes) return a.error("only one of scales and sizes may be given");
  if (inputs.scales) {
    std::vector<double> s = inputs.scales->to_double_vector();
    if (s.size() != na) return a.error("scales has " + std::to_string(s.size()) + " values, expected " + std::to_string(na));
    for (size_t i = 0; i < na; ++i) {
      if (!(s[i] > 0)) return a.error("scales must be positive");
      const auto ax = static_cast<size_t>(axes[i]);
      p.scales[ax] = s[i];
      // out = floor(in * scale) (tf_crop_and_resize the same: the roi does not change the size).
      p.out[ax] = static_cast<int64_t>(std::floor(static_cast<double>(in[ax]) * s[i]));
    }
  } else if (inputs.sizes) {
    std::vector<int64_t> sz = inputs.sizes->to_int64_vector();
    if (sz.size() != na) return a.error("sizes has " + std::to_string(sz.size()) + " values, expected " + std::to_string(na));
    const std::string policy = a.opset() >= 18 ? a.attr_string("keep_aspect_ratio_policy") : "stretch";
    if (policy != "stretch" && policy != "not_larger" && policy != "not_smaller") {
      return a.error("unknown keep_aspect_ratio_policy '" + policy + "'");
    }
    double common = policy == "not_larger" ? 1e300 : 0.0;
    for (size_t i = 0; i < na; ++i) {
      if (sz[i] < 0) return a.error("sizes must be non-negative");
      const double r = static_cast<double>(sz[i]) / static_cast<double>(in[static_cast<size_t>(axes[i])]);
      common = policy == "not_larger" ? std::min(common, r) : std::max(common, r);
    }
    for (size_t i = 0; i < na; ++i) {
      const auto ax = static_cast<size_t>(axes[i]);
      if (policy == "stretch") {
        p.out[ax] = sz[i];
        p.scales[ax] = static_cast<double>(sz[i]) / static_cast<double>(in[ax]);
      } else {
        // out = round(common * in), rounding halves up.
        p.out[ax] = static_cast<int64_t>(std::floor(common * static_cast<double>(in[ax]) + 0.5));
        p.scales[ax] = common;
      }
    }
  } else {
    return a.error("one of scales and sizes must be given");
  }
  return p;
}

const Tensor* infer_value(const InferContext& c, size_t i) { return c.input_value(i); }
const Tensor* kernel_value(const KernelContext& c, size_t i) { return &c.input(i); }

Status check_mode(const AttrReader& a, std::string* mode) {
  *mode = a.attr_string("mode");
  if (*mode == "bilinear" || *mode == "trilinear") *mode = "linear";  // Upsample-7 spellings
  if (*mode != "nearest" && *mode != "linear" && *mode != "cubic") return a.error("unknown mode '" + *mode + "'");
  if (*mode == "cubic" && (is_upsample(a) || a.opset() < 11)) return a.error("mode 'cubic' needs Resize-11 or later");
  return Status::ok();
}

Status infer(InferContext& ctx) {
  std::string mode;
  HONE_RETURN_IF_ERROR(check_mode(ctx, &mode));
  const ir::TensorShape& x = ctx.input_shape(0);
  ResizeInputs inputs = gather_inputs<InferContext>(ctx, infer_value);
  if (!x.has_rank) {
    ctx.set_output(0, ctx.input_dtype(0), ir::TensorShape::unknown());
    return Status::ok();
  }
  if (!x.is_static() || !inputs.values_known) {
    ctx.set_output(0, ctx.input_dtype(0), ir::TensorShape::of_rank(x.rank()));
    return Status::ok();
  }
  HONE_ASSIGN_OR_RETURN(ResizePlan p, plan_resize(ctx, x.to_static(), inputs));
  ctx.set_output(0, ctx.input_dtype(0), ir::TensorShape::of(p.out));
  return Status::ok();
}

/// One output index's taps along an axis.
struct Taps {
  std::vector<int64_t> index;
  std::vector<double> weight;
  bool extrapolate = false;
};

double cubic_kernel(double x, double a) {
  x = std::fabs(x);
  if (x <= 1) return ((a + 2) * x - (a + 3)) * x * x + 1;
  if (x < 2) return ((a * x - 5 * a) * x + 8 * a) * x - 4 * a;
  return 0;
}

struct AxisOptions {
  std::string mode, transform, nearest_mode;
  double cubic_a = -0.75;
  bool exclude_outside = false, antialias = false, legacy_nearest = false;
};

Taps taps_for(const AxisOptions& o, int64_t out_index, int64_t in, int64_t out, double scale, double roi_start,
              double roi_end) {
  const double oi = static_cast<double>(out_index);
  const double din = static_cast<double>(in), dout = static_cast<double>(out);
  double x;
  const std::string& t = o.transform;
  if (t == "half_pixel") {
    x = (oi + 0.5) / scale - 0.5;
  } else if (t == "half_pixel_symmetric") {
    const double adjustment = dout / (scale * din);
    x = din / 2 * (1 - adjustment) + (oi + 0.5) / scale - 0.5;
  } else if (t == "pytorch_half_pixel") {
    x = out > 1 ? (oi + 0.5) / scale - 0.5 : 0.0;
  } else if (t == "align_corners") {
    x = out == 1 ? 0.0 : oi * (din - 1) / (dout - 1);
  } else if (t == "tf_crop_and_resize") {
    x = out > 1 ? roi_start * (din - 1) + oi * (roi_end - roi_start) * (din - 1) / (dout - 1)
                : 0.5 * (roi_start + roi_end) * (din - 1);
  } else {
    x = oi / scale;  // asymmetric
  }
  Taps taps;
  if (t == "tf_crop_and_resize" && (x < 0 || x > din - 1)) {
    taps.extrapolate = true;
    return taps;
  }
  auto clamp = [&](int64_t i) { return std::clamp<int64_t>(i, 0, in - 1); };
  if (o.mode == "nearest") {
    int64_t i;
    if (o.legacy_nearest) {
      i = scale < 1 ? static_cast<int64_t>(std::ceil(x)) : static_cast<int64_t>(std::floor(x));
    } else if (o.nearest_mode == "round_prefer_ceil") {
      i = static_cast<int64_t>(std::floor(x + 0.5));
    } else if (o.nearest_mode == "floor") {
      i = static_cast<int64_t>(std::floor(x));
    } else if (o.nearest_mode == "ceil") {
      i = static_cast<int64_t>(std::ceil(x));
    } else {
      i = static_cast<int64_t>(std::ceil(x - 0.5));  // round_prefer_floor
    }
    taps.index.push_back(clamp(i));
    taps.weight.push_back(1.0);
    return taps;
  }
  double base = std::floor(x);
  double r = x - base;
  if (r == 0) { base -= 1; r = 1; }
  const double s = o.antialias ? std::min(scale, 1.0) : 1.0;
  const bool cubic = o.mode == "cubic";
  const auto start = static_cast<int64_t>(std::floor((cubic ? -2.0 : -1.0) / s) + 1);
  double sum = 0;
  for (int64_t i = start; i < 2 - start; ++i) {
    const double arg = (static_cast<double>(i) - r) * s;
    double w = cubic ? cubic_kernel(arg, o.cubic_a) : std::max(0.0, 1 - std::fabs(arg));
    const int64_t idx = static_cast<int64_t>(base) + i;
    if (o.exclude_outside && (idx < 0 || idx >= in)) w = 0;
    taps.index.push_back(clamp(idx));
    taps.weight.push_back(w);
    sum += w;
  }
  if (sum != 0) for (double& w : taps.weight) w /= sum;
  return taps;
}

Status run(KernelContext& ctx) {
  const Tensor& x = ctx.input(0);
  std::string mode;
  HONE_RETURN_IF_ERROR(check_mode(ctx, &mode));
  HONE_ASSIGN_OR_RETURN(ResizePlan p, plan_resize(ctx, x.shape(), gather_inputs<KernelContext>(ctx, kernel_value)));
  AxisOptions o;
  o.mode = mode;
  const bool modern = !is_upsample(ctx) && ctx.opset() >= 11;
  o.transform = modern ? ctx.attr_string("coordinate_transformation_mode") : "asymmetric";
  static const char* const kTransforms[] = {"half_pixel", "half_pixel_symmetric", "pytorch_half_pixel",
                                            "align_corners", "asymmetric", "tf_crop_and_resize"};
  if (std::find(std::begin(kTransforms), std::end(kTransforms), o.transform) == std::end(kTransforms)) {
    return ctx.error("unknown coordinate_transformation_mode '" + o.transform + "'");
  }
  o.nearest_mode = modern ? ctx.attr_string("nearest_mode") : "";
  if (modern && o.nearest_mode != "round_prefer_floor" && o.nearest_mode != "round_prefer_ceil" &&
      o.nearest_mode != "floor" && o.nearest_mode != "ceil") {
    return ctx.error("unknown nearest_mode '" + o.nearest_mode + "'");
  }
  o.legacy_nearest = !modern;
  o.cubic_a = modern ? ctx.attr_float("cubic_coeff_a") : -0.75;
  o.exclude_outside = modern && ctx.attr_int("exclude_outside") != 0;
  o.antialias = !is_upsample(ctx) && ctx.opset() >= 18 && ctx.attr_int("antialias") != 0;
  const double extrapolation = modern ? ctx.attr_float("extrapolation_value") : 0.0;
  for (int64_t d : p.out) if (d < 0) return ctx.error("negative output size");

  std::vector<double> cur = x.to_double_vector();
  Shape shape = x.shape();
  for (size_t axis = 0; axis < shape.size(); ++axis) {
    const int64_t in = shape[axis], out = p.out[axis];
    const bool identity = in == out && p.scales[axis] == 1.0 && p.roi_start[axis] == 0.0 && p.roi_end[axis] == 1.0;
    if (identity) continue;
    int64_t outer = 1, inner = 1;
    for (size_t i = 0; i < axis; ++i) outer *= shape[i];
    for (size_t i = axis + 1; i < shape.size(); ++i) inner *= shape[i];
    if (in == 0 && out > 0 && outer * inner > 0) return ctx.error("cannot resize an empty axis to a non-empty one");
    std::vector<Taps> taps;
    for (int64_t j = 0; j < out; ++j) taps.push_back(taps_for(o, j, in, out, p.scales[axis], p.roi_start[axis], p.roi_end[axis]));
    std::vector<double> next(static_cast<size_t>(outer * out * inner));
    for (int64_t a = 0; a < outer; ++a)
      for (int64_t j = 0; j < out; ++j) {
        const Taps& t = taps[static_cast<size_t>(j)];
        double* dst = next.data() + (a * out + j) * inner;
        for (int64_t b = 0; b < inner; ++b) {
          double v = 0;
          if (t.extrapolate) {
            v = extrapolation;
          } else {
            for (size_t k = 0; k < t.index.size(); ++k) v += t.weight[k] * cur[static_cast<size_t>((a * in + t.index[k]) * inner + b)];
          }
          dst[b] = v;
        }
      }
    cur = std::move(next);
    shape[axis] = out;
  }
  // Integer outputs round to nearest (interpolated values of integer images).
  if (is_integer(x.dtype()) && mode != "nearest") for (double& v : cur) v = std::nearbyint(v);
  return store_doubles(ctx.output(0), cur, "Resize");
}

}  // namespace

HONE_DEFINE_OP(Resize){
    .name = "Resize",
    .min_inputs = 1,
    .max_inputs = 4,
    .attrs = {attr_int("antialias", 0), attr_optional("axes", AttrType::Ints),
              attr_string("coordinate_transformation_mode", "half_pixel"), attr_float("cubic_coeff_a", -0.75f),
              attr_int("exclude_outside", 0), attr_float("extrapolation_value", 0.0f),
              attr_string("keep_aspect_ratio_policy", "stretch"), attr_string("mode", "nearest"),
              attr_string("nearest_mode", "round_prefer_floor")},
    .infer = infer,
    .run = run,
};

HONE_DEFINE_OP(Upsample){
    .name = "Upsample",
    .min_inputs = 1,
    .max_inputs = 2,
    .attrs = {attr_string("mode", "nearest"), attr_optional("scales", AttrType::Floats)},
    .infer = infer,
    .run = run,
};

}  // namespace hone::ops
