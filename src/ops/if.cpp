// If: runs then_branch or else_branch (subgraphs with no inputs, reading enclosing values)
// depending on the scalar boolean `cond`; the node's outputs are the branch's outputs. The
// branches may differ in output shapes, so statically each output is their join.
#include "ops/sequence.hpp"

namespace hone::ops {
namespace {

Status infer(InferContext& ctx) {
  const ir::Graph* then_g = ctx.attr_graph("then_branch");
  const ir::Graph* else_g = ctx.attr_graph("else_branch");
  if (!then_g || !else_g) return ctx.error("needs then_branch and else_branch graphs");
  if (then_g->outputs().size() != ctx.num_outputs() || else_g->outputs().size() != ctx.num_outputs()) {
    return ctx.error("the branches produce " + std::to_string(then_g->outputs().size()) + " and " +
                     std::to_string(else_g->outputs().size()) + " outputs, the node has " +
                     std::to_string(ctx.num_outputs()));
  }
  // A known condition (always at run time) picks the branch's types exactly.
  const Tensor* cond = ctx.input_value(0);
  for (size_t i = 0; i < ctx.num_outputs(); ++i) {
    const ir::Type& a = then_g->outputs()[i]->type();
    const ir::Type& b = else_g->outputs()[i]->type();
    if (cond && cond->numel() == 1) {
      ctx.set_output(i, cond->get_double(0) != 0 ? a : b);
    } else {
      ctx.set_output(i, join_types(a, b));
    }
  }
  return Status::ok();
}

Status run(KernelContext& ctx) {
  const Tensor& cond = ctx.input(0);
  if (cond.numel() != 1) return ctx.bad_input("cond must hold one element, got " + shape_to_string(cond.shape()));
  const ir::Graph* branch = ctx.attr_graph(cond.get_double(0) != 0 ? "then_branch" : "else_branch");
  HONE_ASSIGN_OR_RETURN(std::vector<Datum> outs, ctx.subgraphs()->run(*branch, {}));
  if (outs.size() != ctx.num_outputs()) return ctx.error("the branch produced a wrong number of outputs");
  for (size_t i = 0; i < outs.size(); ++i) ctx.set_output(i, std::move(outs[i]));
  return Status::ok();
}

}  // namespace

HONE_DEFINE_OP(If){
    .name = "If",
    .min_inputs = 1,
    .max_inputs = 1,
    .min_outputs = 1,
    .max_outputs = kVariadic,
    .attrs = {attr_required("then_branch", AttrType::Graph), attr_required("else_branch", AttrType::Graph)},
    .infer = infer,
    .run = run,
};

}  // namespace hone::ops
