// Shared by the signal-processing operators (DFT, STFT, the windows, MelWeightMatrix): the
// direct O(n^2) discrete Fourier transform of one line, scalar-input reading, and writing
// double results into a tensor of any numeric element type.
#pragma once

#include <cmath>
#include <complex>
#include <cstdint>
#include <numbers>
#include <vector>

#include "core/tensor.hpp"

namespace hone::ops {

using Complex = std::complex<double>;

/// y[k] = s * sum_{t < n_in} x[t] * exp(-+2 pi i k t / n) for k < n_out, sign + and s = 1/n for
/// the inverse transform. Samples past n_in are zero (padding); n_in > n is truncated by the caller.
inline void dft_line(const Complex* x, int64_t n_in, int64_t n, bool inverse, Complex* y, int64_t n_out) {
  const double sign = inverse ? 1.0 : -1.0;
  for (int64_t k = 0; k < n_out; ++k) {
    Complex acc = 0;
    for (int64_t t = 0; t < n_in && t < n; ++t) {
      // Reduce k*t mod n first so the angle stays small and exact.
      const double angle = sign * 2.0 * std::numbers::pi * static_cast<double>((k * t) % n) / static_cast<double>(n);
      acc += x[t] * Complex(std::cos(angle), std::sin(angle));
    }
    y[k] = inverse ? acc / static_cast<double>(n) : acc;
  }
}

/// Writes values into `t` (any numeric type; integers truncate toward zero like a C cast).
inline Status store_doubles(const std::vector<double>& v, Tensor& t, const char* what) {
  return dispatch_dtype<TypeSet::Numeric>(t.dtype(), what, [&](auto tag) -> Status {
    using T = typename decltype(tag)::type;
    T* p = t.data<T>();
    for (size_t i = 0; i < v.size(); ++i) {
      if constexpr (std::is_integral_v<T>) p[i] = static_cast<T>(static_cast<int64_t>(v[i]));
      else if constexpr (std::is_same_v<T, double>) p[i] = v[i];
      else p[i] = T(static_cast<float>(v[i]));
    }
    return Status::ok();
  });
}

}  // namespace hone::ops
