// ExecutionContext: binds inputs/outputs, lays out activation memory for the current input
// shapes, and walks the engine's program (hone/engine.hpp, runtime/program.hpp).
//
// Per run, every layer output lands in one of four places:
//   - the arena, at the planner's offset (static shape, not a graph output);
//   - a caller-bound output tensor (zero-copy graph outputs);
//   - a fresh tensor (unbound graph outputs, whose shape the plan knows);
//   - wherever the kernel put it (data-dependent shapes, sequences), allocated at run time.
// A kernel that produced a planned output somewhere else (a view of its input, a tensor it
// allocated) has the result copied into the planned place, so every tactic stays correct
// whatever it does; the copy is the exception, not the rule.
//
// Engines of a device backend run in device_execution.cpp: same bindings and plans, memory
// on the device.
#include <chrono>
#include <cstring>

#include "backends/backend.hpp"
#include "hone/engine.hpp"
#include "ops/node_runner.hpp"
#include "runtime/context_state.hpp"
#include "runtime/reference_executor.hpp"

namespace hone {
namespace {

constexpr uint64_t kRunSeed = 0x5eed;  // the reference executor's default

bool points_into(const Tensor& t, const void* begin, size_t bytes) {
  if (!t.defined() || t.dtype() == DataType::String || bytes == 0) return false;
  const auto* p = static_cast<const uint8_t*>(t.raw());
  const auto* b = static_cast<const uint8_t*>(begin);
  return p >= b && p < b + bytes;
}

}  // namespace

ExecutionContext::ExecutionContext(std::shared_ptr<const Engine> engine)
    : engine_(std::move(engine)), state_(std::make_unique<State>()) {
  const Engine::Program& prog = *engine_->program_;
  State& st = *state_;
  st.slots.resize(prog.slot_values.size());
  // Layers read the constants from their slots: the device copies on a device engine.
  for (size_t c = 0; c < prog.constants.size(); ++c) {
    st.slots[static_cast<size_t>(prog.constants[c].first)] =
        prog.on_device() ? prog.device_constants[c] : prog.constants[c].second;
  }
  if (prog.on_device()) st.device = std::make_unique<DeviceState>();
  st.bound_inputs.resize(engine_->inputs().size());
  for (Datum& d : st.bound_inputs) d.tensor = Tensor();
  st.requested_shapes.resize(engine_->inputs().size());
  st.bound_outputs.resize(engine_->outputs().size());
  st.pool = std::make_unique<ThreadPool>(std::max(1, engine_->plan().threads));
}

Status ExecutionContext::set_threads(int n) {
  if (n < 1) return invalid_argument("a context needs at least 1 thread, " + std::to_string(n) + " given");
  std::lock_guard<std::mutex> lock(state_->run_mu);
  if (n != state_->pool->threads()) state_->pool = std::make_unique<ThreadPool>(n);
  return Status::ok();
}

int ExecutionContext::threads() const { return state_->pool->threads(); }

ExecutionContext::~ExecutionContext() {
  {
    std::lock_guard<std::mutex> lock(state_->mu);
    state_->stopping = true;
  }
  state_->cv.notify_all();
  if (state_->worker.joinable()) state_->worker.join();
}

uint64_t ExecutionContext::arena_bytes() const {
  return (state_->arena.defined() ? state_->arena.nbytes() : 0) +
         (state_->workspace.defined() ? state_->workspace.nbytes() : 0);
}

namespace {

std::string dims_text(const TensorDesc& d) {
  if (!d.has_shape) return "[*]";
  std::string s = "[";
  for (size_t i = 0; i < d.shape.size(); ++i) s += (i ? "," : "") + (d.shape[i] < 0 ? std::string("?") : std::to_string(d.shape[i]));
  return s + "]";
}

// Checks `shape` against input `index`'s profile (or its declared static dims).
Status check_shape_allowed(const Engine& engine, size_t index, const Shape& shape) {
  const TensorDesc& desc = engine.inputs()[index];
  const std::string where = "input '" + desc.name + "'";
  for (int64_t dim : shape) {
    if (dim < 0) return invalid_argument(where + " shape " + shape_to_string(shape) + " has a negative dimension");
  }
  for (const engine::InputProfile& p : engine.plan().profiles) {
    if (p.name != desc.name) continue;
    bool ok = shape.size() == p.min.size();
    for (size_t d = 0; ok && d < shape.size(); ++d) ok = shape[d] >= p.min[d] && shape[d] <= p.max[d];
    if (!ok) {
      return invalid_argument(where + " shape " + shape_to_string(shape) + " is outside the engine's profile " +
                              shape_to_string(p.min) + " to " + shape_to_string(p.max));
    }
    return Status::ok();
  }
  if (!desc.is_tensor || !desc.has_shape) return Status::ok();
  bool ok = shape.size() == desc.shape.size();
  for (size_t d = 0; ok && d < desc.shape.size(); ++d) ok = desc.shape[d] < 0 || desc.shape[d] == shape[d];
  if (!ok) {
    return invalid_argument(where + " shape " + shape_to_string(shape) + " does not match the engine's " +
                            dims_text(desc));
  }
  return Status::ok();
}

int find_name(const std::vector<TensorDesc>& list, const std::string& name) {
  for (size_t i = 0; i < list.size(); ++i) {
    if (list[i].name == name) return static_cast<int>(i);
  }
  return -1;
}

}  // namespace

Status ExecutionContext::set_input_shape(const std::string& name, const Shape& shape) {
  const int i = find_name(engine_->inputs(), name);
  if (i < 0) return not_found("the engine has no input '" + name + "'");
  HONE_RETURN_IF_ERROR(check_shape_allowed(*engine_, static_cast<size_t>(i), shape));
  std::lock_guard<std::mutex> lock(state_->run_mu);
  state_->requested_shapes[static_cast<size_t>(i)] = shape;
  return Status::ok();
}

Status ExecutionContext::bind(const std::string& name, Tensor tensor) {
  if (find_name(engine_->inputs(), name) >= 0) {
    Datum d;
    d.tensor = std::move(tensor);
    return bind_value(name, std::move(d));
  }
  const int out = find_name(engine_->outputs(), name);
  if (out < 0) return not_found("the engine has no input or output '" + name + "'");
  const TensorDesc& desc = engine_->outputs()[static_cast<size_t>(out)];
  if (tensor.defined()) {
    if (!desc.is_tensor) return invalid_argument("output '" + name + "' is not a tensor and cannot be bound");
    if (tensor.on_device() && !engine_->program_->on_device()) {
      return invalid_argument("output '" + name + "' is bound to device memory; this engine runs on the CPU");
    }
    if (desc.dtype != DataType::Undefined && tensor.dtype() != desc.dtype) {
      return invalid_argument("output '" + name + "' has element type " + std::string(dtype_name(desc.dtype)) +
                              ", the bound tensor " + std::string(dtype_name(tensor.dtype())));
    }
    if (tensor.dtype() == DataType::String) return invalid_argument("string output '" + name + "' cannot be bound");
  }
  std::lock_guard<std::mutex> lock(state_->run_mu);
  state_->bound_outputs[static_cast<size_t>(out)] = std::move(tensor);
  return Status::ok();
}

Status ExecutionContext::bind_value(const std::string& name, Datum value) {
  const int in = find_name(engine_->inputs(), name);
  if (in < 0) return not_found("the engine has no input '" + name + "'");
  const size_t i = static_cast<size_t>(in);
  const bool unbind = value.is_tensor() && !value.optional && !value.tensor.defined();
  if (!unbind) {
    const ir::Value& v = *engine_->plan().graph->runtime_inputs()[i];
    HONE_RETURN_IF_ERROR(runtime::check_input(v, value));
    if (value.is_tensor() && value.tensor.on_device() && !engine_->program_->on_device()) {
      return invalid_argument("input '" + name + "' is device memory; this engine runs on the CPU");
    }
    if (value.is_tensor()) HONE_RETURN_IF_ERROR(check_shape_allowed(*engine_, i, value.tensor.shape()));
  }
  std::lock_guard<std::mutex> lock(state_->run_mu);
  state_->bound_inputs[i] = std::move(value);
  return Status::ok();
}

Status ExecutionContext::run() {
  std::lock_guard<std::mutex> lock(state_->run_mu);
  return run_locked();
}

namespace runtime {

Result<std::vector<Shape>> bound_input_shapes(const Engine& engine, const ExecutionContext::State& st) {
  const auto& descs = engine.inputs();
  std::vector<Shape> shapes(descs.size());
  for (size_t i = 0; i < descs.size(); ++i) {
    const Datum& d = st.bound_inputs[i];
    if (d.is_tensor() && !d.optional && !d.tensor.defined()) {
      return invalid_argument("input '" + descs[i].name + "' is not bound");
    }
    if (d.is_tensor()) shapes[i] = d.tensor.shape();
    const Shape& requested = st.requested_shapes[i];
    if (!requested.empty() && d.is_tensor() && requested != d.tensor.shape()) {
      return invalid_argument("input '" + descs[i].name + "' is bound with shape " + shape_to_string(d.tensor.shape()) +
                              " but its shape was set to " + shape_to_string(requested));
    }
  }
  return shapes;
}

Status ensure_shape_plan(const Engine::Program& prog, const engine::Plan& engine_plan, const std::vector<Shape>& shapes,
                         ExecutionContext::State& st, const std::shared_ptr<Stream>& stream) {
  if (st.plan && st.plan->input_shapes == shapes) return Status::ok();
  std::shared_ptr<const ShapePlan> plan = prog.static_plan;
  if (!plan || plan->input_shapes != shapes) {
    HONE_ASSIGN_OR_RETURN(plan, prog.plan_shapes(engine_plan, shapes));
  }
  const bool device = prog.on_device();
  auto allocate = [&](uint64_t bytes) -> Result<Tensor> {
    if (device) return prog.backend->allocate(bytes, stream);
    return Tensor::create(DataType::UInt8, {static_cast<int64_t>(bytes)});
  };
  const uint64_t arena = plan->memory.arena_bytes;
  if (!st.arena.defined() || st.arena.nbytes() < arena) {
    st.arena = Tensor();  // the old arena goes back first (to the device's pool, in stream order)
    HONE_ASSIGN_OR_RETURN(st.arena, allocate(arena));
  }
  if (!st.workspace.defined() || st.workspace.nbytes() < plan->workspace_bytes) {
    st.workspace = Tensor();
    HONE_ASSIGN_OR_RETURN(st.workspace, allocate(plan->workspace_bytes));
  }
  st.views.assign(prog.slot_values.size(), Tensor());
  auto* base = static_cast<uint8_t*>(st.arena.raw());
  for (size_t s = 0; s < prog.slot_values.size(); ++s) {
    if (plan->slot_offset[s] < 0) continue;
    const ir::Type& t = plan->slot_type[s];
    void* at = base + plan->slot_offset[s];
    st.views[s] = device ? Tensor::wrap_device(t.dtype, t.shape.to_static(), at) : Tensor::wrap(t.dtype, t.shape.to_static(), at);
  }
  st.plan = std::move(plan);
  return Status::ok();
}

}  // namespace runtime

Status ExecutionContext::run_locked() {
  const Engine::Program& prog = *engine_->program_;
  if (prog.on_device()) return run_device_locked();
  State& st = *state_;
  const auto& descs = engine_->inputs();

  // 1. Inputs: bound, consistent with set_input_shape, and their shapes for the plan.
  HONE_ASSIGN_OR_RETURN(const std::vector<Shape> shapes, runtime::bound_input_shapes(*engine_, st));

  // 2. The memory layout for these shapes (the engine's own when its shapes are fixed).
  HONE_RETURN_IF_ERROR(runtime::ensure_shape_plan(prog, engine_->plan(), shapes, st, nullptr));
  const ShapePlan& plan = *st.plan;

  // 3. Bound outputs must have the shapes this run produces (where the plan knows them).
  std::vector<Tensor> output_target(prog.slot_values.size());
  for (size_t k = 0; k < prog.output_slots.size(); ++k) {
    const Tensor& b = st.bound_outputs[k];
    if (!b.defined()) continue;
    const size_t s = static_cast<size_t>(prog.output_slots[k]);
    const ir::Type& t = plan.slot_type[s];
    if (t.is_tensor() && t.shape.to_static() != b.shape()) {
      return invalid_argument("output '" + engine_->outputs()[k].name + "' is bound with shape " +
                              shape_to_string(b.shape()) + ", this run produces " + shape_to_string(t.shape.to_static()));
    }
    output_target[s] = b;
  }
  for (size_t i = 0; i < descs.size(); ++i) st.slots[static_cast<size_t>(prog.input_slots[i])] = st.bound_inputs[i];

  // 4. The layers.
  const uint8_t* arena_begin = st.arena.defined() ? static_cast<const uint8_t*>(st.arena.raw()) : nullptr;
  const size_t arena_size = plan.memory.arena_bytes;
  std::span<std::byte> workspace(static_cast<std::byte*>(st.workspace.raw()), plan.workspace_bytes);
  std::vector<const Datum*> inputs;
  std::vector<Datum> outputs;
  st.pool->begin_run();  // times the run for the pool's contention policy
  for (size_t i = 0; i < prog.steps.size(); ++i) {
    const Engine::Program::Step& step = prog.steps[i];
    const ir::Node& node = *step.node;
    // Where each output goes: a bound buffer, its arena view, or a fresh tensor of the
    // planned shape; undefined when only the run can tell.
    outputs.assign(step.outputs.size(), Datum());
    for (size_t k = 0; k < step.outputs.size(); ++k) {
      const int32_t s = step.outputs[k];
      if (s < 0) continue;
      const size_t su = static_cast<size_t>(s);
      if (output_target[su].defined()) {
        outputs[k].tensor = output_target[su];
      } else if (st.views[su].defined()) {
        outputs[k].tensor = st.views[su];
      } else if (plan.slot_type[su].is_tensor()) {
        HONE_ASSIGN_OR_RETURN(outputs[k].tensor,
                              Tensor::create(plan.slot_type[su].dtype, plan.slot_type[su].shape.to_static()));
      }
    }
    if (plan.elided[i]) {
      // Already in place: the producers wrote into the concat's slices / the view shares bytes.
      for (size_t k = 0; k < step.outputs.size(); ++k) {
        if (step.outputs[k] >= 0) st.slots[static_cast<size_t>(step.outputs[k])] = std::move(outputs[k]);
      }
      continue;
    }
    const auto start = profiler_ ? std::chrono::steady_clock::now() : std::chrono::steady_clock::time_point();
    inputs.clear();
    for (int32_t s : step.inputs) inputs.push_back(s < 0 ? nullptr : &st.slots[static_cast<size_t>(s)]);
    HONE_RETURN_IF_ERROR(ops::allocate_outputs(node, inputs, &outputs));
    std::unique_ptr<runtime::SubgraphInterpreter> subgraphs;
    if (step.has_subgraphs) {
      subgraphs = std::make_unique<runtime::SubgraphInterpreter>(
          [&prog, &st](const ir::Value* v) -> const Datum* {
            auto it = prog.slot_of.find(v);
            return it == prog.slot_of.end() ? nullptr : &st.slots[static_cast<size_t>(it->second)];
          },
          kRunSeed + 7919 * (i + 1));
    }
    ops::KernelContext kctx(node, inputs, &outputs, subgraphs.get(), kRunSeed + i);
    const LayerRun layer_run{kctx, step.layer->packed, workspace, *st.pool};
    HONE_RETURN_IF_ERROR(ops::run_kernel([&](ops::KernelContext&) { return step.tactic->run(layer_run); }, kctx));
    HONE_RETURN_IF_ERROR(ops::finish_outputs(node, &outputs));
    for (size_t k = 0; k < step.outputs.size(); ++k) {
      const int32_t s = step.outputs[k];
      if (s < 0) continue;
      const size_t su = static_cast<size_t>(s);
      Datum& d = outputs[k];
      const Tensor& target = output_target[su].defined() ? output_target[su] : st.views[su];
      if (target.defined()) {
        if (!d.is_tensor()) return internal_error("output '" + prog.slot_values[su]->name() + "' was planned as a tensor");
        if (d.tensor.raw() != target.raw()) {
          if (d.tensor.dtype() != target.dtype() || d.tensor.shape() != target.shape()) {
            return invalid_argument("output '" + prog.slot_values[su]->name() + "' has shape " +
                                    shape_to_string(d.tensor.shape()) + ", expected " + shape_to_string(target.shape()))
                .with_node(node.name(), node.op_type());
          }
          if (target.nbytes() > 0) std::memmove(const_cast<void*>(target.raw()), d.tensor.raw(), target.nbytes());
          d.tensor = target;
        }
      } else if (d.is_tensor() && points_into(d.tensor, arena_begin, arena_size)) {
        d.tensor = d.tensor.clone();  // not planned: must not live in bytes later layers reuse
      } else if (d.is_sequence()) {
        for (Tensor& t : d.sequence) {
          if (points_into(t, arena_begin, arena_size)) t = t.clone();
        }
      }
      st.slots[su] = std::move(d);
    }
    for (int32_t s : step.release) st.slots[static_cast<size_t>(s)] = Datum();
    if (profiler_) {
      profiler_->report_layer_time(
          node.name(), std::chrono::duration<float, std::milli>(std::chrono::steady_clock::now() - start).count());
    }
  }

  st.pool->sleep_workers();  // idle between runs: no spinning

  // 5. Outputs. A value that shares memory with a caller's input or a weight (a graph input or
  // constant passed through, an Identity/Reshape view of one) is copied, so the caller never
  // receives a view of its own input or of the engine.
  std::vector<Datum> outs;
  outs.reserve(prog.output_slots.size());
  for (size_t k = 0; k < prog.output_slots.size(); ++k) {
    Datum d = st.slots[static_cast<size_t>(prog.output_slots[k])];
    const Tensor& bound = st.bound_outputs[k];
    if (bound.defined()) {
      if (!d.is_tensor() || d.tensor.dtype() != bound.dtype() || d.tensor.shape() != bound.shape()) {
        return invalid_argument("output '" + engine_->outputs()[k].name + "' has shape " +
                                shape_to_string(d.tensor.shape()) + ", the bound tensor " + shape_to_string(bound.shape()));
      }
      if (d.tensor.raw() != bound.raw() && bound.nbytes() > 0) {
        std::memcpy(const_cast<void*>(bound.raw()), d.tensor.raw(), bound.nbytes());
      }
      d.tensor = bound;
    } else if (d.is_tensor() && d.tensor.defined()) {
      bool shared = points_into(d.tensor, arena_begin, arena_size);
      for (size_t i = 0; !shared && i < descs.size(); ++i) {
        const Datum& in = st.bound_inputs[i];
        shared = in.is_tensor() && points_into(d.tensor, in.tensor.raw(), in.tensor.nbytes());
      }
      for (size_t c = 0; !shared && c < prog.constants.size(); ++c) {
        const Tensor& w = prog.constants[c].second.tensor;
        shared = points_into(d.tensor, w.raw(), w.nbytes());
      }
      if (shared) d.tensor = d.tensor.clone();
    }
    outs.push_back(std::move(d));
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

Result<std::vector<Datum>> ExecutionContext::run(std::vector<Datum> inputs) {
  const auto& descs = engine_->inputs();
  if (inputs.size() != descs.size()) {
    return invalid_argument("the engine has " + std::to_string(descs.size()) + " input(s), " +
                            std::to_string(inputs.size()) + " given");
  }
  for (size_t i = 0; i < inputs.size(); ++i) HONE_RETURN_IF_ERROR(bind_value(descs[i].name, std::move(inputs[i])));
  std::lock_guard<std::mutex> lock(state_->run_mu);
  Status s = run_locked();
  for (Datum& d : state_->bound_inputs) d = Datum();
  HONE_RETURN_IF_ERROR(s);
  return last_outputs_;
}

std::future<Status> ExecutionContext::enqueue() {
  auto promise = std::make_shared<std::promise<Status>>();
  std::future<Status> f = promise->get_future();
  enqueue([promise](Status s) { promise->set_value(std::move(s)); });
  return f;
}

void ExecutionContext::enqueue(std::function<void(Status)> done) {
  State& st = *state_;
  {
    std::lock_guard<std::mutex> lock(st.mu);
    st.queue.push_back([this, done = std::move(done)] {
      Status s = run();
      if (done) done(std::move(s));
    });
    if (!st.worker.joinable()) {
      st.worker = std::thread([&st] {
        std::unique_lock<std::mutex> lock(st.mu);
        for (;;) {
          st.cv.wait(lock, [&st] { return st.stopping || !st.queue.empty(); });
          if (st.queue.empty()) return;  // stopping with nothing left
          std::function<void()> job = std::move(st.queue.front());
          st.queue.pop_front();
          lock.unlock();
          job();
          lock.lock();
        }
      });
    }
  }
  st.cv.notify_one();
}

Result<Datum> ExecutionContext::output(const std::string& name) const {
  const int i = find_name(engine_->outputs(), name);
  if (i < 0) return not_found("the engine has no output '" + name + "'");
  if (static_cast<size_t>(i) >= last_outputs_.size()) return invalid_argument("the context has not run yet");
  return last_outputs_[static_cast<size_t>(i)];
}

}  // namespace hone
