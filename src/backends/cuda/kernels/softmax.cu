// Softmax and LogSoftmax (kernels.hpp): contiguous rows (inner == 1) get one warp per row,
// reducing with shuffles; rows with a stride (softmax over a middle axis) one thread per row.
// Both take the max first, so exp never overflows: y = exp(x - m) / sum exp(x - m).
#include <cmath>

#include "backends/cuda/cuda_check.hpp"
#include "backends/cuda/kernels/common.cuh"
#include "backends/cuda/kernels/kernels.hpp"

namespace hone::cuda::kernels {
namespace {

__device__ __forceinline__ float warp_max(float v) {
  for (int o = 16; o > 0; o /= 2) v = fmaxf(v, __shfl_xor_sync(0xffffffffu, v, o));
  return v;
}
__device__ __forceinline__ float warp_sum(float v) {
  for (int o = 16; o > 0; o /= 2) v += __shfl_xor_sync(0xffffffffu, v, o);
  return v;
}

__global__ void softmax_rows_kernel(const float* __restrict__ x, float* __restrict__ y, int64_t rows, int64_t len,
                                    bool log) {
  const int64_t warps = static_cast<int64_t>(gridDim.x) * (blockDim.x / 32);
  const int lane = threadIdx.x % 32;
  for (int64_t row = static_cast<int64_t>(blockIdx.x) * (blockDim.x / 32) + threadIdx.x / 32; row < rows;
       row += warps) {
    const float* xr = x + row * len;
    float* yr = y + row * len;
    float m = -INFINITY;
    for (int64_t i = lane; i < len; i += 32) m = fmaxf(m, xr[i]);
    m = warp_max(m);
    float sum = 0;
    for (int64_t i = lane; i < len; i += 32) sum += expf(xr[i] - m);
    sum = warp_sum(sum);
    if (log) {
      const float ls = logf(sum);
      for (int64_t i = lane; i < len; i += 32) yr[i] = xr[i] - m - ls;
    } else {
      const float inv = 1.0f / sum;
      for (int64_t i = lane; i < len; i += 32) yr[i] = expf(xr[i] - m) * inv;
    }
  }
}

__global__ void softmax_strided_kernel(const float* __restrict__ x, float* __restrict__ y, int64_t outer, int64_t len,
                                       int64_t inner, bool log) {
  const int64_t n = outer * inner;
  const int64_t stride = static_cast<int64_t>(gridDim.x) * blockDim.x;
  for (int64_t r = static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x; r < n; r += stride) {
    const int64_t base = r / inner * len * inner + r % inner;
    float m = -INFINITY;
    for (int64_t i = 0; i < len; ++i) m = fmaxf(m, x[base + i * inner]);
    float sum = 0;
    for (int64_t i = 0; i < len; ++i) sum += expf(x[base + i * inner] - m);
    if (log) {
      const float ls = logf(sum);
      for (int64_t i = 0; i < len; ++i) y[base + i * inner] = x[base + i * inner] - m - ls;
    } else {
      const float inv = 1.0f / sum;
      for (int64_t i = 0; i < len; ++i) y[base + i * inner] = expf(x[base + i * inner] - m) * inv;
    }
  }
}

}  // namespace

Status softmax(const float* x, float* y, int64_t outer, int64_t axis_len, int64_t inner, bool log, cudaStream_t stream) {
  if (outer * inner == 0 || axis_len == 0) return Status::ok();
  if (inner == 1) {
    softmax_rows_kernel<<<blocks_for(outer * 32), kThreads, 0, stream>>>(x, y, outer, axis_len, log);
    return last_launch_error("softmax_rows_kernel");
  }
  softmax_strided_kernel<<<blocks_for(outer * inner), kThreads, 0, stream>>>(x, y, outer, axis_len, inner, log);
  return last_launch_error("softmax_strided_kernel");
}

}  // namespace hone::cuda::kernels
