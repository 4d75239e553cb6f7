// Typed node attributes (ONNX AttributeProto in IR form). A node keeps its attributes in
// model order; lookups are by name.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/tensor.hpp"
#include "ir/type.hpp"

namespace hone::ir {

class Graph;

enum class AttrType : uint8_t {
  Float, Int, String, Tensor, Graph, TypeProto,
  Floats, Ints, Strings, Tensors, Graphs, TypeProtos,
};
const char* attr_type_name(AttrType t);  // ONNX spelling: "FLOAT", "INTS", ...

struct Attribute {
  AttrType type = AttrType::Int;
  float f = 0.0f;
  int64_t i = 0;
  std::string s;
  Tensor t;
  std::shared_ptr<Graph> g;
  ir::Type tp;
  std::vector<float> floats;
  std::vector<int64_t> ints;
  std::vector<std::string> strings;
  std::vector<Tensor> tensors;
  std::vector<std::shared_ptr<Graph>> graphs;
  std::vector<ir::Type> tps;

  static Attribute of_float(float v) { Attribute a; a.type = AttrType::Float; a.f = v; return a; }
  static Attribute of_int(int64_t v) { Attribute a; a.type = AttrType::Int; a.i = v; return a; }
  static Attribute of_string(std::string v) { Attribute a; a.type = AttrType::String; a.s = std::move(v); return a; }
  static Attribute of_tensor(Tensor v) { Attribute a; a.type = AttrType::Tensor; a.t = std::move(v); return a; }
  static Attribute of_graph(std::shared_ptr<Graph> v) { Attribute a; a.type = AttrType::Graph; a.g = std::move(v); return a; }
  static Attribute of_floats(std::vector<float> v) { Attribute a; a.type = AttrType::Floats; a.floats = std::move(v); return a; }
  static Attribute of_ints(std::vector<int64_t> v) { Attribute a; a.type = AttrType::Ints; a.ints = std::move(v); return a; }
  static Attribute of_strings(std::vector<std::string> v) { Attribute a; a.type = AttrType::Strings; a.strings = std::move(v); return a; }
  /// Short human form for the printer: "3", "[1,1]", "'NOTSET'", "<tensor float[3]>".
  std::string to_string() const;
};

class Attributes {
 public:
  void set(std::string name, Attribute a);
  const Attribute* find(std::string_view name) const;
  bool has(std::string_view name) const { return find(name) != nullptr; }
  bool erase(std::string_view name);
  const std::vector<std::pair<std::string, Attribute>>& items() const { return items_; }
  bool empty() const { return items_.empty(); }

 private:
  std::vector<std::pair<std::string, Attribute>> items_;
};

}  // namespace hone::ir
