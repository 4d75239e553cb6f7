// hone.Profiler (subclass it and override report_layer_time) and hone.LayerTimeProfiler (the
// C++ per-layer table). Contexts also take any callable(layer_name, ms) (context.cpp).
#include <sstream>

#include "bindings/python/bindings.hpp"
#include "hone/profiler.hpp"

namespace hone::python {
namespace {

using namespace pybind11::literals;

class PyProfilerTrampoline : public Profiler {
 public:
  void report_layer_time(std::string_view layer_name, float ms) override {
    PYBIND11_OVERRIDE_PURE(void, Profiler, report_layer_time, layer_name, ms);
  }
};

}  // namespace

void register_profiler(py::module_& m) {
  py::class_<Profiler, PyProfilerTrampoline>(
      m, "Profiler",
      "Receives per-layer times (TensorRT's IProfiler): subclass it, override report_layer_time(layer_name, ms) "
      "and set it as Context.profiler. Called on the thread that runs the context, in layer order, with the GIL "
      "held; fused layers join their node names with ' + '.")
      .def(py::init<>())
      .def("report_layer_time", &Profiler::report_layer_time, "layer_name"_a, "ms"_a);

  py::class_<LayerTimeProfiler, Profiler>(
      m, "LayerTimeProfiler",
      "Sums layer times over runs (C++: no Python call per layer). Not thread-safe: one per context, read it "
      "when no run is in flight.")
      .def(py::init<>())
      .def_property_readonly(
          "entries",
          [](const LayerTimeProfiler& p) {
            py::list out;
            for (const LayerTimeProfiler::Entry& e : p.entries()) out.append(py::make_tuple(e.name, e.total_ms, e.count));
            return out;
          },
          "(layer name, total ms, reports) per layer, in first-report order.")
      .def_property_readonly("runs", &LayerTimeProfiler::runs, "Runs observed.")
      .def_property_readonly("average_total_ms", &LayerTimeProfiler::average_total_ms,
                             "Sum over layers of the average time per run.")
      .def(
          "table",
          [](const LayerTimeProfiler& p) {
            std::ostringstream os;
            p.print(os);
            return os.str();
          },
          "The per-layer table (name, average ms, % of total) as printed by `hone bench --profile`.")
      .def("reset", &LayerTimeProfiler::reset);
}

}  // namespace hone::python
