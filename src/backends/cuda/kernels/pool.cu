// Pooling kernels (kernels.hpp): one thread per output element for windowed pools (windows
// are small: 2x2 to 7x7), one block per plane for the global pools.
#include <cfloat>

#include "backends/cuda/cuda_check.hpp"
#include "backends/cuda/kernels/common.cuh"
#include "backends/cuda/kernels/kernels.hpp"

namespace hone::cuda::kernels {
namespace {

__global__ void pool2d_kernel(const Pool2d g, const float* __restrict__ x, float* __restrict__ y) {
  const int64_t n = g.planes * g.out_h * g.out_w;
  const int64_t stride = static_cast<int64_t>(gridDim.x) * blockDim.x;
  for (int64_t i = static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x; i < n; i += stride) {
    const int64_t ow = i % g.out_w;
    const int64_t oh = i / g.out_w % g.out_h;
    const int64_t plane = i / (g.out_w * g.out_h);
    const float* xp = x + plane * g.in_h * g.in_w;
    float acc = g.average ? 0.0f : -INFINITY;
    bool any = false;
    int count = 0, padded = 0;
    for (int kh = 0; kh < g.kernel_h; ++kh) {
      const int64_t ih = oh * g.stride_h - g.pad_top + static_cast<int64_t>(kh) * g.dilation_h;
      for (int kw = 0; kw < g.kernel_w; ++kw) {
        const int64_t iw = ow * g.stride_w - g.pad_left + static_cast<int64_t>(kw) * g.dilation_w;
        if (ih >= -g.pad_top && ih < g.in_h + g.pad_bottom && iw >= -g.pad_left && iw < g.in_w + g.pad_right) ++padded;
        if (ih < 0 || ih >= g.in_h || iw < 0 || iw >= g.in_w) continue;
        const float v = xp[ih * g.in_w + iw];
        ++count;
        if (g.average) {
          acc += v;
        } else if (v > acc || !any) {  // the reference: the first value, then larger ones
          acc = v;
        }
        any = true;
      }
    }
    if (g.average) {
      const int d = g.count_include_pad ? padded : count;
      acc = d > 0 ? acc / static_cast<float>(d) : 0.0f;
    }
    y[i] = acc;
  }
}

// One block reduces one plane: each thread a strided part, then a shared-memory tree.
__global__ void global_pool_kernel(bool average, const float* __restrict__ x, float* __restrict__ y, int64_t plane) {
  __shared__ float partial[kThreads];
  const float* xp = x + static_cast<int64_t>(blockIdx.x) * plane;
  float acc = average ? 0.0f : -INFINITY;
  for (int64_t i = threadIdx.x; i < plane; i += blockDim.x) {
    const float v = xp[i];
    acc = average ? acc + v : (acc < v ? v : acc);  // max ignores NaN, as std::max(acc, v)
  }
  partial[threadIdx.x] = acc;
  __syncthreads();
  for (int half = blockDim.x / 2; half > 0; half /= 2) {
    if (threadIdx.x < half) {
      const float a = partial[threadIdx.x], b = partial[threadIdx.x + half];
      partial[threadIdx.x] = average ? a + b : (a < b ? b : a);
    }
    __syncthreads();
  }
  if (threadIdx.x == 0) y[blockIdx.x] = average ? partial[0] / static_cast<float>(plane) : partial[0];
}

}  // namespace

Status pool2d(const Pool2d& g, const float* x, float* y, cudaStream_t stream) {
  const int64_t n = g.planes * g.out_h * g.out_w;
  if (n == 0) return Status::ok();
  pool2d_kernel<<<blocks_for(n), kThreads, 0, stream>>>(g, x, y);
  return last_launch_error("pool2d_kernel");
}

Status global_pool(bool average, const float* x, float* y, int64_t planes, int64_t plane, cudaStream_t stream) {
  if (planes == 0) return Status::ok();
  if (planes > 0x7fffffff) return unsupported("global pool over more than 2^31 planes");
  global_pool_kernel<<<static_cast<unsigned>(planes), kThreads, 0, stream>>>(average, x, y, plane);
  return last_launch_error("global_pool_kernel");
}

}  // namespace hone::cuda::kernels
