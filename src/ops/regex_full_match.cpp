// RegexFullMatch: y[i] = whether the whole of x[i] matches `pattern`. ONNX specifies RE2
// syntax; this reference uses std::regex (ECMAScript), which agrees on the common subset
// (classes, \w \W \d \s, groups, alternation, bounded repetition).
#include <regex>

#include "ops/op_def.hpp"

namespace hone::ops {
namespace {

Result<std::regex> compile(const AttrReader& ctx) {
  const std::string& pattern = ctx.attr_string("pattern");
  // NOTE: std::regex reports a bad pattern by throwing; it is caught here, at the boundary.
  try {
    return std::regex(pattern, std::regex::ECMAScript);
  } catch (const std::regex_error& e) {
    return ctx.error("invalid pattern '" + pattern + "': " + e.what());
  }
}

Status infer(InferContext& ctx) {
  HONE_RETURN_IF_ERROR(ctx.require_dtype(0, {DataType::String}));
  HONE_ASSIGN_OR_RETURN(std::regex re, compile(ctx));
  ctx.set_output(0, DataType::Bool, ctx.input_shape(0));
  return Status::ok();
}

Status run(KernelContext& ctx) {
  HONE_ASSIGN_OR_RETURN(std::regex re, compile(ctx));
  const Tensor& x = ctx.input(0);
  bool* y = ctx.output(0).data<bool>();
  try {
    for (int64_t i = 0; i < x.numel(); ++i) y[i] = std::regex_match(x.strings()[i], re);
  } catch (const std::regex_error& e) {  // e.g. error_complexity on pathological backtracking
    return ctx.bad_input(std::string("regular expression match failed: ") + e.what());
  }
  return Status::ok();
}

}  // namespace

HONE_DEFINE_OP(RegexFullMatch){
    .name = "RegexFullMatch",
    .min_inputs = 1,
    .max_inputs = 1,
    .attrs = {attr_required("pattern", AttrType::String)},
    .infer = infer,
    .run = run,
};

}  // namespace hone::ops
