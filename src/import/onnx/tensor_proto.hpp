// Conversions between ONNX protobuf values (TensorProto, SequenceProto, OptionalProto,
// TypeProto) and Hone's Tensor / Datum / ir::Type. Shared by the model importer, `hone run`
// input/output files and the conformance runner.
#pragma once

#include <filesystem>
#include <string>

#include "core/tensor.hpp"
#include "hone/status.hpp"
#include "ir/type.hpp"

namespace onnx {
class TensorProto;
class TypeProto;
}  // namespace onnx

namespace hone::onnx_import {

/// TensorProto -> Tensor. Reads raw_data or the typed fields, unpacks 2/4-bit types, and
/// reads external data relative to `base_dir` (bounds-checked: a file shorter than the
/// declared offset/length is an error, never a crash).
Result<Tensor> tensor_from_proto(const onnx::TensorProto& proto, const std::filesystem::path& base_dir = {});
/// Tensor -> TensorProto (raw_data, packed sub-byte types; strings in string_data).
void tensor_to_proto(const Tensor& t, const std::string& name, onnx::TensorProto* proto);

Result<ir::Type> type_from_proto(const onnx::TypeProto& proto);

/// Reads a serialized TensorProto, SequenceProto or OptionalProto file (as in the ONNX test
/// data sets). `kind_hint` is the declared type of the input it feeds (sequence/optional
/// files are told apart from tensors by it); `name` receives the stored name.
Result<Datum> read_datum_file(const std::filesystem::path& path, const ir::Type& kind_hint, std::string* name = nullptr);
/// Writes a Datum (tensor, sequence or optional) as serialized protobuf.
Status write_datum_file(const std::filesystem::path& path, const Datum& d, const std::string& name);

}  // namespace hone::onnx_import
