// Graph construction, editing, ordering, verification and printing (graph.hpp).
#include "ir/graph.hpp"

#include <algorithm>
#include <queue>
#include <set>
#include <sstream>
#include <unordered_map>
#include <unordered_set>

namespace hone::ir {

void Node::set_input(size_t i, Value* v) {
  Value* old = inputs_[i];
  if (old) {
    auto it = std::find(old->uses_.begin(), old->uses_.end(), this);
    if (it != old->uses_.end()) old->uses_.erase(it);
  }
  inputs_[i] = v;
  if (v) v->uses_.push_back(this);
}

std::vector<Graph*> Node::subgraphs() const {
  std::vector<Graph*> out;
  for (const auto& [name, a] : attrs_.items()) {
    if (a.type == AttrType::Graph && a.g) out.push_back(a.g.get());
    if (a.type == AttrType::Graphs) {
      for (const auto& g : a.graphs) out.push_back(g.get());
    }
  }
  return out;
}

Value* Graph::add_value(std::string name, Type type) {
  auto v = std::make_unique<Value>();
  v->name_ = std::move(name);
  v->type_ = std::move(type);
  v->graph_ = this;
  Value* raw = v.get();
  if (!raw->name_.empty()) by_name_.emplace(raw->name_, raw);
  values_.push_back(std::move(v));
  return raw;
}

Node* Graph::add_node(OpKind kind, std::string op_type, std::string domain, std::string name, int opset,
                      std::vector<Value*> inputs, std::vector<Value*> outputs, Attributes attrs) {
  auto n = std::make_unique<Node>();
  n->kind_ = kind;
  n->op_type_ = std::move(op_type);
  n->domain_ = std::move(domain);
  n->name_ = std::move(name);
  n->opset_ = opset;
  n->graph_ = this;
  n->inputs_ = std::move(inputs);
  n->outputs_ = std::move(outputs);
  n->attrs_ = std::move(attrs);
  Node* raw = n.get();
  for (Value* v : raw->inputs_) {
    if (v) v->uses_.push_back(raw);
  }
  for (size_t i = 0; i < raw->outputs_.size(); ++i) {
    Value* v = raw->outputs_[i];
    if (v && v->producer_ == nullptr) {
      v->producer_ = raw;
      v->producer_output_ = static_cast<int>(i);
    }
  }
  nodes_.push_back(std::move(n));
  for (Graph* sub : raw->subgraphs()) sub->set_parent(this);
  return raw;
}

namespace {

// NOTE: a subgraph's nodes that read values of enclosing graphs are listed in those values'
// uses(). When the subgraph is destroyed with its node, those entries would dangle.
void drop_outer_reads(const Node& n) {
  for (const auto& [name, a] : n.attrs().items()) {
    std::vector<Graph*> dying;
    if (a.type == AttrType::Graph && a.g && a.g.use_count() == 1) dying.push_back(a.g.get());
    if (a.type == AttrType::Graphs) {
      for (const auto& g : a.graphs) {
        if (g && g.use_count() == 1) dying.push_back(g.get());
      }
    }
    for (Graph* g : dying) {
      for (const auto& m : g->nodes()) {
        for (size_t i = 0; i < m->num_inputs(); ++i) m->set_input(i, nullptr);
        drop_outer_reads(*m);
      }
    }
  }
}

}  // namespace

void Graph::remove_node(Node* n) {
  for (size_t i = 0; i < n->inputs_.size(); ++i) n->set_input(i, nullptr);
  for (Value* v : n->outputs_) {
    if (v && v->producer_ == n) v->producer_ = nullptr;
  }
  drop_outer_reads(*n);
  nodes_.erase(std::remove_if(nodes_.begin(), nodes_.end(), [n](const auto& p) { return p.get() == n; }),
               nodes_.end());
}

bool Graph::remove_value(Value* v) {
  if (!v || v->graph_ != this || v->producer_ || !v->uses_.empty()) return false;
  if (std::find(outputs_.begin(), outputs_.end(), v) != outputs_.end()) return false;
  inputs_.erase(std::remove(inputs_.begin(), inputs_.end(), v), inputs_.end());
  auto it = by_name_.find(v->name_);
  if (it != by_name_.end() && it->second == v) by_name_.erase(it);
  values_.erase(std::remove_if(values_.begin(), values_.end(), [v](const auto& p) { return p.get() == v; }),
                values_.end());
  return true;
}

void Graph::replace_all_uses(Value* from, Value* to) {
  std::vector<Node*> users = from->uses_;
  for (Node* user : users) {
    for (size_t i = 0; i < user->inputs_.size(); ++i) {
      if (user->inputs_[i] == from) user->set_input(i, to);
    }
  }
  for (Value*& out : outputs_) {
    if (out == from) out = to;
  }
}

Value* Graph::find_value(const std::string& name) const {
  auto it = by_name_.find(name);
  return it == by_name_.end() ? nullptr : it->second;
}

Value* Graph::lookup(const std::string& name) const {
  for (const Graph* g = this; g; g = g->parent_) {
    if (Value* v = g->find_value(name)) return v;
  }
  return nullptr;
}

std::vector<Value*> Graph::runtime_inputs() const {
  std::vector<Value*> out;
  for (Value* v : inputs_) {
    if (!v->is_constant()) out.push_back(v);
  }
  return out;
}

void Graph::set_node_output(Node* n, size_t i, Value* v) {
  Value* old = n->outputs_[i];
  if (old && old->producer_ == n) {
    old->producer_ = nullptr;
    old->producer_output_ = -1;
  }
  n->outputs_[i] = v;
  if (v) {
    v->producer_ = n;
    v->producer_output_ = static_cast<int>(i);
  }
}

void Graph::move_node(const Node* n, size_t index) {
  const size_t from = index_of(n);
  if (from >= nodes_.size()) return;
  std::unique_ptr<Node> owned = std::move(nodes_[from]);
  nodes_.erase(nodes_.begin() + static_cast<std::ptrdiff_t>(from));
  index = std::min(index, nodes_.size());
  nodes_.insert(nodes_.begin() + static_cast<std::ptrdiff_t>(index), std::move(owned));
}

size_t Graph::index_of(const Node* n) const {
  for (size_t i = 0; i < nodes_.size(); ++i) {
    if (nodes_[i].get() == n) return i;
  }
  return nodes_.size();
}

namespace {

void collect_captures(const Graph& g, const Graph* owner, std::vector<const Value*>* out) {
  for (const auto& n : g.nodes()) {
    for (const Value* v : n->inputs()) {
      if (v && v->graph() == owner) out->push_back(v);
    }
    for (const Graph* sub : n->subgraphs()) collect_captures(*sub, owner, out);
  }
  for (const Value* v : g.outputs()) {
    if (v && v->graph() == owner) out->push_back(v);
  }
}

}  // namespace

std::vector<const Value*> captured_values(const Graph& g, const Graph* owner) {
  std::vector<const Value*> out;
  collect_captures(g, owner, &out);
  return out;
}

Status Graph::topological_sort() {
  std::unordered_map<const Node*, std::vector<Node*>> dependents;
  std::unordered_map<const Node*, int> pending;
  for (const auto& n : nodes_) {
    std::vector<const Value*> deps(n->inputs_.begin(), n->inputs_.end());
    for (Graph* sub : n->subgraphs()) {
      for (const Value* v : captured_values(*sub, this)) deps.push_back(v);
    }
    std::unordered_set<const Node*> seen;
    int count = 0;
    for (const Value* v : deps) {
      if (!v || v->graph_ != this || !v->producer_ || v->producer_->graph_ != this) continue;
      if (v->producer_ == n.get()) {
        return invalid_model("node consumes its own output '" + v->name_ + "' (cycle)").with_node(n->name_, n->op_type_);
      }
      if (seen.insert(v->producer_).second) {
        dependents[v->producer_].push_back(n.get());
        ++count;
      }
    }
    pending[n.get()] = count;
  }
  // Kahn's algorithm with a min-heap of current positions: the earliest ready node first.
  std::unordered_map<const Node*, size_t> position;
  for (size_t i = 0; i < nodes_.size(); ++i) position[nodes_[i].get()] = i;
  auto later = [&](Node* a, Node* b) { return position[a] > position[b]; };
  std::priority_queue<Node*, std::vector<Node*>, decltype(later)> ready(later);
  for (const auto& n : nodes_) {
    if (pending[n.get()] == 0) ready.push(n.get());
  }
  std::vector<Node*> order;
  order.reserve(nodes_.size());
  while (!ready.empty()) {
    Node* n = ready.top();
    ready.pop();
    order.push_back(n);
    for (Node* d : dependents[n]) {
      if (--pending[d] == 0) ready.push(d);
    }
  }
  if (order.size() != nodes_.size()) {
    std::string names;
    int listed = 0;
    for (const auto& n : nodes_) {
      if (pending[n.get()] > 0) {
        if (listed++ < 8) names += (names.empty() ? "" : ", ") + ("'" + n->name_ + "'");
      }
    }
    return invalid_model("graph '" + name_ + "' has a cycle through " + std::to_string(nodes_.size() - order.size()) +
                         " node(s): " + names);
  }
  std::unordered_map<const Node*, size_t> rank;
  for (size_t i = 0; i < order.size(); ++i) rank[order[i]] = i;
  std::sort(nodes_.begin(), nodes_.end(), [&](const auto& a, const auto& b) { return rank[a.get()] < rank[b.get()]; });
  return Status::ok();
}

namespace {

void verify_into(const Graph& g, std::vector<std::string>* problems) {
  std::unordered_set<const Value*> available;
  for (Value* v : g.inputs()) available.insert(v);
  for (const auto& v : g.values()) {
    if (v->is_constant()) available.insert(v.get());
  }
  std::unordered_set<std::string> produced_names;
  for (const auto& n : g.nodes()) {
    for (Value* v : n->inputs()) {
      if (!v) continue;
      if (v->graph() != &g) {
        // Captured from an enclosing graph: must be one of its values.
        bool enclosing = false;
        for (const Graph* p = g.parent(); p; p = p->parent()) enclosing |= (v->graph() == p);
        if (!enclosing) problems->push_back("node '" + n->name() + "' reads '" + v->name() + "' from an unrelated graph");
      } else if (!available.count(v)) {
        problems->push_back("node '" + n->name() + "' (" + n->op_type() + ") reads '" + v->name() +
                            "' before it is produced");
      }
    }
    for (Value* v : n->outputs()) {
      if (!v) continue;
      if (v->producer() != n.get()) {
        problems->push_back("value '" + v->name() + "' is produced by more than one node (second: '" + n->name() + "')");
      }
      if (v->is_graph_input() || v->is_constant()) {
        problems->push_back("node '" + n->name() + "' overwrites graph input or initializer '" + v->name() + "'");
      }
      available.insert(v);
    }
    for (Graph* sub : n->subgraphs()) verify_into(*sub, problems);
  }
  for (Value* v : g.outputs()) {
    if (!v) {
      problems->push_back("graph '" + g.name() + "' has an empty output");
    } else if (v->graph() == &g && !available.count(v)) {
      problems->push_back("graph output '" + v->name() + "' is never produced");
    }
  }
}

}  // namespace

Status verify_graph(const Graph& g) {
  std::vector<std::string> problems;
  verify_into(g, &problems);
  if (problems.empty()) return Status::ok();
  std::string msg = std::to_string(problems.size()) + " graph error" + (problems.size() > 1 ? "s" : "") + ": ";
  for (size_t i = 0; i < problems.size() && i < 16; ++i) msg += (i ? "; " : "") + problems[i];
  if (problems.size() > 16) msg += "; ...";
  return invalid_model(msg);
}

namespace {

void print_into(const Graph& g, int indent, std::ostringstream& os) {
  const std::string pad(static_cast<size_t>(indent), ' ');
  os << pad << "graph " << g.name() << " (";
  bool first = true;
  for (Value* v : g.inputs()) {
    os << (first ? "" : ", ") << "%" << v->name() << ": " << v->type().to_string();
    first = false;
  }
  os << ") {\n";
  for (const auto& v : g.values()) {
    if (v->is_constant()) {
      os << pad << "  %" << v->name() << ": " << v->type().to_string() << " = initializer\n";
    }
  }
  for (const auto& n : g.nodes()) {
    os << pad << "  ";
    for (size_t i = 0; i < n->num_outputs(); ++i) {
      Value* v = n->output(i);
      os << (i ? ", " : "") << (v ? "%" + v->name() + ": " + v->type().to_string() : std::string("_"));
    }
    os << " = " << n->op_type() << " '" << n->name() << "' (";
    for (size_t i = 0; i < n->num_inputs(); ++i) {
      Value* v = n->input(i);
      os << (i ? ", " : "") << (v ? "%" + v->name() : std::string("_"));
    }
    os << ")";
    bool has_plain = false;
    for (const auto& [name, a] : n->attrs().items()) {
      if (a.type == AttrType::Graph || a.type == AttrType::Graphs) continue;
      os << (has_plain ? ", " : " {") << name << "=" << a.to_string();
      has_plain = true;
    }
    if (has_plain) os << "}";
    os << "\n";
    for (Graph* sub : n->subgraphs()) print_into(*sub, indent + 4, os);
  }
  os << pad << "  return ";
  for (size_t i = 0; i < g.outputs().size(); ++i) os << (i ? ", " : "") << "%" << g.outputs()[i]->name();
  os << "\n" << pad << "}\n";
}

}  // namespace

std::string print_graph(const Graph& g) {
  std::ostringstream os;
  print_into(g, 0, os);
  return os.str();
}

}  // namespace hone::ir
