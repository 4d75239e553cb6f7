// The steps of running one node with its operator's kernel, shared by everything that runs
// nodes: the reference executor, the engine's execution context, and constant folding at
// build time. Outputs are typed and allocated from the operator's shape rule, the kernel runs
// behind an exception boundary, and the results are checked.
#pragma once

#include <functional>
#include <vector>

#include "core/tensor.hpp"
#include "hone/status.hpp"
#include "ir/graph.hpp"
#include "ops/op_def.hpp"

namespace hone::ops {

/// The static type of a run-time value (for empty optionals: the declared type).
ir::Type runtime_type(const Datum& d, const ir::Type& declared);
/// Gives every output of `node` that is still an undefined tensor a zero-filled tensor of the
/// type the operator's rule infers from the run-time `inputs` (nullptr for omitted ones).
/// Outputs whose shape depends on data stay undefined: the kernel allocates them. Outputs
/// already defined (arena views, caller buffers) are kept. The rule's failure is returned with
/// the node attached.
Status allocate_outputs(const ir::Node& node, const std::vector<const Datum*>& inputs, std::vector<Datum>* outputs);
/// Calls `kernel` on `ctx`; exceptions from the standard library (allocation failure on a
/// hostile size) become errors. Failures carry the node.
Status run_kernel(const std::function<Status(KernelContext&)>& kernel, KernelContext& ctx);
/// After the kernel: every consumed output must have been produced (Internal otherwise);
/// outputs of optional type are marked optional.
Status finish_outputs(const ir::Node& node, std::vector<Datum>* outputs);

}  // namespace hone::ops
