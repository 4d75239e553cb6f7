// The builder (hone/builder.hpp): input shapes -> type inference -> passes -> one tactic per
// layer -> packed weights -> memory plan at the opt shapes -> Plan.
#include "hone/builder.hpp"

#include <algorithm>
#include <charconv>
#include <set>
#include <thread>
#include <unordered_set>

#include "backends/backend.hpp"
#include "core/cpu_features.hpp"
#include "engine/memory_planner.hpp"
#include "ops/op_def.hpp"
#include "ops/shape_inference.hpp"
#include "passes/passes.hpp"
#include "tune/tuner.hpp"

namespace hone {
namespace {

Result<Shape> parse_dims(std::string_view text, std::string_view spec) {
  Shape shape;
  size_t pos = 0;
  while (pos <= text.size()) {
    size_t end = text.find('x', pos);
    if (end == std::string_view::npos) end = text.size();
    const std::string_view d = text.substr(pos, end - pos);
    int64_t v = -1;
    auto [ptr, ec] = std::from_chars(d.data(), d.data() + d.size(), v);
    if (d.empty() || ec != std::errc() || ptr != d.data() + d.size() || v < 0) {
      return invalid_argument("--shapes: '" + std::string(d) + "' in '" + std::string(spec) + "' is not a dimension");
    }
    shape.push_back(v);
    pos = end + 1;
  }
  return shape;
}

// Applies the configured shapes to the graph's runtime inputs; collects the profiles.
Status apply_input_shapes(ir::Graph& g, const BuildConfig& config, std::vector<engine::InputProfile>* profiles) {
  const auto inputs = g.runtime_inputs();
  std::string unknown;
  for (const auto& [name, range] : config.input_shapes) {
    if (std::none_of(inputs.begin(), inputs.end(), [&](const ir::Value* v) { return v->name() == name; })) {
      unknown += (unknown.empty() ? "'" : ", '") + name + "'";
    }
  }
  if (!unknown.empty()) {
    std::string names;
    for (const ir::Value* v : inputs) names += (names.empty() ? "'" : ", '") + v->name() + "'";
    return invalid_argument("shapes given for " + unknown + ", which the model does not have as input (inputs: " +
                            names + ")");
  }
  for (ir::Value* v : inputs) {
    auto it = config.input_shapes.find(v->name());
    if (it == config.input_shapes.end()) continue;
    const ShapeRange& r = it->second;
    const std::string where = "input '" + v->name() + "'";
    if (!v->type().is_tensor()) return invalid_argument(where + " is not a tensor; its shape cannot be set");
    const size_t rank = r.opt.size();
    if (r.min.size() != rank || r.max.size() != rank) {
      return invalid_argument(where + ": min, opt and max shapes must have the same rank");
    }
    const ir::TensorShape& declared = v->type().shape;
    if (declared.has_rank && declared.rank() != rank) {
      return invalid_argument(where + " has rank " + std::to_string(declared.rank()) + " (" + declared.to_string() +
                              "), the shape given has rank " + std::to_string(rank));
    }
    ir::TensorShape shape = ir::TensorShape::of_rank(rank);
    bool dynamic = false;
    for (size_t d = 0; d < rank; ++d) {
      if (!(r.min[d] <= r.opt[d] && r.opt[d] <= r.max[d]) || r.min[d] < 0) {
        return invalid_argument(where + ": dimension " + std::to_string(d) + " needs 0 <= min <= opt <= max");
      }
      if (declared.has_rank && declared.dims[d].is_known() &&
          (r.min[d] != declared.dims[d].value || r.max[d] != declared.dims[d].value)) {
        return invalid_argument(where + " has shape " + declared.to_string() + "; dimension " + std::to_string(d) +
                                " is fixed to " + std::to_string(declared.dims[d].value) + " by the model");
      }
      if (r.min[d] == r.max[d]) {
        shape.dims[d] = ir::Dim(r.min[d]);
      } else {
        dynamic = true;
        std::string symbol = declared.has_rank ? declared.dims[d].symbol : std::string();
        if (symbol.empty()) symbol = v->name() + "_dim" + std::to_string(d);
        shape.dims[d] = ir::Dim::named(symbol);
      }
    }
    if (dynamic) profiles->push_back({v->name(), r.min, r.opt, r.max});
    v->set_type(ir::Type::tensor(v->type().dtype, shape));
  }
  return Status::ok();
}

uint64_t tensor_bytes(const Tensor& t) {
  if (t.dtype() != DataType::String) return t.nbytes();
  uint64_t n = 0;
  for (int64_t i = 0; i < t.numel(); ++i) n += t.strings()[i].size();
  return n;
}

}  // namespace

Result<std::map<std::string, ShapeRange>> parse_shape_spec(std::string_view spec) {
  std::map<std::string, ShapeRange> out;
  size_t pos = 0;
  while (pos < spec.size()) {
    size_t end = spec.find(',', pos);
    if (end == std::string_view::npos) end = spec.size();
    const std::string_view item = spec.substr(pos, end - pos);
    pos = end + 1;
    const size_t colon = item.rfind(':');
    if (colon == std::string_view::npos || colon == 0 || colon + 1 >= item.size()) {
      return invalid_argument("--shapes expects name:1x3x224x224 (or name:MINx..-MAXx..), got '" + std::string(item) + "'");
    }
    const std::string_view dims = item.substr(colon + 1);
    const size_t dash = dims.find('-');
    ShapeRange r;
    HONE_ASSIGN_OR_RETURN(r.min, parse_dims(dims.substr(0, dash), item));
    if (dash == std::string_view::npos) {
      r.opt = r.max = r.min;
    } else {
      HONE_ASSIGN_OR_RETURN(r.max, parse_dims(dims.substr(dash + 1), item));
      r.opt = r.max;
      if (r.min.size() != r.max.size()) return invalid_argument("--shapes: '" + std::string(item) + "': min and max ranks differ");
    }
    out[std::string(item.substr(0, colon))] = r;
  }
  return out;
}

Result<engine::Plan> build_plan(std::unique_ptr<ir::Graph> network, const BuildConfig& config, BuildReport* report) {
  if (!network) return invalid_argument("no network given");
  auto progress = [&](std::string_view stage, double f) {
    if (config.progress) config.progress(stage, f);
  };
  HONE_ASSIGN_OR_RETURN(const Backend* backend, find_backend(config.device));
  // A device backend times its tactics on the device: it must be there now.
  HONE_RETURN_IF_ERROR(backend->check_available());
  const bool on_device = backend->memory_space() == MemorySpace::Device;
  for (DataType p : config.precisions) {
    if (p != DataType::Float) {
      return unsupported("precision " + std::string(dtype_name(p)) + " is not available yet (only float32 layers)");
    }
  }
  engine::Plan plan;
  plan.device = std::string(backend->device());
  // Host threads per context; a device engine's layers run on its stream, one host thread.
  plan.threads = on_device ? 1 : (config.threads > 0 ? config.threads : physical_core_count());
  ir::Graph& g = *network;
  BuildReport local_report;
  BuildReport& rep = report ? *report : local_report;
  rep.nodes_before = g.nodes().size();

  const CpuFeatures& cpu = config.cpu ? *config.cpu : CpuFeatures::host();
  // Candidates are timed on this machine, so the target may only lack features, not add them.
  if (const std::vector<std::string> extra = CpuFeatures::host().missing(cpu.names()); !extra.empty()) {
    std::string list;
    for (const std::string& f : extra) list += (list.empty() ? "" : ", ") + f;
    return invalid_argument("cannot build for CPU features this machine lacks (" + list + "): tactics are timed here");
  }
  progress("shapes", 0.0);
  HONE_RETURN_IF_ERROR(apply_input_shapes(g, config, &plan.profiles));
  HONE_RETURN_IF_ERROR(ops::infer_graph_types(g));
  if (config.optimize) {
    progress("optimize", 0.1);
    HONE_ASSIGN_OR_RETURN(rep.passes, passes::optimize(g, config.passes));
  }
  // Layout planning: the backend's blocked channel layout between the layers that take it
  // (a CPU layout: device backends keep every tensor plain, whatever channel_block says).
  const int64_t block =
      on_device ? 0 : (config.channel_block >= 0 ? config.channel_block : backend->blocked_channels(cpu));
  auto disabled = [&](std::string_view pass) {
    return std::find(config.passes.disabled.begin(), config.passes.disabled.end(), pass) != config.passes.disabled.end();
  };
  if (config.optimize && block >= 2 && !disabled("layout_planning")) {
    progress("layout", 0.25);
    HONE_ASSIGN_OR_RETURN(int rewrites, passes::make_layout_planning(block)->run(g));
    rep.passes.push_back({"layout_planning", rewrites});
    if (rewrites > 0) plan.build_options.emplace_back("channel block", std::to_string(block));
    if (rewrites > 0 && !disabled("input_affine_fusion")) {
      HONE_ASSIGN_OR_RETURN(int fused, passes::make_input_affine_fusion()->run(g));
      rep.passes.push_back({"input_affine_fusion", fused});
    }
  }
  HONE_RETURN_IF_ERROR(g.topological_sort());
  HONE_RETURN_IF_ERROR(ir::verify_graph(g));

  // The static types every value takes at the opt shapes (when every input's shape is fixed
  // or profiled): what tactics are chosen for and the memory report describes.
  std::vector<Shape> opt_shapes;
  bool all_known = true;
  for (const ir::Value* v : g.runtime_inputs()) {
    const auto profile = std::find_if(plan.profiles.begin(), plan.profiles.end(),
                                      [&](const engine::InputProfile& p) { return p.name == v->name(); });
    if (profile != plan.profiles.end()) {
      opt_shapes.push_back(profile->opt);
    } else if (v->type().is_tensor() && v->type().shape.is_static()) {
      opt_shapes.push_back(v->type().shape.to_static());
    } else {
      all_known = false;
    }
  }
  std::unordered_map<const ir::Value*, ir::Type> opt_types;
  if (all_known) opt_types = ops::types_for_input_shapes(g, opt_shapes);

  // One tactic per layer, chosen by the tuner (timing cache read first, written after).
  plan.device_name = backend->device_name();
  plan.device_arch = backend->device_arch();
  tune::TimingCache cache(plan.device_name);
  if (!config.timing_cache_path.empty()) {
    HONE_ASSIGN_OR_RETURN(cache, tune::TimingCache::load(config.timing_cache_path, plan.device_name));
  }
  tune::TuneOptions topt;
  topt.workspace_limit = config.workspace_limit;
  topt.allowed_tactics = config.tactics;
  topt.iterations = config.tuning_iterations;
  ThreadPool pool(plan.threads);  // candidates are timed on the threads the engine will run on
  topt.pool = &pool;
  std::set<std::string> isa;
  std::string unsupported_layers;
  int unsupported_count = 0;
  const size_t n = g.nodes().size();
  plan.layers.resize(n);
  for (size_t i = 0; i < n; ++i) {
    const ir::Node& node = *g.nodes()[i];
    const DataType precision = node.num_outputs() > 0 && node.output(0) && node.output(0)->type().is_tensor()
                                   ? node.output(0)->type().dtype
                                   : DataType::Undefined;
    const LayerDesc desc = LayerDesc::of(node, opt_types, precision);
    auto choice = tune::choose_tactic(*backend, desc, cpu, topt, config.timing_cache_path.empty() ? nullptr : &cache);
    if (!choice.is_ok()) {
      ++unsupported_count;
      if (unsupported_count <= 16) {
        unsupported_layers += (unsupported_layers.empty() ? "" : ", ") + std::string("'") + node.name() + "' (" +
                              node.op_type() + ": " + choice.status().message() + ")";
      }
      continue;
    }
    const Tactic* chosen = choice->tactic;
    engine::Layer& layer = plan.layers[i];
    layer.tactic = std::string(chosen->id());
    layer.precision = precision;
    layer.workspace_bytes = chosen->workspace_bytes(desc);
    layer.timings = std::move(choice->timings);
    if (!layer.timings.empty()) {
      ++rep.layers_timed;
      if (choice->from_cache) ++rep.layers_cached;
    }
    auto packed = chosen->prepare(desc);
    if (!packed.is_ok()) return Status(packed.status()).with_node(node.name(), node.op_type());
    layer.packed = std::move(packed).value();
    for (const std::string& f : chosen->required_isa()) isa.insert(f);
    if (i % 8 == 0) progress("tactics", 0.3 + 0.6 * static_cast<double>(i) / static_cast<double>(n));
  }
  if (unsupported_count > 0) {
    return unsupported(std::to_string(unsupported_count) + " layer(s) have no tactic on device '" + plan.device +
                       "': " + unsupported_layers + (unsupported_count > 16 ? ", ..." : ""));
  }
  plan.required_isa.assign(isa.begin(), isa.end());
  if (!config.timing_cache_path.empty()) HONE_RETURN_IF_ERROR(cache.save(config.timing_cache_path));

  // Memory report at the opt shapes (values whose shape is not static there are not counted).
  progress("memory", 0.95);
  engine::PlannerOptions popt;
  for (const ir::Value* v : g.outputs()) popt.external.insert(v);
  auto type_of = [&](const ir::Value* v) -> const ir::Type* {
    auto it = opt_types.find(v);
    const ir::Type* t = it != opt_types.end() ? &it->second : &v->type();
    return t->is_tensor() && t->shape.is_static() ? t : nullptr;
  };
  HONE_ASSIGN_OR_RETURN(engine::MemoryPlan mem, engine::plan_memory(g, type_of, popt));
  plan.memory.arena_bytes = mem.arena_bytes;
  plan.memory.activation_bytes = mem.activation_bytes;
  std::unordered_set<const ir::Value*> counted;
  for (const auto& node : g.nodes()) {
    for (const ir::Value* v : node->inputs()) {
      if (v && v->is_constant() && counted.insert(v).second) plan.memory.weight_bytes += tensor_bytes(v->constant());
    }
  }
  for (const engine::Layer& l : plan.layers) {
    for (const Tensor& t : l.packed) plan.memory.weight_bytes += tensor_bytes(t);
    plan.memory.workspace_bytes = std::max<uint64_t>(plan.memory.workspace_bytes, l.workspace_bytes);
  }

  plan.build_options.emplace_back("device", plan.device);
  plan.build_options.emplace_back("threads", std::to_string(plan.threads));
  plan.build_options.emplace_back("optimize", config.optimize ? "on" : "off");
  for (const auto& [name, r] : config.input_shapes) {
    plan.build_options.emplace_back("shape " + name, r.min == r.max ? shape_to_string(r.opt)
                                                                     : shape_to_string(r.min) + " to " + shape_to_string(r.max));
  }
  if (!config.timing_cache_path.empty()) plan.build_options.emplace_back("timing cache", config.timing_cache_path);
  if (!config.tactics.empty()) {
    std::string list;
    for (const std::string& t : config.tactics) list += (list.empty() ? "" : ",") + t;
    plan.build_options.emplace_back("tactics", list);
  }
  rep.layers_after = n;
  plan.graph = std::shared_ptr<ir::Graph>(network.release());
  progress("done", 1.0);
  return plan;
}

}  // namespace hone
