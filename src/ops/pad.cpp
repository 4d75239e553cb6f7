// Pad: y = x with pads[d] elements added before and pads[d + r] after each dim d (negative
// pads crop). Modes, for an output coordinate o mapped to c = o - pad_begin:
//   constant: x[c] inside, else `value`;  edge: x[clamp(c, 0, n-1)];
//   reflect: mirror without repeating the edge (period 2(n-1));  wrap: x[c mod n].
// Before opset 11 pads (opset 1: paddings) and value are attributes; from 11 they are
// inputs (constant_value optional), and opset 18 adds an optional `axes` input.
#include "ops/indexing.hpp"

namespace hone::ops {
namespace {

struct PadArgs {
  std::vector<int64_t> begin, end;  // per dim
};

Result<PadArgs> pad_args(const AttrReader& ctx, int64_t rank, const std::vector<int64_t>& pads,
                         const std::vector<int64_t>* axes_in) {
  std::vector<int64_t> axes;
  if (axes_in) {
    auto norm = normalize_axes(*axes_in, rank);
    if (!norm.is_ok()) return ctx.bad_input(norm.status().message());
    axes = *norm;
  } else {
    for (int64_t d = 0; d < rank; ++d) axes.push_back(d);
  }
  if (pads.size() != 2 * axes.size()) {
    return ctx.bad_input("pads has " + std::to_string(pads.size()) + " entries, expected " + std::to_string(2 * axes.size()));
  }
  PadArgs p{std::vector<int64_t>(static_cast<size_t>(rank), 0), std::vector<int64_t>(static_cast<size_t>(rank), 0)};
  for (size_t i = 0; i < axes.size(); ++i) {
    p.begin[static_cast<size_t>(axes[i])] = pads[i];
    p.end[static_cast<size_t>(axes[i])] = pads[i + axes.size()];
  }
  return p;
}

// Opset 1 named the attribute `paddings`.
const std::vector<int64_t>& attr_pads(const AttrReader& ctx) {
  return ctx.opset() < 2 && ctx.has_attr("paddings") ? ctx.attr_ints("paddings") : ctx.attr_ints("pads");
}

Status infer(InferContext& ctx) {
  const DataType dt = ctx.input_dtype(0);
  const ir::TensorShape& s = ctx.input_shape(0);
  std::optional<std::vector<int64_t>> pads = ctx.opset() < 11 ? std::optional(attr_pads(ctx)) : known_ints(ctx, 1);
  std::optional<std::vector<int64_t>> axes;
  const bool has_axes = ctx.opset() >= 18 && ctx.has_input(3);
  if (has_axes) axes = known_ints(ctx, 3);
  if (!s.has_rank || !pads || (has_axes && !axes)) {
    ctx.set_output(0, dt, s.has_rank ? unknown_shape(static_cast<int64_t>(s.rank())) : ir::TensorShape::unknown());
    return Status::ok();
  }
  HONE_ASSIGN_OR_RETURN(PadArgs p, pad_args(ctx, static_cast<int64_t>(s.rank()), *pads, has_axes ? &*axes : nullptr));
  ir::TensorShape out = s;
  for (size_t d = 0; d < s.rank(); ++d) {
    if (s.dims[d].is_known()) {
      const int64_t n = s.dims[d].value + p.begin[d] + p.end[d];
      if (n < 0) return ctx.bad_input("pads make dim " + std::to_string(d) + " negative");
      out.dims[d] = n;
    } else if (p.begin[d] != 0 || p.end[d] != 0) {
      out.dims[d] = ir::Dim();
    }
  }
  ctx.set_output(0, dt, out);
  return Status::ok();
}

enum class Mode { Constant, Reflect, Edge, Wrap };

Status run(KernelContext& ctx) {
  const Tensor& x = ctx.input(0);
  const std::string& mode_name = ctx.attr_string("mode");
  Mode mode;
  if (mode_name == "constant") mode = Mode::Constant;
  else if (mode_name == "reflect") mode = Mode::Reflect;
  else if (mode_name == "edge") mode = Mode::Edge;
  else if (mode_name == "wrap") mode = Mode::Wrap;
  else return ctx.error("unknown mode '" + mode_name + "'");

  std::vector<int64_t> pads, axes;
  Tensor value = Tensor::zeros(x.dtype(), {});
  if (ctx.opset() < 11) {
    pads = attr_pads(ctx);
    if (x.dtype() != DataType::String) store_double(value, 0, ctx.attr_float("value"));
  } else {
    pads = ctx.input(1).to_int64_vector();
    if (ctx.has_input(2) && ctx.input(2).numel() > 0) {
      if (ctx.input(2).dtype() != x.dtype()) return ctx.bad_input("constant_value must have the data's element type");
      copy_elements(ctx.input(2), 0, value, 0, 1);
    }
    if (ctx.opset() >= 18 && ctx.has_input(3)) axes = ctx.input(3).to_int64_vector();
  }
  const bool has_axes = ctx.opset() >= 18 && ctx.has_input(3);
  HONE_ASSIGN_OR_RETURN(PadArgs p, pad_args(ctx, x.rank(), pads, has_axes ? &axes : nullptr));
  Shape out = x.shape();
  for (size_t d = 0; d < out.size(); ++d) {
    out[d] += p.begin[d] + p.end[d];
    if (out[d] < 0) return ctx.bad_input("pads make dim " + std::to_string(d) + " negative");
    if (mode != Mode::Constant && out[d] > 0 && x.shape()[d] == 0) {
      return ctx.bad_input(mode_name + " padding of an empty dim is undefined");
    }
  }
  HONE_ASSIGN_OR_RETURN(Tensor * y, ensure_output(ctx, 0, x.dtype(), out));
  const std::vector<int64_t> xs = shape_strides(x.shape());
  std::vector<int64_t> coord(out.size(), 0);
  for (int64_t k = 0; k < y->numel(); ++k) {
    int64_t pos = 0;
    bool inside = true;
    for (size_t d = 0; d < out.size(); ++d) {
      const int64_t n = x.shape()[d];
      int64_t c = coord[d] - p.begin[d];
      if (c < 0 || c >= n) {
        switch (mode) {
          case Mode::Constant: inside = false; break;
          case Mode::Edge: c = c < 0 ? 0 : n - 1; break;
          case Mode::Wrap: c = ((c % n) + n) % n; break;
          case Mode::Reflect: {
            if (n == 1) {
              c = 0;
              break;
            }
            const int64_t period = 2 * (n - 1);
            c = ((c % period) + period) % period;
            if (c >= n) c = period - c;
            break;
          }
        }
      }
      pos += c * xs[d];
    }
    if (inside) copy_elements(x, pos, *y, k, 1);
    else copy_elements(value, 0, *y, k, 1);
    for (size_t d = out.size(); d-- > 0;) {
      if (++coord[d] < out[d]) break;
      coord[d] = 0;
    }
  }
  return Status::ok();
}

}  // namespace

HONE_DEFINE_OP(Pad){
    .name = "Pad",
    .min_inputs = 1,
    .max_inputs = 4,
    .attrs = {attr_string("mode", "constant"), attr_ints("pads", {}), attr_ints("paddings", {}), attr_float("value", 0.0f)},
    .infer = infer,
    .run = run,
};

}  // namespace hone::ops
