// ModelBuilder: writes small ONNX models in code — for tests (never copy shared data into the
// repository: build the model you need) and for the built-in demo networks. The output is a
// serialized ModelProto, fed to import_bytes() or written to a file.
#pragma once

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "core/tensor.hpp"
#include "ir/attribute.hpp"

namespace hone::onnx_import {

class ModelBuilder {
 public:
  /// A model importing the default domain at `opset`, with the given IR version.
  explicit ModelBuilder(int opset = 17, int ir_version = 8);
  ~ModelBuilder();
  ModelBuilder(const ModelBuilder&) = delete;
  ModelBuilder& operator=(const ModelBuilder&) = delete;

  /// Declares a graph input; a negative dim becomes the symbolic dim "N".
  ModelBuilder& input(const std::string& name, DataType dtype, const std::vector<int64_t>& dims);
  ModelBuilder& output(const std::string& name, DataType dtype, const std::vector<int64_t>& dims);
  /// Declares a graph output of unknown type and shape.
  ModelBuilder& output(const std::string& name);
  ModelBuilder& initializer(const std::string& name, const Tensor& value);
  /// Adds a node; attributes reuse the IR's typed attributes (graphs are not supported here).
  ModelBuilder& node(const std::string& op_type, const std::vector<std::string>& inputs,
                     const std::vector<std::string>& outputs, const std::string& name = {},
                     const std::vector<std::pair<std::string, ir::Attribute>>& attrs = {}, const std::string& domain = {});
  ModelBuilder& opset(const std::string& domain, int version);
  /// Starts a model-local function; node() calls add to its body until end_function().
  ModelBuilder& begin_function(const std::string& domain, const std::string& name,
                               const std::vector<std::string>& inputs, const std::vector<std::string>& outputs);
  ModelBuilder& end_function();
  ModelBuilder& metadata(const std::string& key, const std::string& value);

  std::string serialize() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

/// Names of the networks Hone builds in code ("tinynet", ...).
std::vector<std::string> builtin_model_names();
/// Serialized ONNX model of a built-in network, or NotFound listing the names.
Result<std::string> builtin_model(const std::string& name);

}  // namespace hone::onnx_import
