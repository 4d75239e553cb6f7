// StringSplit: splits each string on `delimiter` (Python str.split semantics: an empty or
// absent delimiter splits on runs of whitespace and drops empty pieces; a given delimiter
// keeps empty pieces), at most `maxsplit` times. Output 0 has shape x.shape + [max pieces],
// padded with ""; output 1 (int64, x.shape) holds each string's number of pieces.
#include "ops/op_def.hpp"

namespace hone::ops {
namespace {

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f'; }

std::vector<std::string> split(const std::string& s, const std::string& delimiter, int64_t maxsplit) {
  std::vector<std::string> parts;
  if (delimiter.empty()) {
    size_t i = 0;
    while (true) {
      while (i < s.size() && is_space(s[i])) ++i;
      if (i >= s.size()) break;
      if (maxsplit >= 0 && static_cast<int64_t>(parts.size()) == maxsplit) {
        // The rest, with trailing whitespace removed, is the last piece.
        size_t end = s.size();
        while (end > i && is_space(s[end - 1])) --end;
        parts.push_back(s.substr(i, end - i));
        break;
      }
      size_t j = i;
      while (j < s.size() && !is_space(s[j])) ++j;
      parts.push_back(s.substr(i, j - i));
      i = j;
    }
    return parts;
  }
  size_t start = 0;
  while (true) {
    const size_t pos = s.find(delimiter, start);
    if (pos == std::string::npos || (maxsplit >= 0 && static_cast<int64_t>(parts.size()) == maxsplit)) {
      parts.push_back(s.substr(start));
      break;
    }
    parts.push_back(s.substr(start, pos - start));
    start = pos + delimiter.size();
  }
  return parts;
}

Status infer(InferContext& ctx) {
  HONE_RETURN_IF_ERROR(ctx.require_dtype(0, {DataType::String}));
  ir::TensorShape out = ctx.input_shape(0);
  if (out.has_rank) out.dims.push_back(ir::Dim());  // number of pieces depends on the data
  if (const Tensor* x = ctx.input_value(0)) {
    const std::string& delimiter = ctx.attr_string("delimiter");
    const int64_t maxsplit = ctx.has_attr("maxsplit") ? ctx.attr_int("maxsplit") : -1;
    int64_t widest = 0;
    for (int64_t i = 0; i < x->numel(); ++i) {
      widest = std::max<int64_t>(widest, static_cast<int64_t>(split(x->strings()[i], delimiter, maxsplit).size()));
    }
    out = ir::TensorShape::of(x->shape());
    out.dims.push_back(widest);
  }
  ctx.set_output(0, DataType::String, out);
  ctx.set_output(1, DataType::Int64, ctx.input_shape(0));
  return Status::ok();
}

Status run(KernelContext& ctx) {
  const Tensor& x = ctx.input(0);
  const std::string& delimiter = ctx.attr_string("delimiter");
  const int64_t maxsplit = ctx.has_attr("maxsplit") ? ctx.attr_int("maxsplit") : -1;
  std::vector<std::vector<std::string>> pieces(static_cast<size_t>(x.numel()));
  int64_t widest = 0;
  for (int64_t i = 0; i < x.numel(); ++i) {
    pieces[static_cast<size_t>(i)] = split(x.strings()[i], delimiter, maxsplit);
    widest = std::max<int64_t>(widest, static_cast<int64_t>(pieces[static_cast<size_t>(i)].size()));
  }
  Shape shape = x.shape();
  shape.push_back(widest);
  HONE_ASSIGN_OR_RETURN(Tensor * y, ctx.allocate_output(0, DataType::String, shape));
  HONE_ASSIGN_OR_RETURN(Tensor * lengths, ctx.allocate_output(1, DataType::Int64, x.shape()));
  for (int64_t i = 0; i < x.numel(); ++i) {
    const auto& p = pieces[static_cast<size_t>(i)];
    for (size_t k = 0; k < p.size(); ++k) y->strings()[i * widest + static_cast<int64_t>(k)] = p[k];
    lengths->data<int64_t>()[i] = static_cast<int64_t>(p.size());
  }
  return Status::ok();
}

}  // namespace

HONE_DEFINE_OP(StringSplit){
    .name = "StringSplit",
    .min_inputs = 1,
    .max_inputs = 1,
    .min_outputs = 2,
    .max_outputs = 2,
    .attrs = {attr_string("delimiter", ""), attr_optional("maxsplit", AttrType::Int)},
    .infer = infer,
    .run = run,
};

}  // namespace hone::ops
