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
  return list;
}

}  // namespace hone::passes
