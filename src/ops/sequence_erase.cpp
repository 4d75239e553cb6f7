// SequenceErase: the input sequence without the element at `position` (default: the last).
#include "ops/sequence.hpp"

namespace hone::ops {
namespace {

Status infer(InferContext& ctx) {
  if (ctx.input_type(0).kind != ir::TypeKind::Sequence) return ctx.error("input 0 must be a sequence");
  ctx.set_output(0, ctx.input_type(0));
  return Status::ok();
}

Status run(KernelContext& ctx) {
  const Datum& in = ctx.input_datum(0);
  HONE_ASSIGN_OR_RETURN(const std::vector<Tensor>* seq, sequence_of(ctx, in, "input 0"));
  const int64_t n = static_cast<int64_t>(seq->size());
  if (n == 0) return ctx.bad_input("cannot erase from an empty sequence");
  int64_t pos = n - 1;
  if (ctx.has_input(1)) {
    HONE_ASSIGN_OR_RETURN(pos, sequence_position(ctx, ctx.input(1), n, false));
  }
  std::vector<Tensor> items = *seq;
  items.erase(items.begin() + pos);
  ctx.set_output(0, Datum::of_sequence(std::move(items), in.sequence_dtype));
  return Status::ok();
}

}  // namespace

HONE_DEFINE_OP(SequenceErase){
    .name = "SequenceErase",
    .min_inputs = 1,
    .max_inputs = 2,
    .infer = infer,
    .run = run,
};

}  // namespace hone::ops
