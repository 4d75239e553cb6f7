// The default pass pipeline (passes.hpp). Each pass lives in its own file.
#include "passes/passes.hpp"

namespace hone::passes {

std::vector<std::unique_ptr<Pass>> default_passes(const PassOptions& options) {
  std::vector<std::unique_ptr<Pass>> list;
  // Cleanup first: fusions then match producers and consumers side by side.
  list.push_back(make_identity_elimination(options));
  list.push_back(make_constant_folding(options));
  list.push_back(make_dead_code_elimination(options));
  list.push_back(make_common_subexpression(options));
  // Pattern collapses: after cleanup, before the layer fusions.
  list.push_back(make_transpose_reshape_folding(options));
  list.push_back(make_activation_pattern_fusion(options));
  list.push_back(make_layer_norm_fusion(options));
  list.push_back(make_attention_fusion(options));
  // Layer fusions: BN into convs first, then biases, activations and residuals into layers.
  list.push_back(make_batchnorm_folding(options));
  list.push_back(make_affine_folding(options));
  list.push_back(make_matmul_add_fusion(options));
  list.push_back(make_activation_fusion(options));
  list.push_back(make_residual_add_fusion(options));
  // Last: after the layer fusions took the activations that belong in their epilogues.
  list.push_back(make_elementwise_fusion(options));
  return list;
}

}  // namespace hone::passes
