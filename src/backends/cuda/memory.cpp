// Device and pinned host allocations (memory.hpp).
#include "backends/cuda/memory.hpp"

#include <cuda_runtime_api.h>

#include "backends/cuda/cuda_check.hpp"
#include "backends/cuda/device.hpp"
#include "backends/cuda/stream.hpp"

namespace hone::cuda {
namespace {

// cudaMalloc returns 256-byte aligned memory; cudaMallocAsync too. Sizes are rounded up so a
// vectorized kernel's last 16-byte access never leaves the allocation.
constexpr size_t kGranule = 256;

size_t rounded(size_t bytes) { return bytes == 0 ? kGranule : (bytes + kGranule - 1) / kGranule * kGranule; }

}  // namespace

Result<Tensor> allocate_device(size_t bytes, const std::shared_ptr<Stream>& stream) {
  HONE_RETURN_IF_ERROR(use_device());
  void* p = nullptr;
  std::shared_ptr<void> owner;
  if (stream) {
    cudaStream_t s = stream_of(stream.get()).get();
    HONE_CUDA_RETURN_IF_ERROR(cudaMallocAsync(&p, rounded(bytes), s));
    // Freed in the stream's order; the deleter holds the stream so it outlives the memory.
    owner = std::shared_ptr<void>(p, [stream](void* q) { (void)cudaFreeAsync(q, stream_of(stream.get()).get()); });
  } else {
    HONE_CUDA_RETURN_IF_ERROR(cudaMalloc(&p, rounded(bytes)));
    owner = std::shared_ptr<void>(p, [](void* q) { (void)cudaFree(q); });
  }
  return Tensor::wrap_device(DataType::UInt8, {static_cast<int64_t>(bytes)}, p, std::move(owner));
}

Result<Tensor> allocate_pinned(size_t bytes) {
  HONE_RETURN_IF_ERROR(use_device());
  void* p = nullptr;
  HONE_CUDA_RETURN_IF_ERROR(cudaMallocHost(&p, rounded(bytes)));
  std::shared_ptr<void> owner(p, [](void* q) { (void)cudaFreeHost(q); });
  return Tensor::wrap(DataType::UInt8, {static_cast<int64_t>(bytes)}, p, std::move(owner));
}

}  // namespace hone::cuda
