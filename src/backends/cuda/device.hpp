// The CUDA device the backend runs on, probed once per process: whether there is one (and a
// driver new enough for this runtime), its name, compute capability and limits. Hone uses
// device 0; a machine without a GPU or driver gets a Status, never a crash (the runtime is
// linked statically and finds the driver only when asked).
#pragma once

#include <cstddef>
#include <string>

#include "hone/status.hpp"

namespace hone::cuda {

struct DeviceInfo {
  int ordinal = 0;
  std::string name;              // "NVIDIA H200"
  int major = 0, minor = 0;      // compute capability
  int multiprocessors = 0;
  size_t total_memory = 0;       // bytes
  int driver_version = 0;        // CUDA version the driver supports, 1000 * major + 10 * minor
  int runtime_version = 0;       // of the CUDA runtime Hone is linked with

  /// "sm_90" for compute capability 9.0: the architecture engines record and must match.
  std::string arch() const { return "sm_" + std::to_string(major) + std::to_string(minor); }
};

/// The device, probed on first call (thread-safe): Unsupported "no CUDA device: <reason>"
/// when there is no GPU, no driver or one too old for this runtime; also when the GPU's
/// compute capability is below 8.0, for which this build has no machine code.
const Result<DeviceInfo>& device_info();

/// Makes the device current on the calling thread (cudaSetDevice); the status of device_info()
/// when there is none. Every entry point of the backend that touches the device calls it.
Status use_device();

}  // namespace hone::cuda
