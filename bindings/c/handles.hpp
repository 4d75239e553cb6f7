// The C API's internals (include/hone_c.h): the structs behind the opaque handles, the
// registry of live handles, and the boundary guard that turns errors and exceptions into a
// hone_status plus the thread's last-error message. Shared by the bindings/c/*.cpp files
// (vision.cpp adds the predictor and prediction handles over hone::vision).
#pragma once

#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <filesystem>
#include <memory>
#include <mutex>
#include <new>
#include <string>
#include <utility>
#include <vector>

#include "hone/builder.hpp"
#include "hone/engine.hpp"
#include "hone/profiler.hpp"
#include "hone/status.hpp"
#include "hone/vision.hpp"
#include "hone_c.h"
#include "ir/graph.hpp"

struct hone_network;
struct hone_builder_config;
struct hone_context;

namespace hone::capi {

enum class HandleKind : uint8_t { Network, BuilderConfig, Engine, Context, Tensor, Predictor, Prediction };

/// "hone_engine_t" etc., for messages.
const char* handle_kind_name(HandleKind kind);

/// The set of live handles (address -> kind). Every call checks its handles here, so a
/// destroyed handle is reported, not dereferenced. Thread-safe.
void register_handle(const void* handle, HandleKind kind);
/// Removes a live handle; false when it is not live with that kind.
bool unregister_handle(const void* handle, HandleKind kind);
bool is_live(const void* handle, HandleKind kind);

/// An error on its way to the boundary: bindings code throws it (and only bindings code —
/// the C++ library below returns Status), guard() catches it.
struct ApiError {
  hone_status code;
  std::string message;
};

[[noreturn]] void fail(hone_status code, std::string message);
/// Throws ApiError for a failed Status (its code, its one-line message with node context).
void check(const Status& status);
template <class T>
T unwrap(Result<T>&& result) {
  if (!result.is_ok()) check(result.status());
  return std::move(result).value();
}
hone_status to_c_status(StatusCode code);

/// Sets the calling thread's last-error message ("" clears it).
void set_last_error(std::string message);

/// Runs `body` for C function `function`: OK on return (clearing the thread's message), the
/// error's code and "function: message" for an ApiError, HONE_STATUS_INTERNAL for any other
/// exception. Nothing escapes.
template <class F>
hone_status guard(const char* function, F&& body) noexcept {
  try {
    try {
      body();
      set_last_error({});
      return HONE_STATUS_OK;
    } catch (const ApiError& e) {
      set_last_error(std::string(function) + ": " + e.message);
      return e.code;
    } catch (const std::bad_alloc&) {
      set_last_error(std::string(function) + ": out of memory");
    } catch (const std::exception& e) {
      set_last_error(std::string(function) + ": internal error: " + e.what());
    } catch (...) {
      set_last_error(std::string(function) + ": internal error: unknown exception");
    }
  } catch (...) {
    // Building the message itself failed (out of memory): the code alone must do.
  }
  return HONE_STATUS_INTERNAL;
}

/// A non-NULL pointer argument, or INVALID_ARGUMENT "argument 'what' is NULL".
template <class T>
T* require(T* pointer, const char* what) {
  if (!pointer) fail(HONE_STATUS_INVALID_ARGUMENT, std::string("argument '") + what + "' is NULL");
  return pointer;
}

/// A live handle of H's kind, or INVALID_ARGUMENT naming the argument (NULL, destroyed or
/// not a handle of that type).
template <class H>
H* live(H* handle, const char* what) {
  require(handle, what);
  if (!is_live(handle, H::kKind)) {
    fail(HONE_STATUS_INVALID_ARGUMENT, std::string("argument '") + what + "' is not a live " +
                                           handle_kind_name(H::kKind) + " (destroyed, or not created by Hone)");
  }
  return handle;
}

/// Registers a new handle and hands it to `*out` (the caller checked `out`).
template <class H>
void publish(std::unique_ptr<H> handle, H** out) {
  register_handle(handle.get(), H::kKind);
  *out = handle.release();
}

/// Unregisters and deletes a handle; NULL is a no-op, a handle that is not live fails.
template <class H>
void destroy(H* handle, const char* what) {
  if (!handle) return;
  if (!unregister_handle(handle, H::kKind)) live(handle, what);  // reports why
  delete handle;
}

/// The element type of a C dtype argument: INVALID_ARGUMENT outside the enum or UNDEFINED,
/// UNSUPPORTED for strings (they have no byte layout in C).
DataType to_dtype(hone_dtype dtype, const char* what);
/// `rank` dims from `dims` (which may be NULL only when rank is 0); negative dims fail.
Shape to_shape(const int64_t* dims, size_t rank, const char* what);
/// Writes a shape out by the header's conventions (rank -1 when !has_rank; capacity < rank
/// fails after writing the rank).
void write_shape(const Shape& shape, bool has_rank, int64_t* dims, size_t capacity, int64_t* rank);
/// Bytes of a buffer of `dtype` and `shape`; INVALID_ARGUMENT when it overflows size_t.
size_t buffer_bytes(DataType dtype, const Shape& shape);
/// A Tensor over caller memory after checking that `byte_size` is exactly its size and
/// `data` is not NULL when bytes are expected.
Tensor wrap_buffer(DataType dtype, const Shape& shape, const void* data, size_t byte_size);
/// INVALID_ARGUMENT unless `given` is `expected` and `byte_size` is `expected_bytes`.
void check_dtype_and_size(const std::string& what, DataType expected, DataType given, size_t expected_bytes,
                          size_t byte_size);

/// list[index]; OUT_OF_RANGE naming `what` ("input", "output") otherwise.
const TensorDesc& desc_at(const std::vector<TensorDesc>& list, size_t index, const char* what);

/// The description (name, dtype, shape) of tensor `name` in `inputs` then `outputs`, or
/// NOT_FOUND; `*is_input` tells which list it came from.
const TensorDesc& find_desc(const std::vector<TensorDesc>& inputs, const std::vector<TensorDesc>& outputs,
                            const char* name, bool* is_input = nullptr);

/// `context` when it is live and this thread may change it: not from inside its profiler
/// callback, and with no asynchronous runs in flight (unless called from its own run
/// callback). INVALID_ARGUMENT otherwise (context.cpp).
hone_context* idle_context(hone_context* context);

/// The network's graph for one build: the imported one the first time, a fresh import after.
std::unique_ptr<ir::Graph> take_graph(const hone_network& network);

/// The config whose hone_engine_build runs on this thread (nullptr: none): its progress
/// callback must not change or destroy it, so the config's calls check this.
const hone_builder_config*& building_config();

/// The profiler a context hands its ExecutionContext: forwards to the C function pointer.
/// Calls on the context from inside `fn` are refused (the run holds the context's lock).
class CallbackProfiler final : public Profiler {
 public:
  explicit CallbackProfiler(const hone_context* owner) : owner_(owner) {}
  void set(hone_profiler_fn fn, void* user_data) { fn_ = fn; user_data_ = user_data; }
  void report_layer_time(std::string_view layer_name, float ms) override;  // context.cpp

 private:
  const hone_context* owner_;
  hone_profiler_fn fn_ = nullptr;
  void* user_data_ = nullptr;
  std::string name_;  // NUL-terminated copy of the layer name
};

}  // namespace hone::capi

// The handle structs, at global scope to match the C header's `struct hone_*` tags.

struct hone_network {
  static constexpr hone::capi::HandleKind kKind = hone::capi::HandleKind::Network;
  // Where the model came from, to import it again for a second build (build_plan consumes
  // the graph it is given and the IR has no deep copy).
  std::string path;                // a file, or "" for bytes
  std::string bytes;               // the model bytes when not from a file
  std::filesystem::path base_dir;  // external data for `bytes`
  std::vector<hone::TensorDesc> inputs, outputs;
  // The imported graph, null once a build took it; `mu` guards it (two threads may build
  // one network).
  mutable std::mutex mu;
  mutable std::unique_ptr<hone::ir::Graph> graph;
};

struct hone_builder_config {
  static constexpr hone::capi::HandleKind kKind = hone::capi::HandleKind::BuilderConfig;
  hone::BuildConfig config;
};

struct hone_engine {
  static constexpr hone::capi::HandleKind kKind = hone::capi::HandleKind::Engine;
  std::shared_ptr<const hone::Engine> engine;
};

struct hone_tensor {
  static constexpr hone::capi::HandleKind kKind = hone::capi::HandleKind::Tensor;
  hone::Tensor tensor;  // shares storage with whatever it was made from
};

struct hone_context {
  static constexpr hone::capi::HandleKind kKind = hone::capi::HandleKind::Context;
  hone::capi::CallbackProfiler profiler{this};
  // Asynchronous runs: counted from the queueing until their callback returned.
  std::mutex mu;
  std::condition_variable idle;
  int in_flight = 0;
  hone_status first_error = HONE_STATUS_OK;  // of the runs since the last wait
  std::string first_error_message;
  // Declared last, destroyed first: its worker thread is joined while the members above,
  // which the worker's completions use, still exist.
  std::unique_ptr<hone::ExecutionContext> context;
};

struct hone_predictor {
  static constexpr hone::capi::HandleKind kKind = hone::capi::HandleKind::Predictor;
  std::unique_ptr<hone::vision::Predictor> predictor;
};

struct hone_prediction {
  static constexpr hone::capi::HandleKind kKind = hone::capi::HandleKind::Prediction;
  hone::vision::Prediction prediction;
};
