// residual_add_fusion: Add(y, z) (or a two-input Sum) where y is the single-use output of a
// Conv, Gemm or MatMul (or their fused forms) without a residual yet, and z has exactly y's
// shape and element type, becomes that layer with Z = z (ops/epilogue.hpp): ResNet's
// conv + add and YOLOv8's conv + SiLU + shortcut add. activation_fusion then puts a following
// Relu into post_activation on the pipeline's next round (passes.hpp).
#include <optional>

#include "passes/layer_fusion.hpp"
#include "passes/passes.hpp"
#include "passes/rewrite.hpp"

namespace hone::passes {
namespace {

struct Match {
  ir::Node* layer = nullptr;
  ir::Value* z = nullptr;
  ops::Epilogue epilogue;
};

// Operand `i` of `add` as the layer output, the other operand as Z.
std::optional<Match> candidate(const ir::Graph& g, const ir::Node& add, size_t i) {
  ir::Value* y = add.input(i);
  ir::Value* z = add.input(1 - i);
  ir::Node* layer = producer_of(add, i);
  // y read only here means nothing else, z included, depends on it: the fused layer can read z.
  if (!layer || !z || z == y || !has_single_use(g, y)) return std::nullopt;
  const std::optional<LayerEpilogue> e = layer_epilogue(*layer);
  if (!e || e->z || !e->epilogue.post_activation.is_none()) return std::nullopt;
  // Z is added element by element: no broadcasting either way.
  if (!is_float32(y) || !is_float32(z) || !same_shape(y->type().shape, z->type().shape)) return std::nullopt;
  return Match{layer, z, e->epilogue};
}

std::optional<Match> find_match(const ir::Graph& g, const ir::Node& add) {
  const bool binary_add = add.kind() == ir::OpKind::Add || add.kind() == ir::OpKind::Sum;
  if (!binary_add || add.num_inputs() != 2 || !is_float32(add.output(0))) return std::nullopt;
  std::optional<Match> a = candidate(g, add, 0);
  std::optional<Match> b = candidate(g, add, 1);
  // Both operands are layers: fuse into the later one; the earlier one's output is then
  // already computed where the fused layer runs, as the Add's operand was.
  if (a && b) return g.index_of(a->layer) > g.index_of(b->layer) ? a : b;
  return a ? a : b;
}

class ResidualAddFusion final : public NodePass {
 public:
  std::string_view name() const override { return "residual_add_fusion"; }

  bool matches(const ir::Graph& g, const ir::Node& n) const override { return find_match(g, n).has_value(); }

  Status apply(ir::Graph& g, ir::Node& add) override {
    std::optional<Match> m = find_match(g, add);
    if (!m) return internal_error("residual_add_fusion: '" + add.name() + "' no longer matches");
    return fuse_into_layer(g, m->layer, &add, m->epilogue, m->z).status();
  }
};

}  // namespace

std::unique_ptr<Pass> make_residual_add_fusion(const PassOptions&) { return std::make_unique<ResidualAddFusion>(); }

}  // namespace hone::passes
