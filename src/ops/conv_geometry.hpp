// Window geometry shared by the convolution and pooling operators (Conv, ConvTranspose,
// ConvInteger, QLinearConv, DeformConv, MaxPool, AveragePool, LpPool, Col2Im): reading
// kernel_shape/strides/dilations/pads/auto_pad, output sizes, and the plain direct-convolution
// loop nest that Conv, ConvInteger and QLinearConv share.
#pragma once

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include "ops/op_def.hpp"

namespace hone::ops {

/// Conv's attributes (shared with FusedConv, which adds its epilogue's).
inline std::vector<AttrSpec> conv_attrs() {
  return {attr_string("auto_pad", "NOTSET"), attr_ints("dilations", {}), attr_int("group", 1),
          attr_optional("kernel_shape", AttrType::Ints), attr_ints("pads", {}), attr_ints("strides", {})};
}

/// Resolved window geometry over the spatial axes (everything after N and C).
/// Unknown sizes are -1 (static inference with symbolic dims).
struct WindowGeometry {
  std::vector<int64_t> input;       // input spatial sizes
  std::vector<int64_t> kernel;      // kernel spatial sizes
  std::vector<int64_t> strides;
  std::vector<int64_t> dilations;
  std::vector<int64_t> pads_begin;  // resolved (auto_pad applied)
  std::vector<int64_t> pads_end;
  std::vector<int64_t> output;      // output spatial sizes
  size_t rank() const { return input.size(); }
};

inline int64_t floor_div(int64_t a, int64_t b) { return a >= 0 ? a / b : -((-a + b - 1) / b); }
inline int64_t ceil_div(int64_t a, int64_t b) { return -floor_div(-a, b); }

/// Attribute `name` (n values) into *out, or n copies of `def` when absent or empty.
inline Status read_window_ints(const AttrReader& a, std::string_view name, size_t n, int64_t def,
                               std::vector<int64_t>* out) {
  if (a.has_attr(name) && !a.attr_ints(name).empty()) {
    *out = a.attr_ints(name);
    if (out->size() != n) {
      return a.error(std::string(name) + " has " + std::to_string(out->size()) + " values, expected " +
                     std::to_string(n));
    }
  } else {
    out->assign(n, def);
  }
  return Status::ok();
}

/// Reads strides, dilations, pads and auto_pad of a node (kernel given) and resolves the
/// output size of a forward window op (conv or pool):
///   NOTSET: out = floor((in + pb + pe - ((k-1)*d + 1)) / s) + 1  (ceil with ceil_mode; in
///           ceil_mode the last window must start inside the input or the left padding, so
///           out drops by one when (out-1)*s >= in + pb)
///   VALID:  pads 0, out = ceil((in - ((k-1)*d + 1) + 1) / s)
///   SAME_*: out = ceil(in / s), total pad = max(0, (out-1)*s + (k-1)*d + 1 - in), split
///           evenly with the odd element at the end (SAME_UPPER) or the beginning (SAME_LOWER).
/// `has_dilations` false for ops without the attribute (AveragePool < 19 etc. just default 1).
inline Result<WindowGeometry> resolve_window(const AttrReader& a, const std::vector<int64_t>& input_spatial,
                                             const std::vector<int64_t>& kernel, bool ceil_mode) {
  const size_t r = input_spatial.size();
  WindowGeometry g;
  g.input = input_spatial;
  g.kernel = kernel;
  if (kernel.size() != r) {
    return a.error("kernel has " + std::to_string(kernel.size()) + " spatial dims but the input has " +
                   std::to_string(r));
  }
  HONE_RETURN_IF_ERROR(read_window_ints(a, "strides", r, 1, &g.strides));
  HONE_RETURN_IF_ERROR(read_window_ints(a, "dilations", r, 1, &g.dilations));
  std::vector<int64_t> pads;
  HONE_RETURN_IF_ERROR(read_window_ints(a, "pads", 2 * r, 0, &pads));
  for (size_t i = 0; i < r; ++i) {
    if (g.strides[i] <= 0) return a.error("strides must be positive");
    if (g.dilations[i] <= 0) return a.error("dilations must be positive");
    if (kernel[i] <= 0) return a.error("kernel_shape must be positive");
    if (pads[i] < 0 || pads[i + r] < 0) return a.error("pads must be non-negative");
  }
  std::string auto_pad = a.has_attr("auto_pad") ? a.attr_string("auto_pad") : "NOTSET";
  if (auto_pad.empty()) auto_pad = "NOTSET";
  if (auto_pad != "NOTSET" && auto_pad != "VALID" && auto_pad != "SAME_UPPER" && auto_pad != "SAME_LOWER") {
    return a.error("unknown auto_pad '" + auto_pad + "'");
  }
  g.pads_begin.assign(r, 0);
  g.pads_end.assign(r, 0);
  g.output.assign(r, -1);
  for (size_t i = 0; i < r; ++i) {
    const int64_t in = input_spatial[i], s = g.strides[i];
    const int64_t extent = (kernel[i] - 1) * g.dilations[i] + 1;
    if (auto_pad == "NOTSET") {
      g.pads_begin[i] = pads[i];
      g.pads_end[i] = pads[i + r];
      if (in < 0) continue;
      const int64_t span = in + pads[i] + pads[i + r] - extent;
      if (span < 0) return a.error("the window (" + std::to_string(extent) + ") is larger than the padded input");
      int64_t out = (ceil_mode ? ceil_div(span, s) : floor_div(span, s)) + 1;
      if (ceil_mode && (out - 1) * s >= in + pads[i]) --out;
      g.output[i] = out;
    } else if (auto_pad == "VALID") {
      if (in < 0) continue;
      g.output[i] = std::max<int64_t>(0, ceil_div(in - extent + 1, s));
    } else {
      if (in < 0) continue;
      const int64_t out = ceil_div(in, s);
      const int64_t total = std::max<int64_t>(0, (out - 1) * s + extent - in);
      const int64_t small = total / 2, large = total - total / 2;
      g.pads_begin[i] = auto_pad == "SAME_UPPER" ? small : large;
      g.pads_end[i] = auto_pad == "SAME_UPPER" ? large : small;
      g.output[i] = out;
    }
  }
  return g;
}

/// ConvTranspose's window (ops/conv_transpose.cpp): strides, dilations, pads, output_padding,
/// output_shape and auto_pad of the node resolved for `in` (spatial sizes, -1 unknown) and
/// `kernel`, as a forward op's geometry read backwards: input = ConvTranspose's input,
/// output = its output, pads_begin/pads_end the pads cut from the full output
///   full = s*(in-1) + output_padding + (k-1)*d + 1,  out = full - pb - pe
/// (with output_shape or SAME_*, the pads follow from the target size and may be negative).
inline Result<WindowGeometry> resolve_transpose_window(const AttrReader& a, const std::vector<int64_t>& in,
                                                       const std::vector<int64_t>& kernel) {
  const size_t r = in.size();
  // Strides/dilations/pads as a forward op reads them, with auto_pad handled here instead.
  WindowGeometry g;
  g.input = in;
  g.kernel = kernel;
  std::vector<int64_t> pads, output_padding, output_shape;
  HONE_RETURN_IF_ERROR(read_window_ints(a, "strides", r, 1, &g.strides));
  HONE_RETURN_IF_ERROR(read_window_ints(a, "dilations", r, 1, &g.dilations));
  HONE_RETURN_IF_ERROR(read_window_ints(a, "pads", 2 * r, 0, &pads));
  HONE_RETURN_IF_ERROR(read_window_ints(a, "output_padding", r, 0, &output_padding));
  if (a.has_attr("output_shape") && !a.attr_ints("output_shape").empty()) {
    output_shape = a.attr_ints("output_shape");
    if (output_shape.size() == r + 2) output_shape.erase(output_shape.begin(), output_shape.begin() + 2);
    if (output_shape.size() != r) {
      return a.error("output_shape has " + std::to_string(output_shape.size()) + " values, expected " +
                     std::to_string(r));
    }
  }
  for (size_t i = 0; i < r; ++i) {
    if (g.strides[i] <= 0 || g.dilations[i] <= 0 || kernel[i] <= 0) {
      return a.error("strides, dilations and kernel must be positive");
    }
  }
  const std::string auto_pad = a.attr_string("auto_pad");
  if (auto_pad != "NOTSET" && auto_pad != "VALID" && auto_pad != "SAME_UPPER" && auto_pad != "SAME_LOWER" &&
      !auto_pad.empty()) {
    return a.error("unknown auto_pad '" + auto_pad + "'");
  }
  const bool same = auto_pad == "SAME_UPPER" || auto_pad == "SAME_LOWER";
  g.pads_begin.assign(r, 0);
  g.pads_end.assign(r, 0);
  g.output.assign(r, -1);
  for (size_t i = 0; i < r; ++i) {
    if (in[i] < 0) continue;
    const int64_t full = g.strides[i] * (in[i] - 1) + output_padding[i] + (kernel[i] - 1) * g.dilations[i] + 1;
    if (!output_shape.empty() || same) {
      const int64_t target = !output_shape.empty() ? output_shape[i] : in[i] * g.strides[i];
      const int64_t total = full - target;
      if (auto_pad == "SAME_UPPER") {
        g.pads_begin[i] = floor_div(total, 2);
        g.pads_end[i] = total - g.pads_begin[i];
      } else {
        g.pads_end[i] = floor_div(total, 2);
        g.pads_begin[i] = total - g.pads_end[i];
      }
      g.output[i] = target;
    } else {
      if (auto_pad == "NOTSET" || auto_pad.empty()) {
        g.pads_begin[i] = pads[i];
        g.pads_end[i] = pads[i + r];
      }
      g.output[i] = full - g.pads_begin[i] - g.pads_end[i];
    }
    if (g.output[i] < 0) return a.error("negative output size");
  }
  return g;
}

/// Spatial sizes (dims 2..) of a static or symbolic shape, -1 where unknown.
inline std::vector<int64_t> spatial_dims(const ir::TensorShape& s) {
  std::vector<int64_t> v;
  for (size_t i = 2; i < s.rank(); ++i) v.push_back(s.dims[i].is_known() ? s.dims[i].value : -1);
  return v;
}
inline std::vector<int64_t> spatial_dims(const Shape& s) { return std::vector<int64_t>(s.begin() + 2, s.end()); }

/// [N, C, out...] with unknown dims where unknown.
inline ir::TensorShape window_output_shape(ir::Dim batch, ir::Dim channels, const std::vector<int64_t>& out) {
  ir::TensorShape s = ir::TensorShape::of_rank(2 + out.size());
  s.dims[0] = std::move(batch);
  s.dims[1] = std::move(channels);
  for (size_t i = 0; i < out.size(); ++i) s.dims[2 + i] = out[i] >= 0 ? ir::Dim(out[i]) : ir::Dim();
  return s;
}

/// A 1-D/2-D/3-D geometry widened to exactly 3 spatial axes (leading axes of size 1, kernel
/// 1, stride 1, no pads) so the loop nests below are written once for every rank <= 3.
struct Geometry3d {
  int64_t in[3], k[3], s[3], d[3], p[3], pe[3], out[3];  // p: begin pads, pe: end pads
};
inline Result<Geometry3d> to_3d(const AttrReader& a, const WindowGeometry& g) {
  const size_t r = g.rank();
  if (r < 1 || r > 3) return a.unsupported("only 1 to 3 spatial dimensions are supported, got " + std::to_string(r));
  Geometry3d t;
  for (size_t i = 0; i < 3; ++i) {
    const bool real = i >= 3 - r;
    const size_t j = real ? i - (3 - r) : 0;
    t.in[i] = real ? g.input[j] : 1;
    t.k[i] = real ? g.kernel[j] : 1;
    t.s[i] = real ? g.strides[j] : 1;
    t.d[i] = real ? g.dilations[j] : 1;
    t.p[i] = real ? g.pads_begin[j] : 0;
    t.pe[i] = real ? g.pads_end[j] : 0;
    t.out[i] = real ? g.output[j] : 1;
  }
  return t;
}

/// Range [lo, hi) of output positions o whose input position o*s - p + kk*d lies in [0, in).
inline void valid_output_range(int64_t in, int64_t out, int64_t s, int64_t p, int64_t offset, int64_t* lo, int64_t* hi) {
  // offset = kk*d; need 0 <= o*s - p + offset < in.
  *lo = std::max<int64_t>(0, ceil_div(p - offset, s));
  *hi = std::min<int64_t>(out, floor_div(in - 1 + p - offset, s) + 1);
  if (*hi < *lo) *hi = *lo;
}

/// Direct grouped convolution over 3-D spatial geometry, accumulating in Acc:
///   y[n, m, o] = bias[m] + sum_{c in group(m), kk} w[m, c, kk] * x[n, g*Cg + c, o*s - p + kk*d]
/// x: [N, C, in], w: [M, C/group, k], y: [N, M, out] (all contiguous). The innermost loop runs
/// over the contiguous output width.
template <class Acc>
void conv3d_reference(const Acc* x, const Acc* w, const Acc* bias, Acc* y, int64_t batch, int64_t channels,
                      int64_t out_channels, int64_t group, const Geometry3d& g) {
  const int64_t cg = channels / group, mg = out_channels / group;
  const int64_t in_plane = g.in[0] * g.in[1] * g.in[2];
  const int64_t out_plane = g.out[0] * g.out[1] * g.out[2];
  const int64_t k_plane = g.k[0] * g.k[1] * g.k[2];
  for (int64_t n = 0; n < batch; ++n) {
    for (int64_t m = 0; m < out_channels; ++m) {
      Acc* yp = y + (n * out_channels + m) * out_plane;
      std::fill(yp, yp + out_plane, bias ? bias[m] : Acc(0));
      const int64_t grp = m / mg;
      for (int64_t c = 0; c < cg; ++c) {
        const Acc* xp = x + (n * channels + grp * cg + c) * in_plane;
        const Acc* wp = w + (m * cg + c) * k_plane;
        for (int64_t kd = 0; kd < g.k[0]; ++kd) {
          int64_t d_lo, d_hi;
          valid_output_range(g.in[0], g.out[0], g.s[0], g.p[0], kd * g.d[0], &d_lo, &d_hi);
          for (int64_t kh = 0; kh < g.k[1]; ++kh) {
            int64_t h_lo, h_hi;
            valid_output_range(g.in[1], g.out[1], g.s[1], g.p[1], kh * g.d[1], &h_lo, &h_hi);
            for (int64_t kw = 0; kw < g.k[2]; ++kw) {
              int64_t w_lo, w_hi;
              valid_output_range(g.in[2], g.out[2], g.s[2], g.p[2], kw * g.d[2], &w_lo, &w_hi);
              const Acc wv = wp[(kd * g.k[1] + kh) * g.k[2] + kw];
              for (int64_t od = d_lo; od < d_hi; ++od) {
                const int64_t id = od * g.s[0] - g.p[0] + kd * g.d[0];
                for (int64_t oh = h_lo; oh < h_hi; ++oh) {
                  const int64_t ih = oh * g.s[1] - g.p[1] + kh * g.d[1];
                  const Acc* xrow = xp + (id * g.in[1] + ih) * g.in[2];
                  const int64_t x_off = kw * g.d[2] - g.p[2];
                  Acc* yrow = yp + (od * g.out[1] + oh) * g.out[2];
                  for (int64_t ow = w_lo; ow < w_hi; ++ow) yrow[ow] += wv * xrow[ow * g.s[2] + x_off];
                }
              }
            }
          }
        }
      }
    }
  }
}

/// Copies any numeric tensor into a vector of the compute type.
template <class Acc, class T>
std::vector<Acc> load_as(const Tensor& t) {
  std::vector<Acc> v(static_cast<size_t>(t.numel()));
  const T* p = t.data<T>();
  for (int64_t i = 0; i < t.numel(); ++i) v[static_cast<size_t>(i)] = static_cast<Acc>(static_cast<ComputeType<T>>(p[i]));
  return v;
}

/// Writes values computed in double into a numeric tensor of any dtype (narrow floats round
/// through float; integers truncate, callers round first where the op says so).
inline Status store_doubles(Tensor& t, const std::vector<double>& v, const char* op) {
  return dispatch_dtype<TypeSet::Numeric>(t.dtype(), op, [&](auto tag) -> Status {
    using T = typename decltype(tag)::type;
    T* out = t.data<T>();
    for (int64_t i = 0; i < t.numel(); ++i) out[i] = T(static_cast<ComputeType<T>>(v[static_cast<size_t>(i)]));
    return Status::ok();
  });
}

}  // namespace hone::ops
