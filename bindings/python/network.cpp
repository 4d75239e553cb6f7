// hone.Network: an ONNX model imported into Hone's IR (the TensorRT INetworkDefinition role),
// from a file or from bytes, ready for hone.Builder.
#include "bindings/python/bindings.hpp"
#include "import/onnx/model_builder.hpp"
#include "import/onnx/onnx_importer.hpp"

namespace hone::python {
namespace {

using namespace pybind11::literals;

std::unique_ptr<PyNetwork> make_network(std::unique_ptr<ir::Graph> graph) {
  auto net = std::make_unique<PyNetwork>();
  for (const ir::Value* v : graph->runtime_inputs()) net->inputs.push_back(describe_value(*v));
  for (const ir::Value* v : graph->outputs()) net->outputs.push_back(describe_value(*v));
  net->metadata = graph->metadata();
  net->graph = std::move(graph);
  return net;
}

const PyNetwork& live(const PyNetwork& n) {
  if (n.closed) invalid("the network is closed");
  return n;
}

py::list desc_list(const std::vector<TensorDesc>& list) {
  py::list out;
  for (const TensorDesc& d : list) out.append(describe(d));
  return out;
}

py::list name_list(const std::vector<TensorDesc>& list) {
  py::list out;
  for (const TensorDesc& d : list) out.append(d.name);
  return out;
}

std::unique_ptr<PyNetwork> from_file(const py::handle& path_value) {
  const std::string path = path_arg(path_value, "path");
  Result<std::unique_ptr<ir::Graph>> g = [&] {
    py::gil_scoped_release release;
    return onnx_import::import_file(path);
  }();
  auto net = make_network(unwrap(std::move(g)));
  net->path = path;
  return net;
}

std::unique_ptr<PyNetwork> from_bytes(const py::handle& data, const py::handle& base_dir) {
  std::string bytes;
  {
    const ByteView view(data, "data");
    if (view.size() == 0) invalid("the model bytes are empty");
    bytes.assign(reinterpret_cast<const char*>(view.data()), view.size());
  }
  const std::filesystem::path dir = base_dir.is_none() ? std::filesystem::path() : std::filesystem::path(path_arg(base_dir, "base_dir"));
  Result<std::unique_ptr<ir::Graph>> g = [&] {
    py::gil_scoped_release release;
    return onnx_import::import_bytes(bytes.data(), bytes.size(), dir);
  }();
  auto net = make_network(unwrap(std::move(g)));
  net->bytes = std::make_shared<const std::string>(std::move(bytes));
  net->base_dir = dir;
  return net;
}

}  // namespace

PyNetwork::Source PyNetwork::source() {
  if (closed) invalid("the network is closed");
  return Source{std::move(graph), path, bytes, base_dir};
}

Result<std::unique_ptr<ir::Graph>> PyNetwork::Source::take() {
  if (graph) return std::move(graph);
  if (!path.empty()) return onnx_import::import_file(path);
  if (!bytes) return invalid_argument("the network has no model to import");
  return onnx_import::import_bytes(bytes->data(), bytes->size(), base_dir);
}

void register_network(py::module_& m) {
  py::class_<PyNetwork>(m, "Network",
                        "An imported ONNX model (verified, type-inferred), the input of hone.Builder.build. A "
                        "network can be built any number of times.")
      .def_static("from_file", &from_file, "path"_a,
                  "Imports an ONNX model file (external data is read relative to its folder). NotFoundError / "
                  "IoError when unreadable, InvalidModelError when malformed, UnsupportedError listing every "
                  "unsupported operator.")
      .def_static("from_bytes", &from_bytes, "data"_a, "base_dir"_a = py::none(),
                  "Imports a serialized ONNX ModelProto (bytes-like); base_dir resolves external data.")
      .def_static(
          "builtin",
          [](const std::string& name) {
            std::string bytes = unwrap(onnx_import::builtin_model(name));
            auto net = make_network(unwrap(onnx_import::import_bytes(bytes.data(), bytes.size(), {})));
            net->bytes = std::make_shared<const std::string>(std::move(bytes));
            return net;
          },
          "name"_a, "One of Hone's built-in test networks (e.g. 'tinynet'), as `hone run builtin:NAME` takes.")
      .def_property_readonly("inputs", [](const PyNetwork& n) { return desc_list(live(n).inputs); })
      .def_property_readonly("outputs", [](const PyNetwork& n) { return desc_list(live(n).outputs); })
      .def_property_readonly("input_names", [](const PyNetwork& n) { return name_list(live(n).inputs); })
      .def_property_readonly("output_names", [](const PyNetwork& n) { return name_list(live(n).outputs); })
      .def_property_readonly(
          "metadata",
          [](const PyNetwork& n) {
            py::dict d;
            for (const auto& [k, v] : live(n).metadata) d[py::str(k)] = py::str(v);
            return d;
          },
          "The model's metadata_props as a dict of str.")
      .def(
          "close",
          [](PyNetwork& n) {
            n.closed = true;
            n.graph.reset();
            n.bytes.reset();
          },
          "Frees the imported graph; any later use raises InvalidArgumentError.")
      .def_property_readonly("closed", [](const PyNetwork& n) { return n.closed; })
      .def("__enter__", [](const py::object& self) { return self; })
      .def("__exit__",
           [](PyNetwork& n, const py::args&) {
             n.closed = true;
             n.graph.reset();
             n.bytes.reset();
           })
      .def("__repr__", [](const PyNetwork& n) {
        if (n.closed) return std::string("<hone.Network (closed)>");
        return "<hone.Network " + std::to_string(n.inputs.size()) + " input(s), " + std::to_string(n.outputs.size()) +
               " output(s)>";
      });
}

}  // namespace hone::python
