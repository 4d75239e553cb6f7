// hone.Context (ExecutionContext) and hone.RunFuture: binding numpy arrays in place, sync
// runs with the GIL released, async runs on the context's worker, profilers that call back
// into Python.
//
// Locking. Each context has a mutex `mu_` held for every Python-level operation on it (so a
// run's bind-run-restore sequence is atomic when Python threads share a context). Rule: a
// thread never blocks on `mu_` while holding the GIL (GilFreeLock releases the GIL first), and
// the only code that takes the GIL while holding `mu_` is a Python profiler callback; so the
// GIL and `mu_` cannot deadlock. Async runs are counted from run_async until their completion
// callback returns; while any is in flight, calls that would change what it reads (bind, a
// sync run, shapes, threads, profiler) raise InvalidArgumentError, as hone_c.h's do.
#include <atomic>
#include <chrono>

#include "bindings/python/bindings.hpp"
#include "hone/profiler.hpp"

namespace hone::python {
namespace {

using namespace pybind11::literals;

// Async runs in flight in the whole process (wait_all_contexts waits for 0).
std::mutex g_flight_mu;
std::condition_variable g_flight_idle;
int64_t g_in_flight = 0;

/// Locks `m`; when it is contended, waits with the GIL released.
class GilFreeLock {
 public:
  explicit GilFreeLock(std::mutex& m) : m_(m) {
    if (!m_.try_lock()) {
      py::gil_scoped_release release;
      m_.lock();
    }
  }
  ~GilFreeLock() { m_.unlock(); }
  GilFreeLock(const GilFreeLock&) = delete;
  GilFreeLock& operator=(const GilFreeLock&) = delete;

 private:
  std::mutex& m_;
};

std::string type_name(const py::handle& v) { return py::str(v.get_type().attr("__name__")); }

int find(const std::vector<TensorDesc>& list, std::string_view name) {
  for (size_t i = 0; i < list.size(); ++i) {
    if (list[i].name == name) return static_cast<int>(i);
  }
  return -1;
}

std::string names_of(const std::vector<TensorDesc>& list) {
  std::string s;
  for (const TensorDesc& d : list) s += (s.empty() ? "'" : ", '") + d.name + "'";
  return s.empty() ? "none" : s;
}

std::string key_string(const py::handle& key) {
  if (!PyUnicode_Check(key.ptr())) invalid("input names must be str, not " + type_name(key));
  Py_ssize_t size = 0;
  const char* s = PyUnicode_AsUTF8AndSize(key.ptr(), &size);
  if (!s) throw py::error_already_set();
  return std::string(s, static_cast<size_t>(size));
}

/// What an async run leaves for its future.
struct AsyncState {
  std::mutex mu;
  std::condition_variable cv;
  bool done = false;
  Status status;
  std::vector<Datum> outputs;
};

}  // namespace

class PyContext;

/// The profiler a context runs with: a C++ LayerTimeProfiler directly, or a Python callable
/// (a function, or a hone.Profiler's bound report_layer_time) called with the GIL taken.
class PythonProfiler final : public Profiler {
 public:
  PythonProfiler(PyContext* owner, PyObject* fn) : owner_(owner), fn_(fn) {}
  void report_layer_time(std::string_view layer_name, float ms) override;

 private:
  PyContext* owner_;
  PyObject* fn_;  // borrowed: the context keeps the object alive
};

namespace {
thread_local const PyContext* tl_profiling = nullptr;  // the context whose Python profiler runs here
/// A hone.RunFuture for a queued run (defined below).
py::object make_future(const py::object& context, std::shared_ptr<AsyncState> state, py::list bound_outputs);
}  // namespace

class PyContext {
 public:
  explicit PyContext(const PyEngine& engine) : engine_(engine.get().shared_from_this()) {
    ctx_ = engine_->create_context();
    bound_.resize(engine_->inputs().size() + engine_->outputs().size());
    for (const TensorDesc& d : engine_->outputs()) output_names_.push_back(py::str(d.name));
  }

  ~PyContext() {
    // Python is tearing the object down (never while one of its methods runs: a call holds a
    // reference): wait for the worker, and never throw out of a destructor.
    try {
      shutdown();
    } catch (...) {
      // Only a failing mutex could throw here; the context is being freed either way.
    }
  }
  PyContext(const PyContext&) = delete;
  PyContext& operator=(const PyContext&) = delete;

  const std::shared_ptr<const Engine>& engine() const { return engine_; }

  void set_input_shape(const std::string& name, const py::handle& shape_value) {
    not_in_own_profiler();
    Shape shape;
    if (shape_value.is_none() || PyUnicode_Check(shape_value.ptr()) || !py::isinstance<py::iterable>(shape_value)) {
      invalid("shape must be a sequence of ints, not " + type_name(shape_value));
    }
    for (py::handle d : shape_value) {
      if (PyBool_Check(d.ptr()) || !PyIndex_Check(d.ptr())) invalid("shape dimensions must be ints, not " + type_name(d));
      shape.push_back(d.cast<int64_t>());
    }
    GilFreeLock lock(mu_);
    ExecutionContext& ctx = usable();
    require_idle();
    check(ctx.set_input_shape(name, shape));
  }

  void bind(const std::string& name, const py::handle& value) {
    not_in_own_profiler();
    const int in = find(engine_->inputs(), name);
    const int out = in < 0 ? find(engine_->outputs(), name) : -1;
    if (in < 0 && out < 0) {
      throw StatusError{not_found("the engine has no input or output '" + name + "' (inputs " +
                                  names_of(engine_->inputs()) + ", outputs " + names_of(engine_->outputs()) + ")")};
    }
    InputArray array;
    if (!value.is_none()) {
      array = in >= 0 ? input_array(value, engine_->inputs()[static_cast<size_t>(in)], ArrayUse::ZeroCopy)
                      : output_array(value, engine_->outputs()[static_cast<size_t>(out)]);
    }
    GilFreeLock lock(mu_);
    ExecutionContext& ctx = usable();
    require_idle();
    check(ctx.bind(name, array.tensor));
    bound_[in >= 0 ? static_cast<size_t>(in) : engine_->inputs().size() + static_cast<size_t>(out)] = std::move(array);
  }

  py::dict bindings() {
    py::dict d;
    const size_t n_in = engine_->inputs().size();
    for (size_t i = 0; i < bound_.size(); ++i) {
      if (!bound_[i].keep) continue;
      const TensorDesc& desc = i < n_in ? engine_->inputs()[i] : engine_->outputs()[i - n_in];
      d[py::str(desc.name)] = bound_[i].keep;
    }
    return d;
  }

  py::dict run(const py::handle& inputs) {
    not_in_own_profiler();
    // Converted with the GIL held; the arrays (the caller's, or copies) live in `given`.
    std::vector<std::pair<size_t, InputValue>> given = parse_inputs(inputs);
    Status status;
    std::vector<Datum> outputs;
    {
      py::gil_scoped_release release;
      std::lock_guard<std::mutex> lock(mu_);
      status = run_locked(given, &outputs);
    }
    raise_profiler_error();
    check(status);
    return output_dict(outputs, nullptr);
  }

  py::object run_async(const py::object& self, const py::handle& inputs) {
    not_in_own_profiler();
    auto state = std::make_shared<AsyncState>();
    py::list bound_outputs;
    {
      GilFreeLock lock(mu_);
      ExecutionContext& ctx = usable();
      if (!inputs.is_none()) {
        require_idle();
        // Bound for good (the run reads them after this call returns); copies when needed.
        std::vector<std::pair<size_t, InputValue>> given = parse_inputs(inputs);
        for (auto& [i, v] : given) {
          if (!v.datum.is_tensor()) invalid("run_async() takes tensor inputs only; pass sequences to run()");
        }
        for (auto& [i, v] : given) {
          check(ctx.bind_value(engine_->inputs()[i].name, v.datum));
          bound_[i] = InputArray{v.datum.tensor, v.keep.empty() ? py::object() : v.keep.front()};
        }
      }
      for (size_t k = 0; k < engine_->outputs().size(); ++k) {
        const py::object& keep = bound_[engine_->inputs().size() + k].keep;
        bound_outputs.append(keep ? keep : py::none());
      }
      {
        std::lock_guard<std::mutex> flight(async_mu_);
        ++in_flight_;
      }
      {
        std::lock_guard<std::mutex> flight(g_flight_mu);
        ++g_in_flight;
      }
      ctx.enqueue([this, state](Status s) { finish_async(state, std::move(s)); });
    }
    return make_future(self, std::move(state), std::move(bound_outputs));
  }

  void wait() {
    not_in_own_profiler();
    py::gil_scoped_release release;
    std::unique_lock<std::mutex> lock(async_mu_);
    idle_.wait(lock, [this] { return in_flight_ == 0; });
  }

  py::dict outputs() {
    not_in_own_profiler();
    GilFreeLock lock(mu_);
    ExecutionContext& ctx = usable();
    require_idle();
    return output_dict(ctx.outputs(), nullptr);
  }

  py::object output(const std::string& name) {
    not_in_own_profiler();
    GilFreeLock lock(mu_);
    ExecutionContext& ctx = usable();
    require_idle();
    Datum d = unwrap(ctx.output(name));
    const int k = find(engine_->outputs(), name);
    const py::object& keep = bound_[engine_->inputs().size() + static_cast<size_t>(k)].keep;
    if (keep) return keep;
    return datum_to_python(d);
  }

  int threads() {
    not_in_own_profiler();
    GilFreeLock lock(mu_);
    return usable().threads();
  }

  void set_threads(const py::handle& n_value) {
    not_in_own_profiler();
    if (PyBool_Check(n_value.ptr()) || !PyIndex_Check(n_value.ptr())) invalid("threads must be an int, not " + type_name(n_value));
    const int64_t n = n_value.cast<int64_t>();
    if (n < 1 || n > 4096) invalid("a context needs 1..4096 threads, " + std::to_string(n) + " given");
    GilFreeLock lock(mu_);
    ExecutionContext& ctx = usable();
    require_idle();
    Status s;
    {
      py::gil_scoped_release release;  // joins the old pool's workers
      s = ctx.set_threads(static_cast<int>(n));
    }
    check(s);
  }

  uint64_t arena_bytes() {
    not_in_own_profiler();
    GilFreeLock lock(mu_);
    return usable().arena_bytes();
  }

  py::object profiler() const { return profiler_obj_ ? profiler_obj_ : py::none(); }

  void set_profiler(const py::handle& value) {
    not_in_own_profiler();
    std::unique_ptr<Profiler> adapter;
    Profiler* direct = nullptr;
    py::object keep, fn;
    if (!value.is_none()) {
      keep = py::reinterpret_borrow<py::object>(value);
      if (py::type::of(value).is(py::type::of<LayerTimeProfiler>())) {
        direct = value.cast<LayerTimeProfiler*>();  // C++ all the way: no GIL per layer
      } else if (py::isinstance<Profiler>(value) || (py::hasattr(value, "report_layer_time") && !PyCallable_Check(value.ptr()))) {
        fn = value.attr("report_layer_time");
      } else if (PyCallable_Check(value.ptr())) {
        fn = keep;
      } else {
        invalid("profiler must be a callable(layer_name, ms), a hone.Profiler or None, not " + type_name(value));
      }
      if (fn) adapter = std::make_unique<PythonProfiler>(this, fn.ptr());
    }
    GilFreeLock lock(mu_);
    ExecutionContext& ctx = usable();
    require_idle();
    ctx.set_profiler(adapter ? adapter.get() : direct);
    adapter_ = std::move(adapter);
    profiler_fn_ = std::move(fn);
    profiler_obj_ = std::move(keep);
  }

  void close() {
    not_in_own_profiler();
    shutdown();
  }

  bool closed() const { return !ctx_; }

  /// Called by PythonProfiler (GIL held) when the Python profiler raised; the first error of
  /// a run is kept and raised when the run returns (or by its future).
  void store_profiler_error() {
    std::lock_guard<std::mutex> lock(error_mu_);
    if (!profiler_error_) {
      profiler_error_.emplace();
    } else {
      PyErr_Clear();
    }
  }
  bool has_profiler_error() {
    std::lock_guard<std::mutex> lock(error_mu_);
    return profiler_error_.has_value();
  }
  void raise_profiler_error() {
    std::optional<py::error_already_set> e;
    {
      std::lock_guard<std::mutex> lock(error_mu_);
      e.swap(profiler_error_);
    }
    if (e) throw std::move(*e);
  }

  /// Converts finished outputs (bound outputs are their arrays, from `bound_outputs` when given).
  py::dict output_dict(const std::vector<Datum>& outputs, const py::list* bound_outputs) {
    py::dict d;
    const size_t n_in = engine_->inputs().size();
    for (size_t k = 0; k < outputs.size() && k < output_names_.size(); ++k) {
      py::object keep = bound_outputs ? py::object((*bound_outputs)[k]) : bound_[n_in + k].keep;
      if (keep && !keep.is_none()) {
        d[output_names_[k]] = keep;
      } else {
        d[output_names_[k]] = datum_to_python(outputs[k]);
      }
    }
    return d;
  }

 private:
  struct InputValue {
    Datum datum;
    std::vector<py::object> keep;
  };

  ExecutionContext& usable() {
    if (!ctx_) invalid("the context is closed");
    return *ctx_;
  }

  // Before taking mu_: the run that called this thread's profiler holds it.
  void not_in_own_profiler() const {
    if (tl_profiling == this) invalid("cannot be called on a context from inside its own profiler callback");
  }

  void require_idle() {
    std::lock_guard<std::mutex> lock(async_mu_);
    if (in_flight_ > 0) {
      invalid(std::to_string(in_flight_) + " asynchronous run(s) of this context are in flight; call wait() first");
    }
  }

  InputValue input_value(size_t index, const py::handle& value) {
    const TensorDesc& desc = engine_->inputs()[index];
    InputValue v;
    if (!desc.is_tensor) {
      // Sequence / optional inputs: None is an empty optional, a list a sequence of tensors.
      if (value.is_none()) {
        v.datum = Datum::none();
        return v;
      }
      if (!py::isinstance<py::list>(value) && !py::isinstance<py::tuple>(value)) {
        invalid("input '" + desc.name + "' is a sequence; pass a list of arrays (or None for an empty optional)");
      }
      std::vector<Tensor> items;
      for (py::handle item : value) {
        InputArray a = input_array(item, desc, ArrayUse::Copy);
        items.push_back(a.tensor);
        v.keep.push_back(std::move(a.keep));
      }
      v.datum = Datum::of_sequence(std::move(items), desc.dtype);
      return v;
    }
    InputArray a = input_array(value, desc, ArrayUse::Copy);
    v.datum = Datum::of(std::move(a.tensor));
    v.keep.push_back(std::move(a.keep));
    return v;
  }

  std::vector<std::pair<size_t, InputValue>> parse_inputs(const py::handle& inputs) {
    const std::vector<TensorDesc>& descs = engine_->inputs();
    std::vector<std::pair<size_t, InputValue>> given;
    if (inputs.is_none()) return given;
    if (py::isinstance<py::dict>(inputs)) {
      for (auto item : py::reinterpret_borrow<py::dict>(inputs)) {
        const std::string name = key_string(item.first);
        const int i = find(descs, name);
        if (i < 0) {
          const bool output = find(engine_->outputs(), name) >= 0;
          throw StatusError{not_found("'" + name + "' is " + (output ? "an output" : "not an input") +
                                      " of the engine (inputs " + names_of(descs) + ")")};
        }
        given.emplace_back(static_cast<size_t>(i), input_value(static_cast<size_t>(i), item.second));
      }
      return given;
    }
    if (py::isinstance<py::list>(inputs) || py::isinstance<py::tuple>(inputs)) {
      py::sequence seq = py::reinterpret_borrow<py::sequence>(inputs);
      if (seq.size() != descs.size()) {
        invalid("the engine has " + std::to_string(descs.size()) + " input(s) (" + names_of(descs) + "), " +
                std::to_string(seq.size()) + " given");
      }
      for (size_t i = 0; i < descs.size(); ++i) given.emplace_back(i, input_value(i, seq[i]));
      return given;
    }
    if (py::isinstance<py::array>(inputs)) {
      if (descs.size() != 1) {
        invalid("a single array was given; the engine has " + std::to_string(descs.size()) + " inputs (" + names_of(descs) +
                "): pass a dict or a list");
      }
      given.emplace_back(0, input_value(0, inputs));
      return given;
    }
    invalid("inputs must be a dict {name: array}, a list of arrays in input order, or one array; not " + type_name(inputs));
  }

  // Under mu_, without the GIL: binds `given` over the standing bindings, runs, restores them.
  Status run_locked(const std::vector<std::pair<size_t, InputValue>>& given, std::vector<Datum>* outputs) {
    if (!ctx_) return invalid_argument("the context is closed");
    {
      std::lock_guard<std::mutex> lock(async_mu_);
      if (in_flight_ > 0) {
        return invalid_argument(std::to_string(in_flight_) +
                                " asynchronous run(s) of this context are in flight; call wait() first");
      }
    }
    ExecutionContext& ctx = *ctx_;
    const std::vector<TensorDesc>& descs = engine_->inputs();
    Status status;
    size_t done = 0;
    for (; done < given.size() && status.is_ok(); ++done) {
      status = ctx.bind_value(descs[given[done].first].name, given[done].second.datum);
    }
    if (status.is_ok()) status = ctx.run();
    // Back to the standing bindings (bind()'s arrays, or none), whatever happened.
    for (size_t j = 0; j < done; ++j) {
      const size_t i = given[j].first;
      Datum previous;
      previous.tensor = bound_[i].tensor;
      (void)ctx.bind_value(descs[i].name, std::move(previous));
    }
    if (status.is_ok()) *outputs = ctx.outputs();
    return status;
  }

  void finish_async(const std::shared_ptr<AsyncState>& state, Status s) {
    // On the worker, right after the run: the outputs are this run's (sync runs and binds are
    // refused while it is in flight).
    std::vector<Datum> outs;
    if (s.is_ok()) outs = ctx_->outputs();
    {
      // Not in flight any more and the future done in one step (both locks held): a call
      // right after result() is not refused, and Context.wait() never returns before every
      // future says done.
      std::lock_guard<std::mutex> lock(async_mu_);
      std::lock_guard<std::mutex> state_lock(state->mu);
      --in_flight_;
      state->status = std::move(s);
      state->outputs = std::move(outs);
      state->done = true;
      state->cv.notify_all();
      // NOTE: notified under the lock: once it is released a waiting destructor may free
      // `this`, which is not touched again below.
      idle_.notify_all();
    }
    std::lock_guard<std::mutex> lock(g_flight_mu);
    --g_in_flight;
    g_flight_idle.notify_all();
  }

  // Waits for async runs, then destroys the C++ context (joining its worker). GIL held on entry.
  void shutdown() {
    if (!ctx_) return;
    std::unique_ptr<ExecutionContext> ctx;
    {
      GilFreeLock lock(mu_);
      {
        py::gil_scoped_release release;
        std::unique_lock<std::mutex> flight(async_mu_);
        idle_.wait(flight, [this] { return in_flight_ == 0; });
      }
      ctx = std::move(ctx_);
      if (ctx) ctx->set_profiler(nullptr);
    }
    {
      py::gil_scoped_release release;
      ctx.reset();
    }
    for (InputArray& b : bound_) b = InputArray{};
    adapter_.reset();
    profiler_fn_ = py::object();
    profiler_obj_ = py::object();
  }

  std::shared_ptr<const Engine> engine_;
  std::unique_ptr<ExecutionContext> ctx_;  // null once closed
  std::mutex mu_;
  std::vector<InputArray> bound_;  // per input, then per output: bind()'s tensors and arrays
  std::vector<py::object> output_names_;

  std::mutex async_mu_;
  std::condition_variable idle_;
  int in_flight_ = 0;

  py::object profiler_obj_;  // what was set
  py::object profiler_fn_;   // what PythonProfiler calls
  std::unique_ptr<Profiler> adapter_;
  std::mutex error_mu_;
  std::optional<py::error_already_set> profiler_error_;
};

void PythonProfiler::report_layer_time(std::string_view layer_name, float ms) {
  py::gil_scoped_acquire gil;
  if (owner_->has_profiler_error()) return;  // the run's first error is kept; stop calling
  const PyContext* previous = tl_profiling;
  tl_profiling = owner_;
  PyObject* name = PyUnicode_DecodeUTF8(layer_name.data(), static_cast<Py_ssize_t>(layer_name.size()), "replace");
  PyObject* time = PyFloat_FromDouble(static_cast<double>(ms));
  PyObject* r = name && time ? PyObject_CallFunctionObjArgs(fn_, name, time, nullptr) : nullptr;
  Py_XDECREF(name);
  Py_XDECREF(time);
  tl_profiling = previous;
  if (r) {
    Py_DECREF(r);
  } else {
    owner_->store_profiler_error();
  }
}

namespace {

// hone.RunFuture: the outcome of one run_async().
struct PyRunFuture {
  py::object context;  // keeps the context (and its bound arrays) alive
  std::shared_ptr<AsyncState> state;
  py::list bound_outputs;
  py::object result;  // converted once

  bool wait(const py::handle& timeout) {
    double seconds = -1;
    if (!timeout.is_none()) {
      seconds = PyFloat_AsDouble(timeout.ptr());
      if (seconds == -1 && PyErr_Occurred()) throw py::error_already_set();
      if (!(seconds >= 0)) invalid("timeout must be >= 0 seconds or None");
    }
    py::gil_scoped_release release;
    std::unique_lock<std::mutex> lock(state->mu);
    if (seconds < 0) {
      state->cv.wait(lock, [this] { return state->done; });
      return true;
    }
    return state->cv.wait_for(lock, std::chrono::duration<double>(seconds), [this] { return state->done; });
  }

  bool done() {
    std::lock_guard<std::mutex> lock(state->mu);
    return state->done;
  }

  py::object get(const py::handle& timeout) {
    if (!wait(timeout)) {
      PyErr_SetString(PyExc_TimeoutError, "the run has not finished");
      throw py::error_already_set();
    }
    if (result) return result;
    PyContext& ctx = context.cast<PyContext&>();
    ctx.raise_profiler_error();
    Status s;
    std::vector<Datum> outs;
    {
      std::lock_guard<std::mutex> lock(state->mu);
      s = state->status;
      outs = state->outputs;
    }
    check(s);
    result = ctx.output_dict(outs, &bound_outputs);
    state->outputs.clear();
    return result;
  }
};

py::object make_future(const py::object& context, std::shared_ptr<AsyncState> state, py::list bound_outputs) {
  return py::cast(PyRunFuture{context, std::move(state), std::move(bound_outputs), py::object()});
}

}  // namespace

void wait_all_contexts() {
  py::gil_scoped_release release;
  std::unique_lock<std::mutex> lock(g_flight_mu);
  g_flight_idle.wait(lock, [] { return g_in_flight == 0; });
}

void register_context(py::module_& m) {
  py::class_<PyRunFuture>(m, "RunFuture",
                          "The outcome of Context.run_async(): wait(timeout=None) -> bool, done() -> bool, "
                          "result(timeout=None) -> {output name: array} (raises the run's hone.Error).")
      .def("wait", &PyRunFuture::wait, "timeout"_a = py::none(),
           "Waits (GIL released) until the run finished or `timeout` seconds passed; True when it finished.")
      .def("done", &PyRunFuture::done)
      .def("result", &PyRunFuture::get, "timeout"_a = py::none(),
           "The run's outputs (waiting for it first); TimeoutError when `timeout` passes first.");

  py::class_<PyContext>(m, "Context",
                        "Runs one engine with its own activation memory and bindings (TensorRT's "
                        "IExecutionContext). Not for concurrent use by several threads (they are serialized); use one "
                        "context per thread: the GIL is released while a context runs, so contexts of one engine run "
                        "in parallel.")
      .def(py::init<const PyEngine&>(), "engine"_a)
      .def_property_readonly("engine", [](const PyContext& c) { return PyEngine{c.engine()}; })
      .def("set_input_shape", &PyContext::set_input_shape, "name"_a, "shape"_a,
           "Fixes input `name`'s shape for the next runs (within the engine's profile). InvalidArgumentError "
           "outside it, NotFoundError for an unknown name.")
      .def("bind", &PyContext::bind, "name"_a, "array"_a,
           "Binds a numpy array to an input (read in place by every following run) or an output (written in "
           "place). Zero-copy: the array must be C-contiguous, aligned, native-endian, of the tensor's dtype "
           "(InvalidArgumentError otherwise; bound outputs must be writable). The context keeps a reference to "
           "the array while it is bound. None unbinds.")
      .def(
          "unbind", [](PyContext& c, const std::string& name) { c.bind(name, py::none()); }, "name"_a)
      .def_property_readonly("bindings", &PyContext::bindings, "{name: array} of the bound inputs and outputs.")
      .def("run", &PyContext::run, "inputs"_a = py::none(),
           "Runs once (GIL released) and returns {output name: numpy array}. `inputs`: a dict {name: array}, a "
           "list in input order, or one array for a one-input engine; inputs not given use their bound arrays. "
           "Arrays of the right dtype are read in place; non-contiguous, misaligned or byte-swapped ones are "
           "copied; non-arrays are converted to the input's dtype; an array of another dtype raises "
           "InvalidArgumentError. Outputs are fresh arrays over the engine's result (no copy), or the bound "
           "output arrays.")
      .def(
          "run_async", [](const py::object& self, const py::handle& inputs) { return self.cast<PyContext&>().run_async(self, inputs); },
          "inputs"_a = py::none(),
           "Queues a run on the context's worker and returns a RunFuture. Inputs given here are bound (copied "
           "first when they cannot be read in place) and stay bound. While runs are in flight, binding and "
           "sync runs raise InvalidArgumentError; call wait() or the future's result() first.")
      .def("wait", &PyContext::wait, "Waits (GIL released) for every queued run of this context.")
      .def_property_readonly("outputs", &PyContext::outputs, "The outputs of the last run, {name: array}.")
      .def("output", &PyContext::output, "name"_a, "Output `name` of the last run (NotFoundError for a bad name).")
      .def_property("threads", &PyContext::threads, &PyContext::set_threads,
                    "Threads this context's layers split their work over (>= 1).")
      .def("set_threads", &PyContext::set_threads, "n"_a)
      .def_property_readonly("arena_bytes", &PyContext::arena_bytes,
                             "Bytes of this context's activation arena and workspace (0 before the first run).")
      .def_property("profiler", &PyContext::profiler, &PyContext::set_profiler,
                    "None, a callable(layer_name: str, ms: float), a hone.Profiler, or a hone.LayerTimeProfiler. "
                    "Python profilers are called with the GIL taken, on the thread that runs (the worker for "
                    "run_async); an exception they raise is re-raised by the run (or its future's result()).")
      .def("set_profiler", &PyContext::set_profiler, "profiler"_a)
      .def("close", &PyContext::close,
           "Waits for queued runs and frees the context; later calls raise InvalidArgumentError.")
      .def_property_readonly("closed", &PyContext::closed)
      .def("__enter__", [](const py::object& self) { return self; })
      .def("__exit__", [](PyContext& c, const py::args&) { c.close(); })
      .def("__repr__", [](const PyContext& c) {
        return std::string("<hone.Context") + (c.closed() ? " (closed)" : "") + ">";
      });

  m.def("_wait_all", &wait_all_contexts, "Waits for every context's queued runs (called at exit).");
}

}  // namespace hone::python
