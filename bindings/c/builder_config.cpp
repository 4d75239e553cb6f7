// hone_builder_config_t: a hone::BuildConfig behind a handle (hone_c.h, "Builder config").
// The setters check what they can alone (signs, flags, min <= opt <= max); what needs the
// model (input names, ranks) is checked by the build.
#include "bindings/c/handles.hpp"

using namespace hone;
using namespace hone::capi;

namespace {

constexpr uint32_t kAllPrecisions = HONE_PRECISION_FP32 | HONE_PRECISION_FP16 | HONE_PRECISION_BF16 | HONE_PRECISION_INT8;

// A live config that may be changed: not the one whose build this thread is running (a
// progress callback changing or destroying it would pull the config from under the build).
hone_builder_config* live_config(hone_builder_config_t* config) {
  hone_builder_config* c = live(config, "config");
  if (building_config() == c) {
    fail(HONE_STATUS_INVALID_ARGUMENT, "the config is being built with (called from its progress callback)");
  }
  return c;
}

}  // namespace

const hone_builder_config*& hone::capi::building_config() {
  thread_local const hone_builder_config* config = nullptr;
  return config;
}

extern "C" {

HONE_C_EXPORT hone_status hone_builder_config_create(hone_builder_config_t** out) {
  return guard(__func__, [&] {
    require(out, "out");
    publish(std::make_unique<hone_builder_config>(), out);
  });
}

HONE_C_EXPORT hone_status hone_builder_config_destroy(hone_builder_config_t* config) {
  return guard(__func__, [&] {
    if (config) live_config(config);
    destroy(config, "config");
  });
}

HONE_C_EXPORT hone_status hone_builder_config_set_device(hone_builder_config_t* config, const char* device) {
  return guard(__func__, [&] {
    hone_builder_config* c = live_config(config);
    require(device, "device");
    if (!*device) fail(HONE_STATUS_INVALID_ARGUMENT, "argument 'device' is empty");
    c->config.device = device;
  });
}

HONE_C_EXPORT hone_status hone_builder_config_set_threads(hone_builder_config_t* config, int threads) {
  return guard(__func__, [&] {
    hone_builder_config* c = live_config(config);
    if (threads < 0) fail(HONE_STATUS_INVALID_ARGUMENT, "threads must be >= 0 (0: the physical cores), not " + std::to_string(threads));
    c->config.threads = threads;
  });
}

HONE_C_EXPORT hone_status hone_builder_config_set_precisions(hone_builder_config_t* config, uint32_t flags) {
  return guard(__func__, [&] {
    hone_builder_config* c = live_config(config);
    if (flags == 0) fail(HONE_STATUS_INVALID_ARGUMENT, "no precision allowed (flags 0)");
    if (flags & ~kAllPrecisions) {
      fail(HONE_STATUS_INVALID_ARGUMENT, "unknown precision flag bits " + std::to_string(flags & ~kAllPrecisions) +
                                             " (known: HONE_PRECISION_FP32, _FP16, _BF16, _INT8)");
    }
    std::vector<DataType> precisions;
    if (flags & HONE_PRECISION_FP32) precisions.push_back(DataType::Float);
    if (flags & HONE_PRECISION_FP16) precisions.push_back(DataType::Float16);
    if (flags & HONE_PRECISION_BF16) precisions.push_back(DataType::BFloat16);
    if (flags & HONE_PRECISION_INT8) precisions.push_back(DataType::Int8);
    c->config.precisions = std::move(precisions);
  });
}

HONE_C_EXPORT hone_status hone_builder_config_set_workspace_limit(hone_builder_config_t* config, uint64_t bytes) {
  return guard(__func__, [&] { live_config(config)->config.workspace_limit = bytes; });
}

HONE_C_EXPORT hone_status hone_builder_config_set_input_shape(hone_builder_config_t* config, const char* name,
                                                              const int64_t* min_dims, const int64_t* opt_dims,
                                                              const int64_t* max_dims, size_t rank) {
  return guard(__func__, [&] {
    hone_builder_config* c = live_config(config);
    require(name, "name");
    ShapeRange r;
    r.min = to_shape(min_dims, rank, "min_dims");
    r.opt = to_shape(opt_dims, rank, "opt_dims");
    r.max = to_shape(max_dims, rank, "max_dims");
    for (size_t d = 0; d < rank; ++d) {
      if (r.min[d] > r.opt[d] || r.opt[d] > r.max[d]) {
        fail(HONE_STATUS_INVALID_ARGUMENT, "input '" + std::string(name) + "': dimension " + std::to_string(d) +
                                               " needs min <= opt <= max, got min " + shape_to_string(r.min) +
                                               ", opt " + shape_to_string(r.opt) + ", max " + shape_to_string(r.max));
      }
    }
    c->config.input_shapes[name] = std::move(r);
  });
}

HONE_C_EXPORT hone_status hone_builder_config_set_timing_cache_path(hone_builder_config_t* config, const char* path) {
  return guard(__func__, [&] { live_config(config)->config.timing_cache_path = path ? path : ""; });
}

HONE_C_EXPORT hone_status hone_builder_config_set_allowed_tactics(hone_builder_config_t* config, const char* const* ids,
                                                                  size_t count) {
  return guard(__func__, [&] {
    hone_builder_config* c = live_config(config);
    if (count > 0) require(ids, "ids");
    std::vector<std::string> tactics;
    for (size_t i = 0; i < count; ++i) {
      if (!ids[i] || !*ids[i]) {
        fail(HONE_STATUS_INVALID_ARGUMENT, "tactic id " + std::to_string(i) + " is " + (ids[i] ? "empty" : "NULL"));
      }
      tactics.emplace_back(ids[i]);
    }
    c->config.tactics = std::move(tactics);
  });
}

HONE_C_EXPORT hone_status hone_builder_config_set_tuning_iterations(hone_builder_config_t* config, int iterations) {
  return guard(__func__, [&] {
    hone_builder_config* c = live_config(config);
    if (iterations < 1) fail(HONE_STATUS_INVALID_ARGUMENT, "iterations must be >= 1, not " + std::to_string(iterations));
    c->config.tuning_iterations = iterations;
  });
}

HONE_C_EXPORT hone_status hone_builder_config_set_optimize(hone_builder_config_t* config, int enabled) {
  return guard(__func__, [&] { live_config(config)->config.optimize = enabled != 0; });
}

HONE_C_EXPORT hone_status hone_builder_config_set_progress_callback(hone_builder_config_t* config, hone_progress_fn fn,
                                                                    void* user_data) {
  return guard(__func__, [&] {
    hone_builder_config* c = live_config(config);
    if (!fn) {
      c->config.progress = nullptr;
      return;
    }
    c->config.progress = [fn, user_data](std::string_view stage, double fraction) {
      const std::string name(stage);
      fn(name.c_str(), fraction, user_data);
    };
  });
}

}  // extern "C"
