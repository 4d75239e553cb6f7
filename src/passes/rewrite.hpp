// Graph-editing helpers every pass shares: reading a node's neighbourhood (single-use values,
// constants, graph outputs) and the two rewrites passes make — replacing a group of nodes with
// one fused node, and bypassing a node that computes nothing. Both keep graph outputs' names
// (what the caller binds) and the model's execution order.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "hone/status.hpp"
#include "ir/graph.hpp"

namespace hone::passes {

/// Whether `v` is one of the graph's outputs.
bool is_graph_output(const ir::Graph& g, const ir::Value* v);
/// Whether `v` is read by exactly one input slot of one node and is not a graph output: a
/// value a fusion may absorb.
bool has_single_use(const ir::Graph& g, const ir::Value* v);
/// The value's constant when it is one (an initializer or a folded value), else nullptr.
const Tensor* constant_of(const ir::Value* v);
/// The only node reading `v` when it has a single use (see has_single_use), else nullptr.
ir::Node* single_consumer(const ir::Graph& g, const ir::Value* v);
/// The node producing input `i` of `n`, when that input exists and is produced in `n`'s graph.
ir::Node* producer_of(const ir::Node& n, size_t i);
/// A float attribute with the op's default when absent (op_def's spec).
float attr_float_or_default(const ir::Node& n, std::string_view name);
/// An int attribute with the op's default when absent.
int64_t attr_int_or_default(const ir::Node& n, std::string_view name);
/// Static shape of a tensor value, when known.
std::optional<Shape> static_shape(const ir::Value* v);

/// The layer name of a fusion: the nodes' names joined with " + " (as TensorRT prints fused
/// layers), each name once, in the order given.
std::string fused_name(const std::vector<const ir::Node*>& nodes);

/// A new constant value in `g` named after `base` (made unique).
ir::Value* add_constant(ir::Graph& g, const std::string& base, Tensor value);
/// A new, unproduced value in `g` named after `base` (made unique), typed `type`.
ir::Value* add_intermediate(ir::Graph& g, const std::string& base, ir::Type type);

/// What replaces a group of nodes.
struct Replacement {
  ir::OpKind kind{};
  std::string op_type;      // "" = the op kind's name
  std::string name;         // "" = fused_name(nodes replaced)
  std::vector<ir::Value*> inputs;
  std::vector<ir::Value*> outputs;  // usually existing values the replaced nodes produced
  ir::Attributes attrs;
  int opset = 0;            // 0 = the opset of the last replaced node
};

/// Removes `old_nodes` (which must no longer be needed apart from the values `r.outputs` takes
/// over) and adds the replacement node at the position of the last of them. Values produced
/// by the old nodes and read elsewhere must be among r.outputs (Internal otherwise).
Result<ir::Node*> replace_nodes(ir::Graph& g, const std::vector<ir::Node*>& old_nodes, Replacement r);

/// Removes node `n` whose output `output` equals `replacement` (Identity, Dropout, a Reshape
/// to the same shape...), pointing every reader at `replacement`. When the output is a graph
/// output it keeps its name: the node producing `replacement` then writes the graph output
/// directly. Returns false (and changes nothing) when that is impossible: `replacement` is a
/// graph input, a constant or another graph output, or `n` has other used outputs.
bool bypass_node(ir::Graph& g, ir::Node* n, size_t output, ir::Value* replacement);
/// Whether bypass_node(g, n, output, replacement) would succeed, so a NodePass can decline in
/// matches() instead of failing in apply().
bool can_bypass(const ir::Graph& g, const ir::Node& n, size_t output, const ir::Value* replacement);


}  // namespace hone::passes
