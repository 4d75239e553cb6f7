// Engine: an immutable plan with its tactics resolved and its program compiled
// (hone/engine.hpp, runtime/program.hpp).
#include <algorithm>

#include "backends/backend.hpp"
#include "hone/engine.hpp"
#include "ops/shape_inference.hpp"
#include "runtime/program.hpp"

namespace hone {
TensorDesc describe_value(const ir::Value& v) {
  TensorDesc d;
  d.name = v.name();
  d.is_tensor = v.type().is_tensor();
  d.dtype = v.type().dtype;
  d.has_shape = v.type().shape.has_rank;
  for (const ir::Dim& dim : v.type().shape.dims) d.shape.push_back(dim.is_known() ? dim.value : -1);
  return d;
}

Result<std::unique_ptr<Engine::Program>> Engine::Program::compile(const engine::Plan& plan, const Backend& backend,
                                                                  std::vector<const Tactic*> tactics) {
  const ir::Graph& g = *plan.graph;
  auto p = std::make_unique<Program>();
  p->backend = &backend;
  auto slot = [&](const ir::Value* v) -> int32_t {
    if (!v) return -1;
    auto [it, inserted] = p->slot_of.try_emplace(v, static_cast<int32_t>(p->slot_values.size()));
    if (inserted) {
      p->slot_values.push_back(v);
      if (v->is_constant()) p->constants.emplace_back(it->second, Datum::of(v->constant()));
    }
    return it->second;
  };
  for (const ir::Value* v : g.runtime_inputs()) p->input_slots.push_back(slot(v));
  const size_t n = g.nodes().size();
  std::vector<std::vector<const ir::Value*>> reads(n);
  for (size_t i = 0; i < n; ++i) {
    const ir::Node& node = *g.nodes()[i];
    Step st;
    st.node = &node;
    st.tactic = tactics[i];
    st.layer = &plan.layers[i];
    for (const ir::Value* v : node.inputs()) st.inputs.push_back(slot(v));
    for (const ir::Value* v : node.outputs()) st.outputs.push_back(slot(v));
    reads[i].assign(node.inputs().begin(), node.inputs().end());
    for (const ir::Graph* sub : node.subgraphs()) {
      st.has_subgraphs = true;
      // Values the body reads from this graph become slots too (the interpreter finds them).
      for (const ir::Value* v : ir::captured_values(*sub, &g)) {
        slot(v);
        reads[i].push_back(v);
      }
    }
    p->steps.push_back(std::move(st));
  }
  for (const ir::Value* v : g.outputs()) p->output_slots.push_back(slot(v));
  // Release each temporary after its last reader; inputs, outputs and constants are kept.
  std::vector<int32_t> last(p->slot_values.size(), -1);
  for (size_t i = 0; i < n; ++i) {
    for (const ir::Value* v : reads[i]) {
      if (v) last[static_cast<size_t>(p->slot_of.at(v))] = static_cast<int32_t>(i);
    }
  }
  std::vector<bool> keep(p->slot_values.size(), false);
  for (int32_t s : p->input_slots) keep[static_cast<size_t>(s)] = true;
  for (int32_t s : p->output_slots) keep[static_cast<size_t>(s)] = true;
  for (const auto& [s, d] : p->constants) keep[static_cast<size_t>(s)] = true;
  for (size_t s = 0; s < last.size(); ++s) {
    if (!keep[s] && last[s] >= 0) p->steps[static_cast<size_t>(last[s])].release.push_back(static_cast<int32_t>(s));
  }
  // An engine whose every input has a fixed shape plans its memory once, for all contexts.
  std::vector<Shape> shapes;
  bool fixed = true;
  for (const ir::Value* v : g.runtime_inputs()) {
    fixed &= v->type().is_tensor() && v->type().shape.is_static();
    if (fixed) shapes.push_back(v->type().shape.to_static());
  }
  if (fixed) {
    HONE_ASSIGN_OR_RETURN(p->static_plan, p->plan_shapes(plan, shapes));
  }
  return p;
}

Result<std::shared_ptr<const ShapePlan>> Engine::Program::plan_shapes(const engine::Plan& plan,
                                                                      const std::vector<Shape>& shapes) const {
  const ir::Graph& g = *plan.graph;
  auto sp = std::make_shared<ShapePlan>();
  sp->input_shapes = shapes;
  sp->types = ops::types_for_input_shapes(g, shapes);
  engine::PlannerOptions popt;
  for (const ir::Value* v : g.outputs()) popt.external.insert(v);
  const auto& types = sp->types;
  auto type_of = [&types](const ir::Value* v) -> const ir::Type* {
    auto it = types.find(v);
    return it == types.end() ? nullptr : &it->second;
  };
  HONE_ASSIGN_OR_RETURN(sp->memory, engine::plan_memory(g, type_of, popt));
  sp->slot_offset.assign(slot_values.size(), -1);
  sp->slot_type.assign(slot_values.size(), ir::Type());
  for (size_t s = 0; s < slot_values.size(); ++s) {
    const ir::Value* v = slot_values[s];
    auto t = types.find(v);
    if (t != types.end() && t->second.is_tensor() && t->second.shape.is_static() &&
        t->second.dtype != DataType::Undefined) {
      sp->slot_type[s] = t->second;
    }
    auto off = sp->memory.offsets.find(v);
    if (off != sp->memory.offsets.end()) sp->slot_offset[s] = static_cast<int64_t>(off->second);
  }
  sp->elided = sp->memory.elided;
  for (const Step& st : steps) {
    const LayerDesc desc = LayerDesc::of(*st.node, types, st.layer->precision);
    sp->workspace_bytes = std::max<uint64_t>(sp->workspace_bytes, st.tactic->workspace_bytes(desc));
  }
  return std::shared_ptr<const ShapePlan>(std::move(sp));
}

Status Engine::Program::upload_to_device(const engine::Plan& plan) {
  const Backend& b = *backend;
  HONE_ASSIGN_OR_RETURN(std::shared_ptr<Stream> stream, b.create_stream());
  // A device tensor of t's type and shape holding t's bytes; the allocation lives as long as
  // any copy of the returned tensor.
  auto upload = [&](const Tensor& t, const std::string& what) -> Result<Tensor> {
    if (t.dtype() == DataType::String) return unsupported(what + " is a string tensor, which a device cannot hold");
    HONE_ASSIGN_OR_RETURN(Tensor bytes, b.allocate(t.nbytes(), nullptr));
    HONE_RETURN_IF_ERROR(b.copy(bytes.raw(), t.raw(), t.nbytes(), *stream));
    auto owner = std::make_shared<Tensor>(bytes);
    return Tensor::wrap_device(t.dtype(), t.shape(), bytes.raw(), owner);
  };
  device_constants.clear();
  for (const auto& [slot, value] : constants) {
    const std::string what = "constant '" + slot_values[static_cast<size_t>(slot)]->name() + "'";
    if (!value.is_tensor()) return unsupported(what + " is not a tensor, which a device cannot hold");
    HONE_ASSIGN_OR_RETURN(Tensor t, upload(value.tensor, what));
    device_constants.push_back(Datum::of(std::move(t)));
  }
  device_packed.assign(steps.size(), {});
  for (size_t i = 0; i < steps.size(); ++i) {
    for (const Tensor& t : plan.layers[i].packed) {
      HONE_ASSIGN_OR_RETURN(Tensor d, upload(t, "a packed tensor of layer '" + steps[i].node->name() + "'"));
      device_packed[i].push_back(std::move(d));
    }
  }
  // The copies read host memory the plan owns: done before anything else runs.
  return stream->synchronize();
}

Engine::Engine() = default;
Engine::~Engine() = default;

Result<std::shared_ptr<const Engine>> Engine::from_plan(engine::Plan plan) {
  if (!plan.graph) return invalid_argument("the plan has no graph");
  if (plan.layers.size() != plan.graph->nodes().size()) {
    return invalid_argument("the plan has " + std::to_string(plan.layers.size()) + " layer descriptions for " +
                            std::to_string(plan.graph->nodes().size()) + " layers");
  }
  HONE_ASSIGN_OR_RETURN(const Backend* backend, find_backend(plan.device));
  HONE_RETURN_IF_ERROR(backend->check_available());
  std::vector<const Tactic*> tactics;
  std::string missing;
  for (size_t i = 0; i < plan.layers.size(); ++i) {
    const Tactic* t = backend->find_tactic(plan.layers[i].tactic);
    if (!t) {
      missing += (missing.empty() ? "" : ", ") + std::string("layer '") + plan.graph->nodes()[i]->name() + "' (" +
                 plan.layers[i].tactic + ")";
    }
    tactics.push_back(t);
  }
  if (!missing.empty()) {
    return not_found("this Hone has no tactic for " + missing + "; rebuild the engine with this version");
  }
  std::shared_ptr<Engine> e(new Engine());
  e->plan_ = std::move(plan);
  for (const ir::Value* v : e->plan_.graph->runtime_inputs()) e->inputs_.push_back(describe_value(*v));
  for (const ir::Value* v : e->plan_.graph->outputs()) e->outputs_.push_back(describe_value(*v));
  HONE_ASSIGN_OR_RETURN(e->program_, Program::compile(e->plan_, *backend, std::move(tactics)));
  if (e->program_->on_device()) HONE_RETURN_IF_ERROR(e->program_->upload_to_device(e->plan_));
  return std::shared_ptr<const Engine>(std::move(e));
}

Result<std::shared_ptr<const Engine>> Engine::load(const std::string& path, const engine::LoadOptions& options) {
  HONE_ASSIGN_OR_RETURN(engine::Plan plan, engine::load_plan(path, options));
  return from_plan(std::move(plan));
}

Result<std::shared_ptr<const Engine>> Engine::load_from_memory(std::shared_ptr<const std::vector<uint8_t>> bytes,
                                                               const engine::LoadOptions& options) {
  HONE_ASSIGN_OR_RETURN(engine::Plan plan, engine::load_plan_from_memory(std::move(bytes), options));
  return from_plan(std::move(plan));
}

Status Engine::save(const std::string& path) const { return engine::save_plan(plan_, path); }

Result<std::vector<uint8_t>> Engine::serialize() const { return engine::serialize_plan(plan_); }

std::unique_ptr<ExecutionContext> Engine::create_context() const {
  return std::unique_ptr<ExecutionContext>(new ExecutionContext(shared_from_this()));
}

}  // namespace hone
