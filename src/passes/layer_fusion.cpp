// Helpers shared by the layer fusions (layer_fusion.hpp).
#include "passes/layer_fusion.hpp"

#include <limits>

#include "ops/shape_inference.hpp"
#include "passes/rewrite.hpp"

namespace hone::passes {


bool same_dim(const ir::Dim& a, const ir::Dim& b) {
  if (a.is_known() || b.is_known()) return a.value == b.value;
  return !a.symbol.empty() && a.symbol == b.symbol;
}

bool same_shape(const ir::TensorShape& a, const ir::TensorShape& b) {
  if (!a.has_rank || !b.has_rank || a.rank() != b.rank()) return false;
  for (size_t d = 0; d < a.rank(); ++d) {
    if (!same_dim(a.dims[d], b.dims[d])) return false;
  }
  return true;
}

std::optional<ir::OpKind> fused_layer_kind(ir::OpKind kind) {
  switch (kind) {
    case ir::OpKind::Conv:
    case ir::OpKind::FusedConv: return ir::OpKind::FusedConv;
    case ir::OpKind::Gemm:
    case ir::OpKind::FusedGemm: return ir::OpKind::FusedGemm;
    case ir::OpKind::MatMul:
    case ir::OpKind::FusedMatMul: return ir::OpKind::FusedMatMul;
    default: return std::nullopt;
  }
}

std::optional<LayerEpilogue> layer_epilogue(const ir::Node& layer) {
  const std::optional<ir::OpKind> fused = fused_layer_kind(layer.kind());
  if (!fused) return std::nullopt;
  LayerEpilogue le;
  if (layer.kind() != *fused) return le;  // Conv, Gemm, MatMul: nothing after the product
  auto e = ops::read_epilogue(ops::AttrReader(layer, ops::op_def(layer.kind())));
  if (!e.is_ok()) return std::nullopt;
  le.epilogue = *e;
  le.z = layer.input(ops::kEpilogueResidualInput);
  return le;
}

Result<ir::Node*> fuse_into_layer(ir::Graph& g, ir::Node* layer, ir::Node* absorbed, const ops::Epilogue& e,
                                  ir::Value* z) {
  const std::optional<ir::OpKind> kind = fused_layer_kind(layer->kind());
  if (!kind) {
    return internal_error("fuse_into_layer: '" + layer->name() + "' (" + layer->op_type() + ") takes no epilogue");
  }
  Replacement r;
  r.kind = *kind;
  // The fused ops read the layer's inputs unchanged (X, W, B / A, B, C), then Z.
  r.inputs = layer->inputs();
  if (r.inputs.size() > ops::kEpilogueResidualInput) r.inputs.resize(ops::kEpilogueResidualInput);
  if (z) {
    r.inputs.resize(ops::kEpilogueResidualInput, nullptr);
    r.inputs.push_back(z);
  }
  r.outputs = {absorbed->output(0)};
  r.attrs = layer->attrs();
  for (const ops::AttrSpec& spec : ops::epilogue_attrs()) r.attrs.erase(spec.name);
  ops::write_epilogue(e, &r.attrs);
  r.opset = kHoneOpset;
  HONE_ASSIGN_OR_RETURN(ir::Node * fused, replace_nodes(g, {layer, absorbed}, std::move(r)));
  HONE_RETURN_IF_ERROR(ops::infer_node_types(*fused));
  return fused;
}

}  // namespace hone::passes
