// The C API's shared pieces (bindings/c/handles.hpp): live-handle registry, last-error
// message, status and dtype mapping, shape and buffer checks; and the free functions of
// hone_c.h (versions, status names, dtypes, hone_free).
#include <cstdlib>
#include <shared_mutex>
#include <unordered_map>

#include "bindings/c/handles.hpp"

namespace hone::capi {

// The C enum is the C++ one, value for value (hone_c.h promises it).
static_assert(HONE_STATUS_OK == static_cast<int>(StatusCode::Ok));
static_assert(HONE_STATUS_INVALID_ARGUMENT == static_cast<int>(StatusCode::InvalidArgument));
static_assert(HONE_STATUS_INVALID_MODEL == static_cast<int>(StatusCode::InvalidModel));
static_assert(HONE_STATUS_UNSUPPORTED == static_cast<int>(StatusCode::Unsupported));
static_assert(HONE_STATUS_NOT_FOUND == static_cast<int>(StatusCode::NotFound));
static_assert(HONE_STATUS_IO_ERROR == static_cast<int>(StatusCode::IoError));
static_assert(HONE_STATUS_OUT_OF_RANGE == static_cast<int>(StatusCode::OutOfRange));
static_assert(HONE_STATUS_INTERNAL == static_cast<int>(StatusCode::Internal));
// hone_dtype is DataType (ONNX's numbering), value for value.
#define HONE_C_SAME_DTYPE(c, cpp) static_assert(HONE_DTYPE_##c == static_cast<int>(DataType::cpp))
HONE_C_SAME_DTYPE(UNDEFINED, Undefined);
HONE_C_SAME_DTYPE(FLOAT32, Float);
HONE_C_SAME_DTYPE(UINT8, UInt8);
HONE_C_SAME_DTYPE(INT8, Int8);
HONE_C_SAME_DTYPE(UINT16, UInt16);
HONE_C_SAME_DTYPE(INT16, Int16);
HONE_C_SAME_DTYPE(INT32, Int32);
HONE_C_SAME_DTYPE(INT64, Int64);
HONE_C_SAME_DTYPE(STRING, String);
HONE_C_SAME_DTYPE(BOOL, Bool);
HONE_C_SAME_DTYPE(FLOAT16, Float16);
HONE_C_SAME_DTYPE(FLOAT64, Double);
HONE_C_SAME_DTYPE(UINT32, UInt32);
HONE_C_SAME_DTYPE(UINT64, UInt64);
HONE_C_SAME_DTYPE(COMPLEX64, Complex64);
HONE_C_SAME_DTYPE(COMPLEX128, Complex128);
HONE_C_SAME_DTYPE(BFLOAT16, BFloat16);
HONE_C_SAME_DTYPE(FLOAT8E4M3FN, Float8E4M3FN);
HONE_C_SAME_DTYPE(FLOAT8E4M3FNUZ, Float8E4M3FNUZ);
HONE_C_SAME_DTYPE(FLOAT8E5M2, Float8E5M2);
HONE_C_SAME_DTYPE(FLOAT8E5M2FNUZ, Float8E5M2FNUZ);
HONE_C_SAME_DTYPE(UINT4, UInt4);
HONE_C_SAME_DTYPE(INT4, Int4);
HONE_C_SAME_DTYPE(FLOAT4E2M1, Float4E2M1);
HONE_C_SAME_DTYPE(FLOAT8E8M0, Float8E8M0);
HONE_C_SAME_DTYPE(UINT2, UInt2);
HONE_C_SAME_DTYPE(INT2, Int2);
#undef HONE_C_SAME_DTYPE
static_assert(HONE_DTYPE_INT2 == kMaxDataType);

namespace {

struct Registry {
  std::shared_mutex mu;
  std::unordered_map<const void*, HandleKind> live;
};

Registry& registry() {
  static Registry* r = new Registry();  // never destroyed: handles may be destroyed during exit
  return *r;
}

thread_local std::string tl_last_error;

}  // namespace

const char* handle_kind_name(HandleKind kind) {
  switch (kind) {
    case HandleKind::Network: return "hone_network_t";
    case HandleKind::BuilderConfig: return "hone_builder_config_t";
    case HandleKind::Engine: return "hone_engine_t";
    case HandleKind::Context: return "hone_context_t";
    case HandleKind::Tensor: return "hone_tensor_t";
    case HandleKind::Predictor: return "hone_predictor_t";
    case HandleKind::Prediction: return "hone_prediction_t";
  }
  return "handle";
}

void register_handle(const void* handle, HandleKind kind) {
  Registry& r = registry();
  std::unique_lock lock(r.mu);
  r.live[handle] = kind;
}

bool unregister_handle(const void* handle, HandleKind kind) {
  Registry& r = registry();
  std::unique_lock lock(r.mu);
  auto it = r.live.find(handle);
  if (it == r.live.end() || it->second != kind) return false;
  r.live.erase(it);
  return true;
}

bool is_live(const void* handle, HandleKind kind) {
  Registry& r = registry();
  std::shared_lock lock(r.mu);
  auto it = r.live.find(handle);
  return it != r.live.end() && it->second == kind;
}

void fail(hone_status code, std::string message) { throw ApiError{code, std::move(message)}; }

hone_status to_c_status(StatusCode code) { return static_cast<hone_status>(code); }

void check(const Status& status) {
  if (!status.is_ok()) fail(to_c_status(status.code()), status.to_string());
}

void set_last_error(std::string message) { tl_last_error = std::move(message); }

DataType to_dtype(hone_dtype dtype, const char* what) {
  const int raw = static_cast<int>(dtype);
  if (!is_valid_dtype(raw)) {
    fail(HONE_STATUS_INVALID_ARGUMENT, std::string("argument '") + what + "' is not an element type (" +
                                           std::to_string(raw) + ")");
  }
  const DataType t = static_cast<DataType>(raw);
  if (t == DataType::String) {
    fail(HONE_STATUS_UNSUPPORTED, std::string("argument '") + what + "': string tensors cannot cross the C API");
  }
  return t;
}

Shape to_shape(const int64_t* dims, size_t rank, const char* what) {
  if (rank > 0) require(dims, what);
  Shape shape(dims, dims + rank);
  for (int64_t d : shape) {
    if (d < 0) {
      fail(HONE_STATUS_INVALID_ARGUMENT,
           std::string("argument '") + what + "' " + shape_to_string(shape) + " has a negative dimension");
    }
  }
  return shape;
}

void write_shape(const Shape& shape, bool has_rank, int64_t* dims, size_t capacity, int64_t* rank) {
  require(rank, "rank");
  if (capacity > 0) require(dims, "dims");
  if (!has_rank) {
    *rank = -1;
    return;
  }
  *rank = static_cast<int64_t>(shape.size());
  if (!dims) return;  // the rank only
  if (capacity < shape.size()) {
    fail(HONE_STATUS_INVALID_ARGUMENT, "'capacity' " + std::to_string(capacity) + " is below the rank " +
                                           std::to_string(shape.size()) + " (the rank was written)");
  }
  for (size_t i = 0; i < shape.size(); ++i) dims[i] = shape[i];
}

size_t buffer_bytes(DataType dtype, const Shape& shape) {
  size_t bytes = dtype_size(dtype);
  for (int64_t d : shape) {
    if (__builtin_mul_overflow(bytes, static_cast<size_t>(d), &bytes)) {
      fail(HONE_STATUS_INVALID_ARGUMENT, "a " + std::string(dtype_name(dtype)) + " tensor of shape " +
                                             shape_to_string(shape) + " is larger than memory can hold");
    }
  }
  return bytes;
}

Tensor wrap_buffer(DataType dtype, const Shape& shape, const void* data, size_t byte_size) {
  const size_t expected = buffer_bytes(dtype, shape);
  if (byte_size != expected) {
    fail(HONE_STATUS_INVALID_ARGUMENT, "'byte_size' is " + std::to_string(byte_size) + " but a " +
                                           std::string(dtype_name(dtype)) + " tensor of shape " +
                                           shape_to_string(shape) + " takes " + std::to_string(expected) + " bytes");
  }
  if (expected > 0) require(data, "data");
  // NOTE: inputs are only read through this view; the const_cast is Tensor's interface.
  return Tensor::wrap(dtype, shape, const_cast<void*>(data));
}

void check_dtype_and_size(const std::string& what, DataType expected, DataType given, size_t expected_bytes,
                          size_t byte_size) {
  if (given != expected) {
    fail(HONE_STATUS_INVALID_ARGUMENT, what + " has element type " + std::string(dtype_name(expected)) + ", not " +
                                           std::string(dtype_name(given)) + " (no conversion is done)");
  }
  if (byte_size != expected_bytes) {
    fail(HONE_STATUS_INVALID_ARGUMENT, what + " takes " + std::to_string(expected_bytes) + " bytes, 'byte_size' is " +
                                           std::to_string(byte_size));
  }
}

const TensorDesc& desc_at(const std::vector<TensorDesc>& list, size_t index, const char* what) {
  if (index >= list.size()) {
    fail(HONE_STATUS_OUT_OF_RANGE, std::string(what) + " index " + std::to_string(index) + " is out of range (" +
                                       std::to_string(list.size()) + " " + what + "s)");
  }
  return list[index];
}

const TensorDesc& find_desc(const std::vector<TensorDesc>& inputs, const std::vector<TensorDesc>& outputs,
                            const char* name, bool* is_input) {
  require(name, "name");
  for (const TensorDesc& d : inputs) {
    if (d.name == name) {
      if (is_input) *is_input = true;
      return d;
    }
  }
  for (const TensorDesc& d : outputs) {
    if (d.name == name) {
      if (is_input) *is_input = false;
      return d;
    }
  }
  fail(HONE_STATUS_NOT_FOUND, "no input or output is called '" + std::string(name) + "'");
}

}  // namespace hone::capi

using namespace hone;

extern "C" {

HONE_C_EXPORT const char* hone_version(void) { return HONE_VERSION_STRING; }

HONE_C_EXPORT int hone_c_api_version(void) { return HONE_C_API_VERSION; }

HONE_C_EXPORT const char* hone_status_name(hone_status status) {
  const int raw = static_cast<int>(status);
  if (raw < HONE_STATUS_OK || raw > HONE_STATUS_INTERNAL) return "Unknown";
  return status_code_name(static_cast<StatusCode>(raw));
}

HONE_C_EXPORT const char* hone_last_error_message(void) { return capi::tl_last_error.c_str(); }

HONE_C_EXPORT void hone_free(void* memory) { std::free(memory); }

HONE_C_EXPORT const char* hone_dtype_name(hone_dtype dtype) {
  const int raw = static_cast<int>(dtype);
  if (!is_valid_dtype(raw)) return "undefined";
  return dtype_name(static_cast<DataType>(raw)).data();
}

HONE_C_EXPORT size_t hone_dtype_size(hone_dtype dtype) {
  const int raw = static_cast<int>(dtype);
  if (!is_valid_dtype(raw) || dtype == HONE_DTYPE_STRING) return 0;
  return dtype_size(static_cast<DataType>(raw));
}

}  // extern "C"
