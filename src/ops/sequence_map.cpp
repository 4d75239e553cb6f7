// SequenceMap: applies the body graph to each element of input_sequence. Additional inputs
// that are sequences (of the same length) are indexed alongside; tensors are passed whole.
//   out_j[i] = body(input_sequence[i], extra_1[i] or extra_1, ...)_j
#include "ops/sequence.hpp"

namespace hone::ops {
namespace {

Status infer(InferContext& ctx) {
  const ir::Graph* body = ctx.attr_graph("body");
  if (!body) return ctx.error("needs a body graph");
  if (ctx.input_type(0).kind != ir::TypeKind::Sequence) return ctx.error("input 0 must be a sequence");
  if (body->inputs().size() != ctx.num_inputs()) {
    return ctx.error("the body takes " + std::to_string(body->inputs().size()) + " inputs, the node has " +
                     std::to_string(ctx.num_inputs()));
  }
  if (body->outputs().size() != ctx.num_outputs()) return ctx.error("the body's outputs do not match the node's");
  for (size_t j = 0; j < ctx.num_outputs(); ++j) ctx.set_output(j, ir::Type::sequence(body->outputs()[j]->type()));
  return Status::ok();
}

Status run(KernelContext& ctx) {
  const ir::Graph* body = ctx.attr_graph("body");
  HONE_ASSIGN_OR_RETURN(const std::vector<Tensor>* seq, sequence_of(ctx, ctx.input_datum(0), "input 0"));
  const size_t n = seq->size();
  for (size_t a = 1; a < ctx.num_inputs(); ++a) {
    const Datum& d = ctx.input_datum(a);
    if (d.is_sequence() && d.sequence.size() != n) {
      return ctx.bad_input("input " + std::to_string(a) + " has " + std::to_string(d.sequence.size()) +
                           " elements, input 0 has " + std::to_string(n));
    }
  }
  std::vector<std::vector<Tensor>> outs(ctx.num_outputs());
  for (size_t i = 0; i < n; ++i) {
    std::vector<Datum> in{Datum::of((*seq)[i])};
    for (size_t a = 1; a < ctx.num_inputs(); ++a) {
      const Datum& d = ctx.input_datum(a);
      in.push_back(d.is_sequence() ? Datum::of(d.sequence[i]) : d);
    }
    HONE_ASSIGN_OR_RETURN(std::vector<Datum> res, ctx.subgraphs()->run(*body, std::move(in)));
    if (res.size() != outs.size()) return ctx.error("the body produced a wrong number of outputs");
    for (size_t j = 0; j < res.size(); ++j) {
      if (!res[j].is_tensor()) return ctx.unsupported("body outputs must be tensors");
      outs[j].push_back(res[j].tensor);
    }
  }
  for (size_t j = 0; j < outs.size(); ++j) {
    const ir::Type& t = body->outputs()[j]->type();
    const DataType dt = !outs[j].empty() ? outs[j].front().dtype() : (t.is_tensor() ? t.dtype : DataType::Undefined);
    ctx.set_output(j, Datum::of_sequence(std::move(outs[j]), dt));
  }
  return Status::ok();
}

}  // namespace

HONE_DEFINE_OP(SequenceMap){
    .name = "SequenceMap",
    .min_inputs = 1,
    .max_inputs = kVariadic,
    .min_outputs = 1,
    .max_outputs = kVariadic,
    .attrs = {attr_required("body", AttrType::Graph)},
    .infer = infer,
    .run = run,
};

}  // namespace hone::ops
