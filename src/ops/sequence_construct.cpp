// SequenceConstruct: a sequence made of the input tensors, in order (all of one dtype).
#include "ops/sequence.hpp"

namespace hone::ops {
namespace {

Status infer(InferContext& ctx) {
  ir::Type elem = ctx.input_type(0);
  for (size_t i = 0; i < ctx.num_inputs(); ++i) {
    if (!ctx.has_input(i) || !ctx.input_type(i).is_tensor()) return ctx.error("every input must be a tensor");
    if (ctx.input_dtype(i) != elem.dtype) return ctx.error("inputs must share one element type");
    elem = join_types(elem, ctx.input_type(i));
  }
  ctx.set_output(0, ir::Type::sequence(elem));
  return Status::ok();
}

Status run(KernelContext& ctx) {
  std::vector<Tensor> items;
  for (size_t i = 0; i < ctx.num_inputs(); ++i) items.push_back(ctx.input(i));
  ctx.set_output(0, Datum::of_sequence(std::move(items), ctx.input(0).dtype()));
  return Status::ok();
}

}  // namespace

HONE_DEFINE_OP(SequenceConstruct){
    .name = "SequenceConstruct",
    .min_inputs = 1,
    .max_inputs = kVariadic,
    .infer = infer,
    .run = run,
};

}  // namespace hone::ops
