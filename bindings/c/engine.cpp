// hone_engine_t: build, load, save, serialize and query engines (hone_c.h, "Engine"). The
// handle holds a shared_ptr to the immutable hone::Engine; contexts hold their own.
#include <algorithm>
#include <cstdlib>
#include <cstring>

#include "bindings/c/handles.hpp"
#include "engine/engine_file.hpp"

using namespace hone;
using namespace hone::capi;

namespace {

void publish_engine(std::shared_ptr<const Engine> engine, hone_engine_t** out) {
  auto handle = std::make_unique<hone_engine>();
  handle->engine = std::move(engine);
  publish(std::move(handle), out);
}

// A copy of `size` bytes starting 64-byte aligned, so the loaded plan's weights can point
// into it instead of being copied again (engine::load_plan_from_memory).
std::shared_ptr<const void> aligned_copy(const void* data, size_t size) {
  constexpr size_t kAlign = 64;
  const size_t rounded = (size + kAlign - 1) / kAlign * kAlign;
  void* p = std::aligned_alloc(kAlign, rounded);
  if (!p) throw std::bad_alloc();
  std::memcpy(p, data, size);
  return std::shared_ptr<const void>(p, [](const void* q) { std::free(const_cast<void*>(q)); });
}

}  // namespace

extern "C" {

HONE_C_EXPORT hone_status hone_engine_build(const hone_network_t* network, const hone_builder_config_t* config,
                                            hone_engine_t** out) {
  return guard(__func__, [&] {
    const hone_network* net = live(network, "network");
    const hone_builder_config* cfg = live(config, "config");
    require(out, "out");
    // The progress callback runs inside build_plan: mark the config as in use meanwhile.
    struct Building {
      explicit Building(const hone_builder_config* c) : previous(building_config()) { building_config() = c; }
      ~Building() { building_config() = previous; }
      const hone_builder_config* previous;
    } building(cfg);
    engine::Plan plan = unwrap(build_plan(take_graph(*net), cfg->config));
    publish_engine(unwrap(Engine::from_plan(std::move(plan))), out);
  });
}

HONE_C_EXPORT hone_status hone_engine_load_file(const char* path, hone_engine_t** out) {
  return guard(__func__, [&] {
    require(path, "path");
    require(out, "out");
    publish_engine(unwrap(Engine::load(path)), out);
  });
}

HONE_C_EXPORT hone_status hone_engine_load_memory(const void* data, size_t size, hone_engine_t** out) {
  return guard(__func__, [&] {
    require(data, "data");
    require(out, "out");
    if (size == 0) fail(HONE_STATUS_INVALID_ARGUMENT, "argument 'size' is 0");
    std::shared_ptr<const void> bytes = aligned_copy(data, size);
    const std::span<const uint8_t> view(static_cast<const uint8_t*>(bytes.get()), size);
    engine::Plan plan = unwrap(engine::load_plan_from_memory(view, std::move(bytes)));
    publish_engine(unwrap(Engine::from_plan(std::move(plan))), out);
  });
}

HONE_C_EXPORT hone_status hone_engine_save_file(const hone_engine_t* engine, const char* path) {
  return guard(__func__, [&] {
    const hone_engine* e = live(engine, "engine");
    require(path, "path");
    check(e->engine->save(path));
  });
}

HONE_C_EXPORT hone_status hone_engine_serialize(const hone_engine_t* engine, void** data, size_t* size) {
  return guard(__func__, [&] {
    const hone_engine* e = live(engine, "engine");
    require(data, "data");
    require(size, "size");
    const std::vector<uint8_t> bytes = unwrap(e->engine->serialize());
    void* p = std::malloc(bytes.empty() ? 1 : bytes.size());
    if (!p) throw std::bad_alloc();
    if (!bytes.empty()) std::memcpy(p, bytes.data(), bytes.size());
    *data = p;
    *size = bytes.size();
  });
}

HONE_C_EXPORT hone_status hone_engine_destroy(hone_engine_t* engine) {
  return guard(__func__, [&] { destroy(engine, "engine"); });
}

HONE_C_EXPORT hone_status hone_engine_get_num_inputs(const hone_engine_t* engine, size_t* count) {
  return guard(__func__, [&] {
    const hone_engine* e = live(engine, "engine");
    *require(count, "count") = e->engine->inputs().size();
  });
}

HONE_C_EXPORT hone_status hone_engine_get_num_outputs(const hone_engine_t* engine, size_t* count) {
  return guard(__func__, [&] {
    const hone_engine* e = live(engine, "engine");
    *require(count, "count") = e->engine->outputs().size();
  });
}

HONE_C_EXPORT hone_status hone_engine_get_input_name(const hone_engine_t* engine, size_t index, const char** name) {
  return guard(__func__, [&] {
    const hone_engine* e = live(engine, "engine");
    require(name, "name");
    *name = desc_at(e->engine->inputs(), index, "input").name.c_str();
  });
}

HONE_C_EXPORT hone_status hone_engine_get_output_name(const hone_engine_t* engine, size_t index, const char** name) {
  return guard(__func__, [&] {
    const hone_engine* e = live(engine, "engine");
    require(name, "name");
    *name = desc_at(e->engine->outputs(), index, "output").name.c_str();
  });
}

HONE_C_EXPORT hone_status hone_engine_get_tensor_io(const hone_engine_t* engine, const char* name, hone_tensor_io* io) {
  return guard(__func__, [&] {
    const hone_engine* e = live(engine, "engine");
    require(io, "io");
    bool is_input = false;
    find_desc(e->engine->inputs(), e->engine->outputs(), name, &is_input);
    *io = is_input ? HONE_TENSOR_IO_INPUT : HONE_TENSOR_IO_OUTPUT;
  });
}

HONE_C_EXPORT hone_status hone_engine_get_tensor_dtype(const hone_engine_t* engine, const char* name,
                                                       hone_dtype* dtype) {
  return guard(__func__, [&] {
    const hone_engine* e = live(engine, "engine");
    require(dtype, "dtype");
    *dtype = static_cast<hone_dtype>(find_desc(e->engine->inputs(), e->engine->outputs(), name).dtype);
  });
}

HONE_C_EXPORT hone_status hone_engine_get_tensor_shape(const hone_engine_t* engine, const char* name, int64_t* dims,
                                                       size_t capacity, int64_t* rank) {
  return guard(__func__, [&] {
    const hone_engine* e = live(engine, "engine");
    const TensorDesc& d = find_desc(e->engine->inputs(), e->engine->outputs(), name);
    write_shape(d.shape, d.has_shape && d.is_tensor, dims, capacity, rank);
  });
}

HONE_C_EXPORT hone_status hone_engine_get_input_profile(const hone_engine_t* engine, const char* name,
                                                        int64_t* min_dims, int64_t* opt_dims, int64_t* max_dims,
                                                        size_t capacity, int64_t* rank) {
  return guard(__func__, [&] {
    const hone_engine* e = live(engine, "engine");
    require(name, "name");
    require(rank, "rank");
    const TensorDesc* desc = nullptr;
    for (const TensorDesc& d : e->engine->inputs()) {
      if (d.name == name) desc = &d;
    }
    if (!desc) fail(HONE_STATUS_NOT_FOUND, "the engine has no input '" + std::string(name) + "'");
    Shape min = desc->shape, opt = desc->shape, max = desc->shape;
    for (const engine::InputProfile& p : e->engine->plan().profiles) {
      if (p.name == desc->name) {
        min = p.min;
        opt = p.opt;
        max = p.max;
      }
    }
    const bool has_rank = desc->has_shape && desc->is_tensor;
    *rank = has_rank ? static_cast<int64_t>(min.size()) : -1;
    if (has_rank && capacity < min.size() && (min_dims || opt_dims || max_dims)) {
      fail(HONE_STATUS_INVALID_ARGUMENT, "'capacity' " + std::to_string(capacity) + " is below the rank " +
                                             std::to_string(min.size()) + " (the rank was written)");
    }
    if (!has_rank) return;
    if (min_dims) std::copy(min.begin(), min.end(), min_dims);
    if (opt_dims) std::copy(opt.begin(), opt.end(), opt_dims);
    if (max_dims) std::copy(max.begin(), max.end(), max_dims);
  });
}

HONE_C_EXPORT hone_status hone_engine_get_num_layers(const hone_engine_t* engine, size_t* count) {
  return guard(__func__, [&] {
    const hone_engine* e = live(engine, "engine");
    *require(count, "count") = e->engine->num_layers();
  });
}

}  // extern "C"
