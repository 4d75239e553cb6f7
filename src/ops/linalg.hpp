// Shared by MatMul, Gemm and Einsum: the compute type of a matrix product (float for float
// types, double for double, 64-bit wrap-around for integers as numpy does), conversion to and
// from it, and the reference matrix-multiply loop (i-k-j order, inner loop contiguous).
#pragma once

#include <cstdint>
#include <vector>

#include "core/tensor.hpp"
#include "ops/op_def.hpp"

namespace hone::ops {

/// Gemm's attributes (shared with FusedGemm, which adds its epilogue's).
inline std::vector<AttrSpec> gemm_attrs() {
  return {attr_float("alpha", 1.0f), attr_float("beta", 1.0f), attr_int("transA", 0), attr_int("transB", 0),
          attr_int("broadcast", 0)};
}

/// The accumulation type for element type T.
template <class T>
using LinalgAcc = std::conditional_t<std::is_same_v<T, double>, double,
                                     std::conditional_t<kIsFloating<T>, float, uint64_t>>;

template <class T>
LinalgAcc<T> to_linalg_acc(T v) {
  if constexpr (std::is_integral_v<T>) return static_cast<uint64_t>(static_cast<int64_t>(v));
  else if constexpr (kIsNarrowFloat<T>) return static_cast<float>(v);
  else return v;
}

template <class T>
T from_linalg_acc(LinalgAcc<T> v) {
  if constexpr (std::is_integral_v<T>) return static_cast<T>(v);  // wraps modulo 2^bits
  else if constexpr (kIsNarrowFloat<T>) return T(static_cast<float>(v));
  else return v;
}

/// Tensor contents in the accumulation type.
template <class T>
std::vector<LinalgAcc<T>> to_linalg_vector(const Tensor& t) {
  std::vector<LinalgAcc<T>> v(static_cast<size_t>(t.numel()));
  const T* p = t.data<T>();
  for (size_t i = 0; i < v.size(); ++i) v[i] = to_linalg_acc<T>(p[i]);
  return v;
}

/// c[m,n] += sum_k a[m,k] * b[k,n], all row-major and contiguous.
template <class A>
void matmul_accumulate(const A* a, const A* b, A* c, int64_t rows, int64_t inner, int64_t cols) {
  for (int64_t m = 0; m < rows; ++m) {
    A* crow = c + m * cols;
    for (int64_t k = 0; k < inner; ++k) {
      const A av = a[m * inner + k];
      const A* brow = b + k * cols;
      for (int64_t n = 0; n < cols; ++n) crow[n] += av * brow[n];
    }
  }
}

}  // namespace hone::ops
