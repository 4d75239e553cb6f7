// Slice: y = x[starts[i]:ends[i]:steps[i]] along axes[i] (numpy semantics). Before opset 10
// starts/ends/axes are attributes; from 10 they are inputs with optional axes and steps.
// Per axis of size n: negative start/end count from the back, then start is clamped to
// [0, n] (step > 0) or [0, n-1] (step < 0), end to [0, n] or [-1, n-1]; the axis keeps
// max(0, ceil((end - start) / step)) elements. INT64_MAX/MIN starts and ends just clamp.
#include "ops/indexing.hpp"

#include <algorithm>

namespace hone::ops {
namespace {

struct SliceArgs {
  std::vector<int64_t> starts, ends, axes, steps;  // axes/steps may be empty
};

struct SlicePlan {
  Shape out;
  std::vector<int64_t> start, step;  // per input axis
};

Result<SlicePlan> plan(const AttrReader& ctx, const Shape& in, const SliceArgs& a) {
  const int64_t rank = static_cast<int64_t>(in.size());
  const size_t n = a.starts.size();
  if (a.ends.size() != n || (!a.axes.empty() && a.axes.size() != n) || (!a.steps.empty() && a.steps.size() != n)) {
    return ctx.bad_input("starts, ends, axes and steps must have the same length");
  }
  std::vector<int64_t> axes = a.axes;
  if (axes.empty()) {
    for (size_t i = 0; i < n; ++i) axes.push_back(static_cast<int64_t>(i));
  }
  auto norm = normalize_axes(axes, rank);
  if (!norm.is_ok()) return ctx.bad_input(norm.status().message());
  SlicePlan p{in, std::vector<int64_t>(in.size(), 0), std::vector<int64_t>(in.size(), 1)};
  for (size_t i = 0; i < n; ++i) {
    const size_t ax = static_cast<size_t>((*norm)[i]);
    const int64_t dim = in[ax];
    const int64_t step = a.steps.empty() ? 1 : a.steps[i];
    if (step == 0) return ctx.bad_input("slice step cannot be 0");
    int64_t start = a.starts[i], end = a.ends[i];
    if (start < 0) start += dim;
    if (end < 0) end += dim;
    int64_t len;
    if (step > 0) {
      start = std::clamp<int64_t>(start, 0, dim);
      end = std::clamp<int64_t>(end, 0, dim);
      len = end > start ? (end - start + step - 1) / step : 0;
    } else {
      start = std::clamp<int64_t>(start, 0, std::max<int64_t>(dim - 1, 0));
      end = std::clamp<int64_t>(end, -1, dim - 1);
      len = start > end ? (start - end + (-step) - 1) / (-step) : 0;
      if (dim == 0) len = 0;
    }
    p.out[ax] = len;
    p.start[ax] = start;
    p.step[ax] = step;
  }
  return p;
}

std::optional<SliceArgs> args_of(const InferContext& ctx) {
  if (ctx.opset() < 10) {
    return SliceArgs{ctx.attr_ints("starts"), ctx.attr_ints("ends"), ctx.attr_ints("axes"), {}};
  }
  auto starts = known_ints(ctx, 1), ends = known_ints(ctx, 2);
  std::optional<std::vector<int64_t>> axes = std::vector<int64_t>{}, steps = std::vector<int64_t>{};
  if (ctx.has_input(3)) axes = known_ints(ctx, 3);
  if (ctx.has_input(4)) steps = known_ints(ctx, 4);
  if (!starts || !ends || !axes || !steps) return std::nullopt;
  return SliceArgs{*starts, *ends, *axes, *steps};
}

Status infer(InferContext& ctx) {
  const DataType dt = ctx.input_dtype(0);
  const ir::TensorShape& s = ctx.input_shape(0);
  auto args = args_of(ctx);
  auto in = static_shape(ctx, 0);
  if (args && in) {
    HONE_ASSIGN_OR_RETURN(SlicePlan p, plan(ctx, *in, *args));
    ctx.set_output(0, dt, ir::TensorShape::of(p.out));
    return Status::ok();
  }
  ctx.set_output(0, dt, s.has_rank ? unknown_shape(static_cast<int64_t>(s.rank())) : ir::TensorShape::unknown());
  return Status::ok();
}

Status run(KernelContext& ctx) {
  const Tensor& x = ctx.input(0);
  SliceArgs a;
  if (ctx.opset() < 10) {
    a = {ctx.attr_ints("starts"), ctx.attr_ints("ends"), ctx.attr_ints("axes"), {}};
  } else {
    a.starts = ctx.input(1).to_int64_vector();
    a.ends = ctx.input(2).to_int64_vector();
    if (ctx.has_input(3)) a.axes = ctx.input(3).to_int64_vector();
    if (ctx.has_input(4)) a.steps = ctx.input(4).to_int64_vector();
  }
  HONE_ASSIGN_OR_RETURN(SlicePlan p, plan(ctx, x.shape(), a));
  HONE_ASSIGN_OR_RETURN(Tensor * y, ensure_output(ctx, 0, x.dtype(), p.out));
  // y[i] = x[start + i * step] per axis: a strided read with offset sum(start_d * stride_d).
  const std::vector<int64_t> in_strides = shape_strides(x.shape());
  std::vector<int64_t> strides(in_strides.size());
  int64_t offset = 0;
  for (size_t d = 0; d < strides.size(); ++d) {
    strides[d] = in_strides[d] * p.step[d];
    offset += in_strides[d] * p.start[d];
  }
  strided_copy(x, offset, strides, *y);
  return Status::ok();
}

}  // namespace

HONE_DEFINE_OP(Slice){
    .name = "Slice",
    .min_inputs = 1,
    .max_inputs = 5,
    .attrs = {attr_ints("starts", {}), attr_ints("ends", {}), attr_ints("axes", {})},
    .infer = infer,
    .run = run,
};

}  // namespace hone::ops
