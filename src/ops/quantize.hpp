// Shared helpers of the linear quantization operators (QuantizeLinear, DequantizeLinear,
// DynamicQuantizeLinear, QLinearMatMul, MatMulInteger): round-half-to-even, saturation to a
// quantized type's range, the per-tensor / per-axis / blocked parameter layout, and the
// integer matrix product. The fast CPU and INT8 paths reuse these definitions.
#pragma once

#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "core/tensor.hpp"
#include "hone/status.hpp"

namespace hone::ops {

/// Round to nearest, ties to even (ONNX's rounding for quantization): 2.5 -> 2, 3.5 -> 4.
/// NOTE: std::nearbyint obeys the current rounding mode, which Hone never changes from
/// FE_TONEAREST.
inline double round_half_even(double v) { return std::nearbyint(v); }

/// The integer range of a quantized integer type.
struct QuantRange {
  int64_t lo = 0;
  int64_t hi = 0;
};
/// Range of int2/uint2/int4/uint4/int8/uint8/int16/uint16/int32/uint32; false otherwise.
inline bool quant_int_range(DataType t, QuantRange* r) {
  switch (t) {
    case DataType::Int2: *r = {-2, 1}; return true;
    case DataType::UInt2: *r = {0, 3}; return true;
    case DataType::Int4: *r = {-8, 7}; return true;
    case DataType::UInt4: *r = {0, 15}; return true;
    case DataType::Int8: *r = {-128, 127}; return true;
    case DataType::UInt8: *r = {0, 255}; return true;
    case DataType::Int16: *r = {-32768, 32767}; return true;
    case DataType::UInt16: *r = {0, 65535}; return true;
    case DataType::Int32: *r = {INT32_MIN, INT32_MAX}; return true;
    case DataType::UInt32: *r = {0, UINT32_MAX}; return true;
    default: return false;
  }
}

/// saturate(v) = clamp(v, lo, hi); NaN -> 0 (before the zero point is added by callers).
inline int64_t saturate_to(double v, const QuantRange& r) {
  if (std::isnan(v)) return 0;
  if (v <= static_cast<double>(r.lo)) return r.lo;
  if (v >= static_cast<double>(r.hi)) return r.hi;
  return static_cast<int64_t>(v);
}

/// Stores an integer already inside the range of `dtype` (any integer dtype) at index i.
inline void store_int(Tensor& t, int64_t i, int64_t v) {
  switch (t.dtype()) {
    case DataType::Int2: t.data<Int2>()[i] = Int2(v); break;
    case DataType::UInt2: t.data<UInt2>()[i] = UInt2(v); break;
    case DataType::Int4: t.data<Int4>()[i] = Int4(v); break;
    case DataType::UInt4: t.data<UInt4>()[i] = UInt4(v); break;
    case DataType::Int8: t.data<int8_t>()[i] = static_cast<int8_t>(v); break;
    case DataType::UInt8: t.data<uint8_t>()[i] = static_cast<uint8_t>(v); break;
    case DataType::Int16: t.data<int16_t>()[i] = static_cast<int16_t>(v); break;
    case DataType::UInt16: t.data<uint16_t>()[i] = static_cast<uint16_t>(v); break;
    case DataType::Int32: t.data<int32_t>()[i] = static_cast<int32_t>(v); break;
    case DataType::UInt32: t.data<uint32_t>()[i] = static_cast<uint32_t>(v); break;
    case DataType::Int64: t.data<int64_t>()[i] = v; break;
    case DataType::UInt64: t.data<uint64_t>()[i] = static_cast<uint64_t>(v); break;
    default: break;
  }
}

/// For each element of a tensor of shape `x`, the index of its scale / zero point in a
/// parameter tensor of shape `param`:
///   per-tensor  param has one element                        -> 0
///   per-axis    param is 1-D of size x[axis]                   -> i_axis
///   blocked     param has x's rank, param[axis] = ceil(x[axis] / block_size), other dims
///               equal                                          -> that element at i_axis / block_size
/// `axis` may be negative (counts from the back; unused per-tensor). Fails (message names the shapes) on any other layout.
Result<std::vector<int64_t>> quant_param_index(const Shape& x, const Shape& param, int64_t axis, int64_t block_size);

/// Y = (A - a_zero) x (B - b_zero) in int64 with numpy matmul semantics (1-D operands are
/// promoted and the added dim removed; batch dims broadcast). Zero points are null (0), one
/// element, or per row of A (size M) / per column of B (size N). Element type of A and B:
/// any integer type. Writes the output shape.
Result<std::vector<int64_t>> integer_matmul(const Tensor& a, const Tensor* a_zero, const Tensor& b, const Tensor* b_zero,
                                            Shape* out_shape, int64_t* rows, int64_t* cols);

/// The shape of matmul(a, b) (numpy rules), or an error naming both shapes.
Result<Shape> matmul_shape(const Shape& a, const Shape& b);

}  // namespace hone::ops
