// hone.BuilderConfig (hone::BuildConfig, one documented struct) and hone.Builder (build_plan +
// Engine::from_plan). Options are one table, used both for the properties and for the
// BuilderConfig(**options) / hone.compile(**options) keywords, so the two cannot disagree.
#include <functional>
#include <string_view>

#include "bindings/python/bindings.hpp"
#include "hone/builder.hpp"

namespace hone::python {
namespace {

using namespace pybind11::literals;

struct PyBuilderConfig {
  BuildConfig config;
  py::object progress = py::none();  // callable(stage: str, fraction: float) or None
};

// --- conversions ---------------------------------------------------------------------------

std::string type_name(const py::handle& v) { return py::str(v.get_type().attr("__name__")); }

int64_t int_arg(const py::handle& v, const std::string& what) {
  if (PyBool_Check(v.ptr()) || !PyIndex_Check(v.ptr())) invalid(what + " must be an int, not " + type_name(v));
  int overflow = 0;
  py::object index = py::reinterpret_steal<py::object>(PyNumber_Index(v.ptr()));
  if (!index) throw py::error_already_set();
  const long long n = PyLong_AsLongLongAndOverflow(index.ptr(), &overflow);
  if (overflow) invalid(what + " is out of range");
  return n;
}

std::string str_arg(const py::handle& v, const std::string& what) {
  if (!PyUnicode_Check(v.ptr())) invalid(what + " must be a str, not " + type_name(v));
  return v.cast<std::string>();
}

std::vector<std::string> str_list(const py::handle& v, const std::string& what) {
  if (v.is_none()) return {};
  if (PyUnicode_Check(v.ptr())) return {v.cast<std::string>()};
  if (!py::isinstance<py::iterable>(v)) invalid(what + " must be a list of str, not " + type_name(v));
  std::vector<std::string> out;
  for (py::handle item : v) out.push_back(str_arg(item, what + " items"));
  return out;
}

Shape shape_arg(const py::handle& v, const std::string& what) {
  if (v.is_none() || PyUnicode_Check(v.ptr()) || !py::isinstance<py::iterable>(v)) {
    invalid(what + " must be a sequence of ints, not " + type_name(v));
  }
  Shape s;
  for (py::handle d : v) {
    const int64_t n = int_arg(d, what + " dimensions");
    if (n < 0) invalid(what + " has a negative dimension (" + std::to_string(n) + ")");
    s.push_back(n);
  }
  return s;
}

py::tuple shape_tuple(const Shape& s) {
  py::tuple t(s.size());
  for (size_t i = 0; i < s.size(); ++i) t[i] = py::int_(s[i]);
  return t;
}

// min <= opt <= max per dimension, equal ranks.
ShapeRange checked_range(const std::string& name, Shape min, Shape opt, Shape max) {
  if (min.size() != opt.size() || min.size() != max.size()) {
    invalid("input '" + name + "': min, opt and max shapes have different ranks");
  }
  for (size_t d = 0; d < min.size(); ++d) {
    if (!(min[d] <= opt[d] && opt[d] <= max[d])) {
      invalid("input '" + name + "': dimension " + std::to_string(d) + " needs min <= opt <= max, got " +
              std::to_string(min[d]) + ", " + std::to_string(opt[d]) + ", " + std::to_string(max[d]));
    }
  }
  return {std::move(min), std::move(opt), std::move(max)};
}

// A shape (fixed), a (min, opt, max) triple of shapes, or {"min":, "opt":, "max":}.
ShapeRange range_arg(const std::string& name, const py::handle& v) {
  const std::string what = "input_shapes['" + name + "']";
  if (py::isinstance<py::dict>(v)) {
    py::dict d = py::reinterpret_borrow<py::dict>(v);
    for (auto item : d) {
      const std::string key = py::str(item.first);
      if (key != "min" && key != "opt" && key != "max") invalid(what + ": unknown key '" + key + "' (min, opt, max)");
    }
    if (!d.contains("min")) invalid(what + " needs 'min'");
    Shape min = shape_arg(d["min"], what + "['min']");
    Shape max = d.contains("max") ? shape_arg(d["max"], what + "['max']") : min;
    Shape opt = d.contains("opt") ? shape_arg(d["opt"], what + "['opt']") : max;
    return checked_range(name, std::move(min), std::move(opt), std::move(max));
  }
  if (v.is_none() || PyUnicode_Check(v.ptr()) || !py::isinstance<py::sequence>(v)) {
    invalid(what + " must be a shape or (min, opt, max) shapes, not " + type_name(v));
  }
  py::sequence seq = py::reinterpret_borrow<py::sequence>(v);
  bool nested = seq.size() > 0;
  for (py::handle item : seq) nested = nested && !PyUnicode_Check(item.ptr()) && py::isinstance<py::sequence>(item);
  if (!nested) return ShapeRange::fixed(shape_arg(v, what));
  if (seq.size() != 3) invalid(what + ": give one shape, or three (min, opt, max)");
  return checked_range(name, shape_arg(seq[0], what + " min"), shape_arg(seq[1], what + " opt"),
                       shape_arg(seq[2], what + " max"));
}

struct PrecisionName {
  const char* name;
  DataType type;
};
constexpr PrecisionName kPrecisions[] = {
    {"fp32", DataType::Float},   {"float32", DataType::Float},    {"float", DataType::Float},
    {"fp16", DataType::Float16}, {"float16", DataType::Float16},  {"half", DataType::Float16},
    {"bf16", DataType::BFloat16}, {"bfloat16", DataType::BFloat16}, {"int8", DataType::Int8},
};

DataType precision_arg(const std::string& name) {
  for (const PrecisionName& p : kPrecisions) {
    if (name == p.name) return p.type;
  }
  invalid("unknown precision '" + name + "' (fp32, fp16, bf16, int8)");
}

const char* precision_name(DataType t) {
  switch (t) {
    case DataType::Float: return "fp32";
    case DataType::Float16: return "fp16";
    case DataType::BFloat16: return "bf16";
    case DataType::Int8: return "int8";
    default: return "?";
  }
}

// --- the option table ----------------------------------------------------------------------

struct Option {
  const char* name;
  std::function<py::object(const PyBuilderConfig&)> get;
  std::function<void(PyBuilderConfig&, const py::handle&)> set;
  const char* doc;
};

const std::vector<Option>& options() {
  static const std::vector<Option> table = {
      {"device", [](const PyBuilderConfig& c) { return py::cast(c.config.device); },
       [](PyBuilderConfig& c, const py::handle& v) {
         std::string d = str_arg(v, "device");
         if (d.empty()) invalid("device is empty");
         c.config.device = std::move(d);
       },
       "The device to build for: 'cpu'."},
      {"precisions",
       [](const PyBuilderConfig& c) {
         py::list l;
         for (DataType t : c.config.precisions) l.append(precision_name(t));
         return py::object(l);
       },
       [](PyBuilderConfig& c, const py::handle& v) {
         std::vector<DataType> p;
         for (const std::string& s : str_list(v, "precisions")) p.push_back(precision_arg(s));
         if (p.empty()) invalid("precisions is empty: allow at least one of fp32, fp16, bf16, int8");
         c.config.precisions = std::move(p);
       },
       "Precisions layers may run in: 'fp32', 'fp16', 'bf16', 'int8' (the builder supports only fp32 so far and "
       "raises UnsupportedError for the others)."},
      {"threads", [](const PyBuilderConfig& c) { return py::cast(c.config.threads); },
       [](PyBuilderConfig& c, const py::handle& v) {
         const int64_t n = int_arg(v, "threads");
         if (n < 0 || n > 4096) invalid("threads must be in 0..4096 (0: the physical cores), not " + std::to_string(n));
         c.config.threads = static_cast<int>(n);
       },
       "Default threads of the engine's contexts; 0 = the machine's physical cores."},
      {"workspace_limit", [](const PyBuilderConfig& c) { return py::cast(c.config.workspace_limit); },
       [](PyBuilderConfig& c, const py::handle& v) {
         const int64_t n = int_arg(v, "workspace_limit");
         if (n < 0) invalid("workspace_limit must be >= 0 bytes (0: no limit)");
         c.config.workspace_limit = static_cast<uint64_t>(n);
       },
       "Largest scratch memory a layer may use, in bytes; 0 = no limit."},
      {"input_shapes",
       [](const PyBuilderConfig& c) {
         py::dict d;
         for (const auto& [name, r] : c.config.input_shapes) {
           d[py::str(name)] = py::make_tuple(shape_tuple(r.min), shape_tuple(r.opt), shape_tuple(r.max));
         }
         return py::object(d);
       },
       [](PyBuilderConfig& c, const py::handle& v) {
         std::map<std::string, ShapeRange> shapes;
         if (!v.is_none()) {
           if (!py::isinstance<py::dict>(v)) invalid("input_shapes must be a dict {input name: shape}, not " + type_name(v));
           for (auto item : py::reinterpret_borrow<py::dict>(v)) {
             const std::string name = str_arg(item.first, "input_shapes keys");
             shapes[name] = range_arg(name, item.second);
           }
         }
         c.config.input_shapes = std::move(shapes);
       },
       "{input name: shape} to fix a shape, or {name: (min, opt, max)} for a dynamic range (opt is the shape "
       "tactics are timed at). Inputs not named keep the model's shapes."},
      {"timing_cache", [](const PyBuilderConfig& c) { return py::cast(c.config.timing_cache_path); },
       [](PyBuilderConfig& c, const py::handle& v) {
         c.config.timing_cache_path = v.is_none() ? std::string() : path_arg(v, "timing_cache");
       },
       "A file tactic timings are read from and written to ('' = none): rebuilds choose the same tactics."},
      {"tactics",
       [](const PyBuilderConfig& c) { return py::object(py::cast(c.config.tactics)); },
       [](PyBuilderConfig& c, const py::handle& v) {
         std::vector<std::string> t = str_list(v, "tactics");
         for (const std::string& s : t) {
           if (s.empty()) invalid("tactics has an empty id");
         }
         c.config.tactics = std::move(t);
       },
       "Allowed tactic ids or families (e.g. 'cpu.f32'); empty = all."},
      {"tuning_iterations", [](const PyBuilderConfig& c) { return py::cast(c.config.tuning_iterations); },
       [](PyBuilderConfig& c, const py::handle& v) {
         const int64_t n = int_arg(v, "tuning_iterations");
         if (n < 1 || n > 1000000) invalid("tuning_iterations must be >= 1, not " + std::to_string(n));
         c.config.tuning_iterations = static_cast<int>(n);
       },
       "Timed runs per candidate tactic."},
      {"optimize", [](const PyBuilderConfig& c) { return py::cast(c.config.optimize); },
       [](PyBuilderConfig& c, const py::handle& v) {
         if (!PyBool_Check(v.ptr())) invalid("optimize must be a bool, not " + type_name(v));
         c.config.optimize = v.cast<bool>();
       },
       "Run the graph optimization passes."},
      {"channel_block", [](const PyBuilderConfig& c) { return py::cast(c.config.channel_block); },
       [](PyBuilderConfig& c, const py::handle& v) {
         const int64_t n = int_arg(v, "channel_block");
         if (n < -1) invalid("channel_block must be -1 (the backend's choice), 0 (off) or a block size");
         c.config.channel_block = n;
       },
       "Blocked channel layout NCHW[b]c for convolutions: -1 = the backend's choice, 0 = plain tensors."},
      {"disabled_passes", [](const PyBuilderConfig& c) { return py::object(py::cast(c.config.passes.disabled)); },
       [](PyBuilderConfig& c, const py::handle& v) { c.config.passes.disabled = str_list(v, "disabled_passes"); },
       "Names of optimization passes to skip."},
      {"progress", [](const PyBuilderConfig& c) { return c.progress; },
       [](PyBuilderConfig& c, const py::handle& v) {
         if (!v.is_none() && !PyCallable_Check(v.ptr())) invalid("progress must be a callable(stage, fraction) or None");
         c.progress = py::reinterpret_borrow<py::object>(v);
       },
       "Called as progress(stage: str, fraction: float) during builds (on the building thread); None = off. "
       "An exception it raises is re-raised when the build returns."},
  };
  return table;
}

void set_option(PyBuilderConfig& c, const std::string& name, const py::handle& value) {
  for (const Option& o : options()) {
    if (name == o.name) return o.set(c, value);
  }
  std::string known;
  for (const Option& o : options()) known += (known.empty() ? "" : ", ") + std::string(o.name);
  invalid("unknown BuilderConfig option '" + name + "' (" + known + ")");
}

// --- building ------------------------------------------------------------------------------

struct PyBuilder {
  py::dict report;  // of the last build
};

py::dict report_dict(const BuildReport& r) {
  py::dict passes;
  for (const passes::PassReport& p : r.passes) passes[py::str(p.name)] = p.rewrites;
  py::dict d;
  d["passes"] = passes;
  d["nodes_before"] = r.nodes_before;
  d["layers_after"] = r.layers_after;
  d["layers_timed"] = r.layers_timed;
  d["layers_cached"] = r.layers_cached;
  return d;
}

std::shared_ptr<const Engine> build(PyBuilder& builder, PyNetwork& network, const PyBuilderConfig* config) {
  PyNetwork::Source source = network.source();
  BuildConfig cfg = config ? config->config : BuildConfig{};
  // NOTE: the callback may be copied inside build_plan without the GIL, so it captures raw
  // pointers to objects on this stack, never a py::object.
  std::optional<py::error_already_set> progress_error;
  PyObject* progress = config && !config->progress.is_none() ? config->progress.ptr() : nullptr;
  if (progress) {
    cfg.progress = [progress, error = &progress_error](std::string_view stage, double fraction) {
      py::gil_scoped_acquire gil;
      if (*error) return;
      py::object name = py::reinterpret_steal<py::object>(
          PyUnicode_DecodeUTF8(stage.data(), static_cast<Py_ssize_t>(stage.size()), "replace"));
      py::object f = py::reinterpret_steal<py::object>(PyFloat_FromDouble(fraction));
      PyObject* r = name && f ? PyObject_CallFunctionObjArgs(progress, name.ptr(), f.ptr(), nullptr) : nullptr;
      if (r) {
        Py_DECREF(r);
      } else {
        error->emplace();
      }
    };
  }
  BuildReport report;
  Result<std::shared_ptr<const Engine>> engine = [&]() -> Result<std::shared_ptr<const Engine>> {
    py::gil_scoped_release release;
    HONE_ASSIGN_OR_RETURN(auto graph, source.take());
    HONE_ASSIGN_OR_RETURN(engine::Plan plan, build_plan(std::move(graph), cfg, &report));
    return Engine::from_plan(std::move(plan));
  }();
  if (progress_error) throw std::move(*progress_error);
  builder.report = report_dict(report);
  return unwrap(std::move(engine));
}

}  // namespace

void register_builder(py::module_& m) {
  auto config = py::class_<PyBuilderConfig>(
      m, "BuilderConfig",
      "Everything that shapes a build (hone::BuildConfig). BuilderConfig(**options) sets options by name; an "
      "unknown name or a bad value raises InvalidArgumentError.");
  config.def(py::init([](const py::kwargs& kwargs) {
               auto c = std::make_unique<PyBuilderConfig>();
               for (auto item : kwargs) set_option(*c, py::str(item.first), item.second);
               return c;
             }))
      .def(
          "set_input_shape",
          [](PyBuilderConfig& c, const std::string& name, const py::handle& min, const py::handle& opt,
             const py::handle& max) {
            if (name.empty()) invalid("input name is empty");
            Shape lo = shape_arg(min, "min");
            Shape hi = max.is_none() ? lo : shape_arg(max, "max");
            Shape mid = opt.is_none() ? hi : shape_arg(opt, "opt");
            c.config.input_shapes[name] = checked_range(name, std::move(lo), std::move(mid), std::move(hi));
          },
          "name"_a, "min"_a, "opt"_a = py::none(), "max"_a = py::none(),
          "Sets input `name`'s allowed shapes: min alone fixes the shape; opt defaults to max, max to min.")
      .def_property_readonly_static("option_names",
                                    [](const py::object&) {
                                      py::list l;
                                      for (const Option& o : options()) l.append(o.name);
                                      return l;
                                    })
      .def("__repr__", [](const py::object& self) {
        std::string s = "BuilderConfig(";
        bool first = true;
        for (const Option& o : options()) {
          s += (first ? "" : ", ") + std::string(o.name) + "=" + std::string(py::repr(self.attr(o.name)));
          first = false;
        }
        return s + ")";
      });
  for (const Option& o : options()) {
    config.def_property(
        o.name, [get = o.get](const PyBuilderConfig& c) { return get(c); },
        [set = o.set](PyBuilderConfig& c, const py::object& v) { set(c, v); }, o.doc);
  }

  py::class_<PyBuilder>(m, "Builder", "Builds engines from networks (TensorRT's IBuilder).")
      .def(py::init<>())
      .def(
          "build",
          [](PyBuilder& b, PyNetwork& network, const PyBuilderConfig* config) {
            return PyEngine{build(b, network, config)};
          },
          "network"_a, "config"_a = nullptr,
          "Builds an engine for this machine (GIL released meanwhile). InvalidArgumentError for shapes that do "
          "not fit the model, UnsupportedError for a precision or layer Hone cannot build (every such layer named).")
      .def(
          "build_serialized",
          [](PyBuilder& b, PyNetwork& network, const PyBuilderConfig* config) {
            std::shared_ptr<const Engine> e = build(b, network, config);
            Result<std::vector<uint8_t>> bytes = [&] {
              py::gil_scoped_release release;
              return e->serialize();
            }();
            const std::vector<uint8_t> data = unwrap(std::move(bytes));
            return py::bytes(reinterpret_cast<const char*>(data.data()), data.size());
          },
          "network"_a, "config"_a = nullptr, "Builds and returns the engine-file bytes.")
      .def_readonly("report", &PyBuilder::report,
                    "What the last build did: {'passes': {name: rewrites}, 'nodes_before', 'layers_after', "
                    "'layers_timed', 'layers_cached'}.");
}

}  // namespace hone::python
