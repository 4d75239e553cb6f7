// The FMA-throughput loops bench_gemm.cpp measures the machine's FP32 peak with, one per ISA
// level (fma_peak_avx512.cpp, fma_peak_avx2.cpp): `iterations` rounds of 24 independent FMA
// chains on full-width registers, enough to cover the FMA latency on every pipe.
#pragma once

#include <cstdint>

namespace hone::bench {

/// Floating-point operations one round of the loop performs (24 FMAs x lanes x 2).
inline constexpr double kAvx512FlopsPerIteration = 24.0 * 16 * 2;
inline constexpr double kAvx2FlopsPerIteration = 24.0 * 8 * 2;

/// Runs the loop; the result only keeps the compiler from removing it.
float f32_fma_loop_avx512(uint64_t iterations);
float f32_fma_loop_avx2(uint64_t iterations);

}  // namespace hone::bench
