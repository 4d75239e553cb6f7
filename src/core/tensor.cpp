// Tensor storage and element access (tensor.hpp).
#include "core/tensor.hpp"

#include <cstdlib>
#include <cstring>
#include <limits>
#include <new>

#include "core/check.hpp"

namespace hone {
namespace {

constexpr size_t kAlignment = 64;
// A single tensor larger than this is refused (a hostile shape must not crash us).
constexpr int64_t kMaxTensorBytes = int64_t{1} << 40;

std::shared_ptr<void> allocate_storage(DataType dtype, int64_t numel) {
  if (dtype == DataType::String) {
    auto* strings = new std::string[static_cast<size_t>(std::max<int64_t>(numel, 1))];
    return std::shared_ptr<void>(strings, [](void* p) { delete[] static_cast<std::string*>(p); });
  }
  size_t bytes = static_cast<size_t>(numel) * dtype_size(dtype);
  bytes = (bytes + kAlignment - 1) / kAlignment * kAlignment;
  if (bytes == 0) bytes = kAlignment;
  void* p = std::aligned_alloc(kAlignment, bytes);
  if (p == nullptr) return nullptr;
  std::memset(p, 0, bytes);
  return std::shared_ptr<void>(p, [](void* q) { std::free(q); });
}

}  // namespace

int64_t shape_numel(std::span<const int64_t> shape) {
  int64_t n = 1;
  for (int64_t d : shape) n *= d;
  return n;
}

std::string shape_to_string(std::span<const int64_t> shape) {
  std::string s = "[";
  for (size_t i = 0; i < shape.size(); ++i) {
    if (i) s += ",";
    s += std::to_string(shape[i]);
  }
  return s + "]";
}

std::vector<int64_t> shape_strides(std::span<const int64_t> shape) {
  std::vector<int64_t> strides(shape.size(), 1);
  for (size_t i = shape.size(); i-- > 1;) strides[i - 1] = strides[i] * shape[i];
  return strides;
}

Result<Tensor> Tensor::create(DataType dtype, Shape shape) {
  if (dtype == DataType::Undefined || !is_valid_dtype(static_cast<int>(dtype))) {
    return invalid_argument("cannot create a tensor of undefined element type");
  }
  int64_t numel = 1;
  for (int64_t d : shape) {
    if (d < 0) return invalid_argument("negative dimension in shape " + shape_to_string(shape));
    if (d != 0 && numel > kMaxTensorBytes / d) {
      return invalid_argument("tensor of shape " + shape_to_string(shape) + " is too large");
    }
    numel *= d;
  }
  if (numel * static_cast<int64_t>(dtype_size(dtype)) > kMaxTensorBytes) {
    return invalid_argument("tensor of shape " + shape_to_string(shape) + " is too large");
  }
  Tensor t;
  t.dtype_ = dtype;
  t.shape_ = std::move(shape);
  t.numel_ = numel;
  t.storage_ = allocate_storage(dtype, numel);
  if (!t.storage_) return invalid_argument("out of memory allocating a tensor of shape " + shape_to_string(t.shape_));
  t.data_ = t.storage_.get();
  return t;
}

Tensor Tensor::zeros(DataType dtype, Shape shape) {
  auto r = create(dtype, std::move(shape));
  HONE_CHECK(r.is_ok());
  return std::move(r).value();
}

Tensor Tensor::wrap(DataType dtype, Shape shape, void* data) {
  Tensor t;
  t.dtype_ = dtype;
  t.numel_ = shape_numel(shape);
  t.shape_ = std::move(shape);
  t.storage_ = std::shared_ptr<void>(data, [](void*) {});
  t.data_ = data;
  return t;
}

Tensor Tensor::wrap(DataType dtype, Shape shape, void* data, std::shared_ptr<const void> owner) {
  Tensor t;
  t.dtype_ = dtype;
  t.numel_ = shape_numel(shape);
  t.shape_ = std::move(shape);
  t.storage_ = std::shared_ptr<void>(std::const_pointer_cast<void>(std::move(owner)), data);  // aliasing: shares ownership
  t.data_ = data;
  return t;
}

Tensor Tensor::wrap_device(DataType dtype, Shape shape, void* data, std::shared_ptr<const void> owner) {
  Tensor t = owner ? wrap(dtype, std::move(shape), data, std::move(owner)) : wrap(dtype, std::move(shape), data);
  t.on_device_ = true;
  return t;
}

Result<Tensor> Tensor::reshaped(Shape shape) const {
  if (shape_numel(shape) != numel_) {
    return invalid_argument("cannot reshape " + shape_to_string(shape_) + " to " + shape_to_string(shape));
  }
  Tensor t = *this;
  t.shape_ = std::move(shape);
  return t;
}

Tensor Tensor::clone() const {
  if (!defined()) return {};
  HONE_CHECK(!on_device_);  // device bytes are copied by the backend, never by host code
  Tensor t = zeros(dtype_, shape_);
  if (dtype_ == DataType::String) {
    for (int64_t i = 0; i < numel_; ++i) t.strings()[i] = strings()[i];
  } else if (nbytes() > 0) {
    std::memcpy(t.data_, data_, nbytes());
  }
  return t;
}

double Tensor::get_double(int64_t i) const {
  HONE_CHECK(!on_device_);
  double v = 0;
  Status s = dispatch_dtype<TypeSet::NumericBool>(dtype_, "get_double", [&](auto tag) {
    using T = typename decltype(tag)::type;
    v = static_cast<double>(static_cast<ComputeType<T>>(data<T>()[i]));
    return Status::ok();
  });
  if (!s.is_ok()) {
    s = dispatch_any(dtype_, "get_double", [&](auto tag) {
      using T = typename decltype(tag)::type;
      if constexpr (kIsNarrowFloat<T> || kIsSubByteInt<T>) v = static_cast<double>(static_cast<float>(data<T>()[i]));
      return Status::ok();
    });
  }
  return v;
}

int64_t Tensor::get_int64(int64_t i) const {
  HONE_CHECK(!on_device_);
  switch (dtype_) {
    case DataType::Int64: return data<int64_t>()[i];
    case DataType::Int32: return data<int32_t>()[i];
    case DataType::Int16: return data<int16_t>()[i];
    case DataType::Int8: return data<int8_t>()[i];
    case DataType::UInt8: return data<uint8_t>()[i];
    case DataType::UInt16: return data<uint16_t>()[i];
    case DataType::UInt32: return data<uint32_t>()[i];
    case DataType::UInt64: return static_cast<int64_t>(data<uint64_t>()[i]);
    case DataType::Bool: return data<bool>()[i] ? 1 : 0;
    case DataType::Int4:
    case DataType::Int2: return data<int8_t>()[i];
    case DataType::UInt4:
    case DataType::UInt2: return data<uint8_t>()[i];
    default: return static_cast<int64_t>(get_double(i));
  }
}

std::vector<int64_t> Tensor::to_int64_vector() const {
  std::vector<int64_t> out(static_cast<size_t>(numel_));
  for (int64_t i = 0; i < numel_; ++i) out[static_cast<size_t>(i)] = get_int64(i);
  return out;
}

std::vector<double> Tensor::to_double_vector() const {
  std::vector<double> out(static_cast<size_t>(numel_));
  for (int64_t i = 0; i < numel_; ++i) out[static_cast<size_t>(i)] = get_double(i);
  return out;
}

bool Tensor::bit_equal(const Tensor& other) const {
  HONE_CHECK(!on_device_ && !other.on_device_);
  if (dtype_ != other.dtype_ || shape_ != other.shape_) return false;
  if (dtype_ == DataType::String) {
    for (int64_t i = 0; i < numel_; ++i) {
      if (strings()[i] != other.strings()[i]) return false;
    }
    return true;
  }
  return nbytes() == 0 || std::memcmp(data_, other.data_, nbytes()) == 0;
}

}  // namespace hone
