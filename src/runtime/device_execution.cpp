// The run of an engine whose backend keeps tensors in device memory (the CUDA backend): the
// host run's bindings and memory plans (execution_context.cpp), with memory on the device and
// every layer queued on the context's stream.
//
//   host input ──memcpy──► pinned staging ──async H2D──► device input buffer ─┐
//   device input (bound, zero-copy) ─────────────────────────────────────────┤
//                                                                             ▼
//                     layers on the stream: arena views, weights uploaded once per engine
//                                                                             │
//   device output (bound, zero-copy) ◄────────────────────────────────────────┤
//   host output ◄──memcpy── pinned staging ◄──async D2H── device output buffer ◄┘
//
// The host waits once, after the last copy is queued. Every planned value must have a static
// shape here (device layers write into pre-allocated memory); the CUDA backend's tactics
// support only such layers, so a plan with another would not have been built.
#include <cstring>

#include "backends/backend.hpp"
#include "hone/engine.hpp"
#include "ops/node_runner.hpp"
#include "runtime/context_state.hpp"

namespace hone {
namespace {

constexpr uint64_t kRunSeed = 0x5eed;  // as the host run

// `buffer` holding at least `bytes`: kept when big enough, else replaced by `allocate(bytes)`.
template <class Allocate>
Status ensure_buffer(Tensor* buffer, size_t bytes, Allocate&& allocate) {
  if (buffer->defined() && buffer->nbytes() >= bytes) return Status::ok();
  *buffer = Tensor();
  HONE_ASSIGN_OR_RETURN(*buffer, allocate(bytes));
  return Status::ok();
}

}  // namespace

Status ExecutionContext::run_device_locked() {
  State& st = *state_;
  DeviceState& dev = *st.device;
  const Engine::Program& prog = *engine_->program_;
  const Backend& backend = *prog.backend;
  const auto& descs = engine_->inputs();
  HONE_RETURN_IF_ERROR(backend.check_available());
  if (!dev.stream) {
    HONE_ASSIGN_OR_RETURN(dev.stream, backend.create_stream());
  }
  Stream& stream = *dev.stream;
  auto device_alloc = [&](size_t bytes) { return backend.allocate(bytes, dev.stream); };
  auto pinned_alloc = [&](size_t bytes) { return backend.allocate_host(bytes); };

  // 1-2. Input shapes, memory plan; arena and workspace in device memory.
  HONE_ASSIGN_OR_RETURN(const std::vector<Shape> shapes, runtime::bound_input_shapes(*engine_, st));
  HONE_RETURN_IF_ERROR(runtime::ensure_shape_plan(prog, engine_->plan(), shapes, st, dev.stream));
  const ShapePlan& plan = *st.plan;

  // 3. Graph inputs in device memory: a bound device tensor as it is, a host one copied in.
  dev.input_buffers.resize(descs.size());
  dev.input_staging.resize(descs.size());
  for (size_t i = 0; i < descs.size(); ++i) {
    const Datum& d = st.bound_inputs[i];
    Datum& slot = st.slots[static_cast<size_t>(prog.input_slots[i])];
    if (!d.is_tensor() || d.optional) {
      return unsupported("input '" + descs[i].name + "' is not a tensor; device engines take tensors only");
    }
    const Tensor& x = d.tensor;
    if (x.on_device()) {
      slot = d;
      continue;
    }
    if (x.dtype() == DataType::String) return unsupported("input '" + descs[i].name + "' is a string tensor");
    const size_t bytes = x.nbytes();
    HONE_RETURN_IF_ERROR(ensure_buffer(&dev.input_staging[i], bytes, pinned_alloc));
    HONE_RETURN_IF_ERROR(ensure_buffer(&dev.input_buffers[i], bytes, device_alloc));
    // The staging copy is free to overwrite: the previous run waited for its transfers.
    if (bytes > 0) std::memcpy(dev.input_staging[i].raw(), x.raw(), bytes);
    HONE_RETURN_IF_ERROR(backend.copy(dev.input_buffers[i].raw(), dev.input_staging[i].raw(), bytes, stream));
    slot = Datum::of(Tensor::wrap_device(x.dtype(), x.shape(), dev.input_buffers[i].raw()));
  }

  // 4. Where each graph output is written: the caller's device tensor, or a device buffer of
  // the context (copied out at the end).
  std::vector<Tensor> output_target(prog.slot_values.size());
  dev.output_buffers.resize(prog.output_slots.size());
  dev.output_staging.resize(prog.output_slots.size());
  for (size_t k = 0; k < prog.output_slots.size(); ++k) {
    const size_t s = static_cast<size_t>(prog.output_slots[k]);
    const ir::Type& t = plan.slot_type[s];
    const std::string& name = engine_->outputs()[k].name;
    if (!t.is_tensor()) return unsupported("output '" + name + "' has no static shape; device engines need one");
    const Shape shape = t.shape.to_static();
    const Tensor& b = st.bound_outputs[k];
    if (b.defined() && b.shape() != shape) {
      return invalid_argument("output '" + name + "' is bound with shape " + shape_to_string(b.shape()) +
                              ", this run produces " + shape_to_string(shape));
    }
    if (b.defined() && b.on_device()) {
      output_target[s] = b;
      continue;
    }
    if (t.dtype == DataType::String) return unsupported("output '" + name + "' is a string tensor");
    const size_t bytes = static_cast<size_t>(shape_numel(shape)) * dtype_size(t.dtype);
    HONE_RETURN_IF_ERROR(ensure_buffer(&dev.output_buffers[k], bytes, device_alloc));
    output_target[s] = Tensor::wrap_device(t.dtype, shape, dev.output_buffers[k].raw());
  }

  // 5. The layers, queued on the stream (timed by event pairs when profiling).
  if (profiler_) {
    while (dev.timers.size() < prog.steps.size()) {
      HONE_ASSIGN_OR_RETURN(std::unique_ptr<StreamTimer> t, backend.create_timer(dev.stream));
      dev.timers.push_back(std::move(t));
    }
  }
  std::span<std::byte> workspace(static_cast<std::byte*>(st.workspace.raw()), plan.workspace_bytes);
  std::vector<const Datum*> inputs;
  std::vector<Datum> outputs;
  for (size_t i = 0; i < prog.steps.size(); ++i) {
    const Engine::Program::Step& step = prog.steps[i];
    const ir::Node& node = *step.node;
    outputs.assign(step.outputs.size(), Datum());
    for (size_t k = 0; k < step.outputs.size(); ++k) {
      const int32_t s = step.outputs[k];
      if (s < 0) continue;
      const size_t su = static_cast<size_t>(s);
      if (output_target[su].defined()) {
        outputs[k].tensor = output_target[su];
      } else if (st.views[su].defined()) {
        outputs[k].tensor = st.views[su];
      } else {
        return unsupported("value '" + prog.slot_values[su]->name() +
                           "' has no static shape at these input shapes; device engines need one")
            .with_node(node.name(), node.op_type());
      }
    }
    if (plan.elided[i]) {
      for (size_t k = 0; k < step.outputs.size(); ++k) {
        if (step.outputs[k] >= 0) st.slots[static_cast<size_t>(step.outputs[k])] = std::move(outputs[k]);
      }
      continue;
    }
    inputs.clear();
    for (int32_t s : step.inputs) inputs.push_back(s < 0 ? nullptr : &st.slots[static_cast<size_t>(s)]);
    if (profiler_) HONE_RETURN_IF_ERROR(dev.timers[i]->start());
    ops::KernelContext kctx(node, inputs, &outputs, nullptr, kRunSeed + i);
    const LayerRun layer_run{kctx, prog.device_packed[i], workspace, *st.pool, dev.stream.get(), step.layer->packed};
    Status s = step.tactic->run(layer_run);
    if (!s.is_ok()) return s.with_node(node.name(), node.op_type());
    if (profiler_) HONE_RETURN_IF_ERROR(dev.timers[i]->stop());
    for (size_t k = 0; k < step.outputs.size(); ++k) {
      const int32_t so = step.outputs[k];
      if (so < 0) continue;
      const size_t su = static_cast<size_t>(so);
      Datum& d = outputs[k];
      const Tensor& target = output_target[su].defined() ? output_target[su] : st.views[su];
      // A tactic that replaced its output (it must not) still gets its result copied in place.
      if (d.tensor.raw() != target.raw()) {
        if (!d.is_tensor() || !d.tensor.on_device() || d.tensor.nbytes() != target.nbytes()) {
          return internal_error("output '" + prog.slot_values[su]->name() + "' was not written to device memory")
              .with_node(node.name(), node.op_type());
        }
        HONE_RETURN_IF_ERROR(backend.copy(const_cast<void*>(target.raw()), d.tensor.raw(), target.nbytes(), stream));
        d.tensor = target;
      }
      st.slots[su] = std::move(d);
    }
    for (int32_t r : step.release) st.slots[static_cast<size_t>(r)] = Datum();
  }

  // 6. Outputs: into the caller's device tensor (a copy only when a graph output is a graph
  // input or constant passed through), else out to host memory through pinned staging.
  std::vector<Datum> outs(prog.output_slots.size());
  std::vector<Tensor> host_out(prog.output_slots.size());
  for (size_t k = 0; k < prog.output_slots.size(); ++k) {
    const size_t s = static_cast<size_t>(prog.output_slots[k]);
    const Tensor& value = st.slots[s].tensor;
    const Tensor& bound = st.bound_outputs[k];
    if (!st.slots[s].is_tensor() || !value.defined() || !value.on_device()) {
      return internal_error("output '" + engine_->outputs()[k].name + "' is not in device memory");
    }
    if (bound.defined() && bound.on_device()) {
      if (value.raw() != bound.raw()) {
        HONE_RETURN_IF_ERROR(backend.copy(const_cast<void*>(bound.raw()), value.raw(), bound.nbytes(), stream));
      }
      outs[k] = Datum::of(bound);
      continue;
    }
    const size_t bytes = value.nbytes();
    HONE_RETURN_IF_ERROR(ensure_buffer(&dev.output_staging[k], bytes, pinned_alloc));
    HONE_RETURN_IF_ERROR(backend.copy(dev.output_staging[k].raw(), value.raw(), bytes, stream));
    if (bound.defined()) {
      host_out[k] = bound;
    } else {
      HONE_ASSIGN_OR_RETURN(host_out[k], Tensor::create(value.dtype(), value.shape()));
    }
  }
  HONE_RETURN_IF_ERROR(stream.synchronize());
  for (size_t k = 0; k < prog.output_slots.size(); ++k) {
    if (!host_out[k].defined()) continue;
    if (host_out[k].nbytes() > 0) std::memcpy(host_out[k].raw(), dev.output_staging[k].raw(), host_out[k].nbytes());
    outs[k] = Datum::of(host_out[k]);
  }
  if (profiler_) {
    for (size_t i = 0; i < prog.steps.size(); ++i) {
      if (plan.elided[i]) continue;
      HONE_ASSIGN_OR_RETURN(float ms, dev.timers[i]->elapsed_ms());
      profiler_->report_layer_time(prog.steps[i].node->name(), ms);
    }
  }

  // Drop this run's references to caller inputs and temporaries; keep the constants.
  for (int32_t s : prog.input_slots) st.slots[static_cast<size_t>(s)] = Datum();
  for (int32_t s : prog.output_slots) {
    bool constant = false;
    for (const auto& c : prog.constants) constant |= c.first == s;
    if (!constant) st.slots[static_cast<size_t>(s)] = Datum();
  }
  last_outputs_ = std::move(outs);
  return Status::ok();
}

}  // namespace hone
