// Element types. The numbering equals ONNX's TensorProto.DataType so the importer and engine
// files can store the raw value. Sub-byte types (int4/uint4/int2/uint2/float4e2m1) are held
// UNPACKED in memory, one element per byte; packing happens only at file boundaries.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace hone {

enum class DataType : uint8_t {
  Undefined = 0,
  Float = 1,
  UInt8 = 2,
  Int8 = 3,
  UInt16 = 4,
  Int16 = 5,
  Int32 = 6,
  Int64 = 7,
  String = 8,
  Bool = 9,
  Float16 = 10,
  Double = 11,
  UInt32 = 12,
  UInt64 = 13,
  Complex64 = 14,
  Complex128 = 15,
  BFloat16 = 16,
  Float8E4M3FN = 17,
  Float8E4M3FNUZ = 18,
  Float8E5M2 = 19,
  Float8E5M2FNUZ = 20,
  UInt4 = 21,
  Int4 = 22,
  Float4E2M1 = 23,
  Float8E8M0 = 24,
  UInt2 = 25,
  Int2 = 26,
};
inline constexpr int kMaxDataType = 26;

/// True for values 1..26 above.
bool is_valid_dtype(int raw);
/// ONNX spelling: "float", "float16", "int64", "float8e4m3fn", ...
std::string_view dtype_name(DataType t);
/// Bytes one element takes in memory (sub-byte types: 1, unpacked). String: sizeof(std::string).
size_t dtype_size(DataType t);
/// Bits one element takes when packed in a file (4 for int4, 2 for int2, else 8*size).
int dtype_packed_bits(DataType t);

bool is_float(DataType t);          // every floating type incl. float8/float4/e8m0
bool is_signed_int(DataType t);     // int2/int4/int8..int64
bool is_unsigned_int(DataType t);   // uint2/uint4/uint8..uint64
inline bool is_integer(DataType t) { return is_signed_int(t) || is_unsigned_int(t); }
bool is_small_float(DataType t);    // float16, bfloat16, float8*, float4 (stored as bit patterns)

}  // namespace hone
