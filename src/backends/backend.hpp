// The backend contract: a device (CPU, CUDA) offers a list of tactics, each one way to run a
// layer. The builder asks every tactic whether it supports a layer, times the candidates
// (src/tune) and records the winner's stable ID in the engine; at run time the engine looks
// the tactic up by that ID. Reference kernels are the CPU backend's last-resort tactic.
#pragma once

#include <cstddef>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/cpu_features.hpp"
#include "core/thread_pool.hpp"
#include "core/tensor.hpp"
#include "hone/status.hpp"
#include "ir/graph.hpp"
#include "ops/op_def.hpp"

namespace hone {

/// What a tactic sees of one layer at build time: the node (op, attributes, constant
/// inputs through node.input(i)->constant()) and the static types of its inputs/outputs
/// (dims may be symbolic when the engine has dynamic shapes).
struct LayerDesc {
  const ir::Node* node = nullptr;
  std::vector<ir::Type> input_types;   // nullptr inputs have TypeKind::Unknown
  std::vector<ir::Type> output_types;
  DataType precision = DataType::Float;  // the precision the builder asks for

  /// A layer's description with the types its values have in `types` (from
  /// ops::types_for_input_shapes), falling back to the graph's own types.
  static LayerDesc of(const ir::Node& node, const std::unordered_map<const ir::Value*, ir::Type>& types,
                      DataType precision);
};

/// What one run of a layer hands its tactic. Grows as the backends do (thread pools, streams);
/// tactics read what they need.
struct LayerRun {
  /// The layer's node (attributes), inputs and outputs. Outputs whose shape is known before
  /// the run are pre-allocated (arena views or caller buffers: write into them); others are
  /// allocated by the tactic through allocate_output().
  ops::KernelContext& kernel;
  /// The tactic's prepare() output for this layer (packed weights), in the engine's memory.
  std::span<const Tensor> packed;
  /// Scratch memory of at least workspace_bytes() at the run's shapes, 64-byte aligned,
  /// owned by the execution context, contents undefined.
  std::span<std::byte> workspace;
  /// The context's threads: split the layer's loops over them (pool.threads() may be 1).
  ThreadPool& pool;
};

/// One implementation of a layer for one device, ISA, layout and precision. Stateless and
/// thread-safe: one instance serves every engine and context.
class Tactic {
 public:
  virtual ~Tactic() = default;
  /// Stable ID recorded in engine files ("ref", "cpu.f32_conv_direct_avx2"). Never reuse an
  /// ID for a different algorithm: old engines would run the wrong code.
  virtual std::string_view id() const = 0;
  /// CPU features the tactic's code needs (names of CpuFeatures); empty for portable code.
  virtual std::vector<std::string> required_isa() const { return {}; }
  /// Whether this tactic can run `layer` on a CPU with `cpu` features.
  virtual bool supports(const LayerDesc& layer, const CpuFeatures& cpu) const = 0;
  /// A last resort (the reference kernels): chosen only when no other tactic supports the
  /// layer, and then without timing it.
  virtual bool is_fallback() const { return false; }
  /// Scratch bytes the kernel needs per run at these shapes (from the context's workspace).
  virtual size_t workspace_bytes(const LayerDesc& layer) const { return 0; }
  /// Packs the layer's constant inputs once (blocked weights, folded scales). The tensors
  /// are stored in the engine file and handed back to run() as `packed`.
  virtual Result<std::vector<Tensor>> prepare(const LayerDesc& layer) const { return std::vector<Tensor>{}; }
  /// Runs the layer (see LayerRun). Thread-safe: contexts of one engine call it concurrently.
  virtual Status run(const LayerRun& run) const = 0;
};

/// A device's tactics and identity.
class Backend {
 public:
  virtual ~Backend() = default;
  /// Device name as recorded in engines and accepted by --device: "cpu", "cuda".
  virtual std::string_view device() const = 0;
  /// Every tactic, fastest-first by expectation (the tuner still times them).
  virtual std::vector<const Tactic*> tactics() const = 0;
  /// The tactic with this ID, or nullptr.
  const Tactic* find_tactic(std::string_view id) const;
  /// The channel block of the blocked layout (ops/blocked_layout.hpp) this backend's
  /// convolution kernels prefer on `cpu` (16 floats with AVX-512, 8 with AVX2), or 0 when it
  /// has none: the builder then keeps every tensor plain.
  virtual int64_t blocked_channels(const CpuFeatures& cpu) const { return 0; }
  /// The tactics that support `layer` on `cpu`, in tactics() order.
  std::vector<const Tactic*> candidates(const LayerDesc& layer, const CpuFeatures& cpu) const;
};

/// The CPU backend (reference kernels as tactic "ref"; fast kernels added in front).
const Backend& cpu_backend();
/// The backend for a device name, or NotFound listing the available devices.
Result<const Backend*> find_backend(std::string_view device);

}  // namespace hone
