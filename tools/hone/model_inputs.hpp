// Input handling shared by the verbs: --shapes parsing and deterministic generated inputs.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "core/tensor.hpp"
#include "hone/status.hpp"
#include "ir/graph.hpp"

namespace hone::cli {

/// Imports a model file, or a built-in network named "builtin:NAME" (e.g. builtin:tinynet).
Result<std::unique_ptr<ir::Graph>> load_model(const std::string& path);

/// Parses --shapes values, each "name:1x3x224x224" (several may be joined with ',').
Result<std::map<std::string, Shape>> parse_shapes(const std::vector<std::string>& specs);

/// The concrete shape of input `v`: --shapes wins; otherwise declared dims, unknown or
/// symbolic ones set to 1 (named in `notes`). A --shapes entry that contradicts a fixed dim
/// is an error.
Result<Shape> resolve_input_shape(const ir::Value& v, const std::map<std::string, Shape>& shapes,
                                  std::vector<std::string>* notes);

/// A deterministic input: element i of a float tensor is (i mod 97) / 97 - 0.5 (so every
/// run and machine sees the same data); integers cycle 0..9; bools alternate; strings "s<i>".
Result<Tensor> generated_input(DataType dtype, const Shape& shape);

/// The light/ conformance models' input: arange(n) / n in float32.
Tensor arange_input(const Shape& shape);

}  // namespace hone::cli
