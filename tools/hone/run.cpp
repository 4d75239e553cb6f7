// `hone run MODEL.onnx|ENGINE [--input FILE.pb]... [--output-dir DIR] [--shapes ...]`: runs a
// model (built into an engine first, or with --reference through the reference executor) or a
// built engine once on given (or generated) inputs, prints each output and the time, and
// writes outputs as serialized TensorProto files.
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <memory>

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
  bool reference = false;
  BuildFlags build;
};

std::string datum_summary(const Datum& d) {
  if (d.is_none()) return "optional (empty)";
  if (d.is_sequence()) {
    return "sequence of " + std::to_string(d.sequence.size()) + " " + std::string(dtype_name(d.sequence_dtype));
  }
  return std::string(dtype_name(d.tensor.dtype())) + " " + shape_to_string(d.tensor.shape());
}

// The model's runtime inputs and outputs as graph values (their declared types read --input).
struct Interface {
  std::vector<const ir::Value*> inputs;
  std::vector<const ir::Value*> outputs;
};
Interface interface_of(const ir::Graph& g) {
  Interface i;
  for (const ir::Value* v : g.runtime_inputs()) i.inputs.push_back(v);
  for (const ir::Value* v : g.outputs()) i.outputs.push_back(v);
  return i;
}

int run_verb(const RunOptions& opt) {
  if (opt.reference && !is_model_path(opt.model)) return fail("--reference runs a model (.onnx), not an engine file");
  auto shapes = parse_shapes(opt.build.shapes);
  if (!shapes.is_ok()) return fail(shapes.status().message());

  // The engine (built from the model or loaded), or the imported graph for --reference.
  std::shared_ptr<const Engine> engine;
  std::unique_ptr<ir::Graph> graph;
  if (opt.reference) {
    auto g = load_model(opt.model);
    if (!g.is_ok()) return fail(g.status().to_string());
    graph = std::move(g).value();
  } else {
    auto e = open_engine(opt.model, opt.build, /*progress=*/true);
    if (!e.is_ok()) return fail(e.status().to_string());
    engine = *e;
  }
  const Interface io = interface_of(graph ? *graph : *engine->plan().graph);

  std::vector<Datum> feeds;
  std::string generated_dims_note;
  if (!opt.inputs.empty()) {
    if (opt.inputs.size() != io.inputs.size()) {
      return fail(std::to_string(opt.inputs.size()) + " --input file(s) given, the model has " +
                  std::to_string(io.inputs.size()) + " input(s)");
    }
    for (size_t i = 0; i < opt.inputs.size(); ++i) {
      auto d = onnx_import::read_datum_file(opt.inputs[i], io.inputs[i]->type());
      if (!d.is_ok()) return fail(d.status().message());
      feeds.push_back(std::move(d).value());
    }
  } else {
    std::vector<std::string> notes;
    for (const ir::Value* v : io.inputs) {
      TensorDesc desc;
      desc.name = v->name();
      desc.dtype = v->type().dtype;
      desc.is_tensor = v->type().is_tensor();
      desc.has_shape = v->type().shape.has_rank;
      for (const ir::Dim& d : v->type().shape.dims) desc.shape.push_back(d.is_known() ? d.value : -1);
      if (!desc.is_tensor) return fail("input '" + v->name() + "' is not a tensor; give it with --input");
      auto shape = resolve_input_shape(desc, *shapes, &notes);
      if (!shape.is_ok()) return fail(shape.status().message());
      auto t = generated_input(desc.dtype, *shape);
      if (!t.is_ok()) return fail("input '" + v->name() + "': " + t.status().message());
      feeds.push_back(Datum::of(std::move(t).value()));
    }
    for (const std::string& n : notes) std::printf("note: %s\n", n.c_str());
    if (!notes.empty()) generated_dims_note = "unknown input dimensions were set to 1";
  }

  const auto start = std::chrono::steady_clock::now();
  Result<std::vector<Datum>> outputs = std::vector<Datum>{};
  if (graph) {
    outputs = runtime::ReferenceExecutor(*graph).run(std::move(feeds));
  } else {
    auto ctx = engine->create_context();
    if (opt.build.threads > 0) {
      Status s = ctx->set_threads(opt.build.threads);
      if (!s.is_ok()) return fail(s.to_string());
    }
    outputs = ctx->run(std::move(feeds));
  }
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
    const std::string& name = io.outputs[k]->name();
    std::printf("output %zu '%s': %s\n", k, name.c_str(), datum_summary((*outputs)[k]).c_str());
    if (!opt.output_dir.empty()) {
      const auto path = std::filesystem::path(opt.output_dir) / ("output_" + std::to_string(k) + ".pb");
      Status s = onnx_import::write_datum_file(path, (*outputs)[k], name);
      if (!s.is_ok()) return fail(s.message());
    }
  }
  std::printf("time: %.3f ms (%s)\n", ms, graph ? "reference executor" : "engine, first run");
  return 0;
}

}  // namespace

void register_run(CLI::App& app, Actions& actions) {
  auto opt = std::make_shared<RunOptions>();
  CLI::App* sub = app.add_subcommand("run", "Run a model or engine once on given or generated inputs and write its outputs");
  sub->add_option("model", opt->model, "Model file (.onnx), builtin:NAME for a built-in network, or an engine file")
      ->required();
  sub->add_option("--input,-i", opt->inputs, "Serialized TensorProto file per model input, in order (repeatable)");
  sub->add_option("--output-dir,-o", opt->output_dir, "Write output_K.pb (serialized TensorProto) here");
  sub->add_flag("--reference", opt->reference, "Run the model with the reference executor instead of an engine");
  opt->build.add_to(sub);
  sub->callback([opt, &actions] { actions.push_back([opt] { return run_verb(*opt); }); });
}

}  // namespace hone::cli
