// The CUDA stream of an execution context (or of the tuner) with the library handles bound to
// it: cuDNN and cuBLASLt handles are created on first use and kept with the stream, since a
// handle must not be used by two streams at once. Events time device work between two
// points of the stream (the profiler's and the tuner's clock).
#pragma once

#include <memory>

#include <cublasLt.h>
#include <cuda_runtime_api.h>
#include <cudnn.h>

#include "backends/backend.hpp"

namespace hone::cuda {

class CudaStream final : public Stream {
 public:
  /// A new non-blocking stream on the device (cudaStreamNonBlocking: it does not wait for
  /// the legacy default stream). Unsupported "no CUDA device: ..." when there is none.
  static Result<std::shared_ptr<CudaStream>> create();
  ~CudaStream() override;
  CudaStream(const CudaStream&) = delete;
  CudaStream& operator=(const CudaStream&) = delete;

  void* native() const override { return stream_; }
  cudaStream_t get() const { return stream_; }
  Status synchronize() override;

  /// The cuDNN handle of this stream (cudnnCreate + cudnnSetStream on first use).
  Result<cudnnHandle_t> cudnn();
  /// The cuBLASLt handle (cublasLt handles are not bound to a stream; one per stream keeps
  /// them from being shared across threads).
  Result<cublasLtHandle_t> cublaslt();

 private:
  explicit CudaStream(cudaStream_t s) : stream_(s) {}
  cudaStream_t stream_ = nullptr;
  cudnnHandle_t cudnn_ = nullptr;
  cublasLtHandle_t cublaslt_ = nullptr;
};

/// A stream of the calling thread for device work outside any context (tactics' prepare()
/// choosing algorithms at build time), with its handles: made once per thread, kept until the
/// thread ends, so a build does not create a cuDNN handle per layer.
Result<CudaStream*> thread_stream();

/// The CUDA stream of a tactic's run (LayerRun::stream of the CUDA backend is always one).
inline CudaStream& stream_of(Stream* s) { return *static_cast<CudaStream*>(s); }

/// Two events on one stream (StreamTimer).
class EventTimer final : public StreamTimer {
 public:
  static Result<std::unique_ptr<EventTimer>> create(std::shared_ptr<Stream> stream);
  ~EventTimer() override;
  Status start() override;
  Status stop() override;
  Result<float> elapsed_ms() override;

 private:
  EventTimer(std::shared_ptr<Stream> stream, cudaEvent_t a, cudaEvent_t b)
      : stream_(std::move(stream)), start_(a), stop_(b) {}
  std::shared_ptr<Stream> stream_;
  cudaEvent_t start_ = nullptr, stop_ = nullptr;
};

}  // namespace hone::cuda
