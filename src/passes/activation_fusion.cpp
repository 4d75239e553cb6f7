// activation_fusion: an activation node (Relu, Clip, Sigmoid, Swish, Gelu, ... see
// activation_of()) reading the single-use output of a Conv, Gemm or MatMul (or their fused
// forms) becomes part of that layer's epilogue: Conv -> FusedConv{activation}, and a layer that
// already adds a residual Z (residual_add_fusion) takes it as post_activation. Runs after
// batchnorm_folding and matmul_add_fusion, before residual_add_fusion (passes.hpp).
#include <optional>

#include "passes/layer_fusion.hpp"
#include "passes/passes.hpp"
#include "passes/rewrite.hpp"

namespace hone::passes {
namespace {

struct Match {
  ir::Node* layer = nullptr;
  LayerEpilogue epilogue;  // the layer's epilogue with the activation added
};

std::optional<Match> find_match(const ir::Graph& g, const ir::Node& n) {
  const std::optional<ops::Activation> act = activation_of(n);
  if (!act || !is_float32(n.input(0)) || !is_float32(n.output(0))) return std::nullopt;
  ir::Node* layer = producer_of(n, 0);
  if (!layer || !has_single_use(g, n.input(0))) return std::nullopt;
  std::optional<LayerEpilogue> e = layer_epilogue(*layer);
  if (!e || !e->epilogue.post_activation.is_none()) return std::nullopt;
  // y = post(act(product) + Z): without Z the activation slot comes first; once a Z is added
  // only post_activation still follows everything the layer computes.
  if (e->z) {
    e->epilogue.post_activation = *act;
  } else if (e->epilogue.activation.is_none()) {
    e->epilogue.activation = *act;
  } else {
    return std::nullopt;
  }
  return Match{layer, *e};
}

class ActivationFusion final : public NodePass {
 public:
  std::string_view name() const override { return "activation_fusion"; }

  bool matches(const ir::Graph& g, const ir::Node& n) const override { return find_match(g, n).has_value(); }

  Status apply(ir::Graph& g, ir::Node& n) override {
    std::optional<Match> m = find_match(g, n);
    if (!m) return internal_error("activation_fusion: '" + n.name() + "' no longer matches");
    return fuse_into_layer(g, m->layer, &n, m->epilogue.epilogue, m->epilogue.z).status();
  }
};

}  // namespace

std::unique_ptr<Pass> make_activation_fusion(const PassOptions&) { return std::make_unique<ActivationFusion>(); }

}  // namespace hone::passes
