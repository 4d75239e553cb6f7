// Shared pieces of the "reduce over a set of axes" operators (the ten Reduce* ops): reading
// the axes (attribute in old opsets, optional input in new ones), the output shape, and the
// index tables that let a kernel visit, for each output element, the input elements it reduces.
#pragma once

#include <cstdint>
#include <vector>

#include "ops/op_def.hpp"

namespace hone::ops {

/// Which axes a Reduce node reduces, resolved against the input rank.
struct ReduceAxes {
  bool known = true;        // false when the axes input is not a known value (static inference)
  std::vector<bool> mask;   // mask[d]: axis d is reduced (all false = reduce nothing: noop)
};

/// Reads axes and noop_with_empty_axes. `axes_input_from` is the first opset in which axes is
/// the optional input 1 (13 for ReduceSum, 18 for the others); before it, the `axes` attribute.
/// `has_axes_input`/`axes_value` describe input 1 (value nullptr when not known statically).
/// Empty axes mean "all axes" unless noop_with_empty_axes is set, in which case nothing is
/// reduced. Fails on out-of-range or repeated axes.
inline Result<ReduceAxes> resolve_reduce_axes(const AttrReader& ctx, bool has_axes_input, const Tensor* axes_value,
                                              int64_t rank, int axes_input_from) {
  ReduceAxes r;
  std::vector<int64_t> axes;
  const bool axes_is_input = ctx.opset() >= axes_input_from;
  if (axes_is_input) {
    if (has_axes_input) {
      if (axes_value == nullptr) {
        r.known = false;
        return r;
      }
      if (axes_value->rank() > 1) {
        return ctx.bad_input("axes must be a 1-D tensor, got shape " + shape_to_string(axes_value->shape()));
      }
      axes = axes_value->to_int64_vector();
    }
  } else if (ctx.has_attr("axes")) {
    axes = ctx.attr_ints("axes");
  }
  r.mask.assign(static_cast<size_t>(rank), false);
  if (axes.empty()) {
    const bool noop = axes_is_input && ctx.attr_int("noop_with_empty_axes") != 0;
    if (!noop) r.mask.assign(static_cast<size_t>(rank), true);
    return r;
  }
  for (int64_t a : axes) {
    if (a < -rank || a >= rank) {
      return ctx.bad_input("axis " + std::to_string(a) + " is out of range for rank " + std::to_string(rank));
    }
    const auto d = static_cast<size_t>(a < 0 ? a + rank : a);
    if (r.mask[d]) return ctx.bad_input("axis " + std::to_string(a) + " is repeated");
    r.mask[d] = true;
  }
  return r;
}

/// Output shape of reducing `in` over `mask`: reduced dims become 1 (keepdims) or vanish.
inline Shape reduced_shape(const Shape& in, const std::vector<bool>& mask, bool keepdims) {
  Shape out;
  for (size_t d = 0; d < in.size(); ++d) {
    if (!mask[d]) out.push_back(in[d]);
    else if (keepdims) out.push_back(1);
  }
  return out;
}

/// Index tables for a reduction: element r of output element o is input[base[o] + inner[r]].
/// `base` follows the output's row-major order; `inner` walks the reduced axes row-major.
struct ReduceIndex {
  std::vector<int64_t> base;
  std::vector<int64_t> inner;
};

inline ReduceIndex make_reduce_index(const Shape& in, const std::vector<bool>& mask) {
  const std::vector<int64_t> strides = shape_strides(in);
  // Offsets of every combination of coordinates over the chosen axes, row-major.
  auto offsets = [&](bool reduced) {
    std::vector<int64_t> offs{0};
    for (size_t d = 0; d < in.size(); ++d) {
      if (mask[d] != reduced) continue;
      std::vector<int64_t> next;
      next.reserve(offs.size() * static_cast<size_t>(in[d]));
      for (int64_t o : offs) {
        for (int64_t i = 0; i < in[d]; ++i) next.push_back(o + i * strides[d]);
      }
      offs = std::move(next);
    }
    return offs;
  };
  return ReduceIndex{offsets(false), offsets(true)};
}

}  // namespace hone::ops
