// hone_tensor_t: a hone::Tensor behind a handle (hone_c.h, "Tensor"): created (owned,
// zero-filled), wrapping caller memory (borrowed), or an output of a run (sharing its buffer).
#include <cstring>

#include "bindings/c/handles.hpp"

using namespace hone;
using namespace hone::capi;

extern "C" {

HONE_C_EXPORT hone_status hone_tensor_create(hone_dtype dtype, const int64_t* dims, size_t rank, hone_tensor_t** out) {
  return guard(__func__, [&] {
    require(out, "out");
    const DataType t = to_dtype(dtype, "dtype");
    const Shape shape = to_shape(dims, rank, "dims");
    buffer_bytes(t, shape);  // a clear message for sizes over size_t
    auto handle = std::make_unique<hone_tensor>();
    handle->tensor = unwrap(Tensor::create(t, shape));
    publish(std::move(handle), out);
  });
}

HONE_C_EXPORT hone_status hone_tensor_wrap(hone_dtype dtype, const int64_t* dims, size_t rank, void* data,
                                           size_t byte_size, hone_tensor_t** out) {
  return guard(__func__, [&] {
    require(out, "out");
    const DataType t = to_dtype(dtype, "dtype");
    auto handle = std::make_unique<hone_tensor>();
    handle->tensor = wrap_buffer(t, to_shape(dims, rank, "dims"), data, byte_size);
    publish(std::move(handle), out);
  });
}

HONE_C_EXPORT hone_status hone_tensor_destroy(hone_tensor_t* tensor) {
  return guard(__func__, [&] { destroy(tensor, "tensor"); });
}

HONE_C_EXPORT hone_status hone_tensor_get_dtype(const hone_tensor_t* tensor, hone_dtype* dtype) {
  return guard(__func__, [&] {
    const hone_tensor* t = live(tensor, "tensor");
    *require(dtype, "dtype") = static_cast<hone_dtype>(t->tensor.dtype());
  });
}

HONE_C_EXPORT hone_status hone_tensor_get_shape(const hone_tensor_t* tensor, int64_t* dims, size_t capacity,
                                                int64_t* rank) {
  return guard(__func__, [&] { write_shape(live(tensor, "tensor")->tensor.shape(), true, dims, capacity, rank); });
}

HONE_C_EXPORT hone_status hone_tensor_get_element_count(const hone_tensor_t* tensor, int64_t* count) {
  return guard(__func__, [&] {
    const hone_tensor* t = live(tensor, "tensor");
    *require(count, "count") = t->tensor.numel();
  });
}

HONE_C_EXPORT hone_status hone_tensor_get_byte_size(const hone_tensor_t* tensor, size_t* byte_size) {
  return guard(__func__, [&] {
    const hone_tensor* t = live(tensor, "tensor");
    *require(byte_size, "byte_size") = t->tensor.nbytes();
  });
}

HONE_C_EXPORT hone_status hone_tensor_get_data(const hone_tensor_t* tensor, void** data) {
  return guard(__func__, [&] {
    const hone_tensor* t = live(tensor, "tensor");
    require(data, "data");
    *data = t->tensor.numel() > 0 ? const_cast<void*>(t->tensor.raw()) : nullptr;
  });
}

HONE_C_EXPORT hone_status hone_tensor_copy_to(const hone_tensor_t* tensor, void* dst, size_t byte_size,
                                              hone_dtype dtype) {
  return guard(__func__, [&] {
    const hone_tensor* t = live(tensor, "tensor");
    check_dtype_and_size("the tensor", t->tensor.dtype(), to_dtype(dtype, "dtype"), t->tensor.nbytes(), byte_size);
    if (byte_size > 0) std::memcpy(require(dst, "dst"), t->tensor.raw(), byte_size);
  });
}

HONE_C_EXPORT hone_status hone_tensor_copy_from(hone_tensor_t* tensor, const void* src, size_t byte_size,
                                                hone_dtype dtype) {
  return guard(__func__, [&] {
    hone_tensor* t = live(tensor, "tensor");
    check_dtype_and_size("the tensor", t->tensor.dtype(), to_dtype(dtype, "dtype"), t->tensor.nbytes(), byte_size);
    if (byte_size > 0) std::memcpy(t->tensor.raw(), require(src, "src"), byte_size);
  });
}

}  // extern "C"
