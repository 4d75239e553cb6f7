/* bench_run_c.c: the per-call cost of hone_context_run (the C API) on a tiny model, the
 * baseline of CsharpOverhead.cs. Usage: bench_run_c MODEL [CALLS]  (MODEL: ONNX or engine,
 * float inputs of static shape, built with 1 thread). Prints the median over 9 batches of the
 * mean µs per call. */
#define _POSIX_C_SOURCE 200809L

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "hone_c.h"

#define TRY(call)                                                                   \
  do {                                                                              \
    hone_status s_ = (call);                                                        \
    if (s_ != HONE_STATUS_OK) {                                                     \
      fprintf(stderr, "%s: %s\n", hone_status_name(s_), hone_last_error_message()); \
      return 1;                                                                     \
    }                                                                               \
  } while (0)

static double now_us(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec * 1e6 + (double)t.tv_nsec / 1e3;
}

static int compare(const void* a, const void* b) {
  const double x = *(const double*)a, y = *(const double*)b;
  return x < y ? -1 : x > y;
}

int main(int argc, char** argv) {
  const char* model;
  int calls, batch, i;
  size_t inputs = 0, n;
  double means[9];
  hone_engine_t* engine = NULL;
  hone_context_t* ctx = NULL;
  if (argc < 2) {
    fprintf(stderr, "usage: bench_run_c MODEL [CALLS]\n");
    return 2;
  }
  model = argv[1];
  calls = argc > 2 ? atoi(argv[2]) : 20000;
  if (strlen(model) > 5 && strcmp(model + strlen(model) - 5, ".onnx") == 0) {
    hone_network_t* net = NULL;
    hone_builder_config_t* config = NULL;
    TRY(hone_network_create_from_file(model, &net));
    TRY(hone_builder_config_create(&config));
    TRY(hone_builder_config_set_threads(config, 1));
    TRY(hone_engine_build(net, config, &engine));
    hone_builder_config_destroy(config);
    hone_network_destroy(net);
  } else {
    TRY(hone_engine_load_file(model, &engine));
  }
  TRY(hone_context_create(engine, &ctx));
  TRY(hone_engine_get_num_inputs(engine, &inputs));
  for (n = 0; n < inputs; ++n) {
    const char* name = NULL;
    int64_t dims[8], rank = 0, count = 1, d;
    void* zeros;
    TRY(hone_engine_get_input_name(engine, n, &name));
    TRY(hone_engine_get_tensor_shape(engine, name, dims, 8, &rank));
    for (d = 0; d < rank; ++d) count *= dims[d];
    zeros = calloc((size_t)count, sizeof(float));
    TRY(hone_context_set_input(ctx, name, zeros, (size_t)count * sizeof(float), HONE_DTYPE_FLOAT32, dims, (size_t)rank));
    free(zeros);
  }
  for (i = 0; i < calls / 4; ++i) TRY(hone_context_run(ctx));
  for (batch = 0; batch < 9; ++batch) {
    const double start = now_us();
    for (i = 0; i < calls; ++i) TRY(hone_context_run(ctx));
    means[batch] = (now_us() - start) / calls;
  }
  qsort(means, 9, sizeof means[0], compare);
  printf("%-46s %8.3f us per call (median of 9 x %d calls; min %.3f)\n", "C hone_context_run", means[4], calls, means[0]);
  hone_context_destroy(ctx);
  hone_engine_destroy(engine);
  return 0;
}
