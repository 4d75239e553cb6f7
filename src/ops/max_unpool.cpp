// MaxUnpool: scatters X into a zero tensor at the flat positions MaxPool's Indices recorded.
// Output shape: the output_shape input, else [N, C, (in-1)*s + k - pb - pe ...]. Indices always
// number the elements of that default shape; with output_shape the values land at the same
// (n, c, spatial...) coordinates of the larger output.
#include "ops/conv_geometry.hpp"

namespace hone::ops {
namespace {

Result<Shape> unpool_shape(const AttrReader& a, const Shape& x, const Tensor* output_shape) {
  if (output_shape) {
    Shape out = output_shape->to_int64_vector();
    if (out.size() != x.size()) return a.error("output_shape must have " + std::to_string(x.size()) + " values");
    for (int64_t d : out) if (d < 0) return a.error("output_shape must be non-negative");
    return out;
  }
  const size_t r = x.size() - 2;
  const auto& k = a.attr_ints("kernel_shape");
  std::vector<int64_t> s = a.attr_ints("strides"), p = a.attr_ints("pads");
  if (s.empty()) s.assign(r, 1);
  if (p.empty()) p.assign(2 * r, 0);
  if (k.size() != r || s.size() != r || p.size() != 2 * r) return a.error("kernel_shape, strides and pads must match the spatial rank");
  Shape out = {x[0], x[1]};
  for (size_t i = 0; i < r; ++i) {
    out.push_back((x[i + 2] - 1) * s[i] + k[i] - p[i] - p[i + r]);
    if (out.back() < 0) return a.error("the unpooled size is negative (pads too large)");
  }
  return out;
}

Status infer(InferContext& ctx) {
  const ir::TensorShape& x = ctx.input_shape(0);
  const bool has_shape_input = ctx.has_input(2);
  const Tensor* shape_value = has_shape_input ? ctx.input_value(2) : nullptr;
  if (!x.is_static() || (has_shape_input && shape_value == nullptr)) {
    ctx.set_output(0, ctx.input_dtype(0), x.has_rank ? ir::TensorShape::of_rank(x.rank()) : ir::TensorShape::unknown());
    return Status::ok();
  }
  if (x.rank() < 3) return ctx.error("X must have rank >= 3");
  HONE_ASSIGN_OR_RETURN(Shape out, unpool_shape(ctx, x.to_static(), shape_value));
  ctx.set_output(0, ctx.input_dtype(0), ir::TensorShape::of(out));
  return Status::ok();
}

Status run(KernelContext& ctx) {
  const Tensor& x = ctx.input(0);
  const Tensor& indices = ctx.input(1);
  if (indices.numel() != x.numel()) return ctx.error("I must have as many elements as X");
  Tensor& y = ctx.output(0);
  HONE_ASSIGN_OR_RETURN(Shape def, unpool_shape(ctx, x.shape(), nullptr));
  if (def.size() != y.shape().size()) return ctx.error("output_shape must have rank " + std::to_string(def.size()));
  const int64_t def_numel = shape_numel(def);
  const std::vector<int64_t> def_strides = shape_strides(def), out_strides = shape_strides(y.shape());
  const std::vector<double> xv = x.to_double_vector();
  std::vector<double> yv(static_cast<size_t>(y.numel()), 0.0);
  for (int64_t i = 0; i < x.numel(); ++i) {
    const int64_t at = indices.get_int64(i);
    if (at < 0 || at >= def_numel) return ctx.bad_input("index " + std::to_string(at) + " is outside the output");
    int64_t out_at = 0;
    for (size_t d = 0; d < def.size(); ++d) {
      const int64_t coord = at / def_strides[d] % def[d];
      if (coord >= y.dim(static_cast<int64_t>(d))) return ctx.bad_input("index " + std::to_string(at) + " is outside output_shape");
      out_at += coord * out_strides[d];
    }
    yv[static_cast<size_t>(out_at)] = xv[static_cast<size_t>(i)];
  }
  return store_doubles(y, yv, "MaxUnpool");
}

}  // namespace

HONE_DEFINE_OP(MaxUnpool){
    .name = "MaxUnpool",
    .min_inputs = 2,
    .max_inputs = 3,
    .attrs = {attr_required("kernel_shape", AttrType::Ints), attr_ints("pads", {}), attr_ints("strides", {})},
    .infer = infer,
    .run = run,
};

}  // namespace hone::ops
