// Optional: wraps its input in an optional value, or, with no input, makes an empty optional
// of the element type given by the `type` attribute (a TypeProto).
#include "ops/sequence.hpp"

namespace hone::ops {
namespace {

Status infer(InferContext& ctx) {
  if (ctx.has_input(0)) {
    const ir::Type& t = ctx.input_type(0);
    ctx.set_output(0, t.kind == ir::TypeKind::Optional ? t : ir::Type::optional(t));
    return Status::ok();
  }
  const Attribute* type = ctx.attr("type");
  if (!type) return ctx.error("an Optional with no input needs the 'type' attribute");
  ctx.set_output(0, ir::Type::optional(type->tp));
  return Status::ok();
}

Status run(KernelContext& ctx) {
  if (!ctx.has_input(0)) {
    ctx.set_output(0, Datum::none());
    return Status::ok();
  }
  Datum d = ctx.input_datum(0);
  d.optional = true;
  ctx.set_output(0, std::move(d));
  return Status::ok();
}

}  // namespace

HONE_DEFINE_OP(Optional){
    .name = "Optional",
    .min_inputs = 0,
    .max_inputs = 1,
    .attrs = {attr_optional("type", AttrType::TypeProto)},
    .infer = infer,
    .run = run,
};

}  // namespace hone::ops
