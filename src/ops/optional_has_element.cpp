// OptionalHasElement: true when the input optional holds a value. Since opset 18 the input
// may also be a plain tensor or sequence (always true) or omitted (false).
#include "ops/sequence.hpp"

namespace hone::ops {
namespace {

Status infer(InferContext& ctx) {
  if (!ctx.has_input(0) && ctx.opset() < 18) return ctx.error("input 0 is required before opset 18");
  ctx.set_output(0, DataType::Bool, ir::TensorShape::of({}));
  return Status::ok();
}

Status run(KernelContext& ctx) {
  const bool has = ctx.has_input(0) && !ctx.input_datum(0).is_none();
  ctx.output(0).data<bool>()[0] = has;
  return Status::ok();
}

}  // namespace

HONE_DEFINE_OP(OptionalHasElement){
    .name = "OptionalHasElement",
    .min_inputs = 0,
    .max_inputs = 1,
    .infer = infer,
    .run = run,
};

}  // namespace hone::ops
