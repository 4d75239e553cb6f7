// ReferenceExecutor: runs an IR graph node by node with the operators' reference kernels.
// It is the meaning of a model (conformance, `hone run` on .onnx files, and the baseline
// every optimized engine is compared with). Values are freed after their last use.
#pragma once

#include <cstdint>
#include <functional>
#include <vector>

#include "core/tensor.hpp"
#include "hone/status.hpp"
#include "ir/graph.hpp"
#include "ops/op_def.hpp"

namespace hone::runtime {

struct ReferenceOptions {
  uint64_t seed = 0x5eed;  // for random operators without a seed attribute
};

class ReferenceExecutor {
 public:
  /// `graph` must outlive the executor and be verified and topologically sorted.
  explicit ReferenceExecutor(const ir::Graph& graph, ReferenceOptions options = {});

  /// Runs the graph. `inputs` bind, in order, to graph.runtime_inputs(); returns the graph
  /// outputs in order. Fails (InvalidArgument) on a wrong input count, kind, dtype or rank,
  /// or a dimension that contradicts a fixed one in the model.
  Result<std::vector<Datum>> run(std::vector<Datum> inputs);

 private:
  const ir::Graph& graph_;
  ReferenceOptions options_;
};

/// Checks one input value against the declared type of graph input `v`.
Status check_input(const ir::Value& v, const Datum& d);

// ---- the steps of running one node, shared by this executor and the engine's ----

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
Status run_kernel(const std::function<Status(ops::KernelContext&)>& kernel, ops::KernelContext& ctx);
/// After the kernel: every consumed output must have been produced (Internal otherwise);
/// outputs of optional type are marked optional.
Status finish_outputs(const ir::Node& node, std::vector<Datum>* outputs);

/// Runs subgraphs (If/Loop/Scan bodies) with reference kernels for a node that an engine runs.
/// Values of the graphs enclosing the body are found through `outer` (the engine's values).
class SubgraphInterpreter final : public ops::SubgraphRunner {
 public:
  using Lookup = std::function<const Datum*(const ir::Value*)>;
  SubgraphInterpreter(Lookup outer, uint64_t seed);
  Result<std::vector<Datum>> run(const ir::Graph& body, std::vector<Datum> inputs) override;

 private:
  Lookup outer_;
  uint64_t seed_;
};

}  // namespace hone::runtime
