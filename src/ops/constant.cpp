// Constant: y = the tensor held in exactly one of the attributes value, value_float(s),
// value_int(s), value_string(s). sparse_value is reported unsupported.
#include "ops/indexing.hpp"

namespace hone::ops {
namespace {

Result<Tensor> constant_value(const AttrReader& ctx) {
  int present = 0;
  for (const char* n : {"value", "value_float", "value_floats", "value_int", "value_ints", "value_string",
                        "value_strings", "sparse_value"}) {
    present += ctx.has_attr(n) ? 1 : 0;
  }
  if (present != 1) return ctx.error("exactly one value attribute must be set, found " + std::to_string(present));
  if (ctx.has_attr("sparse_value")) return ctx.unsupported("sparse_value is not supported");
  if (ctx.has_attr("value")) return ctx.attr_tensor("value");
  if (ctx.has_attr("value_float")) return scalar_of(DataType::Float, ctx.attr_float("value_float"));
  if (ctx.has_attr("value_int")) {
    Tensor t = Tensor::zeros(DataType::Int64, {});
    t.data<int64_t>()[0] = ctx.attr_int("value_int");
    return t;
  }
  if (ctx.has_attr("value_floats")) {
    const auto& v = ctx.attr_floats("value_floats");
    return Tensor::from_vector(DataType::Float, {static_cast<int64_t>(v.size())}, v);
  }
  if (ctx.has_attr("value_ints")) {
    const auto& v = ctx.attr_ints("value_ints");
    return Tensor::from_vector(DataType::Int64, {static_cast<int64_t>(v.size())}, v);
  }
  if (ctx.has_attr("value_string")) {
    Tensor t = Tensor::zeros(DataType::String, {});
    t.strings()[0] = ctx.attr_string("value_string");
    return t;
  }
  const auto& v = ctx.attr_strings("value_strings");
  Tensor t = Tensor::zeros(DataType::String, {static_cast<int64_t>(v.size())});
  for (size_t k = 0; k < v.size(); ++k) t.strings()[k] = v[k];
  return t;
}

Status infer(InferContext& ctx) {
  HONE_ASSIGN_OR_RETURN(Tensor t, constant_value(ctx));
  ctx.set_output(0, t.dtype(), ir::TensorShape::of(t.shape()));
  return Status::ok();
}

Status run(KernelContext& ctx) {
  HONE_ASSIGN_OR_RETURN(Tensor t, constant_value(ctx));
  ctx.set_output(0, Datum::of(std::move(t)));
  return Status::ok();
}

}  // namespace

HONE_DEFINE_OP(Constant){
    .name = "Constant",
    .min_inputs = 0,
    .max_inputs = 0,
    .attrs = {attr_optional("value", AttrType::Tensor), attr_optional("value_float", AttrType::Float),
              attr_optional("value_floats", AttrType::Floats), attr_optional("value_int", AttrType::Int),
              attr_optional("value_ints", AttrType::Ints), attr_optional("value_string", AttrType::String),
              attr_optional("value_strings", AttrType::Strings)},
    .infer = infer,
    .run = run,
};

}  // namespace hone::ops
