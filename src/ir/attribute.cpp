// Attribute container and printing (attribute.hpp).
#include "ir/attribute.hpp"

#include <sstream>

namespace hone::ir {

const char* attr_type_name(AttrType t) {
  switch (t) {
    case AttrType::Float: return "FLOAT";
    case AttrType::Int: return "INT";
    case AttrType::String: return "STRING";
    case AttrType::Tensor: return "TENSOR";
    case AttrType::Graph: return "GRAPH";
    case AttrType::TypeProto: return "TYPE_PROTO";
    case AttrType::Floats: return "FLOATS";
    case AttrType::Ints: return "INTS";
    case AttrType::Strings: return "STRINGS";
    case AttrType::Tensors: return "TENSORS";
    case AttrType::Graphs: return "GRAPHS";
    case AttrType::TypeProtos: return "TYPE_PROTOS";
  }
  return "?";
}

void Attributes::set(std::string name, Attribute a) {
  for (auto& [n, v] : items_) {
    if (n == name) {
      v = std::move(a);
      return;
    }
  }
  items_.emplace_back(std::move(name), std::move(a));
}

const Attribute* Attributes::find(std::string_view name) const {
  for (const auto& [n, v] : items_) {
    if (n == name) return &v;
  }
  return nullptr;
}

bool Attributes::erase(std::string_view name) {
  for (auto it = items_.begin(); it != items_.end(); ++it) {
    if (it->first == name) {
      items_.erase(it);
      return true;
    }
  }
  return false;
}

std::string Attribute::to_string() const {
  std::ostringstream os;
  auto list = [&os](const auto& v, auto fmt) {
    os << "[";
    for (size_t k = 0; k < v.size(); ++k) {
      if (k) os << ",";
      fmt(v[k]);
    }
    os << "]";
  };
  switch (type) {
    case AttrType::Float: os << f; break;
    case AttrType::Int: os << i; break;
    case AttrType::String: os << "'" << s << "'"; break;
    case AttrType::Tensor: os << "<tensor " << dtype_name(t.dtype()) << shape_to_string(t.shape()) << ">"; break;
    case AttrType::Graph: os << "<graph>"; break;
    case AttrType::TypeProto: os << "<type " << tp.to_string() << ">"; break;
    case AttrType::Floats: list(floats, [&os](float x) { os << x; }); break;
    case AttrType::Ints: list(ints, [&os](int64_t x) { os << x; }); break;
    case AttrType::Strings: list(strings, [&os](const std::string& x) { os << "'" << x << "'"; }); break;
    case AttrType::Tensors: os << "<" << tensors.size() << " tensors>"; break;
    case AttrType::Graphs: os << "<" << graphs.size() << " graphs>"; break;
    case AttrType::TypeProtos: os << "<" << tps.size() << " types>"; break;
  }
  return os.str();
}

}  // namespace hone::ir
