// Plan: the in-memory form of an engine file. The builder produces it (optimized graph,
// one tactic per layer, packed weights, profiles); the engine file stores it; the runtime
// Engine runs it. A loaded plan's constants may point into the mapped file (`backing`).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "core/data_type.hpp"
#include "core/tensor.hpp"
#include "ir/graph.hpp"

namespace hone::engine {

/// Allowed shapes of one runtime input (TensorRT optimization profile): every dimension d
/// satisfies min[d] <= d <= max[d]; `opt` is the shape tactics were chosen for.
struct InputProfile {
  std::string name;
  Shape min, opt, max;
};

/// One tactic's measured time for a layer at the opt shapes (the auto-tuner's record).
struct TacticTiming {
  std::string tactic;
  double ms = 0;
};

/// How one layer (one node of the optimized top-level graph) runs. The layer's name, and the
/// original model nodes it fused, are the node's name (parts joined with " + ").
struct Layer {
  std::string tactic = "ref";            // Tactic::id() of the chosen kernel
  DataType precision = DataType::Float;  // the precision it computes in (Undefined: none, e.g. sequences)
  std::vector<Tensor> packed;            // Tactic::prepare() output (stored in the file)
  uint64_t workspace_bytes = 0;          // Tactic::workspace_bytes() at the opt shapes
  std::vector<TacticTiming> timings;     // every timed candidate, fastest first (empty: not timed)
};

/// Memory totals the builder measured at the opt shapes (reported by inspect).
struct MemorySummary {
  uint64_t arena_bytes = 0;       // peak activation memory: the arena the planner needs
  uint64_t activation_bytes = 0;  // sum of every activation's size, as if none were reused
  uint64_t weight_bytes = 0;      // constants plus packed weights
  uint64_t workspace_bytes = 0;   // largest per-layer workspace
};

struct Plan {
  std::string hone_version = HONE_VERSION_STRING;  // of the builder that wrote it
  std::string device = "cpu";                      // Backend::device()
  std::string device_name;                         // the CPU (or GPU) model it was tuned on
  std::string device_arch;                         // Backend::device_arch() ("sm_90"); "" on the CPU
  std::vector<std::string> required_isa;           // union of the tactics' CpuFeatures names
  int threads = 1;                                 // default thread count for contexts
  std::vector<InputProfile> profiles;              // one per runtime input with a dynamic dim
  std::vector<std::pair<std::string, std::string>> build_options;  // as given, for inspect
  MemorySummary memory;
  /// The optimized graph: verified, topologically sorted; node i is layer i. Subgraphs of
  /// If/Loop/Scan nodes run with reference kernels inside their layer.
  std::shared_ptr<ir::Graph> graph;
  std::vector<Layer> layers;
  /// Keeps memory that constants and packed weights point into alive (a mapped file).
  std::shared_ptr<const void> backing;
};

}  // namespace hone::engine
