// Backend helpers shared by every device (backend.hpp).
#include "backends/backend.hpp"

namespace hone {

LayerDesc LayerDesc::of(const ir::Node& node, const std::unordered_map<const ir::Value*, ir::Type>& types,
                        DataType precision) {
  LayerDesc d;
  d.node = &node;
  d.precision = precision;
  auto type_of = [&](const ir::Value* v) {
    if (!v) return ir::Type();
    auto it = types.find(v);
    return it != types.end() ? it->second : v->type();
  };
  for (const ir::Value* v : node.inputs()) d.input_types.push_back(type_of(v));
  for (const ir::Value* v : node.outputs()) d.output_types.push_back(type_of(v));
  return d;
}

const Tactic* Backend::find_tactic(std::string_view id) const {
  for (const Tactic* t : tactics()) {
    if (t->id() == id) return t;
  }
  return nullptr;
}

std::vector<const Tactic*> Backend::candidates(const LayerDesc& layer, const CpuFeatures& cpu) const {
  std::vector<const Tactic*> out;
  for (const Tactic* t : tactics()) {
    if (t->supports(layer, cpu)) out.push_back(t);
  }
  return out;
}

Result<const Backend*> find_backend(std::string_view device) {
  if (device == "cpu") return &cpu_backend();
  return not_found("device '" + std::string(device) + "' is not available (available: cpu)");
}

}  // namespace hone
