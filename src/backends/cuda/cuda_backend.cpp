// The CUDA backend (backend.hpp): device 0's identity, its memory, streams, copies and timers,
// and the tactic list. There is no reference fallback: a layer no CUDA tactic supports makes
// the build fail with every such layer listed (as TensorRT does), rather than running it on
// the CPU behind the user's back (docs/cuda.md).
#include <cuda_runtime_api.h>

#include "backends/backend.hpp"
#include "backends/cuda/cuda_check.hpp"
#include "backends/cuda/cuda_tactics.hpp"
#include "backends/cuda/device.hpp"
#include "backends/cuda/memory.hpp"
#include "backends/cuda/stream.hpp"

namespace hone::cuda {
namespace {

class CudaBackend final : public Backend {
 public:
  CudaBackend() {
    // Convolutions: cuDNN first (its own algorithm search), the cuBLASLt 1x1 form competes.
    tactics_ = {&conv_tactic(), &conv1x1_gemm_tactic(), &gemm_tactic(), &elementwise_tactic()};
    for (const Tactic* t : pool_tactics()) tactics_.push_back(t);
    for (const Tactic* t : data_movement_tactics()) tactics_.push_back(t);
  }

  std::string_view device() const override { return "cuda"; }
  MemorySpace memory_space() const override { return MemorySpace::Device; }
  std::vector<const Tactic*> tactics() const override { return tactics_; }
  // blocked_channels() keeps the default 0: the blocked NCHW[b]c layout is a CPU layout.

  Status check_available() const override {
    HONE_RETURN_IF_ERROR(device_info().status());
    return cublaslt_available();  // loaded here, not at process start (cublaslt_loader.cpp)
  }

  std::string device_name() const override {
    const auto& d = device_info();
    return d.is_ok() ? d->name : std::string("no CUDA device");
  }

  std::string device_arch() const override {
    const auto& d = device_info();
    return d.is_ok() ? d->arch() : std::string();
  }

  Result<std::shared_ptr<Stream>> create_stream() const override {
    HONE_ASSIGN_OR_RETURN(std::shared_ptr<CudaStream> s, CudaStream::create());
    return std::shared_ptr<Stream>(std::move(s));
  }

  Result<Tensor> allocate(size_t bytes, const std::shared_ptr<Stream>& stream) const override {
    return allocate_device(bytes, stream);
  }

  Result<Tensor> allocate_host(size_t bytes) const override { return allocate_pinned(bytes); }

  Status copy(void* dst, const void* src, size_t bytes, Stream& stream) const override {
    if (bytes == 0) return Status::ok();
    HONE_CUDA_RETURN_IF_ERROR(cudaMemcpyAsync(dst, src, bytes, cudaMemcpyDefault, stream_of(&stream).get()));
    return Status::ok();
  }

  Result<std::unique_ptr<StreamTimer>> create_timer(const std::shared_ptr<Stream>& stream) const override {
    HONE_ASSIGN_OR_RETURN(std::unique_ptr<EventTimer> t, EventTimer::create(stream));
    return std::unique_ptr<StreamTimer>(std::move(t));
  }

  Status check_engine_target(const std::string& arch, const std::string& built_on) const override {
    HONE_RETURN_IF_ERROR(check_available());
    // Machine code is per architecture, and the tactics' choices (cuDNN algorithms, cuBLASLt
    // configurations) were timed on that GPU: another architecture needs a rebuild.
    if (arch == device_arch()) return Status::ok();
    return unsupported("engine was built for " + (arch.empty() ? std::string("an unknown architecture") : arch) +
                       " ('" + built_on + "'); this GPU is " + device_arch() + " ('" + device_name() +
                       "'): rebuild it here with `hone build --device cuda`");
  }

 private:
  std::vector<const Tactic*> tactics_;
};

}  // namespace
}  // namespace hone::cuda

namespace hone {

const Backend& cuda_backend() {
  static const cuda::CudaBackend backend;
  return backend;
}

}  // namespace hone
