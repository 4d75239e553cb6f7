// CenterCropPad: resizes the listed axes (all by default) to `shape` around the center:
// a longer axis is cropped starting at (n - s) / 2, a shorter one is zero-padded with
// (s - n) / 2 zeros before it. y[o] = x[o + crop_begin - pad_begin] when that is in range, else 0.
#include "ops/indexing.hpp"

namespace hone::ops {
namespace {

Result<std::vector<int64_t>> axes_of(const AttrReader& ctx, int64_t rank, size_t n_shape) {
  std::vector<int64_t> axes;
  if (ctx.has_attr("axes")) {
    auto norm = normalize_axes(ctx.attr_ints("axes"), rank);
    if (!norm.is_ok()) return ctx.bad_input(norm.status().message());
    axes = *norm;
  } else {
    for (int64_t d = 0; d < rank; ++d) axes.push_back(d);
  }
  if (axes.size() != n_shape) return ctx.bad_input("shape has " + std::to_string(n_shape) + " entries for " + std::to_string(axes.size()) + " axes");
  return axes;
}

Status infer(InferContext& ctx) {
  const DataType dt = ctx.input_dtype(0);
  const ir::TensorShape& s = ctx.input_shape(0);
  auto target = known_ints(ctx, 1);
  if (!s.has_rank || !target) {
    ctx.set_output(0, dt, s.has_rank ? unknown_shape(static_cast<int64_t>(s.rank())) : ir::TensorShape::unknown());
    return Status::ok();
  }
  HONE_ASSIGN_OR_RETURN(auto axes, axes_of(ctx, static_cast<int64_t>(s.rank()), target->size()));
  ir::TensorShape out = s;
  for (size_t i = 0; i < axes.size(); ++i) {
    if ((*target)[i] < 0) return ctx.bad_input("shape must be >= 0");
    out.dims[static_cast<size_t>(axes[i])] = (*target)[i];
  }
  ctx.set_output(0, dt, out);
  return Status::ok();
}

Status run(KernelContext& ctx) {
  const Tensor& x = ctx.input(0);
  const std::vector<int64_t> target = ctx.input(1).to_int64_vector();
  HONE_ASSIGN_OR_RETURN(auto axes, axes_of(ctx, x.rank(), target.size()));
  Shape out = x.shape();
  std::vector<int64_t> shift(out.size(), 0);  // source coordinate = output coordinate + shift
  for (size_t i = 0; i < axes.size(); ++i) {
    const size_t a = static_cast<size_t>(axes[i]);
    const int64_t n = x.shape()[a], s = target[i];
    if (s < 0) return ctx.bad_input("shape must be >= 0");
    out[a] = s;
    shift[a] = s < n ? (n - s) / 2 : -((s - n) / 2);
  }
  HONE_ASSIGN_OR_RETURN(Tensor * y, ensure_output(ctx, 0, x.dtype(), out));
  const std::vector<int64_t> xs = shape_strides(x.shape());
  std::vector<int64_t> coord(out.size(), 0);
  for (int64_t k = 0; k < y->numel(); ++k) {
    int64_t pos = 0;
    bool inside = true;
    for (size_t d = 0; d < out.size(); ++d) {
      const int64_t c = coord[d] + shift[d];
      inside = inside && c >= 0 && c < x.shape()[d];
      pos += c * xs[d];
    }
    if (inside) copy_elements(x, pos, *y, k, 1);
    else set_zero(*y, k);
    for (size_t d = out.size(); d-- > 0;) {
      if (++coord[d] < out[d]) break;
      coord[d] = 0;
    }
  }
  return Status::ok();
}

}  // namespace

HONE_DEFINE_OP(CenterCropPad){
    .name = "CenterCropPad",
    .min_inputs = 2,
    .max_inputs = 2,
    .attrs = {attr_optional("axes", AttrType::Ints)},
    .infer = infer,
    .run = run,
};

}  // namespace hone::ops
