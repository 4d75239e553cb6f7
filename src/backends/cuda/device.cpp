// Probing the CUDA device (device.hpp) and preparing its memory pool.
#include "backends/cuda/device.hpp"

#include <cstdint>

#include <cuda_runtime_api.h>

#include "backends/cuda/cuda_check.hpp"

namespace hone::cuda {
namespace {

// The oldest compute capability this build carries machine code or PTX for (CMake: sm_80,
// sm_90a, compute_90).
constexpr int kMinMajor = 8;

Result<DeviceInfo> probe() {
  int count = 0;
  cudaError_t e = cudaGetDeviceCount(&count);
  if (e != cudaSuccess) {
    (void)cudaGetLastError();
    return unsupported("no CUDA device: " + std::string(cudaGetErrorString(e)) + " (" + cudaGetErrorName(e) + ")");
  }
  if (count == 0) return unsupported("no CUDA device: the driver reports none");
  DeviceInfo d;
  d.ordinal = 0;
  cudaDeviceProp prop{};
  HONE_CUDA_RETURN_IF_ERROR(cudaGetDeviceProperties(&prop, d.ordinal));
  d.name = prop.name;
  d.major = prop.major;
  d.minor = prop.minor;
  d.multiprocessors = prop.multiProcessorCount;
  d.total_memory = prop.totalGlobalMem;
  HONE_CUDA_RETURN_IF_ERROR(cudaDriverGetVersion(&d.driver_version));
  HONE_CUDA_RETURN_IF_ERROR(cudaRuntimeGetVersion(&d.runtime_version));
  if (d.major < kMinMajor) {
    return unsupported("no CUDA device: '" + d.name + "' is " + d.arch() + "; this Hone needs sm_80 or newer");
  }
  HONE_CUDA_RETURN_IF_ERROR(cudaSetDevice(d.ordinal));
  // Stream-ordered allocations come from the device's default pool. By default the pool
  // returns freed memory to the driver at every synchronization, which makes the next
  // cudaMallocAsync a real allocation; keeping it (no release threshold) makes contexts that
  // re-plan their arena cheap. The memory is the process's until it exits, as with cudaMalloc.
  cudaMemPool_t pool = nullptr;
  HONE_CUDA_RETURN_IF_ERROR(cudaDeviceGetDefaultMemPool(&pool, d.ordinal));
  uint64_t threshold = UINT64_MAX;
  HONE_CUDA_RETURN_IF_ERROR(cudaMemPoolSetAttribute(pool, cudaMemPoolAttrReleaseThreshold, &threshold));
  return d;
}

}  // namespace

const Result<DeviceInfo>& device_info() {
  static const Result<DeviceInfo> info = probe();
  return info;
}

Status use_device() {
  const Result<DeviceInfo>& d = device_info();
  if (!d.is_ok()) return d.status();
  HONE_CUDA_RETURN_IF_ERROR(cudaSetDevice(d->ordinal));
  return Status::ok();
}

}  // namespace hone::cuda
