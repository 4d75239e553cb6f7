// `hone build MODEL.onnx -o MODEL.hone [--threads N] [--shapes ...] [--timing-cache F] ...`:
// optimizes the model, chooses a tactic per layer, plans memory and writes the engine file
// (trtexec --saveEngine). Prints a summary: layers, fusions, memory, time.
#include <chrono>
#include <cstdio>
#include <memory>

#include "tools/hone/model_inputs.hpp"
#include "tools/hone/verbs.hpp"

namespace hone::cli {
namespace {

struct BuildOptions {
  std::string model;
  std::string output;
  BuildFlags build;
};

int build_verb(const BuildOptions& opt) {
  if (!is_model_path(opt.model)) return fail("'" + opt.model + "' is not a model (.onnx or builtin:NAME)");
  auto config = opt.build.config();
  if (!config.is_ok()) return fail(config.status().message());
  auto network = load_model(opt.model);
  if (!network.is_ok()) return fail(network.status().to_string());
  const auto start = std::chrono::steady_clock::now();
  config->progress = progress_printer();
  BuildReport report;
  auto plan = build_plan(std::move(network).value(), *config, &report);
  if (!plan.is_ok()) return fail(plan.status().to_string());
  const double build_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  auto engine = Engine::from_plan(std::move(plan).value());
  if (!engine.is_ok()) return fail(engine.status().to_string());
  Status saved = (*engine)->save(opt.output);
  if (!saved.is_ok()) return fail(saved.to_string());

  const engine::Plan& p = (*engine)->plan();
  size_t fused = 0;
  for (const auto& node : p.graph->nodes()) fused += node->name().find(" + ") != std::string::npos;
  std::printf("built '%s' -> '%s' in %.2f s\n", opt.model.c_str(), opt.output.c_str(), build_s);
  std::printf("layers: %zu (from %zu nodes; %zu fused layers)", report.layers_after, report.nodes_before, fused);
  if (report.layers_timed > 0) {
    std::printf("; %zu tuned (%zu from the timing cache)", report.layers_timed, report.layers_cached);
  }
  std::printf("\nmemory: activations %s peak (%s if none were reused), weights %s\n",
              format_bytes(p.memory.arena_bytes).c_str(), format_bytes(p.memory.activation_bytes).c_str(),
              format_bytes(p.memory.weight_bytes).c_str());
  std::string rewrites;
  for (const passes::PassReport& r : report.passes) {
    if (r.rewrites > 0) rewrites += (rewrites.empty() ? "" : ", ") + r.name + " " + std::to_string(r.rewrites);
  }
  if (!rewrites.empty()) std::printf("passes: %s\n", rewrites.c_str());
  return 0;
}

}  // namespace

void register_build(CLI::App& app, Actions& actions) {
  auto opt = std::make_shared<BuildOptions>();
  CLI::App* sub = app.add_subcommand("build", "Optimize a model and write an engine file");
  sub->add_option("model", opt->model, "Model file (.onnx) or builtin:NAME")->required();
  sub->add_option("--output,-o", opt->output, "Engine file to write (e.g. model.hone)")->required();
  opt->build.add_to(sub);
  sub->callback([opt, &actions] { actions.push_back([opt] { return build_verb(*opt); }); });
}

}  // namespace hone::cli
