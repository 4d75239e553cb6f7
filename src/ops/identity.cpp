// Identity: y = x, for tensors, sequences and optionals (the output shares the input's storage).
#include "ops/op_def.hpp"

namespace hone::ops {
namespace {

Status infer(InferContext& ctx) {
  ctx.set_output(0, ctx.input_type(0));
  return Status::ok();
}

Status run(KernelContext& ctx) {
  ctx.set_output(0, ctx.input_datum(0));
  return Status::ok();
}

}  // namespace

HONE_DEFINE_OP(Identity){
    .name = "Identity",
    .min_inputs = 1,
    .max_inputs = 1,
    .infer = infer,
    .run = run,
};

}  // namespace hone::ops
