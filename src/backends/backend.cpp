// Backend helpers shared by every device (backend.hpp).
#include "backends/backend.hpp"

namespace hone {

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
