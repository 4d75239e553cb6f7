// Factories of the individual passes (one file each in src/passes/) and the order of the
// default pipeline (default_pipeline.cpp). Add a pass here and in default_passes().
#pragma once

#include <memory>
#include <vector>

#include "passes/pass.hpp"

namespace hone::passes {

/// The default pipeline, in order: cleanup and folding first, then pattern collapses and
/// fusions (the manager repeats the list until nothing changes).
std::vector<std::unique_ptr<Pass>> default_passes(const PassOptions& options);

}  // namespace hone::passes
