// `hone run MODEL.onnx [--input FILE.pb]... [--output-dir DIR] [--shapes name:1x3x224x224]`:
// runs a model once on given (or generated) inputs, prints each output and the time, and
// writes outputs as serialized TensorProto files.
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <memory>

#include "import/onnx/onnx_importer.hpp"
#include "import/onnx/tensor_proto.hpp"
#include "runtime/reference_executor.hpp"
#include "tools/hone/model_inputs.hpp"
#include "tools/hone/verbs.hpp"

namespace hone::cli {
namespace {

struct RunOptions {
  std::string model;
  std::vector<std::string> inputs;
  std::string output_dir;
  std::vector<std::string> shapes;
};

std::string datum_summary(const Datum& d) {
  if (d.is_none()) return "optional (empty)";
  if (d.is_sequence()) {
    return "sequence of " + std::to_string(d.sequence.size()) + " " + std::string(dtype_name(d.sequence_dtype));
  }
  return std::string(dtype_name(d.tensor.dtype())) + " " + shape_to_string(d.tensor.shape());
}

int run_verb(const RunOptions& opt) {
  auto imported = load_model(opt.model);
  if (!imported.is_ok()) return fail(imported.status().to_string());
  const ir::Graph& g = **imported;
  const auto graph_inputs = g.runtime_inputs();
  auto shapes = parse_shapes(opt.shapes);
  if (!shapes.is_ok()) return fail(shapes.status().message());

  std::vector<Datum> feeds;
  std::string generated_dims_note;
  if (!opt.inputs.empty()) {
    if (opt.inputs.size() != graph_inputs.size()) {
      return fail(std::to_string(opt.inputs.size()) + " --input file(s) given, the model has " +
                  std::to_string(graph_inputs.size()) + " input(s)");
    }
    for (size_t i = 0; i < opt.inputs.size(); ++i) {
      auto d = onnx_import::read_datum_file(opt.inputs[i], graph_inputs[i]->type());
      if (!d.is_ok()) return fail(d.status().message());
      feeds.push_back(std::move(d).value());
    }
  } else {
    std::vector<std::string> notes;
    for (const ir::Value* v : graph_inputs) {
      if (!v->type().is_tensor()) return fail("input '" + v->name() + "' is not a tensor; give it with --input");
      auto shape = resolve_input_shape(*v, *shapes, &notes);
      if (!shape.is_ok()) return fail(shape.status().message());
      auto t = generated_input(v->type().dtype, *shape);
      if (!t.is_ok()) return fail("input '" + v->name() + "': " + t.status().message());
      feeds.push_back(Datum::of(std::move(t).value()));
    }
    for (const std::string& n : notes) std::printf("note: %s\n", n.c_str());
    if (!notes.empty()) generated_dims_note = "unknown input dimensions were set to 1";
  }

  runtime::ReferenceExecutor exec(g);
  const auto start = std::chrono::steady_clock::now();
  auto outputs = exec.run(std::move(feeds));
  const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  if (!outputs.is_ok()) {
    std::string hint;
    if (!generated_dims_note.empty()) hint = " (" + generated_dims_note + "; give real shapes with --shapes)";
    return fail(outputs.status().to_string() + hint);
  }

  if (!opt.output_dir.empty()) {
    std::error_code ec;
    std::filesystem::create_directories(opt.output_dir, ec);
    if (ec) return fail("cannot create output directory '" + opt.output_dir + "': " + ec.message());
  }
  for (size_t k = 0; k < outputs->size(); ++k) {
    const std::string& name = g.outputs()[k]->name();
    std::printf("output %zu '%s': %s\n", k, name.c_str(), datum_summary((*outputs)[k]).c_str());
    if (!opt.output_dir.empty()) {
      const auto path = std::filesystem::path(opt.output_dir) / ("output_" + std::to_string(k) + ".pb");
      Status s = onnx_import::write_datum_file(path, (*outputs)[k], name);
      if (!s.is_ok()) return fail(s.message());
    }
  }
  std::printf("time: %.3f ms (reference executor)\n", ms);
  return 0;
}

}  // namespace

void register_run(CLI::App& app, Actions& actions) {
  auto opt = std::make_shared<RunOptions>();
  CLI::App* sub = app.add_subcommand("run", "Run a model once on given or generated inputs and write its outputs");
  sub->add_option("model", opt->model, "Model file (.onnx), or builtin:NAME for a built-in network")->required();
  sub->add_option("--input,-i", opt->inputs, "Serialized TensorProto file per model input, in order (repeatable)");
  sub->add_option("--output-dir,-o", opt->output_dir, "Write output_K.pb (serialized TensorProto) here");
  sub->add_option("--shapes", opt->shapes, "Input shapes for generated inputs, name:1x3x224x224 (repeatable)");
  sub->callback([opt, &actions] { actions.push_back([opt] { return run_verb(*opt); }); });
}

int fail(const std::string& message) {
  std::fprintf(stderr, "hone: %s\n", message.c_str());
  return 1;
}

}  // namespace hone::cli
