// Float working buffers for reference kernels that compute in float or double: load any
// float tensor (float, double, float16, bfloat16) into a std::vector<C> and store it back
// into a tensor of any of those types. Used by the normalization and attention families.
#pragma once

#include <vector>

#include "core/tensor.hpp"

namespace hone::ops {

/// The tensor's values converted to C (C = float or double). Unsupported dtypes fail.
template <class C>
Result<std::vector<C>> load_float_buffer(const Tensor& t, const char* what) {
  std::vector<C> out(static_cast<size_t>(t.numel()));
  Status s = dispatch_dtype<TypeSet::Float>(t.dtype(), what, [&](auto tag) -> Status {
    using T = typename decltype(tag)::type;
    const T* src = t.data<T>();
    for (size_t i = 0; i < out.size(); ++i) out[i] = static_cast<C>(static_cast<ComputeType<T>>(src[i]));
    return Status::ok();
  });
  if (!s.is_ok()) return s;
  return out;
}

/// Writes `values` (numel of `t` elements) into `t`, rounding to its dtype.
template <class C>
Status store_float_buffer(const std::vector<C>& values, Tensor& t, const char* what) {
  return dispatch_dtype<TypeSet::Float>(t.dtype(), what, [&](auto tag) -> Status {
    using T = typename decltype(tag)::type;
    T* dst = t.data<T>();
    for (int64_t i = 0; i < t.numel(); ++i) {
      dst[i] = T(static_cast<ComputeType<T>>(values[static_cast<size_t>(i)]));
    }
    return Status::ok();
  });
}

/// True for the float types these buffers handle.
inline bool is_plain_float_dtype(DataType t) {
  return t == DataType::Float || t == DataType::Double || t == DataType::Float16 || t == DataType::BFloat16;
}

}  // namespace hone::ops
