// CUDA, cuBLASLt and cuDNN errors as Status (cuda_check.hpp).
#include "backends/cuda/cuda_check.hpp"

#include <string>

namespace hone::cuda {
namespace {

// "cudaMallocAsync(&p, bytes, stream)" -> "cudaMallocAsync": messages name the call only.
std::string call_name(const char* what) {
  std::string s(what);
  const size_t paren = s.find('(');
  return paren == std::string::npos ? s : s.substr(0, paren);
}

}  // namespace

Status cuda_error(cudaError_t e, const char* what) {
  // Non-sticky errors (bad arguments, out of memory) are cleared so the context stays usable;
  // sticky ones (a kernel fault) stay and every later call reports them.
  (void)cudaGetLastError();
  const std::string reason = std::string(cudaGetErrorString(e)) + " (" + cudaGetErrorName(e) + ")";
  switch (e) {
    case cudaErrorMemoryAllocation:
      return out_of_range("out of device memory: " + call_name(what) + ": " + reason);
    case cudaErrorNoDevice:
    case cudaErrorInsufficientDriver:
    case cudaErrorInvalidDevice:
    case cudaErrorDevicesUnavailable:
    case cudaErrorSystemDriverMismatch:
    case cudaErrorCompatNotSupportedOnDevice:
      return unsupported("no CUDA device: " + reason);
    case cudaErrorNoKernelImageForDevice:
    case cudaErrorUnsupportedPtxVersion:
      return unsupported(call_name(what) + ": this Hone has no machine code for this GPU: " + reason);
    default: return internal_error("CUDA error in " + call_name(what) + ": " + reason);
  }
}

Status cublas_error(cublasStatus_t s, const char* what) {
  const std::string reason = cublasLtGetStatusString(s);
  if (s == CUBLAS_STATUS_ALLOC_FAILED) return out_of_range("out of device memory: " + call_name(what) + ": " + reason);
  if (s == CUBLAS_STATUS_NOT_SUPPORTED || s == CUBLAS_STATUS_ARCH_MISMATCH) {
    return unsupported(call_name(what) + ": " + reason);
  }
  return internal_error("cuBLASLt error in " + call_name(what) + ": " + reason);
}

Status cudnn_error(cudnnStatus_t s, const char* what) {
  const std::string reason = cudnnGetErrorString(s);
  if (s == CUDNN_STATUS_ALLOC_FAILED) return out_of_range("out of device memory: " + call_name(what) + ": " + reason);
  if (s == CUDNN_STATUS_NOT_SUPPORTED || s == CUDNN_STATUS_ARCH_MISMATCH) {
    return unsupported(call_name(what) + ": " + reason);
  }
  return internal_error("cuDNN error in " + call_name(what) + ": " + reason);
}

Status last_launch_error(const char* kernel) {
  const cudaError_t e = cudaGetLastError();
  if (e == cudaSuccess) return Status::ok();
  return cuda_error(e, kernel);
}

}  // namespace hone::cuda
