// The CUDA backend's own kernels, as plain C++ entry points for the tactics (compiled by the
// host compiler; the bodies are the .cu files beside this header, the only sources nvcc
// compiles). Every entry point queues work on `stream` and returns at once; a Status is
// returned for launch errors. Tensors are float32, dense and row-major unless said otherwise;
// pointers need only 4-byte alignment (Concat slices start anywhere).
#pragma once

#include <cstdint>

#include <cuda_runtime_api.h>

#include "hone/status.hpp"

namespace hone::cuda::kernels {

inline constexpr int kMaxRank = 8;      // dims of an index description (after merging)
inline constexpr int kMaxInputs = 8;    // inputs of one elementwise program
inline constexpr int kMaxSteps = 16;    // steps of one elementwise program

// ---- elementwise programs (elementwise.cu) ----

/// The operations of an elementwise step. Unary ones map v; binary ones combine v with an
/// input (v = op(v, x) or, swapped, op(x, v)). Formulas are ops/activation.hpp's and
/// ops/fused_elementwise.cpp's, in float.
enum class EwOp : uint8_t {
  // unary activations (alpha, beta as Activation's)
  Relu, LeakyRelu, Clip, Sigmoid, Tanh, HardSigmoid, HardSwish, Swish, Elu, Softplus, Mish, Gelu, GeluTanh,
  // unary math
  Abs, Neg, Exp, Log, Sqrt, Reciprocal, Erf, Floor, Ceil,
  // binary
  Add, Sub, Mul, Div, Max, Min, Pow,
};

struct EwStep {
  EwOp op = EwOp::Relu;
  int8_t operand = -1;  // binary: the input it reads (1 .. num_inputs-1)
  bool swap = false;    // binary: v = op(x, v)
  float alpha = 0, beta = 0;
};

/// y[i] = steps applied in order to x0[i], every input broadcast to y (numpy rules) through
/// an index description: y's dims with size-1 dims dropped and mergeable dims merged
/// (ops::elementwise::merge_broadcast_dims), and each input's element stride per dim (0 where
/// it broadcasts). rank 0 means every input has y's shape (one linear index). y may be an
/// input (in place: each element is read before it is written, by the same thread).
struct EwProgram {
  int num_steps = 0;
  EwStep steps[kMaxSteps];
  int num_inputs = 0;
  const float* inputs[kMaxInputs] = {};
  int rank = 0;
  int64_t dims[kMaxRank] = {};
  int64_t strides[kMaxInputs][kMaxRank] = {};
  int64_t numel = 0;
};
Status elementwise(const EwProgram& p, float* y, cudaStream_t stream);

// ---- pooling (pool.cu) ----

/// 2-D max / average pooling over planes [planes, in_h, in_w] -> [planes, out_h, out_w] with
/// the reference's window: output (oh, ow) reads x[oh * stride_h - pad_top + kh * dilation_h]
/// [ow * stride_w - pad_left + kw * dilation_w] over the positions inside the input; max
/// ignores NaN after the first value, average divides by the positions inside the input (with
/// count_include_pad: inside [-pad, in + pad_end)), 0 when there are none.
struct Pool2d {
  int64_t planes = 0, in_h = 0, in_w = 0, out_h = 0, out_w = 0;
  int32_t kernel_h = 1, kernel_w = 1, stride_h = 1, stride_w = 1, dilation_h = 1, dilation_w = 1;
  int32_t pad_top = 0, pad_left = 0, pad_bottom = 0, pad_right = 0;
  bool average = false;
  bool count_include_pad = false;
};
Status pool2d(const Pool2d& g, const float* x, float* y, cudaStream_t stream);
/// y[p] = max or mean of x[p * plane, (p + 1) * plane), one block per plane.
Status global_pool(bool average, const float* x, float* y, int64_t planes, int64_t plane, cudaStream_t stream);

// ---- data movement (data_movement.cu) ----

/// y[i] = x[offset(i)], where i walks y's dims and x's element offset is start + the sum of
/// index[d] * strides[d]: Transpose (permuted strides) and Slice (start offset, stepped
/// strides, negative for reversed steps) in one kernel.
struct Gather {
  int rank = 0;
  int64_t dims[kMaxRank] = {};     // y's dims
  int64_t strides[kMaxRank] = {};  // x's element stride per y dim
  int64_t start = 0;
  int64_t numel = 0;
};
Status strided_copy(const Gather& g, const float* x, float* y, cudaStream_t stream);

// ---- resize (resize.cu) ----

/// Nearest-neighbour Resize of planes [planes, in_h, in_w] -> [planes, out_h, out_w]: the
/// source index of output o along an axis is the reference's (ops/resize.cpp), computed in
/// double: x = transform(o), then nearest_mode, clamped to [0, in - 1].
enum class ResizeTransform : uint8_t { HalfPixel, HalfPixelSymmetric, PytorchHalfPixel, AlignCorners, Asymmetric };
enum class NearestMode : uint8_t { RoundPreferFloor, RoundPreferCeil, Floor, Ceil };
struct ResizeNearest {
  int64_t planes = 0, in_h = 0, in_w = 0, out_h = 0, out_w = 0;
  double scale_h = 1, scale_w = 1;
  ResizeTransform transform = ResizeTransform::Asymmetric;
  NearestMode nearest = NearestMode::Floor;
};
Status resize_nearest(const ResizeNearest& r, const float* x, float* y, cudaStream_t stream);

// ---- softmax (softmax.cu) ----

/// Softmax over `axis_len` elements spaced `inner` apart, for outer * inner independent rows:
/// y = exp(x - max) / sum(exp(x - max)). inner == 1 is a contiguous row (one warp per row).
Status softmax(const float* x, float* y, int64_t outer, int64_t axis_len, int64_t inner, bool log, cudaStream_t stream);

}  // namespace hone::cuda::kernels
