// Shared harness for pass tests (XNNPACK's fusion-test habit): import a small model built in
// code twice, run one pass on one copy, then assert the node counts changed as intended and
// both graphs compute the same outputs on random inputs with the reference executor.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <string_view>

#include "ir/graph.hpp"
#include "passes/pass.hpp"

namespace hone::testing {

struct PassRun {
  std::unique_ptr<ir::Graph> before;  // as imported
  std::unique_ptr<ir::Graph> after;   // after the pass (sorted and verified)
  int rewrites = 0;
};

/// Imports `model` (a serialized ONNX model) twice and runs `pass` on the second copy, then
/// sorts and verifies it. Fails the test (and returns empty graphs) on any error.
PassRun run_pass(const std::string& model, passes::Pass& pass);

/// Runs both graphs on the same random inputs (seeded by `seed`; floats uniform in [-1, 1),
/// integers in [0, 4)) drawn for the inputs' declared shapes (symbolic dims: 2) and compares
/// every output within rtol/atol. Reports the seed and the first differing element.
::testing::AssertionResult same_outputs(const PassRun& run, uint64_t seed = 1, double rtol = 1e-5, double atol = 1e-6);

/// Number of top-level nodes of `g` whose op type is `op_type` ("" counts every node).
size_t count_nodes(const ir::Graph& g, std::string_view op_type = {});

/// The first top-level node of that op type, or nullptr.
const ir::Node* find_node(const ir::Graph& g, std::string_view op_type);

}  // namespace hone::testing
