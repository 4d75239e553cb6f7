// Small matching helpers shared by the passes that recognise patterns: typed producers,
// one-element constants compared with a tolerance, the Activation an activation node computes,
// shape and rank equality. General graph-editing helpers live in rewrite.hpp.
#pragma once

#include <optional>
#include <vector>

#include "ir/graph.hpp"
#include "ops/activation.hpp"

namespace hone::passes {

/// The node of graph `g` producing `v` when its op kind is `kind` (an ONNX or Hone op), else
/// nullptr.
ir::Node* producer_as(const ir::Graph& g, const ir::Value* v, ir::OpKind kind);

/// producer_as(), when `v` is also read by nothing but that one input slot (has_single_use):
/// an intermediate a pattern may absorb.
ir::Node* single_use_producer(const ir::Graph& g, const ir::Value* v, ir::OpKind kind);

/// The value of a numeric constant with exactly one element (any rank), else nullopt.
std::optional<double> scalar_constant(const ir::Value* v);

/// |got - want| <= rtol * |want|: how pattern constants (0.5, 1/sqrt(2), eps...) are compared.
bool near_value(double got, double want, double rtol = 1e-4);

/// Whether `v` is a one-element constant near `want` (see near_value).
bool is_scalar_near(const ir::Value* v, double want, double rtol = 1e-4);

/// Whether `v` is a float32 tensor.
bool is_float32(const ir::Value* v);

/// The Activation an activation node computes (ops::activation_of_node), for the passes.
using ops::activation_of_node;
inline std::optional<ops::Activation> activation_of(const ir::Node& n) { return ops::activation_of_node(n); }

/// Whether both values are tensors of the same known rank. For x and a pattern's output
/// whose only other operands are one-element constants this means equal shapes: such a
/// constant can only add leading 1s (dims may be dynamic).
bool same_rank(const ir::Value* a, const ir::Value* b);

/// For a node with two inputs: the input that is not `v`, or nullptr when `v` is not an
/// input or both inputs are `v`.
ir::Value* other_input(const ir::Node& n, const ir::Value* v);

/// Sorts `nodes` (of `g`) into execution order, so a fused layer's name lists its parts in
/// the order they ran.
void sort_by_position(const ir::Graph& g, std::vector<ir::Node*>& nodes);

/// Whether every use of `v` is an input slot of one of `nodes` and `v` is not a graph output:
/// a value read several times inside a pattern (LayerNorm's x - mean) that the pattern may
/// absorb.
bool used_only_by(const ir::Graph& g, const ir::Value* v, const std::vector<const ir::Node*>& nodes);

}  // namespace hone::passes
