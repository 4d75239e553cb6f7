// Strided copies (kernels.hpp): Transpose and Slice as one gather kernel, y in order and x
// read through per-dimension strides. Concat and Split need no kernel: they are 2-D copies
// (cudaMemcpy2DAsync) issued by their tactics.
#include "backends/cuda/cuda_check.hpp"
#include "backends/cuda/kernels/common.cuh"
#include "backends/cuda/kernels/kernels.hpp"

namespace hone::cuda::kernels {
namespace {

__global__ void strided_copy_kernel(const Gather g, const float* __restrict__ x, float* __restrict__ y) {
  const int64_t stride = static_cast<int64_t>(gridDim.x) * blockDim.x;
  for (int64_t i = static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x; i < g.numel; i += stride) {
    int64_t rem = i, off = g.start;
    for (int d = g.rank - 1; d >= 0; --d) {
      off += rem % g.dims[d] * g.strides[d];
      rem /= g.dims[d];
    }
    y[i] = x[off];
  }
}

}  // namespace

Status strided_copy(const Gather& g, const float* x, float* y, cudaStream_t stream) {
  if (g.numel == 0) return Status::ok();
  strided_copy_kernel<<<blocks_for(g.numel), kThreads, 0, stream>>>(g, x, y);
  return last_launch_error("strided_copy_kernel");
}

}  // namespace hone::cuda::kernels
