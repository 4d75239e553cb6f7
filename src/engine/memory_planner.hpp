// The memory planner: places the activations of a graph with static shapes in one arena so
// that buffers whose lifetimes do not overlap share bytes. Runs at build time (to report the
// plan) and in each execution context whenever its input shapes change.
//
//   arena:  |<-- conv1 out -->|<-- pool1 out -->|            time ->
//           |<-- conv2 out -------->|  (reuses conv1's bytes once conv1's last reader ran)
//
// Two kinds of aliasing remove copies: view layers (Reshape, Flatten, Squeeze, Unsqueeze,
// Identity) share their input's bytes, and a Concat along a leading axis has each producer
// write its output straight into its slice of the concat's buffer; both layers are then
// elided (nothing left to run).
#pragma once

#include <cstdint>
#include <functional>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "hone/status.hpp"
#include "ir/graph.hpp"

namespace hone::engine {

struct PlannerOptions {
  uint64_t alignment = 64;
  /// Values that must not live in the arena (graph outputs; caller-bound buffers).
  std::unordered_set<const ir::Value*> external;
  /// Let producers write Concat inputs in place (elides the Concat layer).
  bool concat_in_place = true;
  /// Let view layers share their input's bytes.
  bool alias_views = true;
};

struct MemoryPlan {
  /// Arena byte offset of every planned value (values produced by top-level layers with a
  /// static tensor type, not external, not strings).
  std::unordered_map<const ir::Value*, uint64_t> offsets;
  /// Per top-level node: true when running it would change nothing — a Concat whose inputs
  /// are already written in place, or a view layer whose output shares its input's bytes.
  std::vector<bool> elided;
  uint64_t arena_bytes = 0;       // bytes the arena needs (the peak)
  uint64_t activation_bytes = 0;  // sum of the planned buffers' sizes, as if none were reused
};

/// Static tensor type of a value under the current input shapes, or nullptr when unknown
/// (data-dependent or dynamic: such values are allocated at run time, outside the arena).
using TypeLookup = std::function<const ir::Type*(const ir::Value*)>;

/// Plans the top-level graph `g` (nodes in execution order).
Result<MemoryPlan> plan_memory(const ir::Graph& g, const TypeLookup& type_of, const PlannerOptions& options = {});

/// Whether `kind` is a view layer whose output may share its input's bytes.
bool is_view_op(ir::OpKind kind);

}  // namespace hone::engine
