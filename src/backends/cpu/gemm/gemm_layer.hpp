// Helpers shared by the GEMM-based tactics (gemm_tactic.cpp, conv_gemm.cpp and the conv
// tactics in ../conv/): what every one of them checks of a layer, the epilogue of fused
// layers, and packed-weight bookkeeping.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "backends/backend.hpp"
#include "backends/cpu/dispatch.hpp"
#include "backends/cpu/gemm/gemm.hpp"
#include "ops/epilogue.hpp"

namespace hone::cpu {

/// "cpu.<algorithm>_<isa>", e.g. "cpu.f32_gemm_avx512".
std::string gemm_tactic_id(const char* algorithm, CpuIsa isa);

/// The attribute reader of a node with its operator's defaults.
inline ops::AttrReader attr_reader(const ir::Node& node) { return ops::AttrReader(node, ops::op_def(node.kind())); }

/// Whether the builder asks for float32 and every present input and every output of `layer`
/// is a float32 tensor of known rank.
bool is_float32_layer(const LayerDesc& layer);

/// Whether the node is a fused layer (FusedGemm / FusedMatMul / FusedConv) with an epilogue
/// this backend can read, or a plain layer (no epilogue).
bool has_valid_epilogue(const ir::Node& node);

/// The node's epilogue (activations only; plain layers: none).
Result<ops::Epilogue> epilogue_of(const ops::AttrReader& node);

/// A dimension for workspace sizing: its value, or `bound` when symbolic (the workspace of
/// sgemm is bounded by the cache blocking, so a large bound gives its maximum).
inline size_t dim_or(const ir::Dim& d, size_t bound) { return d.is_known() ? static_cast<size_t>(d.value) : bound; }
inline constexpr size_t kUnknownDimBound = size_t{1} << 24;

/// Checks that `packed` (LayerRun::packed) holds `count` float tensors, tensor i of
/// `floats[i]` elements; InvalidArgument otherwise (an engine file packed for another shape
/// or ISA must fail cleanly, not read past the weights).
Status check_packed(std::span<const Tensor> packed, const std::vector<size_t>& floats, std::string_view tactic);

}  // namespace hone::cpu
