// What FusedElementwise (fused_elementwise.cpp) can hold, for the pass that builds it.
#pragma once

#include <string_view>

namespace hone::ops {

/// Whether a node of this ONNX op type can be a FusedElementwise step: the binary ops Add,
/// Sub, Mul, Div, Max, Min, Pow, the unary math ops Abs, Neg, Exp, Log, Sqrt, Reciprocal, Erf,
/// Floor, Ceil, and the activations of activation.hpp (Relu, LeakyRelu, Clip, Sigmoid, Tanh,
/// HardSigmoid, HardSwish, Swish, Elu, Softplus, Mish, Gelu). The step's meaning must still
/// be checked against the node (e.g. Gelu's `approximate`, Clip's bounds).
bool is_fusable_elementwise_op(std::string_view op_type);

}  // namespace hone::ops
