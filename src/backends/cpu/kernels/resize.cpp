// The Resize tactic of the CPU backend and its ISA dispatch (resize.hpp): Resize-11+ of NCHW
// (and blocked NCHW[b]c) float tensors over H and W with constant scales or sizes, in the modes YOLOv8 and common
// upsampling layers use:
//   nearest, coordinate_transformation_mode asymmetric, nearest_mode floor:
//       src = min(floor(o / scale), in - 1)   (bit-identical to the reference)
//   linear (no antialias, exclude_outside 0) with half_pixel, pytorch_half_pixel, asymmetric or
//       align_corners: two taps per axis, base = floor(x), weights 1 - r and r
// with x per transform as in ops/resize.cpp (computed in double, as there). Other modes, and
// resizes of N or C, stay on the reference: supports() refuses them.
#include "backends/cpu/kernels/resize.hpp"

#include <cmath>
#include <cstring>

#include "backends/cpu/kernels/tactic_common.hpp"
#include "backends/cpu/kernels/tactics.hpp"

namespace hone::cpu {

void resize_nearest_rows(CpuIsa isa, const float* x, int64_t in_w, const int32_t* src_h, const int32_t* src_w,
                         int64_t out_w, bool double_w, float* y, int64_t oh_begin, int64_t oh_end) {
  switch (isa) {
    case CpuIsa::Avx512:
      return avx512::resize_nearest_rows(x, in_w, src_h, src_w, out_w, double_w, y, oh_begin, oh_end);
    case CpuIsa::Avx2: return avx2::resize_nearest_rows(x, in_w, src_h, src_w, out_w, double_w, y, oh_begin, oh_end);
    case CpuIsa::Baseline:
      return baseline::resize_nearest_rows(x, in_w, src_h, src_w, out_w, double_w, y, oh_begin, oh_end);
  }
}

void resize_linear_rows(CpuIsa isa, const float* x, int64_t in_w, const LinearTaps& h, const LinearTaps& w,
                        int64_t out_w, float* y, int64_t oh_begin, int64_t oh_end) {
  switch (isa) {
    case CpuIsa::Avx512: return avx512::resize_linear_rows(x, in_w, h, w, out_w, y, oh_begin, oh_end);
    case CpuIsa::Avx2: return avx2::resize_linear_rows(x, in_w, h, w, out_w, y, oh_begin, oh_end);
    case CpuIsa::Baseline: return baseline::resize_linear_rows(x, in_w, h, w, out_w, y, oh_begin, oh_end);
  }
}

namespace {

enum class Transform { HalfPixel, PytorchHalfPixel, AlignCorners, Asymmetric };

struct ResizeMode {
  bool linear = false;
  Transform transform = Transform::Asymmetric;
};

// The mode of a Resize node, when the kernels compute it.
std::optional<ResizeMode> mode_of(const ir::Node& n) {
  if (n.kind() != ir::OpKind::Resize || n.opset() < 11 || n.attrs().has("axes")) return std::nullopt;
  const ops::AttrReader a = attrs_of(n);
  if (n.opset() >= 18 && (a.attr_int("antialias") != 0 || a.attr_string("keep_aspect_ratio_policy") != "stretch")) {
    return std::nullopt;
  }
  const std::string& mode = a.attr_string("mode");
  const std::string& transform = a.attr_string("coordinate_transformation_mode");
  ResizeMode m;
  if (mode == "nearest") {
    if (transform != "asymmetric" || a.attr_string("nearest_mode") != "floor") return std::nullopt;
    return m;
  }
  if (mode != "linear" || a.attr_int("exclude_outside") != 0) return std::nullopt;
  m.linear = true;
  if (transform == "half_pixel") m.transform = Transform::HalfPixel;
  else if (transform == "pytorch_half_pixel") m.transform = Transform::PytorchHalfPixel;
  else if (transform == "align_corners") m.transform = Transform::AlignCorners;
  else if (transform == "asymmetric") m.transform = Transform::Asymmetric;
  else return std::nullopt;
  return m;
}

// Per-axis scales of H and W for input `in` and output `out` ([N, C, H, W], or [N, C, H, W, L]
// with the last axis kept: the blocked layout NCHW[b]c): the scales input when given (N, C
// and L must be 1), else out / in from the sizes. False when the values do not describe this
// resize.
bool scales_of(const Tensor* scales, const Tensor* sizes, const Shape& in, const Shape& out, double* sh, double* sw) {
  const size_t rank = in.size();
  if ((rank != 4 && rank != 5) || out.size() != rank || in[0] != out[0] || in[1] != out[1]) return false;
  if (rank == 5 && in[4] != out[4]) return false;
  if (scales && scales->numel() > 0) {
    if (scales->dtype() != DataType::Float || scales->numel() != static_cast<int64_t>(rank)) return false;
    const float* s = scales->data<float>();
    if (s[0] != 1.0f || s[1] != 1.0f || !(s[2] > 0) || !(s[3] > 0) || (rank == 5 && s[4] != 1.0f)) return false;
    *sh = s[2];
    *sw = s[3];
    // The reference's output size: floor(in * scale).
    return out[2] == static_cast<int64_t>(std::floor(static_cast<double>(in[2]) * *sh)) &&
           out[3] == static_cast<int64_t>(std::floor(static_cast<double>(in[3]) * *sw));
  }
  if (!sizes || sizes->numel() != static_cast<int64_t>(rank) || sizes->dtype() != DataType::Int64) return false;
  const std::vector<int64_t> sz = sizes->to_int64_vector();
  if (sz != out || in[2] == 0 || in[3] == 0) return false;
  *sh = static_cast<double>(out[2]) / static_cast<double>(in[2]);
  *sw = static_cast<double>(out[3]) / static_cast<double>(in[3]);
  return true;
}

// Output rows [oh0, oh1) of one plane of `lanes`-float vectors (the blocked layout): each
// output vector copies (nearest) or blends (linear: the reference's order, w0 * a + w1 * b per
// axis, rows first as resize_linear_rows) its source vectors.
void resize_vector_rows(bool linear, const LinearTaps& th, const LinearTaps& tw, const float* x, int64_t in_w,
                        int64_t out_w, int64_t lanes, float* y, size_t oh0, size_t oh1) {
  const auto l = static_cast<size_t>(lanes);
  for (size_t oh = oh0; oh < oh1; ++oh) {
    float* out = y + oh * static_cast<size_t>(out_w) * l;
    if (!linear) {
      const float* row = x + static_cast<size_t>(th.i0[oh]) * static_cast<size_t>(in_w) * l;
      for (int64_t ow = 0; ow < out_w; ++ow) {
        std::memcpy(out + static_cast<size_t>(ow) * l, row + static_cast<size_t>(tw.i0[ow]) * l, l * sizeof(float));
      }
      continue;
    }
    const float* r0 = x + static_cast<size_t>(th.i0[oh]) * static_cast<size_t>(in_w) * l;
    const float* r1 = x + static_cast<size_t>(th.i1[oh]) * static_cast<size_t>(in_w) * l;
    const float h0 = th.w0[oh], h1 = th.w1[oh];
    for (int64_t ow = 0; ow < out_w; ++ow) {
      const size_t a = static_cast<size_t>(tw.i0[ow]) * l, b = static_cast<size_t>(tw.i1[ow]) * l;
      const float w0 = tw.w0[ow], w1 = tw.w1[ow];
      float* o = out + static_cast<size_t>(ow) * l;
      for (size_t c = 0; c < l; ++c) {
        const float left = h0 * r0[a + c] + h1 * r1[a + c], right = h0 * r0[b + c] + h1 * r1[b + c];
        o[c] = w0 * left + w1 * right;
      }
    }
  }
}

// The input coordinate of output index o (ops/resize.cpp's formulas).
double source_coordinate(Transform t, int64_t o, int64_t in, int64_t out, double scale) {
  const double oi = static_cast<double>(o), din = static_cast<double>(in);
  switch (t) {
    case Transform::HalfPixel: return (oi + 0.5) / scale - 0.5;
    case Transform::PytorchHalfPixel: return out > 1 ? (oi + 0.5) / scale - 0.5 : 0.0;
    case Transform::AlignCorners: {
      const double length = scale * din;
      return length == 1 ? 0.0 : oi * (din - 1) / (length - 1);
    }
    case Transform::Asymmetric: return oi / scale;
  }
  return 0;
}

int32_t clamp_index(int64_t i, int64_t in) { return static_cast<int32_t>(std::clamp<int64_t>(i, 0, in - 1)); }

struct AxisTable {
  std::vector<int32_t> i0, i1;
  std::vector<float> w0, w1;
  LinearTaps taps() const { return {i0.data(), i1.data(), w0.data(), w1.data()}; }
};

AxisTable axis_table(const ResizeMode& m, int64_t in, int64_t out, double scale) {
  AxisTable t;
  for (int64_t o = 0; o < out; ++o) {
    const double x = source_coordinate(m.transform, o, in, out, scale);
    if (!m.linear) {
      t.i0.push_back(clamp_index(static_cast<int64_t>(std::floor(x)), in));
      continue;
    }
    // As the reference: r = 0 is taken as base - 1 with r = 1 (the same value).
    double base = std::floor(x), r = x - base;
    if (r == 0) {
      base -= 1;
      r = 1;
    }
    const double w0 = 1 - r, w1 = r, sum = w0 + w1;
    t.i0.push_back(clamp_index(static_cast<int64_t>(base), in));
    t.i1.push_back(clamp_index(static_cast<int64_t>(base) + 1, in));
    t.w0.push_back(static_cast<float>(w0 / sum));
    t.w1.push_back(static_cast<float>(w1 / sum));
  }
  return t;
}

class ResizeTactic final : public IsaTactic {
 public:
  explicit ResizeTactic(CpuIsa level) : IsaTactic(tactic_id("resize", level), level) {}

  bool supports_layer(const LayerDesc& layer) const override {
    const ir::Node& n = *layer.node;
    auto mode = mode_of(n);
    if (!mode || !n.input(0) || n.num_outputs() != 1 || !is_static_f32(layer.input_types[0]) ||
        !is_static_f32(layer.output_types[0])) {
      return false;
    }
    const Tensor* scales = n.input(2) ? constant_input(layer, 2) : nullptr;
    const Tensor* sizes = n.input(3) ? constant_input(layer, 3) : nullptr;
    if ((n.input(2) && !scales) || (n.input(3) && !sizes)) return false;
    const Shape in = layer.input_types[0].shape.to_static(), out = layer.output_types[0].shape.to_static();
    double sh = 0, sw = 0;
    return scales_of(scales, sizes, in, out, &sh, &sw) && (in.size() == 5 || in[3] <= kResizeRowCapacity) &&
           in[2] > 0 && in[3] > 0;
  }

  Status run(const LayerRun& run) const override {
    ops::KernelContext& ctx = run.kernel;
    const Tensor& x = ctx.input(0);
    auto mode = mode_of(ctx.node());
    const Tensor& y0 = ctx.output(0);
    double sh = 0, sw = 0;
    if (!mode || x.dtype() != DataType::Float || !y0.defined() || y0.dtype() != DataType::Float ||
        !scales_of(ctx.has_input(2) ? &ctx.input(2) : nullptr, ctx.has_input(3) ? &ctx.input(3) : nullptr, x.shape(),
                   y0.shape(), &sh, &sw) ||
        (x.rank() == 4 && x.dim(3) > kResizeRowCapacity) || x.dim(2) == 0 || x.dim(3) == 0) {
      return run_reference(run);
    }
    Tensor& y = ctx.output(0);
    const int64_t in_h = x.dim(2), in_w = x.dim(3), out_h = y.dim(2), out_w = y.dim(3);
    const AxisTable th = axis_table(*mode, in_h, out_h, sh), tw = axis_table(*mode, in_w, out_w, sw);
    const size_t planes = static_cast<size_t>(x.dim(0) * x.dim(1));
    const float* px = x.data<float>();
    float* py = y.data<float>();
    if (x.rank() == 5) {
      const int64_t lanes = x.dim(4);
      const LinearTaps h = mode->linear ? th.taps() : LinearTaps{th.i0.data(), nullptr, nullptr, nullptr};
      const LinearTaps w = mode->linear ? tw.taps() : LinearTaps{tw.i0.data(), nullptr, nullptr, nullptr};
      parallel_rows(run.pool, planes, static_cast<size_t>(out_h), static_cast<size_t>(out_w * lanes),
                    [&](size_t p0, size_t p1, size_t oh0, size_t oh1) {
                      for (size_t p = p0; p < p1; ++p) {
                        resize_vector_rows(mode->linear, h, w, px + p * static_cast<size_t>(in_h * in_w * lanes),
                                           in_w, out_w, lanes, py + p * static_cast<size_t>(out_h * out_w * lanes),
                                           oh0, oh1);
                      }
                    });
      return Status::ok();
    }
    bool double_w = !mode->linear && out_w == 2 * in_w;
    for (int64_t o = 0; double_w && o < out_w; ++o) double_w = tw.i0[static_cast<size_t>(o)] == o / 2;
    const CpuIsa isa = level();
    const size_t cost = static_cast<size_t>(out_w) * (mode->linear ? 4 : 1);
    parallel_rows(run.pool, planes, static_cast<size_t>(out_h), cost,
                  [&](size_t p0, size_t p1, size_t oh0, size_t oh1) {
                    for (size_t p = p0; p < p1; ++p) {
                      const float* src = px + static_cast<int64_t>(p) * in_h * in_w;
                      float* dst = py + static_cast<int64_t>(p) * out_h * out_w;
                      if (mode->linear) {
                        resize_linear_rows(isa, src, in_w, th.taps(), tw.taps(), out_w, dst, static_cast<int64_t>(oh0),
                                           static_cast<int64_t>(oh1));
                      } else {
                        resize_nearest_rows(isa, src, in_w, th.i0.data(), tw.i0.data(), out_w, double_w, dst,
                                            static_cast<int64_t>(oh0), static_cast<int64_t>(oh1));
                      }
                    }
                  });
    return Status::ok();
  }
};

}  // namespace

std::vector<const Tactic*> resize_tactics() {
  static const std::vector<std::unique_ptr<Tactic>> tactics = [] {
    std::vector<std::unique_ptr<Tactic>> list;
    for (CpuIsa level : kLevels) list.push_back(std::make_unique<ResizeTactic>(level));
    return list;
  }();
  return pointers(tactics);
}

}  // namespace hone::cpu
