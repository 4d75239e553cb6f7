// Elementwise float rows for the CPU tactics (elementwise.cpp): chains of steps (unary math,
// activations, binary ops with an operand that is a row or one value) computed block by block
// so every step works on L1-resident data, and the per-channel affine map of BatchNormalization.
// One body over the SIMD vector types (elementwise_impl.hpp) instantiated per ISA level; these
// are the plain entry points taking pointers and sizes.
#pragma once

#include <cstddef>
#include <cstdint>

#include "backends/cpu/dispatch.hpp"
#include "ops/activation.hpp"

namespace hone::cpu {

/// The unary math operators a chain computes besides the activations; each is the formula of
/// the reference kernel (Abs/Neg as 0 - x so the signs of zeros match; Exp, Log, Erf within a
/// few float ulp).
enum class UnaryMathOp : uint8_t { Abs, Neg, Exp, Log, Sqrt, Reciprocal, Erf, Floor, Ceil };
/// The binary operators. Max/Min propagate NaN (either side) as the variadic reference does;
/// Pow is the reference's double pow rounded once, vectorized for the exponents 1, 2, 3, 0.5.
enum class BinaryOp : uint8_t { Add, Sub, Mul, Div, Max, Min, Pow };

/// One step of a chain applied to the running value v:
///   Activation: v = activation(v);  Unary: v = unary(v);
///   Binary: v = binary(v, x[operand]), or binary(x[operand], v) when `swap`.
struct ChainStep {
  enum class Kind : uint8_t { Activation, Unary, Binary };
  Kind kind = Kind::Activation;
  ops::Activation activation;
  UnaryMathOp unary = UnaryMathOp::Abs;
  BinaryOp binary = BinaryOp::Add;
  uint32_t operand = 0;
  bool swap = false;
};

/// The chain over one row of n outputs: v starts as input 0, then each step. inputs[k] points
/// at the row's first element of input k, which is a row (is_row[k] != 0) or one value
/// repeated (0). y may equal a row input (in place).
void chain_rows(CpuIsa isa, const ChainStep* steps, size_t num_steps, const float* const* inputs,
                const uint8_t* is_row, float* y, size_t n);

/// y[i] = activation(x[i] * scale + shift) (one rounding for the multiply-add), i < n; y may
/// equal x.
void affine_rows(CpuIsa isa, const float* x, float* y, size_t n, float scale, float shift, const ops::Activation& act);

/// y[i] = (float)pow((double)a[i or 0], (double)b[i or 0]): the reference's Pow, element by
/// element (portable code the ISA bodies call for the exponents they do not vectorize).
void pow_rows(const float* a, bool a_row, const float* b, bool b_row, float* y, size_t n);

// The per-ISA bodies (elementwise_avx2.cpp, elementwise_avx512.cpp, elementwise_baseline.cpp).
#define HONE_ELEMENTWISE_ISA(ns)                                                                            \
  namespace ns {                                                                                            \
  void chain_rows(const ChainStep* steps, size_t num_steps, const float* const* inputs, const uint8_t* is_row, \
                  float* y, size_t n);                                                                      \
  void affine_rows(const float* x, float* y, size_t n, float scale, float shift, const ops::Activation& act); \
  }
HONE_ELEMENTWISE_ISA(baseline)
HONE_ELEMENTWISE_ISA(avx2)
HONE_ELEMENTWISE_ISA(avx512)
#undef HONE_ELEMENTWISE_ISA

}  // namespace hone::cpu
