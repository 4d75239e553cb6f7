// hone_c.h: Hone's C ABI (C99), the stable surface other languages (C#, plain C, anything
// with a C FFI) reach the engine through. It wraps the C++ API of include/hone/ — parse a
// model into a network, build it into an engine with a builder config, save/load engines,
// run them in execution contexts — behind opaque handles and status codes. Implemented in
// bindings/c/ and shipped as libhone_c.so (SONAME libhone_c.so.0), which exports only
// hone_* symbols. docs/c-api.md has a walk-through.
//
// Conventions that hold for every function below unless its comment says otherwise:
//  - Functions that can fail return hone_status. HONE_STATUS_OK (0) is success; on failure
//    a one-line message is kept for the calling thread (hone_last_error_message()), and out
//    parameters are left unchanged. A successful call clears the message.
//  - Nothing throws or aborts across this boundary: C++ exceptions (out of memory included)
//    become HONE_STATUS_INTERNAL with a message.
//  - A NULL handle or a NULL pointer argument gives HONE_STATUS_INVALID_ARGUMENT with a
//    message naming the function and the argument. The *_destroy functions accept NULL and
//    do nothing (like free()).
//  - Handles are checked against the set of live handles on every call: one that was
//    destroyed (or never created by Hone, or of another handle type) gives
//    HONE_STATUS_INVALID_ARGUMENT instead of a crash. A destroyed handle's address may be
//    reused by a later handle of the same type, which then is what the call sees.
//  - Ownership: a function that returns a handle through `T** out` gives the caller one
//    handle to destroy with the matching *_destroy. Strings returned as `const char*` are
//    owned by the handle they came from and live as long as it does, unless noted.
//  - Shapes are arrays of int64_t dimensions plus a rank. In descriptions of engine and
//    network tensors a dimension of -1 is dynamic and a rank of -1 means even the rank is
//    unknown. Queries write the rank and the dims into `dims`, which holds `capacity`
//    entries; pass dims = NULL and capacity = 0 to ask for the rank only. A non-NULL `dims`
//    with a capacity below the rank fails (HONE_STATUS_INVALID_ARGUMENT) after writing the
//    rank.
//  - Thread safety: the free functions, hone_network_t, hone_builder_config_t and
//    hone_tensor_t calls are safe from any thread as long as one handle is not changed
//    (set_*, destroy) while another thread uses it. hone_engine_t is immutable: any number
//    of threads may query it and create contexts from it at once. A hone_context_t is used
//    by one thread at a time; several contexts of one engine run concurrently.
#ifndef HONE_C_H_
#define HONE_C_H_

#include <stddef.h>
#include <stdint.h>

#if defined(__GNUC__) || defined(__clang__)
#define HONE_C_EXPORT __attribute__((visibility("default")))
#else
#define HONE_C_EXPORT
#endif

#ifdef __cplusplus
extern "C" {
#endif

// ---------------------------------------------------------------------------------------------
// Versions, status codes, errors

/// The version of the C declarations in this header. Raised whenever a declaration is added
/// or changed; compare with hone_c_api_version() to detect a header/library mismatch.
#define HONE_C_API_VERSION 1

/// Status codes, one per hone::StatusCode (include/hone/status.hpp), same values.
typedef enum hone_status {
  HONE_STATUS_OK = 0,
  HONE_STATUS_INVALID_ARGUMENT = 1,  // a caller-supplied value (handle, pointer, shape, buffer, dtype) is wrong
  HONE_STATUS_INVALID_MODEL = 2,     // the model file, graph or engine file is malformed or corrupt
  HONE_STATUS_UNSUPPORTED = 3,       // valid, but Hone does not implement it (operator, dtype, precision, version)
  HONE_STATUS_NOT_FOUND = 4,         // a file, input, output or tensor name does not exist
  HONE_STATUS_IO_ERROR = 5,          // reading or writing a file failed
  HONE_STATUS_OUT_OF_RANGE = 6,      // an index or value outside what an operator accepts at run time
  HONE_STATUS_INTERNAL = 7,          // a broken invariant inside Hone, or an exception caught at the boundary
} hone_status;

/// The library's version, e.g. "0.1.0" (the project version). Static storage; never NULL.
HONE_C_EXPORT const char* hone_version(void);

/// HONE_C_API_VERSION of the library that is loaded.
HONE_C_EXPORT int hone_c_api_version(void);

/// Name of a status code as the C++ API spells it ("Ok", "InvalidArgument", "InvalidModel",
/// ...); "Unknown" for a value outside the enum. Static storage; never NULL.
HONE_C_EXPORT const char* hone_status_name(hone_status status);

/// The message of the calling thread's last failed call ("" when its last call succeeded or
/// it made none), e.g. "hone_engine_load_file: 'a.hone': not a Hone engine file". Owned by
/// the library, valid until this thread's next hone_* call that returns a hone_status.
/// Thread-local: never NULL, and never a message of another thread.
HONE_C_EXPORT const char* hone_last_error_message(void);

/// Frees memory the library allocated for the caller (hone_engine_serialize). NULL is a
/// no-op. Use it rather than free(): the library may use another allocator.
HONE_C_EXPORT void hone_free(void* memory);

// ---------------------------------------------------------------------------------------------
// Element types

/// Element types, numbered as ONNX's TensorProto.DataType. Sub-byte types (int4, uint4,
/// int2, uint2, float4e2m1) are held unpacked, one element per byte. Strings cannot cross
/// the C API as buffers (HONE_STATUS_UNSUPPORTED).
typedef enum hone_dtype {
  HONE_DTYPE_UNDEFINED = 0,
  HONE_DTYPE_FLOAT32 = 1,
  HONE_DTYPE_UINT8 = 2,
  HONE_DTYPE_INT8 = 3,
  HONE_DTYPE_UINT16 = 4,
  HONE_DTYPE_INT16 = 5,
  HONE_DTYPE_INT32 = 6,
  HONE_DTYPE_INT64 = 7,
  HONE_DTYPE_STRING = 8,
  HONE_DTYPE_BOOL = 9,  // one byte per element, 0 or 1
  HONE_DTYPE_FLOAT16 = 10,
  HONE_DTYPE_FLOAT64 = 11,
  HONE_DTYPE_UINT32 = 12,
  HONE_DTYPE_UINT64 = 13,
  HONE_DTYPE_COMPLEX64 = 14,
  HONE_DTYPE_COMPLEX128 = 15,
  HONE_DTYPE_BFLOAT16 = 16,
  HONE_DTYPE_FLOAT8E4M3FN = 17,
  HONE_DTYPE_FLOAT8E4M3FNUZ = 18,
  HONE_DTYPE_FLOAT8E5M2 = 19,
  HONE_DTYPE_FLOAT8E5M2FNUZ = 20,
  HONE_DTYPE_UINT4 = 21,
  HONE_DTYPE_INT4 = 22,
  HONE_DTYPE_FLOAT4E2M1 = 23,
  HONE_DTYPE_FLOAT8E8M0 = 24,
  HONE_DTYPE_UINT2 = 25,
  HONE_DTYPE_INT2 = 26,
} hone_dtype;

/// ONNX spelling of an element type ("float", "float16", "int64", ...); "undefined" for
/// HONE_DTYPE_UNDEFINED and for values outside the enum. Static storage; never NULL.
HONE_C_EXPORT const char* hone_dtype_name(hone_dtype dtype);

/// Bytes one element takes in a buffer; 0 for HONE_DTYPE_UNDEFINED, HONE_DTYPE_STRING and
/// values outside the enum.
HONE_C_EXPORT size_t hone_dtype_size(hone_dtype dtype);

// ---------------------------------------------------------------------------------------------
// Opaque handles

/// A parsed model (an ONNX graph), input to hone_engine_build.
typedef struct hone_network hone_network_t;
/// Build settings (TensorRT's IBuilderConfig): threads, precisions, shapes, timing cache...
typedef struct hone_builder_config hone_builder_config_t;
/// A built or loaded engine: immutable, shareable between threads, one copy of the weights.
typedef struct hone_engine hone_engine_t;
/// An execution context of an engine: activation memory, bindings, a worker for async runs.
typedef struct hone_context hone_context_t;
/// An n-d buffer with an element type and a shape: owned by the library (created, or an
/// output of a run) or borrowed (wrapping caller memory).
typedef struct hone_tensor hone_tensor_t;

// ---------------------------------------------------------------------------------------------
// Network: a parsed model

/// Parses an ONNX model file (external data files are read relative to its folder).
/// *out receives a network to destroy with hone_network_destroy.
/// Errors: INVALID_ARGUMENT (NULL path or out), NOT_FOUND / IO_ERROR (the file cannot be
/// read), INVALID_MODEL (not ONNX, malformed graph), UNSUPPORTED (IR version, opset, or
/// operators; every unsupported operator is listed with its node name).
/// The file is read again if the network is built more than once.
HONE_C_EXPORT hone_status hone_network_create_from_file(const char* path, hone_network_t** out);

/// Parses an ONNX model from `size` bytes at `data` (copied; the caller may free them on
/// return). `base_dir` resolves external data files; NULL or "" for none.
/// Errors as hone_network_create_from_file; INVALID_ARGUMENT for NULL data or size 0.
HONE_C_EXPORT hone_status hone_network_create_from_memory(const void* data, size_t size, const char* base_dir,
                                                          hone_network_t** out);

/// One of the networks Hone builds in code: "tinynet", a small residual CNN classifier,
/// input "input" float32 [1,3,64,64] -> output "probs" float32 [1,10]. Meant for demos and
/// tests that need a model without files. NOT_FOUND (listing the names) for other names.
HONE_C_EXPORT hone_status hone_network_create_builtin(const char* name, hone_network_t** out);

/// Destroys a network. NULL is a no-op (OK); an already destroyed handle is
/// INVALID_ARGUMENT. Engines built from it are independent of it.
HONE_C_EXPORT hone_status hone_network_destroy(hone_network_t* network);

/// Number of runtime inputs (initializers excluded) and of outputs.
HONE_C_EXPORT hone_status hone_network_get_num_inputs(const hone_network_t* network, size_t* count);
HONE_C_EXPORT hone_status hone_network_get_num_outputs(const hone_network_t* network, size_t* count);

/// Name of input / output `index` (0-based, model order). OUT_OF_RANGE for index >= count.
/// The string lives as long as the network.
HONE_C_EXPORT hone_status hone_network_get_input_name(const hone_network_t* network, size_t index, const char** name);
HONE_C_EXPORT hone_status hone_network_get_output_name(const hone_network_t* network, size_t index, const char** name);

/// Element type / declared shape of the input or output called `name` (dims -1 where
/// dynamic, rank -1 when unknown; see the shape conventions at the top). NOT_FOUND for an
/// unknown name. An output whose type the model leaves to inference reports the inferred type.
HONE_C_EXPORT hone_status hone_network_get_tensor_dtype(const hone_network_t* network, const char* name,
                                                        hone_dtype* dtype);
HONE_C_EXPORT hone_status hone_network_get_tensor_shape(const hone_network_t* network, const char* name,
                                                        int64_t* dims, size_t capacity, int64_t* rank);

// ---------------------------------------------------------------------------------------------
// Builder config

/// Precisions layers may run in, as bit flags for hone_builder_config_set_precisions.
/// NOTE: this version of Hone builds float32 layers only; a config that allows another
/// precision is stored, and hone_engine_build then fails with HONE_STATUS_UNSUPPORTED.
typedef enum hone_precision {
  HONE_PRECISION_FP32 = 1 << 0,
  HONE_PRECISION_FP16 = 1 << 1,
  HONE_PRECISION_BF16 = 1 << 2,
  HONE_PRECISION_INT8 = 1 << 3,
} hone_precision;

/// Called during hone_engine_build with a stage name ("shapes", "optimize", "tactics",
/// "memory", "done"...) and the fraction of the build done (0..1), on the building thread.
/// `stage` is valid during the call only. Calls that change or destroy the config being
/// built fail there with HONE_STATUS_INVALID_ARGUMENT.
typedef void (*hone_progress_fn)(const char* stage, double fraction, void* user_data);

/// A config with the defaults: device "cpu", float32, threads 0 (= the machine's physical
/// cores), no workspace limit, the model's own input shapes, no timing cache, every tactic,
/// 5 timing runs per candidate tactic, graph optimizations on.
HONE_C_EXPORT hone_status hone_builder_config_create(hone_builder_config_t** out);
/// NULL is a no-op; an already destroyed handle is INVALID_ARGUMENT.
HONE_C_EXPORT hone_status hone_builder_config_destroy(hone_builder_config_t* config);

/// The device to build for. Only "cpu" exists in this version; others fail at build time
/// (NOT_FOUND). INVALID_ARGUMENT for NULL or "".
HONE_C_EXPORT hone_status hone_builder_config_set_device(hone_builder_config_t* config, const char* device);
/// Threads layers are timed on and contexts use by default; 0 = the physical cores.
/// INVALID_ARGUMENT for threads < 0.
HONE_C_EXPORT hone_status hone_builder_config_set_threads(hone_builder_config_t* config, int threads);
/// OR of hone_precision flags. INVALID_ARGUMENT for 0 or unknown bits.
HONE_C_EXPORT hone_status hone_builder_config_set_precisions(hone_builder_config_t* config, uint32_t flags);
/// Largest per-layer scratch memory a tactic may use, in bytes; 0 = no limit.
HONE_C_EXPORT hone_status hone_builder_config_set_workspace_limit(hone_builder_config_t* config, uint64_t bytes);
/// The shapes input `name` may take at run time (an optimization profile): every dim d has
/// min[d] <= d <= max[d]; tactics are chosen for `opt`. min == opt == max fixes the shape.
/// The three arrays hold `rank` dims each (may be NULL when rank is 0). Setting a name again
/// replaces its range. INVALID_ARGUMENT for negative dims or min > opt or opt > max; a name
/// the model lacks, or a rank that does not fit it, fails at build time (INVALID_ARGUMENT).
HONE_C_EXPORT hone_status hone_builder_config_set_input_shape(hone_builder_config_t* config, const char* name,
                                                              const int64_t* min_dims, const int64_t* opt_dims,
                                                              const int64_t* max_dims, size_t rank);
/// Tactic timings are read from and written to this file (JSON), so rebuilding skips the
/// timing. NULL or "" = no cache. A file that cannot be read or written fails the build.
HONE_C_EXPORT hone_status hone_builder_config_set_timing_cache_path(hone_builder_config_t* config, const char* path);
/// Only tactics whose ID is listed (or starts with a listed entry followed by '.', e.g.
/// "cpu.f32") may be chosen; layers no allowed tactic supports fall back to every tactic.
/// `ids` holds `count` strings (copied); count 0 (ids may then be NULL) allows every tactic.
HONE_C_EXPORT hone_status hone_builder_config_set_allowed_tactics(hone_builder_config_t* config, const char* const* ids,
                                                                  size_t count);
/// Timed runs per candidate tactic (after one warm-up). INVALID_ARGUMENT for < 1.
HONE_C_EXPORT hone_status hone_builder_config_set_tuning_iterations(hone_builder_config_t* config, int iterations);
/// Whether the graph optimization passes run (non-zero: yes, the default).
HONE_C_EXPORT hone_status hone_builder_config_set_optimize(hone_builder_config_t* config, int enabled);
/// Build progress reports (NULL `fn` turns them off). `user_data` is passed through.
HONE_C_EXPORT hone_status hone_builder_config_set_progress_callback(hone_builder_config_t* config, hone_progress_fn fn,
                                                                    void* user_data);

// ---------------------------------------------------------------------------------------------
// Engine

/// Where a named engine tensor sits.
typedef enum hone_tensor_io {
  HONE_TENSOR_IO_INPUT = 0,
  HONE_TENSOR_IO_OUTPUT = 1,
} hone_tensor_io;

/// Builds an engine from `network` with `config`: shape inference, graph optimization,
/// per-layer tactic selection (timed on this machine), weight packing, memory planning.
/// Neither argument is consumed: both may be used (and built) again and destroyed at any
/// time after. May take seconds for large models; reports progress through the config.
/// Errors: INVALID_ARGUMENT (shapes that do not fit the model or name no input, a timing
/// cache file that is not one), UNSUPPORTED (no tactic for a layer, every such layer
/// listed; a precision other than FP32), NOT_FOUND (unknown device), IO_ERROR (the timing
/// cache cannot be read or written), INVALID_MODEL (a model the import accepted but the
/// build finds inconsistent).
HONE_C_EXPORT hone_status hone_engine_build(const hone_network_t* network, const hone_builder_config_t* config,
                                            hone_engine_t** out);

/// Loads an engine file written by hone_engine_save_file or `hone build` (mapped, weights
/// not copied). Refuses, with a message naming the file: NOT_FOUND / IO_ERROR (cannot be
/// opened or read), INVALID_MODEL (not an engine file, truncated, corrupt: every section is
/// checksummed), UNSUPPORTED (another format version, device or CPU feature set).
HONE_C_EXPORT hone_status hone_engine_load_file(const char* path, hone_engine_t** out);

/// Loads an engine from `size` bytes at `data` (hone_engine_serialize's output), copied
/// once into aligned storage: the caller may free them on return. Errors as
/// hone_engine_load_file; INVALID_ARGUMENT for NULL data or size 0.
HONE_C_EXPORT hone_status hone_engine_load_memory(const void* data, size_t size, hone_engine_t** out);

/// Writes the engine file (via a temporary file renamed over `path`: a failed write leaves
/// no partial file). IO_ERROR with the OS reason.
HONE_C_EXPORT hone_status hone_engine_save_file(const hone_engine_t* engine, const char* path);

/// The engine-file bytes: *data receives `*size` bytes allocated by the library, which the
/// caller frees with hone_free(). Deterministic for a given engine.
HONE_C_EXPORT hone_status hone_engine_serialize(const hone_engine_t* engine, void** data, size_t* size);

/// Destroys the caller's handle. Contexts created from the engine keep what they need
/// alive, so they stay usable. NULL is a no-op; an already destroyed handle is
/// INVALID_ARGUMENT.
HONE_C_EXPORT hone_status hone_engine_destroy(hone_engine_t* engine);

/// Number of runtime inputs and of outputs.
HONE_C_EXPORT hone_status hone_engine_get_num_inputs(const hone_engine_t* engine, size_t* count);
HONE_C_EXPORT hone_status hone_engine_get_num_outputs(const hone_engine_t* engine, size_t* count);
/// Name of input / output `index` (engine order). OUT_OF_RANGE for index >= count. The
/// string lives as long as the engine handle.
HONE_C_EXPORT hone_status hone_engine_get_input_name(const hone_engine_t* engine, size_t index, const char** name);
HONE_C_EXPORT hone_status hone_engine_get_output_name(const hone_engine_t* engine, size_t index, const char** name);
/// Whether `name` is an input or an output. NOT_FOUND for an unknown name.
HONE_C_EXPORT hone_status hone_engine_get_tensor_io(const hone_engine_t* engine, const char* name, hone_tensor_io* io);
/// Element type of input or output `name`. NOT_FOUND for an unknown name.
HONE_C_EXPORT hone_status hone_engine_get_tensor_dtype(const hone_engine_t* engine, const char* name,
                                                       hone_dtype* dtype);
/// Shape of input or output `name` as the engine knows it before a run: -1 for dims that
/// depend on the input shapes, rank -1 when unknown. NOT_FOUND for an unknown name.
HONE_C_EXPORT hone_status hone_engine_get_tensor_shape(const hone_engine_t* engine, const char* name, int64_t* dims,
                                                       size_t capacity, int64_t* rank);
/// The optimization profile of input `name`: the min / opt / max shapes it was built for
/// (each array `capacity` dims; any may be NULL to skip it). An input built without a range
/// reports its declared shape three times (-1 where any size is accepted). NOT_FOUND for a
/// name that is not an input; rank -1 when the input's rank is unknown.
HONE_C_EXPORT hone_status hone_engine_get_input_profile(const hone_engine_t* engine, const char* name,
                                                        int64_t* min_dims, int64_t* opt_dims, int64_t* max_dims,
                                                        size_t capacity, int64_t* rank);
/// Number of layers (after fusion).
HONE_C_EXPORT hone_status hone_engine_get_num_layers(const hone_engine_t* engine, size_t* count);

// ---------------------------------------------------------------------------------------------
// Execution context

/// Called once per layer per run, in layer order, on the thread that runs the context (the
/// caller's for hone_context_run, the context's worker for async runs): the layer's name
/// (fused layers join their node names with " + "; valid during the call only) and its time
/// in milliseconds. Calls on the same context fail there with HONE_STATUS_INVALID_ARGUMENT
/// (the run holds the context).
typedef void (*hone_profiler_fn)(const char* layer_name, float ms, void* user_data);

/// Called on the context's worker thread when an asynchronous run completes, with its
/// status and message ("" on success; valid during the call only). Inside the callback the
/// context's outputs are those of this run and may be read (get_output, copy_output), and
/// bindings may be changed for the next run; hone_context_wait and hone_context_destroy on
/// this context fail there (INVALID_ARGUMENT) instead of deadlocking.
typedef void (*hone_run_callback_fn)(hone_context_t* context, hone_status status, const char* message,
                                     void* user_data);

/// A new context of `engine` with its own activation memory (allocated on the first run).
/// The context keeps the engine alive: the engine handle may be destroyed first.
HONE_C_EXPORT hone_status hone_context_create(const hone_engine_t* engine, hone_context_t** out);

/// Waits for the context's asynchronous runs (their callbacks included), then destroys it.
/// Tensors obtained from hone_context_get_output stay valid. NULL is a no-op; an already
/// destroyed handle, or a call from inside this context's run callback, is INVALID_ARGUMENT.
HONE_C_EXPORT hone_status hone_context_destroy(hone_context_t* context);

/// NOTE, for every call below that changes the context or reads its outputs (everything but
/// run_async, run_async_with_callback, wait, get_threads and destroy): while asynchronous
/// runs are in flight it fails with INVALID_ARGUMENT ("... in flight; call
/// hone_context_wait first") rather than racing with them, except from inside the
/// context's own run callback.

/// Fixes input `name`'s shape for the following runs; `dims` holds `rank` dims (NULL when
/// rank is 0). Must lie within the engine's profile (or match its static dims):
/// INVALID_ARGUMENT otherwise, naming the shapes allowed. NOT_FOUND for an unknown input. A
/// bound input must then have this shape when the context runs.
HONE_C_EXPORT hone_status hone_context_set_input_shape(hone_context_t* context, const char* name, const int64_t* dims,
                                                       size_t rank);

/// Binds caller memory to input `name` without copying: `byte_size` bytes at `data` hold a
/// row-major tensor of `dtype` and shape `dims` (`rank` dims). The caller keeps the memory
/// alive and unchanged while runs use it (until unbound, rebound, or the context is
/// destroyed). INVALID_ARGUMENT when byte_size != product(dims) * hone_dtype_size(dtype),
/// for a dtype other than the input's, a shape outside the engine's profile, or NULL data
/// with byte_size > 0; UNSUPPORTED for string tensors; NOT_FOUND for an unknown input.
HONE_C_EXPORT hone_status hone_context_bind_input(hone_context_t* context, const char* name, const void* data,
                                                  size_t byte_size, hone_dtype dtype, const int64_t* dims, size_t rank);

/// Binds caller memory to output `name`: runs write the output there, no copy. Checked like
/// bind_input (byte size, dtype == the output's); the shape must be the one the run
/// produces, else hone_context_run fails with INVALID_ARGUMENT naming both shapes.
HONE_C_EXPORT hone_status hone_context_bind_output(hone_context_t* context, const char* name, void* data,
                                                   size_t byte_size, hone_dtype dtype, const int64_t* dims,
                                                   size_t rank);

/// Binds a tensor's buffer to input or output `name` without copying (checks as
/// bind_input / bind_output). The context holds its own reference to an owned tensor's
/// buffer, so `tensor` may be destroyed after binding; a borrowed tensor's caller memory
/// must outlive the binding.
HONE_C_EXPORT hone_status hone_context_bind_tensor(hone_context_t* context, const char* name,
                                                   const hone_tensor_t* tensor);

/// Removes the binding of input or output `name` (an unbound output is written to fresh
/// memory each run; an unbound input fails the next run). NOT_FOUND for an unknown name.
HONE_C_EXPORT hone_status hone_context_unbind(hone_context_t* context, const char* name);

/// Copies `byte_size` bytes into memory owned by the context and binds them to input
/// `name`; the caller's buffer may be reused on return. Checks as bind_input.
HONE_C_EXPORT hone_status hone_context_set_input(hone_context_t* context, const char* name, const void* data,
                                                 size_t byte_size, hone_dtype dtype, const int64_t* dims, size_t rank);

/// Runs once with the bound inputs and blocks until done. Errors: INVALID_ARGUMENT (an
/// input not bound, a bound output of the wrong shape, a bound input whose shape differs
/// from set_input_shape), or the failing layer's error naming the layer.
HONE_C_EXPORT hone_status hone_context_run(hone_context_t* context);

/// Queues a run on the context's worker thread and returns at once; runs of one context
/// execute in order. Inputs and outputs must stay bound and unchanged until it completes.
/// Its status is reported by hone_context_wait.
HONE_C_EXPORT hone_status hone_context_run_async(hone_context_t* context);

/// Same, and calls `fn(context, status, message, user_data)` on the worker thread when the
/// run completes (see hone_run_callback_fn). INVALID_ARGUMENT for NULL fn.
HONE_C_EXPORT hone_status hone_context_run_async_with_callback(hone_context_t* context, hone_run_callback_fn fn,
                                                               void* user_data);

/// Blocks until every queued run of the context (and its callback) has completed. Returns
/// the status of the first run that failed since the previous wait (with its message), or
/// OK. INVALID_ARGUMENT when called from inside this context's run callback.
HONE_C_EXPORT hone_status hone_context_wait(hone_context_t* context);

/// Output `name` of the last run as a new tensor handle (destroy it with
/// hone_tensor_destroy). The tensor shares the output's buffer: an unbound output's buffer
/// is fresh per run, so the tensor keeps this run's values after later runs and after the
/// context is destroyed; a bound output's tensor views the caller's buffer. NOT_FOUND for an
/// unknown output, INVALID_ARGUMENT before the first successful run, UNSUPPORTED for
/// outputs that are not tensors (sequences, optionals) or hold strings.
HONE_C_EXPORT hone_status hone_context_get_output(hone_context_t* context, const char* name, hone_tensor_t** out);

/// Shape of output `name` after the last run (see the shape conventions). Errors as
/// hone_context_get_output.
HONE_C_EXPORT hone_status hone_context_get_output_shape(hone_context_t* context, const char* name, int64_t* dims,
                                                        size_t capacity, int64_t* rank);

/// Copies output `name` of the last run into `byte_size` bytes at `dst`. `dtype` must be
/// the output's element type (no conversion: INVALID_ARGUMENT naming both types) and
/// byte_size its size in bytes exactly (INVALID_ARGUMENT naming both sizes). Errors
/// otherwise as hone_context_get_output.
HONE_C_EXPORT hone_status hone_context_copy_output(hone_context_t* context, const char* name, void* dst,
                                                   size_t byte_size, hone_dtype dtype);

/// Threads this context's layers split their work over (default: the engine's, set at build
/// time). INVALID_ARGUMENT for threads < 1.
HONE_C_EXPORT hone_status hone_context_set_threads(hone_context_t* context, int threads);
HONE_C_EXPORT hone_status hone_context_get_threads(const hone_context_t* context, int* threads);

/// Per-layer timings of every following run go to `fn` (NULL turns profiling off).
HONE_C_EXPORT hone_status hone_context_set_profiler(hone_context_t* context, hone_profiler_fn fn, void* user_data);

// ---------------------------------------------------------------------------------------------
// Tensor: an n-d buffer with an element type and a shape

/// A new tensor owning zero-filled storage of `dtype` and shape `dims` (`rank` dims; NULL
/// when rank is 0), 64-byte aligned. INVALID_ARGUMENT for negative dims, HONE_DTYPE_UNDEFINED
/// or a size over the addressable limit; UNSUPPORTED for strings.
HONE_C_EXPORT hone_status hone_tensor_create(hone_dtype dtype, const int64_t* dims, size_t rank, hone_tensor_t** out);

/// A tensor borrowing `byte_size` bytes of caller memory at `data` (not copied, not freed):
/// the memory must outlive the tensor and every binding of it. INVALID_ARGUMENT when
/// byte_size != product(dims) * hone_dtype_size(dtype), or NULL data with byte_size > 0.
HONE_C_EXPORT hone_status hone_tensor_wrap(hone_dtype dtype, const int64_t* dims, size_t rank, void* data,
                                           size_t byte_size, hone_tensor_t** out);

/// Destroys the handle; owned storage is freed once no context binding references it.
/// NULL is a no-op; an already destroyed handle is INVALID_ARGUMENT.
HONE_C_EXPORT hone_status hone_tensor_destroy(hone_tensor_t* tensor);

HONE_C_EXPORT hone_status hone_tensor_get_dtype(const hone_tensor_t* tensor, hone_dtype* dtype);
/// The tensor's shape (rank is never -1 here).
HONE_C_EXPORT hone_status hone_tensor_get_shape(const hone_tensor_t* tensor, int64_t* dims, size_t capacity,
                                                int64_t* rank);
/// Product of the dims (1 for a scalar) and that times hone_dtype_size(dtype).
HONE_C_EXPORT hone_status hone_tensor_get_element_count(const hone_tensor_t* tensor, int64_t* count);
HONE_C_EXPORT hone_status hone_tensor_get_byte_size(const hone_tensor_t* tensor, size_t* byte_size);
/// The first element (NULL for an empty tensor), valid while the tensor lives. Writable;
/// NOTE: an output tensor's buffer is the run's output itself (what hone_context_copy_output
/// reads until the next run) or, for a bound output, the caller's buffer.
HONE_C_EXPORT hone_status hone_tensor_get_data(const hone_tensor_t* tensor, void** data);

/// Copies the tensor's bytes to `dst` / overwrites them from `src`. `dtype` must be the
/// tensor's element type and byte_size its byte size exactly (INVALID_ARGUMENT naming both).
HONE_C_EXPORT hone_status hone_tensor_copy_to(const hone_tensor_t* tensor, void* dst, size_t byte_size,
                                              hone_dtype dtype);
HONE_C_EXPORT hone_status hone_tensor_copy_from(hone_tensor_t* tensor, const void* src, size_t byte_size,
                                                hone_dtype dtype);

// ---------------------------------------------------------------------------------------------
// Vision (RESERVED): image input and YOLOv8 prediction
//
// The specification's convenience calls — load an encoded image into a context input with a
// preprocessing mode (mean/std or 1/255 normalization, plain resize or letterbox) and the
// YOLOv8 predict call returning result structs — belong here. They are not in this version:
// nothing is declared for them yet. They are to be added in this section on top of the
// handles above (a context and the name of its image input), following the conventions at
// the top, and implemented in bindings/c/ next to the other objects (bindings/c/handles.hpp
// gives access to the C++ objects behind the handles); raise HONE_C_API_VERSION with them.

#ifdef __cplusplus
}  // extern "C"
#endif

#endif  // HONE_C_H_
