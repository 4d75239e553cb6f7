// The engine's compiled form of its plan, shared by every execution context (Engine::Program)
// and the memory layout for one set of input shapes (ShapePlan). Private to src/runtime.
//
// Every top-level value the layers touch gets a slot; a run is a walk over Steps reading
// and writing slots by index — no name or pointer lookups on the hot path:
//
//   slots:  [ x | w0 (const) | c0 | r0 | ... | y ]     steps: conv0: in {0,1} out {2}
//                                                             relu0: in {2}   out {3} release {2}
#pragma once

#include <cstdint>
#include <memory>
#include <unordered_map>
#include <vector>

#include "backends/backend.hpp"
#include "engine/memory_planner.hpp"
#include "engine/plan.hpp"
#include "hone/engine.hpp"

namespace hone {

/// Memory layout and static types for one set of input shapes.
struct ShapePlan {
  std::vector<Shape> input_shapes;                        // per runtime input
  std::unordered_map<const ir::Value*, ir::Type> types;   // every top-level value
  engine::MemoryPlan memory;
  std::vector<int64_t> slot_offset;    // arena offset per slot, -1 when not in the arena
  std::vector<ir::Type> slot_type;     // static type per slot where known (else Unknown)
  std::vector<bool> elided;            // per step
  uint64_t workspace_bytes = 0;        // the largest per-layer workspace at these shapes
};

struct Engine::Program {
  struct Step {
    const ir::Node* node = nullptr;
    const Tactic* tactic = nullptr;
    const engine::Layer* layer = nullptr;
    std::vector<int32_t> inputs;   // slot per input, -1 for an omitted one
    std::vector<int32_t> outputs;  // slot per output, -1 for an omitted one
    std::vector<int32_t> release;  // slots whose last reader this step is
    bool has_subgraphs = false;
  };
  std::vector<const ir::Value*> slot_values;
  std::unordered_map<const ir::Value*, int32_t> slot_of;
  std::vector<std::pair<int32_t, Datum>> constants;  // constant slots with their values
  std::vector<int32_t> input_slots;                  // per runtime input, in order
  std::vector<int32_t> output_slots;                 // per graph output, in order
  std::vector<Step> steps;
  /// The layout for the engine's only input shapes, when every input shape is fixed (shared
  /// by all contexts); null for engines with dynamic shapes.
  std::shared_ptr<const ShapePlan> static_plan;

  /// The backend the layers run on (the plan's device).
  const Backend* backend = nullptr;
  /// Device engines (the backend's memory space is Device): device copies of `constants`
  /// (same order) and of each step's packed tensors, uploaded once by upload_to_device() and
  /// shared by every context; empty on the CPU.
  std::vector<Datum> device_constants;
  std::vector<std::vector<Tensor>> device_packed;
  bool on_device() const { return backend && backend->memory_space() == MemorySpace::Device; }
  /// Copies the constants and packed tensors to the device (plain allocations, usable from
  /// every context's stream); Unsupported for a constant a device cannot hold (strings,
  /// sequences).
  Status upload_to_device(const engine::Plan& plan);

  /// Builds the program of a verified, sorted plan whose tactics are `tactics` (per layer).
  static Result<std::unique_ptr<Program>> compile(const engine::Plan& plan, const Backend& backend,
                                                  std::vector<const Tactic*> tactics);
  /// Types, memory layout and workspace for these runtime input shapes.
  Result<std::shared_ptr<const ShapePlan>> plan_shapes(const engine::Plan& plan, const std::vector<Shape>& shapes) const;
};

}  // namespace hone
