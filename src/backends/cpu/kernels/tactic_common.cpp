// Shared pieces of the CPU tactics (tactic_common.hpp).
#include "backends/cpu/kernels/tactic_common.hpp"

namespace hone::cpu {

std::string tactic_id(std::string_view name, CpuIsa level, bool portable) {
  std::string id = "cpu.f32_" + std::string(name);
  if (!portable) id += "_" + std::string(isa_name(level));
  return id;
}

std::vector<const Tactic*> pointers(const std::vector<std::unique_ptr<Tactic>>& tactics) {
  std::vector<const Tactic*> out;
  for (const auto& t : tactics) out.push_back(t.get());
  return out;
}

bool is_f32(const ir::Type& t) { return t.is_tensor() && t.dtype == DataType::Float && t.shape.has_rank; }

bool is_static_f32(const ir::Type& t) { return is_f32(t) && t.shape.is_static(); }

bool all_f32(const LayerDesc& layer, bool require_static) {
  auto ok = [&](const ir::Type& t) { return require_static ? is_static_f32(t) : is_f32(t); };
  for (size_t i = 0; i < layer.input_types.size(); ++i) {
    if (layer.node->input(i) && !ok(layer.input_types[i])) return false;
  }
  for (size_t i = 0; i < layer.output_types.size(); ++i) {
    if (layer.node->output(i) && !ok(layer.output_types[i])) return false;
  }
  return true;
}

const Tensor* constant_input(const LayerDesc& layer, size_t i) {
  const ir::Value* v = layer.node->input(i);
  return v && v->is_constant() ? &v->constant() : nullptr;
}

ops::AttrReader attrs_of(const ir::Node& node) { return ops::AttrReader(node, ops::op_def(node.kind())); }

Result<Tensor*> f32_output(ops::KernelContext& ctx, size_t i, const Shape& shape) {
  Tensor& t = ctx.output(i);
  if (t.defined() && t.dtype() == DataType::Float && t.shape() == shape) return &t;
  return ctx.allocate_output(i, DataType::Float, shape);
}

Status run_reference(const LayerRun& run) { return ops::op_def(run.kernel.node().kind()).run(run.kernel); }

}  // namespace hone::cpu
