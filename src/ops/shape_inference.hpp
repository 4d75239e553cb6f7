// Static type and shape inference over a whole graph, node by node in topological order,
// recursing into subgraphs. Uses each operator's infer() rule.
#pragma once

#include <unordered_map>
#include <vector>

#include "hone/status.hpp"
#include "ir/graph.hpp"

namespace hone::ops {

/// Infers the type of every value. Where the model declared a type (graph outputs,
/// value_info) and inference knows less, the declared dims are kept; where they conflict in
/// element type, the node is reported. Collects all problems before failing.
Status infer_graph_types(ir::Graph& g);

/// Infers the output types of one node from its inputs' current types (and constant values)
/// and merges them into its output values (known dims win). Passes call it on the nodes they
/// create. Fails with the node attached when the rule rejects the node or an output's declared
/// element type contradicts the operator.
Status infer_node_types(ir::Node& node);

/// The types the top-level values of `g` take when its runtime inputs have the concrete
/// `shapes` (in g.runtime_inputs() order): each node's rule applied in order, without
/// changing the graph. Values whose shape depends on data (or on a rule that fails for these
/// shapes: the run reports that) keep what the rules could say, possibly not static. What the
/// builder and every execution context plan memory and choose kernels from.
std::unordered_map<const ir::Value*, ir::Type> types_for_input_shapes(const ir::Graph& g,
                                                                     const std::vector<Shape>& shapes);

/// Merges an inferred type with a declared one: known dims win, then symbols.
ir::Type merge_types(const ir::Type& inferred, const ir::Type& declared);

}  // namespace hone::ops
