// Expand: y = x broadcast (numpy rules, both ways) with `shape`: y.shape = broadcast(x.shape,
// shape), y[i] = x[i with broadcast dims pinned to 0].
#include "ops/indexing.hpp"

namespace hone::ops {
namespace {

Status infer(InferContext& ctx) {
  const DataType dt = ctx.input_dtype(0);
  auto target = known_ints(ctx, 1);
  if (!target) {
    ctx.set_output(0, dt, ir::TensorShape::unknown());
    return Status::ok();
  }
  for (int64_t t : *target) {
    if (t < 0) return ctx.bad_input("shape has a negative dim " + std::to_string(t));
  }
  ir::TensorShape ts = ir::TensorShape::of(*target);
  auto out = broadcast_shapes(ctx.input_shape(0), ts);
  if (!out.is_ok()) return ctx.bad_input(out.status().message());
  ctx.set_output(0, dt, *out);
  return Status::ok();
}

Status run(KernelContext& ctx) {
  const Tensor& x = ctx.input(0);
  const std::vector<int64_t> target = ctx.input(1).to_int64_vector();
  for (int64_t t : target) {
    if (t < 0) return ctx.bad_input("shape has a negative dim " + std::to_string(t));
  }
  auto out = broadcast_shapes(x.shape(), target);
  if (!out.is_ok()) return ctx.bad_input(out.status().message());
  HONE_ASSIGN_OR_RETURN(Tensor * y, ensure_output(ctx, 0, x.dtype(), *out));
  // Broadcast dims read with stride 0.
  const std::vector<int64_t> xs = shape_strides(x.shape());
  const size_t lead = out->size() - x.shape().size();
  std::vector<int64_t> strides(out->size(), 0);
  for (size_t d = 0; d < x.shape().size(); ++d) strides[lead + d] = x.shape()[d] == 1 ? 0 : xs[d];
  strided_copy(x, 0, strides, *y);
  return Status::ok();
}

}  // namespace

HONE_DEFINE_OP(Expand){
    .name = "Expand",
    .min_inputs = 2,
    .max_inputs = 2,
    .infer = infer,
    .run = run,
};

}  // namespace hone::ops
