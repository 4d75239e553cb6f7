// CUDA streams, their library handles and event timers (stream.hpp).
#include "backends/cuda/stream.hpp"

#include "backends/cuda/cuda_check.hpp"
#include "backends/cuda/device.hpp"

namespace hone::cuda {

Result<std::shared_ptr<CudaStream>> CudaStream::create() {
  HONE_RETURN_IF_ERROR(use_device());
  cudaStream_t s = nullptr;
  HONE_CUDA_RETURN_IF_ERROR(cudaStreamCreateWithFlags(&s, cudaStreamNonBlocking));
  return std::shared_ptr<CudaStream>(new CudaStream(s));
}

CudaStream::~CudaStream() {
  // Work still queued finishes first: allocations freed on this stream must not outlive it.
  (void)cudaStreamSynchronize(stream_);
  if (cudnn_) (void)cudnnDestroy(cudnn_);
  if (cublaslt_) (void)cublasLtDestroy(cublaslt_);
  (void)cudaStreamDestroy(stream_);
}

Status CudaStream::synchronize() {
  HONE_CUDA_RETURN_IF_ERROR(cudaStreamSynchronize(stream_));
  return Status::ok();
}

Result<cudnnHandle_t> CudaStream::cudnn() {
  if (!cudnn_) {
    cudnnHandle_t h = nullptr;
    HONE_CUDNN_RETURN_IF_ERROR(cudnnCreate(&h));
    const cudnnStatus_t s = cudnnSetStream(h, stream_);
    if (s != CUDNN_STATUS_SUCCESS) {
      (void)cudnnDestroy(h);
      return cudnn_error(s, "cudnnSetStream");
    }
    cudnn_ = h;
  }
  return cudnn_;
}

Result<cublasLtHandle_t> CudaStream::cublaslt() {
  if (!cublaslt_) HONE_CUBLAS_RETURN_IF_ERROR(cublasLtCreate(&cublaslt_));
  return cublaslt_;
}

Result<CudaStream*> thread_stream() {
  thread_local std::shared_ptr<CudaStream> stream;
  if (!stream) {
    HONE_ASSIGN_OR_RETURN(stream, CudaStream::create());
  }
  return stream.get();
}

Result<std::unique_ptr<EventTimer>> EventTimer::create(std::shared_ptr<Stream> stream) {
  HONE_RETURN_IF_ERROR(use_device());
  cudaEvent_t a = nullptr, b = nullptr;
  HONE_CUDA_RETURN_IF_ERROR(cudaEventCreate(&a));
  if (const cudaError_t e = cudaEventCreate(&b); e != cudaSuccess) {
    (void)cudaEventDestroy(a);
    return cuda_error(e, "cudaEventCreate");
  }
  return std::unique_ptr<EventTimer>(new EventTimer(std::move(stream), a, b));
}

EventTimer::~EventTimer() {
  (void)cudaEventDestroy(start_);
  (void)cudaEventDestroy(stop_);
}

Status EventTimer::start() {
  HONE_CUDA_RETURN_IF_ERROR(cudaEventRecord(start_, stream_of(stream_.get()).get()));
  return Status::ok();
}

Status EventTimer::stop() {
  HONE_CUDA_RETURN_IF_ERROR(cudaEventRecord(stop_, stream_of(stream_.get()).get()));
  return Status::ok();
}

Result<float> EventTimer::elapsed_ms() {
  HONE_CUDA_RETURN_IF_ERROR(cudaEventSynchronize(stop_));
  float ms = 0;
  HONE_CUDA_RETURN_IF_ERROR(cudaEventElapsedTime(&ms, start_, stop_));
  return ms;
}

}  // namespace hone::cuda
