// LabelEncoder (ai.onnx.ml, opsets 2 and 4): maps each element of X through the table
// keys[k] -> values[k] (keys/values from keys_* / values_* lists or keys_tensor /
// values_tensor); elements not in the table get the default (default_tensor, else
// default_string / default_int64 / default_float for the value type).
#include <cmath>
#include <cstring>
#include <unordered_map>

#include "ops/cast.hpp"
#include "ops/op_def.hpp"

namespace hone::ops {
namespace {

// Keys or values as a tensor, from whichever attribute the node has.
Result<Tensor> table_tensor(const AttrReader& ctx, const char* prefix) {
  const std::string p(prefix);
  if (ctx.has_attr(p + "tensor")) return ctx.attr_tensor(p + "tensor");
  if (ctx.has_attr(p + "strings")) {
    const auto& v = ctx.attr_strings(p + "strings");
    return Tensor::from_vector(DataType::String, {static_cast<int64_t>(v.size())}, v);
  }
  if (ctx.has_attr(p + "int64s")) {
    const auto& v = ctx.attr_ints(p + "int64s");
    return Tensor::from_vector(DataType::Int64, {static_cast<int64_t>(v.size())}, v);
  }
  if (ctx.has_attr(p + "floats")) {
    const auto& v = ctx.attr_floats(p + "floats");
    return Tensor::from_vector(DataType::Float, {static_cast<int64_t>(v.size())}, v);
  }
  return ctx.error("one of " + p + "strings, " + p + "int64s, " + p + "floats or " + p + "tensor is required");
}

// A hashable spelling of element i: strings as is, floats by value (all NaNs alike),
// integers in decimal. Keys and inputs of the same kind spell equal values equally.
std::string key_of(const Tensor& t, int64_t i) {
  std::string key(1, 's');
  if (t.dtype() == DataType::String) return key.append(t.strings()[i]);
  if (is_float(t.dtype())) {
    const double v = t.get_double(i);
    if (std::isnan(v)) return "fnan";
    char buf[32];
    std::snprintf(buf, sizeof(buf), "f%.17g", v == 0.0 ? 0.0 : v);
    return buf;
  }
  key[0] = 'i';
  return key.append(std::to_string(t.get_int64(i)));
}

// The default output value (a one-element tensor of the values' type).
Result<Tensor> default_value(const AttrReader& ctx, DataType t) {
  if (ctx.has_attr("default_tensor")) {
    const Tensor& d = ctx.attr_tensor("default_tensor");
    if (d.dtype() != t || d.numel() != 1) return ctx.error("default_tensor must hold one value of the values' type");
    return d;
  }
  if (t == DataType::String) return Tensor::from_vector<std::string>(t, {1}, {ctx.attr_string("default_string")});
  // Numeric defaults: default_float for float values, default_int64 for integer values.
  const Tensor src = is_float(t) ? Tensor::from_vector<double>(DataType::Double, {1}, {ctx.attr_float("default_float")})
                                 : Tensor::from_vector<int64_t>(DataType::Int64, {1}, {ctx.attr_int("default_int64")});
  Tensor d = Tensor::zeros(t, {1});
  HONE_RETURN_IF_ERROR(convert_tensor(src, d, CastOptions{}));
  return d;
}

Status check_table(const AttrReader& ctx, const Tensor& keys, const Tensor& values) {
  if (keys.numel() != values.numel()) {
    return ctx.error("has " + std::to_string(keys.numel()) + " keys but " + std::to_string(values.numel()) + " values");
  }
  return Status::ok();
}

Status infer(InferContext& ctx) {
  if (ctx.opset() < 2) return ctx.unsupported("LabelEncoder of ai.onnx.ml opset 1 is not supported");
  HONE_ASSIGN_OR_RETURN(Tensor keys, table_tensor(ctx, "keys_"));
  HONE_ASSIGN_OR_RETURN(Tensor values, table_tensor(ctx, "values_"));
  HONE_RETURN_IF_ERROR(check_table(ctx, keys, values));
  if ((keys.dtype() == DataType::String) != (ctx.input_dtype(0) == DataType::String)) {
    return ctx.bad_input("input of type " + std::string(dtype_name(ctx.input_dtype(0))) + " does not match keys of type " +
                         std::string(dtype_name(keys.dtype())));
  }
  ctx.set_output(0, values.dtype(), ctx.input_shape(0));
  return Status::ok();
}

Status run(KernelContext& ctx) {
  HONE_ASSIGN_OR_RETURN(Tensor keys, table_tensor(ctx, "keys_"));
  HONE_ASSIGN_OR_RETURN(Tensor values, table_tensor(ctx, "values_"));
  HONE_RETURN_IF_ERROR(check_table(ctx, keys, values));
  HONE_ASSIGN_OR_RETURN(Tensor fallback, default_value(ctx, values.dtype()));
  std::unordered_map<std::string, int64_t> table;
  for (int64_t k = 0; k < keys.numel(); ++k) table.emplace(key_of(keys, k), k);
  const Tensor& x = ctx.input(0);
  Tensor& y = ctx.output(0);
  const size_t elem = dtype_size(values.dtype());
  for (int64_t i = 0; i < x.numel(); ++i) {
    auto it = table.find(key_of(x, i));
    const Tensor& src = it == table.end() ? fallback : values;
    const int64_t j = it == table.end() ? 0 : it->second;
    if (values.dtype() == DataType::String) {
      y.strings()[i] = src.strings()[j];
    } else {
      std::memcpy(static_cast<char*>(y.raw()) + static_cast<size_t>(i) * elem,
                  static_cast<const char*>(src.raw()) + static_cast<size_t>(j) * elem, elem);
    }
  }
  return Status::ok();
}

}  // namespace

HONE_DEFINE_OP(LabelEncoder){
    .name = "LabelEncoder",
    .min_inputs = 1,
    .max_inputs = 1,
    .attrs = {attr_optional("keys_strings", AttrType::Strings), attr_optional("keys_int64s", AttrType::Ints),
              attr_optional("keys_floats", AttrType::Floats), attr_optional("keys_tensor", AttrType::Tensor),
              attr_optional("values_strings", AttrType::Strings), attr_optional("values_int64s", AttrType::Ints),
              attr_optional("values_floats", AttrType::Floats), attr_optional("values_tensor", AttrType::Tensor),
              attr_string("default_string", "_Unused"), attr_int("default_int64", -1), attr_float("default_float", -0.0f),
              attr_optional("default_tensor", AttrType::Tensor)},
    .infer = infer,
    .run = run,
};

}  // namespace hone::ops
