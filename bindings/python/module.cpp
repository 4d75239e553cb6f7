// PYBIND11_MODULE(_hone): the compiled half of the Python package `hone` (bindings/python/hone/
// holds the pure-Python half and re-exports this module's names). Registration order matters
// only where one class's signature names another's.
#include "bindings/python/bindings.hpp"
#include "core/cpu_features.hpp"

PYBIND11_MODULE(_hone, m) {
  namespace py = pybind11;
  using namespace hone::python;
  m.doc() = "Hone inference engine: networks, builder, engines, execution contexts, profilers, vision.";
  m.attr("__version__") = HONE_VERSION_STRING;
  register_errors(m);
  register_engine(m);
  register_network(m);
  register_builder(m);
  register_profiler(m);
  register_context(m);
  register_vision(m);
  m.def(
      "dtype_name", [](const py::dtype& d) { return dtype_text(dtype_of_numpy(d)); }, py::arg("dtype"),
      "The ONNX element type a numpy dtype maps to ('float', 'int64', ...; 'undefined' when none).");
}
