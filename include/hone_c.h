// hone_c.h: Hone's C ABI (C99), the stable surface other languages (C#, plain C, anything
// with a C FFI) reach the engine through. It wraps the C++ API of include/hone/ — parse a
// model into a network, build it into an engine with a builder config, save/load engines,
// run them in execution contexts — and the YOLO vision calls (images into inputs, predictors
// and their results) behind opaque handles and status codes. Implemented in
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
#define HONE_C_API_VERSION 2

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

/// Frees memory the library allocated for the caller (hone_engine_serialize, hone_image_read,
/// hone_image_decode). NULL is a no-op. Use it rather than free(): the library may use
/// another allocator.
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
// Vision: image input and YOLO prediction (hone::vision, include/hone/vision.hpp)
//
// Two levels. (1) hone_context_set_input_image*: decode an encoded image, fit it to an input
// of a context (letterbox, square pad, stretch or center crop), normalize it and bind it, as
// the OpenVinoSharp seed's "load input data" did; the returned transform maps the model's
// pixel coordinates back onto the image. (2) hone_predictor_t: a YOLOv8/YOLO11/YOLOv5 model
// (detect, segment, pose, classify) with its own engine and context; predict returns a
// hone_prediction_t whose boxes, labels, keypoints, masks and classes are read with the
// accessors below and which can be drawn onto an image. Images cross the API as encoded
// bytes, file paths, or interleaved 8-bit 3-channel buffers (BGR or RGB, `stride` bytes per
// row, 0 for width * 3) of which `byte_size` bytes are readable (or writable); such a buffer
// is checked: INVALID_ARGUMENT for width or height < 1, a stride below width * 3, a byte_size
// below stride * (height - 1) + width * 3, or a format outside hone_pixel_format.

/// Channel order of an interleaved 8-bit, 3-channel image buffer.
typedef enum hone_pixel_format {
  HONE_PIXEL_FORMAT_BGR = 0,  // OpenCV's order, and what hone_image_read / hone_image_decode return
  HONE_PIXEL_FORMAT_RGB = 1,
} hone_pixel_format;

/// How an image is fitted to the input's height x width.
typedef enum hone_preprocess_mode {
  HONE_PREPROCESS_MODE_LETTERBOX = 0,    // keep the aspect ratio, scale to fit, pad the borders (Ultralytics)
  HONE_PREPROCESS_MODE_SQUARE_PAD = 1,   // pad to a square at the bottom/right, then resize (the C# seed)
  HONE_PREPROCESS_MODE_STRETCH = 2,      // plain resize, the aspect ratio not kept
  HONE_PREPROCESS_MODE_CENTER_CROP = 3,  // the largest centered square, resized (Ultralytics' classify transform)
} hone_preprocess_mode;

/// What is done to the 0..255 pixel values, per tensor channel c.
typedef enum hone_normalization {
  HONE_NORMALIZATION_UNIT_SCALE = 0,  // value = pixel / 255 (YOLO)
  HONE_NORMALIZATION_MEAN_STD = 1,    // value = (pixel - mean[c]) / std[c]
  HONE_NORMALIZATION_NONE = 2,        // value = pixel
} hone_normalization;

/// Where the channels sit in the input tensor.
typedef enum hone_tensor_layout {
  HONE_TENSOR_LAYOUT_NCHW = 0,  // [1, 3, H, W]
  HONE_TENSOR_LAYOUT_NHWC = 1,  // [1, H, W, 3]
} hone_tensor_layout;

/// Preprocessing settings for hone_context_set_input_image*. Start from
/// hone_preprocess_options_init and change what differs.
typedef struct hone_preprocess_options {
  hone_preprocess_mode mode;
  hone_normalization normalization;
  float mean[3];              // MEAN_STD only, in the tensor's channel order
  float std[3];               // MEAN_STD only; each finite and non-zero
  int to_rgb;                 // non-zero: the tensor's channels are R, G, B (YOLO); 0: B, G, R
  hone_tensor_layout layout;
  int width, height;          // the target size; 0 = the input's static dims (required where dynamic)
  int pad_value;              // LETTERBOX / SQUARE_PAD border value, 0..255
  int center;                 // LETTERBOX: non-zero pads both sides equally, 0 only right/bottom
  int scale_up;               // LETTERBOX: non-zero enlarges images smaller than the target
} hone_preprocess_options;

/// How the image maps into the model input, per axis: input = source * scale + pad, so a
/// model-input coordinate u goes back to the image as (u - pad) / scale. LETTERBOX's scales
/// are the effective ones (resized size / source size); SQUARE_PAD and STRETCH have pad 0;
/// CENTER_CROP's pads are negative (the crop's offset, scaled).
typedef struct hone_image_transform {
  int source_width, source_height;  // the image, in pixels
  int input_width, input_height;    // the tensor's width and height
  float scale_x, scale_y;
  float pad_x, pad_y;
} hone_image_transform;

/// Fills `options` with the defaults: LETTERBOX, UNIT_SCALE, ImageNet's mean
/// {123.675, 116.28, 103.53} and std {58.395, 57.12, 57.375} (used by MEAN_STD only), to_rgb
/// 1, NCHW, size 0 x 0 (from the input), pad 114, centered, scale_up 1.
HONE_C_EXPORT hone_status hone_preprocess_options_init(hone_preprocess_options* options);

/// Decodes the encoded image (JPEG, PNG, BMP: what OpenCV's imgcodecs reads; gray and alpha
/// become 3 channels) of `size` bytes at `data`, fits and normalizes it by `options` (NULL:
/// the defaults) into a float32 tensor [1,3,H,W] or [1,H,W,3], copied into memory owned by
/// the context and bound to input `name` as hone_context_set_input does. The input must be
/// float32 of rank 4 with batch 1 (or dynamic) and 3 (or dynamic) channels where the layout
/// puts them; H and W are its static dims, or options->height / width where they are dynamic
/// (where both are given they must agree). `*transform` (NULL: not wanted) receives the
/// image -> input mapping. Errors: INVALID_ARGUMENT (NULL arguments, size 0, bytes that are
/// not a decodable image, an input of another dtype or rank, a missing or contradicting
/// size, options out of range: an unknown mode, normalization or layout, pad_value outside
/// 0..255, a zero or non-finite std, a negative size), NOT_FOUND (no input `name`).
HONE_C_EXPORT hone_status hone_context_set_input_image(hone_context_t* context, const char* name, const void* data,
                                                       size_t size, const hone_preprocess_options* options,
                                                       hone_image_transform* transform);

/// Same, for an image file. NOT_FOUND (no such file), IO_ERROR (unreadable), INVALID_ARGUMENT
/// naming the file when it is not a decodable image; otherwise as hone_context_set_input_image.
HONE_C_EXPORT hone_status hone_context_set_input_image_file(hone_context_t* context, const char* name,
                                                            const char* path, const hone_preprocess_options* options,
                                                            hone_image_transform* transform);

/// Decodes an encoded image of `size` bytes into BGR pixels: *pixels receives
/// *width * *height * 3 bytes (rows packed, stride width * 3) allocated by the library, to
/// free with hone_free. INVALID_ARGUMENT for NULL arguments, size 0 or bytes that are not an image.
HONE_C_EXPORT hone_status hone_image_decode(const void* data, size_t size, uint8_t** pixels, int* width, int* height);

/// Reads and decodes an image file, as hone_image_decode. NOT_FOUND / IO_ERROR for the file,
/// INVALID_ARGUMENT naming it when it is not a decodable image.
HONE_C_EXPORT hone_status hone_image_read(const char* path, uint8_t** pixels, int* width, int* height);

/// Encodes an image buffer by the path's extension (.jpg / .jpeg, .png, .bmp, any case) and
/// writes the file; RGB buffers keep their colors. INVALID_ARGUMENT for an unknown extension
/// or a bad buffer (see the top of this section), IO_ERROR when the file cannot be written.
HONE_C_EXPORT hone_status hone_image_write(const char* path, const uint8_t* pixels, size_t byte_size, int width,
                                           int height, size_t stride, hone_pixel_format format);

/// YOLO tasks. AUTO: the task the model's metadata (Ultralytics' `task`) or its outputs say.
typedef enum hone_task {
  HONE_TASK_AUTO = 0,
  HONE_TASK_DETECT = 1,    // boxes: output0 [1, 4 + classes, N]
  HONE_TASK_SEGMENT = 2,   // boxes + masks: output0 [1, 4 + classes + 32, N], output1 [1, 32, H/4, W/4]
  HONE_TASK_POSE = 3,      // boxes + keypoints: output0 [1, 4 + 1 + K * 3, N]
  HONE_TASK_CLASSIFY = 4,  // class scores: output0 [1, classes]
} hone_task;

/// A YOLO model with its engine, context and pre/post-processing (hone::vision::Predictor).
/// Used by one thread at a time; create one per thread (hone_predictor_create_from_engine
/// shares one engine's weights between them).
typedef struct hone_predictor hone_predictor_t;
/// The result of one prediction: immutable, safe to read from any thread. Strings and mask
/// bytes it returns live as long as it does.
typedef struct hone_prediction hone_prediction_t;

/// Predictor settings. Start from hone_predictor_options_init.
typedef struct hone_predictor_options {
  hone_task task;  // AUTO, or the task the model must have (INVALID_ARGUMENT at create otherwise)
  float conf;      // minimum class score, 0..1 (YOLOv5: objectness x class score)
  float iou;       // NMS IoU threshold, 0..1
  int max_det;     // detections kept after NMS, >= 1
  int agnostic;    // non-zero: NMS across classes instead of per class
  int top_k;       // classify: classes reported, >= 1
  int imgsz;       // input size for ONNX models with dynamic height/width; 0 = the metadata's `imgsz`, else 640
  int threads;     // threads to build and run with; 0 = the machine's physical cores (ONNX) or the engine's
} hone_predictor_options;

/// Fills `options` with the defaults (Ultralytics'): AUTO, conf 0.25, iou 0.7, max_det 300,
/// class-aware NMS, top_k 5, imgsz 0, threads 0.
HONE_C_EXPORT hone_status hone_predictor_options_init(hone_predictor_options* options);

/// Opens an ONNX model (".onnx": parsed and built for this machine, which may take seconds)
/// or an engine file (any other name), with `options` (NULL: the defaults). *out receives a
/// predictor to destroy with hone_predictor_destroy. Errors: INVALID_ARGUMENT (NULL path or
/// out; options out of range; outputs that match no YOLO layout, or a model of another task
/// than options->task, naming the shapes), NOT_FOUND (no such file), and the errors of
/// hone_network_create_from_file, hone_engine_build and hone_engine_load_file.
HONE_C_EXPORT hone_status hone_predictor_create(const char* path, const hone_predictor_options* options,
                                                hone_predictor_t** out);

/// A predictor over an engine built or loaded through this API (the engine handle may be
/// destroyed afterwards: the predictor keeps the engine alive). options->imgsz is unused.
/// Errors as hone_predictor_create.
HONE_C_EXPORT hone_status hone_predictor_create_from_engine(const hone_engine_t* engine,
                                                            const hone_predictor_options* options,
                                                            hone_predictor_t** out);

/// NULL is a no-op; an already destroyed handle is INVALID_ARGUMENT. Predictions it made stay valid.
HONE_C_EXPORT hone_status hone_predictor_destroy(hone_predictor_t* predictor);

/// The model's task (never AUTO), input size in pixels, and class count and labels (from the
/// metadata's `names`, else the ids as text). get_class_name: OUT_OF_RANGE for an id outside
/// 0..count-1; the string lives as long as the predictor.
HONE_C_EXPORT hone_status hone_predictor_get_task(const hone_predictor_t* predictor, hone_task* task);
HONE_C_EXPORT hone_status hone_predictor_get_input_size(const hone_predictor_t* predictor, int* width, int* height);
HONE_C_EXPORT hone_status hone_predictor_get_num_classes(const hone_predictor_t* predictor, int* count);
HONE_C_EXPORT hone_status hone_predictor_get_class_name(const hone_predictor_t* predictor, int class_id,
                                                        const char** name);

/// Runs the model on one image: an image file, `size` encoded bytes, or a pixel buffer (see
/// the top of this section). *out receives a prediction to destroy with
/// hone_prediction_destroy. Errors: INVALID_ARGUMENT (NULL arguments, a bad buffer, bytes or a
/// file that are not an image), NOT_FOUND / IO_ERROR (the file), or a failing layer's error.
HONE_C_EXPORT hone_status hone_predictor_predict_file(hone_predictor_t* predictor, const char* path,
                                                      hone_prediction_t** out);
HONE_C_EXPORT hone_status hone_predictor_predict_image(hone_predictor_t* predictor, const void* data, size_t size,
                                                       hone_prediction_t** out);
HONE_C_EXPORT hone_status hone_predictor_predict_pixels(hone_predictor_t* predictor, const uint8_t* pixels,
                                                        size_t byte_size, int width, int height, size_t stride,
                                                        hone_pixel_format format, hone_prediction_t** out);

/// NULL is a no-op; an already destroyed handle is INVALID_ARGUMENT.
HONE_C_EXPORT hone_status hone_prediction_destroy(hone_prediction_t* prediction);

/// Milliseconds spent preprocessing (resize, pad, normalize; decoding the image not
/// included), running the engine, and post-processing (decoding the outputs, NMS, masks).
typedef struct hone_speed {
  double preprocess_ms, inference_ms, postprocess_ms;
} hone_speed;

HONE_C_EXPORT hone_status hone_prediction_get_task(const hone_prediction_t* prediction, hone_task* task);
/// The size of the image predicted on, in pixels (boxes, keypoints and masks are in its pixels).
HONE_C_EXPORT hone_status hone_prediction_get_image_size(const hone_prediction_t* prediction, int* width,
                                                         int* height);
HONE_C_EXPORT hone_status hone_prediction_get_speed(const hone_prediction_t* prediction, hone_speed* speed);

/// A box in pixels of the original image, x2 >= x1, y2 >= y1.
typedef struct hone_box {
  float x1, y1, x2, y2;
} hone_box;

/// One detected object (detect, segment, pose).
typedef struct hone_detection {
  hone_box box;
  int class_id;
  float score;         // the class score, 0..1
  const char* label;   // the class label; owned by the prediction
  int num_keypoints;   // pose: the model's keypoints per object; 0 otherwise
  int has_mask;        // segment: non-zero when the mask has pixels (hone_prediction_get_mask)
} hone_detection;

/// A keypoint in pixels of the original image, with the model's visibility score (0..1; 1
/// when the model has none).
typedef struct hone_keypoint {
  float x, y, visibility;
} hone_keypoint;

/// A binary instance mask over a rectangle of the original image (the detection's box,
/// clipped): data[r * width + c] is 1 where pixel (x + c, y + r) belongs to the object, else
/// 0. `data` (width * height bytes, NULL when empty) is owned by the prediction.
typedef struct hone_mask {
  int x, y, width, height;
  const uint8_t* data;
} hone_mask;

/// One class of a classification, `score` its probability.
typedef struct hone_classification {
  int class_id;
  float score;
  const char* label;  // owned by the prediction
} hone_classification;

/// Detections (detect, segment, pose), by descending score; 0 for classify.
HONE_C_EXPORT hone_status hone_prediction_get_num_detections(const hone_prediction_t* prediction, size_t* count);
/// Detection `index`. OUT_OF_RANGE for index >= count.
HONE_C_EXPORT hone_status hone_prediction_get_detection(const hone_prediction_t* prediction, size_t index,
                                                        hone_detection* detection);
/// Copies the keypoints of detection `index`: writes their number to *count, and them into
/// `keypoints` (capacity entries; NULL with capacity 0 asks for the count only; a capacity
/// below the count fails after writing it, INVALID_ARGUMENT). INVALID_ARGUMENT for a
/// prediction that is not of a pose model, OUT_OF_RANGE for index >= count.
HONE_C_EXPORT hone_status hone_prediction_get_keypoints(const hone_prediction_t* prediction, size_t index,
                                                        hone_keypoint* keypoints, size_t capacity, size_t* count);
/// The mask of detection `index` (all zero with data NULL when it is empty). INVALID_ARGUMENT
/// for a prediction that is not of a segment model, OUT_OF_RANGE for index >= count.
HONE_C_EXPORT hone_status hone_prediction_get_mask(const hone_prediction_t* prediction, size_t index, hone_mask* mask);
/// Classify: the top-k classes, by descending score; 0 for the other tasks.
HONE_C_EXPORT hone_status hone_prediction_get_num_classifications(const hone_prediction_t* prediction,
                                                                  size_t* count);
/// Class `index` of the top-k. OUT_OF_RANGE for index >= count.
HONE_C_EXPORT hone_status hone_prediction_get_classification(const hone_prediction_t* prediction, size_t index,
                                                             hone_classification* classification);

/// Draws the prediction onto the caller's pixel buffer, in place: boxes with "label score",
/// translucent masks, pose skeletons, or the top classes as text (colors follow `format`).
/// The buffer must be the image predicted on: INVALID_ARGUMENT for another width or height,
/// or a bad buffer (see the top of this section).
HONE_C_EXPORT hone_status hone_prediction_draw(const hone_prediction_t* prediction, uint8_t* pixels,
                                               size_t byte_size, int width, int height, size_t stride,
                                               hone_pixel_format format);

#ifdef __cplusplus
}  // extern "C"
#endif

#endif  // HONE_C_H_
