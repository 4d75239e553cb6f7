// Activations over float rows for the CPU tactics (the epilogues of GEMM and convolution, the
// activation layers, FusedElementwise): y[i] = a(x[i]) computed in SIMD at the CPU's level, the
// formulas of ops/activation.hpp (which the reference kernels use). Piecewise-linear kinds are
// exact; the transcendental ones (sigmoid, tanh, swish, elu, softplus, mish, gelu) are within
// a few float ulp of the reference, except GELU's erf form at x < -3 (1 + erf(x/sqrt2) comes
// from an approximation with 1.5e-7 absolute error, so its relative error grows with the tail).
#pragma once

#include <cstddef>

#include "backends/cpu/dispatch.hpp"
#include "ops/activation.hpp"

namespace hone::cpu {

/// y[i] = a.apply(x[i]) for i < n; x may equal y. `isa` picks the code (Baseline: the scalar
/// reference formulas themselves).
void activate(CpuIsa isa, const ops::Activation& a, const float* x, float* y, size_t n);

// The per-ISA bodies (activation_avx2.cpp, activation_avx512.cpp).
namespace avx2 {
void activate(const ops::Activation& a, const float* x, float* y, size_t n);
}
namespace avx512 {
void activate(const ops::Activation& a, const float* x, float* y, size_t n);
}

}  // namespace hone::cpu
