// The elementwise bodies of elementwise.hpp written once over a SIMD vector type V; included
// only by elementwise_{baseline,avx2,avx512}.cpp, each instantiating them with its own V (so
// no instantiation is shared between ISA levels). Uses nothing from std beyond sizes.
#pragma once

#include <cstddef>
#include <cstdint>

#include "backends/cpu/kernels/elementwise.hpp"
#include "backends/cpu/simd/activation_impl.hpp"
#include "backends/cpu/simd/vec_math.hpp"

namespace hone::cpu::simd {

/// Floats per block of a chain: the block and each row operand's block stay in L1 while
/// every step runs over them.
inline constexpr size_t kChainBlock = 1024;

// dst[i] = f(a[i], b[i or 0]) over n, b a row (b_row) or one value; dst may equal a.
template <class V, class F>
void binary_loop(const float* a, const float* b, bool b_row, float* dst, size_t n, F f) {
  constexpr size_t L = V::kLanes;
  size_t i = 0;
  if (b_row) {
    for (; i + L <= n; i += L) f(V::load(a + i), V::load(b + i)).store(dst + i);
    if (i < n) f(V::load_partial(a + i, n - i), V::load_partial(b + i, n - i)).store_partial(dst + i, n - i);
  } else {
    const V bv = V::broadcast(*b);
    for (; i + L <= n; i += L) f(V::load(a + i), bv).store(dst + i);
    if (i < n) f(V::load_partial(a + i, n - i), bv).store_partial(dst + i, n - i);
  }
}

// dst[i] = f(v[i]) over n; dst may equal v.
template <class V, class F>
void unary_loop(const float* v, float* dst, size_t n, F f) {
  constexpr size_t L = V::kLanes;
  size_t i = 0;
  for (; i + L <= n; i += L) f(V::load(v + i)).store(dst + i);
  if (i < n) f(V::load_partial(v + i, n - i)).store_partial(dst + i, n - i);
}

template <class V>
void unary_math_rows(UnaryMathOp op, const float* v, float* dst, size_t n) {
  const V zero = V::zero(), one = V::broadcast(1.0f);
  switch (op) {
    // The reference's x < 0 ? 0 - x : x and 0 - x: -0 stays -0 under Abs, Neg(0) is +0.
    case UnaryMathOp::Abs: return unary_loop<V>(v, dst, n, [=](V x) { return select(x < zero, zero - x, x); });
    case UnaryMathOp::Neg: return unary_loop<V>(v, dst, n, [=](V x) { return zero - x; });
    case UnaryMathOp::Exp: return unary_loop<V>(v, dst, n, [](V x) { return exp(x); });
    case UnaryMathOp::Log: return unary_loop<V>(v, dst, n, [](V x) { return log(x); });
    case UnaryMathOp::Sqrt: return unary_loop<V>(v, dst, n, [](V x) { return sqrt(x); });
    case UnaryMathOp::Reciprocal: return unary_loop<V>(v, dst, n, [=](V x) { return one / x; });
    case UnaryMathOp::Erf: return unary_loop<V>(v, dst, n, [](V x) { return erf(x); });
    case UnaryMathOp::Floor: return unary_loop<V>(v, dst, n, [](V x) { return floor(x); });
    case UnaryMathOp::Ceil: return unary_loop<V>(v, dst, n, [](V x) { return ceil(x); });
  }
}

// pow(base, e) for a constant exponent the vector code computes as the reference's
// double pow rounded once would (to within an ulp): false when e is not one of them.
template <class V>
bool pow_by_constant(const float* base, float e, float* dst, size_t n) {
  const float inf = __builtin_inff();
  if (e == 1.0f) {
    unary_loop<V>(base, dst, n, [](V x) { return x; });
  } else if (e == 2.0f) {
    unary_loop<V>(base, dst, n, [](V x) { return x * x; });  // exact in double, so one rounding here too
  } else if (e == 3.0f) {
    unary_loop<V>(base, dst, n, [](V x) { return x * x * x; });
  } else if (e == 0.5f) {
    // pow(-0, 0.5) = +0 and pow(-inf, 0.5) = +inf, where sqrt gives -0 and NaN.
    const V minus_inf = V::broadcast(-inf), plus_inf = V::broadcast(inf), zero = V::zero();
    unary_loop<V>(base, dst, n,
                  [=](V x) { return select(x > minus_inf, sqrt(x) + zero, select(is_nan(x), x, plus_inf)); });
  } else {
    return false;
  }
  return true;
}

// dst = op(v, o) (or op(o, v) with swap) over n; v is a row, o a row or one value.
template <class V>
void binary_rows(BinaryOp op, bool swap, const float* v, const float* o, bool o_row, float* dst, size_t n) {
  auto run = [&](auto f) {
    if (swap) binary_loop<V>(v, o, o_row, dst, n, [f](V a, V b) { return f(b, a); });
    else binary_loop<V>(v, o, o_row, dst, n, f);
  };
  switch (op) {
    case BinaryOp::Add: return run([](V a, V b) { return a + b; });
    case BinaryOp::Sub: return run([](V a, V b) { return a - b; });
    case BinaryOp::Mul: return run([](V a, V b) { return a * b; });
    case BinaryOp::Div: return run([](V a, V b) { return a / b; });
    // isnan(a) || a >= b ? a : b, and isnan(a) || a <= b ? a : b.
    case BinaryOp::Max: return run([](V a, V b) { return select(is_nan(a), a, select(a >= b, a, b)); });
    case BinaryOp::Min: return run([](V a, V b) { return select(is_nan(a), a, select(b >= a, a, b)); });
    case BinaryOp::Pow:
      if (!swap && !o_row && pow_by_constant<V>(v, *o, dst, n)) return;
      if (swap) pow_rows(o, o_row, v, true, dst, n);
      else pow_rows(v, true, o, o_row, dst, n);
      return;
  }
}

template <class V>
void chain_rows(const ChainStep* steps, size_t num_steps, const float* const* inputs, const uint8_t* is_row, float* y,
                size_t n) {
  for (size_t b0 = 0; b0 < n; b0 += kChainBlock) {
    const size_t len = n - b0 < kChainBlock ? n - b0 : kChainBlock;
    float* dst = y + b0;
    // The running value: input 0's block until the first step has written dst.
    const float* v = inputs[0] + b0;
    if (!is_row[0]) {
      const V x = V::broadcast(*inputs[0]);
      unary_loop<V>(dst, dst, len, [x](V) { return x; });
      v = dst;
    }
    for (size_t s = 0; s < num_steps; ++s) {
      const ChainStep& st = steps[s];
      switch (st.kind) {
        case ChainStep::Kind::Activation: activate_rows<V>(st.activation, v, dst, len); break;
        case ChainStep::Kind::Unary: unary_math_rows<V>(st.unary, v, dst, len); break;
        case ChainStep::Kind::Binary: {
          const bool o_row = is_row[st.operand] != 0;
          const float* o = inputs[st.operand] + (o_row ? b0 : 0);
          binary_rows<V>(st.binary, st.swap, v, o, o_row, dst, len);
          break;
        }
      }
      v = dst;
    }
    if (num_steps == 0 && v != dst) unary_loop<V>(v, dst, len, [](V x) { return x; });
  }
}

template <class V>
void affine_rows(const float* x, float* y, size_t n, float scale, float shift, const ops::Activation& act) {
  const V s = V::broadcast(scale), t = V::broadcast(shift);
  if (act.kind == ops::ActivationKind::None) {
    unary_loop<V>(x, y, n, [=](V v) { return fmadd(v, s, t); });
  } else if (act.kind == ops::ActivationKind::Relu) {
    const V zero = V::zero();
    unary_loop<V>(x, y, n, [=](V v) { return max(zero, fmadd(v, s, t)); });
  } else {
    for (size_t b0 = 0; b0 < n; b0 += kChainBlock) {
      const size_t len = n - b0 < kChainBlock ? n - b0 : kChainBlock;
      unary_loop<V>(x + b0, y + b0, len, [=](V v) { return fmadd(v, s, t); });
      activate_rows<V>(act, y + b0, y + b0, len);
    }
  }
}

}  // namespace hone::cpu::simd
