// SequenceEmpty: an empty sequence whose element type is the `dtype` attribute (default float).
#include "ops/sequence.hpp"

namespace hone::ops {
namespace {

Result<DataType> element_dtype(const AttrReader& ctx) {
  const int64_t raw = ctx.attr_int("dtype");
  if (raw < 0 || raw > kMaxDataType || !is_valid_dtype(static_cast<int>(raw))) {
    return ctx.error("invalid dtype " + std::to_string(raw));
  }
  return static_cast<DataType>(raw);
}

Status infer(InferContext& ctx) {
  HONE_ASSIGN_OR_RETURN(DataType dt, element_dtype(ctx));
  ctx.set_output(0, ir::Type::sequence(ir::Type::tensor(dt)));
  return Status::ok();
}

Status run(KernelContext& ctx) {
  HONE_ASSIGN_OR_RETURN(DataType dt, element_dtype(ctx));
  ctx.set_output(0, Datum::of_sequence({}, dt));
  return Status::ok();
}

}  // namespace

HONE_DEFINE_OP(SequenceEmpty){
    .name = "SequenceEmpty",
    .min_inputs = 0,
    .max_inputs = 0,
    .attrs = {attr_int("dtype", static_cast<int64_t>(DataType::Float))},
    .infer = infer,
    .run = run,
};

}  // namespace hone::ops
