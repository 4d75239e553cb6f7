// Row-major float32 matrix products through cuBLASLt, for the GEMM and 1x1-convolution
// tactics:
//
//   Y[b] (M x N) = alpha * op(A[b]) (M x K) * op(B[b]) (K x N) + beta * Y[b]  [+ bias] [relu]
//
// cuBLASLt is column-major: a row-major X is the column-major X^T, so Hone computes
// Y^T = op(B)^T op(A)^T, i.e. cuBLASLt's "A" is our B and its "B" our A, and D is N x M with
// leading dimension N. Its bias epilogue adds a vector along D's rows: one value per column
// n of our Y (a Gemm's [N] bias). Compute is CUBLAS_COMPUTE_32F (true FP32, no TF32).
#pragma once

#include <cstdint>
#include <optional>

#include "backends/backend.hpp"
#include "backends/cuda/stream.hpp"

namespace hone::cuda {

struct GemmProblem {
  int64_t m = 0, n = 0, k = 0;
  bool trans_a = false;  // A stored K x M (row-major), else M x K
  bool trans_b = false;  // B stored N x K, else K x N
  int64_t batch = 1;
  int64_t stride_a = 0, stride_b = 0, stride_y = 0;  // elements between batch items; 0 repeats one
  float alpha = 1, beta = 0;                         // beta != 0 reads Y (as C) before writing
  bool bias = false;                                 // add a [N] vector (cuBLASLt epilogue)
  bool relu = false;                                 // max(0, .) after the bias (epilogue)
};

/// Workspace the products may use (what the GEMM tactics report as workspace_bytes).
inline constexpr size_t kGemmWorkspaceBytes = size_t{8} << 20;

/// The algorithm cuBLASLt's heuristic ranks first for `p`, assuming 16-byte aligned operands,
/// as a 64-byte UInt8 host tensor (cublasLtMatmulAlgo_t: serializable for the same cuBLAS
/// version) to keep in the layer's packed tensors. Needs the device.
Result<Tensor> choose_gemm_algo(const GemmProblem& p);

/// Queues the product. `algo` (from choose_gemm_algo) is used when the operands are as
/// aligned as it assumed, else the heuristic is asked again for these pointers.
Status run_gemm(const GemmProblem& p, const float* a, const float* b, float* y, const float* bias,
                const Tensor* algo, void* workspace, size_t workspace_bytes, CudaStream& stream);

}  // namespace hone::cuda
