// Device and pinned host memory of the CUDA backend, as Tensors that free their memory when
// the last copy goes:
//   - stream-ordered device memory (cudaMallocAsync from the device's default pool, which
//     keeps freed memory for reuse): a context's arena, workspace and I/O buffers;
//   - plain device memory (cudaMalloc): an engine's weights, shared by every context;
//   - pinned host memory (cudaMallocHost): staging for asynchronous host<->device copies.
#pragma once

#include <cstddef>
#include <memory>

#include "backends/backend.hpp"

namespace hone::cuda {

/// `bytes` of device memory as a 1-D UInt8 on_device() tensor (Backend::allocate). With a
/// stream the memory is stream-ordered on it and freed in its order (the tensor keeps the
/// stream alive); without, it is a cudaMalloc allocation. Zero bytes give a valid, empty
/// allocation. OutOfRange "out of device memory" when it does not fit.
Result<Tensor> allocate_device(size_t bytes, const std::shared_ptr<Stream>& stream);

/// `bytes` of pinned host memory as a 1-D UInt8 host tensor (Backend::allocate_host).
Result<Tensor> allocate_pinned(size_t bytes);

}  // namespace hone::cuda
