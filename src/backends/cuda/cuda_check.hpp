// Turning CUDA, cuBLASLt and cuDNN return codes into hone::Status, for every file of the CUDA
// backend: one line naming the call and the library's reason, with out-of-memory reported as
// such (OutOfRange "out of device memory") and a missing device or driver as Unsupported.
#pragma once

#include <cublasLt.h>
#include <cuda_runtime_api.h>
#include <cudnn.h>

#include "hone/status.hpp"

namespace hone::cuda {

/// The Status for a failed CUDA runtime call `what` ("cudaMallocAsync"); clears the error
/// when it is not sticky, so the next call starts clean.
Status cuda_error(cudaError_t e, const char* what);
Status cublas_error(cublasStatus_t s, const char* what);
Status cudnn_error(cudnnStatus_t s, const char* what);

/// The error of the last kernel launch on this thread (launch configuration, missing
/// machine code for this GPU), as a Status naming `kernel`.
Status last_launch_error(const char* kernel);

/// Whether cuBLASLt could be loaded (it is opened on first use, not linked:
/// cublaslt_loader.cpp); Unsupported with the loader's reason otherwise.
Status cublaslt_available();

}  // namespace hone::cuda

/// Returns a Status from the enclosing function when the CUDA runtime call fails.
#define HONE_CUDA_RETURN_IF_ERROR(expr)                                                \
  do {                                                                                 \
    const cudaError_t hone_cuda_err_ = (expr);                                         \
    if (hone_cuda_err_ != cudaSuccess) return ::hone::cuda::cuda_error(hone_cuda_err_, #expr); \
  } while (0)
#define HONE_CUBLAS_RETURN_IF_ERROR(expr)                                                          \
  do {                                                                                             \
    const cublasStatus_t hone_cublas_st_ = (expr);                                                 \
    if (hone_cublas_st_ != CUBLAS_STATUS_SUCCESS) return ::hone::cuda::cublas_error(hone_cublas_st_, #expr); \
  } while (0)
#define HONE_CUDNN_RETURN_IF_ERROR(expr)                                                        \
  do {                                                                                          \
    const cudnnStatus_t hone_cudnn_st_ = (expr);                                                \
    if (hone_cudnn_st_ != CUDNN_STATUS_SUCCESS) return ::hone::cuda::cudnn_error(hone_cudnn_st_, #expr); \
  } while (0)
