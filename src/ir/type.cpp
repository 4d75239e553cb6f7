// Type and shape helpers (type.hpp).
#include "ir/type.hpp"

#include "core/check.hpp"

namespace hone::ir {

TensorShape TensorShape::of_rank(size_t rank) {
  TensorShape s;
  s.has_rank = true;
  s.dims.resize(rank);
  return s;
}

TensorShape TensorShape::of(const Shape& concrete) {
  TensorShape s;
  s.has_rank = true;
  for (int64_t d : concrete) s.dims.emplace_back(d);
  return s;
}

bool TensorShape::is_static() const {
  if (!has_rank) return false;
  for (const Dim& d : dims) {
    if (!d.is_known()) return false;
  }
  return true;
}

Shape TensorShape::to_static() const {
  HONE_CHECK(is_static());
  Shape s;
  for (const Dim& d : dims) s.push_back(d.value);
  return s;
}

std::string TensorShape::to_string() const {
  if (!has_rank) return "[*]";
  std::string s = "[";
  for (size_t i = 0; i < dims.size(); ++i) {
    if (i) s += ",";
    if (dims[i].is_known()) {
      s += std::to_string(dims[i].value);
    } else if (!dims[i].symbol.empty()) {
      s += dims[i].symbol;
    } else {
      s += "?";
    }
  }
  return s + "]";
}

Type Type::sequence(Type element) {
  Type t;
  t.kind = TypeKind::Sequence;
  t.element = std::make_shared<const Type>(std::move(element));
  return t;
}

Type Type::optional(Type element) {
  Type t;
  t.kind = TypeKind::Optional;
  t.element = std::make_shared<const Type>(std::move(element));
  return t;
}

std::string Type::to_string() const {
  switch (kind) {
    case TypeKind::Unknown: return "?";
    case TypeKind::Tensor: return std::string(dtype_name(dtype)) + shape.to_string();
    case TypeKind::Sequence: return "seq(" + (element ? element->to_string() : "?") + ")";
    case TypeKind::Optional: return "optional(" + (element ? element->to_string() : "?") + ")";
  }
  return "?";
}

}  // namespace hone::ir
