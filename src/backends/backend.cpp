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

std::string Backend::device_name() const { return cpu_model_name(); }

namespace {

Status not_a_device(const Backend& b, const char* what) {
  return unsupported("device '" + std::string(b.device()) + "' has no " + what + " (its tensors live in host memory)");
}

}  // namespace

Result<std::shared_ptr<Stream>> Backend::create_stream() const { return not_a_device(*this, "streams"); }

Result<Tensor> Backend::allocate(size_t, const std::shared_ptr<Stream>&) const {
  return not_a_device(*this, "device memory");
}

Result<Tensor> Backend::allocate_host(size_t) const { return not_a_device(*this, "pinned memory"); }

Status Backend::copy(void*, const void*, size_t, Stream&) const { return not_a_device(*this, "copies"); }

Result<std::unique_ptr<StreamTimer>> Backend::create_timer(const std::shared_ptr<Stream>&) const {
  return not_a_device(*this, "stream timers");
}

Status Backend::check_engine_target(const std::string& arch, const std::string&) const {
  if (arch == device_arch()) return Status::ok();
  return unsupported("engine was built for architecture '" + arch + "'; device '" + std::string(device()) +
                     "' is '" + device_arch() + "'");
}

#ifdef HONE_WITH_CUDA
const Backend& cuda_backend();  // backends/cuda/cuda_backend.cpp
#endif

std::vector<std::string> backend_names() {
#ifdef HONE_WITH_CUDA
  return {"cpu", "cuda"};
#else
  return {"cpu"};
#endif
}

Result<const Backend*> find_backend(std::string_view device) {
  if (device == "cpu") return &cpu_backend();
#ifdef HONE_WITH_CUDA
  if (device == "cuda") return &cuda_backend();
#endif
  std::string names;
  for (const std::string& n : backend_names()) names += (names.empty() ? "" : ", ") + n;
  std::string why = "device '" + std::string(device) + "' is not available (available: " + names + ")";
#ifndef HONE_WITH_CUDA
  if (device == "cuda") why += "; this Hone was built without CUDA (HONE_WITH_CUDA=OFF)";
#endif
  return not_found(why);
}

}  // namespace hone
