// Elementwise programs on the GPU (kernels.hpp): unary and binary layers, FusedElementwise
// chains and the epilogues of cuDNN convolutions and cuBLASLt products (bias, activation,
// residual, post-activation) all run through this one kernel. A step's operation is the same
// for every thread, so the switch costs no divergence; the kernel is memory-bound.
#include <cmath>

#include "backends/cuda/cuda_check.hpp"
#include "backends/cuda/kernels/common.cuh"
#include "backends/cuda/kernels/kernels.hpp"

namespace hone::cuda::kernels {
namespace {

// The formulas of ops/activation.hpp and ops/fused_elementwise.cpp, in float.
__device__ __forceinline__ float sigmoid(float x) {
  // 1 / (1 + e^-x), written so that neither branch overflows.
  if (x >= 0) return 1.0f / (1.0f + expf(-x));
  const float e = expf(x);
  return e / (1.0f + e);
}
__device__ __forceinline__ float softplus(float x) { return fmaxf(x, 0.0f) + log1pf(expf(-fabsf(x))); }

__device__ __forceinline__ float unary(const EwStep& s, float x) {
  switch (s.op) {
    case EwOp::Relu: return x < 0 ? 0.0f : x;  // NaN stays NaN
    case EwOp::LeakyRelu: return x >= 0 ? x : s.alpha * x;
    case EwOp::Clip: {
      x = x < s.alpha ? s.alpha : x;
      return x > s.beta ? s.beta : x;
    }
    case EwOp::Sigmoid: return sigmoid(x);
    case EwOp::Tanh: return tanhf(x);
    case EwOp::HardSigmoid: return fmaxf(0.0f, fminf(1.0f, s.alpha * x + s.beta));
    case EwOp::HardSwish: return x * fmaxf(0.0f, fminf(1.0f, x / 6.0f + 0.5f));
    case EwOp::Swish: return x * sigmoid(s.alpha * x);
    case EwOp::Elu: return x >= 0 ? x : s.alpha * expm1f(x);
    case EwOp::Softplus: return softplus(x);
    case EwOp::Mish: return x * tanhf(softplus(x));
    case EwOp::Gelu: return 0.5f * x * (1.0f + erff(x * 0.70710678118654752440f));
    case EwOp::GeluTanh: return 0.5f * x * (1.0f + tanhf(0.79788456080286535588f * (x + 0.044715f * x * x * x)));
    case EwOp::Abs: return x < 0 ? 0.0f - x : x;
    case EwOp::Neg: return 0.0f - x;
    case EwOp::Exp: return expf(x);
    case EwOp::Log: return logf(x);
    case EwOp::Sqrt: return sqrtf(x);
    case EwOp::Reciprocal: return 1.0f / x;
    case EwOp::Erf: return erff(x);
    case EwOp::Floor: return floorf(x);
    case EwOp::Ceil: return ceilf(x);
    default: return x;
  }
}

__device__ __forceinline__ float binary(EwOp op, float a, float b) {
  switch (op) {
    case EwOp::Add: return a + b;
    case EwOp::Sub: return a - b;
    case EwOp::Mul: return a * b;
    case EwOp::Div: return a / b;
    case EwOp::Max: return isnan(a) || a >= b ? a : b;  // NaN propagates, as the reference
    case EwOp::Min: return isnan(a) || a <= b ? a : b;
    case EwOp::Pow: return static_cast<float>(pow(static_cast<double>(a), static_cast<double>(b)));
    default: return a;
  }
}

__device__ __forceinline__ bool is_binary(EwOp op) { return op >= EwOp::Add; }

__global__ void elementwise_kernel(const EwProgram p, float* __restrict__ y) {
  const int64_t stride = static_cast<int64_t>(gridDim.x) * blockDim.x;
  for (int64_t i = static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x; i < p.numel; i += stride) {
    // Element offsets of every input (fixed-size arrays indexed by unrolled constants only,
    // so they stay in registers).
    int64_t off[kMaxInputs];
#pragma unroll
    for (int k = 0; k < kMaxInputs; ++k) off[k] = p.rank == 0 ? i : 0;
    if (p.rank > 0) {
      int64_t rem = i;
      for (int d = p.rank - 1; d >= 0; --d) {
        const int64_t idx = rem % p.dims[d];
        rem /= p.dims[d];
#pragma unroll
        for (int k = 0; k < kMaxInputs; ++k) off[k] += idx * p.strides[k][d];
      }
    }
    float v = p.inputs[0][off[0]];
    for (int s = 0; s < p.num_steps; ++s) {
      const EwStep& st = p.steps[s];
      if (!is_binary(st.op)) {
        v = unary(st, v);
        continue;
      }
      float x = 0;
#pragma unroll
      for (int k = 1; k < kMaxInputs; ++k) {
        if (k == st.operand) x = p.inputs[k][off[k]];
      }
      v = st.swap ? binary(st.op, x, v) : binary(st.op, v, x);
    }
    y[i] = v;
  }
}

}  // namespace

Status elementwise(const EwProgram& p, float* y, cudaStream_t stream) {
  if (p.numel == 0) return Status::ok();
  elementwise_kernel<<<blocks_for(p.numel), kThreads, 0, stream>>>(p, y);
  return last_launch_error("elementwise_kernel");
}

}  // namespace hone::cuda::kernels
