// The ONNX importer: ModelProto (parsed with Debian's libonnx protobuf classes) -> IR graph.
// It translates only; it never optimizes. Operator meaning comes from Hone's own operator
// definitions (src/ops), for every opset 1..27 of the default domain, not from libonnx's
// schemas (which stop at opset 17).
#pragma once

#include <filesystem>
#include <memory>

#include "hone/status.hpp"
#include "ir/graph.hpp"

namespace hone::onnx_import {

/// Highest default-domain opset Hone understands (ONNX 1.22).
inline constexpr int kMaxOnnxOpset = 27;

/// Reads and imports a model file. External data files are read relative to the model's
/// folder. The result is verified, topologically sorted and type-inferred.
/// Errors: IoError (unreadable), InvalidModel (not ONNX, malformed, dangling or cyclic graph,
/// attribute of the wrong type...), Unsupported (IR version, opset, or operators — every
/// unsupported operator is listed at once with its node name).
Result<std::unique_ptr<ir::Graph>> import_file(const std::filesystem::path& path);

/// Same, from serialized bytes; `base_dir` resolves external data.
Result<std::unique_ptr<ir::Graph>> import_bytes(const void* data, size_t size, const std::filesystem::path& base_dir);

}  // namespace hone::onnx_import
