// Static types of IR values: tensors with an element type and a shape whose dimensions may
// be known numbers, named symbols ("batch") or unknown; sequences of tensors; optionals.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/data_type.hpp"
#include "core/tensor.hpp"

namespace hone::ir {

/// One dimension: a value >= 0, or a symbol, or unknown (value < 0 and no symbol).
struct Dim {
  int64_t value = -1;
  std::string symbol;

  Dim() = default;
  Dim(int64_t v) : value(v) {}  // NOLINT(implicit)
  static Dim named(std::string s) { Dim d; d.symbol = std::move(s); return d; }
  bool is_known() const { return value >= 0; }
  bool operator==(const Dim& o) const { return value == o.value && symbol == o.symbol; }
};

/// A tensor shape; `has_rank == false` means even the rank is unknown.
struct TensorShape {
  bool has_rank = false;
  std::vector<Dim> dims;

  TensorShape() = default;
  static TensorShape unknown() { return {}; }
  static TensorShape of_rank(size_t rank);       // known rank, unknown dims
  static TensorShape of(const Shape& concrete);  // every dim known
  size_t rank() const { return dims.size(); }
  bool is_static() const;                        // rank and every dim known
  Shape to_static() const;                       // requires is_static()
  std::string to_string() const;                 // "[batch,3,224,224]", "[?,3]", "[*]"
};

enum class TypeKind : uint8_t { Unknown, Tensor, Sequence, Optional };

/// The type of a value. Sequence and Optional carry their element type in `element`.
struct Type {
  TypeKind kind = TypeKind::Unknown;
  DataType dtype = DataType::Undefined;  // Tensor only
  TensorShape shape;                     // Tensor only
  std::shared_ptr<const Type> element;   // Sequence / Optional

  static Type tensor(DataType dt, TensorShape s = {}) {
    Type t;
    t.kind = TypeKind::Tensor;
    t.dtype = dt;
    t.shape = std::move(s);
    return t;
  }
  static Type sequence(Type element);
  static Type optional(Type element);
  bool is_tensor() const { return kind == TypeKind::Tensor; }
  std::string to_string() const;  // "float[1,3]", "seq(float[?])", "optional(int64[])"
};

}  // namespace hone::ir
