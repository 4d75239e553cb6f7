// Vectorized elementary functions, written once over a SIMD vector type V (simd_avx2.hpp,
// simd_avx512.hpp): exp, expm1, log, log1p, sigmoid, tanh, erf, each within a few float ulp
// of the libm function over its whole range, with NaN propagated and the saturating ends
// (0, 1, +-inf) exact. Included only by ISA files (*_avx2.cpp, *_avx512.cpp): every
// instantiation is for an ISA-specific V, so no code compiled for one ISA is shared with
// another at link time.
//
// Method (Cephes' float routines): exp reduces x = n ln2 + r, |r| <= ln2/2, and evaluates a
// minimax polynomial for e^r; log splits x = m 2^e with m in [sqrt(1/2), sqrt(2)) and evaluates
// a polynomial for log(1 + f); expm1/tanh/erf switch to Taylor series near 0, where the
// exp-based formulas would cancel.
#pragma once

#include <cmath>
#include <limits>

namespace hone::cpu::simd {

template <class V>
V polynomial(V x, const float* c, int n) {  // c[0] + c[1] x + ... + c[n-1] x^(n-1), Horner
  V acc = V::broadcast(c[n - 1]);
  for (int i = n - 2; i >= 0; --i) acc = fmadd(acc, x, V::broadcast(c[i]));
  return acc;
}

/// e^x: 0 below -87.34 (no denormals), +inf above 88.72.
template <class V>
V exp(V x) {
  const V hi = V::broadcast(88.7228f), lo = V::broadcast(-87.3365f);
  const V xc = min(max(x, lo), hi);
  const V n = round_nearest(xc * V::broadcast(1.44269504088896341f));
  // r = x - n ln2 with ln2 split in a part exact in float and a correction.
  V r = fmadd(n, V::broadcast(-0.693359375f), xc);
  r = fmadd(n, V::broadcast(2.12194440e-4f), r);
  static constexpr float kP[] = {5.0000001201e-1f, 1.6666665459e-1f, 4.1665795894e-2f,
                                 8.3334519073e-3f, 1.3981999507e-3f, 1.9875691500e-4f};
  const V r2 = r * r;
  // e^r = 1 + r + r^2 (1/2 + r/6 + ...)
  const V er = fmadd(r2, polynomial(r, kP, 6), r + V::broadcast(1.0f));
  V y = er * pow2_int(n);
  y = select(x > hi, V::broadcast(std::numeric_limits<float>::infinity()), y);
  y = select(x < lo, V::zero(), y);
  return select(is_nan(x), x, y);
}

/// e^x - 1, accurate near 0 (Taylor series for |x| < 0.5, exp(x) - 1 elsewhere).
template <class V>
V expm1(V x) {
  static constexpr float kT[] = {1.0f, 1.0f / 2, 1.0f / 6, 1.0f / 24, 1.0f / 120, 1.0f / 720, 1.0f / 5040,
                                 1.0f / 40320, 1.0f / 362880};
  const V small = x * polynomial(x, kT, 9);
  const V large = exp(x) - V::broadcast(1.0f);
  return select(abs(x) < V::broadcast(0.5f), small, large);
}

/// ln x: NaN for x < 0, -inf at 0, +inf at +inf.
template <class V>
V log(V x) {
  V e;
  V m = frexp_unit(max(x, V::broadcast(std::numeric_limits<float>::min())), &e);  // m in [1, 2)
  // Move m to [sqrt(1/2), sqrt(2)) so log(1 + f) has |f| <= 0.414.
  const auto big = m > V::broadcast(1.41421356f);
  m = select(big, m * V::broadcast(0.5f), m);
  e = select(big, e + V::broadcast(1.0f), e);
  const V f = m - V::broadcast(1.0f);
  static constexpr float kP[] = {3.3333331174e-1f,  -2.4999993993e-1f, 2.0000714765e-1f,
                                 -1.6668057665e-1f, 1.4249322787e-1f,  -1.2420140846e-1f,
                                 1.1676998740e-1f,  -1.1514610310e-1f, 7.0376836292e-2f};
  const V f2 = f * f;
  V y = f2 * f * polynomial(f, kP, 9);
  y = fmadd(e, V::broadcast(-2.12194440e-4f), y);
  y = fmadd(f2, V::broadcast(-0.5f), y);
  y = y + f;
  y = fmadd(e, V::broadcast(0.693359375f), y);
  const float inf = std::numeric_limits<float>::infinity();
  y = select(x > V::broadcast(std::numeric_limits<float>::max()), V::broadcast(inf), y);
  y = select(x < V::broadcast(std::numeric_limits<float>::min()), V::broadcast(-inf), y);  // 0 and denormals
  y = select(x < V::zero(), V::broadcast(std::numeric_limits<float>::quiet_NaN()), y);
  return select(is_nan(x), x, y);
}

/// ln(1 + x), accurate near 0: log(u) * x / (u - 1) with u = 1 + x corrects u's rounding.
template <class V>
V log1p(V x) {
  const V u = x + V::broadcast(1.0f);
  const V d = u - V::broadcast(1.0f);
  const V corrected = log(u) * (x / d);
  const V y = select(abs(d) > V::zero(), corrected, x);  // u rounded to 1: log1p(x) = x
  return select(u > V::broadcast(std::numeric_limits<float>::max()), u, y);  // +inf stays +inf
}

/// 1 / (1 + e^-x).
template <class V>
V sigmoid(V x) {
  return V::broadcast(1.0f) / (V::broadcast(1.0f) + exp(neg(x)));
}

/// tanh x: Taylor series for |x| < 0.3, (1 - e^-2|x|) / (1 + e^-2|x|) with x's sign elsewhere.
template <class V>
V tanh(V x) {
  static constexpr float kT[] = {1.0f, -1.0f / 3, 2.0f / 15, -17.0f / 315, 62.0f / 2835, -1382.0f / 155925};
  const V small = x * polynomial(x * x, kT, 6);
  const V ax = abs(x);
  const V t = exp(ax * V::broadcast(-2.0f));
  const V mag = (V::broadcast(1.0f) - t) / (V::broadcast(1.0f) + t);
  const V large = select(x < V::zero(), neg(mag), mag);
  return select(ax < V::broadcast(0.3f), small, large);
}

/// erf x: Taylor series for |x| < 1; Abramowitz-Stegun 7.1.26 (absolute error 1.5e-7, where
/// |erf| >= 0.84) above, 1 beyond 4.
template <class V>
V erf(V x) {
  // 2/sqrt(pi) * (-1)^n / (n! (2n + 1)), n = 0..10
  static constexpr float kT[] = {1.12837916709551257f, -0.37612638903183752f, 0.11283791670955126f,
                                 -0.02686617064513125f, 0.00522397762544219f, -0.00085483270221783f,
                                 0.00012055332981789f,  -1.4925650358406e-05f, 1.6462114365889e-06f,
                                 -1.6365844691234e-07f, 1.4807192815880e-08f};
  const V x2 = x * x;
  const V small = x * polynomial(x2, kT, 11);
  const V ax = abs(x);
  const V t = V::broadcast(1.0f) / fmadd(ax, V::broadcast(0.3275911f), V::broadcast(1.0f));
  static constexpr float kA[] = {0.0f, 0.254829592f, -0.284496736f, 1.421413741f, -1.453152027f, 1.061405429f};
  const V tail = polynomial(t, kA, 6) * exp(neg(x2));
  V mag = V::broadcast(1.0f) - tail;
  mag = select(ax > V::broadcast(4.0f), V::broadcast(1.0f), mag);
  const V large = select(x < V::zero(), neg(mag), mag);
  return select(ax < V::broadcast(1.0f), small, large);
}

}  // namespace hone::cpu::simd
