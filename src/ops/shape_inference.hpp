// Static type and shape inference over a whole graph, node by node in topological order,
// recursing into subgraphs. Uses each operator's infer() rule.
#pragma once

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

/// Merges an inferred type with a declared one: known dims win, then symbols.
ir::Type merge_types(const ir::Type& inferred, const ir::Type& declared);

}  // namespace hone::ops
