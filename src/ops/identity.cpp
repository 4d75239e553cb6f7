// Identity: y = x, for tensors, sequences and optionals (the output shares the input's storage).
#include "ops/op_def.hpp"

namespace hone::ops {
namespace {

Status run(KernelContext& ctx) {
  ctx.set_output(0, ctx.input_datum(0));
  return Status::ok();
}

}  // namespace

HONE_DEFINE_OP(Identity){
    .name = "Identity",
    .min_inputs = 1,
    .max_inputs = 1,
    .infer = infer_same_as_input,
    .run = run,
};

}  // namespace hone::ops
