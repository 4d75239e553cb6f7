// Activation functions as scalar formulas, shared by the activation operators (activations.cpp,
// Clip, Tanh), the fused layers' epilogues (FusedConv, FusedGemm, FusedMatMul) and
// FusedElementwise, so a fused layer computes exactly what the unfused nodes computed.
// `Activation` names one function with its parameters, as the optimizer records it on a fused
// node: attribute `activation` (the ONNX op name) plus `activation_params` (floats).
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "hone/status.hpp"

namespace hone::ir {
class Node;
}

namespace hone::ops {

// ---- the formulas (C is float or double) ----

template <class C>
C sigmoid_fn(C x) {
  // 1 / (1 + e^-x), written so that neither branch overflows.
  if (x >= 0) return C(1) / (C(1) + std::exp(-x));
  const C e = std::exp(x);
  return e / (C(1) + e);
}
template <class C>
C softplus_fn(C x) {
  // log(1 + e^x) = max(x, 0) + log1p(e^-|x|)
  return std::max(x, C(0)) + std::log1p(std::exp(-std::abs(x)));
}
// max(0, x); NaN stays NaN.
template <class C>
C relu_fn(C x) { return x < 0 ? C(0) : x; }
// x >= 0 ? x : alpha * x
template <class C>
C leaky_relu_fn(C x, C alpha) { return x >= 0 ? x : alpha * x; }
// min(max(x, lo), hi); NaN stays NaN.
template <class C>
C clip_fn(C x, C lo, C hi) {
  x = x < lo ? lo : x;
  return x > hi ? hi : x;
}
// max(0, min(1, alpha * x + beta))
template <class C>
C hard_sigmoid_fn(C x, C alpha, C beta) { return std::max(C(0), std::min(C(1), alpha * x + beta)); }
// x * max(0, min(1, x / 6 + 1/2))
template <class C>
C hard_swish_fn(C x) { return x * std::max(C(0), std::min(C(1), x / C(6) + C(0.5))); }
// x * sigmoid(alpha * x); alpha = 1 is SiLU.
template <class C>
C swish_fn(C x, C alpha) { return x * sigmoid_fn(alpha * x); }
// x >= 0 ? x : alpha * (e^x - 1)
template <class C>
C elu_fn(C x, C alpha) { return x >= 0 ? x : alpha * std::expm1(x); }
// x * tanh(softplus(x))
template <class C>
C mish_fn(C x) { return x * std::tanh(softplus_fn(x)); }
// x/2 * (1 + erf(x / sqrt(2)))
template <class C>
C gelu_erf_fn(C x) { return C(0.5) * x * (C(1) + std::erf(x * C(0.70710678118654752440))); }
// x/2 * (1 + tanh(sqrt(2/pi) * (x + 0.044715 x^3)))
template <class C>
C gelu_tanh_fn(C x) {
  return C(0.5) * x * (C(1) + std::tanh(C(0.79788456080286535588) * (x + C(0.044715) * x * x * x)));
}

// ---- a named activation with its parameters ----

enum class ActivationKind : uint8_t {
  None,
  Relu,
  LeakyRelu,    // alpha
  Clip,         // min, max
  Sigmoid,
  Tanh,
  HardSigmoid,  // alpha, beta
  HardSwish,
  Swish,        // alpha (1: SiLU, x * sigmoid(x))
  Elu,          // alpha
  Softplus,
  Mish,
  Gelu,         // erf form
  GeluTanh,     // tanh approximation
};

struct Activation {
  ActivationKind kind = ActivationKind::None;
  float alpha = 0;  // first parameter (LeakyRelu/HardSigmoid/Swish/Elu alpha, Clip min)
  float beta = 0;   // second parameter (HardSigmoid beta, Clip max)

  bool is_none() const { return kind == ActivationKind::None; }

  /// The attribute spelling: the ONNX op name ("Relu", "Clip", "Swish"; "Gelu" with
  /// approximation tanh is "GeluTanh"); "" for None.
  std::string_view name() const;
  /// The parameters as stored in `activation_params` (empty when the kind has none).
  std::vector<float> params() const;
  /// From attribute values; InvalidModel for an unknown name or a wrong parameter count.
  static Result<Activation> parse(std::string_view name, const std::vector<float>& params);
  /// The kind spelled `name` (see name()); false when there is none. "" is None.
  static bool find_kind(std::string_view name, ActivationKind* kind);
  /// How many parameters the kind takes (0, 1 or 2).
  static int param_count(ActivationKind kind);

  template <class C>
  C apply(C x) const {
    switch (kind) {
      case ActivationKind::None: return x;
      case ActivationKind::Relu: return relu_fn(x);
      case ActivationKind::LeakyRelu: return leaky_relu_fn(x, C(alpha));
      case ActivationKind::Clip: return clip_fn(x, C(alpha), C(beta));
      case ActivationKind::Sigmoid: return sigmoid_fn(x);
      case ActivationKind::Tanh: return std::tanh(x);
      case ActivationKind::HardSigmoid: return hard_sigmoid_fn(x, C(alpha), C(beta));
      case ActivationKind::HardSwish: return hard_swish_fn(x);
      case ActivationKind::Swish: return swish_fn(x, C(alpha));
      case ActivationKind::Elu: return elu_fn(x, C(alpha));
      case ActivationKind::Softplus: return softplus_fn(x);
      case ActivationKind::Mish: return mish_fn(x);
      case ActivationKind::Gelu: return gelu_erf_fn(x);
      case ActivationKind::GeluTanh: return gelu_tanh_fn(x);
    }
    return x;
  }
};

/// The Activation that an activation node (Relu, LeakyRelu, Clip, Sigmoid, Tanh, HardSigmoid,
/// HardSwish, Swish, Elu, Softplus, Mish, Gelu) applies to its input 0, with its parameters:
/// attributes with the op's defaults; Clip's bounds from attributes before opset 11, from
/// constant scalar inputs from opset 11 (absent: -inf/+inf). nullopt for other ops, a Clip
/// bound that is not a constant float32 scalar, or a Gelu approximation other than none/tanh.
std::optional<Activation> activation_of_node(const ir::Node& n);

}  // namespace hone::ops
