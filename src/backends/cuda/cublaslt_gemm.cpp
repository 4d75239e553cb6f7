// cuBLASLt row-major products (cublaslt_gemm.hpp).
#include "backends/cuda/cublaslt_gemm.hpp"

#include <cstring>
#include <memory>

#include "backends/cuda/cuda_check.hpp"
#include "backends/cuda/device.hpp"

namespace hone::cuda {
namespace {

// Descriptors of one product, destroyed together.
struct Descriptors {
  cublasLtMatmulDesc_t op = nullptr;
  cublasLtMatrixLayout_t a = nullptr, b = nullptr, d = nullptr;
  ~Descriptors() {
    if (op) (void)cublasLtMatmulDescDestroy(op);
    if (a) (void)cublasLtMatrixLayoutDestroy(a);
    if (b) (void)cublasLtMatrixLayoutDestroy(b);
    if (d) (void)cublasLtMatrixLayoutDestroy(d);
  }
};

Status layout(cublasLtMatrixLayout_t* out, int64_t rows, int64_t cols, int64_t ld, int64_t batch, int64_t stride) {
  HONE_CUBLAS_RETURN_IF_ERROR(cublasLtMatrixLayoutCreate(out, CUDA_R_32F, static_cast<uint64_t>(rows),
                                                         static_cast<uint64_t>(cols), ld));
  if (batch > 1) {
    const int32_t count = static_cast<int32_t>(batch);
    HONE_CUBLAS_RETURN_IF_ERROR(
        cublasLtMatrixLayoutSetAttribute(*out, CUBLASLT_MATRIX_LAYOUT_BATCH_COUNT, &count, sizeof(count)));
    HONE_CUBLAS_RETURN_IF_ERROR(
        cublasLtMatrixLayoutSetAttribute(*out, CUBLASLT_MATRIX_LAYOUT_STRIDED_BATCH_OFFSET, &stride, sizeof(stride)));
  }
  return Status::ok();
}

// The column-major problem D (N x M) = opA(B) opB(A) of the row-major one (see the header).
Status describe(const GemmProblem& p, const float* bias, Descriptors* d) {
  if (p.batch > INT32_MAX) return unsupported("more than 2^31 matrix products in one batch");
  HONE_CUBLAS_RETURN_IF_ERROR(cublasLtMatmulDescCreate(&d->op, CUBLAS_COMPUTE_32F, CUDA_R_32F));
  const cublasOperation_t op_a = p.trans_b ? CUBLAS_OP_T : CUBLAS_OP_N;  // cuBLASLt's A is our B
  const cublasOperation_t op_b = p.trans_a ? CUBLAS_OP_T : CUBLAS_OP_N;
  HONE_CUBLAS_RETURN_IF_ERROR(cublasLtMatmulDescSetAttribute(d->op, CUBLASLT_MATMUL_DESC_TRANSA, &op_a, sizeof(op_a)));
  HONE_CUBLAS_RETURN_IF_ERROR(cublasLtMatmulDescSetAttribute(d->op, CUBLASLT_MATMUL_DESC_TRANSB, &op_b, sizeof(op_b)));
  cublasLtEpilogue_t epilogue = CUBLASLT_EPILOGUE_DEFAULT;
  if (p.bias && p.relu) epilogue = CUBLASLT_EPILOGUE_RELU_BIAS;
  else if (p.bias) epilogue = CUBLASLT_EPILOGUE_BIAS;
  else if (p.relu) epilogue = CUBLASLT_EPILOGUE_RELU;
  HONE_CUBLAS_RETURN_IF_ERROR(
      cublasLtMatmulDescSetAttribute(d->op, CUBLASLT_MATMUL_DESC_EPILOGUE, &epilogue, sizeof(epilogue)));
  if (p.bias) {
    HONE_CUBLAS_RETURN_IF_ERROR(
        cublasLtMatmulDescSetAttribute(d->op, CUBLASLT_MATMUL_DESC_BIAS_POINTER, &bias, sizeof(bias)));
    const int64_t bias_stride = 0;  // one bias for every batch item
    if (p.batch > 1) {
      HONE_CUBLAS_RETURN_IF_ERROR(cublasLtMatmulDescSetAttribute(d->op, CUBLASLT_MATMUL_DESC_BIAS_BATCH_STRIDE,
                                                                 &bias_stride, sizeof(bias_stride)));
    }
  }
  // Our B: K x N row-major = N x K column-major (ld N); transposed it is stored N x K (ld K).
  if (p.trans_b) HONE_RETURN_IF_ERROR(layout(&d->a, p.k, p.n, p.k, p.batch, p.stride_b));
  else HONE_RETURN_IF_ERROR(layout(&d->a, p.n, p.k, p.n, p.batch, p.stride_b));
  // Our A: M x K row-major = K x M column-major (ld K); transposed, stored K x M (ld M).
  if (p.trans_a) HONE_RETURN_IF_ERROR(layout(&d->b, p.m, p.k, p.m, p.batch, p.stride_a));
  else HONE_RETURN_IF_ERROR(layout(&d->b, p.k, p.m, p.k, p.batch, p.stride_a));
  HONE_RETURN_IF_ERROR(layout(&d->d, p.n, p.m, p.n, p.batch, p.stride_y));
  return Status::ok();
}

// The largest power of two (up to 256) dividing the address and the batch stride in bytes.
uint32_t alignment_of(const void* ptr, int64_t stride_elements) {
  uint64_t v = reinterpret_cast<uintptr_t>(ptr) | 256u;
  if (stride_elements != 0) v |= static_cast<uint64_t>(stride_elements) * sizeof(float);
  return static_cast<uint32_t>(v & (~v + 1));
}

Result<cublasLtMatmulAlgo_t> heuristic(cublasLtHandle_t handle, const Descriptors& d, uint32_t align_a,
                                       uint32_t align_b, uint32_t align_d) {
  cublasLtMatmulPreference_t pref = nullptr;
  HONE_CUBLAS_RETURN_IF_ERROR(cublasLtMatmulPreferenceCreate(&pref));
  std::unique_ptr<cublasLtMatmulPreferenceOpaque_t, void (*)(cublasLtMatmulPreference_t)> guard(
      pref, [](cublasLtMatmulPreference_t q) { (void)cublasLtMatmulPreferenceDestroy(q); });
  const uint64_t workspace = kGemmWorkspaceBytes;
  HONE_CUBLAS_RETURN_IF_ERROR(cublasLtMatmulPreferenceSetAttribute(pref, CUBLASLT_MATMUL_PREF_MAX_WORKSPACE_BYTES,
                                                                   &workspace, sizeof(workspace)));
  // Swapped like the operands: cuBLASLt's A is our B.
  HONE_CUBLAS_RETURN_IF_ERROR(cublasLtMatmulPreferenceSetAttribute(pref, CUBLASLT_MATMUL_PREF_MIN_ALIGNMENT_A_BYTES,
                                                                   &align_b, sizeof(align_b)));
  HONE_CUBLAS_RETURN_IF_ERROR(cublasLtMatmulPreferenceSetAttribute(pref, CUBLASLT_MATMUL_PREF_MIN_ALIGNMENT_B_BYTES,
                                                                   &align_a, sizeof(align_a)));
  HONE_CUBLAS_RETURN_IF_ERROR(cublasLtMatmulPreferenceSetAttribute(pref, CUBLASLT_MATMUL_PREF_MIN_ALIGNMENT_C_BYTES,
                                                                   &align_d, sizeof(align_d)));
  HONE_CUBLAS_RETURN_IF_ERROR(cublasLtMatmulPreferenceSetAttribute(pref, CUBLASLT_MATMUL_PREF_MIN_ALIGNMENT_D_BYTES,
                                                                   &align_d, sizeof(align_d)));
  cublasLtMatmulHeuristicResult_t result{};
  int found = 0;
  HONE_CUBLAS_RETURN_IF_ERROR(
      cublasLtMatmulAlgoGetHeuristic(handle, d.op, d.a, d.b, d.d, d.d, pref, 1, &result, &found));
  if (found == 0 || result.state != CUBLAS_STATUS_SUCCESS) {
    return unsupported("cuBLASLt has no algorithm for this product");
  }
  return result.algo;
}

constexpr uint32_t kAssumedAlignment = 16;

}  // namespace

Result<Tensor> choose_gemm_algo(const GemmProblem& p) {
  // prepare() runs outside any context: the thread's own stream and handle.
  HONE_ASSIGN_OR_RETURN(CudaStream * stream, thread_stream());
  HONE_ASSIGN_OR_RETURN(cublasLtHandle_t handle, stream->cublaslt());
  Descriptors d;
  // The bias pointer is not read while choosing; any non-null address describes the epilogue.
  static const float kAnyBias = 0;
  HONE_RETURN_IF_ERROR(describe(p, &kAnyBias, &d));
  HONE_ASSIGN_OR_RETURN(cublasLtMatmulAlgo_t algo,
                        heuristic(handle, d, kAssumedAlignment, kAssumedAlignment, kAssumedAlignment));
  Tensor t = Tensor::zeros(DataType::UInt8, {static_cast<int64_t>(sizeof(algo))});
  std::memcpy(t.raw(), &algo, sizeof(algo));
  return t;
}

Status run_gemm(const GemmProblem& p, const float* a, const float* b, float* y, const float* bias, const Tensor* algo,
                void* workspace, size_t workspace_bytes, CudaStream& stream) {
  if (p.m == 0 || p.n == 0 || p.batch == 0) return Status::ok();
  HONE_ASSIGN_OR_RETURN(cublasLtHandle_t handle, stream.cublaslt());
  Descriptors d;
  HONE_RETURN_IF_ERROR(describe(p, bias, &d));
  const uint32_t align_a = alignment_of(a, p.stride_a), align_b = alignment_of(b, p.stride_b);
  const uint32_t align_d = alignment_of(y, p.stride_y);
  cublasLtMatmulAlgo_t chosen{};
  if (algo && algo->nbytes() == sizeof(chosen) && align_a >= kAssumedAlignment && align_b >= kAssumedAlignment &&
      align_d >= kAssumedAlignment) {
    std::memcpy(&chosen, algo->raw(), sizeof(chosen));
  } else {
    HONE_ASSIGN_OR_RETURN(chosen, heuristic(handle, d, align_a, align_b, align_d));
  }
  // K == 0: the product is zero; cuBLASLt still applies beta, the bias and the epilogue.
  HONE_CUBLAS_RETURN_IF_ERROR(cublasLtMatmul(handle, d.op, &p.alpha, b, d.a, a, d.b, &p.beta, y, d.d, y, d.d, &chosen,
                                             workspace, std::min(workspace_bytes, kGemmWorkspaceBytes), stream.get()));
  return Status::ok();
}

}  // namespace hone::cuda
