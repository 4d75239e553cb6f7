// BitCast: reinterprets each element's bits as the type `to` (same element width, e.g.
// float32 <-> int32, bool -> uint8); shape unchanged.
#include <cstring>

#include "ops/op_def.hpp"

namespace hone::ops {
namespace {

bool bit_castable(DataType t) {
  return t != DataType::String && t != DataType::Undefined && dtype_packed_bits(t) >= 8;
}

Status infer(InferContext& ctx) {
  const int64_t to = ctx.attr_int("to");
  if (!is_valid_dtype(static_cast<int>(to))) return ctx.error("attribute 'to' is not an element type: " + std::to_string(to));
  const DataType from = ctx.input_dtype(0);
  const auto target = static_cast<DataType>(to);
  if (!bit_castable(from) || !bit_castable(target)) {
    return ctx.unsupported("BitCast between " + std::string(dtype_name(from)) + " and " + std::string(dtype_name(target)));
  }
  if (dtype_packed_bits(from) != dtype_packed_bits(target)) {
    return ctx.bad_input("BitCast needs types of one width: " + std::string(dtype_name(from)) + " has " +
                         std::to_string(dtype_packed_bits(from)) + " bits, " + std::string(dtype_name(target)) + " " +
                         std::to_string(dtype_packed_bits(target)));
  }
  ctx.set_output(0, target, ctx.input_shape(0));
  return Status::ok();
}

Status run(KernelContext& ctx) {
  const Tensor& x = ctx.input(0);
  Tensor& y = ctx.output(0);
  if (x.nbytes() > 0) std::memcpy(y.raw(), x.raw(), x.nbytes());
  return Status::ok();
}

}  // namespace

HONE_DEFINE_OP(BitCast){
    .name = "BitCast",
    .min_inputs = 1,
    .max_inputs = 1,
    .attrs = {attr_required("to", AttrType::Int)},
    .infer = infer,
    .run = run,
};

}  // namespace hone::ops
