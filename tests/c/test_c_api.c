/* test_c_api.c: the C API (include/hone_c.h) exercised from C99 through libhone_c.so: every
 * function, every error path (NULL handles and pointers, destroyed handles, wrong sizes and
 * dtypes, unknown names, bad paths, corrupt engines, shapes outside the profile), full flows
 * on small models, async runs, a bit-for-bit comparison with the C++ API, and a leak loop.
 *
 * The vision section covers the image, preprocessing, predictor and prediction calls.
 *
 * Usage: test_c_api SECTION MODELS_DIR WORK_DIR REF_DIR [REF_MODEL... | SHARED_DIR]
 *   SECTION     basics | network | config | flow | async (with threads) | compare | leak |
 *               vision | all
 *   MODELS_DIR  the models and image.png written by c_api_make_models
 *   WORK_DIR    scratch files
 *   REF_DIR     c_api_reference's output for the REF_MODELs ("builtin:NAME" or .onnx paths),
 *               and c_api_vision_reference's (engines and predictions)
 *   SHARED_DIR  (vision) the folder with images/bus.jpg for the yolov8n check
 * Prints each failed check, then "N passed, N failed"; exits 1 when a check failed. */
#define _POSIX_C_SOURCE 200809L

#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hone_c.h"

/* ------------------------------------------------------------------------------------------
 * Harness */

static int g_passed = 0;
static int g_failed = 0;
static const char* g_models_dir = "";
static const char* g_work_dir = "";
static const char* g_ref_dir = "";

static int check_impl(int ok, const char* what, const char* file, int line) {
  if (ok) {
    ++g_passed;
  } else {
    ++g_failed;
    fprintf(stderr, "%s:%d: FAILED: %s\n", file, line, what);
  }
  return ok;
}
#define CHECK(cond) check_impl((cond) ? 1 : 0, #cond, __FILE__, __LINE__)

/* A call must return `expected`; on failure its message must be non-empty and contain
 * `needle` (when not NULL); on success the thread's message must be cleared. */
static int expect_impl(hone_status expected, hone_status got, const char* needle, const char* call, const char* file,
                       int line) {
  const char* message = hone_last_error_message();
  int ok = got == expected;
  if (ok && expected == HONE_STATUS_OK) ok = message != NULL && message[0] == '\0';
  if (ok && expected != HONE_STATUS_OK) ok = message != NULL && message[0] != '\0';
  if (ok && needle != NULL) ok = strstr(message, needle) != NULL;
  if (ok) {
    ++g_passed;
  } else {
    ++g_failed;
    fprintf(stderr, "%s:%d: FAILED: %s\n  expected %s%s%s%s, got %s: \"%s\"\n", file, line, call,
            hone_status_name(expected), needle ? " with \"" : "", needle ? needle : "", needle ? "\"" : "",
            hone_status_name(got), message ? message : "(null)");
  }
  return ok;
}
#define EXPECT(expected, call, needle) expect_impl((expected), (call), (needle), #call, __FILE__, __LINE__)
#define EXPECT_OK(call) EXPECT(HONE_STATUS_OK, call, NULL)
#define EXPECT_ARG(call, needle) EXPECT(HONE_STATUS_INVALID_ARGUMENT, call, needle)

static void path_join(char* out, size_t size, const char* dir, const char* name) {
  snprintf(out, size, "%s/%s", dir, name);
}

/* Reads a whole file into malloc'd memory (NULL when it cannot). */
static unsigned char* read_file(const char* path, size_t* size) {
  FILE* f = fopen(path, "rb");
  unsigned char* data = NULL;
  long n;
  if (!f) return NULL;
  if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0 && fseek(f, 0, SEEK_SET) == 0) {
    data = (unsigned char*)malloc((size_t)n + 1);
    if (data && fread(data, 1, (size_t)n, f) != (size_t)n) {
      free(data);
      data = NULL;
    }
    *size = (size_t)n;
  }
  fclose(f);
  return data;
}

static int write_file(const char* path, const void* data, size_t size) {
  FILE* f = fopen(path, "wb");
  int ok;
  if (!f) return 0;
  ok = fwrite(data, 1, size, f) == size;
  return fclose(f) == 0 && ok;
}

static int file_exists(const char* path) {
  FILE* f = fopen(path, "rb");
  if (f) fclose(f);
  return f != NULL;
}

/* A path far longer than PATH_MAX: "/aaaa...". */
static const char* long_path(void) {
  static char path[5001];
  if (!path[0]) {
    memset(path, 'a', sizeof path - 1);
    path[0] = '/';
  }
  return path;
}

/* IEEE half -> float, for checking float16 outputs. */
static float half_to_float(uint16_t h) {
  const uint32_t sign = (uint32_t)(h >> 15) << 31;
  const uint32_t exponent = (h >> 10) & 0x1f;
  uint32_t mantissa = h & 0x3ff;
  uint32_t bits;
  float f;
  if (exponent == 0) {
    float m = (float)mantissa / 1024.0f / 16384.0f; /* subnormal: m * 2^-14 */
    return sign ? -m : m;
  }
  if (exponent == 31) {
    bits = sign | 0x7f800000u | (mantissa << 13);
  } else {
    bits = sign | ((exponent + 112) << 23) | (mantissa << 13);
  }
  memcpy(&f, &bits, sizeof f);
  return f;
}

/* ------------------------------------------------------------------------------------------
 * The multi model (see make_test_models.cpp): y = Relu(x * w), w = {1, -1, 2, 3}, plus casts. */

static const float kW[4] = {1.0f, -1.0f, 2.0f, 3.0f};
#define MAX_N 8

static void fill_x(float* x, int64_t n, float first) {
  int64_t i;
  for (i = 0; i < n * 4; ++i) x[i] = first + (float)i;
}

static float xw_at(const float* x, int64_t i) { return x[i] * kW[i % 4]; }
static float relu(float v) { return v > 0.0f ? v : 0.0f; }

static hone_engine_t* build_multi(int threads) {
  char path[1024];
  hone_network_t* net = NULL;
  hone_builder_config_t* config = NULL;
  hone_engine_t* engine = NULL;
  const int64_t min[2] = {1, 4}, opt[2] = {2, 4}, max[2] = {MAX_N, 4};
  path_join(path, sizeof path, g_models_dir, "multi.onnx");
  EXPECT_OK(hone_network_create_from_file(path, &net));
  EXPECT_OK(hone_builder_config_create(&config));
  EXPECT_OK(hone_builder_config_set_threads(config, threads));
  EXPECT_OK(hone_builder_config_set_tuning_iterations(config, 1));
  EXPECT_OK(hone_builder_config_set_input_shape(config, "x", min, opt, max, 2));
  EXPECT_OK(hone_engine_build(net, config, &engine));
  EXPECT_OK(hone_builder_config_destroy(config));
  EXPECT_OK(hone_network_destroy(net));
  return engine;
}

/* Checks every output of the multi model after a run on x (n rows) and offset. */
static void check_multi_outputs(hone_context_t* ctx, const float* x, int64_t n, int64_t offset) {
  float y[MAX_N * 4];
  uint16_t y_f16[MAX_N * 4];
  int32_t y_i32[MAX_N * 4];
  int64_t y_i64[MAX_N * 4];
  uint8_t y_u8[MAX_N * 4];
  int8_t y_i8[MAX_N * 4];
  uint8_t y_bool[MAX_N * 4];
  const size_t count = (size_t)(n * 4);
  size_t i;
  int ok = 1;
  EXPECT_OK(hone_context_copy_output(ctx, "y", y, count * sizeof(float), HONE_DTYPE_FLOAT32));
  EXPECT_OK(hone_context_copy_output(ctx, "y_f16", y_f16, count * 2, HONE_DTYPE_FLOAT16));
  EXPECT_OK(hone_context_copy_output(ctx, "y_i32", y_i32, count * 4, HONE_DTYPE_INT32));
  EXPECT_OK(hone_context_copy_output(ctx, "y_i64", y_i64, count * 8, HONE_DTYPE_INT64));
  EXPECT_OK(hone_context_copy_output(ctx, "y_u8", y_u8, count, HONE_DTYPE_UINT8));
  EXPECT_OK(hone_context_copy_output(ctx, "y_i8", y_i8, count, HONE_DTYPE_INT8));
  EXPECT_OK(hone_context_copy_output(ctx, "y_bool", y_bool, count, HONE_DTYPE_BOOL));
  for (i = 0; i < count; ++i) {
    const float xw = xw_at(x, (int64_t)i), r = relu(xw);
    if (y[i] != r || half_to_float(y_f16[i]) != r || y_i32[i] != (int32_t)r || y_i64[i] != (int64_t)r + offset ||
        y_u8[i] != (uint8_t)r || y_i8[i] != (int8_t)xw || y_bool[i] != (xw != 0.0f)) {
      fprintf(stderr, "  element %zu: x %g -> y %g f16 %g i32 %d i64 %lld u8 %u i8 %d bool %u (expected y %g, i8 %d)\n",
              i, (double)x[i], (double)y[i], (double)half_to_float(y_f16[i]), (int)y_i32[i], (long long)y_i64[i],
              (unsigned)y_u8[i], (int)y_i8[i], (unsigned)y_bool[i], (double)r, (int)(int8_t)xw);
      ok = 0;
      break;
    }
  }
  CHECK(ok);
}

/* ------------------------------------------------------------------------------------------
 * basics: versions, status names, messages, dtypes, hone_free */

typedef struct {
  hone_status status;
  char message[256];
} ThreadMessage;

static void* fail_on_a_thread(void* arg) {
  ThreadMessage* m = (ThreadMessage*)arg;
  size_t count = 0;
  m->status = hone_engine_get_num_layers(NULL, &count);
  snprintf(m->message, sizeof m->message, "%s", hone_last_error_message());
  return NULL;
}

static void test_basics(void) {
  hone_dtype t;
  hone_builder_config_t* config = NULL;
  CHECK(strcmp(hone_version(), HONE_VERSION_STRING) == 0);
  CHECK(hone_c_api_version() == HONE_C_API_VERSION);
  CHECK(strcmp(hone_status_name(HONE_STATUS_OK), "Ok") == 0);
  CHECK(strcmp(hone_status_name(HONE_STATUS_INVALID_ARGUMENT), "InvalidArgument") == 0);
  CHECK(strcmp(hone_status_name(HONE_STATUS_INVALID_MODEL), "InvalidModel") == 0);
  CHECK(strcmp(hone_status_name(HONE_STATUS_UNSUPPORTED), "Unsupported") == 0);
  CHECK(strcmp(hone_status_name(HONE_STATUS_NOT_FOUND), "NotFound") == 0);
  CHECK(strcmp(hone_status_name(HONE_STATUS_IO_ERROR), "IoError") == 0);
  CHECK(strcmp(hone_status_name(HONE_STATUS_OUT_OF_RANGE), "OutOfRange") == 0);
  CHECK(strcmp(hone_status_name(HONE_STATUS_INTERNAL), "Internal") == 0);
  CHECK(strcmp(hone_status_name((hone_status)42), "Unknown") == 0);
  CHECK(strcmp(hone_status_name((hone_status)-1), "Unknown") == 0);

  /* The message: set by a failure, cleared by the next success, kept per thread. */
  CHECK(hone_last_error_message() != NULL);
  EXPECT_ARG(hone_builder_config_create(NULL), "hone_builder_config_create: argument 'out' is NULL");
  CHECK(strcmp(hone_last_error_message(), "hone_builder_config_create: argument 'out' is NULL") == 0);
  CHECK(strcmp(hone_version(), HONE_VERSION_STRING) == 0 && hone_last_error_message()[0] != '\0');
  EXPECT_OK(hone_builder_config_create(&config)); /* checks that the message was cleared */
  EXPECT_OK(hone_builder_config_destroy(config));
  {
    pthread_t thread;
    ThreadMessage other;
    memset(&other, 0, sizeof other);
    CHECK(pthread_create(&thread, NULL, fail_on_a_thread, &other) == 0 && pthread_join(thread, NULL) == 0);
    CHECK(other.status == HONE_STATUS_INVALID_ARGUMENT && strstr(other.message, "'engine' is NULL") != NULL);
    CHECK(hone_last_error_message()[0] == '\0'); /* that thread's failure is not this thread's */
  }

  CHECK(strcmp(hone_dtype_name(HONE_DTYPE_FLOAT32), "float") == 0);
  CHECK(strcmp(hone_dtype_name(HONE_DTYPE_FLOAT16), "float16") == 0);
  CHECK(strcmp(hone_dtype_name(HONE_DTYPE_INT64), "int64") == 0);
  CHECK(strcmp(hone_dtype_name(HONE_DTYPE_BOOL), "bool") == 0);
  CHECK(strcmp(hone_dtype_name(HONE_DTYPE_UNDEFINED), "undefined") == 0);
  CHECK(strcmp(hone_dtype_name((hone_dtype)99), "undefined") == 0);
  CHECK(hone_dtype_size(HONE_DTYPE_FLOAT32) == 4 && hone_dtype_size(HONE_DTYPE_FLOAT64) == 8);
  CHECK(hone_dtype_size(HONE_DTYPE_FLOAT16) == 2 && hone_dtype_size(HONE_DTYPE_BFLOAT16) == 2);
  CHECK(hone_dtype_size(HONE_DTYPE_INT8) == 1 && hone_dtype_size(HONE_DTYPE_UINT8) == 1);
  CHECK(hone_dtype_size(HONE_DTYPE_INT32) == 4 && hone_dtype_size(HONE_DTYPE_INT64) == 8);
  CHECK(hone_dtype_size(HONE_DTYPE_BOOL) == 1 && hone_dtype_size(HONE_DTYPE_INT4) == 1);
  CHECK(hone_dtype_size(HONE_DTYPE_COMPLEX128) == 16);
  CHECK(hone_dtype_size(HONE_DTYPE_UNDEFINED) == 0 && hone_dtype_size(HONE_DTYPE_STRING) == 0);
  CHECK(hone_dtype_size((hone_dtype)27) == 0 && hone_dtype_size((hone_dtype)-3) == 0);
  for (t = HONE_DTYPE_FLOAT32; t <= HONE_DTYPE_INT2; t = (hone_dtype)(t + 1)) {
    CHECK(strcmp(hone_dtype_name(t), "undefined") != 0);
    CHECK(t == HONE_DTYPE_STRING || hone_dtype_size(t) > 0);
  }
  hone_free(NULL);
}

/* Every handle-taking function with a NULL handle: INVALID_ARGUMENT naming the argument. */
static void test_null_handles(void) {
  size_t count = 0;
  const char* name = NULL;
  hone_dtype dtype;
  int64_t dims[4], rank = 0;
  void* data = NULL;
  size_t size = 0;
  hone_tensor_io io;
  int threads = 0;
  hone_engine_t* engine = NULL;
  hone_context_t* ctx = NULL;
  hone_tensor_t* tensor = NULL;
  float buffer[4];

  EXPECT_ARG(hone_network_get_num_inputs(NULL, &count), "'network' is NULL");
  EXPECT_ARG(hone_network_get_num_outputs(NULL, &count), "'network' is NULL");
  EXPECT_ARG(hone_network_get_input_name(NULL, 0, &name), "'network' is NULL");
  EXPECT_ARG(hone_network_get_output_name(NULL, 0, &name), "'network' is NULL");
  EXPECT_ARG(hone_network_get_tensor_dtype(NULL, "x", &dtype), "'network' is NULL");
  EXPECT_ARG(hone_network_get_tensor_shape(NULL, "x", dims, 4, &rank), "'network' is NULL");

  EXPECT_ARG(hone_builder_config_set_device(NULL, "cpu"), "'config' is NULL");
  EXPECT_ARG(hone_builder_config_set_threads(NULL, 1), "'config' is NULL");
  EXPECT_ARG(hone_builder_config_set_precisions(NULL, HONE_PRECISION_FP32), "'config' is NULL");
  EXPECT_ARG(hone_builder_config_set_workspace_limit(NULL, 0), "'config' is NULL");
  EXPECT_ARG(hone_builder_config_set_input_shape(NULL, "x", dims, dims, dims, 1), "'config' is NULL");
  EXPECT_ARG(hone_builder_config_set_timing_cache_path(NULL, "c.json"), "'config' is NULL");
  EXPECT_ARG(hone_builder_config_set_allowed_tactics(NULL, NULL, 0), "'config' is NULL");
  EXPECT_ARG(hone_builder_config_set_tuning_iterations(NULL, 1), "'config' is NULL");
  EXPECT_ARG(hone_builder_config_set_optimize(NULL, 1), "'config' is NULL");
  EXPECT_ARG(hone_builder_config_set_progress_callback(NULL, NULL, NULL), "'config' is NULL");

  EXPECT_ARG(hone_engine_build(NULL, NULL, &engine), "'network' is NULL");
  EXPECT_ARG(hone_engine_save_file(NULL, "e.hone"), "'engine' is NULL");
  EXPECT_ARG(hone_engine_serialize(NULL, &data, &size), "'engine' is NULL");
  EXPECT_ARG(hone_engine_get_num_inputs(NULL, &count), "'engine' is NULL");
  EXPECT_ARG(hone_engine_get_num_outputs(NULL, &count), "'engine' is NULL");
  EXPECT_ARG(hone_engine_get_input_name(NULL, 0, &name), "'engine' is NULL");
  EXPECT_ARG(hone_engine_get_output_name(NULL, 0, &name), "'engine' is NULL");
  EXPECT_ARG(hone_engine_get_tensor_io(NULL, "x", &io), "'engine' is NULL");
  EXPECT_ARG(hone_engine_get_tensor_dtype(NULL, "x", &dtype), "'engine' is NULL");
  EXPECT_ARG(hone_engine_get_tensor_shape(NULL, "x", dims, 4, &rank), "'engine' is NULL");
  EXPECT_ARG(hone_engine_get_input_profile(NULL, "x", dims, dims, dims, 4, &rank), "'engine' is NULL");
  EXPECT_ARG(hone_engine_get_num_layers(NULL, &count), "'engine' is NULL");

  EXPECT_ARG(hone_context_create(NULL, &ctx), "'engine' is NULL");
  EXPECT_ARG(hone_context_set_input_shape(NULL, "x", dims, 2), "'context' is NULL");
  EXPECT_ARG(hone_context_bind_input(NULL, "x", buffer, 16, HONE_DTYPE_FLOAT32, dims, 1), "'context' is NULL");
  EXPECT_ARG(hone_context_bind_output(NULL, "y", buffer, 16, HONE_DTYPE_FLOAT32, dims, 1), "'context' is NULL");
  EXPECT_ARG(hone_context_bind_tensor(NULL, "x", NULL), "'context' is NULL");
  EXPECT_ARG(hone_context_unbind(NULL, "x"), "'context' is NULL");
  EXPECT_ARG(hone_context_set_input(NULL, "x", buffer, 16, HONE_DTYPE_FLOAT32, dims, 1), "'context' is NULL");
  EXPECT_ARG(hone_context_run(NULL), "'context' is NULL");
  EXPECT_ARG(hone_context_run_async(NULL), "'context' is NULL");
  EXPECT_ARG(hone_context_run_async_with_callback(NULL, NULL, NULL), "'context' is NULL");
  EXPECT_ARG(hone_context_wait(NULL), "'context' is NULL");
  EXPECT_ARG(hone_context_get_output(NULL, "y", &tensor), "'context' is NULL");
  EXPECT_ARG(hone_context_get_output_shape(NULL, "y", dims, 4, &rank), "'context' is NULL");
  EXPECT_ARG(hone_context_copy_output(NULL, "y", buffer, 16, HONE_DTYPE_FLOAT32), "'context' is NULL");
  EXPECT_ARG(hone_context_set_threads(NULL, 1), "'context' is NULL");
  EXPECT_ARG(hone_context_get_threads(NULL, &threads), "'context' is NULL");
  EXPECT_ARG(hone_context_set_profiler(NULL, NULL, NULL), "'context' is NULL");

  EXPECT_ARG(hone_tensor_get_dtype(NULL, &dtype), "'tensor' is NULL");
  EXPECT_ARG(hone_tensor_get_shape(NULL, dims, 4, &rank), "'tensor' is NULL");
  EXPECT_ARG(hone_tensor_get_element_count(NULL, &rank), "'tensor' is NULL");
  EXPECT_ARG(hone_tensor_get_byte_size(NULL, &size), "'tensor' is NULL");
  EXPECT_ARG(hone_tensor_get_data(NULL, &data), "'tensor' is NULL");
  EXPECT_ARG(hone_tensor_copy_to(NULL, buffer, 16, HONE_DTYPE_FLOAT32), "'tensor' is NULL");
  EXPECT_ARG(hone_tensor_copy_from(NULL, buffer, 16, HONE_DTYPE_FLOAT32), "'tensor' is NULL");

  /* Destroying NULL is a no-op, like free(NULL). */
  EXPECT_OK(hone_network_destroy(NULL));
  EXPECT_OK(hone_builder_config_destroy(NULL));
  EXPECT_OK(hone_engine_destroy(NULL));
  EXPECT_OK(hone_context_destroy(NULL));
  EXPECT_OK(hone_tensor_destroy(NULL));
  CHECK(engine == NULL && ctx == NULL && tensor == NULL);
}

/* ------------------------------------------------------------------------------------------
 * network: parsing from file, memory and the built-in models; queries */

static void test_network(void) {
  char path[1024], bad[1024];
  hone_network_t* net = NULL;
  hone_network_t* other = NULL;
  size_t count = 0, size = 0;
  const char* name = NULL;
  hone_dtype dtype = HONE_DTYPE_UNDEFINED;
  int64_t dims[4] = {0, 0, 0, 0}, rank = 0;
  unsigned char* bytes;
  static const char kGarbage[] = "this is not an ONNX model, not even protobuf \xff\xff\xff";

  path_join(path, sizeof path, g_models_dir, "multi.onnx");
  EXPECT_ARG(hone_network_create_from_file(NULL, &net), "'path' is NULL");
  EXPECT_ARG(hone_network_create_from_file(path, NULL), "'out' is NULL");
  EXPECT(HONE_STATUS_NOT_FOUND, hone_network_create_from_file("/no/such/dir/model.onnx", &net), "no such file");
  EXPECT(HONE_STATUS_NOT_FOUND, hone_network_create_from_file("", &net), NULL);
  EXPECT(HONE_STATUS_IO_ERROR, hone_network_create_from_file(g_models_dir, &net), "directory");
  EXPECT(HONE_STATUS_NOT_FOUND, hone_network_create_from_file(long_path(), &net), NULL);
  path_join(bad, sizeof bad, g_work_dir, "garbage.onnx");
  CHECK(write_file(bad, kGarbage, sizeof kGarbage));
  EXPECT(HONE_STATUS_INVALID_MODEL, hone_network_create_from_file(bad, &net), "garbage.onnx");
  path_join(bad, sizeof bad, g_models_dir, "unsupported.onnx");
  EXPECT(HONE_STATUS_UNSUPPORTED, hone_network_create_from_file(bad, &net), "NoSuchOp");
  CHECK(net == NULL);

  EXPECT_OK(hone_network_create_from_file(path, &net));
  CHECK(net != NULL);
  EXPECT_OK(hone_network_get_num_inputs(net, &count));
  CHECK(count == 2);
  EXPECT_OK(hone_network_get_num_outputs(net, &count));
  CHECK(count == 7);
  EXPECT_OK(hone_network_get_input_name(net, 0, &name));
  CHECK(name && strcmp(name, "x") == 0);
  EXPECT_OK(hone_network_get_input_name(net, 1, &name));
  CHECK(name && strcmp(name, "offset") == 0);
  EXPECT_OK(hone_network_get_output_name(net, 6, &name));
  CHECK(name && strcmp(name, "y_bool") == 0);
  EXPECT(HONE_STATUS_OUT_OF_RANGE, hone_network_get_input_name(net, 2, &name), "input index 2");
  EXPECT(HONE_STATUS_OUT_OF_RANGE, hone_network_get_output_name(net, 7, &name), "output index 7");
  EXPECT_ARG(hone_network_get_num_inputs(net, NULL), "'count' is NULL");
  EXPECT_ARG(hone_network_get_num_outputs(net, NULL), "'count' is NULL");
  EXPECT_ARG(hone_network_get_input_name(net, 0, NULL), "'name' is NULL");
  EXPECT_ARG(hone_network_get_output_name(net, 0, NULL), "'name' is NULL");
  EXPECT_OK(hone_network_get_tensor_dtype(net, "offset", &dtype));
  CHECK(dtype == HONE_DTYPE_INT64);
  EXPECT_OK(hone_network_get_tensor_dtype(net, "y_f16", &dtype));
  CHECK(dtype == HONE_DTYPE_FLOAT16);
  EXPECT(HONE_STATUS_NOT_FOUND, hone_network_get_tensor_dtype(net, "nope", &dtype), "'nope'");
  EXPECT_ARG(hone_network_get_tensor_dtype(net, NULL, &dtype), "'name' is NULL");
  EXPECT_ARG(hone_network_get_tensor_dtype(net, "x", NULL), "'dtype' is NULL");
  EXPECT_OK(hone_network_get_tensor_shape(net, "x", dims, 4, &rank));
  CHECK(rank == 2 && dims[0] == -1 && dims[1] == 4);
  EXPECT_OK(hone_network_get_tensor_shape(net, "x", NULL, 0, &rank)); /* rank only */
  CHECK(rank == 2);
  rank = 0;
  EXPECT_ARG(hone_network_get_tensor_shape(net, "x", dims, 1, &rank), "capacity");
  CHECK(rank == 2); /* written even so */
  EXPECT_ARG(hone_network_get_tensor_shape(net, "x", NULL, 4, &rank), "'dims' is NULL");
  EXPECT_ARG(hone_network_get_tensor_shape(net, "x", dims, 4, NULL), "'rank' is NULL");
  EXPECT(HONE_STATUS_NOT_FOUND, hone_network_get_tensor_shape(net, "nope", dims, 4, &rank), "'nope'");

  /* From memory: the same bytes, and damaged ones. */
  bytes = read_file(path, &size);
  CHECK(bytes != NULL);
  EXPECT_ARG(hone_network_create_from_memory(NULL, size, NULL, &other), "'data' is NULL");
  EXPECT_ARG(hone_network_create_from_memory(bytes, 0, NULL, &other), "'size' is 0");
  EXPECT_ARG(hone_network_create_from_memory(bytes, size, NULL, NULL), "'out' is NULL");
  EXPECT(HONE_STATUS_INVALID_MODEL, hone_network_create_from_memory(kGarbage, sizeof kGarbage, NULL, &other), NULL);
  EXPECT(HONE_STATUS_INVALID_MODEL, hone_network_create_from_memory(bytes, size / 2, "", &other), NULL);
  CHECK(other == NULL);
  EXPECT_OK(hone_network_create_from_memory(bytes, size, g_models_dir, &other));
  memset(bytes, 0, size); /* copied: the caller's buffer is free again */
  free(bytes);
  EXPECT_OK(hone_network_get_num_outputs(other, &count));
  CHECK(count == 7);
  EXPECT_OK(hone_network_destroy(other));

  /* Built-in networks. */
  EXPECT_ARG(hone_network_create_builtin(NULL, &other), "'name' is NULL");
  EXPECT_ARG(hone_network_create_builtin("tinynet", NULL), "'out' is NULL");
  EXPECT(HONE_STATUS_NOT_FOUND, hone_network_create_builtin("resnet9000", &other), "tinynet");
  EXPECT_OK(hone_network_create_builtin("tinynet", &other));
  EXPECT_OK(hone_network_get_input_name(other, 0, &name));
  CHECK(name && strcmp(name, "input") == 0);
  EXPECT_OK(hone_network_get_tensor_shape(other, "probs", dims, 4, &rank));
  CHECK(rank == 2 && dims[0] == 1 && dims[1] == 10);

  /* Wrong handle type, destroyed handles. */
  EXPECT_ARG(hone_network_get_num_inputs((const hone_network_t*)(const void*)&count, &count), "not a live hone_network_t");
  EXPECT_OK(hone_network_destroy(other));
  EXPECT_ARG(hone_network_get_num_inputs(other, &count), "not a live hone_network_t");
  EXPECT_ARG(hone_network_destroy(other), "not a live hone_network_t");
  EXPECT_OK(hone_network_destroy(net));
  EXPECT_ARG(hone_network_get_input_name(net, 0, &name), "not a live");
  EXPECT_ARG(hone_network_get_tensor_shape(net, "x", dims, 4, &rank), "not a live");
}

/* ------------------------------------------------------------------------------------------
 * config: setters, their errors, and the build errors they lead to */

typedef struct {
  int calls;
  int saw_done;
  double last_fraction;
  int monotonic;
  hone_builder_config_t* config;  /* calls on it from inside the callback are refused */
  hone_status set_status, destroy_status;
} Progress;

static void on_progress(const char* stage, double fraction, void* user_data) {
  Progress* p = (Progress*)user_data;
  if (p->config && p->calls == 0) {
    p->set_status = hone_builder_config_set_threads(p->config, 3);
    p->destroy_status = hone_builder_config_destroy(p->config);
  }
  if (fraction < p->last_fraction) p->monotonic = 0;
  p->last_fraction = fraction;
  if (strcmp(stage, "done") == 0 && fraction == 1.0) p->saw_done = 1;
  ++p->calls;
}

static void test_config(void) {
  char path[1024], cache[1024];
  hone_network_t* net = NULL;
  hone_builder_config_t* config = NULL;
  hone_builder_config_t* dead = NULL;
  hone_engine_t* engine = NULL;
  const int64_t min[2] = {1, 4}, opt[2] = {2, 4}, max[2] = {4, 4}, neg[2] = {-1, 4}, three[3] = {1, 4, 1};
  const char* tactics[2] = {"cpu", "ref"};
  const char* bad_tactics[2] = {"cpu", NULL};
  const char* empty_tactics[1] = {""};
  Progress progress = {0, 0, 0.0, 1, NULL, HONE_STATUS_OK, HONE_STATUS_OK};
  size_t count = 0;

  path_join(path, sizeof path, g_models_dir, "multi.onnx");
  EXPECT_OK(hone_network_create_from_file(path, &net));
  EXPECT_ARG(hone_builder_config_create(NULL), "'out' is NULL");
  EXPECT_OK(hone_builder_config_create(&config));
  EXPECT_OK(hone_builder_config_set_tuning_iterations(config, 1));
  EXPECT_OK(hone_builder_config_set_threads(config, 1));

  EXPECT_ARG(hone_builder_config_set_device(config, NULL), "'device' is NULL");
  EXPECT_ARG(hone_builder_config_set_device(config, ""), "empty");
  EXPECT_ARG(hone_builder_config_set_threads(config, -1), "threads");
  EXPECT_ARG(hone_builder_config_set_precisions(config, 0), "flags 0");
  EXPECT_ARG(hone_builder_config_set_precisions(config, 1u << 7), "unknown precision");
  EXPECT_ARG(hone_builder_config_set_input_shape(config, NULL, min, opt, max, 2), "'name' is NULL");
  EXPECT_ARG(hone_builder_config_set_input_shape(config, "x", NULL, opt, max, 2), "'min_dims' is NULL");
  EXPECT_ARG(hone_builder_config_set_input_shape(config, "x", min, NULL, max, 2), "'opt_dims' is NULL");
  EXPECT_ARG(hone_builder_config_set_input_shape(config, "x", min, opt, NULL, 2), "'max_dims' is NULL");
  EXPECT_ARG(hone_builder_config_set_input_shape(config, "x", neg, opt, max, 2), "negative");
  EXPECT_ARG(hone_builder_config_set_input_shape(config, "x", opt, min, max, 2), "min <= opt <= max");
  EXPECT_ARG(hone_builder_config_set_input_shape(config, "x", min, max, opt, 2), "min <= opt <= max");
  EXPECT_ARG(hone_builder_config_set_allowed_tactics(config, NULL, 2), "'ids' is NULL");
  EXPECT_ARG(hone_builder_config_set_allowed_tactics(config, bad_tactics, 2), "tactic id 1 is NULL");
  EXPECT_ARG(hone_builder_config_set_allowed_tactics(config, empty_tactics, 1), "tactic id 0 is empty");
  EXPECT_ARG(hone_builder_config_set_tuning_iterations(config, 0), "iterations");
  EXPECT_ARG(hone_engine_build(net, NULL, &engine), "'config' is NULL");
  EXPECT_ARG(hone_engine_build(net, config, NULL), "'out' is NULL");

  /* Build-time errors the setters cannot see. */
  EXPECT_OK(hone_builder_config_set_input_shape(config, "nope", min, opt, max, 2));
  EXPECT_ARG(hone_engine_build(net, config, &engine), "nope");
  EXPECT_OK(hone_builder_config_destroy(config));
  EXPECT_OK(hone_builder_config_create(&config));
  EXPECT_OK(hone_builder_config_set_tuning_iterations(config, 1));
  EXPECT_OK(hone_builder_config_set_threads(config, 1));
  EXPECT_OK(hone_builder_config_set_input_shape(config, "x", three, three, three, 3));
  EXPECT_ARG(hone_engine_build(net, config, &engine), NULL);
  EXPECT_OK(hone_builder_config_set_input_shape(config, "x", min, opt, max, 2)); /* replaces */
  EXPECT_OK(hone_builder_config_set_precisions(config, HONE_PRECISION_FP32 | HONE_PRECISION_FP16));
  EXPECT(HONE_STATUS_UNSUPPORTED, hone_engine_build(net, config, &engine), "float16");
  EXPECT_OK(hone_builder_config_set_precisions(config, HONE_PRECISION_INT8));
  EXPECT(HONE_STATUS_UNSUPPORTED, hone_engine_build(net, config, &engine), "int8");
  EXPECT_OK(hone_builder_config_set_precisions(config, HONE_PRECISION_FP32));
  EXPECT_OK(hone_builder_config_set_device(config, "gpu9"));
  EXPECT(HONE_STATUS_NOT_FOUND, hone_engine_build(net, config, &engine), "gpu9");
  EXPECT_OK(hone_builder_config_set_device(config, "cpu"));
  EXPECT_OK(hone_builder_config_set_timing_cache_path(config, "/no/such/dir/cache.json"));
  EXPECT(HONE_STATUS_IO_ERROR, hone_engine_build(net, config, &engine), "cache.json");
  path_join(cache, sizeof cache, g_work_dir, "config_bad_cache.json");
  CHECK(write_file(cache, "[1,2", 4));
  EXPECT_OK(hone_builder_config_set_timing_cache_path(config, cache));
  EXPECT_ARG(hone_engine_build(net, config, &engine), "timing cache");
  CHECK(engine == NULL);

  /* Every setter once more with good values; then a build that uses them all. */
  path_join(cache, sizeof cache, g_work_dir, "config_cache.json");
  remove(cache);
  EXPECT_OK(hone_builder_config_set_timing_cache_path(config, cache));
  EXPECT_OK(hone_builder_config_set_workspace_limit(config, (uint64_t)64 << 20));
  EXPECT_OK(hone_builder_config_set_allowed_tactics(config, tactics, 2));
  EXPECT_OK(hone_builder_config_set_optimize(config, 0));
  EXPECT_OK(hone_builder_config_set_optimize(config, 1));
  EXPECT_OK(hone_builder_config_set_progress_callback(config, on_progress, &progress));
  progress.config = config;
  EXPECT_OK(hone_engine_build(net, config, &engine));
  CHECK(engine != NULL);
  CHECK(progress.calls >= 2 && progress.saw_done && progress.monotonic);
  CHECK(progress.set_status == HONE_STATUS_INVALID_ARGUMENT && progress.destroy_status == HONE_STATUS_INVALID_ARGUMENT);
  CHECK(file_exists(cache));
  EXPECT_OK(hone_engine_get_num_layers(engine, &count));
  CHECK(count > 0);
  EXPECT_OK(hone_engine_destroy(engine));
  engine = NULL;

  /* The network and the config survive a build: build again (the network is re-imported),
   * now without progress reports and with every tactic allowed. */
  EXPECT_OK(hone_builder_config_set_progress_callback(config, NULL, NULL));
  EXPECT_OK(hone_builder_config_set_allowed_tactics(config, NULL, 0));
  EXPECT_OK(hone_builder_config_set_timing_cache_path(config, NULL));
  progress.calls = 0;
  EXPECT_OK(hone_engine_build(net, config, &engine));
  CHECK(progress.calls == 0);
  EXPECT_OK(hone_engine_destroy(engine));

  dead = config;
  EXPECT_OK(hone_builder_config_destroy(config));
  EXPECT_ARG(hone_builder_config_set_threads(dead, 2), "not a live hone_builder_config_t");
  EXPECT_ARG(hone_builder_config_destroy(dead), "not a live");
  EXPECT_ARG(hone_engine_build(net, dead, &engine), "not a live hone_builder_config_t");
  EXPECT_ARG(hone_builder_config_set_threads((hone_builder_config_t*)(void*)net, 2), "not a live hone_builder_config_t");
  EXPECT_OK(hone_network_destroy(net));
}

/* ------------------------------------------------------------------------------------------
 * flow: engine queries, save/load, contexts, bindings, runs, outputs, tensors, profiler */

typedef struct {
  int layers;
  double total_ms;
  int named;
  hone_context_t* context; /* calls on it from inside the callback are refused */
  hone_status run_status;
} Profile;

static void on_layer(const char* layer_name, float ms, void* user_data) {
  Profile* p = (Profile*)user_data;
  if (p->context && p->layers == 0) p->run_status = hone_context_run(p->context);
  ++p->layers;
  p->total_ms += ms;
  if (layer_name && layer_name[0] && ms >= 0.0f) ++p->named;
}

static void test_engine_queries(hone_engine_t* engine) {
  size_t count = 0;
  const char* name = NULL;
  hone_tensor_io io = HONE_TENSOR_IO_OUTPUT;
  hone_dtype dtype = HONE_DTYPE_UNDEFINED;
  int64_t dims[4] = {0, 0, 0, 0}, min[4], opt[4], max[4], rank = 0;

  EXPECT_OK(hone_engine_get_num_inputs(engine, &count));
  CHECK(count == 2);
  EXPECT_OK(hone_engine_get_num_outputs(engine, &count));
  CHECK(count == 7);
  EXPECT_OK(hone_engine_get_input_name(engine, 0, &name));
  CHECK(name && strcmp(name, "x") == 0);
  EXPECT_OK(hone_engine_get_output_name(engine, 3, &name));
  CHECK(name && strcmp(name, "y_i64") == 0);
  EXPECT(HONE_STATUS_OUT_OF_RANGE, hone_engine_get_input_name(engine, 2, &name), "input index 2");
  EXPECT(HONE_STATUS_OUT_OF_RANGE, hone_engine_get_output_name(engine, 99, &name), "output index 99");
  EXPECT_ARG(hone_engine_get_input_name(engine, 0, NULL), "'name' is NULL");
  EXPECT_ARG(hone_engine_get_output_name(engine, 0, NULL), "'name' is NULL");
  EXPECT_ARG(hone_engine_get_num_inputs(engine, NULL), "'count' is NULL");
  EXPECT_ARG(hone_engine_get_num_outputs(engine, NULL), "'count' is NULL");
  EXPECT_ARG(hone_engine_get_num_layers(engine, NULL), "'count' is NULL");

  EXPECT_OK(hone_engine_get_tensor_io(engine, "x", &io));
  CHECK(io == HONE_TENSOR_IO_INPUT);
  EXPECT_OK(hone_engine_get_tensor_io(engine, "y_u8", &io));
  CHECK(io == HONE_TENSOR_IO_OUTPUT);
  EXPECT(HONE_STATUS_NOT_FOUND, hone_engine_get_tensor_io(engine, "w", &io), "'w'"); /* an initializer */
  EXPECT_ARG(hone_engine_get_tensor_io(engine, NULL, &io), "'name' is NULL");
  EXPECT_ARG(hone_engine_get_tensor_io(engine, "x", NULL), "'io' is NULL");

  EXPECT_OK(hone_engine_get_tensor_dtype(engine, "x", &dtype));
  CHECK(dtype == HONE_DTYPE_FLOAT32);
  EXPECT_OK(hone_engine_get_tensor_dtype(engine, "y_bool", &dtype));
  CHECK(dtype == HONE_DTYPE_BOOL);
  EXPECT_OK(hone_engine_get_tensor_dtype(engine, "y_i8", &dtype));
  CHECK(dtype == HONE_DTYPE_INT8);
  EXPECT(HONE_STATUS_NOT_FOUND, hone_engine_get_tensor_dtype(engine, "nope", &dtype), "'nope'");
  EXPECT_ARG(hone_engine_get_tensor_dtype(engine, "x", NULL), "'dtype' is NULL");

  EXPECT_OK(hone_engine_get_tensor_shape(engine, "x", dims, 4, &rank));
  CHECK(rank == 2 && dims[0] == -1 && dims[1] == 4);
  EXPECT_OK(hone_engine_get_tensor_shape(engine, "offset", dims, 4, &rank));
  CHECK(rank == 1 && dims[0] == 1);
  EXPECT_OK(hone_engine_get_tensor_shape(engine, "y_f16", dims, 4, &rank));
  CHECK(rank == 2 && dims[0] == -1 && dims[1] == 4);
  EXPECT_ARG(hone_engine_get_tensor_shape(engine, "x", dims, 1, &rank), "capacity");
  EXPECT_ARG(hone_engine_get_tensor_shape(engine, "x", dims, 4, NULL), "'rank' is NULL");
  EXPECT(HONE_STATUS_NOT_FOUND, hone_engine_get_tensor_shape(engine, "nope", dims, 4, &rank), "'nope'");

  EXPECT_OK(hone_engine_get_input_profile(engine, "x", min, opt, max, 4, &rank));
  CHECK(rank == 2 && min[0] == 1 && opt[0] == 2 && max[0] == MAX_N && min[1] == 4 && max[1] == 4);
  EXPECT_OK(hone_engine_get_input_profile(engine, "offset", min, opt, max, 4, &rank));
  CHECK(rank == 1 && min[0] == 1 && opt[0] == 1 && max[0] == 1);
  EXPECT_OK(hone_engine_get_input_profile(engine, "x", NULL, NULL, max, 4, &rank));
  EXPECT_OK(hone_engine_get_input_profile(engine, "x", NULL, NULL, NULL, 0, &rank));
  CHECK(rank == 2);
  EXPECT_ARG(hone_engine_get_input_profile(engine, "x", min, opt, max, 1, &rank), "capacity");
  EXPECT_ARG(hone_engine_get_input_profile(engine, "x", min, opt, max, 4, NULL), "'rank' is NULL");
  EXPECT_ARG(hone_engine_get_input_profile(engine, NULL, min, opt, max, 4, &rank), "'name' is NULL");
  EXPECT(HONE_STATUS_NOT_FOUND, hone_engine_get_input_profile(engine, "y", min, opt, max, 4, &rank), "no input 'y'");
}

/* Saving and loading, from files and memory, and what a corrupt engine gives. */
static void test_engine_files(hone_engine_t* engine) {
  char path[1024], bad[1024];
  void* bytes = NULL;
  void* again = NULL;
  size_t size = 0, size2 = 0, count = 0;
  hone_engine_t* loaded = NULL;
  unsigned char* damaged;

  path_join(path, sizeof path, g_work_dir, "flow_multi.hone");
  EXPECT_OK(hone_engine_save_file(engine, path));
  EXPECT_ARG(hone_engine_save_file(engine, NULL), "'path' is NULL");
  EXPECT(HONE_STATUS_IO_ERROR, hone_engine_save_file(engine, "/no/such/dir/e.hone"), "/no/such/dir");
  EXPECT_OK(hone_engine_load_file(path, &loaded));
  EXPECT_OK(hone_engine_get_num_outputs(loaded, &count));
  CHECK(count == 7);
  EXPECT_OK(hone_engine_destroy(loaded));
  loaded = NULL;
  EXPECT_ARG(hone_engine_load_file(NULL, &loaded), "'path' is NULL");
  EXPECT_ARG(hone_engine_load_file(path, NULL), "'out' is NULL");
  EXPECT(HONE_STATUS_NOT_FOUND, hone_engine_load_file("/no/such/file.hone", &loaded), "/no/such/file.hone");
  path_join(bad, sizeof bad, g_models_dir, "multi.onnx");
  EXPECT(HONE_STATUS_INVALID_MODEL, hone_engine_load_file(bad, &loaded), "multi.onnx");
  /* Strings that are not usable paths. */
  EXPECT(HONE_STATUS_NOT_FOUND, hone_engine_load_file("", &loaded), NULL);
  EXPECT(HONE_STATUS_IO_ERROR, hone_engine_load_file(g_models_dir, &loaded), "directory");
  EXPECT(HONE_STATUS_IO_ERROR, hone_engine_load_file(long_path(), &loaded), NULL);
  EXPECT(HONE_STATUS_IO_ERROR, hone_engine_save_file(engine, ""), NULL);
  EXPECT(HONE_STATUS_IO_ERROR, hone_engine_save_file(engine, g_work_dir), "directory");
  EXPECT(HONE_STATUS_IO_ERROR, hone_engine_save_file(engine, long_path()), NULL);

  EXPECT_OK(hone_engine_serialize(engine, &bytes, &size));
  CHECK(bytes != NULL && size > 64);
  EXPECT_OK(hone_engine_serialize(engine, &again, &size2));
  CHECK(size == size2 && memcmp(bytes, again, size) == 0); /* deterministic */
  hone_free(again);
  EXPECT_ARG(hone_engine_serialize(engine, NULL, &size), "'data' is NULL");
  EXPECT_ARG(hone_engine_serialize(engine, &again, NULL), "'size' is NULL");
  EXPECT_ARG(hone_engine_load_memory(NULL, size, &loaded), "'data' is NULL");
  EXPECT_ARG(hone_engine_load_memory(bytes, 0, &loaded), "'size' is 0");
  EXPECT_ARG(hone_engine_load_memory(bytes, size, NULL), "'out' is NULL");
  EXPECT(HONE_STATUS_INVALID_MODEL, hone_engine_load_memory(bytes, size / 2, &loaded), "<memory>");
  EXPECT(HONE_STATUS_INVALID_MODEL, hone_engine_load_memory("HONE but not really", 19, &loaded), NULL);
  damaged = (unsigned char*)malloc(size);
  CHECK(damaged != NULL);
  if (damaged) {
    size_t i;
    int all_refused = 1;
    /* A flipped byte anywhere is refused (every section is checksummed). */
    for (i = 0; i < size; i += size / 97 + 1) {
      hone_status s;
      memcpy(damaged, bytes, size);
      damaged[i] ^= 0x5a;
      s = hone_engine_load_memory(damaged, size, &loaded);
      if (s == HONE_STATUS_OK) {
        fprintf(stderr, "  engine with byte %zu flipped was accepted\n", i);
        hone_engine_destroy(loaded);
        loaded = NULL;
        all_refused = 0;
      } else if (s != HONE_STATUS_INVALID_MODEL && s != HONE_STATUS_UNSUPPORTED) {
        fprintf(stderr, "  byte %zu flipped: %s: %s\n", i, hone_status_name(s), hone_last_error_message());
        all_refused = 0;
      }
    }
    CHECK(all_refused);
    free(damaged);
  }
  path_join(bad, sizeof bad, g_work_dir, "flow_truncated.hone");
  CHECK(write_file(bad, bytes, size - 100));
  EXPECT(HONE_STATUS_INVALID_MODEL, hone_engine_load_file(bad, &loaded), "flow_truncated.hone");
  CHECK(loaded == NULL);
  EXPECT_OK(hone_engine_load_memory(bytes, size, &loaded));
  memset(bytes, 0, size); /* copied on load */
  hone_free(bytes);
  EXPECT_OK(hone_engine_get_num_outputs(loaded, &count));
  CHECK(count == 7);
  EXPECT_OK(hone_engine_destroy(loaded));
}

static void test_flow(void) {
  hone_engine_t* engine = build_multi(1);
  hone_engine_t* dead_engine;
  hone_context_t* ctx = NULL;
  hone_context_t* dead_ctx = NULL;
  hone_tensor_t* tensor = NULL;
  hone_tensor_t* dead_tensor = NULL;
  float x[MAX_N * 4], x5[5 * 4], y[MAX_N * 4], small[2 * 4], big[(MAX_N + 1) * 4];
  const int64_t shape3[2] = {3, 4}, shape5[2] = {5, 4}, shape2[2] = {2, 4}, too_big[2] = {MAX_N + 1, 4},
                too_wide[2] = {2, 5}, one[1] = {1}, rank1[1] = {12}, neg[2] = {-3, 4};
  const int64_t offset = 100;
  int64_t dims[4] = {0, 0, 0, 0}, rank = 0, count = 0;
  hone_dtype dtype = HONE_DTYPE_UNDEFINED;
  size_t bytes = 0;
  void* data = NULL;
  int threads = 0;
  Profile profile = {0, 0.0, 0, NULL, HONE_STATUS_OK};
  size_t layers = 0;
  if (!CHECK(engine != NULL)) return;

  test_engine_queries(engine);
  test_engine_files(engine);

  EXPECT_ARG(hone_context_create(engine, NULL), "'out' is NULL");
  EXPECT_OK(hone_context_create(engine, &ctx));

  /* Before anything is bound. */
  EXPECT_ARG(hone_context_get_output(ctx, "y", &tensor), "has not run");
  EXPECT_ARG(hone_context_run(ctx), "not bound");

  /* Input shapes. */
  EXPECT_OK(hone_context_set_input_shape(ctx, "x", shape3, 2));
  EXPECT_ARG(hone_context_set_input_shape(ctx, "x", too_big, 2), "profile");
  EXPECT_ARG(hone_context_set_input_shape(ctx, "x", too_wide, 2), "profile");
  EXPECT_ARG(hone_context_set_input_shape(ctx, "x", rank1, 1), "profile");
  EXPECT_ARG(hone_context_set_input_shape(ctx, "x", neg, 2), "negative");
  EXPECT_ARG(hone_context_set_input_shape(ctx, "x", NULL, 2), "'dims' is NULL");
  EXPECT_ARG(hone_context_set_input_shape(ctx, NULL, shape3, 2), "'name' is NULL");
  EXPECT(HONE_STATUS_NOT_FOUND, hone_context_set_input_shape(ctx, "nope", shape3, 2), "'nope'");
  EXPECT(HONE_STATUS_NOT_FOUND, hone_context_set_input_shape(ctx, "y", shape3, 2), "is an output");
  EXPECT_ARG(hone_context_set_input_shape(ctx, "offset", shape3, 2), "does not match");

  /* Binding inputs: every check. */
  fill_x(x, 3, -5.0f);
  fill_x(big, MAX_N + 1, 0.0f);
  EXPECT_ARG(hone_context_bind_input(ctx, "x", x, 11 * sizeof(float), HONE_DTYPE_FLOAT32, shape3, 2), "byte_size");
  EXPECT_ARG(hone_context_bind_input(ctx, "x", x, 12 * sizeof(float), HONE_DTYPE_INT32, shape3, 2), "element type float");
  EXPECT_ARG(hone_context_bind_input(ctx, "x", x, 12 * sizeof(double), HONE_DTYPE_FLOAT64, shape3, 2), "element type");
  EXPECT(HONE_STATUS_UNSUPPORTED, hone_context_bind_input(ctx, "x", x, 48, HONE_DTYPE_STRING, shape3, 2), "string");
  EXPECT_ARG(hone_context_bind_input(ctx, "x", x, 48, (hone_dtype)77, shape3, 2), "not an element type");
  EXPECT_ARG(hone_context_bind_input(ctx, "x", x, 48, HONE_DTYPE_UNDEFINED, shape3, 2), "not an element type");
  EXPECT_ARG(hone_context_bind_input(ctx, "x", NULL, 48, HONE_DTYPE_FLOAT32, shape3, 2), "'data' is NULL");
  EXPECT_ARG(hone_context_bind_input(ctx, "x", x, 48, HONE_DTYPE_FLOAT32, NULL, 2), "'dims' is NULL");
  EXPECT_ARG(hone_context_bind_input(ctx, "x", big, sizeof big, HONE_DTYPE_FLOAT32, too_big, 2), "profile");
  EXPECT_ARG(hone_context_bind_input(ctx, NULL, x, 48, HONE_DTYPE_FLOAT32, shape3, 2), "'name' is NULL");
  EXPECT(HONE_STATUS_NOT_FOUND, hone_context_bind_input(ctx, "nope", x, 48, HONE_DTYPE_FLOAT32, shape3, 2), "'nope'");
  EXPECT(HONE_STATUS_NOT_FOUND, hone_context_bind_input(ctx, "y", x, 48, HONE_DTYPE_FLOAT32, shape3, 2), "is an output");
  EXPECT_ARG(hone_context_set_input(ctx, "offset", &offset, 4, HONE_DTYPE_INT64, one, 1), "byte_size");
  EXPECT_ARG(hone_context_set_input(ctx, "offset", &offset, 8, HONE_DTYPE_UINT64, one, 1), "element type int64");
  EXPECT_ARG(hone_context_set_input(ctx, "offset", NULL, 8, HONE_DTYPE_INT64, one, 1), "'data' is NULL");
  EXPECT(HONE_STATUS_NOT_FOUND, hone_context_set_input(ctx, "y_i64", &offset, 8, HONE_DTYPE_INT64, one, 1), "is an output");
  EXPECT_ARG(hone_context_set_input(ctx, "x", big, sizeof big, HONE_DTYPE_FLOAT32, too_big, 2), "profile");

  /* The happy path: x zero-copy, offset copied in. */
  EXPECT_OK(hone_context_bind_input(ctx, "x", x, sizeof(float) * 12, HONE_DTYPE_FLOAT32, shape3, 2));
  {
    int64_t temp = offset;
    EXPECT_OK(hone_context_set_input(ctx, "offset", &temp, sizeof temp, HONE_DTYPE_INT64, one, 1));
    temp = -999; /* copied: changing the caller's variable changes nothing */
  }
  EXPECT_OK(hone_context_run(ctx));
  check_multi_outputs(ctx, x, 3, offset);

  /* Reading outputs: every check. */
  EXPECT_ARG(hone_context_copy_output(ctx, "y", y, 12 * sizeof(float), HONE_DTYPE_INT32), "element type float, not int32");
  EXPECT_ARG(hone_context_copy_output(ctx, "y_i64", y, 12 * 8, HONE_DTYPE_INT32), "element type int64, not int32");
  EXPECT_ARG(hone_context_copy_output(ctx, "y", y, 11 * sizeof(float), HONE_DTYPE_FLOAT32), "takes 48 bytes");
  EXPECT_ARG(hone_context_copy_output(ctx, "y", y, 16 * sizeof(float), HONE_DTYPE_FLOAT32), "takes 48 bytes");
  EXPECT_ARG(hone_context_copy_output(ctx, "y", NULL, 48, HONE_DTYPE_FLOAT32), "'dst' is NULL");
  EXPECT_ARG(hone_context_copy_output(ctx, "y", y, 48, (hone_dtype)99), "not an element type");
  EXPECT(HONE_STATUS_NOT_FOUND, hone_context_copy_output(ctx, "nope", y, 48, HONE_DTYPE_FLOAT32), "'nope'");
  EXPECT(HONE_STATUS_NOT_FOUND, hone_context_copy_output(ctx, "x", y, 48, HONE_DTYPE_FLOAT32), "no output 'x'");
  EXPECT_ARG(hone_context_copy_output(ctx, NULL, y, 48, HONE_DTYPE_FLOAT32), "'name' is NULL");
  EXPECT_OK(hone_context_get_output_shape(ctx, "y_u8", dims, 4, &rank));
  CHECK(rank == 2 && dims[0] == 3 && dims[1] == 4);
  EXPECT_ARG(hone_context_get_output_shape(ctx, "y_u8", dims, 1, &rank), "capacity");
  EXPECT_ARG(hone_context_get_output_shape(ctx, "y_u8", dims, 4, NULL), "'rank' is NULL");
  EXPECT(HONE_STATUS_NOT_FOUND, hone_context_get_output_shape(ctx, "nope", dims, 4, &rank), "'nope'");
  EXPECT_ARG(hone_context_get_output(ctx, "y", NULL), "'out' is NULL");
  EXPECT(HONE_STATUS_NOT_FOUND, hone_context_get_output(ctx, "offset", &tensor), "no output 'offset'");

  /* An output as a tensor: it keeps this run's values after later runs. */
  EXPECT_OK(hone_context_get_output(ctx, "y", &tensor));
  EXPECT_OK(hone_tensor_get_dtype(tensor, &dtype));
  CHECK(dtype == HONE_DTYPE_FLOAT32);
  EXPECT_OK(hone_tensor_get_shape(tensor, dims, 4, &rank));
  CHECK(rank == 2 && dims[0] == 3 && dims[1] == 4);
  EXPECT_OK(hone_tensor_get_element_count(tensor, &count));
  CHECK(count == 12);
  EXPECT_OK(hone_tensor_get_byte_size(tensor, &bytes));
  CHECK(bytes == 48);
  EXPECT_OK(hone_tensor_get_data(tensor, &data));
  CHECK(data != NULL && ((float*)data)[3] == relu(xw_at(x, 3)));
  EXPECT_OK(hone_tensor_copy_to(tensor, y, 48, HONE_DTYPE_FLOAT32));
  CHECK(y[0] == relu(xw_at(x, 0)) && y[11] == relu(xw_at(x, 11)));
  EXPECT_ARG(hone_tensor_copy_to(tensor, y, 48, HONE_DTYPE_INT32), "element type float, not int32");
  EXPECT_ARG(hone_tensor_copy_to(tensor, y, 47, HONE_DTYPE_FLOAT32), "takes 48 bytes");
  EXPECT_ARG(hone_tensor_copy_to(tensor, NULL, 48, HONE_DTYPE_FLOAT32), "'dst' is NULL");

  /* Zero-copy input: changing the bound buffer changes the next run's result. */
  x[0] = 40.0f;
  EXPECT_OK(hone_context_run(ctx));
  check_multi_outputs(ctx, x, 3, offset);
  CHECK(((float*)data)[0] == 0.0f); /* the earlier output tensor kept its values (relu(-5)) */
  EXPECT_OK(hone_tensor_destroy(tensor));
  dead_tensor = tensor;
  tensor = NULL;

  /* Zero-copy output into a caller buffer; a bound output of the wrong shape fails the run. */
  memset(y, 0, sizeof y);
  EXPECT_ARG(hone_context_bind_output(ctx, "y", y, 48, HONE_DTYPE_INT32, shape3, 2), "element type float");
  EXPECT_ARG(hone_context_bind_output(ctx, "y", y, 40, HONE_DTYPE_FLOAT32, shape3, 2), "byte_size");
  EXPECT_ARG(hone_context_bind_output(ctx, "y", NULL, 48, HONE_DTYPE_FLOAT32, shape3, 2), "'data' is NULL");
  EXPECT(HONE_STATUS_NOT_FOUND, hone_context_bind_output(ctx, "x", y, 48, HONE_DTYPE_FLOAT32, shape3, 2), "is an input");
  EXPECT(HONE_STATUS_NOT_FOUND, hone_context_bind_output(ctx, "nope", y, 48, HONE_DTYPE_FLOAT32, shape3, 2), "'nope'");
  EXPECT_OK(hone_context_bind_output(ctx, "y", y, 48, HONE_DTYPE_FLOAT32, shape3, 2));
  EXPECT_OK(hone_context_run(ctx));
  CHECK(y[0] == 40.0f && y[5] == relu(xw_at(x, 5)));
  EXPECT_OK(hone_context_get_output(ctx, "y", &tensor));
  EXPECT_OK(hone_tensor_get_data(tensor, &data));
  CHECK(data == (void*)y); /* the output is the caller's buffer */
  EXPECT_OK(hone_tensor_destroy(tensor));
  tensor = NULL;
  EXPECT_OK(hone_context_bind_output(ctx, "y", small, sizeof small, HONE_DTYPE_FLOAT32, shape2, 2));
  EXPECT_ARG(hone_context_run(ctx), "output 'y' is bound with shape [2,4]");
  EXPECT_OK(hone_context_unbind(ctx, "y"));
  EXPECT_OK(hone_context_run(ctx));
  check_multi_outputs(ctx, x, 3, offset);

  /* Changing the shape: set_input_shape and the bound input must agree. */
  EXPECT_OK(hone_context_set_input_shape(ctx, "x", shape5, 2));
  EXPECT_ARG(hone_context_run(ctx), "its shape was set to [5,4]");
  fill_x(x5, 5, -7.0f);
  EXPECT_OK(hone_context_bind_input(ctx, "x", x5, sizeof x5, HONE_DTYPE_FLOAT32, shape5, 2));
  EXPECT_OK(hone_context_run(ctx));
  check_multi_outputs(ctx, x5, 5, offset);
  EXPECT_OK(hone_context_get_output_shape(ctx, "y_bool", dims, 4, &rank));
  CHECK(rank == 2 && dims[0] == 5);

  /* Unbinding. */
  EXPECT_OK(hone_context_unbind(ctx, "x"));
  EXPECT_ARG(hone_context_run(ctx), "input 'x' is not bound");
  EXPECT(HONE_STATUS_NOT_FOUND, hone_context_unbind(ctx, "nope"), "'nope'");
  EXPECT_ARG(hone_context_unbind(ctx, NULL), "'name' is NULL");

  /* Tensors bound to inputs and outputs. */
  EXPECT_ARG(hone_tensor_create(HONE_DTYPE_FLOAT32, shape2, 2, NULL), "'out' is NULL");
  EXPECT_ARG(hone_tensor_create(HONE_DTYPE_FLOAT32, NULL, 2, &tensor), "'dims' is NULL");
  EXPECT_ARG(hone_tensor_create(HONE_DTYPE_FLOAT32, neg, 2, &tensor), "negative");
  EXPECT_ARG(hone_tensor_create(HONE_DTYPE_UNDEFINED, shape2, 2, &tensor), "not an element type");
  EXPECT(HONE_STATUS_UNSUPPORTED, hone_tensor_create(HONE_DTYPE_STRING, shape2, 2, &tensor), "string");
  {
    const int64_t huge[3] = {(int64_t)1 << 40, (int64_t)1 << 40, 16};
    EXPECT_ARG(hone_tensor_create(HONE_DTYPE_FLOAT32, huge, 3, &tensor), NULL);
  }
  CHECK(tensor == NULL);
  EXPECT_OK(hone_tensor_create(HONE_DTYPE_FLOAT32, shape2, 2, &tensor));
  EXPECT_OK(hone_tensor_get_data(tensor, &data));
  CHECK(data != NULL && ((float*)data)[7] == 0.0f); /* zero-filled */
  fill_x(small, 2, 1.0f);
  EXPECT_ARG(hone_tensor_copy_from(tensor, small, sizeof small, HONE_DTYPE_INT32), "element type float");
  EXPECT_ARG(hone_tensor_copy_from(tensor, small, 4, HONE_DTYPE_FLOAT32), "takes 32 bytes");
  EXPECT_ARG(hone_tensor_copy_from(tensor, NULL, sizeof small, HONE_DTYPE_FLOAT32), "'src' is NULL");
  EXPECT_OK(hone_tensor_copy_from(tensor, small, sizeof small, HONE_DTYPE_FLOAT32));
  EXPECT_OK(hone_context_set_input_shape(ctx, "x", shape2, 2));
  EXPECT_ARG(hone_context_bind_tensor(ctx, "x", NULL), "'tensor' is NULL");
  EXPECT_ARG(hone_context_bind_tensor(ctx, "x", dead_tensor), "not a live hone_tensor_t");
  EXPECT(HONE_STATUS_NOT_FOUND, hone_context_bind_tensor(ctx, "nope", tensor), "'nope'");
  EXPECT_ARG(hone_context_bind_tensor(ctx, "offset", tensor), "element type int64");
  EXPECT_ARG(hone_context_bind_tensor(ctx, "y_i32", tensor), "element type int32");
  EXPECT_OK(hone_context_bind_tensor(ctx, "x", tensor));
  EXPECT_OK(hone_tensor_destroy(tensor)); /* owned storage: the binding keeps it alive */
  tensor = NULL;
  EXPECT_OK(hone_context_run(ctx));
  check_multi_outputs(ctx, small, 2, offset);
  {
    float out[2 * 4];
    hone_tensor_t* out_tensor = NULL;
    memset(out, 0, sizeof out);
    EXPECT_ARG(hone_tensor_wrap(HONE_DTYPE_FLOAT32, shape2, 2, out, sizeof out - 1, &out_tensor), "byte_size");
    EXPECT_ARG(hone_tensor_wrap(HONE_DTYPE_FLOAT32, shape2, 2, NULL, sizeof out, &out_tensor), "'data' is NULL");
    EXPECT_ARG(hone_tensor_wrap(HONE_DTYPE_FLOAT32, shape2, 2, out, sizeof out, NULL), "'out' is NULL");
    EXPECT_ARG(hone_tensor_wrap((hone_dtype)0, shape2, 2, out, sizeof out, &out_tensor), "not an element type");
    EXPECT_OK(hone_tensor_wrap(HONE_DTYPE_FLOAT32, shape2, 2, out, sizeof out, &out_tensor));
    EXPECT_OK(hone_tensor_get_data(out_tensor, &data));
    CHECK(data == (void*)out); /* borrowed */
    EXPECT_OK(hone_context_bind_tensor(ctx, "y", out_tensor));
    EXPECT_OK(hone_context_run(ctx));
    CHECK(out[0] == relu(xw_at(small, 0)) && out[7] == relu(xw_at(small, 7)) && out[7] != 0.0f);
    EXPECT_OK(hone_context_unbind(ctx, "y"));
    EXPECT_OK(hone_tensor_destroy(out_tensor));
  }
  {
    /* An empty tensor: no bytes, a NULL data pointer. */
    const int64_t empty_shape[2] = {0, 4};
    hone_tensor_t* empty = NULL;
    EXPECT_OK(hone_tensor_wrap(HONE_DTYPE_FLOAT32, empty_shape, 2, NULL, 0, &empty));
    EXPECT_OK(hone_tensor_get_byte_size(empty, &bytes));
    CHECK(bytes == 0);
    EXPECT_OK(hone_tensor_get_data(empty, &data));
    CHECK(data == NULL);
    EXPECT_OK(hone_tensor_copy_to(empty, NULL, 0, HONE_DTYPE_FLOAT32));
    EXPECT_ARG(hone_context_bind_tensor(ctx, "x", empty), "profile"); /* 0 rows: below min */
    EXPECT_OK(hone_tensor_destroy(empty));
  }
  {
    /* A scalar: rank 0, no dims array needed. */
    hone_tensor_t* scalar = NULL;
    EXPECT_OK(hone_tensor_create(HONE_DTYPE_INT64, NULL, 0, &scalar));
    EXPECT_OK(hone_tensor_get_shape(scalar, NULL, 0, &rank));
    EXPECT_OK(hone_tensor_get_element_count(scalar, &count));
    CHECK(rank == 0 && count == 1);
    EXPECT_ARG(hone_tensor_get_shape(scalar, dims, 4, NULL), "'rank' is NULL");
    EXPECT_ARG(hone_tensor_get_dtype(scalar, NULL), "'dtype' is NULL");
    EXPECT_ARG(hone_tensor_get_element_count(scalar, NULL), "'count' is NULL");
    EXPECT_ARG(hone_tensor_get_byte_size(scalar, NULL), "'byte_size' is NULL");
    EXPECT_ARG(hone_tensor_get_data(scalar, NULL), "'data' is NULL");
    EXPECT_ARG(hone_context_bind_tensor(ctx, "offset", scalar), "offset");
    EXPECT_OK(hone_tensor_destroy(scalar));
  }

  /* Threads. */
  EXPECT_OK(hone_context_get_threads(ctx, &threads));
  CHECK(threads == 1); /* the engine's build setting */
  EXPECT_OK(hone_context_set_threads(ctx, 2));
  EXPECT_OK(hone_context_get_threads(ctx, &threads));
  CHECK(threads == 2);
  EXPECT_ARG(hone_context_set_threads(ctx, 0), "at least 1 thread");
  EXPECT_ARG(hone_context_get_threads(ctx, NULL), "'threads' is NULL");
  EXPECT_OK(hone_context_run(ctx));
  check_multi_outputs(ctx, small, 2, offset);

  /* Profiler. */
  EXPECT_OK(hone_engine_get_num_layers(engine, &layers));
  profile.context = ctx;
  EXPECT_OK(hone_context_set_profiler(ctx, on_layer, &profile));
  EXPECT_OK(hone_context_run(ctx));
  CHECK(profile.layers > 0 && (size_t)profile.layers <= layers && profile.named == profile.layers);
  CHECK(profile.run_status == HONE_STATUS_INVALID_ARGUMENT);
  CHECK(profile.total_ms >= 0.0);
  EXPECT_OK(hone_context_run(ctx));
  CHECK(profile.layers > 0 && (size_t)profile.layers <= 2 * layers);
  EXPECT_OK(hone_context_set_profiler(ctx, NULL, NULL));
  profile.layers = 0;
  EXPECT_OK(hone_context_run(ctx));
  CHECK(profile.layers == 0);

  /* The engine handle may go first: the context keeps what it needs. */
  dead_engine = engine;
  EXPECT_OK(hone_engine_destroy(engine));
  EXPECT_OK(hone_context_run(ctx));
  check_multi_outputs(ctx, small, 2, offset);
  EXPECT_ARG(hone_engine_get_num_layers(dead_engine, &layers), "not a live hone_engine_t");
  EXPECT_ARG(hone_context_create(dead_engine, &dead_ctx), "not a live hone_engine_t");
  EXPECT_ARG(hone_engine_destroy(dead_engine), "not a live hone_engine_t");
  EXPECT_ARG(hone_engine_serialize(dead_engine, &data, &bytes), "not a live");
  EXPECT_ARG(hone_engine_save_file(dead_engine, "x.hone"), "not a live");
  EXPECT_ARG(hone_engine_get_input_profile(dead_engine, "x", dims, dims, dims, 4, &rank), "not a live");

  /* Use after destroy: contexts and tensors. */
  dead_ctx = ctx;
  EXPECT_OK(hone_context_destroy(ctx));
  EXPECT_ARG(hone_context_run(dead_ctx), "not a live hone_context_t");
  EXPECT_ARG(hone_context_run_async(dead_ctx), "not a live hone_context_t");
  EXPECT_ARG(hone_context_wait(dead_ctx), "not a live hone_context_t");
  EXPECT_ARG(hone_context_bind_input(dead_ctx, "x", x, 48, HONE_DTYPE_FLOAT32, shape3, 2), "not a live");
  EXPECT_ARG(hone_context_copy_output(dead_ctx, "y", y, 48, HONE_DTYPE_FLOAT32), "not a live");
  EXPECT_ARG(hone_context_get_output(dead_ctx, "y", &tensor), "not a live");
  EXPECT_ARG(hone_context_set_profiler(dead_ctx, NULL, NULL), "not a live");
  EXPECT_ARG(hone_context_destroy(dead_ctx), "not a live hone_context_t");
  EXPECT_ARG(hone_tensor_get_data(dead_tensor, &data), "not a live hone_tensor_t");
  EXPECT_ARG(hone_tensor_copy_to(dead_tensor, y, 48, HONE_DTYPE_FLOAT32), "not a live");
  EXPECT_ARG(hone_tensor_destroy(dead_tensor), "not a live hone_tensor_t");
  /* A handle of one type passed as another. */
  EXPECT_ARG(hone_tensor_get_data((hone_tensor_t*)(void*)dead_ctx, &data), "not a live hone_tensor_t");
}

/* ------------------------------------------------------------------------------------------
 * async: run_async + wait, callbacks, errors, calls while runs are in flight */

/* A callback that holds the worker until the main thread opens the gate, so that a run is
 * certainly in flight while the main thread makes calls. */
typedef struct {
  pthread_mutex_t mu;
  pthread_cond_t cv;
  int open;
} Gate;

static void on_gated(hone_context_t* ctx, hone_status status, const char* message, void* user_data) {
  Gate* g = (Gate*)user_data;
  (void)ctx;
  (void)status;
  (void)message;
  pthread_mutex_lock(&g->mu);
  while (!g->open) pthread_cond_wait(&g->cv, &g->mu);
  pthread_mutex_unlock(&g->mu);
}

typedef struct {
  int calls;
  hone_status status;
  char message[512];
  hone_context_t* context;
  float y0;
  hone_status read_status;
  hone_status wait_status;
  hone_status destroy_status;
  char wait_message[512];
} Completion;

static void on_done(hone_context_t* ctx, hone_status status, const char* message, void* user_data) {
  Completion* c = (Completion*)user_data;
  float y[MAX_N * 4];
  ++c->calls;
  c->status = status;
  c->context = ctx;
  snprintf(c->message, sizeof c->message, "%s", message ? message : "(null)");
  if (status == HONE_STATUS_OK) {
    int64_t dims[2], rank = 0;
    c->read_status = hone_context_get_output_shape(ctx, "y", dims, 2, &rank);
    if (c->read_status == HONE_STATUS_OK) {
      c->read_status = hone_context_copy_output(ctx, "y", y, (size_t)(dims[0] * 4) * sizeof(float), HONE_DTYPE_FLOAT32);
    }
    c->y0 = y[0];
  }
  c->wait_status = hone_context_wait(ctx);
  snprintf(c->wait_message, sizeof c->wait_message, "%s", hone_last_error_message());
  c->destroy_status = hone_context_destroy(ctx);
}

/* Threads sharing one engine, each with its own context (and its own error messages). */
typedef struct {
  hone_engine_t* engine;
  int index;
  int ok_runs;
  int message_ok;
} Worker;

static void* run_worker(void* arg) {
  Worker* w = (Worker*)arg;
  hone_context_t* ctx = NULL;
  float x[3 * 4], y[3 * 4];
  const int64_t shape[2] = {3, 4}, one[1] = {1};
  int64_t offset = w->index;
  int i, k;
  w->message_ok = hone_context_run(NULL) == HONE_STATUS_INVALID_ARGUMENT &&
                  strstr(hone_last_error_message(), "'context' is NULL") != NULL;
  if (hone_context_create(w->engine, &ctx) != HONE_STATUS_OK) return NULL;
  for (i = 0; i < 200; ++i) {
    int good = 1;
    fill_x(x, 3, (float)(w->index * 7 + i % 11) - 9.0f);
    good &= hone_context_bind_input(ctx, "x", x, sizeof x, HONE_DTYPE_FLOAT32, shape, 2) == HONE_STATUS_OK;
    good &= hone_context_set_input(ctx, "offset", &offset, sizeof offset, HONE_DTYPE_INT64, one, 1) == HONE_STATUS_OK;
    good &= hone_context_run(ctx) == HONE_STATUS_OK;
    good &= hone_context_copy_output(ctx, "y", y, sizeof y, HONE_DTYPE_FLOAT32) == HONE_STATUS_OK;
    for (k = 0; good && k < 12; ++k) good = y[k] == relu(xw_at(x, k));
    w->ok_runs += good;
  }
  hone_context_destroy(ctx);
  return NULL;
}

static void test_threads(hone_engine_t* engine) {
  enum { kThreads = 4 };
  pthread_t threads[kThreads];
  Worker workers[kThreads];
  int i;
  for (i = 0; i < kThreads; ++i) {
    workers[i].engine = engine;
    workers[i].index = i;
    workers[i].ok_runs = 0;
    workers[i].message_ok = 0;
    CHECK(pthread_create(&threads[i], NULL, run_worker, &workers[i]) == 0);
  }
  for (i = 0; i < kThreads; ++i) {
    CHECK(pthread_join(threads[i], NULL) == 0);
    CHECK(workers[i].ok_runs == 200 && workers[i].message_ok);
  }
}

static void test_async(void) {
  hone_engine_t* engine = build_multi(1);
  hone_context_t* ctx = NULL;
  hone_context_t* ctx2 = NULL;
  float x[MAX_N * 4], y[MAX_N * 4];
  const int64_t shape4[2] = {4, 4}, one[1] = {1};
  const int64_t offset = 7;
  Gate gate;
  Completion done;
  hone_tensor_t* tensor = NULL;
  int i, threads = 0;
  if (!CHECK(engine != NULL)) return;
  EXPECT_OK(hone_context_create(engine, &ctx));
  fill_x(x, 4, -3.0f);
  EXPECT_OK(hone_context_bind_input(ctx, "x", x, sizeof(float) * 16, HONE_DTYPE_FLOAT32, shape4, 2));
  EXPECT_OK(hone_context_set_input(ctx, "offset", &offset, sizeof offset, HONE_DTYPE_INT64, one, 1));

  /* Nothing queued: wait returns at once. */
  EXPECT_OK(hone_context_wait(ctx));
  EXPECT_OK(hone_context_run_async(ctx));
  EXPECT_OK(hone_context_run_async(ctx));
  EXPECT_OK(hone_context_run_async(ctx));
  EXPECT_OK(hone_context_wait(ctx));
  check_multi_outputs(ctx, x, 4, offset);

  /* A callback with this run's outputs; wait and destroy refused inside it. */
  memset(&done, 0, sizeof done);
  EXPECT_ARG(hone_context_run_async_with_callback(ctx, NULL, &done), "'fn' is NULL");
  EXPECT_OK(hone_context_run_async_with_callback(ctx, on_done, &done));
  EXPECT_OK(hone_context_wait(ctx));
  CHECK(done.calls == 1 && done.status == HONE_STATUS_OK && done.message[0] == '\0' && done.context == ctx);
  CHECK(done.read_status == HONE_STATUS_OK && done.y0 == relu(xw_at(x, 0)));
  CHECK(done.wait_status == HONE_STATUS_INVALID_ARGUMENT && strstr(done.wait_message, "own run callback") != NULL);
  CHECK(done.destroy_status == HONE_STATUS_INVALID_ARGUMENT);

  /* While a run is in flight, calls that would race with it are refused. */
  pthread_mutex_init(&gate.mu, NULL);
  pthread_cond_init(&gate.cv, NULL);
  gate.open = 0;
  EXPECT_OK(hone_context_run_async_with_callback(ctx, on_gated, &gate));
  EXPECT_OK(hone_context_run_async(ctx)); /* queueing more is fine */
  EXPECT_ARG(hone_context_run(ctx), "in flight");
  EXPECT_ARG(hone_context_bind_input(ctx, "x", x, sizeof(float) * 16, HONE_DTYPE_FLOAT32, shape4, 2), "in flight");
  EXPECT_ARG(hone_context_bind_output(ctx, "y", y, sizeof(float) * 16, HONE_DTYPE_FLOAT32, shape4, 2), "in flight");
  EXPECT_ARG(hone_context_set_input(ctx, "offset", &offset, 8, HONE_DTYPE_INT64, one, 1), "in flight");
  EXPECT_ARG(hone_context_set_input_shape(ctx, "x", shape4, 2), "in flight");
  EXPECT_ARG(hone_context_unbind(ctx, "x"), "in flight");
  EXPECT_ARG(hone_context_get_output(ctx, "y", &tensor), "in flight");
  EXPECT_ARG(hone_context_copy_output(ctx, "y", y, sizeof(float) * 16, HONE_DTYPE_FLOAT32), "in flight");
  EXPECT_ARG(hone_context_set_threads(ctx, 2), "in flight");
  EXPECT_ARG(hone_context_set_profiler(ctx, NULL, NULL), "in flight");
  EXPECT_OK(hone_context_get_threads(ctx, &threads));
  pthread_mutex_lock(&gate.mu);
  gate.open = 1;
  pthread_cond_broadcast(&gate.cv);
  pthread_mutex_unlock(&gate.mu);
  EXPECT_OK(hone_context_wait(ctx));
  EXPECT_OK(hone_context_copy_output(ctx, "y", y, sizeof(float) * 16, HONE_DTYPE_FLOAT32));
  pthread_cond_destroy(&gate.cv);
  pthread_mutex_destroy(&gate.mu);

  /* A failing async run: reported by wait (once) and to its callback. */
  EXPECT_OK(hone_context_unbind(ctx, "x"));
  EXPECT_OK(hone_context_run_async(ctx));
  EXPECT_ARG(hone_context_wait(ctx), "input 'x' is not bound");
  EXPECT_OK(hone_context_wait(ctx)); /* reported once */
  memset(&done, 0, sizeof done);
  EXPECT_OK(hone_context_run_async_with_callback(ctx, on_done, &done));
  EXPECT_ARG(hone_context_wait(ctx), "not bound");
  CHECK(done.calls == 1 && done.status == HONE_STATUS_INVALID_ARGUMENT && strstr(done.message, "not bound") != NULL);

  /* Destroying a context with runs queued waits for them. */
  EXPECT_OK(hone_context_bind_input(ctx, "x", x, sizeof(float) * 16, HONE_DTYPE_FLOAT32, shape4, 2));
  EXPECT_OK(hone_context_create(engine, &ctx2));
  EXPECT_OK(hone_context_bind_input(ctx2, "x", x, sizeof(float) * 16, HONE_DTYPE_FLOAT32, shape4, 2));
  EXPECT_OK(hone_context_set_input(ctx2, "offset", &offset, sizeof offset, HONE_DTYPE_INT64, one, 1));
  memset(&done, 0, sizeof done);
  for (i = 0; i < 5; ++i) EXPECT_OK(hone_context_run_async(ctx));
  EXPECT_OK(hone_context_run_async(ctx2)); /* two contexts of one engine at once */
  EXPECT_OK(hone_context_run_async_with_callback(ctx2, on_done, &done));
  EXPECT_OK(hone_context_destroy(ctx));
  test_threads(engine);
  EXPECT_OK(hone_engine_destroy(engine));
  EXPECT_OK(hone_context_wait(ctx2));
  CHECK(done.calls == 1 && done.status == HONE_STATUS_OK && done.y0 == relu(xw_at(x, 0)));
  check_multi_outputs(ctx2, x, 4, offset);
  EXPECT_OK(hone_context_destroy(ctx2));
}

/* ------------------------------------------------------------------------------------------
 * compare: the C API's outputs against the C++ API's, bit for bit */

static void model_name(const char* model, char* name, size_t size) {
  const char* base;
  size_t n;
  if (strncmp(model, "builtin:", 8) == 0) {
    snprintf(name, size, "%s", model + 8);
    return;
  }
  base = strrchr(model, '/');
  base = base ? base + 1 : model;
  n = strcspn(base, ".");
  snprintf(name, size, "%.*s", (int)n, base);
}

/* Runs `engine` on `input` and compares its first output with `expected` byte for byte. */
static void run_and_compare(hone_engine_t* engine, const char* label, const void* input, size_t input_size,
                            const void* expected, size_t expected_size) {
  hone_context_t* ctx = NULL;
  hone_tensor_t* out = NULL;
  const char* input_name = NULL;
  const char* output_name = NULL;
  int64_t dims[8], rank = 0;
  size_t bytes = 0;
  void* data = NULL;
  hone_dtype dtype = HONE_DTYPE_UNDEFINED;
  EXPECT_OK(hone_engine_get_input_name(engine, 0, &input_name));
  EXPECT_OK(hone_engine_get_output_name(engine, 0, &output_name));
  EXPECT_OK(hone_engine_get_tensor_shape(engine, input_name, dims, 8, &rank));
  EXPECT_OK(hone_context_create(engine, &ctx));
  EXPECT_OK(hone_context_set_input(ctx, input_name, input, input_size, HONE_DTYPE_FLOAT32, dims, (size_t)rank));
  EXPECT_OK(hone_context_run(ctx));
  EXPECT_OK(hone_context_get_output(ctx, output_name, &out));
  EXPECT_OK(hone_tensor_get_byte_size(out, &bytes));
  EXPECT_OK(hone_tensor_get_data(out, &data));
  EXPECT_OK(hone_tensor_get_dtype(out, &dtype));
  if (CHECK(bytes == expected_size && data != NULL && dtype == HONE_DTYPE_FLOAT32)) {
    size_t i, differ = 0, first = 0;
    const float* got = (const float*)data;
    const float* want = (const float*)expected;
    for (i = 0; i < bytes / 4; ++i) {
      if (memcmp(&got[i], &want[i], 4) != 0 && differ++ == 0) first = i;
    }
    if (differ) {
      fprintf(stderr, "  %s: %zu of %zu floats differ, first at %zu: C %.9g, C++ %.9g\n", label, differ, bytes / 4,
              first, (double)got[first], (double)want[first]);
    } else {
      printf("%s: '%s' bit-identical to the C++ API (%zu floats)\n", label, output_name, bytes / 4);
    }
    CHECK(differ == 0);
  }
  EXPECT_OK(hone_tensor_destroy(out));
  EXPECT_OK(hone_context_destroy(ctx));
}

static void test_compare(int count, char** models) {
  int m;
  for (m = 0; m < count; ++m) {
    char name[256], path[1024], label[512];
    unsigned char* input;
    unsigned char* expected;
    size_t input_size = 0, expected_size = 0;
    hone_engine_t* engine = NULL;
    hone_network_t* net = NULL;
    hone_builder_config_t* config = NULL;
    model_name(models[m], name, sizeof name);
    snprintf(path, sizeof path, "%s/%s.input.bin", g_ref_dir, name);
    input = read_file(path, &input_size);
    snprintf(path, sizeof path, "%s/%s.output.bin", g_ref_dir, name);
    expected = read_file(path, &expected_size);
    if (!CHECK(input != NULL && expected != NULL)) {
      fprintf(stderr, "  no reference for '%s' in '%s' (run c_api_reference first)\n", models[m], g_ref_dir);
      free(input);
      free(expected);
      continue;
    }
    /* 1. The engine the C++ API built and saved, loaded and run through C. */
    snprintf(path, sizeof path, "%s/%s.hone", g_ref_dir, name);
    EXPECT_OK(hone_engine_load_file(path, &engine));
    snprintf(label, sizeof label, "%s (C++-built engine file, run through C)", name);
    if (engine) run_and_compare(engine, label, input, input_size, expected, expected_size);
    EXPECT_OK(hone_engine_destroy(engine));
    engine = NULL;

    /* 2. Built through C from the model, with the C++ build's settings and timing cache (so
     * the tuner makes the same choices). */
    if (strncmp(models[m], "builtin:", 8) == 0) {
      EXPECT_OK(hone_network_create_builtin(name, &net));
    } else {
      EXPECT_OK(hone_network_create_from_file(models[m], &net));
    }
    snprintf(path, sizeof path, "%s/%s.timing.json", g_ref_dir, name);
    EXPECT_OK(hone_builder_config_create(&config));
    EXPECT_OK(hone_builder_config_set_threads(config, 2));
    EXPECT_OK(hone_builder_config_set_timing_cache_path(config, path));
    EXPECT_OK(hone_engine_build(net, config, &engine));
    snprintf(label, sizeof label, "%s (built through C)", name);
    if (engine) run_and_compare(engine, label, input, input_size, expected, expected_size);
    EXPECT_OK(hone_engine_destroy(engine));
    EXPECT_OK(hone_builder_config_destroy(config));
    EXPECT_OK(hone_network_destroy(net));
    free(input);
    free(expected);
  }
}

/* ------------------------------------------------------------------------------------------
 * leak: 10,000 context create/run/destroy cycles (plus engines) with flat RSS */

static long rss_kib(void) {
  long size = 0, resident = 0;
  FILE* f = fopen("/proc/self/statm", "r");
  if (!f) return -1;
  if (fscanf(f, "%ld %ld", &size, &resident) != 2) resident = -1;
  fclose(f);
  return resident < 0 ? -1 : resident * (sysconf(_SC_PAGESIZE) / 1024);
}

/* One cycle: a context, inputs copied in, a run (async every 10th), an output read through
 * a tensor handle and through copy_output, everything destroyed. Returns 1 when all went well. */
static int leak_cycle(hone_engine_t* engine, int iteration) {
  hone_context_t* ctx = NULL;
  hone_tensor_t* out = NULL;
  float x[2 * 4], y[2 * 4];
  void* data = NULL;
  const int64_t shape[2] = {2, 4}, one[1] = {1};
  const int64_t offset = iteration;
  int ok = 1;
  fill_x(x, 2, (float)(iteration % 13) - 6.0f);
  ok &= hone_context_create(engine, &ctx) == HONE_STATUS_OK;
  ok &= hone_context_set_input(ctx, "x", x, sizeof x, HONE_DTYPE_FLOAT32, shape, 2) == HONE_STATUS_OK;
  ok &= hone_context_set_input(ctx, "offset", &offset, sizeof offset, HONE_DTYPE_INT64, one, 1) == HONE_STATUS_OK;
  if (iteration % 10 == 0) {
    ok &= hone_context_run_async(ctx) == HONE_STATUS_OK;
    ok &= hone_context_wait(ctx) == HONE_STATUS_OK;
  } else {
    ok &= hone_context_run(ctx) == HONE_STATUS_OK;
  }
  ok &= hone_context_get_output(ctx, "y", &out) == HONE_STATUS_OK;
  ok &= hone_tensor_get_data(out, &data) == HONE_STATUS_OK && data && ((float*)data)[7] == relu(xw_at(x, 7));
  ok &= hone_context_copy_output(ctx, "y", y, sizeof y, HONE_DTYPE_FLOAT32) == HONE_STATUS_OK && y[4] == relu(xw_at(x, 4));
  ok &= hone_tensor_destroy(out) == HONE_STATUS_OK;
  ok &= hone_context_destroy(ctx) == HONE_STATUS_OK;
  if (!ok) fprintf(stderr, "  cycle %d failed: %s\n", iteration, hone_last_error_message());
  return ok;
}

/* Every 100th cycle also loads an engine from memory (and every 1000th builds one). */
static int leak_engine_cycle(const void* bytes, size_t size, const unsigned char* model, size_t model_size,
                             int iteration) {
  hone_engine_t* engine = NULL;
  hone_network_t* net = NULL;
  hone_builder_config_t* config = NULL;
  const int64_t min[2] = {1, 4}, opt[2] = {2, 4}, max[2] = {MAX_N, 4};
  int ok = hone_engine_load_memory(bytes, size, &engine) == HONE_STATUS_OK;
  ok &= leak_cycle(engine, iteration);
  ok &= hone_engine_destroy(engine) == HONE_STATUS_OK;
  if (iteration % 1000 == 0) {
    engine = NULL;
    ok &= hone_network_create_from_memory(model, model_size, NULL, &net) == HONE_STATUS_OK;
    ok &= hone_builder_config_create(&config) == HONE_STATUS_OK;
    ok &= hone_builder_config_set_threads(config, 1) == HONE_STATUS_OK;
    ok &= hone_builder_config_set_tuning_iterations(config, 1) == HONE_STATUS_OK;
    ok &= hone_builder_config_set_input_shape(config, "x", min, opt, max, 2) == HONE_STATUS_OK;
    ok &= hone_engine_build(net, config, &engine) == HONE_STATUS_OK;
    ok &= leak_cycle(engine, iteration);
    ok &= hone_engine_destroy(engine) == HONE_STATUS_OK;
    ok &= hone_builder_config_destroy(config) == HONE_STATUS_OK;
    ok &= hone_network_destroy(net) == HONE_STATUS_OK;
  }
  if (!ok) fprintf(stderr, "  engine cycle %d failed: %s\n", iteration, hone_last_error_message());
  return ok;
}

static void test_leak(void) {
  enum { kWarmup = 500, kCycles = 10000, kSlackKiB = 2048 };
  hone_engine_t* engine = build_multi(1);
  void* bytes = NULL;
  size_t size = 0, model_size = 0;
  unsigned char* model;
  char path[1024];
  long before, after;
  int i, failures = 0;
  if (!CHECK(engine != NULL)) return;
  path_join(path, sizeof path, g_models_dir, "multi.onnx");
  model = read_file(path, &model_size);
  EXPECT_OK(hone_engine_serialize(engine, &bytes, &size));
  if (!CHECK(model != NULL && bytes != NULL)) return;
  /* Warm-up: allocator pools, thread-local buffers and lazily created state settle first. */
  for (i = 0; i < kWarmup; ++i) {
    failures += !leak_cycle(engine, i);
    if (i % 100 == 0) failures += !leak_engine_cycle(bytes, size, model, model_size, i + 1);
  }
  before = rss_kib();
  for (i = 0; i < kCycles; ++i) {
    failures += !leak_cycle(engine, i);
    if (i % 100 == 0) failures += !leak_engine_cycle(bytes, size, model, model_size, i);
  }
  after = rss_kib();
  printf("leak: %d context cycles, %d engine loads, %d engine builds: RSS before %ld KiB, after %ld KiB (%+ld KiB)\n",
         kCycles, kCycles / 100, kCycles / 1000, before, after, after - before);
  CHECK(failures == 0);
  CHECK(before > 0 && after > 0);
  CHECK(after - before <= kSlackKiB);
  hone_free(bytes);
  free(model);
  EXPECT_OK(hone_engine_destroy(engine));
}

/* ------------------------------------------------------------------------------------------
 * vision: images in and out, images preprocessed into inputs, predictors and their results.
 * Models from c_api_make_models (det/seg/pose/cls/echo*.onnx, image.png); predictions are
 * compared bit for bit with c_api_vision_reference's (REF_DIR/NAME.predict.txt, from the
 * engines it saved, REF_DIR/NAME.hone). SHARED_DIR (optional) adds yolov8n on bus.jpg. */

static const char* g_shared_dir = NULL;

/* A growing text buffer for format_prediction. */
typedef struct {
  char* data;
  size_t size, capacity;
} Text;

static void text_add(Text* t, const char* s) {
  const size_t n = strlen(s);
  if (t->size + n + 1 > t->capacity) {
    size_t capacity = t->capacity ? t->capacity * 2 : 1024;
    char* grown;
    while (capacity < t->size + n + 1) capacity *= 2;
    grown = (char*)realloc(t->data, capacity);
    if (!grown) return;
    t->data = grown;
    t->capacity = capacity;
  }
  memcpy(t->data + t->size, s, n + 1);
  t->size += n;
}

static const char* bits(float v, char* buffer) {
  uint32_t u;
  memcpy(&u, &v, sizeof u);
  sprintf(buffer, "%08lx", (unsigned long)u);
  return buffer;
}

static const char* task_text(hone_task task) {
  switch (task) {
    case HONE_TASK_DETECT: return "detect";
    case HONE_TASK_SEGMENT: return "segment";
    case HONE_TASK_POSE: return "pose";
    case HONE_TASK_CLASSIFY: return "classify";
    default: return "auto";
  }
}

/* The prediction as c_api_vision_reference writes it (see tests/c/vision_reference.cpp), in
 * malloc'd memory; NULL when a call failed. */
static char* format_prediction(const hone_prediction_t* p) {
  Text t = {NULL, 0, 0};
  char line[512], b[6][16];
  hone_task task = HONE_TASK_AUTO;
  int width = 0, height = 0, ok = 1;
  size_t count = 0, i, k;
  ok &= hone_prediction_get_task(p, &task) == HONE_STATUS_OK;
  ok &= hone_prediction_get_image_size(p, &width, &height) == HONE_STATUS_OK;
  sprintf(line, "task %s %dx%d\n", task_text(task), width, height);
  text_add(&t, line);
  ok &= hone_prediction_get_num_detections(p, &count) == HONE_STATUS_OK;
  for (i = 0; ok && i < count; ++i) {
    hone_detection d;
    ok &= hone_prediction_get_detection(p, i, &d) == HONE_STATUS_OK;
    if (!ok) break;
    snprintf(line, sizeof line, "det %d %s %s %s %s %s %s\n", d.class_id, d.label, bits(d.score, b[0]),
             bits(d.box.x1, b[1]), bits(d.box.y1, b[2]), bits(d.box.x2, b[3]), bits(d.box.y2, b[4]));
    text_add(&t, line);
    if (task == HONE_TASK_POSE) {
      hone_keypoint kps[64];
      size_t n = 0;
      ok &= hone_prediction_get_keypoints(p, i, kps, 64, &n) == HONE_STATUS_OK;
      for (k = 0; ok && k < n; ++k) {
        sprintf(line, "kp %s %s %s\n", bits(kps[k].x, b[0]), bits(kps[k].y, b[1]), bits(kps[k].visibility, b[2]));
        text_add(&t, line);
      }
    }
    if (task == HONE_TASK_SEGMENT) {
      hone_mask m;
      uint32_t hash = 2166136261u;
      size_t ones = 0, n;
      ok &= hone_prediction_get_mask(p, i, &m) == HONE_STATUS_OK;
      n = (size_t)m.width * (size_t)m.height;
      for (k = 0; ok && k < n; ++k) {
        hash = (hash ^ m.data[k]) * 16777619u;
        ones += m.data[k] != 0;
      }
      sprintf(line, "mask %d %d %d %d %lu %08lx\n", m.x, m.y, m.width, m.height, (unsigned long)ones,
              (unsigned long)hash);
      text_add(&t, line);
    }
  }
  ok &= hone_prediction_get_num_classifications(p, &count) == HONE_STATUS_OK;
  for (i = 0; ok && i < count; ++i) {
    hone_classification c;
    ok &= hone_prediction_get_classification(p, i, &c) == HONE_STATUS_OK;
    if (!ok) break;
    snprintf(line, sizeof line, "cls %d %s %s\n", c.class_id, c.label, bits(c.score, b[0]));
    text_add(&t, line);
  }
  if (!ok || !t.data) {
    fprintf(stderr, "  format_prediction: %s\n", hone_last_error_message());
    free(t.data);
    return NULL;
  }
  return t.data;
}

/* The prediction must print as REF_DIR/`name`.predict.txt does. */
static void expect_reference(const hone_prediction_t* p, const char* name, const char* how) {
  char path[1024], file[256];
  size_t size = 0;
  unsigned char* expected;
  char* got = format_prediction(p);
  snprintf(file, sizeof file, "%s.predict.txt", name);
  path_join(path, sizeof path, g_ref_dir, file);
  expected = read_file(path, &size);
  if (CHECK(expected != NULL && got != NULL)) {
    expected[size] = '\0';
    if (!CHECK(strcmp((const char*)expected, got) == 0)) {
      fprintf(stderr, "  %s (%s) differs from the C++ API's %s:\n--- C++\n%s--- C\n%s", name, how, path,
              (const char*)expected, got);
    }
  }
  free(expected);
  free(got);
}

static hone_predictor_t* open_reference_predictor(const char* name, const hone_predictor_options* options) {
  char path[1024], file[256];
  hone_predictor_t* p = NULL;
  snprintf(file, sizeof file, "%s.hone", name);
  path_join(path, sizeof path, g_ref_dir, file);
  EXPECT_OK(hone_predictor_create(path, options, &p));
  return p;
}

/* The 96x64 pattern make_test_models.cpp writes as image.png (BGR). */
static int pattern_matches(const uint8_t* pixels, int width, int height) {
  int x, y;
  if (width != 96 || height != 64) return 0;
  for (y = 0; y < 64; ++y) {
    for (x = 0; x < 96; ++x) {
      const uint8_t* p = pixels + (y * 96 + x) * 3;
      if (p[0] != (uint8_t)(2 * x + y) || p[1] != (uint8_t)(3 * y) || p[2] != (uint8_t)(x ^ y)) return 0;
    }
  }
  return 1;
}

static void test_images(void) {
  char path[1024], out_path[1024];
  uint8_t* pixels = NULL;
  uint8_t* decoded = NULL;
  uint8_t* back = NULL;
  uint8_t rgb[96 * 64 * 3], strided[64 * 300];
  unsigned char* png;
  unsigned char garbage[64];
  size_t png_size = 0, i;
  int width = 0, height = 0, w2 = 0, h2 = 0, y;

  path_join(path, sizeof path, g_models_dir, "image.png");
  EXPECT_OK(hone_image_read(path, &pixels, &width, &height));
  CHECK(pixels != NULL && pattern_matches(pixels, width, height));
  png = read_file(path, &png_size);
  if (!CHECK(png != NULL && pixels != NULL)) return;
  EXPECT_OK(hone_image_decode(png, png_size, &decoded, &w2, &h2));
  CHECK(decoded != NULL && pattern_matches(decoded, w2, h2));
  hone_free(decoded);
  decoded = NULL;

  /* Errors: NULL arguments, missing files, folders, files and bytes that are not images. */
  EXPECT_ARG(hone_image_read(NULL, &decoded, &w2, &h2), "'path'");
  EXPECT_ARG(hone_image_read(path, NULL, &w2, &h2), "'pixels'");
  EXPECT_ARG(hone_image_read(path, &decoded, NULL, &h2), "'width'");
  EXPECT_ARG(hone_image_read(path, &decoded, &w2, NULL), "'height'");
  path_join(out_path, sizeof out_path, g_work_dir, "no_such_image.png");
  EXPECT(HONE_STATUS_NOT_FOUND, hone_image_read(out_path, &decoded, &w2, &h2), "no_such_image.png");
  EXPECT(HONE_STATUS_IO_ERROR, hone_image_read(g_work_dir, &decoded, &w2, &h2), "directory");
  path_join(out_path, sizeof out_path, g_models_dir, "multi.onnx");
  EXPECT_ARG(hone_image_read(out_path, &decoded, &w2, &h2), "not an image");
  EXPECT(HONE_STATUS_NOT_FOUND, hone_image_read(long_path(), &decoded, &w2, &h2), NULL);
  CHECK(decoded == NULL);
  for (i = 0; i < sizeof garbage; ++i) garbage[i] = (unsigned char)(i * 37 + 11);
  EXPECT_ARG(hone_image_decode(garbage, sizeof garbage, &decoded, &w2, &h2), "not an image (64 bytes)");
  EXPECT_ARG(hone_image_decode(png, 40, &decoded, &w2, &h2), "not an image"); /* truncated */
  EXPECT_ARG(hone_image_decode(png, 0, &decoded, &w2, &h2), "'size' is 0");
  EXPECT_ARG(hone_image_decode(NULL, png_size, &decoded, &w2, &h2), "'data'");
  EXPECT_ARG(hone_image_decode(png, png_size, NULL, &w2, &h2), "'pixels'");
  EXPECT_ARG(hone_image_decode(png, png_size, &decoded, NULL, &h2), "'width'");
  EXPECT_ARG(hone_image_decode(png, png_size, &decoded, &w2, NULL), "'height'");
  CHECK(decoded == NULL);

  /* Writing: BGR round trip, RGB buffers keep their colors, strides, bad buffers and paths. */
  path_join(out_path, sizeof out_path, g_work_dir, "written.png");
  EXPECT_OK(hone_image_write(out_path, pixels, 96 * 64 * 3, 96, 64, 0, HONE_PIXEL_FORMAT_BGR));
  EXPECT_OK(hone_image_read(out_path, &back, &w2, &h2));
  CHECK(back != NULL && pattern_matches(back, w2, h2));
  hone_free(back);
  back = NULL;
  for (i = 0; i < 96 * 64; ++i) {
    rgb[i * 3] = pixels[i * 3 + 2];
    rgb[i * 3 + 1] = pixels[i * 3 + 1];
    rgb[i * 3 + 2] = pixels[i * 3];
  }
  EXPECT_OK(hone_image_write(out_path, rgb, sizeof rgb, 96, 64, 0, HONE_PIXEL_FORMAT_RGB));
  EXPECT_OK(hone_image_read(out_path, &back, &w2, &h2));
  CHECK(back != NULL && pattern_matches(back, w2, h2));
  hone_free(back);
  back = NULL;
  memset(strided, 0xee, sizeof strided);
  for (y = 0; y < 64; ++y) memcpy(strided + y * 300, pixels + y * 96 * 3, 96 * 3);
  path_join(out_path, sizeof out_path, g_work_dir, "written.bmp");
  EXPECT_OK(hone_image_write(out_path, strided, sizeof strided, 96, 64, 300, HONE_PIXEL_FORMAT_BGR));
  EXPECT_OK(hone_image_read(out_path, &back, &w2, &h2));
  CHECK(back != NULL && pattern_matches(back, w2, h2));
  hone_free(back);
  /* The last row needs only width * 3 bytes past its start. */
  EXPECT_OK(hone_image_write(out_path, strided, 300 * 63 + 288, 96, 64, 300, HONE_PIXEL_FORMAT_BGR));
  EXPECT_ARG(hone_image_write(out_path, strided, 300 * 63 + 287, 96, 64, 300, HONE_PIXEL_FORMAT_BGR), "'byte_size' is");
  EXPECT_ARG(hone_image_write(out_path, pixels, 96 * 64 * 3 - 1, 96, 64, 0, HONE_PIXEL_FORMAT_BGR), "takes 18432");
  EXPECT_ARG(hone_image_write(out_path, pixels, sizeof rgb, 96, 64, 200, HONE_PIXEL_FORMAT_BGR), "'stride'");
  EXPECT_ARG(hone_image_write(out_path, pixels, sizeof rgb, 0, 64, 0, HONE_PIXEL_FORMAT_BGR), "0x64");
  EXPECT_ARG(hone_image_write(out_path, pixels, sizeof rgb, 96, -1, 0, HONE_PIXEL_FORMAT_BGR), "96x-1");
  EXPECT_ARG(hone_image_write(out_path, pixels, sizeof rgb, 96, 64, 0, (hone_pixel_format)7), "hone_pixel_format");
  EXPECT_ARG(hone_image_write(out_path, NULL, sizeof rgb, 96, 64, 0, HONE_PIXEL_FORMAT_BGR), "'pixels'");
  EXPECT_ARG(hone_image_write(NULL, pixels, sizeof rgb, 96, 64, 0, HONE_PIXEL_FORMAT_BGR), "'path'");
  path_join(out_path, sizeof out_path, g_work_dir, "written.gif");
  EXPECT_ARG(hone_image_write(out_path, pixels, sizeof rgb, 96, 64, 0, HONE_PIXEL_FORMAT_BGR), "unknown image extension");
  path_join(out_path, sizeof out_path, g_work_dir, "no_such_dir/written.png");
  EXPECT(HONE_STATUS_IO_ERROR, hone_image_write(out_path, pixels, sizeof rgb, 96, 64, 0, HONE_PIXEL_FORMAT_BGR),
         "no_such_dir");
  hone_free(pixels);
  free(png);
}

static hone_engine_t* build_file(const char* file) {
  char path[1024];
  hone_network_t* net = NULL;
  hone_builder_config_t* config = NULL;
  hone_engine_t* engine = NULL;
  path_join(path, sizeof path, g_models_dir, file);
  EXPECT_OK(hone_network_create_from_file(path, &net));
  EXPECT_OK(hone_builder_config_create(&config));
  EXPECT_OK(hone_builder_config_set_threads(config, 2));
  EXPECT_OK(hone_builder_config_set_tuning_iterations(config, 1));
  EXPECT_OK(hone_engine_build(net, config, &engine));
  EXPECT_OK(hone_builder_config_destroy(config));
  EXPECT_OK(hone_network_destroy(net));
  return engine;
}

/* The 24x8 image of the preprocessing tests: B = 10x + y, G = 7y + 3, R = 255 - 9x. */
static uint8_t small_pixel(int x, int y, int channel) {
  return channel == 0 ? (uint8_t)(10 * x + y) : channel == 1 ? (uint8_t)(7 * y + 3) : (uint8_t)(255 - 9 * x);
}

static int near(float a, float b) { return a == b || (a - b < 1e-5f && b - a < 1e-5f); }

static void test_set_input_image(void) {
  enum { kW = 12, kH = 8 };
  char small_path[1024], path[1024];
  uint8_t small[24 * 8 * 3];
  float out[3 * kH * kW], out_dyn[3 * 8 * 16];
  const float mean[3] = {10.0f, 20.0f, 30.0f}, std_dev[3] = {2.0f, 4.0f, 8.0f};
  hone_engine_t* echo = build_file("echo.onnx");
  hone_engine_t* echo_nhwc = build_file("echo_nhwc.onnx");
  hone_engine_t* echo_dyn = build_file("echo_dyn.onnx");
  hone_engine_t* multi = build_multi(1);
  hone_context_t *ctx = NULL, *nhwc = NULL, *dyn = NULL, *mctx = NULL, *dead = NULL;
  hone_preprocess_options o;
  hone_image_transform t, untouched;
  unsigned char* png;
  size_t png_size = 0;
  int64_t dims[4], rank = 0;
  int x, y, c, ok;

  if (!CHECK(echo && echo_nhwc && echo_dyn && multi)) return;
  EXPECT_OK(hone_context_create(echo, &ctx));
  EXPECT_OK(hone_context_create(echo_nhwc, &nhwc));
  EXPECT_OK(hone_context_create(echo_dyn, &dyn));
  EXPECT_OK(hone_context_create(multi, &mctx));
  for (y = 0; y < 8; ++y) {
    for (x = 0; x < 24; ++x) {
      for (c = 0; c < 3; ++c) small[(y * 24 + x) * 3 + c] = small_pixel(x, y, c);
    }
  }
  path_join(small_path, sizeof small_path, g_work_dir, "small.png");
  EXPECT_OK(hone_image_write(small_path, small, sizeof small, 24, 8, 0, HONE_PIXEL_FORMAT_BGR));
  path_join(path, sizeof path, g_models_dir, "image.png");
  png = read_file(path, &png_size);
  if (!CHECK(png != NULL)) return;

  /* The defaults. */
  EXPECT_ARG(hone_preprocess_options_init(NULL), "'options'");
  EXPECT_OK(hone_preprocess_options_init(&o));
  CHECK(o.mode == HONE_PREPROCESS_MODE_LETTERBOX && o.normalization == HONE_NORMALIZATION_UNIT_SCALE);
  CHECK(o.to_rgb == 1 && o.layout == HONE_TENSOR_LAYOUT_NCHW && o.width == 0 && o.height == 0);
  CHECK(o.pad_value == 114 && o.center == 1 && o.scale_up == 1);
  CHECK(o.mean[0] == 123.675f && o.std[2] == 57.375f);

  /* LETTERBOX, no normalization: 24x8 -> 12x4 at rows 2..5 of the 12x8 input, pad 114, RGB. */
  o.normalization = HONE_NORMALIZATION_NONE;
  EXPECT_OK(hone_context_set_input_image_file(ctx, "images", small_path, &o, &t));
  CHECK(t.source_width == 24 && t.source_height == 8 && t.input_width == kW && t.input_height == kH);
  CHECK(t.scale_x == 0.5f && t.scale_y == 0.5f && t.pad_x == 0.0f && t.pad_y == 2.0f);
  EXPECT_OK(hone_context_run(ctx));
  EXPECT_OK(hone_context_copy_output(ctx, "out", out, sizeof out, HONE_DTYPE_FLOAT32));
  ok = 1;
  for (c = 0; c < 3; ++c) {
    for (x = 0; x < kW; ++x) {
      ok &= out[(c * kH + 0) * kW + x] == 228.0f && out[(c * kH + 1) * kW + x] == 228.0f;
      ok &= out[(c * kH + 6) * kW + x] == 228.0f && out[(c * kH + 7) * kW + x] == 228.0f;
      ok &= out[(c * kH + 3) * kW + x] != 228.0f || c == 1; /* image rows (green may equal 114) */
    }
  }
  CHECK(ok);
  o.center = 0; /* pad only at the bottom */
  EXPECT_OK(hone_context_set_input_image_file(ctx, "images", small_path, &o, &t));
  CHECK(t.pad_y == 0.0f && t.scale_y == 0.5f);
  o.center = 1;

  /* STRETCH of a 12x8 crop-free image: exact pixels, channel order by to_rgb. The 24x8 image
   * is stretched to 12x8: every output pixel averages two source columns. */
  o.mode = HONE_PREPROCESS_MODE_STRETCH;
  EXPECT_OK(hone_context_set_input_image_file(ctx, "images", small_path, &o, &t));
  CHECK(t.scale_x == 0.5f && t.scale_y == 1.0f && t.pad_x == 0.0f && t.pad_y == 0.0f);
  EXPECT_OK(hone_context_run(ctx));
  EXPECT_OK(hone_context_copy_output(ctx, "out", out, sizeof out, HONE_DTYPE_FLOAT32));
  ok = 1;
  for (y = 0; y < kH; ++y) {
    for (x = 0; x < kW; ++x) {
      for (c = 0; c < 3; ++c) {
        /* Tensor channel c (RGB) is source channel 2 - c; bilinear halving = the mean of columns 2x, 2x+1. */
        const float v = ((float)small_pixel(2 * x, y, 2 - c) + (float)small_pixel(2 * x + 1, y, 2 - c)) / 2.0f;
        if (!near(out[(c * kH + y) * kW + x], 2.0f * v)) ok = 0;
      }
    }
  }
  if (!CHECK(ok)) fprintf(stderr, "  stretch: out[0] = %g, expected %g\n", (double)out[0],
                          (double)(small_pixel(0, 0, 2) + small_pixel(1, 0, 2)));
  o.to_rgb = 0;
  EXPECT_OK(hone_context_set_input_image_file(ctx, "images", small_path, &o, NULL));
  EXPECT_OK(hone_context_run(ctx));
  EXPECT_OK(hone_context_copy_output(ctx, "out", out, sizeof out, HONE_DTYPE_FLOAT32));
  CHECK(near(out[0], (float)small_pixel(0, 0, 0) + (float)small_pixel(1, 0, 0)));
  o.to_rgb = 1;

  /* UNIT_SCALE and MEAN_STD on the same stretch. */
  o.normalization = HONE_NORMALIZATION_UNIT_SCALE;
  EXPECT_OK(hone_context_set_input_image_file(ctx, "images", small_path, &o, NULL));
  EXPECT_OK(hone_context_run(ctx));
  EXPECT_OK(hone_context_copy_output(ctx, "out", out, sizeof out, HONE_DTYPE_FLOAT32));
  CHECK(near(out[0], 2.0f * ((float)small_pixel(0, 0, 2) + (float)small_pixel(1, 0, 2)) / 2.0f / 255.0f));
  o.normalization = HONE_NORMALIZATION_MEAN_STD;
  memcpy(o.mean, mean, sizeof mean);
  memcpy(o.std, std_dev, sizeof std_dev);
  EXPECT_OK(hone_context_set_input_image_file(ctx, "images", small_path, &o, NULL));
  EXPECT_OK(hone_context_run(ctx));
  EXPECT_OK(hone_context_copy_output(ctx, "out", out, sizeof out, HONE_DTYPE_FLOAT32));
  ok = 1;
  for (c = 0; c < 3; ++c) {
    const float v = ((float)small_pixel(0, 0, 2 - c) + (float)small_pixel(1, 0, 2 - c)) / 2.0f;
    ok &= near(out[c * kH * kW], 2.0f * (v - mean[c]) / std_dev[c]);
  }
  CHECK(ok);
  o.normalization = HONE_NORMALIZATION_NONE;

  /* SQUARE_PAD (24x8 padded to 24x24, resized to 12x8) and CENTER_CROP (the middle 8x8). */
  o.mode = HONE_PREPROCESS_MODE_SQUARE_PAD;
  EXPECT_OK(hone_context_set_input_image_file(ctx, "images", small_path, &o, &t));
  CHECK(t.scale_x == 0.5f && near(t.scale_y, 8.0f / 24.0f) && t.pad_x == 0.0f && t.pad_y == 0.0f);
  o.mode = HONE_PREPROCESS_MODE_CENTER_CROP;
  EXPECT_OK(hone_context_set_input_image_file(ctx, "images", small_path, &o, &t));
  CHECK(t.scale_x == 1.5f && t.scale_y == 1.0f && t.pad_x == -12.0f && t.pad_y == 0.0f);
  if (!CHECK(t.pad_x < 0.0f)) fprintf(stderr, "  center crop: scale %g %g pad %g %g\n", (double)t.scale_x,
                                      (double)t.scale_y, (double)t.pad_x, (double)t.pad_y);

  /* NHWC: the echo model over [1,8,12,3]. */
  o.mode = HONE_PREPROCESS_MODE_STRETCH;
  o.layout = HONE_TENSOR_LAYOUT_NHWC;
  EXPECT_OK(hone_context_set_input_image_file(nhwc, "images", small_path, &o, NULL));
  EXPECT_OK(hone_context_run(nhwc));
  EXPECT_OK(hone_context_copy_output(nhwc, "out", out, sizeof out, HONE_DTYPE_FLOAT32));
  CHECK(near(out[0], (float)small_pixel(0, 0, 2) + (float)small_pixel(1, 0, 2)));
  CHECK(near(out[2], (float)small_pixel(0, 0, 0) + (float)small_pixel(1, 0, 0)));
  /* ...but not into the NCHW model: [1,3,8,12] has 12 "channels" there. */
  EXPECT_ARG(hone_context_set_input_image_file(ctx, "images", small_path, &o, NULL), "[1,H,W,3] (NHWC)");
  o.layout = HONE_TENSOR_LAYOUT_NCHW;

  /* Dynamic height and width come from the options; static ones must agree with them. */
  EXPECT_ARG(hone_context_set_input_image_file(dyn, "images", small_path, &o, NULL), "set options->height");
  o.width = 16;
  o.height = 8;
  EXPECT_OK(hone_context_set_input_image_file(dyn, "images", small_path, &o, &t));
  CHECK(t.input_width == 16 && t.input_height == 8);
  EXPECT_OK(hone_context_run(dyn));
  EXPECT_OK(hone_context_get_output_shape(dyn, "out", dims, 4, &rank));
  CHECK(rank == 4 && dims[0] == 1 && dims[1] == 3 && dims[2] == 8 && dims[3] == 16);
  EXPECT_OK(hone_context_copy_output(dyn, "out", out_dyn, sizeof out_dyn, HONE_DTYPE_FLOAT32));
  EXPECT_ARG(hone_context_set_input_image_file(ctx, "images", small_path, &o, NULL), "options->width is 16");
  o.width = 12;
  EXPECT_OK(hone_context_set_input_image_file(ctx, "images", small_path, &o, NULL));
  o.width = o.height = 0;

  /* Encoded bytes, the default options (letterbox 96x64 -> 12x8, /255). */
  EXPECT_OK(hone_context_set_input_image(ctx, "images", png, png_size, NULL, &t));
  CHECK(t.source_width == 96 && t.source_height == 64 && t.scale_x == 0.125f && t.pad_x == 0.0f);
  EXPECT_OK(hone_context_run(ctx));
  EXPECT_OK(hone_context_copy_output(ctx, "out", out, sizeof out, HONE_DTYPE_FLOAT32));
  CHECK(out[0] >= 0.0f && out[0] <= 2.0f);

  /* Errors; the transform is left alone. */
  memset(&untouched, 0x5a, sizeof untouched);
  t = untouched;
  EXPECT_ARG(hone_context_set_input_image(NULL, "images", png, png_size, NULL, &t), "'context'");
  EXPECT_ARG(hone_context_set_input_image(ctx, NULL, png, png_size, NULL, &t), "'name'");
  EXPECT_ARG(hone_context_set_input_image(ctx, "images", NULL, png_size, NULL, &t), "'data'");
  EXPECT_ARG(hone_context_set_input_image(ctx, "images", png, 0, NULL, &t), "'size' is 0");
  EXPECT_ARG(hone_context_set_input_image(ctx, "images", png, 40, NULL, &t), "not an image");
  EXPECT_ARG(hone_context_set_input_image(ctx, "images", mean, sizeof mean, NULL, &t), "not an image (12 bytes)");
  EXPECT(HONE_STATUS_NOT_FOUND, hone_context_set_input_image(ctx, "nope", png, png_size, NULL, &t), "'nope'");
  EXPECT(HONE_STATUS_NOT_FOUND, hone_context_set_input_image(ctx, "out", png, png_size, NULL, &t), "is an output");
  EXPECT_ARG(hone_context_set_input_image(mctx, "x", png, png_size, NULL, &t), "an image input is [1,3,H,W]");
  EXPECT_ARG(hone_context_set_input_image(mctx, "offset", png, png_size, NULL, &t), "element type int64");
  EXPECT_ARG(hone_context_set_input_image_file(ctx, "images", NULL, NULL, &t), "'path'");
  EXPECT_ARG(hone_context_set_input_image_file(ctx, NULL, small_path, NULL, &t), "'name'");
  EXPECT_ARG(hone_context_set_input_image_file(NULL, "images", small_path, NULL, &t), "'context'");
  path_join(path, sizeof path, g_work_dir, "no_such_image.jpg");
  EXPECT(HONE_STATUS_NOT_FOUND, hone_context_set_input_image_file(ctx, "images", path, NULL, &t), "no_such_image.jpg");
  EXPECT(HONE_STATUS_IO_ERROR, hone_context_set_input_image_file(ctx, "images", g_work_dir, NULL, &t), "directory");
  path_join(path, sizeof path, g_models_dir, "echo.onnx");
  EXPECT_ARG(hone_context_set_input_image_file(ctx, "images", path, NULL, &t), "not an image");
  o.mode = (hone_preprocess_mode)9;
  EXPECT_ARG(hone_context_set_input_image(ctx, "images", png, png_size, &o, &t), "hone_preprocess_mode (9)");
  o.mode = HONE_PREPROCESS_MODE_LETTERBOX;
  o.normalization = (hone_normalization)5;
  EXPECT_ARG(hone_context_set_input_image(ctx, "images", png, png_size, &o, &t), "hone_normalization (5)");
  o.normalization = HONE_NORMALIZATION_MEAN_STD;
  o.std[1] = 0.0f;
  EXPECT_ARG(hone_context_set_input_image(ctx, "images", png, png_size, &o, &t), "std non-zero");
  o.std[1] = 1.0f;
  o.layout = (hone_tensor_layout)3;
  EXPECT_ARG(hone_context_set_input_image(ctx, "images", png, png_size, &o, &t), "hone_tensor_layout (3)");
  o.layout = HONE_TENSOR_LAYOUT_NCHW;
  o.pad_value = 256;
  EXPECT_ARG(hone_context_set_input_image(ctx, "images", png, png_size, &o, &t), "pad_value 256");
  o.pad_value = 114;
  o.width = -1;
  EXPECT_ARG(hone_context_set_input_image(ctx, "images", png, png_size, &o, &t), "negative");
  o.width = 0;
  CHECK(memcmp(&t, &untouched, sizeof t) == 0);
  EXPECT_OK(hone_context_set_input_image(ctx, "images", png, png_size, &o, NULL));

  /* A destroyed context. */
  EXPECT_OK(hone_context_create(echo, &dead));
  EXPECT_OK(hone_context_destroy(dead));
  EXPECT_ARG(hone_context_set_input_image(dead, "images", png, png_size, NULL, NULL), "not a live hone_context_t");
  EXPECT_ARG(hone_context_set_input_image_file(dead, "images", small_path, NULL, NULL), "not a live hone_context_t");

  free(png);
  EXPECT_OK(hone_context_destroy(ctx));
  EXPECT_OK(hone_context_destroy(nhwc));
  EXPECT_OK(hone_context_destroy(dyn));
  EXPECT_OK(hone_context_destroy(mctx));
  EXPECT_OK(hone_engine_destroy(echo));
  EXPECT_OK(hone_engine_destroy(echo_nhwc));
  EXPECT_OK(hone_engine_destroy(echo_dyn));
  EXPECT_OK(hone_engine_destroy(multi));
}

/* Every accessor's argument checks, on a live prediction `p` of task `task` with `count` detections. */
static void check_prediction_errors(hone_prediction_t* p, hone_task task, size_t count) {
  hone_detection d;
  hone_keypoint kps[17];
  hone_mask m;
  hone_classification c;
  hone_speed speed;
  hone_task got;
  size_t n = 0, classes = 0;
  int w = 0, h = 0;
  EXPECT_ARG(hone_prediction_get_task(p, NULL), "'task'");
  EXPECT_ARG(hone_prediction_get_task(NULL, &got), "'prediction'");
  EXPECT_ARG(hone_prediction_get_image_size(p, NULL, &h), "'width'");
  EXPECT_ARG(hone_prediction_get_image_size(p, &w, NULL), "'height'");
  EXPECT_ARG(hone_prediction_get_speed(p, NULL), "'speed'");
  EXPECT_ARG(hone_prediction_get_speed(NULL, &speed), "'prediction'");
  EXPECT_ARG(hone_prediction_get_num_detections(p, NULL), "'count'");
  EXPECT_ARG(hone_prediction_get_detection(p, 0, NULL), "'detection'");
  EXPECT(HONE_STATUS_OUT_OF_RANGE, hone_prediction_get_detection(p, count, &d), "not below the count");
  EXPECT_ARG(hone_prediction_get_num_classifications(p, NULL), "'count'");
  EXPECT_OK(hone_prediction_get_num_classifications(p, &classes));
  EXPECT(HONE_STATUS_OUT_OF_RANGE, hone_prediction_get_classification(p, classes, &c), "not below the count");
  EXPECT_ARG(hone_prediction_get_classification(p, 0, NULL), "'classification'");
  EXPECT_ARG(hone_prediction_get_keypoints(p, 0, kps, 17, NULL), "'count'");
  EXPECT_ARG(hone_prediction_get_keypoints(p, 0, NULL, 17, &n), "'keypoints'");
  EXPECT_ARG(hone_prediction_get_mask(p, 0, NULL), "'mask'");
  if (task == HONE_TASK_POSE) {
    EXPECT(HONE_STATUS_OUT_OF_RANGE, hone_prediction_get_keypoints(p, count, kps, 17, &n), "not below the count");
  } else {
    EXPECT_ARG(hone_prediction_get_keypoints(p, 0, kps, 17, &n), "has no keypoints");
  }
  if (task == HONE_TASK_SEGMENT) {
    EXPECT(HONE_STATUS_OUT_OF_RANGE, hone_prediction_get_mask(p, count, &m), "not below the count");
  } else {
    EXPECT_ARG(hone_prediction_get_mask(p, 0, &m), "has no masks");
  }
}

/* Checks a prediction's contents against its predictor: labels, scores, boxes inside the
 * image, keypoints and masks where the task has them. */
static void check_prediction(hone_predictor_t* predictor, hone_prediction_t* p, hone_task task, int width,
                             int height) {
  hone_task got = HONE_TASK_AUTO;
  hone_speed speed = {-1.0, -1.0, -1.0};
  size_t count = 0, classes = 0, i, k;
  int w = 0, h = 0, ok = 1;
  EXPECT_OK(hone_prediction_get_task(p, &got));
  CHECK(got == task);
  EXPECT_OK(hone_prediction_get_image_size(p, &w, &h));
  CHECK(w == width && h == height);
  EXPECT_OK(hone_prediction_get_speed(p, &speed));
  CHECK(speed.preprocess_ms >= 0.0 && speed.inference_ms > 0.0 && speed.postprocess_ms >= 0.0);
  EXPECT_OK(hone_prediction_get_num_detections(p, &count));
  EXPECT_OK(hone_prediction_get_num_classifications(p, &classes));
  CHECK(task == HONE_TASK_CLASSIFY ? count == 0 && classes > 0 : count > 0 && classes == 0);
  for (i = 0; i < count; ++i) {
    hone_detection d;
    const char* name = NULL;
    ok &= hone_prediction_get_detection(p, i, &d) == HONE_STATUS_OK;
    ok &= hone_predictor_get_class_name(predictor, d.class_id, &name) == HONE_STATUS_OK;
    ok &= name != NULL && d.label != NULL && strcmp(name, d.label) == 0;
    ok &= d.score >= 0.25f && d.score <= 1.0f;
    ok &= d.box.x1 >= 0.0f && d.box.x1 <= d.box.x2 && d.box.x2 <= (float)width;
    ok &= d.box.y1 >= 0.0f && d.box.y1 <= d.box.y2 && d.box.y2 <= (float)height;
    ok &= d.num_keypoints == (task == HONE_TASK_POSE ? 17 : 0);
    ok &= d.has_mask == (task == HONE_TASK_SEGMENT);
    if (task == HONE_TASK_POSE) {
      hone_keypoint kps[17];
      size_t n = 0;
      EXPECT_OK(hone_prediction_get_keypoints(p, i, NULL, 0, &n));
      ok &= n == 17;
      n = 0;
      EXPECT_ARG(hone_prediction_get_keypoints(p, i, kps, 5, &n), "below the keypoint count 17");
      ok &= n == 17;
      EXPECT_OK(hone_prediction_get_keypoints(p, i, kps, 17, &n));
      for (k = 0; k < 17; ++k) ok &= kps[k].visibility >= 0.0f && kps[k].visibility <= 1.0f;
    }
    if (task == HONE_TASK_SEGMENT) {
      hone_mask m;
      size_t ones = 0;
      EXPECT_OK(hone_prediction_get_mask(p, i, &m));
      ok &= m.data != NULL && m.width > 0 && m.height > 0 && m.x >= 0 && m.y >= 0;
      ok &= m.x + m.width <= width && m.y + m.height <= height;
      for (k = 0; m.data && k < (size_t)m.width * (size_t)m.height; ++k) ones += m.data[k] == 1;
      ok &= ones == (size_t)m.width * (size_t)m.height; /* positive logits everywhere: full boxes */
    }
  }
  for (i = 0; i < classes; ++i) {
    hone_classification c;
    const char* name = NULL;
    ok &= hone_prediction_get_classification(p, i, &c) == HONE_STATUS_OK;
    ok &= hone_predictor_get_class_name(predictor, c.class_id, &name) == HONE_STATUS_OK;
    ok &= name != NULL && strcmp(name, c.label) == 0 && c.score > 0.0f && c.score <= 1.0f;
  }
  CHECK(ok);
  check_prediction_errors(p, task, count);
}

/* The three ways in (file, bytes, pixels in BGR, RGB and with a stride) give the reference's
 * prediction; then drawing and saving. */
static void predict_every_way(hone_predictor_t* predictor, const char* name, hone_task task) {
  char path[1024], out_path[1024], file[256];
  unsigned char* png;
  uint8_t *pixels = NULL, *canvas, *rgb, *strided;
  size_t png_size = 0, i;
  int width = 0, height = 0, y, changed = 0;
  hone_prediction_t* p = NULL;

  path_join(path, sizeof path, g_models_dir, "image.png");
  png = read_file(path, &png_size);
  EXPECT_OK(hone_image_read(path, &pixels, &width, &height));
  if (!CHECK(png != NULL && pixels != NULL)) return;
  canvas = (uint8_t*)malloc((size_t)width * height * 3);
  rgb = (uint8_t*)malloc((size_t)width * height * 3);
  strided = (uint8_t*)malloc((size_t)(width * 3 + 5) * height);
  for (i = 0; i < (size_t)width * height; ++i) {
    rgb[i * 3] = pixels[i * 3 + 2];
    rgb[i * 3 + 1] = pixels[i * 3 + 1];
    rgb[i * 3 + 2] = pixels[i * 3];
  }
  for (y = 0; y < height; ++y) memcpy(strided + (size_t)y * (width * 3 + 5), pixels + (size_t)y * width * 3, (size_t)width * 3);

  EXPECT_OK(hone_predictor_predict_file(predictor, path, &p));
  check_prediction(predictor, p, task, width, height);
  expect_reference(p, name, "file");
  /* Drawing changes the pixels; the annotated image is saved for a look. */
  memcpy(canvas, pixels, (size_t)width * height * 3);
  EXPECT_OK(hone_prediction_draw(p, canvas, (size_t)width * height * 3, width, height, 0, HONE_PIXEL_FORMAT_BGR));
  for (i = 0; i < (size_t)width * height * 3; ++i) changed += canvas[i] != pixels[i];
  CHECK(changed > 0);
  snprintf(file, sizeof file, "%s_annotated.png", name);
  path_join(out_path, sizeof out_path, g_work_dir, file);
  EXPECT_OK(hone_image_write(out_path, canvas, (size_t)width * height * 3, width, height, 0, HONE_PIXEL_FORMAT_BGR));
  EXPECT_OK(hone_prediction_draw(p, strided, (size_t)(width * 3 + 5) * height, width, height, (size_t)width * 3 + 5,
                                 HONE_PIXEL_FORMAT_BGR));
  EXPECT_ARG(hone_prediction_draw(p, canvas, (size_t)width * height * 3, width - 1, height, 0, HONE_PIXEL_FORMAT_BGR),
             "the prediction was made on a 96x64 image");
  EXPECT_ARG(hone_prediction_draw(p, canvas, (size_t)width * height * 3 - 1, width, height, 0, HONE_PIXEL_FORMAT_BGR),
             "'byte_size'");
  EXPECT_ARG(hone_prediction_draw(p, NULL, (size_t)width * height * 3, width, height, 0, HONE_PIXEL_FORMAT_BGR),
             "'pixels'");
  EXPECT_ARG(hone_prediction_draw(NULL, canvas, (size_t)width * height * 3, width, height, 0, HONE_PIXEL_FORMAT_BGR),
             "'prediction'");
  EXPECT_ARG(hone_prediction_draw(p, canvas, (size_t)width * height * 3, width, height, 0, (hone_pixel_format)2),
             "hone_pixel_format");
  EXPECT_OK(hone_prediction_destroy(p));
  p = NULL;
  for (y = 0; y < height; ++y) memcpy(strided + (size_t)y * (width * 3 + 5), pixels + (size_t)y * width * 3, (size_t)width * 3);

  EXPECT_OK(hone_predictor_predict_image(predictor, png, png_size, &p));
  expect_reference(p, name, "encoded bytes");
  EXPECT_OK(hone_prediction_destroy(p));
  EXPECT_OK(hone_predictor_predict_pixels(predictor, pixels, (size_t)width * height * 3, width, height, 0,
                                          HONE_PIXEL_FORMAT_BGR, &p));
  expect_reference(p, name, "BGR pixels");
  EXPECT_OK(hone_prediction_destroy(p));
  EXPECT_OK(hone_predictor_predict_pixels(predictor, rgb, (size_t)width * height * 3, width, height, 0,
                                          HONE_PIXEL_FORMAT_RGB, &p));
  expect_reference(p, name, "RGB pixels");
  EXPECT_OK(hone_prediction_destroy(p));
  EXPECT_OK(hone_predictor_predict_pixels(predictor, strided, (size_t)(width * 3 + 5) * height, width, height,
                                          (size_t)width * 3 + 5, HONE_PIXEL_FORMAT_BGR, &p));
  expect_reference(p, name, "strided pixels");
  EXPECT_OK(hone_prediction_destroy(p));
  free(png);
  free(canvas);
  free(rgb);
  free(strided);
  hone_free(pixels);
}

static void test_predictors(void) {
  static const struct {
    const char* name;
    hone_task task;
    int classes;
    const char* first_label;
    int input;
  } kModels[] = {{"det", HONE_TASK_DETECT, 2, "thing0", 64},
                 {"seg", HONE_TASK_SEGMENT, 2, "a", 64},
                 {"pose", HONE_TASK_POSE, 1, "person", 64},
                 {"cls", HONE_TASK_CLASSIFY, 5, "0", 32}};
  char path[1024], image_path[1024];
  hone_predictor_options o;
  hone_predictor_t *p = NULL, *other = NULL;
  hone_prediction_t* r = NULL;
  hone_engine_t* engine = NULL;
  hone_task task = HONE_TASK_AUTO;
  const char* label = NULL;
  unsigned char garbage[32] = {0};
  uint8_t pixels[4 * 4 * 3] = {0};
  size_t i, count = 0;
  int w = 0, h = 0, n = 0;

  EXPECT_ARG(hone_predictor_options_init(NULL), "'options'");
  EXPECT_OK(hone_predictor_options_init(&o));
  CHECK(o.task == HONE_TASK_AUTO && o.conf == 0.25f && o.iou == 0.7f && o.max_det == 300 && o.agnostic == 0);
  CHECK(o.top_k == 5 && o.imgsz == 0 && o.threads == 0);
  o.threads = 2;
  path_join(image_path, sizeof image_path, g_models_dir, "image.png");

  for (i = 0; i < sizeof kModels / sizeof kModels[0]; ++i) {
    p = open_reference_predictor(kModels[i].name, &o);
    if (!CHECK(p != NULL)) continue;
    EXPECT_OK(hone_predictor_get_task(p, &task));
    CHECK(task == kModels[i].task);
    EXPECT_OK(hone_predictor_get_input_size(p, &w, &h));
    CHECK(w == kModels[i].input && h == kModels[i].input);
    EXPECT_OK(hone_predictor_get_num_classes(p, &n));
    CHECK(n == kModels[i].classes);
    EXPECT_OK(hone_predictor_get_class_name(p, 0, &label));
    CHECK(label != NULL && strcmp(label, kModels[i].first_label) == 0);
    EXPECT(HONE_STATUS_OUT_OF_RANGE, hone_predictor_get_class_name(p, n, &label), "is not in 0..");
    EXPECT(HONE_STATUS_OUT_OF_RANGE, hone_predictor_get_class_name(p, -1, &label), "is not in 0..");
    predict_every_way(p, kModels[i].name, kModels[i].task);
    EXPECT_OK(hone_predictor_destroy(p));
  }

  /* A model's own task is accepted, another is refused; options change the results. */
  o.task = HONE_TASK_DETECT;
  path_join(path, sizeof path, g_ref_dir, "cls.hone");
  EXPECT_ARG(hone_predictor_create(path, &o, &p), "cannot run as task 'detect'");
  o.task = HONE_TASK_CLASSIFY;
  o.top_k = 3;
  EXPECT_OK(hone_predictor_create(path, &o, &p));
  EXPECT_OK(hone_predictor_predict_file(p, image_path, &r));
  EXPECT_OK(hone_prediction_get_num_classifications(r, &count));
  CHECK(count == 3);
  EXPECT_OK(hone_prediction_destroy(r));
  EXPECT_OK(hone_predictor_destroy(p));
  o.task = HONE_TASK_SEGMENT;
  path_join(path, sizeof path, g_models_dir, "det.onnx");
  EXPECT_ARG(hone_predictor_create(path, &o, &p), "cannot run as task 'segment'");
  o.task = HONE_TASK_AUTO;
  o.top_k = 5;
  o.max_det = 1;
  EXPECT_OK(hone_predictor_create(path, &o, &p)); /* from the ONNX model: built here */
  EXPECT_OK(hone_predictor_predict_file(p, image_path, &r));
  EXPECT_OK(hone_prediction_get_num_detections(r, &count));
  CHECK(count == 1);
  /* A prediction outlives its predictor. */
  EXPECT_OK(hone_predictor_destroy(p));
  EXPECT_OK(hone_prediction_get_num_detections(r, &count));
  EXPECT_OK(hone_prediction_destroy(r));
  o.max_det = 300;

  /* From an engine handle, which may be destroyed right after. */
  path_join(path, sizeof path, g_ref_dir, "det.hone");
  EXPECT_OK(hone_engine_load_file(path, &engine));
  EXPECT_OK(hone_predictor_create_from_engine(engine, &o, &p));
  EXPECT_OK(hone_engine_destroy(engine));
  EXPECT_OK(hone_predictor_predict_file(p, image_path, &r));
  expect_reference(r, "det", "predictor from an engine handle");
  EXPECT_OK(hone_prediction_destroy(r));
  EXPECT_ARG(hone_predictor_create_from_engine(engine, &o, &other), "not a live hone_engine_t");
  EXPECT_ARG(hone_predictor_create_from_engine(NULL, &o, &other), "'engine'");

  /* Predictor errors: arguments, files, models, options. */
  EXPECT_ARG(hone_predictor_create_from_engine(engine, &o, NULL), "'engine'");
  EXPECT_ARG(hone_predictor_create(NULL, &o, &other), "'path'");
  EXPECT_ARG(hone_predictor_create(path, &o, NULL), "'out'");
  path_join(path, sizeof path, g_work_dir, "no_such_model.onnx");
  EXPECT(HONE_STATUS_NOT_FOUND, hone_predictor_create(path, NULL, &other), "no_such_model.onnx");
  EXPECT(HONE_STATUS_NOT_FOUND, hone_predictor_create(long_path(), NULL, &other), NULL);
  path_join(path, sizeof path, g_models_dir, "image.png");
  EXPECT(HONE_STATUS_INVALID_MODEL, hone_predictor_create(path, NULL, &other), "engine");
  path_join(path, sizeof path, g_models_dir, "unsupported.onnx");
  EXPECT(HONE_STATUS_UNSUPPORTED, hone_predictor_create(path, NULL, &other), "NoSuchOp");
  path_join(path, sizeof path, g_models_dir, "multi.onnx");
  EXPECT_ARG(hone_predictor_create(path, NULL, &other), "a YOLO model has one image input");
  path_join(path, sizeof path, g_ref_dir, "det.hone");
  o.conf = 1.5f;
  EXPECT_ARG(hone_predictor_create(path, &o, &other), "options->conf");
  o.conf = 0.25f;
  o.iou = -0.1f;
  EXPECT_ARG(hone_predictor_create(path, &o, &other), "options->iou");
  o.iou = 0.7f;
  o.max_det = 0;
  EXPECT_ARG(hone_predictor_create(path, &o, &other), "options->max_det");
  o.max_det = 300;
  o.top_k = 0;
  EXPECT_ARG(hone_predictor_create(path, &o, &other), "options->top_k");
  o.top_k = 5;
  o.imgsz = -1;
  EXPECT_ARG(hone_predictor_create(path, &o, &other), "options->imgsz");
  o.imgsz = 0;
  o.threads = -1;
  EXPECT_ARG(hone_predictor_create(path, &o, &other), "options->threads");
  o.threads = 2;
  o.task = (hone_task)9;
  EXPECT_ARG(hone_predictor_create(path, &o, &other), "hone_task (9)");
  o.task = HONE_TASK_AUTO;
  CHECK(other == NULL);

  /* Prediction errors: handles, paths, bytes, buffers. */
  EXPECT_ARG(hone_predictor_predict_file(NULL, image_path, &r), "'predictor'");
  EXPECT_ARG(hone_predictor_predict_file(p, NULL, &r), "'path'");
  EXPECT_ARG(hone_predictor_predict_file(p, image_path, NULL), "'out'");
  path_join(path, sizeof path, g_work_dir, "no_such_image.png");
  r = NULL;
  EXPECT(HONE_STATUS_NOT_FOUND, hone_predictor_predict_file(p, path, &r), "no_such_image.png");
  EXPECT(HONE_STATUS_IO_ERROR, hone_predictor_predict_file(p, g_work_dir, &r), "directory");
  EXPECT_ARG(hone_predictor_predict_image(p, garbage, sizeof garbage, &r), "not an image (32 bytes)");
  EXPECT_ARG(hone_predictor_predict_image(p, garbage, 0, &r), "'size' is 0");
  EXPECT_ARG(hone_predictor_predict_image(p, NULL, 10, &r), "'data'");
  EXPECT_ARG(hone_predictor_predict_image(p, garbage, sizeof garbage, NULL), "'out'");
  EXPECT_ARG(hone_predictor_predict_image(NULL, garbage, sizeof garbage, &r), "'predictor'");
  EXPECT_ARG(hone_predictor_predict_pixels(p, pixels, sizeof pixels - 1, 4, 4, 0, HONE_PIXEL_FORMAT_BGR, &r),
             "'byte_size' is 47");
  EXPECT_ARG(hone_predictor_predict_pixels(p, pixels, sizeof pixels, 4, 4, 11, HONE_PIXEL_FORMAT_BGR, &r), "'stride'");
  EXPECT_ARG(hone_predictor_predict_pixels(p, pixels, sizeof pixels, 0, 4, 0, HONE_PIXEL_FORMAT_BGR, &r), "0x4");
  EXPECT_ARG(hone_predictor_predict_pixels(p, NULL, sizeof pixels, 4, 4, 0, HONE_PIXEL_FORMAT_BGR, &r), "'pixels'");
  EXPECT_ARG(hone_predictor_predict_pixels(p, pixels, sizeof pixels, 4, 4, 0, (hone_pixel_format)(-1), &r),
             "hone_pixel_format");
  EXPECT_ARG(hone_predictor_predict_pixels(p, pixels, sizeof pixels, 4, 4, 0, HONE_PIXEL_FORMAT_BGR, NULL), "'out'");
  EXPECT_ARG(hone_predictor_predict_pixels(NULL, pixels, sizeof pixels, 4, 4, 0, HONE_PIXEL_FORMAT_BGR, &r),
             "'predictor'");
  CHECK(r == NULL);
  /* A 4x4 black image is fine: some prediction, maybe no detections. */
  EXPECT_OK(hone_predictor_predict_pixels(p, pixels, sizeof pixels, 4, 4, 0, HONE_PIXEL_FORMAT_RGB, &r));
  EXPECT_OK(hone_prediction_get_image_size(r, &w, &h));
  CHECK(w == 4 && h == 4);

  /* Accessor argument checks of the predictor; handles of the wrong type; destroyed handles. */
  EXPECT_ARG(hone_predictor_get_task(p, NULL), "'task'");
  EXPECT_ARG(hone_predictor_get_task(NULL, &task), "'predictor'");
  EXPECT_ARG(hone_predictor_get_input_size(p, NULL, &h), "'width'");
  EXPECT_ARG(hone_predictor_get_input_size(p, &w, NULL), "'height'");
  EXPECT_ARG(hone_predictor_get_num_classes(p, NULL), "'count'");
  EXPECT_ARG(hone_predictor_get_num_classes(NULL, &n), "'predictor'");
  EXPECT_ARG(hone_predictor_get_class_name(p, 0, NULL), "'name'");
  EXPECT_ARG(hone_predictor_get_class_name(NULL, 0, &label), "'predictor'");
  EXPECT_ARG(hone_predictor_get_task((const hone_predictor_t*)(const void*)r, &task), "not a live hone_predictor_t");
  EXPECT_ARG(hone_prediction_get_task((const hone_prediction_t*)(const void*)p, &task), "not a live hone_prediction_t");
  EXPECT_OK(hone_prediction_destroy(r));
  EXPECT_ARG(hone_prediction_destroy(r), "not a live hone_prediction_t");
  EXPECT_ARG(hone_prediction_get_num_detections(r, &count), "not a live hone_prediction_t");
  EXPECT_OK(hone_prediction_destroy(NULL));
  EXPECT_OK(hone_predictor_destroy(p));
  EXPECT_ARG(hone_predictor_destroy(p), "not a live hone_predictor_t");
  EXPECT_ARG(hone_predictor_predict_file(p, image_path, &r), "not a live hone_predictor_t");
  EXPECT_OK(hone_predictor_destroy(NULL));
}

/* yolov8n on bus.jpg, when ../shared has them: the C++ API's prediction, bit for bit, and the
 * letterbox transform of hone_context_set_input_image_file. NOTE: the shared yolov8n has
 * random weights and names '0'..'79' (../shared/models/README.md): its detections are
 * plentiful and meaningless, so only their agreement with C++ is checked. */
static void test_yolov8n(void) {
  char engine_path[1024], bus[1024];
  hone_predictor_options o;
  hone_predictor_t* p = NULL;
  hone_prediction_t* r = NULL;
  hone_engine_t* engine = NULL;
  hone_context_t* ctx = NULL;
  hone_image_transform t;
  size_t count = 0;
  path_join(engine_path, sizeof engine_path, g_ref_dir, "yolov8n.hone");
  if (!g_shared_dir || !file_exists(engine_path)) {
    printf("vision: yolov8n skipped (no %s)\n", engine_path);
    return;
  }
  snprintf(bus, sizeof bus, "%s/images/bus.jpg", g_shared_dir);
  if (!file_exists(bus)) {
    printf("vision: yolov8n skipped (no %s)\n", bus);
    return;
  }
  EXPECT_OK(hone_predictor_options_init(&o));
  o.threads = 2;
  EXPECT_OK(hone_predictor_create(engine_path, &o, &p));
  EXPECT_OK(hone_predictor_predict_file(p, bus, &r));
  if (!CHECK(r != NULL)) return;
  check_prediction(p, r, HONE_TASK_DETECT, 810, 1080);
  expect_reference(r, "yolov8n", "bus.jpg");
  EXPECT_OK(hone_prediction_get_num_detections(r, &count));
  printf("vision: yolov8n on bus.jpg: %lu detections, as the C++ API's\n", (unsigned long)count);
  EXPECT_OK(hone_prediction_destroy(r));
  EXPECT_OK(hone_predictor_destroy(p));

  EXPECT_OK(hone_engine_load_file(engine_path, &engine));
  EXPECT_OK(hone_context_create(engine, &ctx));
  EXPECT_OK(hone_context_set_input_image_file(ctx, "images", bus, NULL, &t));
  CHECK(t.source_width == 810 && t.source_height == 1080 && t.input_width == 640 && t.input_height == 640);
  CHECK(near(t.scale_y, 640.0f / 1080.0f) && t.pad_y == 0.0f && t.pad_x > 79.0f && t.pad_x < 81.0f);
  EXPECT_OK(hone_context_run(ctx));
  EXPECT_OK(hone_context_destroy(ctx));
  EXPECT_OK(hone_engine_destroy(engine));
}

/* Predictions made and destroyed, predictors created and destroyed: RSS stays flat. */
static void test_vision_leak(void) {
  enum { kWarmup = 200, kPredictions = 2000, kPredictors = 200, kSlackKiB = 2048 };
  char path[1024], image_path[1024];
  hone_predictor_options o;
  hone_predictor_t* p = NULL;
  hone_engine_t* engine = NULL;
  unsigned char* png;
  size_t png_size = 0;
  long before = 0, after;
  int i, failures = 0;
  path_join(path, sizeof path, g_ref_dir, "seg.hone");
  path_join(image_path, sizeof image_path, g_models_dir, "image.png");
  png = read_file(image_path, &png_size);
  EXPECT_OK(hone_predictor_options_init(&o));
  o.threads = 1;
  EXPECT_OK(hone_engine_load_file(path, &engine));
  EXPECT_OK(hone_predictor_create_from_engine(engine, &o, &p));
  if (!CHECK(png != NULL && p != NULL)) return;
  for (i = 0; i < kWarmup + kPredictions; ++i) {
    hone_prediction_t* r = NULL;
    hone_predictor_t* q = NULL;
    if (i == kWarmup) before = rss_kib();
    failures += hone_predictor_predict_image(p, png, png_size, &r) != HONE_STATUS_OK;
    failures += hone_prediction_destroy(r) != HONE_STATUS_OK;
    if (i % (kPredictions / kPredictors) == 0) {
      failures += hone_predictor_create_from_engine(engine, &o, &q) != HONE_STATUS_OK;
      failures += hone_predictor_destroy(q) != HONE_STATUS_OK;
    }
  }
  after = rss_kib();
  printf("vision leak: %d predictions, %d predictors: RSS before %ld KiB, after %ld KiB (%+ld KiB)\n", kPredictions,
         kPredictors, before, after, after - before);
  CHECK(failures == 0);
  CHECK(after - before <= kSlackKiB);
  free(png);
  EXPECT_OK(hone_predictor_destroy(p));
  EXPECT_OK(hone_engine_destroy(engine));
}

static void test_vision(const char* shared_dir) {
  g_shared_dir = shared_dir;
  test_images();
  test_set_input_image();
  test_predictors();
  test_yolov8n();
  test_vision_leak();
}

/* ------------------------------------------------------------------------------------------ */

int main(int argc, char** argv) {
  const char* section;
  int all;
  if (argc < 5) {
    fprintf(stderr, "usage: test_c_api SECTION MODELS_DIR WORK_DIR REF_DIR [REF_MODEL... | SHARED_DIR]\n");
    return 2;
  }
  section = argv[1];
  g_models_dir = argv[2];
  g_work_dir = argv[3];
  g_ref_dir = argv[4];
  all = strcmp(section, "all") == 0;
  if (all || strcmp(section, "basics") == 0) {
    test_basics();
    test_null_handles();
  }
  if (all || strcmp(section, "network") == 0) test_network();
  if (all || strcmp(section, "config") == 0) test_config();
  if (all || strcmp(section, "flow") == 0) test_flow();
  if (all || strcmp(section, "async") == 0) test_async();
  if (all || strcmp(section, "compare") == 0) test_compare(argc - 5, argv + 5);
  if (all || strcmp(section, "leak") == 0) test_leak();
  if (all || strcmp(section, "vision") == 0) test_vision(!all && argc > 5 ? argv[5] : NULL);
  if (g_passed + g_failed == 0) {
    fprintf(stderr, "unknown section '%s'\n", section);
    return 2;
  }
  printf("%s: %d passed, %d failed\n", section, g_passed, g_failed);
  return g_failed == 0 ? 0 : 1;
}
