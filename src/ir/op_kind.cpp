// OpKind name/domain tables generated from op_list.inc.
#include "ir/op_kind.hpp"

#include <string>
#include <unordered_map>

namespace hone::ir {
namespace {

struct OpInfo {
  std::string_view name;
  OpDomain domain;
};

constexpr OpInfo kOps[] = {
#define HONE_OP(name, domain) {#name, OpDomain::domain},
#include "ops/op_list.inc"
#undef HONE_OP
};
static_assert(sizeof(kOps) / sizeof(kOps[0]) == static_cast<size_t>(OpKind::kCount));

std::string_view canonical_domain(std::string_view d) { return d == "ai.onnx" ? std::string_view{} : d; }

}  // namespace

std::string_view domain_name(OpDomain d) {
  switch (d) {
    case OpDomain::Onnx: return "";
    case OpDomain::OnnxMl: return "ai.onnx.ml";
    case OpDomain::OnnxPreview: return "ai.onnx.preview";
    case OpDomain::OnnxPreviewTraining: return "ai.onnx.preview.training";
    case OpDomain::Hone: return "hone";
  }
  return "?";
}

std::string_view op_kind_name(OpKind k) { return kOps[static_cast<size_t>(k)].name; }
OpDomain op_kind_domain(OpKind k) { return kOps[static_cast<size_t>(k)].domain; }

bool find_op_kind(std::string_view domain, std::string_view op_type, OpKind* out) {
  static const auto* table = [] {
    auto* m = new std::unordered_map<std::string, OpKind>();
    for (size_t i = 0; i < static_cast<size_t>(OpKind::kCount); ++i) {
      (*m)[std::string(domain_name(kOps[i].domain)) + "::" + std::string(kOps[i].name)] = static_cast<OpKind>(i);
    }
    return m;
  }();
  auto it = table->find(std::string(canonical_domain(domain)) + "::" + std::string(op_type));
  if (it == table->end()) return false;
  *out = it->second;
  return true;
}

}  // namespace hone::ir
