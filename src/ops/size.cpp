// Size: y = number of elements of x, as an int64 scalar.
#include "ops/indexing.hpp"

namespace hone::ops {
namespace {

Status infer(InferContext& ctx) {
  ctx.set_output(0, DataType::Int64, ir::TensorShape::of({}));
  return Status::ok();
}

Status run(KernelContext& ctx) {
  HONE_ASSIGN_OR_RETURN(Tensor * y, ensure_output(ctx, 0, DataType::Int64, {}));
  y->data<int64_t>()[0] = ctx.input(0).numel();
  return Status::ok();
}

}  // namespace

HONE_DEFINE_OP(Size){
    .name = "Size",
    .min_inputs = 1,
    .max_inputs = 1,
    .infer = infer,
    .run = run,
};

}  // namespace hone::ops
