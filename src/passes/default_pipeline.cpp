// The default pass pipeline (passes.hpp). Each pass lives in its own file.
#include "passes/passes.hpp"

namespace hone::passes {

std::vector<std::unique_ptr<Pass>> default_passes(const PassOptions& options) {
  std::vector<std::unique_ptr<Pass>> list;
  // Layer fusions: BN into convs first, then biases, activations and residuals into layers.
  list.push_back(make_batchnorm_folding(options));
  list.push_back(make_matmul_add_fusion(options));
  list.push_back(make_activation_fusion(options));
  list.push_back(make_residual_add_fusion(options));
  return list;
}

}  // namespace hone::passes
