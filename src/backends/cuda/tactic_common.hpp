// What the CUDA backend's tactics share: the base class (a stable "cuda.*" ID, supports()
// independent of the CPU), the layer checks their supports() are made of, device pointers
// of a run's tensors, and the elementwise programs the epilogues and elementwise layers are
// written as (kernels/kernels.hpp).
#pragma once

#include <string>
#include <vector>

#include "backends/backend.hpp"
#include "backends/cuda/kernels/kernels.hpp"
#include "backends/cuda/stream.hpp"
#include "ops/activation.hpp"
#include "ops/epilogue.hpp"

namespace hone::cuda {

/// A CUDA tactic: supports() is supports_layer() (the host's CPU features do not matter).
class CudaTactic : public Tactic {
 public:
  explicit CudaTactic(std::string id) : id_(std::move(id)) {}
  std::string_view id() const override { return id_; }
  bool supports(const LayerDesc& layer, const CpuFeatures&) const final { return supports_layer(layer); }

 protected:
  virtual bool supports_layer(const LayerDesc& layer) const = 0;

 private:
  std::string id_;
};

// ---- layer checks ----

/// A float32 tensor type with every dim known.
bool is_static_f32(const ir::Type& t);
/// Every present input and every output is a static float32 tensor.
bool all_static_f32(const LayerDesc& layer);
/// The constant value of input i (host memory), or nullptr (absent or computed at run time).
const Tensor* constant_input(const LayerDesc& layer, size_t i);
/// The node's attributes with its operator's defaults.
ops::AttrReader attrs_of(const ir::Node& node);

// ---- run-time helpers ----

/// Device pointers of a run's float tensors.
inline const float* in_f32(const LayerRun& run, size_t i) { return run.kernel.input(i).data<float>(); }
inline float* out_f32(const LayerRun& run, size_t i) { return run.kernel.output(i).data<float>(); }
inline cudaStream_t stream_handle(const LayerRun& run) { return stream_of(run.stream).get(); }
/// The run's workspace as a device pointer and its size.
inline void* workspace_ptr(const LayerRun& run) { return run.workspace.data(); }

/// Internal unless every output of the run is pre-allocated device memory of the planned
/// shape (the runtime's contract for device backends), so tactics may write blindly.
Status check_outputs_planned(const LayerRun& run);

// ---- elementwise programs ----

/// The step that applies `a` (kind None: no step).
std::optional<kernels::EwStep> activation_step(const ops::Activation& a);
/// Fills p's index description for `inputs` broadcast to `out` (numpy rules; the caller has
/// checked they broadcast). False when the merged description needs more than kMaxRank dims
/// or more than kMaxInputs inputs.
bool describe_broadcast(const Shape& out, const std::vector<const Shape*>& inputs, kernels::EwProgram* p);
/// Whether describe_broadcast() can describe these shapes.
bool broadcast_fits(const Shape& out, const std::vector<Shape>& inputs);

/// The epilogue of a product (a convolution's or a GEMM's), y in place:
///   y = post(act(y [+ bias]) [+ z])
/// with `bias` broadcast per `bias_shape` (e.g. [1,K,1,1] for a convolution, [N] for a GEMM)
/// and z of y's shape. Queues nothing when there is nothing to do.
Status run_epilogue(float* y, const Shape& y_shape, const float* bias, const Shape& bias_shape, const float* z,
                    const ops::Epilogue& e, cudaStream_t stream);

}  // namespace hone::cuda
