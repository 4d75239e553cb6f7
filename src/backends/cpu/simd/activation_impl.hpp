// The activation loop over a SIMD vector type V, instantiated by each ISA file
// (kernels/activation_avx2.cpp, activation_avx512.cpp). Also usable on registers by kernels
// that apply an epilogue in place: apply_activation<V>(kind, alpha, beta, v).
#pragma once

#include <cstddef>

#include "backends/cpu/simd/vec_math.hpp"
#include "ops/activation.hpp"

namespace hone::cpu::simd {

/// One vector through activation `kind` with parameters alpha, beta (the semantics of
/// ops::Activation::apply, NaN included). Always inlined: with a constant kind the switch
/// folds away, and a call per vector would cost more than most activations.
template <class V>
[[gnu::always_inline]] inline V apply_activation(ops::ActivationKind kind, V alpha, V beta, V x) {
  using ops::ActivationKind;
  const V zero = V::zero(), one = V::broadcast(1.0f);
  switch (kind) {
    case ActivationKind::None: return x;
    case ActivationKind::Relu: return max(zero, x);  // NaN (the second operand) stays NaN; -0 stays -0
    case ActivationKind::LeakyRelu: return select(x >= zero, x, alpha * x);
    case ActivationKind::Clip: {
      const V lo = select(x < alpha, alpha, x);
      return select(lo > beta, beta, lo);
    }
    case ActivationKind::Sigmoid: return sigmoid(x);
    case ActivationKind::Tanh: return tanh(x);
    case ActivationKind::HardSigmoid:
      // std::max(0, std::min(1, v)) with std's NaN behaviour: min(v, 1) gives 1 for NaN.
      return max(min(fmadd(alpha, x, beta), one), zero);
    case ActivationKind::HardSwish:
      return x * max(min(fmadd(x, V::broadcast(1.0f / 6.0f), V::broadcast(0.5f)), one), zero);
    case ActivationKind::Swish: return x * sigmoid(alpha * x);
    case ActivationKind::Elu: return select(x >= zero, x, alpha * expm1(x));
    case ActivationKind::Softplus: return max(x, zero) + log1p(exp(neg(abs(x))));
    case ActivationKind::Mish: return x * tanh(max(x, zero) + log1p(exp(neg(abs(x)))));
    case ActivationKind::Gelu:
      return V::broadcast(0.5f) * x * (one + erf(x * V::broadcast(0.70710678118654752440f)));
    case ActivationKind::GeluTanh: {
      const V inner = V::broadcast(0.79788456080286535588f) * fmadd(V::broadcast(0.044715f) * x, x * x, x);
      return V::broadcast(0.5f) * x * (one + tanh(inner));
    }
  }
  return x;
}

/// y[i] = a(x[i]) for i < n.
template <class V>
void activate_rows(const ops::Activation& a, const float* x, float* y, size_t n) {
  const ops::ActivationKind kind = a.kind;
  const V alpha = V::broadcast(a.alpha), beta = V::broadcast(a.beta);
  size_t i = 0;
  for (; i + V::kLanes <= n; i += V::kLanes) apply_activation(kind, alpha, beta, V::load(x + i)).store(y + i);
  if (i < n) apply_activation(kind, alpha, beta, V::load_partial(x + i, n - i)).store_partial(y + i, n - i);
}

}  // namespace hone::cpu::simd
