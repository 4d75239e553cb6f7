// Squeeze: y = x without the size-1 dims listed in axes (attribute before opset 13, input
// after), or without every size-1 dim when axes are absent.
#include "ops/indexing.hpp"

namespace hone::ops {
namespace {

// Axes to drop when known; `nullopt` with has_axes = true means "given but not known yet".
std::optional<std::vector<int64_t>> axes_of(const InferContext& ctx, bool* has_axes) {
  if (ctx.opset() < 13) {
    *has_axes = ctx.has_attr("axes");
    return *has_axes ? std::optional(ctx.attr_ints("axes")) : std::nullopt;
  }
  *has_axes = ctx.has_input(1);
  return *has_axes ? known_ints(ctx, 1) : std::nullopt;
}

Status infer(InferContext& ctx) {
  const DataType dt = ctx.input_dtype(0);
  const ir::TensorShape& s = ctx.input_shape(0);
  bool has_axes = false;
  auto axes = axes_of(ctx, &has_axes);
  if (!s.has_rank || (has_axes && !axes)) {
    ctx.set_output(0, dt, ir::TensorShape::unknown());
    return Status::ok();
  }
  const int64_t rank = static_cast<int64_t>(s.rank());
  std::vector<bool> drop(s.rank(), false);
  if (has_axes) {
    auto norm = normalize_axes(*axes, rank);
    if (!norm.is_ok()) return ctx.bad_input(norm.status().message());
    for (int64_t a : *norm) {
      const ir::Dim& d = s.dims[static_cast<size_t>(a)];
      if (d.is_known() && d.value != 1) {
        return ctx.bad_input("cannot squeeze axis " + std::to_string(a) + " of size " + std::to_string(d.value));
      }
      drop[static_cast<size_t>(a)] = true;
    }
  } else {
    for (size_t d = 0; d < s.rank(); ++d) {
      if (!s.dims[d].is_known()) {
        ctx.set_output(0, dt, ir::TensorShape::unknown());
        return Status::ok();
      }
      drop[d] = s.dims[d].value == 1;
    }
  }
  ir::TensorShape out;
  out.has_rank = true;
  for (size_t d = 0; d < s.rank(); ++d) {
    if (!drop[d]) out.dims.push_back(s.dims[d]);
  }
  ctx.set_output(0, dt, out);
  return Status::ok();
}

Status run(KernelContext& ctx) {
  const Tensor& x = ctx.input(0);
  const bool has_axes = ctx.opset() < 13 ? ctx.has_attr("axes") : ctx.has_input(1);
  std::vector<bool> drop(static_cast<size_t>(x.rank()), false);
  if (has_axes) {
    auto norm = normalize_axes(ctx.opset() < 13 ? ctx.attr_ints("axes") : ctx.input(1).to_int64_vector(), x.rank());
    if (!norm.is_ok()) return ctx.bad_input(norm.status().message());
    for (int64_t a : *norm) {
      if (x.dim(a) != 1) return ctx.bad_input("cannot squeeze axis " + std::to_string(a) + " of size " + std::to_string(x.dim(a)));
      drop[static_cast<size_t>(a)] = true;
    }
  } else {
    for (int64_t d = 0; d < x.rank(); ++d) drop[static_cast<size_t>(d)] = x.dim(d) == 1;
  }
  Shape out;
  for (int64_t d = 0; d < x.rank(); ++d) {
    if (!drop[static_cast<size_t>(d)]) out.push_back(x.dim(d));
  }
  HONE_ASSIGN_OR_RETURN(Tensor y, x.reshaped(out));
  ctx.set_output(0, Datum::of(std::move(y)));
  return Status::ok();
}

}  // namespace

HONE_DEFINE_OP(Squeeze){
    .name = "Squeeze",
    .min_inputs = 1,
    .max_inputs = 2,
    .attrs = {attr_optional("axes", AttrType::Ints)},
    .infer = infer,
    .run = run,
};

}  // namespace hone::ops
