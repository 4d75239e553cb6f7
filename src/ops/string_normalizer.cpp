// StringNormalizer: drops the `stopwords` from a 1-D [C] or 2-D [1, C] string tensor
// (compared case-sensitively or not) and changes the case of the rest (LOWER, UPPER, NONE;
// ASCII letters only). When every string is dropped the output holds one empty string.
#include <algorithm>
#include <cctype>
#include <unordered_set>

#include "ops/op_def.hpp"

namespace hone::ops {
namespace {

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}
std::string upper(std::string s) {
  for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

Status check(const AttrReader& ctx, const ir::TensorShape& shape) {
  const std::string& action = ctx.attr_string("case_change_action");
  if (action != "LOWER" && action != "UPPER" && action != "NONE") {
    return ctx.error("case_change_action must be LOWER, UPPER or NONE, got '" + action + "'");
  }
  if (shape.has_rank && !(shape.rank() == 1 || (shape.rank() == 2 && (!shape.dims[0].is_known() || shape.dims[0].value == 1)))) {
    return ctx.bad_input("input must have shape [C] or [1, C], got " + shape.to_string());
  }
  return Status::ok();
}

Status infer(InferContext& ctx) {
  HONE_RETURN_IF_ERROR(ctx.require_dtype(0, {DataType::String}));
  HONE_RETURN_IF_ERROR(check(ctx, ctx.input_shape(0)));
  ir::TensorShape out = ctx.input_shape(0);
  if (out.has_rank) out.dims.back() = ir::Dim();  // how many survive depends on the data
  ctx.set_output(0, DataType::String, out);
  return Status::ok();
}

Status run(KernelContext& ctx) {
  const Tensor& x = ctx.input(0);
  HONE_RETURN_IF_ERROR(check(ctx, ir::TensorShape::of(x.shape())));
  const bool case_sensitive = ctx.attr_int("is_case_sensitive") != 0;
  const std::string& action = ctx.attr_string("case_change_action");
  std::unordered_set<std::string> stop;
  for (const std::string& w : ctx.attr_strings("stopwords")) stop.insert(case_sensitive ? w : lower(w));
  std::vector<std::string> kept;
  for (int64_t i = 0; i < x.numel(); ++i) {
    const std::string& s = x.strings()[i];
    if (stop.count(case_sensitive ? s : lower(s))) continue;
    kept.push_back(action == "LOWER" ? lower(s) : action == "UPPER" ? upper(s) : s);
  }
  if (kept.empty()) kept.emplace_back();
  Shape shape = x.rank() == 2 ? Shape{1, static_cast<int64_t>(kept.size())} : Shape{static_cast<int64_t>(kept.size())};
  HONE_ASSIGN_OR_RETURN(Tensor * y, ctx.allocate_output(0, DataType::String, shape));
  std::copy(kept.begin(), kept.end(), y->strings());
  return Status::ok();
}

}  // namespace

HONE_DEFINE_OP(StringNormalizer){
    .name = "StringNormalizer",
    .min_inputs = 1,
    .max_inputs = 1,
    .attrs = {attr_string("case_change_action", "NONE"), attr_int("is_case_sensitive", 0), attr_strings("stopwords", {}),
              attr_string("locale", "")},
    .infer = infer,
    .run = run,
};

}  // namespace hone::ops
