// The pass contract and the pass manager. A pass rewrites an IR graph in place and keeps it
// valid (verified, topologically sorted, every value typed as before). Passes run after
// import and shape inference, before precision assignment and tactic selection.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "hone/status.hpp"
#include "ir/graph.hpp"

namespace hone::passes {

/// One graph rewrite. Stateless: one instance may run on many graphs (not concurrently).
class Pass {
 public:
  virtual ~Pass() = default;
  /// Stable short name ("constant_folding"), used by --disable-pass and in reports.
  virtual std::string_view name() const = 0;
  /// Rewrites `g` (the top-level graph; a pass decides itself whether to enter subgraphs).
  /// Returns the number of rewrites made (0: nothing changed). Fails only on a broken
  /// invariant or an error the rewrite uncovered in the model, never leaving `g` invalid.
  virtual Result<int> run(ir::Graph& g) = 0;
};

/// A pass that looks at one node at a time: `matches` decides, `apply` rewrites. The driver
/// visits nodes in order and restarts after each rewrite until nothing matches.
class NodePass : public Pass {
 public:
  virtual bool matches(const ir::Graph& g, const ir::Node& n) const = 0;
  virtual Status apply(ir::Graph& g, ir::Node& n) = 0;
  Result<int> run(ir::Graph& g) override;
};

struct PassOptions {
  /// Names of passes to skip (see pass_names()).
  std::vector<std::string> disabled;
  /// Fold shape subgraphs and constants up to this many output bytes per folded value
  /// (larger results stay computed at run time so engines do not balloon).
  size_t max_folded_bytes = 64 << 20;
};

/// What one pass did: its name and rewrite count, summed over the fixpoint iterations.
struct PassReport {
  std::string name;
  int rewrites = 0;
};

/// The default optimization pipeline, in order.
std::vector<std::unique_ptr<Pass>> default_passes(const PassOptions& options);
/// Names of the default passes, in order.
std::vector<std::string> pass_names();

/// Runs the default pipeline (minus `options.disabled`) until no pass changes anything
/// (at most a few rounds), then verifies the graph. Unknown names in `disabled` are an
/// InvalidArgument error listing the known ones.
Result<std::vector<PassReport>> optimize(ir::Graph& g, const PassOptions& options = {});

}  // namespace hone::passes
