// Unsqueeze: y = x with size-1 dims inserted at `axes` (attribute before opset 13, input
// after); axes index the output, whose rank is rank(x) + len(axes).
#include "ops/indexing.hpp"

namespace hone::ops {
namespace {

// Marks the inserted positions of the output; fails on bad or repeated axes.
Result<std::vector<bool>> inserted(const AttrReader& ctx, const std::vector<int64_t>& axes, int64_t in_rank) {
  const int64_t out_rank = in_rank + static_cast<int64_t>(axes.size());
  auto norm = normalize_axes(axes, out_rank);
  if (!norm.is_ok()) return ctx.bad_input(norm.status().message());
  std::vector<bool> ins(static_cast<size_t>(out_rank), false);
  for (int64_t a : *norm) ins[static_cast<size_t>(a)] = true;
  return ins;
}

Status infer(InferContext& ctx) {
  const DataType dt = ctx.input_dtype(0);
  const ir::TensorShape& s = ctx.input_shape(0);
  auto axes = ctx.opset() < 13 ? std::optional(ctx.attr_ints("axes")) : known_ints(ctx, 1);
  if (!s.has_rank || !axes) {
    ctx.set_output(0, dt, ir::TensorShape::unknown());
    return Status::ok();
  }
  HONE_ASSIGN_OR_RETURN(auto ins, inserted(ctx, *axes, static_cast<int64_t>(s.rank())));
  ir::TensorShape out = ir::TensorShape::of_rank(ins.size());
  for (size_t d = 0, k = 0; d < ins.size(); ++d) out.dims[d] = ins[d] ? ir::Dim(1) : s.dims[k++];
  ctx.set_output(0, dt, out);
  return Status::ok();
}

Status run(KernelContext& ctx) {
  const Tensor& x = ctx.input(0);
  const std::vector<int64_t> axes = ctx.opset() < 13 ? ctx.attr_ints("axes") : ctx.input(1).to_int64_vector();
  HONE_ASSIGN_OR_RETURN(auto ins, inserted(ctx, axes, x.rank()));
  Shape out(ins.size());
  for (size_t d = 0, k = 0; d < ins.size(); ++d) out[d] = ins[d] ? 1 : x.shape()[k++];
  HONE_ASSIGN_OR_RETURN(Tensor y, x.reshaped(out));
  ctx.set_output(0, Datum::of(std::move(y)));
  return Status::ok();
}

}  // namespace

HONE_DEFINE_OP(Unsqueeze){
    .name = "Unsqueeze",
    .min_inputs = 1,
    .max_inputs = 2,
    .attrs = {attr_ints("axes", {})},
    .infer = infer,
    .run = run,
};

}  // namespace hone::ops
