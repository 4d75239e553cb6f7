// The harness of the CUDA tests (test_cuda): whether a device is here (every test that needs
// one skips with the driver's reason when not), one layer built in code and run as a
// one-layer engine on the GPU against the operator's reference kernel, and device buffers
// for the zero-copy tests.
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "backends/backend.hpp"
#include "core/check.hpp"
#include "../backends/kernel_harness.hpp"
#include "../backends/layer_builder.hpp"

namespace hone::cuda::testing {

using cpu::testing::LayerCase;
using cpu::testing::Tolerance;

/// The CUDA backend, and OK when a device is present (else why not).
const Backend& cuda();
Status device_status();

/// Skips the test, printing the reason, when there is no CUDA device.
#define HONE_REQUIRE_CUDA_DEVICE()                                                         \
  do {                                                                                     \
    const ::hone::Status hone_device_ = ::hone::cuda::testing::device_status();            \
    if (!hone_device_.is_ok()) GTEST_SKIP() << hone_device_.message(); \
  } while (0)

/// FP32 on the GPU against the reference: 1e-4 relative, with an absolute floor for sums that
/// cancel to ~0 (each output is a sum of products of inputs in [-1, 1]).
inline Tolerance fp32(double atol = 1e-5) { return Tolerance::near(1e-4, atol); }

/// Builds `c` as a one-layer engine for device cuda (graph passes off, so the layer is the
/// case itself; `tactics` restricts the candidates), checks that a tactic whose ID starts
/// with `tactic_prefix` runs it, runs it on the case's runtime inputs (host memory) and
/// compares every output with the reference kernel's.
void expect_matches_reference(const LayerCase& c, const std::string& tactic_prefix, const Tolerance& tol,
                              const std::vector<std::string>& tactics = {});

/// A device copy of a host tensor (on_device(), kept alive by itself), and back.
Tensor to_device(const Tensor& host);
Tensor to_host(const Tensor& device);

}  // namespace hone::cuda::testing
