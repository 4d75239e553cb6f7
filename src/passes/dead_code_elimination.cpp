// dead_code_elimination: removes nodes none of whose outputs is read (by a node, also inside a
// subgraph, or as a graph output), whole dead chains at once, then the values nothing refers
// to any more: unused initializers and folded constants (their weights are freed) and the
// left-over outputs of removed nodes. Runs after constant folding, in every graph, innermost first.
//
// Unused initializers that the model lists as graph inputs go too: ONNX lets a caller override
// such an input, but Hone binds only runtime_inputs() (graph inputs without initializer), so
// they are not part of the engine's interface. Graph inputs without initializer always stay, and
// a subgraph's inputs are never touched (Loop and Scan bind them by position).
#include <algorithm>

#include "passes/cleanup_helpers.hpp"
#include "passes/passes.hpp"
#include "passes/rewrite.hpp"

namespace hone::passes {
namespace {

class DeadCodeElimination final : public Pass {
 public:
  std::string_view name() const override { return "dead_code_elimination"; }

  Result<int> run(ir::Graph& g) override {
    int removed = 0;
    // Innermost graphs first: what a subgraph stops reading may let its parent's nodes die, and
    // a subgraph is never visited after its node was removed.
    std::vector<ir::Graph*> graphs = graphs_of(g);
    for (auto it = graphs.rbegin(); it != graphs.rend(); ++it) removed += run_on(**it, *it == &g);
    return removed;
  }

 private:
  static int run_on(ir::Graph& g, bool top_level) {
    int removed = 0;
    std::unordered_set<const ir::Value*> pinned;
    // Backwards, a node's readers are removed before the node itself is looked at, so one
    // sweep clears a dead chain. Removing a node that holds subgraphs may unpin values its
    // subgraphs returned: sweep again then.
    bool sweep_again = true;
    while (sweep_again) {
      sweep_again = false;
      pinned = subgraph_outputs_in(g);
      std::vector<ir::Node*> nodes;
      for (const auto& n : g.nodes()) nodes.push_back(n.get());
      for (auto it = nodes.rbegin(); it != nodes.rend(); ++it) {
        ir::Node* n = *it;
        const bool live = std::any_of(n->outputs().begin(), n->outputs().end(),
                                      [&](const ir::Value* v) { return is_read(g, v, pinned); });
        if (live) continue;
        sweep_again |= !n->subgraphs().empty();
        g.remove_node(n);
        ++removed;
      }
    }
    std::vector<ir::Value*> values;
    for (const auto& v : g.values()) values.push_back(v.get());
    for (ir::Value* v : values) {
      if (v->producer() || is_read(g, v, pinned)) continue;
      if (v->is_graph_input() && (!top_level || !v->is_constant())) continue;
      if (g.remove_value(v)) ++removed;
    }
    return removed;
  }
};

}  // namespace

std::unique_ptr<Pass> make_dead_code_elimination(const PassOptions&) { return std::make_unique<DeadCodeElimination>(); }

}  // namespace hone::passes
