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
