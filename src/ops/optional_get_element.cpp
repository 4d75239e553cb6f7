// OptionalGetElement: the value inside an optional (an error when it is empty). A plain
// tensor or sequence input (allowed since opset 18) is returned as is.
#include "ops/sequence.hpp"

namespace hone::ops {
namespace {

Status infer(InferContext& ctx) {
  const ir::Type& t = ctx.input_type(0);
  if (t.kind == ir::TypeKind::Optional) {
    ctx.set_output(0, element_type(t));
    return Status::ok();
  }
  // Opset 18 allows plain tensors and sequences; earlier opsets get them too when a value of
  // optional type reaches the node without its wrapper (e.g. a Loop-carried value).
  ctx.set_output(0, t);
  return Status::ok();
}

Status run(KernelContext& ctx) {
  Datum d = ctx.input_datum(0);
  if (d.is_none()) return ctx.bad_input("the optional input is empty");
  d.optional = false;
  ctx.set_output(0, std::move(d));
  return Status::ok();
}

}  // namespace

HONE_DEFINE_OP(OptionalGetElement){
    .name = "OptionalGetElement",
    .min_inputs = 1,
    .max_inputs = 1,
    .infer = infer,
    .run = run,
};

}  // namespace hone::ops
