// Shared by Softmax/LogSoftmax/Hardmax and the losses: the (outer, axis, inner) view of a
// tensor reduced along one axis, float conversion helpers, and the stabilized softmax.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <vector>

#include "core/tensor.hpp"

namespace hone::ops {

/// A tensor seen as [outer, n, inner], reducing along n: element (o, k, i) is at
/// (o * n + k) * inner + i.
struct AxisView {
  int64_t outer = 1;
  int64_t n = 1;
  int64_t inner = 1;
};

/// View of `shape` around `axis` (normalized). `flatten_tail` = the opset < 13 Softmax rule:
/// the input is coerced to 2-D [prod(dims[:axis]), prod(dims[axis:])].
inline AxisView axis_view(const Shape& shape, int64_t axis, bool flatten_tail) {
  AxisView v;
  for (int64_t d = 0; d < static_cast<int64_t>(shape.size()); ++d) {
    const int64_t s = shape[static_cast<size_t>(d)];
    if (d < axis) v.outer *= s;
    else if (d == axis || flatten_tail) v.n *= s;
    else v.inner *= s;
  }
  return v;
}

/// The compute type of element type T: double for double, float for every other float.
template <class T>
using FloatAcc = std::conditional_t<std::is_same_v<T, double>, double, float>;

/// Tensor contents converted to the compute type A (T a float type).
template <class T, class A = FloatAcc<T>>
std::vector<A> to_acc_vector(const Tensor& t) {
  std::vector<A> v(static_cast<size_t>(t.numel()));
  const T* p = t.data<T>();
  for (size_t i = 0; i < v.size(); ++i) v[i] = static_cast<A>(static_cast<FloatAcc<T>>(p[i]));
  return v;
}

/// Writes compute-type values back as T (narrow floats round to nearest even).
template <class T, class A>
void store_acc_vector(const std::vector<A>& v, Tensor& t) {
  T* p = t.data<T>();
  for (size_t i = 0; i < v.size(); ++i) {
    if constexpr (std::is_same_v<T, A>) p[i] = v[i];
    else p[i] = T(static_cast<FloatAcc<T>>(v[i]));
  }
}

/// In place along the view's axis: y_k = exp(x_k - m) / sum_j exp(x_j - m), m = max_j x_j;
/// with `log`: y_k = x_k - m - log(sum_j exp(x_j - m)).
template <class A>
void softmax_inplace(std::vector<A>& x, const AxisView& v, bool log) {
  for (int64_t o = 0; o < v.outer; ++o) {
    for (int64_t i = 0; i < v.inner; ++i) {
      A* p = x.data() + o * v.n * v.inner + i;
      const int64_t s = v.inner;
      A m = -std::numeric_limits<A>::infinity();
      for (int64_t k = 0; k < v.n; ++k) m = std::max(m, p[k * s]);
      A sum = 0;
      for (int64_t k = 0; k < v.n; ++k) sum += std::exp(p[k * s] - m);
      if (log) {
        const A lse = std::log(sum);
        for (int64_t k = 0; k < v.n; ++k) p[k * s] = p[k * s] - m - lse;
      } else {
        for (int64_t k = 0; k < v.n; ++k) p[k * s] = std::exp(p[k * s] - m) / sum;
      }
    }
  }
}

}  // namespace hone::ops
