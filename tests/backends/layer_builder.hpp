// One layer built in code as a one-node graph, and runs of it by the operator's reference
// kernel or by a tactic: what the CPU kernel tests (kernel_harness.hpp) and the kernel
// micro-benchmarks (bench/micro/bench_kernels.cpp) share. Outputs handed to a tactic are
// pre-filled with a sentinel and followed by guard elements, so an element it forgets or a
// write past the end shows.
#pragma once

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

/// A prepared run of one tactic on one layer, repeatable (what a benchmark times): packed
/// weights, workspace, guarded outputs and the pool, made once.
class TacticRun {
 public:
  /// Prepares `tactic` for `layer` on a pool of `threads`.
  static Result<std::unique_ptr<TacticRun>> make(const Tactic& tactic, const BuiltLayer& layer, const LayerCase& c,
                                                 int threads);
  /// Runs the tactic once.
  Status run();
  /// The outputs of the last run; Internal when the tactic wrote past an output's end.
  Result<std::vector<Tensor>> outputs() const;

 private:
  TacticRun(const Tactic& tactic, const BuiltLayer& layer, int threads);
  const Tactic& tactic_;
  const BuiltLayer& layer_;
  std::vector<Datum> inputs_;
  std::vector<const Datum*> input_ptrs_;
  std::vector<Datum> outputs_;
  std::vector<Shape> shapes_;  // per output: the planned shape (empty when not a float tensor)
  std::vector<Tensor> packed_;
  Tensor workspace_;
  ThreadPool pool_;
};

/// The tactic's outputs after one run on a pool of `threads`.
Result<std::vector<Tensor>> tactic_outputs(const Tactic& tactic, const BuiltLayer& layer, const LayerCase& c,
                                           int threads);

/// The CPU backend's tactic with this ID, or nullptr.
const Tactic* find_cpu_tactic(std::string_view id);
/// The ISA levels this machine runs.
std::vector<CpuIsa> levels_here();
/// One pool per thread count (1, 2, 3 and more) for the whole test binary: creating threads
/// per case costs more than the small kernels.
ThreadPool& pool_of(int threads);

/// Seeded uniform floats in [lo, hi).
Tensor random_tensor(Shape shape, uint64_t seed, float lo = -1.0f, float hi = 1.0f);
/// A float32 tensor of these values.
Tensor f32(Shape shape, std::vector<float> values);
/// An int64 tensor of these values.
Tensor i64(Shape shape, std::vector<int64_t> values);
/// Attributes from {name, value} pairs.
ir::Attributes make_attrs(std::initializer_list<std::pair<std::string, ir::Attribute>> list);
/// "Op([1,3,5,5], [3]) attr=..." for messages.
std::string describe(const LayerCase& c);

}  // namespace hone::cpu::testing
