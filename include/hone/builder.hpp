// The builder: network (IR graph from a parser or built in code) + build configuration ->
// engine plan. Runs type/shape inference with the configured input shapes, the optimization
// passes, per-layer tactic selection through the device's backend, weight packing and
// memory planning (TensorRT IBuilder / OpenVINO compile_model).
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/cpu_features.hpp"
#include "core/tensor.hpp"
#include "engine/plan.hpp"
#include "hone/status.hpp"
#include "ir/graph.hpp"
#include "passes/pass.hpp"

namespace hone {

/// Shapes an input may take at run time. min == opt == max fixes the shape.
struct ShapeRange {
  Shape min, opt, max;
  static ShapeRange fixed(Shape s) { return {s, s, s}; }
};

/// Everything that shapes a build; one documented struct, no environment variables.
struct BuildConfig {
  std::string device = "cpu";                       // "cpu", or "cuda" (builds with HONE_WITH_CUDA; docs/cuda.md)
  std::vector<DataType> precisions = {DataType::Float};  // precisions layers may run in
  int threads = 0;                                  // default for contexts; 0 = the physical cores
  const CpuFeatures* cpu = nullptr;                 // the CPU to build for; nullptr = this one (tests force less)
  uint64_t workspace_limit = 0;                     // max per-layer scratch bytes; 0 = no limit
  std::map<std::string, ShapeRange> input_shapes;   // by input name; others keep the model's
  std::string timing_cache_path;                    // tactic timings read/written here; "" = none
  std::vector<std::string> tactics;                 // allowed tactic IDs / families ("cpu.f32"); empty = all
  int tuning_iterations = 5;                        // timed runs per candidate tactic
  bool optimize = true;                             // run the graph passes
  int64_t channel_block = -1;                       // blocked layout: -1 = the backend's choice, 0 = off, b = NCHW[b]c
  passes::PassOptions passes;
  /// Called with a stage name and the fraction done (0..1) of the build; may be empty.
  std::function<void(std::string_view stage, double fraction)> progress;
};

/// What the build did besides the plan: the passes' rewrite counts and layer counts.
struct BuildReport {
  std::vector<passes::PassReport> passes;
  size_t nodes_before = 0;   // top-level nodes of the network
  size_t layers_after = 0;   // layers of the engine
  size_t layers_timed = 0;   // layers whose tactic was chosen by measuring candidates
  size_t layers_cached = 0;  // of those, layers whose timings all came from the timing cache
};

/// Builds a plan from `network` (consumed: the plan owns the optimized graph). Fails with
/// NotFound for a device this build lacks, Unsupported "no CUDA device: ..." for a device
/// backend whose device is not there, InvalidArgument for shapes that do not fit the model or
/// name no input, Unsupported when no tactic of the device supports a layer (every such layer
/// listed: device backends have no fallback to the CPU), and whatever import-time inference
/// reports for an inconsistent model.
Result<engine::Plan> build_plan(std::unique_ptr<ir::Graph> network, const BuildConfig& config,
                                BuildReport* report = nullptr);

/// Parses "name:1x3x224x224,other:1x10" (and "name:1x3x224x224-4x3x224x224" for a
/// min-max range, opt = max) into input shapes.
Result<std::map<std::string, ShapeRange>> parse_shape_spec(std::string_view spec);

}  // namespace hone
