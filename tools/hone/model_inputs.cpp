// --shapes parsing and generated inputs (model_inputs.hpp).
#include "tools/hone/model_inputs.hpp"

#include <chrono>
#include <cstdio>
#include <filesystem>

#include "backends/backend.hpp"
#include "import/onnx/model_builder.hpp"
#include "import/onnx/onnx_importer.hpp"

namespace hone::cli {

Result<std::unique_ptr<ir::Graph>> load_model(const std::string& path) {
  const std::string prefix = "builtin:";
  if (path.rfind(prefix, 0) == 0) {
    HONE_ASSIGN_OR_RETURN(std::string bytes, onnx_import::builtin_model(path.substr(prefix.size())));
    return onnx_import::import_bytes(bytes.data(), bytes.size(), {});
  }
  return onnx_import::import_file(path);
}

bool is_model_path(const std::string& path) {
  return path.rfind("builtin:", 0) == 0 || std::filesystem::path(path).extension() == ".onnx";
}

Result<std::map<std::string, ShapeRange>> parse_shapes(const std::vector<std::string>& specs) {
  std::map<std::string, ShapeRange> out;
  for (const std::string& spec : specs) {
    HONE_ASSIGN_OR_RETURN(auto part, parse_shape_spec(spec));
    for (auto& [name, range] : part) out[name] = std::move(range);
  }
  return out;
}

void BuildFlags::add_to(CLI::App* app) {
  std::string devices;
  for (const std::string& d : backend_names()) devices += (devices.empty() ? "" : ", ") + d;
  app->add_option("--device", device, "Device the engine runs on: " + devices + " (default: cpu)");
  app->add_option("--threads", threads, "Threads per execution context (default: all cores)")->check(CLI::NonNegativeNumber);
  app->add_option("--shapes", shapes,
                  "Input shapes, name:1x3x224x224, or a profile name:MINx..-MAXx.. (repeatable, or joined with ',')");
  app->add_option("--timing-cache", timing_cache, "Read and update tactic timings in this file");
  app->add_option("--tactics", tactics, "Only these tactic IDs or families may be chosen (repeatable)");
  app->add_option("--disable-pass", disabled_passes, "Skip this optimization pass (repeatable)");
  app->add_flag("--no-optimize", no_optimize, "Build the graph as imported, without optimization passes");
  app->add_option("--workspace", workspace, "Largest scratch memory a layer may use, in bytes (0: no limit)");
  app->add_option("--channel-block", channel_block,
                  "Blocked channel layout NCHW[b]c for convolutions: b, or 0 for plain tensors (default: the backend's choice)");
}

Result<BuildConfig> BuildFlags::config() const {
  BuildConfig c;
  c.device = device;
  c.threads = threads;
  HONE_ASSIGN_OR_RETURN(c.input_shapes, parse_shapes(shapes));
  c.timing_cache_path = timing_cache;
  c.tactics = tactics;
  c.optimize = !no_optimize;
  c.passes.disabled = disabled_passes;
  c.workspace_limit = workspace;
  c.channel_block = channel_block;
  return c;
}

std::function<void(std::string_view, double)> progress_printer() {
  return [start = std::chrono::steady_clock::now(), last = std::string(), last_fraction = -1.0](
             std::string_view stage, double fraction) mutable {
    const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    // A line per stage, and within a stage every further 10%.
    if (s < 1.0 || (stage == last && fraction < last_fraction + 0.1)) return;
    last = std::string(stage);
    last_fraction = fraction;
    std::fprintf(stderr, "[%6.1f s] build: %-8s %3.0f%%\n", s, last.c_str(), 100.0 * fraction);
  };
}

Result<std::shared_ptr<const Engine>> open_engine(const std::string& path, const BuildFlags& flags, bool progress,
                                                  EngineSource* source) {
  const auto start = std::chrono::steady_clock::now();
  auto done = [&](std::shared_ptr<const Engine> e, bool built) {
    if (source) {
      source->built = built;
      source->ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
    }
    return e;
  };
  if (!is_model_path(path)) {
    engine::LoadOptions options;
    options.device = flags.device;
    HONE_ASSIGN_OR_RETURN(auto engine, Engine::load(path, options));
    return done(std::move(engine), false);
  }
  HONE_ASSIGN_OR_RETURN(BuildConfig config, flags.config());
  HONE_ASSIGN_OR_RETURN(auto network, load_model(path));
  if (progress) config.progress = progress_printer();
  HONE_ASSIGN_OR_RETURN(engine::Plan plan, build_plan(std::move(network), config));
  HONE_ASSIGN_OR_RETURN(auto engine, Engine::from_plan(std::move(plan)));
  return done(std::move(engine), true);
}

Result<Shape> resolve_input_shape(const TensorDesc& desc, const std::map<std::string, ShapeRange>& shapes,
                                  std::vector<std::string>* notes) {
  auto it = shapes.find(desc.name);
  if (it != shapes.end()) {
    const Shape& s = it->second.opt;
    if (desc.has_shape && desc.shape.size() != s.size()) {
      return invalid_argument("--shapes gives input '" + desc.name + "' rank " + std::to_string(s.size()) +
                              ", it has rank " + std::to_string(desc.shape.size()));
    }
    for (size_t i = 0; desc.has_shape && i < desc.shape.size(); ++i) {
      if (desc.shape[i] >= 0 && desc.shape[i] != s[i]) {
        return invalid_argument("--shapes gives input '" + desc.name + "' shape " + shape_to_string(s) +
                                ", its dimension " + std::to_string(i) + " is fixed to " + std::to_string(desc.shape[i]));
      }
    }
    return s;
  }
  if (!desc.has_shape) {
    return invalid_argument("input '" + desc.name + "' has no declared shape; give one with --shapes " + desc.name + ":...");
  }
  Shape s;
  for (size_t i = 0; i < desc.shape.size(); ++i) {
    if (desc.shape[i] >= 0) {
      s.push_back(desc.shape[i]);
    } else {
      s.push_back(1);
      if (notes) notes->push_back("input '" + desc.name + "': dimension " + std::to_string(i) + " set to 1 (use --shapes)");
    }
  }
  return s;
}

Result<std::vector<Datum>> generated_inputs(const Engine& engine, const std::map<std::string, ShapeRange>& shapes,
                                            std::vector<std::string>* notes) {
  std::vector<Datum> feeds;
  for (const TensorDesc& d : engine.inputs()) {
    if (!d.is_tensor) return invalid_argument("input '" + d.name + "' is not a tensor; give it with --input");
    HONE_ASSIGN_OR_RETURN(Shape shape, resolve_input_shape(d, shapes, notes));
    auto t = generated_input(d.dtype, shape);
    if (!t.is_ok()) return invalid_argument("input '" + d.name + "': " + t.status().message());
    feeds.push_back(Datum::of(std::move(t).value()));
  }
  return feeds;
}

std::string describe(const TensorDesc& desc) {
  std::string s = desc.name + ": ";
  if (!desc.is_tensor) return s + "(sequence or optional)";
  s += std::string(dtype_name(desc.dtype));
  if (!desc.has_shape) return s + "[*]";
  s += "[";
  for (size_t i = 0; i < desc.shape.size(); ++i) s += (i ? "," : "") + (desc.shape[i] < 0 ? std::string("?") : std::to_string(desc.shape[i]));
  return s + "]";
}

std::string format_bytes(uint64_t bytes) {
  char buf[32];
  if (bytes < 1024) {
    std::snprintf(buf, sizeof buf, "%llu B", static_cast<unsigned long long>(bytes));
  } else if (bytes < (1u << 20)) {
    std::snprintf(buf, sizeof buf, "%.1f KiB", static_cast<double>(bytes) / 1024.0);
  } else if (bytes < (1ull << 30)) {
    std::snprintf(buf, sizeof buf, "%.1f MiB", static_cast<double>(bytes) / (1024.0 * 1024.0));
  } else {
    std::snprintf(buf, sizeof buf, "%.2f GiB", static_cast<double>(bytes) / (1024.0 * 1024.0 * 1024.0));
  }
  return buf;
}

Result<Tensor> generated_input(DataType dtype, const Shape& shape) {
  HONE_ASSIGN_OR_RETURN(Tensor t, Tensor::create(dtype, shape));
  const int64_t n = t.numel();
  Status s = dispatch_any(dtype, "generated input", [&](auto tag) -> Status {
    using T = typename decltype(tag)::type;
    T* p = t.data<T>();
    for (int64_t i = 0; i < n; ++i) {
      if constexpr (std::is_same_v<T, std::string>) {
        p[i] = std::to_string(i);
        p[i].insert(0, 1, 's');
      } else if constexpr (std::is_same_v<T, bool>) {
        p[i] = (i % 2) == 0;
      } else if constexpr (kIsFloating<T>) {
        p[i] = T(static_cast<float>(i % 97) / 97.0f - 0.5f);
      } else if constexpr (kIsSubByteInt<T>) {
        p[i] = T(i % 2);
      } else if constexpr (std::is_integral_v<T>) {
        p[i] = static_cast<T>(i % 10);
      } else {
        p[i] = T(static_cast<float>(i % 7));
      }
    }
    return Status::ok();
  });
  HONE_RETURN_IF_ERROR(s);
  return t;
}

Tensor arange_input(const Shape& shape) {
  Tensor t = Tensor::zeros(DataType::Float, shape);
  const int64_t n = t.numel();
  for (int64_t i = 0; i < n; ++i) t.data<float>()[i] = static_cast<float>(i) / static_cast<float>(n);
  return t;
}

int fail(const std::string& message) {
  std::fprintf(stderr, "hone: %s\n", message.c_str());
  return 1;
}

}  // namespace hone::cli
