// ONNX protobuf <-> Tensor/Datum/Type conversions (tensor_proto.hpp).
#include "import/onnx/tensor_proto.hpp"

#include <onnx/onnx-data_pb.h>

#include <cstring>
#include <fstream>

namespace hone::onnx_import {
namespace fs = std::filesystem;

namespace {

Result<std::string> read_file_range(const fs::path& path, int64_t offset, int64_t length) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return io_error("cannot open external data file '" + path.string() + "'");
  in.seekg(0, std::ios::end);
  const auto size = static_cast<int64_t>(in.tellg());
  if (offset < 0 || offset > size) {
    return invalid_model("external data offset " + std::to_string(offset) + " is past the end of '" + path.string() + "'");
  }
  if (length < 0) length = size - offset;
  if (offset + length > size) {
    return invalid_model("external data file '" + path.string() + "' is truncated: needs " +
                         std::to_string(offset + length) + " bytes, has " + std::to_string(size));
  }
  std::string bytes(static_cast<size_t>(length), '\0');
  in.seekg(offset);
  in.read(bytes.data(), length);
  if (!in) return io_error("cannot read external data file '" + path.string() + "'");
  return bytes;
}

Result<std::string> external_bytes(const onnx::TensorProto& p, const fs::path& base_dir) {
  std::string location;
  int64_t offset = 0, length = -1;
  for (const auto& kv : p.external_data()) {
    try {
      if (kv.key() == "location") location = kv.value();
      if (kv.key() == "offset") offset = std::stoll(kv.value());
      if (kv.key() == "length") length = std::stoll(kv.value());
    } catch (...) {
      return invalid_model("tensor '" + p.name() + "': bad external data entry " + kv.key() + "='" + kv.value() + "'");
    }
  }
  if (location.empty()) return invalid_model("tensor '" + p.name() + "' has external data without a location");
  const fs::path rel(location);
  if (rel.is_absolute()) return invalid_model("tensor '" + p.name() + "': external data location must be relative");
  return read_file_range(base_dir / rel, offset, length);
}

// Unpacks `bits`-wide elements (low bits first) from packed bytes.
void unpack_sub_byte(const uint8_t* packed, int64_t n, int bits, bool is_signed, uint8_t* out) {
  const int per_byte = 8 / bits;
  const uint32_t mask = (1u << bits) - 1u;
  for (int64_t i = 0; i < n; ++i) {
    uint32_t v = (packed[i / per_byte] >> ((i % per_byte) * bits)) & mask;
    if (is_signed && (v & (1u << (bits - 1)))) v |= ~mask;
    out[i] = static_cast<uint8_t>(v);
  }
}

std::string pack_sub_byte(const uint8_t* values, int64_t n, int bits) {
  const int per_byte = 8 / bits;
  const uint32_t mask = (1u << bits) - 1u;
  std::string packed(static_cast<size_t>((n + per_byte - 1) / per_byte), '\0');
  for (int64_t i = 0; i < n; ++i) {
    packed[static_cast<size_t>(i / per_byte)] |= static_cast<char>((values[i] & mask) << ((i % per_byte) * bits));
  }
  return packed;
}

Status fill_from_bytes(Tensor* t, const std::string& bytes, const std::string& name) {
  const int bits = dtype_packed_bits(t->dtype());
  if (bits < 8) {
    const int64_t need = (t->numel() * bits + 7) / 8;
    if (static_cast<int64_t>(bytes.size()) != need) {
      return invalid_model("tensor '" + name + "' has " + std::to_string(bytes.size()) + " bytes of data, expected " +
                           std::to_string(need));
    }
    unpack_sub_byte(reinterpret_cast<const uint8_t*>(bytes.data()), t->numel(), bits, is_signed_int(t->dtype()),
                    t->data<uint8_t>());
    return Status::ok();
  }
  if (bytes.size() != t->nbytes()) {
    return invalid_model("tensor '" + name + "' has " + std::to_string(bytes.size()) + " bytes of data, expected " +
                         std::to_string(t->nbytes()));
  }
  if (!bytes.empty()) std::memcpy(t->raw(), bytes.data(), bytes.size());
  if (t->dtype() == DataType::Bool) {
    for (int64_t i = 0; i < t->numel(); ++i) t->data<uint8_t>()[i] = t->data<uint8_t>()[i] ? 1 : 0;
  }
  return Status::ok();
}

template <class Field>
Status check_count(const Field& f, int64_t expected, const std::string& name) {
  if (static_cast<int64_t>(f.size()) != expected) {
    return invalid_model("tensor '" + name + "' has " + std::to_string(f.size()) + " values, its shape needs " +
                         std::to_string(expected));
  }
  return Status::ok();
}

Status fill_from_typed(Tensor* t, const onnx::TensorProto& p) {
  const std::string& name = p.name();
  const int64_t n = t->numel();
  switch (t->dtype()) {
    case DataType::Float:
      HONE_RETURN_IF_ERROR(check_count(p.float_data(), n, name));
      for (int64_t i = 0; i < n; ++i) t->data<float>()[i] = p.float_data(static_cast<int>(i));
      return Status::ok();
    case DataType::Complex64:
      HONE_RETURN_IF_ERROR(check_count(p.float_data(), 2 * n, name));
      for (int64_t i = 0; i < 2 * n; ++i) t->data<float>()[i] = p.float_data(static_cast<int>(i));
      return Status::ok();
    case DataType::Double:
      HONE_RETURN_IF_ERROR(check_count(p.double_data(), n, name));
      for (int64_t i = 0; i < n; ++i) t->data<double>()[i] = p.double_data(static_cast<int>(i));
      return Status::ok();
    case DataType::Complex128:
      HONE_RETURN_IF_ERROR(check_count(p.double_data(), 2 * n, name));
      for (int64_t i = 0; i < 2 * n; ++i) t->data<double>()[i] = p.double_data(static_cast<int>(i));
      return Status::ok();
    case DataType::Int64:
      HONE_RETURN_IF_ERROR(check_count(p.int64_data(), n, name));
      for (int64_t i = 0; i < n; ++i) t->data<int64_t>()[i] = p.int64_data(static_cast<int>(i));
      return Status::ok();
    case DataType::UInt32:
      HONE_RETURN_IF_ERROR(check_count(p.uint64_data(), n, name));
      for (int64_t i = 0; i < n; ++i) t->data<uint32_t>()[i] = static_cast<uint32_t>(p.uint64_data(static_cast<int>(i)));
      return Status::ok();
    case DataType::UInt64:
      HONE_RETURN_IF_ERROR(check_count(p.uint64_data(), n, name));
      for (int64_t i = 0; i < n; ++i) t->data<uint64_t>()[i] = p.uint64_data(static_cast<int>(i));
      return Status::ok();
    case DataType::String:
      HONE_RETURN_IF_ERROR(check_count(p.string_data(), n, name));
      for (int64_t i = 0; i < n; ++i) t->strings()[i] = p.string_data(static_cast<int>(i));
      return Status::ok();
    case DataType::Int4:
    case DataType::UInt4:
    case DataType::Int2:
    case DataType::UInt2:
    case DataType::Float4E2M1: {
      // Packed bytes, one per int32_data entry.
      std::string bytes;
      for (int32_t v : p.int32_data()) bytes.push_back(static_cast<char>(v & 0xFF));
      const int bits = dtype_packed_bits(t->dtype());
      const int64_t need = (n * bits + 7) / 8;
      if (static_cast<int64_t>(bytes.size()) != need) {
        // Some writers store one element per entry instead.
        if (static_cast<int64_t>(bytes.size()) == n) {
          for (int64_t i = 0; i < n; ++i) {
            uint32_t v = static_cast<uint32_t>(p.int32_data(static_cast<int>(i))) & ((1u << bits) - 1u);
            if (is_signed_int(t->dtype()) && (v & (1u << (bits - 1)))) v |= ~((1u << bits) - 1u);
            t->data<uint8_t>()[i] = static_cast<uint8_t>(v);
          }
          return Status::ok();
        }
      }
      return fill_from_bytes(t, bytes, name);
    }
    default: {
      // int32_data carries int32, int16, int8, uint16, uint8, bool, and the bit patterns of
      // float16, bfloat16 and the float8 types.
      HONE_RETURN_IF_ERROR(check_count(p.int32_data(), n, name));
      const size_t size = dtype_size(t->dtype());
      for (int64_t i = 0; i < n; ++i) {
        const int32_t v = p.int32_data(static_cast<int>(i));
        auto* dst = static_cast<uint8_t*>(t->raw()) + static_cast<size_t>(i) * size;
        if (t->dtype() == DataType::Bool) {
          *dst = v ? 1 : 0;
        } else {
          std::memcpy(dst, &v, size);  // little endian: the low bytes
        }
      }
      return Status::ok();
    }
  }
}

}  // namespace

Result<Tensor> tensor_from_proto(const onnx::TensorProto& p, const fs::path& base_dir) {
  if (!is_valid_dtype(p.data_type())) {
    return unsupported("tensor '" + p.name() + "' has unknown element type " + std::to_string(p.data_type()));
  }
  const auto dtype = static_cast<DataType>(p.data_type());
  if (p.has_segment()) return unsupported("tensor '" + p.name() + "' uses segments");
  Shape shape;
  for (int64_t d : p.dims()) {
    if (d < 0) return invalid_model("tensor '" + p.name() + "' has a negative dimension");
    shape.push_back(d);
  }
  auto created = Tensor::create(dtype, shape);
  if (!created.is_ok()) return invalid_model("tensor '" + p.name() + "': " + created.status().message());
  Tensor t = std::move(created).value();
  if (p.data_location() == onnx::TensorProto::EXTERNAL) {
    if (dtype == DataType::String) return invalid_model("tensor '" + p.name() + "': strings cannot be external");
    HONE_ASSIGN_OR_RETURN(std::string bytes, external_bytes(p, base_dir));
    HONE_RETURN_IF_ERROR(fill_from_bytes(&t, bytes, p.name()));
  } else if (p.has_raw_data()) {
    if (dtype == DataType::String) return invalid_model("tensor '" + p.name() + "': strings cannot use raw_data");
    HONE_RETURN_IF_ERROR(fill_from_bytes(&t, p.raw_data(), p.name()));
  } else {
    HONE_RETURN_IF_ERROR(fill_from_typed(&t, p));
  }
  return t;
}

void tensor_to_proto(const Tensor& t, const std::string& name, onnx::TensorProto* p) {
  p->Clear();
  p->set_name(name);
  p->set_data_type(static_cast<int32_t>(t.dtype()));
  for (int64_t d : t.shape()) p->add_dims(d);
  if (t.dtype() == DataType::String) {
    for (int64_t i = 0; i < t.numel(); ++i) p->add_string_data(t.strings()[i]);
    return;
  }
  const int bits = dtype_packed_bits(t.dtype());
  if (bits < 8) {
    p->set_raw_data(pack_sub_byte(t.data<uint8_t>(), t.numel(), bits));
  } else {
    p->set_raw_data(std::string(static_cast<const char*>(t.raw()), t.nbytes()));
  }
}

Result<ir::Type> type_from_proto(const onnx::TypeProto& tp) {
  switch (tp.value_case()) {
    case onnx::TypeProto::kTensorType: {
      const auto& tt = tp.tensor_type();
      DataType dt = DataType::Undefined;
      if (tt.elem_type() != 0) {
        if (!is_valid_dtype(tt.elem_type())) return unsupported("unknown element type " + std::to_string(tt.elem_type()));
        dt = static_cast<DataType>(tt.elem_type());
      }
      ir::TensorShape shape;
      if (tt.has_shape()) {
        shape.has_rank = true;
        for (const auto& d : tt.shape().dim()) {
          if (d.has_dim_value() && d.dim_value() >= 0) {
            shape.dims.emplace_back(d.dim_value());
          } else if (d.has_dim_param()) {
            shape.dims.push_back(ir::Dim::named(d.dim_param()));
          } else {
            shape.dims.emplace_back();
          }
        }
      }
      return ir::Type::tensor(dt, shape);
    }
    case onnx::TypeProto::kSequenceType: {
      ir::Type elem;
      if (tp.sequence_type().has_elem_type()) {
        HONE_ASSIGN_OR_RETURN(elem, type_from_proto(tp.sequence_type().elem_type()));
      }
      return ir::Type::sequence(elem);
    }
    case onnx::TypeProto::kOptionalType: {
      ir::Type elem;
      if (tp.optional_type().has_elem_type()) {
        HONE_ASSIGN_OR_RETURN(elem, type_from_proto(tp.optional_type().elem_type()));
      }
      return ir::Type::optional(elem);
    }
    case onnx::TypeProto::VALUE_NOT_SET: return ir::Type{};
    default: return unsupported("map and sparse tensor types are not supported");
  }
}

namespace {

Result<Datum> sequence_from_proto(const onnx::SequenceProto& sp) {
  if (sp.elem_type() != onnx::SequenceProto::TENSOR && sp.elem_type() != onnx::SequenceProto::UNDEFINED) {
    return unsupported("sequence '" + sp.name() + "' holds non-tensor elements");
  }
  std::vector<Tensor> items;
  for (const auto& tp : sp.tensor_values()) {
    HONE_ASSIGN_OR_RETURN(Tensor t, tensor_from_proto(tp));
    items.push_back(std::move(t));
  }
  DataType dt = items.empty() ? DataType::Float : items.front().dtype();
  return Datum::of_sequence(std::move(items), dt);
}

}  // namespace

Result<Datum> read_datum_file(const fs::path& path, const ir::Type& hint, std::string* name) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return io_error("cannot open '" + path.string() + "'");
  const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (hint.kind == ir::TypeKind::Sequence) {
    onnx::SequenceProto sp;
    if (!sp.ParseFromString(bytes)) return invalid_argument("'" + path.string() + "' is not a serialized SequenceProto");
    if (name) *name = sp.name();
    return sequence_from_proto(sp);
  }
  if (hint.kind == ir::TypeKind::Optional) {
    onnx::OptionalProto op;
    if (!op.ParseFromString(bytes)) return invalid_argument("'" + path.string() + "' is not a serialized OptionalProto");
    if (name) *name = op.name();
    Datum d = Datum::none();
    if (op.has_tensor_value()) {
      HONE_ASSIGN_OR_RETURN(Tensor t, tensor_from_proto(op.tensor_value()));
      d = Datum::of(std::move(t));
    } else if (op.has_sequence_value()) {
      HONE_ASSIGN_OR_RETURN(d, sequence_from_proto(op.sequence_value()));
    }
    d.optional = true;
    return d;
  }
  onnx::TensorProto tp;
  if (!tp.ParseFromString(bytes)) return invalid_argument("'" + path.string() + "' is not a serialized TensorProto");
  if (name) *name = tp.name();
  HONE_ASSIGN_OR_RETURN(Tensor t, tensor_from_proto(tp, path.parent_path()));
  return Datum::of(std::move(t));
}

Status write_datum_file(const fs::path& path, const Datum& d, const std::string& name) {
  std::string bytes;
  auto write_sequence = [&](onnx::SequenceProto* sp) {
    sp->set_name(name);
    sp->set_elem_type(onnx::SequenceProto::TENSOR);
    for (const Tensor& t : d.sequence) tensor_to_proto(t, "", sp->add_tensor_values());
  };
  if (d.optional) {
    onnx::OptionalProto op;
    op.set_name(name);
    if (d.is_tensor()) {
      op.set_elem_type(onnx::OptionalProto::TENSOR);
      tensor_to_proto(d.tensor, name, op.mutable_tensor_value());
    } else if (d.is_sequence()) {
      op.set_elem_type(onnx::OptionalProto::SEQUENCE);
      write_sequence(op.mutable_sequence_value());
    }
    op.SerializeToString(&bytes);
  } else if (d.is_sequence()) {
    onnx::SequenceProto sp;
    write_sequence(&sp);
    sp.SerializeToString(&bytes);
  } else {
    onnx::TensorProto tp;
    tensor_to_proto(d.tensor, name, &tp);
    tp.SerializeToString(&bytes);
  }
  std::ofstream out(path, std::ios::binary);
  if (!out) return io_error("cannot write '" + path.string() + "'");
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  if (!out) return io_error("cannot write '" + path.string() + "'");
  return Status::ok();
}

}  // namespace hone::onnx_import
