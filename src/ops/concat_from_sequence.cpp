// ConcatFromSequence: concatenates the sequence's tensors along `axis`; with new_axis=1 they
// are stacked along a new axis instead (then axis may be in [-rank-1, rank]).
#include "ops/sequence.hpp"

namespace hone::ops {
namespace {

Status infer(InferContext& ctx) {
  const ir::Type& t = ctx.input_type(0);
  if (t.kind != ir::TypeKind::Sequence) return ctx.error("input 0 must be a sequence");
  ir::Type elem = element_type(t);
  const DataType dt = elem.is_tensor() ? elem.dtype : DataType::Undefined;
  ir::TensorShape shape = ir::TensorShape::unknown();
  if (elem.is_tensor() && elem.shape.has_rank) {
    const bool new_axis = ctx.attr_int("new_axis") != 0;
    const int64_t rank = static_cast<int64_t>(elem.shape.rank());
    HONE_ASSIGN_OR_RETURN(int64_t axis, normalize_axis(ctx.attr_int("axis"), new_axis ? rank + 1 : rank));
    shape = elem.shape;
    if (new_axis) {
      shape.dims.insert(shape.dims.begin() + axis, ir::Dim());
    } else {
      shape.dims[static_cast<size_t>(axis)] = ir::Dim();
    }
  }
  ctx.set_output(0, dt, shape);
  return Status::ok();
}

Status run(KernelContext& ctx) {
  const Datum& in = ctx.input_datum(0);
  HONE_ASSIGN_OR_RETURN(const std::vector<Tensor>* seq, sequence_of(ctx, in, "input 0"));
  if (seq->empty()) return ctx.bad_input("cannot concatenate an empty sequence");
  const bool new_axis = ctx.attr_int("new_axis") != 0;
  const Tensor& first = seq->front();
  HONE_ASSIGN_OR_RETURN(int64_t axis, normalize_axis(ctx.attr_int("axis"), first.rank() + (new_axis ? 1 : 0)));
  const size_t ax = static_cast<size_t>(axis);
  Tensor out;
  if (new_axis) {
    HONE_ASSIGN_OR_RETURN(out, stack_axis(*seq, ax, "ConcatFromSequence"));
  } else {
    for (const Tensor& p : *seq) {
      bool ok = p.dtype() == first.dtype() && p.rank() == first.rank();
      for (int64_t d = 0; ok && d < first.rank(); ++d) ok = d == axis || p.dim(d) == first.dim(d);
      if (!ok) {
        return ctx.bad_input("cannot concatenate " + shape_to_string(p.shape()) + " with " +
                             shape_to_string(first.shape()) + " along axis " + std::to_string(axis));
      }
    }
    out = concat_axis(*seq, ax);
  }
  ctx.set_output(0, Datum::of(std::move(out)));
  return Status::ok();
}

}  // namespace

HONE_DEFINE_OP(ConcatFromSequence){
    .name = "ConcatFromSequence",
    .min_inputs = 1,
    .max_inputs = 1,
    .attrs = {attr_required("axis", AttrType::Int), attr_int("new_axis", 0)},
    .infer = infer,
    .run = run,
};

}  // namespace hone::ops
