// SequenceInsert: the input sequence with `tensor` inserted before `position` (default: at the
// back). The tensor must have the sequence's element type.
#include "ops/sequence.hpp"

namespace hone::ops {
namespace {

Status infer(InferContext& ctx) {
  const ir::Type& seq = ctx.input_type(0);
  if (seq.kind != ir::TypeKind::Sequence) return ctx.error("input 0 must be a sequence");
  if (!ctx.input_type(1).is_tensor()) return ctx.error("input 1 must be a tensor");
  ir::Type elem = element_type(seq);
  if (elem.is_tensor() && elem.dtype != DataType::Undefined && elem.dtype != ctx.input_dtype(1)) {
    return ctx.error("cannot insert a " + std::string(dtype_name(ctx.input_dtype(1))) + " tensor into a sequence of " +
                     std::string(dtype_name(elem.dtype)));
  }
  // Elements already in the sequence and the new one: shapes join (unknown where they differ).
  ir::Type joined = elem.is_tensor() ? join_types(elem, ctx.input_type(1)) : ir::Type::tensor(ctx.input_dtype(1));
  ctx.set_output(0, ir::Type::sequence(joined));
  return Status::ok();
}

Status run(KernelContext& ctx) {
  const Datum& in = ctx.input_datum(0);
  HONE_ASSIGN_OR_RETURN(const std::vector<Tensor>* seq, sequence_of(ctx, in, "input 0"));
  const Tensor& item = ctx.input(1);
  const DataType dt = !seq->empty() ? seq->front().dtype() : in.sequence_dtype;
  if (dt != DataType::Undefined && item.dtype() != dt) {
    return ctx.bad_input("cannot insert a " + std::string(dtype_name(item.dtype())) + " tensor into a sequence of " +
                         std::string(dtype_name(dt)));
  }
  const int64_t n = static_cast<int64_t>(seq->size());
  int64_t pos = n;
  if (ctx.has_input(2)) {
    HONE_ASSIGN_OR_RETURN(pos, sequence_position(ctx, ctx.input(2), n, true));
  }
  std::vector<Tensor> items = *seq;
  items.insert(items.begin() + pos, item);
  ctx.set_output(0, Datum::of_sequence(std::move(items), item.dtype()));
  return Status::ok();
}

}  // namespace

HONE_DEFINE_OP(SequenceInsert){
    .name = "SequenceInsert",
    .min_inputs = 2,
    .max_inputs = 3,
    .infer = infer,
    .run = run,
};

}  // namespace hone::ops
