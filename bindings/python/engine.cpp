// hone.TensorDesc and hone.Engine: a built or loaded engine (immutable, shared by its
// contexts), loaded from a file or bytes, saved, serialized, described.
#include <cstdlib>
#include <cstring>

#include "bindings/python/bindings.hpp"
#include "engine/engine_file.hpp"

namespace hone::python {
namespace {

using namespace pybind11::literals;

// A 64-byte aligned copy of `size` bytes, so the loaded plan's weights point into it instead
// of being copied once more (engine::load_plan_from_memory).
std::shared_ptr<const void> aligned_copy(const void* data, size_t size) {
  constexpr size_t kAlign = 64;
  const size_t rounded = (size + kAlign - 1) / kAlign * kAlign;
  void* p = std::aligned_alloc(kAlign, rounded == 0 ? kAlign : rounded);
  if (!p) throw std::bad_alloc();
  std::memcpy(p, data, size);
  return std::shared_ptr<const void>(p, [](const void* q) { std::free(const_cast<void*>(q)); });
}

py::object shape_tuple(const TensorDesc& d) {
  if (!d.has_shape || !d.is_tensor) return py::none();
  py::tuple t(d.shape.size());
  for (size_t i = 0; i < d.shape.size(); ++i) t[i] = py::int_(d.shape[i]);
  return t;
}

py::tuple shape_of(const Shape& s) {
  py::tuple t(s.size());
  for (size_t i = 0; i < s.size(); ++i) t[i] = py::int_(s[i]);
  return t;
}

py::list descs(const std::vector<TensorDesc>& list) {
  py::list out;
  for (const TensorDesc& d : list) out.append(describe(d));
  return out;
}

py::dict metadata_dict(const std::vector<std::pair<std::string, std::string>>& metadata) {
  py::dict d;
  for (const auto& [k, v] : metadata) d[py::str(k)] = py::str(v);
  return d;
}

PyEngine load_file(const py::handle& path_value, bool verify_weights) {
  const std::string path = path_arg(path_value, "path");
  engine::LoadOptions options;
  options.verify_weights = verify_weights;
  Result<std::shared_ptr<const Engine>> e = [&] {
    py::gil_scoped_release release;
    return Engine::load(path, options);
  }();
  return PyEngine{unwrap(std::move(e))};
}

PyEngine load_bytes(const py::handle& data, bool verify_weights) {
  const ByteView view(data, "data");
  if (view.size() == 0) invalid("the engine bytes are empty");
  engine::LoadOptions options;
  options.verify_weights = verify_weights;
  Result<std::shared_ptr<const Engine>> e = [&]() -> Result<std::shared_ptr<const Engine>> {
    py::gil_scoped_release release;
    std::shared_ptr<const void> bytes = aligned_copy(view.data(), view.size());
    const std::span<const uint8_t> span(static_cast<const uint8_t*>(bytes.get()), view.size());
    HONE_ASSIGN_OR_RETURN(engine::Plan plan, engine::load_plan_from_memory(span, std::move(bytes), options));
    return Engine::from_plan(std::move(plan));
  }();
  return PyEngine{unwrap(std::move(e))};
}

}  // namespace

const Engine& PyEngine::get() const {
  if (!engine) invalid("the engine is closed");
  return *engine;
}

void register_engine(py::module_& m) {
  py::class_<TensorDesc>(m, "TensorDesc",
                         "An input or output of a network or engine: name, dtype, shape (-1 for a dynamic "
                         "dimension; None when even the rank is unknown).")
      .def_readonly("name", &TensorDesc::name)
      .def_property_readonly(
          "dtype", [](const TensorDesc& d) { return numpy_dtype(d.dtype); },
          "The numpy dtype of the values (uint16 holds bfloat16 bit patterns, uint8 float8/float4, int8/uint8 "
          "unpacked int4/int2, object strings); None when unknown.")
      .def_property_readonly(
          "onnx_type", [](const TensorDesc& d) { return dtype_text(d.dtype); }, "The ONNX element type: 'float', 'int64', ...")
      .def_property_readonly("shape", &shape_tuple)
      .def_readonly("is_tensor", &TensorDesc::is_tensor, "False for sequence and optional values.")
      .def("__repr__", [](const TensorDesc& d) {
        std::string shape = "None";
        if (d.has_shape && d.is_tensor) {
          shape = "(";
          for (size_t i = 0; i < d.shape.size(); ++i) shape += (i ? ", " : "") + std::to_string(d.shape[i]);
          shape += d.shape.size() == 1 ? ",)" : ")";
        }
        return "TensorDesc(name='" + d.name + "', dtype=" + dtype_text(d.dtype) + ", shape=" + shape +
               (d.is_tensor ? "" : ", is_tensor=False") + ")";
      });

  py::class_<PyEngine>(m, "Engine",
                       "A built engine: immutable, shareable by any number of contexts and threads (one copy of "
                       "the weights). Build one with hone.Builder or hone.compile, or load an engine file.")
      .def_static("load", &load_file, "path"_a, "verify_weights"_a = true,
                  "Loads an engine file (mapped, weights not copied). NotFoundError / IoError when it cannot be "
                  "read, InvalidModelError when it is damaged, UnsupportedError when it was built for a CPU this "
                  "machine is not.")
      .def_static("from_bytes", &load_bytes, "data"_a, "verify_weights"_a = true,
                  "Loads an engine from serialized bytes (any bytes-like object; copied once).")
      .def(
          "save",
          [](const PyEngine& e, const py::handle& path_value) {
            const std::string path = path_arg(path_value, "path");
            const Engine& engine = e.get();
            Status s;
            {
              py::gil_scoped_release release;
              s = engine.save(path);
            }
            check(s);
          },
          "path"_a, "Writes the engine file (IoError on failure; no partial file is left).")
      .def(
          "serialize",
          [](const PyEngine& e) {
            const Engine& engine = e.get();
            Result<std::vector<uint8_t>> bytes = [&] {
              py::gil_scoped_release release;
              return engine.serialize();
            }();
            const std::vector<uint8_t> data = unwrap(std::move(bytes));
            return py::bytes(reinterpret_cast<const char*>(data.data()), data.size());
          },
          "The engine-file bytes.")
      .def_property_readonly("inputs", [](const PyEngine& e) { return descs(e.get().inputs()); })
      .def_property_readonly("outputs", [](const PyEngine& e) { return descs(e.get().outputs()); })
      .def_property_readonly("input_names",
                             [](const PyEngine& e) {
                               py::list l;
                               for (const TensorDesc& d : e.get().inputs()) l.append(d.name);
                               return l;
                             })
      .def_property_readonly("output_names",
                             [](const PyEngine& e) {
                               py::list l;
                               for (const TensorDesc& d : e.get().outputs()) l.append(d.name);
                               return l;
                             })
      .def_property_readonly("num_layers", [](const PyEngine& e) { return e.get().num_layers(); })
      .def_property_readonly(
          "layers",
          [](const PyEngine& e) {
            const Engine& engine = e.get();
            py::list out;
            const auto& nodes = engine.plan().graph->nodes();
            for (size_t i = 0; i < engine.plan().layers.size() && i < nodes.size(); ++i) {
              out.append(py::make_tuple(nodes[i]->name(), engine.plan().layers[i].tactic));
            }
            return out;
          },
          "(layer name, tactic id) per layer, in run order.")
      .def_property_readonly("device", [](const PyEngine& e) { return e.get().plan().device; })
      .def_property_readonly("threads", [](const PyEngine& e) { return e.get().plan().threads; },
                             "The default thread count of its contexts.")
      .def_property_readonly(
          "profiles",
          [](const PyEngine& e) {
            py::dict d;
            for (const engine::InputProfile& p : e.get().plan().profiles) {
              d[py::str(p.name)] = py::make_tuple(shape_of(p.min), shape_of(p.opt), shape_of(p.max));
            }
            return d;
          },
          "{input name: (min, opt, max)} for the inputs with dynamic dimensions.")
      .def_property_readonly("metadata", [](const PyEngine& e) { return metadata_dict(e.get().plan().graph->metadata()); },
                             "The model's metadata (ONNX metadata_props) as a dict of str.")
      .def("create_context", [](const py::object& self) { return py::module_::import("hone._hone").attr("Context")(self); },
           "A new execution context (its own activation memory and bindings).")
      .def(
          "close", [](PyEngine& e) { e.engine.reset(); },
          "Drops this object's reference (contexts keep theirs); any later use raises InvalidArgumentError.")
      .def_property_readonly("closed", [](const PyEngine& e) { return !e.engine; })
      .def("__enter__", [](const py::object& self) { return self; })
      .def("__exit__", [](PyEngine& e, const py::args&) { e.engine.reset(); })
      .def("__repr__", [](const PyEngine& e) {
        if (!e.engine) return std::string("<hone.Engine (closed)>");
        return "<hone.Engine " + std::to_string(e.engine->num_layers()) + " layers, device " + e.engine->plan().device +
               ", " + std::to_string(e.engine->inputs().size()) + " input(s), " +
               std::to_string(e.engine->outputs().size()) + " output(s)>";
      });
}

}  // namespace hone::python
