// The backend contract: a device (CPU, CUDA) offers a list of tactics, each one way to run a
// layer. The builder asks every tactic whether it supports a layer, times the candidates
// (src/tune) and records the winner's stable ID in the engine; at run time the engine looks
// the tactic up by that ID. Reference kernels are the CPU backend's last-resort tactic.
//
// A backend whose tensors live in device memory (memory_space() == Device, the CUDA backend)
// also offers what the runtime and the tuner need to run layers there, and nothing more:
// streams, stream-ordered device memory, pinned host memory, copies and stream timers
// (ggml's backend interface is the model). The runtime allocates a device engine's weights,
// each context's arena and workspace through it, copies host inputs in and outputs out, and
// hands tactics device tensors plus the stream to queue their work on (docs/cuda.md).
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

/// Where a backend's layers read and write tensors.
enum class MemorySpace : uint8_t {
  Host,    // the CPU's memory: tensors are plain host tensors
  Device,  // a device's memory (Tensor::on_device()): only its kernels and copies touch them
};

/// An ordered queue of device work (a CUDA stream): everything queued on one stream runs in
/// the order queued, asynchronously to the host. One per execution context; not thread-safe
/// (one thread queues on it at a time). Made by Backend::create_stream().
class Stream {
 public:
  virtual ~Stream() = default;
  /// The native handle (a cudaStream_t for CUDA), for tactics of the same backend.
  virtual void* native() const = 0;
  /// Blocks until everything queued so far has run; the first error of that work otherwise.
  virtual Status synchronize() = 0;
};

/// Device time between two points of one stream's work (a pair of CUDA events). Reusable:
/// start, stop, elapsed_ms, start again.
class StreamTimer {
 public:
  virtual ~StreamTimer() = default;
  /// Marks the start at the stream's current end of work.
  virtual Status start() = 0;
  /// Marks the stop at the stream's current end of work.
  virtual Status stop() = 0;
  /// Milliseconds of device time between start and stop; blocks until the stop is reached.
  virtual Result<float> elapsed_ms() = 0;
};

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
  /// allocated by the tactic through allocate_output() (host backends only: a device
  /// backend's layers have every output pre-allocated in device memory). On a device
  /// backend every input and output tensor is on_device(); the node's constants stay
  /// readable on the host through kernel.node().input(i)->constant().
  ops::KernelContext& kernel;
  /// The tactic's prepare() output for this layer (packed weights), in the backend's memory
  /// space (device copies on a device backend, made once per engine).
  std::span<const Tensor> packed;
  /// Scratch memory of at least workspace_bytes() at the run's shapes, 64-byte aligned
  /// (256 on a device), owned by the execution context, contents undefined, in the
  /// backend's memory space.
  std::span<std::byte> workspace;
  /// The context's threads: split the layer's loops over them (pool.threads() may be 1).
  ThreadPool& pool;
  /// Device backends: the context's stream; queue the layer's work on it and return without
  /// waiting (errors found when queueing are returned; the rest surface at the next
  /// synchronize). nullptr on the CPU.
  Stream* stream = nullptr;
  /// The prepare() output as the engine holds it on the host (the same tensors as `packed`
  /// on the CPU): where a device tactic keeps what its host code reads (an algorithm choice).
  std::span<const Tensor> packed_host = {};
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

/// A device's tactics and identity; for device backends, also its memory, streams and copies.
/// One instance per device kind, for the program's life; every method is thread-safe.
class Backend {
 public:
  virtual ~Backend() = default;
  /// Device name as recorded in engines and accepted by --device: "cpu", "cuda".
  virtual std::string_view device() const = 0;
  /// Where the tensors its tactics read and write live.
  virtual MemorySpace memory_space() const { return MemorySpace::Host; }
  /// OK when the device can run work now; otherwise why not, as one line. The CUDA backend
  /// answers Unsupported "no CUDA device: <the driver's reason>" on a machine without a GPU
  /// or driver. The builder, Engine::from_plan and the engine loader ask before anything else.
  virtual Status check_available() const { return Status::ok(); }
  /// The processor's model, recorded in engines and timing caches: the CPU's model name, or
  /// the GPU's ("NVIDIA H200").
  virtual std::string device_name() const;
  /// The architecture engines are compiled for and must match at load ("sm_90" for a CUDA
  /// device of compute capability 9.0); "" where compatibility is checked otherwise (the CPU
  /// checks CPU features one by one).
  virtual std::string device_arch() const { return {}; }

  // ---- device backends (memory_space() == Device); the defaults answer Unsupported ----

  /// A new stream on the device.
  virtual Result<std::shared_ptr<Stream>> create_stream() const;
  /// `bytes` of device memory (256-byte aligned, contents undefined) as a 1-D UInt8 tensor
  /// that is on_device() and frees the memory when its last copy goes. With a stream the
  /// memory comes from the device's stream-ordered pool: usable by work queued on `stream`
  /// after this call, and returned to the pool in that stream's order (the stream is kept
  /// alive until then). Without one it is an ordinary allocation, usable from any stream
  /// (engine weights). OutOfRange "out of device memory ..." when the device has too little.
  virtual Result<Tensor> allocate(size_t bytes, const std::shared_ptr<Stream>& stream) const;
  /// `bytes` of pinned (page-locked) host memory, as a host UInt8 tensor: copies to and from
  /// it run asynchronously at full bus speed.
  virtual Result<Tensor> allocate_host(size_t bytes) const;
  /// Queues a copy of `bytes` from `src` to `dst` on `stream`; each pointer may be host or
  /// device memory (the device tells them apart). Host memory must stay alive and unchanged
  /// until the stream reaches the copy; pageable host memory makes the call wait for it.
  virtual Status copy(void* dst, const void* src, size_t bytes, Stream& stream) const;
  /// A timer of device time on `stream`.
  virtual Result<std::unique_ptr<StreamTimer>> create_timer(const std::shared_ptr<Stream>& stream) const;
  /// Whether an engine compiled for `arch` (device_arch() where it was built) on
  /// `built_on` (device_name() there) runs on this device: Unsupported naming both otherwise.
  virtual Status check_engine_target(const std::string& arch, const std::string& built_on) const;
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
/// The backend for a device name ("cpu", and "cuda" in builds with HONE_WITH_CUDA), or
/// NotFound listing the available devices. A backend found here may still be unavailable on
/// this machine (Backend::check_available).
Result<const Backend*> find_backend(std::string_view device);
/// The device names find_backend() knows in this build, e.g. {"cpu", "cuda"}.
std::vector<std::string> backend_names();

}  // namespace hone
