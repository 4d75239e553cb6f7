// cuBLASLt, loaded on first use. libcublasLt.so is over 500 MB and costs a process about
// 155 MB of resident memory at load time (relocations) — paid by every `hone` run and every
// program linking Hone, GPU or not, if it were linked. So Hone does not link it: these are the
// cuBLASLt entry points the CUDA backend calls, with the header's own signatures (a mismatch
// does not compile), each forwarding to the library opened with dlopen the first time one is
// called. Without the library every call returns CUBLAS_STATUS_NOT_INITIALIZED, which the
// backend reports as a Status (cublaslt_available() says why first).
#include <dlfcn.h>

#include <cublasLt.h>

#include <mutex>
#include <string>

#include "backends/cuda/cuda_check.hpp"

#define HONE_CUBLASLT_STR2(x) #x
#define HONE_CUBLASLT_STR(x) HONE_CUBLASLT_STR2(x)

namespace hone::cuda {
namespace {

struct CublasLt {
  void* library = nullptr;
  std::string error;
};

const CublasLt& cublaslt() {
  static const CublasLt lib = [] {
    CublasLt l;
    // The soname of the toolkit Hone was compiled against, then the unversioned name.
    for (const char* name : {"libcublasLt.so." HONE_CUBLASLT_STR(CUBLAS_VER_MAJOR), "libcublasLt.so"}) {
      l.library = dlopen(name, RTLD_NOW | RTLD_LOCAL);
      if (l.library) return l;
      const char* e = dlerror();
      if (l.error.empty() && e) l.error = e;
    }
    return l;
  }();
  return lib;
}

}  // namespace

// The library's `name`, typed like our declaration `F`; nullptr without the library.
template <class F>
F symbol(const char* name) {
  const CublasLt& l = cublaslt();
  return l.library ? reinterpret_cast<F>(dlsym(l.library, name)) : nullptr;
}

Status cublaslt_available() {
  const CublasLt& l = cublaslt();
  if (!l.library) return unsupported("cuBLASLt could not be loaded: " + l.error);
  return Status::ok();
}

}  // namespace hone::cuda

// Each entry point resolves its symbol once (a function-local static) and forwards.
namespace {
constexpr cublasStatus_t kNotLoaded = CUBLAS_STATUS_NOT_INITIALIZED;
}

extern "C" {

cublasStatus_t cublasLtCreate(cublasLtHandle_t* handle) {
  static const auto fn = hone::cuda::symbol<decltype(&cublasLtCreate)>("cublasLtCreate");
  return fn ? fn(handle) : kNotLoaded;
}

cublasStatus_t cublasLtDestroy(cublasLtHandle_t handle) {
  static const auto fn = hone::cuda::symbol<decltype(&cublasLtDestroy)>("cublasLtDestroy");
  return fn ? fn(handle) : kNotLoaded;
}

const char* cublasLtGetStatusString(cublasStatus_t status) {
  static const auto fn = hone::cuda::symbol<decltype(&cublasLtGetStatusString)>("cublasLtGetStatusString");
  return fn ? fn(status) : "cuBLASLt not loaded";
}

cublasStatus_t cublasLtMatmul(cublasLtHandle_t handle, cublasLtMatmulDesc_t desc, const void* alpha, const void* a,
                              cublasLtMatrixLayout_t a_desc, const void* b, cublasLtMatrixLayout_t b_desc,
                              const void* beta, const void* c, cublasLtMatrixLayout_t c_desc, void* d,
                              cublasLtMatrixLayout_t d_desc, const cublasLtMatmulAlgo_t* algo, void* workspace,
                              size_t workspace_bytes, cudaStream_t stream) {
  static const auto fn = hone::cuda::symbol<decltype(&cublasLtMatmul)>("cublasLtMatmul");
  return fn ? fn(handle, desc, alpha, a, a_desc, b, b_desc, beta, c, c_desc, d, d_desc, algo, workspace,
                 workspace_bytes, stream)
            : kNotLoaded;
}

cublasStatus_t cublasLtMatmulAlgoGetHeuristic(cublasLtHandle_t handle, cublasLtMatmulDesc_t desc,
                                              cublasLtMatrixLayout_t a, cublasLtMatrixLayout_t b,
                                              cublasLtMatrixLayout_t c, cublasLtMatrixLayout_t d,
                                              cublasLtMatmulPreference_t preference, int requested,
                                              cublasLtMatmulHeuristicResult_t results[], int* returned) {
  static const auto fn = hone::cuda::symbol<decltype(&cublasLtMatmulAlgoGetHeuristic)>("cublasLtMatmulAlgoGetHeuristic");
  return fn ? fn(handle, desc, a, b, c, d, preference, requested, results, returned) : kNotLoaded;
}

cublasStatus_t cublasLtMatmulDescCreate(cublasLtMatmulDesc_t* desc, cublasComputeType_t compute, cudaDataType_t scale) {
  static const auto fn = hone::cuda::symbol<decltype(&cublasLtMatmulDescCreate)>("cublasLtMatmulDescCreate");
  return fn ? fn(desc, compute, scale) : kNotLoaded;
}

cublasStatus_t cublasLtMatmulDescDestroy(cublasLtMatmulDesc_t desc) {
  static const auto fn = hone::cuda::symbol<decltype(&cublasLtMatmulDescDestroy)>("cublasLtMatmulDescDestroy");
  return fn ? fn(desc) : kNotLoaded;
}

cublasStatus_t cublasLtMatmulDescSetAttribute(cublasLtMatmulDesc_t desc, cublasLtMatmulDescAttributes_t attr,
                                              const void* buf, size_t bytes) {
  static const auto fn = hone::cuda::symbol<decltype(&cublasLtMatmulDescSetAttribute)>("cublasLtMatmulDescSetAttribute");
  return fn ? fn(desc, attr, buf, bytes) : kNotLoaded;
}

cublasStatus_t cublasLtMatmulPreferenceCreate(cublasLtMatmulPreference_t* pref) {
  static const auto fn = hone::cuda::symbol<decltype(&cublasLtMatmulPreferenceCreate)>("cublasLtMatmulPreferenceCreate");
  return fn ? fn(pref) : kNotLoaded;
}

cublasStatus_t cublasLtMatmulPreferenceDestroy(cublasLtMatmulPreference_t pref) {
  static const auto fn = hone::cuda::symbol<decltype(&cublasLtMatmulPreferenceDestroy)>("cublasLtMatmulPreferenceDestroy");
  return fn ? fn(pref) : kNotLoaded;
}

cublasStatus_t cublasLtMatmulPreferenceSetAttribute(cublasLtMatmulPreference_t pref,
                                                    cublasLtMatmulPreferenceAttributes_t attr, const void* buf,
                                                    size_t bytes) {
  static const auto fn =
      hone::cuda::symbol<decltype(&cublasLtMatmulPreferenceSetAttribute)>("cublasLtMatmulPreferenceSetAttribute");
  return fn ? fn(pref, attr, buf, bytes) : kNotLoaded;
}

cublasStatus_t cublasLtMatrixLayoutCreate(cublasLtMatrixLayout_t* layout, cudaDataType type, uint64_t rows,
                                          uint64_t cols, int64_t ld) {
  static const auto fn = hone::cuda::symbol<decltype(&cublasLtMatrixLayoutCreate)>("cublasLtMatrixLayoutCreate");
  return fn ? fn(layout, type, rows, cols, ld) : kNotLoaded;
}

cublasStatus_t cublasLtMatrixLayoutDestroy(cublasLtMatrixLayout_t layout) {
  static const auto fn = hone::cuda::symbol<decltype(&cublasLtMatrixLayoutDestroy)>("cublasLtMatrixLayoutDestroy");
  return fn ? fn(layout) : kNotLoaded;
}

cublasStatus_t cublasLtMatrixLayoutSetAttribute(cublasLtMatrixLayout_t layout, cublasLtMatrixLayoutAttribute_t attr,
                                                const void* buf, size_t bytes) {
  static const auto fn =
      hone::cuda::symbol<decltype(&cublasLtMatrixLayoutSetAttribute)>("cublasLtMatrixLayoutSetAttribute");
  return fn ? fn(layout, attr, buf, bytes) : kNotLoaded;
}

}  // extern "C"
