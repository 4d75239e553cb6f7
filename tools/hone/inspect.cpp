// `hone inspect ENGINE [--json]`: what an engine is made of — each layer with the original
// model nodes it fused, its op and attributes, tactic (with the tuner's timings), precision,
// shapes and bytes, then the memory plan totals (TensorRT's engine inspector).
#include <cstdio>
#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>

#include "tools/hone/model_inputs.hpp"
#include "tools/hone/verbs.hpp"

namespace hone::cli {
namespace {

struct InspectOptions {
  std::string engine;
  bool json = false;
  BuildFlags build;
};

std::vector<std::string> split_fused(const std::string& name) {
  std::vector<std::string> parts;
  size_t pos = 0;
  for (;;) {
    const size_t end = name.find(" + ", pos);
    parts.push_back(name.substr(pos, end == std::string::npos ? std::string::npos : end - pos));
    if (end == std::string::npos) return parts;
    pos = end + 3;
  }
}

uint64_t value_bytes(const ir::Value* v) {
  if (!v || !v->type().is_tensor() || !v->type().shape.is_static() || v->type().dtype == DataType::String) return 0;
  return static_cast<uint64_t>(shape_numel(v->type().shape.to_static())) * dtype_size(v->type().dtype);
}

std::string value_list(const std::vector<ir::Value*>& values, bool constants) {
  std::string s;
  for (const ir::Value* v : values) {
    if (!v || v->is_constant() != constants) continue;
    s += (s.empty() ? "" : ", ") + v->type().to_string();
  }
  return s.empty() ? "-" : s;
}

std::string attributes_of(const ir::Node& n) {
  std::string s;
  for (const auto& [name, a] : n.attrs().items()) {
    if (a.type == ir::AttrType::Graph || a.type == ir::AttrType::Graphs) continue;
    s += (s.empty() ? "" : ", ") + name + "=" + a.to_string();
  }
  return s;
}

int inspect_verb(const InspectOptions& opt) {
  EngineSource source;
  auto engine = open_engine(opt.engine, opt.build, /*progress=*/true, &source);
  if (!engine.is_ok()) return fail(engine.status().to_string());
  const engine::Plan& p = (*engine)->plan();
  const ir::Graph& g = *p.graph;

  if (opt.json) {
    nlohmann::json j;
    j["hone_version"] = p.hone_version;
    j[source.built ? "build_ms" : "load_ms"] = source.ms;
    j["device"] = p.device;
    j["device_name"] = p.device_name;
    j["required_isa"] = p.required_isa;
    j["threads"] = p.threads;
    for (const auto& [k, v] : p.build_options) j["build_options"][k] = v;
    for (const TensorDesc& d : (*engine)->inputs()) j["inputs"].push_back({{"name", d.name}, {"dtype", dtype_name(d.dtype)}, {"shape", d.shape}});
    for (const TensorDesc& d : (*engine)->outputs()) j["outputs"].push_back({{"name", d.name}, {"dtype", dtype_name(d.dtype)}, {"shape", d.shape}});
    for (const engine::InputProfile& pr : p.profiles) {
      j["profiles"].push_back({{"input", pr.name}, {"min", pr.min}, {"opt", pr.opt}, {"max", pr.max}});
    }
    j["layers"] = nlohmann::json::array();
    for (size_t i = 0; i < g.nodes().size(); ++i) {
      const ir::Node& n = *g.nodes()[i];
      const engine::Layer& l = p.layers[i];
      nlohmann::json layer = {{"index", i}, {"name", n.name()}, {"fused", split_fused(n.name())},
                              {"op", n.op_type()}, {"domain", n.domain()}, {"tactic", l.tactic},
                              {"precision", dtype_name(l.precision)}, {"attributes", attributes_of(n)}};
      for (const ir::Value* v : n.inputs()) {
        if (v && !v->is_constant()) layer["inputs"].push_back(v->type().to_string());
      }
      uint64_t weights = 0, out_bytes = 0;
      for (const ir::Value* v : n.inputs()) weights += v && v->is_constant() ? v->constant().nbytes() : 0;
      for (const Tensor& t : l.packed) weights += t.nbytes();
      for (const ir::Value* v : n.outputs()) {
        if (v) layer["outputs"].push_back(v->type().to_string());
        out_bytes += value_bytes(v);
      }
      layer["weight_bytes"] = weights;
      layer["output_bytes"] = out_bytes;
      layer["workspace_bytes"] = l.workspace_bytes;
      for (const engine::TacticTiming& t : l.timings) layer["timings"].push_back({{"tactic", t.tactic}, {"ms", t.ms}});
      j["layers"].push_back(layer);
    }
    j["memory"] = {{"arena_bytes", p.memory.arena_bytes},
                   {"activation_bytes", p.memory.activation_bytes},
                   {"weight_bytes", p.memory.weight_bytes},
                   {"workspace_bytes", p.memory.workspace_bytes}};
    std::printf("%s\n", j.dump(2).c_str());
    return 0;
  }

  std::printf("engine: %s (built by Hone %s; %s in %.1f ms)\n", opt.engine.c_str(), p.hone_version.c_str(),
              source.built ? "built" : "loaded", source.ms);
  std::string isa;
  for (const std::string& f : p.required_isa) isa += (isa.empty() ? "" : ", ") + f;
  std::printf("device: %s (tuned on %s); CPU features required: %s; threads: %d\n", p.device.c_str(),
              p.device_name.c_str(), isa.empty() ? "none" : isa.c_str(), p.threads);
  for (const TensorDesc& d : (*engine)->inputs()) std::printf("input  %s\n", describe(d).c_str());
  for (const engine::InputProfile& pr : p.profiles) {
    std::printf("profile %s: min %s, opt %s, max %s\n", pr.name.c_str(), shape_to_string(pr.min).c_str(),
                shape_to_string(pr.opt).c_str(), shape_to_string(pr.max).c_str());
  }
  for (const TensorDesc& d : (*engine)->outputs()) std::printf("output %s\n", describe(d).c_str());
  for (const auto& [k, v] : p.build_options) std::printf("build option %s: %s\n", k.c_str(), v.c_str());
  std::printf("\n%zu layers:\n", g.nodes().size());
  for (size_t i = 0; i < g.nodes().size(); ++i) {
    const ir::Node& n = *g.nodes()[i];
    const engine::Layer& l = p.layers[i];
    uint64_t weights = 0, out_bytes = 0;
    for (const ir::Value* v : n.inputs()) weights += v && v->is_constant() ? v->constant().nbytes() : 0;
    for (const Tensor& t : l.packed) weights += t.nbytes();
    for (const ir::Value* v : n.outputs()) out_bytes += value_bytes(v);
    std::printf("[%zu] %s\n", i, n.name().c_str());
    const std::string attrs = attributes_of(n);
    std::printf("     op %s%s%s%s  tactic %s  precision %s\n", n.op_type().c_str(), attrs.empty() ? "" : " {",
                attrs.c_str(), attrs.empty() ? "" : "}", l.tactic.c_str(), std::string(dtype_name(l.precision)).c_str());
    std::printf("     in %s -> out %s  (output %s, weights %s)\n", value_list(n.inputs(), false).c_str(),
                value_list(n.outputs(), false).c_str(), format_bytes(out_bytes).c_str(), format_bytes(weights).c_str());
    if (!l.timings.empty()) {
      std::string t;
      for (size_t k = 0; k < l.timings.size() && k < 3; ++k) {
        char buf[96];
        std::snprintf(buf, sizeof buf, "%s%s %.3f ms", k ? ", " : "", l.timings[k].tactic.c_str(), l.timings[k].ms);
        t += buf;
      }
      std::printf("     timings: %s\n", t.c_str());
    }
  }
  const double ratio = p.memory.activation_bytes ? 100.0 * static_cast<double>(p.memory.arena_bytes) /
                                                       static_cast<double>(p.memory.activation_bytes)
                                                 : 0.0;
  std::printf("\nmemory: activation arena %s (%.1f%% of the %s all activations would take without reuse), "
              "weights %s, largest workspace %s\n",
              format_bytes(p.memory.arena_bytes).c_str(), ratio, format_bytes(p.memory.activation_bytes).c_str(),
              format_bytes(p.memory.weight_bytes).c_str(), format_bytes(p.memory.workspace_bytes).c_str());
  return 0;
}

}  // namespace

void register_inspect(CLI::App& app, Actions& actions) {
  auto opt = std::make_shared<InspectOptions>();
  CLI::App* sub = app.add_subcommand("inspect", "Show an engine's layers, fusions, tactics, precisions and memory");
  sub->add_option("engine", opt->engine, "Engine file (or a model, built first with the build flags)")->required();
  sub->add_flag("--json", opt->json, "Print the description as JSON");
  opt->build.add_to(sub);
  sub->callback([opt, &actions] { actions.push_back([opt] { return inspect_verb(*opt); }); });
}

}  // namespace hone::cli
