// The harness of the CPU kernel tests (test_*_kernels.cpp): a layer built in code as a
// one-node graph, run by the operator's reference kernel and by a tactic of the CPU backend
// at every ISA level this machine has and several thread counts, outputs compared exactly or
// within a tolerance. Outputs are pre-filled with a sentinel and followed by guard elements,
// so an element a tactic forgets or a write past the end fails the comparison.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "backends/backend.hpp"
#include "backends/cpu/dispatch.hpp"

namespace hone::cpu::testing {

/// One layer: an operator, its inputs (an undefined Tensor is an omitted input) and attributes.
struct LayerCase {
  std::string op_type;
  std::string domain;           // "" (ai.onnx) or "hone"
  int opset = 18;
  std::vector<Tensor> inputs;
  std::vector<bool> constant;   // per input: an initializer (missing entries: inputs 1.. are constants)
  ir::Attributes attrs;
  int num_outputs = 1;
  bool symbolic_shapes = false;  // runtime inputs declared with named dims (a dynamic-shape engine)
};

/// The layer as a graph and the builder's view of it.
struct BuiltLayer {
  std::unique_ptr<ir::Graph> graph;
  const ir::Node* node = nullptr;
  LayerDesc desc;
};
Result<BuiltLayer> build_layer(const LayerCase& c);

/// The reference kernel's outputs.
Result<std::vector<Tensor>> reference_outputs(const BuiltLayer& layer, const LayerCase& c);
/// The tactic's outputs (prepare, then run on a pool of `threads`); a write past an output's
/// end or an output element left unwritten shows as a failure in the returned status.
Result<std::vector<Tensor>> tactic_outputs(const Tactic& tactic, const BuiltLayer& layer, const LayerCase& c,
                                           int threads);

/// The CPU backend's tactic with this ID (fails the test when there is none).
const Tactic* find_cpu_tactic(std::string_view id);
/// The ISA levels this machine runs.
std::vector<CpuIsa> levels_here();

/// How outputs are compared: bit-identical (NaN payloads aside), or |got - want| <= atol +
/// rtol * |want| per element, optionally also the cosine of the whole tensors.
struct Tolerance {
  bool exact = false;
  double rtol = 1e-4;
  double atol = 1e-6;
  double min_cosine = 0;  // 0: not checked
  static Tolerance bits() { return {true, 0, 0, 0}; }
  static Tolerance near(double rtol, double atol = 1e-6) { return {false, rtol, atol, 0}; }
};
::testing::AssertionResult outputs_match(const Tensor& got, const Tensor& want, const Tolerance& tol);

/// For every ISA level here and 1, 2 and 3 threads: the tactic `name` of that level
/// ("cpu.f32_<name>_<isa>", or "cpu.f32_<name>" when `portable`) supports the layer and
/// its outputs match the reference's.
void expect_tactic_matches_reference(std::string_view name, const LayerCase& c, const Tolerance& tol,
                                     bool portable = false);
/// The tactic `name` refuses the layer at every level (so the reference takes it).
void expect_refused(std::string_view name, const LayerCase& c, bool portable = false);

/// Seeded uniform floats in [lo, hi).
Tensor random_tensor(Shape shape, uint64_t seed, float lo = -1.0f, float hi = 1.0f);
/// A float32 tensor of these values.
Tensor f32(Shape shape, std::vector<float> values);
/// An int64 tensor of these values.
Tensor i64(Shape shape, std::vector<int64_t> values);
/// Attributes from {name, value} pairs.
ir::Attributes make_attrs(std::initializer_list<std::pair<std::string, ir::Attribute>> list);
/// "[1,3,5,5]" etc. for messages.
std::string describe(const LayerCase& c);

}  // namespace hone::cpu::testing
