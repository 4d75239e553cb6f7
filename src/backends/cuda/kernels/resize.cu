// Nearest-neighbour Resize (kernels.hpp). The source index of each output row and column is
// computed in double with the reference's formulas (ops/resize.cpp), so the same pixel is
// picked bit for bit.
#include <cmath>

#include "backends/cuda/cuda_check.hpp"
#include "backends/cuda/kernels/common.cuh"
#include "backends/cuda/kernels/kernels.hpp"

namespace hone::cuda::kernels {
namespace {

__device__ int64_t source_index(ResizeTransform t, NearestMode m, int64_t o, int64_t in, int64_t out, double scale) {
  const double oi = static_cast<double>(o), din = static_cast<double>(in), dout = static_cast<double>(out);
  double x = 0;
  switch (t) {
    case ResizeTransform::HalfPixel: x = (oi + 0.5) / scale - 0.5; break;
    case ResizeTransform::HalfPixelSymmetric: {
      const double adjustment = dout / (scale * din);
      x = din / 2 * (1 - adjustment) + (oi + 0.5) / scale - 0.5;
      break;
    }
    case ResizeTransform::PytorchHalfPixel: x = out > 1 ? (oi + 0.5) / scale - 0.5 : 0.0; break;
    case ResizeTransform::AlignCorners: {
      const double length = scale * din;
      x = length == 1 ? 0.0 : oi * (din - 1) / (length - 1);
      break;
    }
    case ResizeTransform::Asymmetric: x = oi / scale; break;
  }
  int64_t i = 0;
  switch (m) {
    case NearestMode::RoundPreferCeil: i = static_cast<int64_t>(floor(x + 0.5)); break;
    case NearestMode::Floor: i = static_cast<int64_t>(floor(x)); break;
    case NearestMode::Ceil: i = static_cast<int64_t>(ceil(x)); break;
    case NearestMode::RoundPreferFloor: i = static_cast<int64_t>(ceil(x - 0.5)); break;
  }
  return i < 0 ? 0 : (i >= in ? in - 1 : i);
}

__global__ void resize_nearest_kernel(const ResizeNearest r, const float* __restrict__ x, float* __restrict__ y) {
  const int64_t n = r.planes * r.out_h * r.out_w;
  const int64_t stride = static_cast<int64_t>(gridDim.x) * blockDim.x;
  for (int64_t i = static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x; i < n; i += stride) {
    const int64_t ow = i % r.out_w;
    const int64_t oh = i / r.out_w % r.out_h;
    const int64_t plane = i / (r.out_w * r.out_h);
    const int64_t ih = source_index(r.transform, r.nearest, oh, r.in_h, r.out_h, r.scale_h);
    const int64_t iw = source_index(r.transform, r.nearest, ow, r.in_w, r.out_w, r.scale_w);
    y[i] = x[(plane * r.in_h + ih) * r.in_w + iw];
  }
}

}  // namespace

Status resize_nearest(const ResizeNearest& r, const float* x, float* y, cudaStream_t stream) {
  const int64_t n = r.planes * r.out_h * r.out_w;
  if (n == 0) return Status::ok();
  resize_nearest_kernel<<<blocks_for(n), kThreads, 0, stream>>>(r, x, y);
  return last_launch_error("resize_nearest_kernel");
}

}  // namespace hone::cuda::kernels
