// The graph IR: Values (typed edges, possibly constant) produced and consumed by Nodes
// (operators with typed attributes and the model's node names). Subgraphs (If/Loop/Scan
// bodies) are Graphs held in attributes; their nodes may read Values of enclosing graphs.
// The importer translates a model into this form; passes rewrite it; the builder lowers it.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "core/tensor.hpp"
#include "hone/status.hpp"
#include "ir/attribute.hpp"
#include "ir/op_kind.hpp"
#include "ir/type.hpp"

namespace hone::ir {

class Graph;
class Node;

class Value {
 public:
  const std::string& name() const { return name_; }
  const Type& type() const { return type_; }
  void set_type(Type t) { type_ = std::move(t); }
  Graph* graph() const { return graph_; }
  Node* producer() const { return producer_; }
  int producer_output() const { return producer_output_; }
  const std::vector<Node*>& uses() const { return uses_; }  // one entry per input slot
  bool is_constant() const { return constant_.defined(); }
  const Tensor& constant() const { return constant_; }  // initializer value
  void set_constant(Tensor t) { constant_ = std::move(t); }
  bool is_graph_input() const { return is_graph_input_; }

 private:
  friend class Graph;
  friend class Node;
  std::string name_;
  Type type_;
  Graph* graph_ = nullptr;
  Node* producer_ = nullptr;
  int producer_output_ = -1;
  std::vector<Node*> uses_;
  Tensor constant_;
  bool is_graph_input_ = false;
};

class Node {
 public:
  OpKind kind() const { return kind_; }
  const std::string& op_type() const { return op_type_; }  // as written in the model
  const std::string& domain() const { return domain_; }
  const std::string& name() const { return name_; }       // the model's node name (may be generated)
  void set_name(std::string n) { name_ = std::move(n); }
  int opset() const { return opset_; }                     // opset version of the node's domain
  Graph* graph() const { return graph_; }

  size_t num_inputs() const { return inputs_.size(); }
  size_t num_outputs() const { return outputs_.size(); }
  /// nullptr for an omitted optional input (empty name in ONNX).
  Value* input(size_t i) const { return i < inputs_.size() ? inputs_[i] : nullptr; }
  Value* output(size_t i) const { return i < outputs_.size() ? outputs_[i] : nullptr; }
  const std::vector<Value*>& inputs() const { return inputs_; }
  const std::vector<Value*>& outputs() const { return outputs_; }
  void set_input(size_t i, Value* v);

  Attributes& attrs() { return attrs_; }
  const Attributes& attrs() const { return attrs_; }
  /// The subgraphs held in this node's attributes.
  std::vector<Graph*> subgraphs() const;

 private:
  friend class Graph;
  OpKind kind_{};
  std::string op_type_;
  std::string domain_;
  std::string name_;
  int opset_ = 0;
  Graph* graph_ = nullptr;
  std::vector<Value*> inputs_;
  std::vector<Value*> outputs_;
  Attributes attrs_;
};

class Graph {
 public:
  explicit Graph(std::string name = "main", Graph* parent = nullptr) : name_(std::move(name)), parent_(parent) {}
  Graph(const Graph&) = delete;
  Graph& operator=(const Graph&) = delete;

  const std::string& name() const { return name_; }
  Graph* parent() const { return parent_; }
  void set_parent(Graph* p) { parent_ = p; }

  /// Creates a value owned by this graph. Names must be unique in the graph (not checked
  /// here: the verifier reports duplicates).
  Value* add_value(std::string name, Type type = {});
  /// Creates a node; `inputs` may hold nullptr for omitted optional inputs.
  Node* add_node(OpKind kind, std::string op_type, std::string domain, std::string name, int opset,
                 std::vector<Value*> inputs, std::vector<Value*> outputs, Attributes attrs = {});
  /// Removes a node that no longer feeds anything (its outputs must have no uses). Nodes of
  /// subgraphs that die with it (held by no one else) stop reading enclosing graphs' values.
  void remove_node(Node* n);
  /// Deletes value `v` of this graph when nothing refers to it: no producer, no readers, not a
  /// graph output (a graph input is also dropped from inputs()). Returns false, changing
  /// nothing, otherwise. Subgraph outputs naming `v` are not uses: the caller checks those.
  /// Pointers to `v` dangle afterwards. Dead-code elimination frees weights with it.
  bool remove_value(Value* v);
  /// Points every use of `from` (and graph outputs) at `to`.
  void replace_all_uses(Value* from, Value* to);
  /// Makes node `n` produce `v` as its output `i` instead of the value it produced there (which
  /// is left unproduced). `v` must not be produced by another node.
  void set_node_output(Node* n, size_t i, Value* v);
  /// Moves node `n` (of this graph) to position `index` of nodes() (clamped to the end).
  /// Passes put a fused node where the nodes it replaces were, so the execution order, and
  /// with it the memory plan, stays the model's.
  void move_node(const Node* n, size_t index);
  /// Position of `n` in nodes(), or nodes().size() when it is not a node of this graph.
  size_t index_of(const Node* n) const;

  /// This graph's value with that name, or nullptr.
  Value* find_value(const std::string& name) const;
  /// This graph's or an enclosing graph's value with that name, or nullptr.
  Value* lookup(const std::string& name) const;

  void add_input(Value* v) { v->is_graph_input_ = true; inputs_.push_back(v); }
  void add_output(Value* v) { outputs_.push_back(v); }
  void set_outputs(std::vector<Value*> v) { outputs_ = std::move(v); }
  const std::vector<Value*>& inputs() const { return inputs_; }
  const std::vector<Value*>& outputs() const { return outputs_; }
  /// Graph inputs that have no initializer (what a caller must feed).
  std::vector<Value*> runtime_inputs() const;

  const std::vector<std::unique_ptr<Node>>& nodes() const { return nodes_; }
  const std::vector<std::unique_ptr<Value>>& values() const { return values_; }

  /// Orders nodes so each comes after the producers of its inputs (including values its
  /// subgraphs read from this graph). Stable: among nodes that may run, the one earliest in
  /// the current order goes first, so an already sorted graph keeps its order. Fails, naming
  /// nodes, on a cycle.
  Status topological_sort();

  /// Model metadata (ONNX metadata_props) and opset imports; kept on the top-level graph.
  std::vector<std::pair<std::string, std::string>>& metadata() { return metadata_; }
  const std::vector<std::pair<std::string, std::string>>& metadata() const { return metadata_; }
  std::map<std::string, int>& opsets() { return opsets_; }
  const std::map<std::string, int>& opsets() const { return opsets_; }

 private:
  std::string name_;
  Graph* parent_ = nullptr;
  std::vector<std::unique_ptr<Value>> values_;
  std::vector<std::unique_ptr<Node>> nodes_;
  std::vector<Value*> inputs_;
  std::vector<Value*> outputs_;
  std::map<std::string, Value*> by_name_;
  std::vector<std::pair<std::string, std::string>> metadata_;
  std::map<std::string, int> opsets_;
};

/// Values of graph `owner` that subgraph `g` (at any depth below `owner`) reads: its nodes'
/// inputs and its outputs that belong to `owner`. One entry per read (duplicates kept).
std::vector<const Value*> captured_values(const Graph& g, const Graph* owner);

/// Structural checks: every node input and graph output resolves to a value of this or an
/// enclosing graph, values are produced at most once, names are unique, nodes are in
/// topological order, subgraphs verify recursively. Every problem is collected.
Status verify_graph(const Graph& g);

/// Human-readable text form, one node a line:
///   %y: float[1,8] = Relu 'relu1' (%x)
std::string print_graph(const Graph& g);

}  // namespace hone::ir
