// What an ExecutionContext holds (hone/engine.hpp), shared by its host run
// (execution_context.cpp) and its device run (device_execution.cpp). Private to src/runtime.
#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "backends/backend.hpp"
#include "core/thread_pool.hpp"
#include "hone/engine.hpp"
#include "runtime/program.hpp"

namespace hone {

/// A device engine's per-context device state: the stream every layer is queued on, device
/// buffers for graph inputs and outputs that the caller passes in host memory, and the pinned
/// staging their copies go through (the copies then run asynchronously; the run waits once).
/// Buffers grow to the largest size seen and are kept.
struct DeviceState {
  std::shared_ptr<Stream> stream;
  std::vector<Tensor> input_buffers;   // per engine input: device copy of a host input
  std::vector<Tensor> input_staging;   // per engine input: pinned host bytes
  std::vector<Tensor> output_buffers;  // per engine output not bound in device memory
  std::vector<Tensor> output_staging;  // per engine output returned in host memory
  std::vector<std::unique_ptr<StreamTimer>> timers;  // per step, made when profiling
};

struct ExecutionContext::State {
  std::vector<Datum> slots;
  std::vector<Datum> bound_inputs;     // per engine input; a tensor Datum with no tensor = unbound
  std::vector<Tensor> bound_outputs;   // per engine output
  std::vector<Shape> requested_shapes; // from set_input_shape, per input (empty: none)
  std::shared_ptr<const ShapePlan> plan;
  Tensor arena;      // UInt8, 64-byte aligned (device memory on a device engine, 256-byte aligned)
  Tensor workspace;  // likewise
  std::vector<Tensor> views;  // per slot: its arena view (undefined when not in the arena)
  std::unique_ptr<ThreadPool> pool;
  std::unique_ptr<DeviceState> device;  // device engines only

  std::mutex run_mu;  // one run at a time (run() and the worker)
  // The worker that runs enqueued requests in order.
  std::mutex mu;
  std::condition_variable cv;
  std::deque<std::function<void()>> queue;
  std::thread worker;
  bool stopping = false;
};

namespace runtime {

/// Step 1 of a run: every input bound and consistent with set_input_shape; their shapes.
Result<std::vector<Shape>> bound_input_shapes(const Engine& engine, const ExecutionContext::State& st);

/// Step 2: makes st.plan the memory layout for `shapes` (the engine's own when its shapes are
/// fixed) and st.arena / st.workspace / st.views big enough for it: host memory, or the
/// backend's device memory (stream-ordered on `stream`) for a device engine.
Status ensure_shape_plan(const Engine::Program& prog, const engine::Plan& plan, const std::vector<Shape>& shapes,
                         ExecutionContext::State& st, const std::shared_ptr<Stream>& stream);

}  // namespace runtime
}  // namespace hone
