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

// ---- Cleanup passes (first in the pipeline) ----
/// "identity_elimination": removes Identity, inference Dropout (mask unused), Cast to the same
/// type, and Expand/Tile/Reshape/Squeeze/Unsqueeze/Flatten/Pad/Slice that leave a static shape
/// and the data unchanged. Graph outputs keep their names.
std::unique_ptr<Pass> make_identity_elimination(const PassOptions& options);
/// "constant_folding": evaluates nodes with constant inputs (and Shape/Size of statically shaped
/// values) with the reference kernels; results over options.max_folded_bytes per value, random
/// operators, nodes with subgraphs, non-tensor outputs and DequantizeLinear (quantized weights
/// keep their scales for the precision stage) stay computed at run time.
std::unique_ptr<Pass> make_constant_folding(const PassOptions& options);
/// "dead_code_elimination": removes unread nodes and values (unused initializers included).
std::unique_ptr<Pass> make_dead_code_elimination(const PassOptions& options);
/// "common_subexpression": merges equal constants (up to 1 MiB) and nodes computing the same
/// thing from the same inputs.
std::unique_ptr<Pass> make_common_subexpression(const PassOptions& options);

}  // namespace hone::passes
