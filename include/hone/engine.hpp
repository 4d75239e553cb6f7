// Engine and ExecutionContext: running a built plan. An Engine is immutable and may be
// shared by any number of threads; each ExecutionContext (TensorRT) / infer request
// (OpenVINO) owns its activation arena, bindings and worker, so several contexts run at
// once over one copy of the weights.
#pragma once

#include <cstdint>
#include <functional>
#include <future>
#include <memory>
#include <string>
#include <vector>

#include "core/tensor.hpp"
#include "engine/engine_file.hpp"
#include "engine/plan.hpp"
#include "hone/profiler.hpp"
#include "hone/status.hpp"

namespace hone {

class ExecutionContext;
class Tactic;

/// A runtime input or output: name, element type and shape (-1 for a dynamic dimension; an
/// empty shape with `has_shape` false when even the rank is unknown).
struct TensorDesc {
  std::string name;
  DataType dtype = DataType::Undefined;
  Shape shape;
  bool has_shape = true;
  bool is_tensor = true;  // false for sequence/optional values
};

/// The runtime description of a graph value (unknown dims as -1), as engines and the
/// bindings' networks report their inputs and outputs.
TensorDesc describe_value(const ir::Value& v);

class Engine : public std::enable_shared_from_this<Engine> {
 public:
  /// Wraps a built (or loaded) plan. Checks that every layer's tactic exists on the plan's
  /// device (NotFound naming the layers otherwise) and prepares what every context shares.
  static Result<std::shared_ptr<const Engine>> from_plan(engine::Plan plan);
  /// Loads an engine file (mapped; weights not copied). Errors as engine::load_plan.
  static Result<std::shared_ptr<const Engine>> load(const std::string& path, const engine::LoadOptions& options = {});
  /// Loads an engine from serialized bytes (kept alive by the engine).
  static Result<std::shared_ptr<const Engine>> load_from_memory(std::shared_ptr<const std::vector<uint8_t>> bytes,
                                                                const engine::LoadOptions& options = {});
  ~Engine();
  /// Writes the engine file (IoError on failure; no partial file is left).
  Status save(const std::string& path) const;
  /// The engine-file bytes.
  Result<std::vector<uint8_t>> serialize() const;

  const engine::Plan& plan() const { return plan_; }
  const std::vector<TensorDesc>& inputs() const { return inputs_; }
  const std::vector<TensorDesc>& outputs() const { return outputs_; }
  /// Number of layers (top-level nodes of the optimized graph).
  size_t num_layers() const { return plan_.layers.size(); }

  /// A new context with its own activation memory. Cheap; the arena is allocated on the
  /// first run (or set_input_shape) and kept.
  std::unique_ptr<ExecutionContext> create_context() const;

  struct Program;  // implementation detail (execution_context.cpp)

 private:
  friend class ExecutionContext;
  Engine();
  engine::Plan plan_;
  std::vector<TensorDesc> inputs_;
  std::vector<TensorDesc> outputs_;
  std::unique_ptr<Program> program_;
};

/// Runs one engine. Not thread-safe itself (use one context per thread, or enqueue), but any
/// number of contexts of one engine may run concurrently.
class ExecutionContext {
 public:
  ~ExecutionContext();
  ExecutionContext(const ExecutionContext&) = delete;
  ExecutionContext& operator=(const ExecutionContext&) = delete;

  const Engine& engine() const { return *engine_; }

  /// Fixes input `name`'s shape for the next runs; must lie within the engine's profile (or
  /// equal the engine's static shape). InvalidArgument otherwise, NotFound for a bad name.
  /// The memory plan for the new shapes is made on the next run.
  Status set_input_shape(const std::string& name, const Shape& shape);

  /// Binds a caller tensor to an input or output, used by run()/enqueue() without copying:
  /// an input is read in place; an output is written in place (it must have the output's
  /// element type and, at run time, its shape). The caller keeps the memory alive and
  /// unchanged while runs use it. An undefined tensor unbinds. InvalidArgument for a wrong
  /// element type or a shape outside the engine's profile, NotFound for an unknown name.
  /// Engines of a device backend (CUDA) take either kind of memory: a device tensor
  /// (Tensor::wrap_device over a pointer of the engine's device) is read or written in place
  /// on the device, with no copy; a host tensor is copied in before the layers (through
  /// pinned staging) and out after them. Host engines refuse device tensors (InvalidArgument).
  Status bind(const std::string& name, Tensor tensor);
  /// Binds any input value (a sequence or optional for models that take them).
  Status bind_value(const std::string& name, Datum value);

  /// Runs once with the bound inputs; outputs land in bound output tensors or, for unbound
  /// outputs, in fresh (host) tensors returned by output(). Blocks until done (on a device:
  /// until the context's stream has finished the run).
  Status run();
  /// Convenience: binds `inputs` (in the engine's input order), runs, returns the outputs
  /// (unbound outputs are fresh values owned by the caller) and unbinds the inputs.
  Result<std::vector<Datum>> run(std::vector<Datum> inputs);

  /// Queues a run() on this context's worker thread (created on first use, sleeping on a
  /// condition variable when idle); the future reports its Status. Inputs and outputs must
  /// stay bound and unchanged until it completes. Runs of one context execute in order.
  std::future<Status> enqueue();
  /// Same, calling `done` (on the worker thread) with the Status when the run completes.
  void enqueue(std::function<void(Status)> done);

  /// The value of output `name` after the last run (a bound output's tensor, or one the
  /// run allocated); NotFound for a bad name, InvalidArgument before the first run.
  Result<Datum> output(const std::string& name) const;
  /// All outputs of the last run, in engine order.
  const std::vector<Datum>& outputs() const { return last_outputs_; }

  /// Receives per-layer times from every following run (nullptr: off). Not owned. On a
  /// device the times are device time between CUDA events around each layer.
  void set_profiler(Profiler* profiler) { profiler_ = profiler; }

  /// Threads this context's layers split their work over (default: the engine's, set at build
  /// time, by default the machine's physical cores). InvalidArgument for n < 1.
  Status set_threads(int n);
  int threads() const;

  /// Bytes of this context's activation arena and workspace (0 before the first plan).
  uint64_t arena_bytes() const;

  struct State;  // implementation detail (execution_context.cpp)

 private:
  friend class Engine;
  explicit ExecutionContext(std::shared_ptr<const Engine> engine);
  Status run_locked();
  Status run_device_locked();  // device engines (runtime/device_execution.cpp)
  std::shared_ptr<const Engine> engine_;
  std::unique_ptr<State> state_;
  std::vector<Datum> last_outputs_;
  Profiler* profiler_ = nullptr;
};

}  // namespace hone
