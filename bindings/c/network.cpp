// hone_network_t: an imported ONNX model (hone_c.h, "Network"). Keeps where the model came
// from so a second build can import it again (build_plan consumes the graph).
#include "bindings/c/handles.hpp"
#include "import/onnx/model_builder.hpp"
#include "import/onnx/onnx_importer.hpp"

using namespace hone;
using namespace hone::capi;

namespace {

std::unique_ptr<hone_network> make_network(std::unique_ptr<ir::Graph> graph) {
  auto net = std::make_unique<hone_network>();
  for (const ir::Value* v : graph->runtime_inputs()) net->inputs.push_back(describe_value(*v));
  for (const ir::Value* v : graph->outputs()) net->outputs.push_back(describe_value(*v));
  net->graph = std::move(graph);
  return net;
}

}  // namespace

namespace hone::capi {

std::unique_ptr<ir::Graph> take_graph(const hone_network& net) {
  {
    std::lock_guard<std::mutex> lock(net.mu);
    if (net.graph) return std::move(net.graph);
  }
  if (!net.path.empty()) return unwrap(onnx_import::import_file(net.path));
  return unwrap(onnx_import::import_bytes(net.bytes.data(), net.bytes.size(), net.base_dir));
}

}  // namespace hone::capi

extern "C" {

HONE_C_EXPORT hone_status hone_network_create_from_file(const char* path, hone_network_t** out) {
  return guard(__func__, [&] {
    require(path, "path");
    require(out, "out");
    auto net = make_network(unwrap(onnx_import::import_file(path)));
    net->path = path;
    publish(std::move(net), out);
  });
}

HONE_C_EXPORT hone_status hone_network_create_from_memory(const void* data, size_t size, const char* base_dir,
                                                          hone_network_t** out) {
  return guard(__func__, [&] {
    require(data, "data");
    require(out, "out");
    if (size == 0) fail(HONE_STATUS_INVALID_ARGUMENT, "argument 'size' is 0");
    const std::filesystem::path dir = base_dir ? base_dir : "";
    auto net = make_network(unwrap(onnx_import::import_bytes(data, size, dir)));
    net->bytes.assign(static_cast<const char*>(data), size);
    net->base_dir = dir;
    publish(std::move(net), out);
  });
}

HONE_C_EXPORT hone_status hone_network_create_builtin(const char* name, hone_network_t** out) {
  return guard(__func__, [&] {
    require(name, "name");
    require(out, "out");
    std::string bytes = unwrap(onnx_import::builtin_model(name));
    auto net = make_network(unwrap(onnx_import::import_bytes(bytes.data(), bytes.size(), {})));
    net->bytes = std::move(bytes);
    publish(std::move(net), out);
  });
}

HONE_C_EXPORT hone_status hone_network_destroy(hone_network_t* network) {
  return guard(__func__, [&] { destroy(network, "network"); });
}

HONE_C_EXPORT hone_status hone_network_get_num_inputs(const hone_network_t* network, size_t* count) {
  return guard(__func__, [&] {
    const hone_network* net = live(network, "network");
    *require(count, "count") = net->inputs.size();
  });
}

HONE_C_EXPORT hone_status hone_network_get_num_outputs(const hone_network_t* network, size_t* count) {
  return guard(__func__, [&] {
    const hone_network* net = live(network, "network");
    *require(count, "count") = net->outputs.size();
  });
}

HONE_C_EXPORT hone_status hone_network_get_input_name(const hone_network_t* network, size_t index, const char** name) {
  return guard(__func__, [&] {
    const hone_network* net = live(network, "network");
    require(name, "name");
    *name = desc_at(net->inputs, index, "input").name.c_str();
  });
}

HONE_C_EXPORT hone_status hone_network_get_output_name(const hone_network_t* network, size_t index,
                                                       const char** name) {
  return guard(__func__, [&] {
    const hone_network* net = live(network, "network");
    require(name, "name");
    *name = desc_at(net->outputs, index, "output").name.c_str();
  });
}

HONE_C_EXPORT hone_status hone_network_get_tensor_dtype(const hone_network_t* network, const char* name,
                                                        hone_dtype* dtype) {
  return guard(__func__, [&] {
    const hone_network* net = live(network, "network");
    require(dtype, "dtype");
    *dtype = static_cast<hone_dtype>(find_desc(net->inputs, net->outputs, name).dtype);
  });
}

HONE_C_EXPORT hone_status hone_network_get_tensor_shape(const hone_network_t* network, const char* name,
                                                        int64_t* dims, size_t capacity, int64_t* rank) {
  return guard(__func__, [&] {
    const hone_network* net = live(network, "network");
    const TensorDesc& d = find_desc(net->inputs, net->outputs, name);
    write_shape(d.shape, d.has_shape && d.is_tensor, dims, capacity, rank);
  });
}

}  // extern "C"
