// The C++ side of the C API's bit-for-bit test: builds each model through the C++ API
// (hone::build_plan, Engine, ExecutionContext), runs it on the arange input, and writes
// what test_c_api.c compares against. Usage: c_api_reference OUT_DIR MODEL...
// where MODEL is "builtin:NAME" or an .onnx path. For a model named NAME (the builtin name
// or the file's stem) it writes into OUT_DIR:
//   NAME.timing.json  the timing cache of the build (the C build reuses it, so both builds
//                     choose the same tactics whatever the timing noise),
//   NAME.hone         the engine file,
//   NAME.input.bin    the first input: float32, element i = i / n (the light/ models' input),
//   NAME.output.bin   the first output's bytes.
// Builds use 2 threads, as test_c_api.c does.
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "hone/builder.hpp"
#include "hone/engine.hpp"
#include "import/onnx/model_builder.hpp"
#include "import/onnx/onnx_importer.hpp"

namespace {

using namespace hone;

bool write(const std::filesystem::path& path, const void* data, size_t size) {
  std::ofstream f(path, std::ios::binary);
  f.write(static_cast<const char*>(data), static_cast<std::streamsize>(size));
  f.close();
  return static_cast<bool>(f);
}

Status reference(const std::filesystem::path& dir, const std::string& model) {
  const std::string prefix = "builtin:";
  const bool builtin = model.rfind(prefix, 0) == 0;
  const std::string name = builtin ? model.substr(prefix.size()) : std::filesystem::path(model).stem().string();
  std::unique_ptr<ir::Graph> graph;
  if (builtin) {
    HONE_ASSIGN_OR_RETURN(std::string bytes, onnx_import::builtin_model(name));
    HONE_ASSIGN_OR_RETURN(graph, onnx_import::import_bytes(bytes.data(), bytes.size(), {}));
  } else {
    HONE_ASSIGN_OR_RETURN(graph, onnx_import::import_file(model));
  }
  const std::filesystem::path cache = dir / (name + ".timing.json");
  std::filesystem::remove(cache);
  BuildConfig config;
  config.threads = 2;
  config.timing_cache_path = cache.string();
  HONE_ASSIGN_OR_RETURN(engine::Plan plan, build_plan(std::move(graph), config));
  HONE_ASSIGN_OR_RETURN(auto engine, Engine::from_plan(std::move(plan)));
  HONE_RETURN_IF_ERROR(engine->save((dir / (name + ".hone")).string()));

  const TensorDesc& in = engine->inputs().at(0);
  if (in.dtype != DataType::Float || !in.has_shape) return invalid_argument(model + ": the first input is not a float tensor of known shape");
  for (int64_t d : in.shape) {
    if (d < 0) return invalid_argument(model + ": the first input has a dynamic dimension");
  }
  HONE_ASSIGN_OR_RETURN(Tensor input, Tensor::create(DataType::Float, in.shape));
  const int64_t n = input.numel();
  for (int64_t i = 0; i < n; ++i) input.data<float>()[i] = static_cast<float>(i) / static_cast<float>(n);

  auto context = engine->create_context();
  HONE_ASSIGN_OR_RETURN(std::vector<Datum> outputs, context->run({Datum::of(input)}));
  const Tensor& out = outputs.at(0).tensor;
  if (!write(dir / (name + ".input.bin"), input.raw(), input.nbytes()) ||
      !write(dir / (name + ".output.bin"), out.raw(), out.nbytes())) {
    return io_error("cannot write into '" + dir.string() + "'");
  }
  std::printf("%s: %zu layers, input '%s' %s, output '%s' %s\n", name.c_str(), engine->num_layers(), in.name.c_str(),
              shape_to_string(input.shape()).c_str(), engine->outputs().at(0).name.c_str(),
              shape_to_string(out.shape()).c_str());
  return Status::ok();
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: c_api_reference OUT_DIR MODEL...\n");
    return 2;
  }
  const std::filesystem::path dir = argv[1];
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  for (int i = 2; i < argc; ++i) {
    const Status s = reference(dir, argv[i]);
    if (!s.is_ok()) {
      std::fprintf(stderr, "c_api_reference: %s: %s\n", argv[i], s.to_string().c_str());
      return 1;
    }
  }
  return 0;
}
