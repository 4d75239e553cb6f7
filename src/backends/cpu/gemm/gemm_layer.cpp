// Helpers shared by the GEMM-based tactics (gemm_layer.hpp).
#include "backends/cpu/gemm/gemm_layer.hpp"

namespace hone::cpu {

std::string gemm_tactic_id(const char* algorithm, CpuIsa isa) {
  return std::string("cpu.") + algorithm + "_" + isa_name(isa);
}

bool is_float32_layer(const LayerDesc& layer) {
  if (layer.precision != DataType::Float || layer.node == nullptr) return false;
  auto float_tensor = [](const ir::Type& t) {
    return t.is_tensor() && t.dtype == DataType::Float && t.shape.has_rank;
  };
  for (size_t i = 0; i < layer.input_types.size(); ++i) {
    if (layer.node->input(i) != nullptr && !float_tensor(layer.input_types[i])) return false;
  }
  if (layer.output_types.empty()) return false;
  for (const ir::Type& t : layer.output_types) {
    if (!float_tensor(t)) return false;
  }
  return true;
}

namespace {
bool is_fused(ir::OpKind kind) {
  return kind == ir::OpKind::FusedConv || kind == ir::OpKind::FusedGemm || kind == ir::OpKind::FusedMatMul;
}
}  // namespace

bool has_valid_epilogue(const ir::Node& node) {
  if (!is_fused(node.kind())) return true;
  return ops::read_epilogue(attr_reader(node)).is_ok();
}

Result<ops::Epilogue> epilogue_of(const ops::AttrReader& node) {
  if (!is_fused(node.node().kind())) return ops::Epilogue{};
  return ops::read_epilogue(node);
}

Status check_packed(std::span<const Tensor> packed, const std::vector<size_t>& floats, std::string_view tactic) {
  auto mismatch = [&] {
    return invalid_argument(std::string(tactic) + ": the packed weights do not match this layer (rebuild the engine)");
  };
  if (packed.size() != floats.size()) return mismatch();
  for (size_t i = 0; i < floats.size(); ++i) {
    if (packed[i].dtype() != DataType::Float || static_cast<size_t>(packed[i].numel()) != floats[i]) return mismatch();
  }
  return Status::ok();
}

}  // namespace hone::cpu
