// What the verbs share: opening a model or an engine file (building the engine with the
// build flags), --shapes parsing, and deterministic generated inputs.
#pragma once

#include <CLI/CLI.hpp>

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "core/tensor.hpp"
#include "hone/builder.hpp"
#include "hone/engine.hpp"
#include "hone/status.hpp"
#include "ir/graph.hpp"

namespace hone::cli {

/// Imports a model file, or a built-in network named "builtin:NAME" (e.g. builtin:tinynet).
Result<std::unique_ptr<ir::Graph>> load_model(const std::string& path);

/// Whether `path` names a model to import (".onnx" or builtin:NAME) rather than an engine file.
bool is_model_path(const std::string& path);

/// Parses --shapes values, each "name:1x3x224x224" or "name:MINx..-MAXx.." (several may be
/// joined with ',').
Result<std::map<std::string, ShapeRange>> parse_shapes(const std::vector<std::string>& specs);

/// The build flags of `build`, `run` and `bench` (trtexec's vocabulary).
struct BuildFlags {
  std::string device = "cpu";
  int threads = 0;
  std::vector<std::string> shapes;
  std::string timing_cache;
  std::vector<std::string> tactics;
  std::vector<std::string> disabled_passes;
  bool no_optimize = false;
  uint64_t workspace = 0;
  int64_t channel_block = -1;

  /// Adds --device, --threads, --shapes, --timing-cache, --tactics, --disable-pass,
  /// --no-optimize, --workspace, --channel-block to `app`.
  void add_to(CLI::App* app);
  /// The BuildConfig these flags describe (errors: malformed --shapes).
  Result<BuildConfig> config() const;
};

/// A build-progress callback printing one line per stage to stderr, but only once the build
/// has taken more than a second (quick builds stay quiet).
std::function<void(std::string_view stage, double fraction)> progress_printer();

/// How open_engine() got its engine.
struct EngineSource {
  bool built = false;  // built from a model (else loaded from an engine file)
  double ms = 0;       // build or load time
};

/// Builds an engine from a model with the build flags (printing progress to stderr once a
/// build takes longer than a second when `progress`), or loads an engine file (for the
/// flags' --device: an engine built for another device is refused).
Result<std::shared_ptr<const Engine>> open_engine(const std::string& path, const BuildFlags& flags, bool progress,
                                                  EngineSource* source = nullptr);

/// The concrete shape of an input with declared dims `desc`: --shapes (its opt shape) wins;
/// otherwise the declared dims, unknown ones set to 1 (named in `notes`). A --shapes entry
/// that contradicts a fixed dim is an error.
Result<Shape> resolve_input_shape(const TensorDesc& desc, const std::map<std::string, ShapeRange>& shapes,
                                  std::vector<std::string>* notes);

/// Generated inputs for every engine input (see generated_input) at resolve_input_shape's
/// shapes. Sequence/optional inputs cannot be generated (InvalidArgument naming them).
Result<std::vector<Datum>> generated_inputs(const Engine& engine, const std::map<std::string, ShapeRange>& shapes,
                                            std::vector<std::string>* notes);

/// A deterministic input: element i of a float tensor is (i mod 97) / 97 - 0.5 (so every
/// run and machine sees the same data); integers cycle 0..9; bools alternate; strings "s<i>".
Result<Tensor> generated_input(DataType dtype, const Shape& shape);

/// The light/ conformance models' input: arange(n) / n in float32.
Tensor arange_input(const Shape& shape);

/// "images: float[1,3,?,?]" (dynamic dims as ?).
std::string describe(const TensorDesc& desc);

/// Human byte counts: "512 B", "3.2 KiB", "97.5 MiB".
std::string format_bytes(uint64_t bytes);

}  // namespace hone::cli
