// Helpers shared by the cleanup passes (identity elimination, constant folding, dead code,
// common subexpressions): walking a graph with its subgraphs, telling which values are still
// read, and which nodes must never be evaluated early or merged because they draw random numbers.
#pragma once

#include <unordered_set>
#include <vector>

#include "ir/graph.hpp"

namespace hone::passes {

/// `g` and every subgraph below it, each parent before its subgraphs (pre-order). Passes that
/// remove nodes holding subgraphs walk it backwards, so no subgraph is visited after its node
/// is gone.
std::vector<ir::Graph*> graphs_of(ir::Graph& g);

/// Values of `g` that a subgraph of one of its nodes (at any depth) returns directly as a
/// graph output. Such a read is not in Value::uses(), and Graph::replace_all_uses() does not
/// redirect it, so these values must be neither removed nor replaced.
std::unordered_set<const ir::Value*> subgraph_outputs_in(const ir::Graph& g);

/// Whether `v` (a value of `g`) is read: by a node (of `g` or a subgraph), as a graph output,
/// or through a subgraph output (`pinned`, from subgraph_outputs_in(g)).
bool is_read(const ir::Graph& g, const ir::Value* v, const std::unordered_set<const ir::Value*>& pinned);

/// Whether a Dropout node may be in training mode (opset 12+ with a `training_mode` input that
/// is not the constant false), which makes it random. Before opset 12 Dropout never trains.
bool dropout_may_train(const ir::Node& n);

/// Whether the node draws random numbers (RandomNormal/Uniform(Like), Bernoulli, Multinomial,
/// Dropout that may train): two such nodes differ, and evaluating one at build time fixes values
/// that should change from run to run.
bool is_random(const ir::Node& n);

/// Structural equality of static types: kind, element type, rank and every dim (symbols too).
bool same_type(const ir::Type& a, const ir::Type& b);

}  // namespace hone::passes
