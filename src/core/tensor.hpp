// Tensor: a dense, row-major, typed n-dimensional array with shared, 64-byte aligned storage.
// Copies share storage (like a shared_ptr); `clone()` makes a deep copy. Strings live in a
// std::string array. Sub-byte types are stored unpacked (one element per byte). A tensor may
// instead view a GPU's memory (wrap_device): its bytes are then for device kernels and copies
// only (docs/cuda.md).
#pragma once

#include <complex>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "core/data_type.hpp"
#include "core/small_float.hpp"
#include "hone/status.hpp"

namespace hone {

using Shape = std::vector<int64_t>;

/// Product of the dimensions (1 for a scalar). Dimensions must be >= 0.
int64_t shape_numel(std::span<const int64_t> shape);
/// "[1,3,224,224]".
std::string shape_to_string(std::span<const int64_t> shape);
/// Row-major strides in elements.
std::vector<int64_t> shape_strides(std::span<const int64_t> shape);

class Tensor {
 public:
  Tensor() = default;

  /// A zero-filled tensor (empty strings for String). Fails on negative dims or a size over
  /// the addressable limit, so a hostile shape cannot crash the process.
  static Result<Tensor> create(DataType dtype, Shape shape);
  /// Like create() for shapes that are already validated (internal use): aborts on failure.
  static Tensor zeros(DataType dtype, Shape shape);
  /// A tensor over caller memory, not owned; the caller keeps `data` alive while it is used.
  static Tensor wrap(DataType dtype, Shape shape, void* data);
  /// A tensor over memory that `owner` keeps alive (a mapped file, a larger buffer): the tensor
  /// and its copies hold a reference to `owner`.
  static Tensor wrap(DataType dtype, Shape shape, void* data, std::shared_ptr<const void> owner);
  /// A tensor over device memory (a CUDA device pointer), kept alive by `owner` when given
  /// (not owned otherwise). Host code must not read or write its elements: clone(),
  /// bit_equal(), get_*() and to_*_vector() abort on it (a broken invariant, never user input:
  /// the runtime copies device tensors to the host before anything reads them there).
  /// Binding such a tensor to an ExecutionContext of a device engine is zero-copy.
  static Tensor wrap_device(DataType dtype, Shape shape, void* data, std::shared_ptr<const void> owner = {});
  /// A scalar or 1-D tensor from values.
  template <class T>
  static Tensor from_vector(DataType dtype, Shape shape, const std::vector<T>& values);

  bool defined() const { return dtype_ != DataType::Undefined; }
  /// Whether the elements live in device memory (see wrap_device); false for host memory.
  bool on_device() const { return on_device_; }
  DataType dtype() const { return dtype_; }
  const Shape& shape() const { return shape_; }
  int64_t rank() const { return static_cast<int64_t>(shape_.size()); }
  int64_t dim(int64_t axis) const { return shape_[static_cast<size_t>(axis)]; }
  int64_t numel() const { return numel_; }
  size_t nbytes() const { return static_cast<size_t>(numel_) * dtype_size(dtype_); }

  template <class T>
  T* data() { return reinterpret_cast<T*>(data_); }
  template <class T>
  const T* data() const { return reinterpret_cast<const T*>(data_); }
  void* raw() { return data_; }
  const void* raw() const { return data_; }
  std::string* strings() { return reinterpret_cast<std::string*>(data_); }
  const std::string* strings() const { return reinterpret_cast<const std::string*>(data_); }

  /// Same storage, new shape with the same element count.
  Result<Tensor> reshaped(Shape shape) const;
  /// Deep copy (host tensors only).
  Tensor clone() const;
  /// Element i converted to double / int64 (numeric dtypes; bool as 0/1).
  double get_double(int64_t i) const;
  int64_t get_int64(int64_t i) const;
  /// The tensor's values as int64 (any integer dtype). For shape/axes/indices inputs.
  std::vector<int64_t> to_int64_vector() const;
  std::vector<double> to_double_vector() const;

  /// True when dtype, shape and every byte (every string) are equal.
  bool bit_equal(const Tensor& other) const;

 private:
  DataType dtype_ = DataType::Undefined;
  Shape shape_;
  int64_t numel_ = 0;
  std::shared_ptr<void> storage_;
  void* data_ = nullptr;
  bool on_device_ = false;
};

/// The kinds of run-time values ONNX graphs pass between nodes.
enum class DatumKind : uint8_t { Tensor, Sequence, None };

/// A run-time value: a tensor, a sequence of tensors, or an empty optional. `optional` marks
/// a value of ONNX optional type (present when kind != None).
struct Datum {
  DatumKind kind = DatumKind::Tensor;
  bool optional = false;
  DataType sequence_dtype = DataType::Undefined;  // element type of an (empty) sequence
  Tensor tensor;
  std::vector<Tensor> sequence;

  static Datum of(Tensor t) { Datum d; d.tensor = std::move(t); return d; }
  static Datum of_sequence(std::vector<Tensor> s, DataType dtype) {
    Datum d;
    d.kind = DatumKind::Sequence;
    d.sequence = std::move(s);
    d.sequence_dtype = dtype;
    return d;
  }
  static Datum none() { Datum d; d.kind = DatumKind::None; d.optional = true; return d; }
  bool is_tensor() const { return kind == DatumKind::Tensor; }
  bool is_sequence() const { return kind == DatumKind::Sequence; }
  bool is_none() const { return kind == DatumKind::None; }
};

// --- compile-time type mapping -----------------------------------------------------------

template <DataType D>
struct CppTypeOf;
#define HONE_MAP_TYPE(D, T) \
  template <>               \
  struct CppTypeOf<DataType::D> { using type = T; }
HONE_MAP_TYPE(Float, float);
HONE_MAP_TYPE(Double, double);
HONE_MAP_TYPE(Float16, Float16);
HONE_MAP_TYPE(BFloat16, BFloat16);
HONE_MAP_TYPE(Float8E4M3FN, Float8E4M3FN);
HONE_MAP_TYPE(Float8E4M3FNUZ, Float8E4M3FNUZ);
HONE_MAP_TYPE(Float8E5M2, Float8E5M2);
HONE_MAP_TYPE(Float8E5M2FNUZ, Float8E5M2FNUZ);
HONE_MAP_TYPE(Float8E8M0, Float8E8M0);
HONE_MAP_TYPE(Float4E2M1, Float4E2M1);
HONE_MAP_TYPE(Int8, int8_t);
HONE_MAP_TYPE(Int16, int16_t);
HONE_MAP_TYPE(Int32, int32_t);
HONE_MAP_TYPE(Int64, int64_t);
HONE_MAP_TYPE(UInt8, uint8_t);
HONE_MAP_TYPE(UInt16, uint16_t);
HONE_MAP_TYPE(UInt32, uint32_t);
HONE_MAP_TYPE(UInt64, uint64_t);
HONE_MAP_TYPE(Int4, Int4);
HONE_MAP_TYPE(UInt4, UInt4);
HONE_MAP_TYPE(Int2, Int2);
HONE_MAP_TYPE(UInt2, UInt2);
HONE_MAP_TYPE(Bool, bool);
HONE_MAP_TYPE(String, std::string);
HONE_MAP_TYPE(Complex64, std::complex<float>);
HONE_MAP_TYPE(Complex128, std::complex<double>);
#undef HONE_MAP_TYPE

template <class T>
struct TypeTag {
  using type = T;
};

template <class T>
inline constexpr bool kIsNarrowFloat =
    std::is_same_v<T, Float16> || std::is_same_v<T, BFloat16> || std::is_same_v<T, Float8E4M3FN> ||
    std::is_same_v<T, Float8E4M3FNUZ> || std::is_same_v<T, Float8E5M2> ||
    std::is_same_v<T, Float8E5M2FNUZ> || std::is_same_v<T, Float8E8M0> || std::is_same_v<T, Float4E2M1>;
template <class T>
inline constexpr bool kIsFloating = std::is_floating_point_v<T> || kIsNarrowFloat<T>;
template <class T>
inline constexpr bool kIsSubByteInt =
    std::is_same_v<T, Int4> || std::is_same_v<T, UInt4> || std::is_same_v<T, Int2> || std::is_same_v<T, UInt2>;

/// The type kernels compute in for T: float for narrow floats, int for sub-byte ints, T else.
template <class T>
using ComputeType = std::conditional_t<kIsNarrowFloat<T>, float, std::conditional_t<kIsSubByteInt<T>, int, T>>;

/// Type sets for dispatch (see dispatch_dtype).
enum class TypeSet : uint8_t {
  Float,        // float, double, float16, bfloat16
  AllFloat,     // Float + float8 family + float4 + e8m0
  Int,          // int8..int64, uint8..uint64
  Numeric,      // Float + Int
  NumericBool,  // Numeric + bool
  All,          // everything incl. string, sub-byte ints, float8, complex
};

namespace detail {
template <class F>
auto dispatch_float(DataType t, F&& f, bool* handled) {
  using R = Status;
  *handled = true;
  switch (t) {
    case DataType::Float: return f(TypeTag<float>{});
    case DataType::Double: return f(TypeTag<double>{});
    case DataType::Float16: return f(TypeTag<Float16>{});
    case DataType::BFloat16: return f(TypeTag<BFloat16>{});
    default: *handled = false; return R{};
  }
}
template <class F>
auto dispatch_float8(DataType t, F&& f, bool* handled) {
  using R = Status;
  *handled = true;
  switch (t) {
    case DataType::Float8E4M3FN: return f(TypeTag<Float8E4M3FN>{});
    case DataType::Float8E4M3FNUZ: return f(TypeTag<Float8E4M3FNUZ>{});
    case DataType::Float8E5M2: return f(TypeTag<Float8E5M2>{});
    case DataType::Float8E5M2FNUZ: return f(TypeTag<Float8E5M2FNUZ>{});
    case DataType::Float8E8M0: return f(TypeTag<Float8E8M0>{});
    case DataType::Float4E2M1: return f(TypeTag<Float4E2M1>{});
    default: *handled = false; return R{};
  }
}
template <class F>
auto dispatch_int(DataType t, F&& f, bool* handled) {
  using R = Status;
  *handled = true;
  switch (t) {
    case DataType::Int8: return f(TypeTag<int8_t>{});
    case DataType::Int16: return f(TypeTag<int16_t>{});
    case DataType::Int32: return f(TypeTag<int32_t>{});
    case DataType::Int64: return f(TypeTag<int64_t>{});
    case DataType::UInt8: return f(TypeTag<uint8_t>{});
    case DataType::UInt16: return f(TypeTag<uint16_t>{});
    case DataType::UInt32: return f(TypeTag<uint32_t>{});
    case DataType::UInt64: return f(TypeTag<uint64_t>{});
    default: *handled = false; return R{};
  }
}
template <class F>
auto dispatch_other(DataType t, F&& f, bool* handled) {
  using R = Status;
  *handled = true;
  switch (t) {
    case DataType::Int4: return f(TypeTag<Int4>{});
    case DataType::UInt4: return f(TypeTag<UInt4>{});
    case DataType::Int2: return f(TypeTag<Int2>{});
    case DataType::UInt2: return f(TypeTag<UInt2>{});
    case DataType::String: return f(TypeTag<std::string>{});
    case DataType::Complex64: return f(TypeTag<std::complex<float>>{});
    case DataType::Complex128: return f(TypeTag<std::complex<double>>{});
    default: *handled = false; return R{};
  }
}
}  // namespace detail

/// Calls `f(TypeTag<T>{})` with the C++ type of `t` when `t` is in `set`, and returns its
/// Status; otherwise returns Unsupported naming the dtype and `what` (the op name).
/// `f` must return Status and compile for every type of the set.
template <TypeSet set, class F>
Status dispatch_dtype(DataType t, const char* what, F&& f) {
  bool handled = false;
  Status s;
  if constexpr (set != TypeSet::Int) {
    s = detail::dispatch_float(t, f, &handled);
    if (handled) return s;
  }
  if constexpr (set == TypeSet::AllFloat || set == TypeSet::All) {
    s = detail::dispatch_float8(t, f, &handled);
    if (handled) return s;
  }
  if constexpr (set != TypeSet::Float && set != TypeSet::AllFloat) {
    s = detail::dispatch_int(t, f, &handled);
    if (handled) return s;
  }
  if constexpr (set == TypeSet::NumericBool || set == TypeSet::All) {
    if (t == DataType::Bool) return f(TypeTag<bool>{});
  }
  if constexpr (set == TypeSet::All) {
    s = detail::dispatch_other(t, f, &handled);
    if (handled) return s;
  }
  return unsupported(std::string(what) + " does not support element type " + std::string(dtype_name(t)));
}

/// Calls `f(TypeTag<T>{})` for any dtype (same as dispatch_dtype<TypeSet::All>).
template <class F>
Status dispatch_any(DataType t, const char* what, F&& f) {
  return dispatch_dtype<TypeSet::All>(t, what, std::forward<F>(f));
}

template <class T>
Tensor Tensor::from_vector(DataType dtype, Shape shape, const std::vector<T>& values) {
  Tensor t = zeros(dtype, std::move(shape));
  for (int64_t i = 0; i < t.numel() && i < static_cast<int64_t>(values.size()); ++i) {
    t.data<T>()[i] = values[static_cast<size_t>(i)];
  }
  return t;
}

}  // namespace hone
