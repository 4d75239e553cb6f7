// hone_context_t: an ExecutionContext behind a handle (hone_c.h, "Execution context"):
// bindings, copies in, sync and async runs, outputs, threads, profiler.
//
// Async runs go through ExecutionContext::enqueue (one worker thread per context, runs in
// order). The handle counts the runs in flight, from queueing until their callback has
// returned, so that
//   - hone_context_wait / hone_context_destroy can block until they are done,
//   - calls that would race with a queued run (binding, reading outputs) fail instead,
//     except from inside the context's own callback, which runs on the worker between runs.
#include <cstring>

#include "bindings/c/handles.hpp"

using namespace hone;
using namespace hone::capi;

namespace {

// The context whose run callback / profiler callback this thread is executing (nullptr: none).
thread_local const hone_context* tl_callback_context = nullptr;
thread_local const hone_context* tl_profiler_context = nullptr;

// A live context that this thread may call: not from inside its profiler callback, where
// the run holds the context (a bind or run there would deadlock on it).
template <class H>
H* live_context(H* context) {
  H* c = live(context, "context");
  if (tl_profiler_context == c) {
    fail(HONE_STATUS_INVALID_ARGUMENT, "cannot be called on a context from inside its own profiler callback");
  }
  return c;
}

void require_idle(hone_context& c) {
  if (tl_callback_context == &c) return;
  std::lock_guard<std::mutex> lock(c.mu);
  if (c.in_flight > 0) {
    fail(HONE_STATUS_INVALID_ARGUMENT, std::to_string(c.in_flight) +
                                           " asynchronous run(s) of this context are in flight; call hone_context_wait first");
  }
}

void require_not_in_callback(const hone_context& c, const char* what) {
  if (tl_callback_context == &c) {
    fail(HONE_STATUS_INVALID_ARGUMENT, std::string("cannot ") + what + " a context from inside its own run callback");
  }
}

const Engine& engine_of(const hone_context& c) { return c.context->engine(); }

// The input called `name`, or NOT_FOUND (saying so when it is an output).
const TensorDesc& input_desc(const hone_context& c, const char* name) {
  bool is_input = false;
  const TensorDesc& d = find_desc(engine_of(c).inputs(), engine_of(c).outputs(), name, &is_input);
  if (!is_input) fail(HONE_STATUS_NOT_FOUND, "'" + d.name + "' is an output, not an input");
  return d;
}

const TensorDesc& output_desc(const hone_context& c, const char* name) {
  bool is_input = true;
  const TensorDesc& d = find_desc(engine_of(c).inputs(), engine_of(c).outputs(), name, &is_input);
  if (is_input) fail(HONE_STATUS_NOT_FOUND, "'" + d.name + "' is an input, not an output");
  return d;
}

void check_bound_dtype(const TensorDesc& d, DataType given, const char* role) {
  if (d.dtype != DataType::Undefined && d.dtype != given) {
    fail(HONE_STATUS_INVALID_ARGUMENT, std::string(role) + " '" + d.name + "' has element type " +
                                           std::string(dtype_name(d.dtype)) + ", the buffer " +
                                           std::string(dtype_name(given)));
  }
}

// Output `name` of the last run as a tensor (errors as hone_context_get_output).
Tensor output_tensor(const hone_context& c, const char* name) {
  require(name, "name");
  Datum d = unwrap(c.context->output(name));
  if (!d.is_tensor() || !d.tensor.defined()) {
    fail(HONE_STATUS_UNSUPPORTED, "output '" + std::string(name) + "' is " +
                                      (d.is_sequence() ? "a sequence" : "an empty optional") + ", not a tensor");
  }
  if (d.tensor.dtype() == DataType::String) {
    fail(HONE_STATUS_UNSUPPORTED, "output '" + std::string(name) + "' holds strings, which cannot cross the C API");
  }
  return d.tensor;
}

// Runs on the worker when a queued run completes: the callback, then the bookkeeping.
void finish_run(hone_context* c, const Status& status, hone_run_callback_fn fn, void* user_data) noexcept {
  const hone_status code = to_c_status(status.code());
  std::string message;
  try {
    if (!status.is_ok()) message = status.to_string();
  } catch (...) {
    // Out of memory for the message: the code still reports the failure.
  }
  if (fn) {
    tl_callback_context = c;
    try {
      fn(c, code, message.c_str(), user_data);
    } catch (...) {
      // A C callback cannot throw; a C++ one must not take the worker thread down with it.
    }
    tl_callback_context = nullptr;
  }
  std::lock_guard<std::mutex> lock(c->mu);
  if (code != HONE_STATUS_OK && c->first_error == HONE_STATUS_OK) {
    c->first_error = code;
    c->first_error_message = std::move(message);
  }
  --c->in_flight;
  // NOTE: notified under the lock: once it is released a waiting destroy may free `c`.
  c->idle.notify_all();
}

void enqueue_run(hone_context* c, hone_run_callback_fn fn, void* user_data) {
  {
    std::lock_guard<std::mutex> lock(c->mu);
    ++c->in_flight;
  }
  try {
    c->context->enqueue([c, fn, user_data](Status s) { finish_run(c, s, fn, user_data); });
  } catch (...) {
    std::lock_guard<std::mutex> lock(c->mu);
    --c->in_flight;
    c->idle.notify_all();
    throw;
  }
}

void wait_idle(hone_context* c) {
  std::unique_lock<std::mutex> lock(c->mu);
  c->idle.wait(lock, [c] { return c->in_flight == 0; });
}

}  // namespace

hone_context* hone::capi::idle_context(hone_context* context) {
  hone_context* c = live_context(context);
  require_idle(*c);
  return c;
}

void hone::capi::CallbackProfiler::report_layer_time(std::string_view layer_name, float ms) {
  if (!fn_) return;
  tl_profiler_context = owner_;
  try {
    name_.assign(layer_name);
    fn_(name_.c_str(), ms, user_data_);
  } catch (...) {
    // Profiler::report_layer_time must not throw; a report lost to out-of-memory is dropped.
  }
  tl_profiler_context = nullptr;
}

extern "C" {

HONE_C_EXPORT hone_status hone_context_create(const hone_engine_t* engine, hone_context_t** out) {
  return guard(__func__, [&] {
    const hone_engine* e = live(engine, "engine");
    require(out, "out");
    auto c = std::make_unique<hone_context>();
    c->context = e->engine->create_context();
    publish(std::move(c), out);
  });
}

HONE_C_EXPORT hone_status hone_context_destroy(hone_context_t* context) {
  return guard(__func__, [&] {
    if (!context) return;
    hone_context* c = live_context(context);
    require_not_in_callback(*c, "destroy");
    wait_idle(c);
    destroy(c, "context");
  });
}

HONE_C_EXPORT hone_status hone_context_set_input_shape(hone_context_t* context, const char* name, const int64_t* dims,
                                                       size_t rank) {
  return guard(__func__, [&] {
    hone_context* c = live_context(context);
    require_idle(*c);
    const TensorDesc& d = input_desc(*c, name);
    check(c->context->set_input_shape(d.name, to_shape(dims, rank, "dims")));
  });
}

HONE_C_EXPORT hone_status hone_context_bind_input(hone_context_t* context, const char* name, const void* data,
                                                  size_t byte_size, hone_dtype dtype, const int64_t* dims,
                                                  size_t rank) {
  return guard(__func__, [&] {
    hone_context* c = live_context(context);
    require_idle(*c);
    const TensorDesc& d = input_desc(*c, name);
    const DataType t = to_dtype(dtype, "dtype");
    check_bound_dtype(d, t, "input");
    check(c->context->bind(d.name, wrap_buffer(t, to_shape(dims, rank, "dims"), data, byte_size)));
  });
}

HONE_C_EXPORT hone_status hone_context_bind_output(hone_context_t* context, const char* name, void* data,
                                                   size_t byte_size, hone_dtype dtype, const int64_t* dims,
                                                   size_t rank) {
  return guard(__func__, [&] {
    hone_context* c = live_context(context);
    require_idle(*c);
    const TensorDesc& d = output_desc(*c, name);
    const DataType t = to_dtype(dtype, "dtype");
    check_bound_dtype(d, t, "output");
    check(c->context->bind(d.name, wrap_buffer(t, to_shape(dims, rank, "dims"), data, byte_size)));
  });
}

HONE_C_EXPORT hone_status hone_context_bind_tensor(hone_context_t* context, const char* name,
                                                   const hone_tensor_t* tensor) {
  return guard(__func__, [&] {
    hone_context* c = live_context(context);
    const hone_tensor* t = live(tensor, "tensor");
    require_idle(*c);
    bool is_input = false;
    const TensorDesc& d = find_desc(engine_of(*c).inputs(), engine_of(*c).outputs(), name, &is_input);
    check_bound_dtype(d, t->tensor.dtype(), is_input ? "input" : "output");
    check(c->context->bind(d.name, t->tensor));
  });
}

HONE_C_EXPORT hone_status hone_context_unbind(hone_context_t* context, const char* name) {
  return guard(__func__, [&] {
    hone_context* c = live_context(context);
    require_idle(*c);
    const TensorDesc& d = find_desc(engine_of(*c).inputs(), engine_of(*c).outputs(), name);
    check(c->context->bind(d.name, Tensor()));
  });
}

HONE_C_EXPORT hone_status hone_context_set_input(hone_context_t* context, const char* name, const void* data,
                                                 size_t byte_size, hone_dtype dtype, const int64_t* dims, size_t rank) {
  return guard(__func__, [&] {
    hone_context* c = live_context(context);
    require_idle(*c);
    const TensorDesc& d = input_desc(*c, name);
    const DataType t = to_dtype(dtype, "dtype");
    check_bound_dtype(d, t, "input");
    const Shape shape = to_shape(dims, rank, "dims");
    const Tensor view = wrap_buffer(t, shape, data, byte_size);  // checks size and data
    Tensor copy = unwrap(Tensor::create(t, shape));
    if (byte_size > 0) std::memcpy(copy.raw(), view.raw(), byte_size);
    check(c->context->bind(d.name, std::move(copy)));
  });
}

HONE_C_EXPORT hone_status hone_context_run(hone_context_t* context) {
  return guard(__func__, [&] {
    hone_context* c = live_context(context);
    require_idle(*c);
    check(c->context->run());
  });
}

HONE_C_EXPORT hone_status hone_context_run_async(hone_context_t* context) {
  return guard(__func__, [&] { enqueue_run(live_context(context), nullptr, nullptr); });
}

HONE_C_EXPORT hone_status hone_context_run_async_with_callback(hone_context_t* context, hone_run_callback_fn fn,
                                                               void* user_data) {
  return guard(__func__, [&] {
    hone_context* c = live_context(context);
    require(fn, "fn");
    enqueue_run(c, fn, user_data);
  });
}

HONE_C_EXPORT hone_status hone_context_wait(hone_context_t* context) {
  return guard(__func__, [&] {
    hone_context* c = live_context(context);
    require_not_in_callback(*c, "wait for");
    std::unique_lock<std::mutex> lock(c->mu);
    c->idle.wait(lock, [c] { return c->in_flight == 0; });
    const hone_status code = c->first_error;
    std::string message = std::move(c->first_error_message);
    c->first_error = HONE_STATUS_OK;
    c->first_error_message.clear();
    lock.unlock();
    if (code != HONE_STATUS_OK) fail(code, "an asynchronous run failed: " + message);
  });
}

HONE_C_EXPORT hone_status hone_context_get_output(hone_context_t* context, const char* name, hone_tensor_t** out) {
  return guard(__func__, [&] {
    hone_context* c = live_context(context);
    require(out, "out");
    require_idle(*c);
    auto t = std::make_unique<hone_tensor>();
    t->tensor = output_tensor(*c, name);
    publish(std::move(t), out);
  });
}

HONE_C_EXPORT hone_status hone_context_get_output_shape(hone_context_t* context, const char* name, int64_t* dims,
                                                        size_t capacity, int64_t* rank) {
  return guard(__func__, [&] {
    hone_context* c = live_context(context);
    require_idle(*c);
    write_shape(output_tensor(*c, name).shape(), true, dims, capacity, rank);
  });
}

HONE_C_EXPORT hone_status hone_context_copy_output(hone_context_t* context, const char* name, void* dst,
                                                   size_t byte_size, hone_dtype dtype) {
  return guard(__func__, [&] {
    hone_context* c = live_context(context);
    require_idle(*c);
    const Tensor t = output_tensor(*c, name);
    const DataType given = to_dtype(dtype, "dtype");
    check_dtype_and_size("output '" + std::string(name) + "'", t.dtype(), given, t.nbytes(), byte_size);
    if (byte_size > 0) std::memcpy(require(dst, "dst"), t.raw(), byte_size);
  });
}

HONE_C_EXPORT hone_status hone_context_set_threads(hone_context_t* context, int threads) {
  return guard(__func__, [&] {
    hone_context* c = live_context(context);
    require_idle(*c);
    check(c->context->set_threads(threads));
  });
}

HONE_C_EXPORT hone_status hone_context_get_threads(const hone_context_t* context, int* threads) {
  return guard(__func__, [&] {
    const hone_context* c = live_context(context);
    *require(threads, "threads") = c->context->threads();
  });
}

HONE_C_EXPORT hone_status hone_context_set_profiler(hone_context_t* context, hone_profiler_fn fn, void* user_data) {
  return guard(__func__, [&] {
    hone_context* c = live_context(context);
    require_idle(*c);
    c->profiler.set(fn, user_data);
    c->context->set_profiler(fn ? &c->profiler : nullptr);
  });
}

}  // extern "C"
