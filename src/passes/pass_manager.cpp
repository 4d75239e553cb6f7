// The node-pass driver and the default optimization pipeline (pass.hpp).
#include <algorithm>

#include "passes/pass.hpp"
#include "passes/passes.hpp"

namespace hone::passes {

Result<int> NodePass::run(ir::Graph& g) {
  int rewrites = 0;
  // Restart the scan after each rewrite: apply() may remove or add nodes. A budget
  // proportional to the graph guards against two rules undoing each other forever.
  const size_t budget = 4 * g.nodes().size() + 16;
  bool changed = true;
  while (changed && static_cast<size_t>(rewrites) < budget) {
    changed = false;
    for (const auto& node : g.nodes()) {
      if (!matches(g, *node)) continue;
      HONE_RETURN_IF_ERROR(apply(g, *node));
      ++rewrites;
      changed = true;
      break;
    }
  }
  return rewrites;
}

std::vector<std::string> pass_names() {
  std::vector<std::string> names;
  for (const auto& p : default_passes({})) names.emplace_back(p->name());
  return names;
}

Result<std::vector<PassReport>> optimize(ir::Graph& g, const PassOptions& options) {
  std::vector<std::unique_ptr<Pass>> pipeline = default_passes(options);
  std::vector<std::string> known = pass_names();
  // The passes the builder runs after the pipeline (layout planning and what follows it).
  known.insert(known.end(), {"layout_planning", "input_affine_fusion"});
  std::string unknown;
  for (const std::string& d : options.disabled) {
    if (std::find(known.begin(), known.end(), d) == known.end()) unknown += (unknown.empty() ? "" : ", ") + d;
  }
  if (!unknown.empty()) {
    std::string list;
    for (const std::string& k : known) list += (list.empty() ? "" : ", ") + k;
    return invalid_argument("unknown pass name(s): " + unknown + " (passes: " + list + ")");
  }
  std::vector<PassReport> reports;
  for (const auto& p : pipeline) reports.push_back({std::string(p->name()), 0});
  // Fusions expose folding opportunities and the reverse; a few rounds reach the fixpoint.
  constexpr int kMaxRounds = 4;
  for (int round = 0; round < kMaxRounds; ++round) {
    int changes = 0;
    for (size_t i = 0; i < pipeline.size(); ++i) {
      const std::string name(pipeline[i]->name());
      if (std::find(options.disabled.begin(), options.disabled.end(), name) != options.disabled.end()) continue;
      HONE_ASSIGN_OR_RETURN(int n, pipeline[i]->run(g));
      if (n > 0) {
        HONE_RETURN_IF_ERROR(g.topological_sort());
        Status v = ir::verify_graph(g);
        if (!v.is_ok()) return internal_error("pass '" + name + "' left an invalid graph: " + v.to_string());
      }
      reports[i].rewrites += n;
      changes += n;
    }
    if (changes == 0) break;
  }
  return reports;
}

}  // namespace hone::passes
