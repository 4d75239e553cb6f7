// The default pass pipeline (passes.hpp). Each pass lives in its own file.
#include "passes/passes.hpp"

namespace hone::passes {

std::vector<std::unique_ptr<Pass>> default_passes(const PassOptions& options) {
  std::vector<std::unique_ptr<Pass>> list;
  (void)options;
  return list;
}

}  // namespace hone::passes
