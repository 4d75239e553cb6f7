// SequenceLength: the number of tensors in the input sequence, as an int64 scalar.
#include "ops/sequence.hpp"

namespace hone::ops {
namespace {

Status infer(InferContext& ctx) {
  if (ctx.input_type(0).kind != ir::TypeKind::Sequence) return ctx.error("input 0 must be a sequence");
  ctx.set_output(0, DataType::Int64, ir::TensorShape::of({}));
  return Status::ok();
}

Status run(KernelContext& ctx) {
  HONE_ASSIGN_OR_RETURN(const std::vector<Tensor>* seq, sequence_of(ctx, ctx.input_datum(0), "input 0"));
  ctx.output(0).data<int64_t>()[0] = static_cast<int64_t>(seq->size());
  return Status::ok();
}

}  // namespace

HONE_DEFINE_OP(SequenceLength){
    .name = "SequenceLength",
    .min_inputs = 1,
    .max_inputs = 1,
    .infer = infer,
    .run = run,
};

}  // namespace hone::ops
