// Helpers shared by the layer fusions (batchnorm_folding, matmul_add_fusion, activation_fusion,
// residual_add_fusion): which layers carry an epilogue (Conv, Gemm, MatMul and their fused
// forms, ops/epilogue.hpp) and the rewrite that turns a layer plus the node reading its output
// into the layer's fused form.
#pragma once

#include <optional>

#include "hone/status.hpp"
#include "ir/graph.hpp"
#include "ops/epilogue.hpp"
#include "passes/pattern_match.hpp"

namespace hone::passes {

/// Opset of the nodes the fusions create in Hone's domain (FusedConv, FusedGemm, FusedMatMul).
inline constexpr int kHoneOpset = 1;

/// Whether two dims are certainly equal: both known and equal, or the same named symbol.
bool same_dim(const ir::Dim& a, const ir::Dim& b);
/// Whether two shapes are certainly equal (same rank, every dim same_dim).
bool same_shape(const ir::TensorShape& a, const ir::TensorShape& b);

/// The fused form of a layer that takes an epilogue: Conv and FusedConv -> FusedConv, Gemm
/// and FusedGemm -> FusedGemm, MatMul and FusedMatMul -> FusedMatMul; nullopt for other ops.
std::optional<ir::OpKind> fused_layer_kind(ir::OpKind kind);

/// What a layer already applies after its product.
struct LayerEpilogue {
  ops::Epilogue epilogue;
  ir::Value* z = nullptr;  // the residual input (input 3), nullptr when absent
};
/// The epilogue of a layer (fused_layer_kind has a value): empty for Conv/Gemm/MatMul, read
/// from the attributes of a fused layer. nullopt for other ops and for attributes that do not
/// parse (the node is then left alone; running it reports the error).
std::optional<LayerEpilogue> layer_epilogue(const ir::Node& layer);

/// Replaces `layer` and `absorbed` (the node that reads the layer's single-use output 0) by
/// the layer's fused form (fused_layer_kind) with the layer's inputs and attributes, epilogue
/// `e` and residual `z` (nullptr: none) as input 3. The fused node produces `absorbed`'s
/// output 0 (a graph output keeps its name), is named "layer + absorbed" and sits at
/// `absorbed`'s position. Its output types are re-inferred.
Result<ir::Node*> fuse_into_layer(ir::Graph& g, ir::Node* layer, ir::Node* absorbed, const ops::Epilogue& e,
                                  ir::Value* z);

}  // namespace hone::passes
