// Element conversion between any two ONNX element types, shared by Cast, CastLike and the
// other ops that convert values (string <-> number, narrow floats with `saturate`).
#pragma once

#include <string>

#include "core/tensor.hpp"
#include "hone/status.hpp"

namespace hone::ops {

struct CastOptions {
  bool saturate = true;                              // float8 targets: clamp out-of-range values
  E8M0Rounding e8m0_rounding = E8M0Rounding::Up;     // float8e8m0 target
};

/// x rounded to the narrow float type T (float16, bfloat16, float8*, float8e8m0, float4e2m1)
/// under the Cast rules: float16 overflows to inf; float8 saturate as asked; float4e2m1 always
/// saturates and maps NaN to 0x8 (-0), as the ONNX reference does.
template <class T>
T to_narrow_float(float x, const CastOptions& o) {
  if constexpr (std::is_same_v<T, Float16>) return Float16(x, /*saturate=*/false);
  else if constexpr (std::is_same_v<T, BFloat16>) return BFloat16(x);
  else if constexpr (std::is_same_v<T, Float8E8M0>) return Float8E8M0(x, o.saturate, o.e8m0_rounding);
  else return T(x, o.saturate);
}

/// Converts every element of `src` into `dst` (same element count, any dtypes). Rules:
///  - float -> int: truncation toward zero, then two's-complement wrap to the target width
///    (int4/int2 included, as the ONNX test data expect); NaN -> 0; beyond int64 saturates.
///  - int -> int: wrap. Anything -> bool: != 0. bool -> number: 0 / 1.
///  - number -> string: integers in decimal, floats as numpy prints them (shortest round-trip
///    digits of the SOURCE type, "1.0", "1e-05", "nan", "inf"), bool as "True"/"False".
///  - string -> number: parsed ("NaN", "INF", "-inf", "1e3"); unparsable text is an error.
Status convert_tensor(const Tensor& src, Tensor& dst, const CastOptions& options);

/// numpy-style text of a floating value whose shortest round-trip digits are those of `dtype`.
std::string format_float(double value, DataType dtype);

}  // namespace hone::ops
