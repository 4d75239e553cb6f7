// OpKind: every operator Hone knows, generated from src/ops/op_list.inc (the one registry).
#pragma once

#include <cstdint>
#include <string_view>

namespace hone::ir {

enum class OpKind : uint16_t {
#define HONE_OP(name, domain) name,
#include "ops/op_list.inc"
#undef HONE_OP
  kCount
};

/// Operator domains, as ONNX spells them.
enum class OpDomain : uint8_t { Onnx, OnnxMl, OnnxPreview, OnnxPreviewTraining, Hone };
std::string_view domain_name(OpDomain d);  // "" (ai.onnx), "ai.onnx.ml", ...

std::string_view op_kind_name(OpKind k);
OpDomain op_kind_domain(OpKind k);
/// Looks an ONNX (domain, op_type) up; returns false when Hone has no such operator.
/// "ai.onnx" and "" are the same domain.
bool find_op_kind(std::string_view domain, std::string_view op_type, OpKind* out);

}  // namespace hone::ir
