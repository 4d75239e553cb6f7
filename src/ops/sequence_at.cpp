// SequenceAt: output = input_sequence[position] (negative positions count from the back).
#include "ops/sequence.hpp"

namespace hone::ops {
namespace {

Status infer(InferContext& ctx) {
  const ir::Type& t = ctx.input_type(0);
  if (t.kind != ir::TypeKind::Sequence) return ctx.error("input 0 must be a sequence");
  ir::Type elem = element_type(t);
  if (elem.kind == ir::TypeKind::Unknown) elem = ir::Type::tensor(DataType::Undefined);
  ctx.set_output(0, elem);
  return Status::ok();
}

Status run(KernelContext& ctx) {
  HONE_ASSIGN_OR_RETURN(const std::vector<Tensor>* seq, sequence_of(ctx, ctx.input_datum(0), "input 0"));
  HONE_ASSIGN_OR_RETURN(int64_t pos, sequence_position(ctx, ctx.input(1), static_cast<int64_t>(seq->size()), false));
  ctx.set_output(0, Datum::of((*seq)[static_cast<size_t>(pos)]));
  return Status::ok();
}

}  // namespace

HONE_DEFINE_OP(SequenceAt){
    .name = "SequenceAt",
    .min_inputs = 2,
    .max_inputs = 2,
    .infer = infer,
    .run = run,
};

}  // namespace hone::ops
