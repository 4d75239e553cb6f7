// DataType names and sizes.
#include "core/data_type.hpp"

#include <string>

namespace hone {

bool is_valid_dtype(int raw) { return raw >= 1 && raw <= kMaxDataType; }

std::string_view dtype_name(DataType t) {
  switch (t) {
    case DataType::Undefined: return "undefined";
    case DataType::Float: return "float";
    case DataType::UInt8: return "uint8";
    case DataType::Int8: return "int8";
    case DataType::UInt16: return "uint16";
    case DataType::Int16: return "int16";
    case DataType::Int32: return "int32";
    case DataType::Int64: return "int64";
    case DataType::String: return "string";
    case DataType::Bool: return "bool";
    case DataType::Float16: return "float16";
    case DataType::Double: return "double";
    case DataType::UInt32: return "uint32";
    case DataType::UInt64: return "uint64";
    case DataType::Complex64: return "complex64";
    case DataType::Complex128: return "complex128";
    case DataType::BFloat16: return "bfloat16";
    case DataType::Float8E4M3FN: return "float8e4m3fn";
    case DataType::Float8E4M3FNUZ: return "float8e4m3fnuz";
    case DataType::Float8E5M2: return "float8e5m2";
    case DataType::Float8E5M2FNUZ: return "float8e5m2fnuz";
    case DataType::UInt4: return "uint4";
    case DataType::Int4: return "int4";
    case DataType::Float4E2M1: return "float4e2m1";
    case DataType::Float8E8M0: return "float8e8m0";
    case DataType::UInt2: return "uint2";
    case DataType::Int2: return "int2";
  }
  return "invalid";
}

size_t dtype_size(DataType t) {
  switch (t) {
    case DataType::Undefined: return 0;
    case DataType::Bool:
    case DataType::UInt8:
    case DataType::Int8:
    case DataType::Float8E4M3FN:
    case DataType::Float8E4M3FNUZ:
    case DataType::Float8E5M2:
    case DataType::Float8E5M2FNUZ:
    case DataType::Float8E8M0:
    case DataType::UInt4:
    case DataType::Int4:
    case DataType::Float4E2M1:
    case DataType::UInt2:
    case DataType::Int2: return 1;
    case DataType::UInt16:
    case DataType::Int16:
    case DataType::Float16:
    case DataType::BFloat16: return 2;
    case DataType::Float:
    case DataType::Int32:
    case DataType::UInt32: return 4;
    case DataType::Double:
    case DataType::Int64:
    case DataType::UInt64:
    case DataType::Complex64: return 8;
    case DataType::Complex128: return 16;
    case DataType::String: return sizeof(std::string);
  }
  return 0;
}

int dtype_packed_bits(DataType t) {
  switch (t) {
    case DataType::UInt4:
    case DataType::Int4:
    case DataType::Float4E2M1: return 4;
    case DataType::UInt2:
    case DataType::Int2: return 2;
    default: return static_cast<int>(dtype_size(t) * 8);
  }
}

bool is_float(DataType t) {
  switch (t) {
    case DataType::Float:
    case DataType::Double:
    case DataType::Float16:
    case DataType::BFloat16:
    case DataType::Float8E4M3FN:
    case DataType::Float8E4M3FNUZ:
    case DataType::Float8E5M2:
    case DataType::Float8E5M2FNUZ:
    case DataType::Float8E8M0:
    case DataType::Float4E2M1: return true;
    default: return false;
  }
}

bool is_small_float(DataType t) { return is_float(t) && t != DataType::Float && t != DataType::Double; }

bool is_signed_int(DataType t) {
  switch (t) {
    case DataType::Int2:
    case DataType::Int4:
    case DataType::Int8:
    case DataType::Int16:
    case DataType::Int32:
    case DataType::Int64: return true;
    default: return false;
  }
}

bool is_unsigned_int(DataType t) {
  switch (t) {
    case DataType::UInt2:
    case DataType::UInt4:
    case DataType::UInt8:
    case DataType::UInt16:
    case DataType::UInt32:
    case DataType::UInt64: return true;
    default: return false;
  }
}

}  // namespace hone
