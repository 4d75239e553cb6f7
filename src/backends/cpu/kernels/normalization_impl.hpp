// The bodies of normalization.hpp written once over a SIMD vector type V; included only by
// normalization_{baseline,avx2,avx512}.cpp, each instantiating them with its own V. Scalar
// math here uses compiler builtins (sqrtf, the vector log for one value), never std:: inline
// functions, so nothing compiled for one ISA is shared with another.
#pragma once

#include <cstddef>
#include <cstdint>

#include "backends/cpu/kernels/normalization.hpp"
#include "backends/cpu/simd/vec_math.hpp"

namespace hone::cpu::simd {

/// Columns per block of the strided kernels: the block's running statistics stay in L1.
inline constexpr size_t kColumnBlock = 256;

template <class V>
float first_lane(V v) {
  alignas(64) float lanes[V::kLanes];
  v.store(lanes);
  return lanes[0];
}

// The maximum of n floats, NaN ignored (max(v, acc) keeps acc when v is NaN).
template <class V>
float max_ignoring_nan(const float* x, size_t n) {
  constexpr size_t L = V::kLanes;
  V m = V::broadcast(-__builtin_inff());
  size_t i = 0;
  for (; i + L <= n; i += L) m = max(V::load(x + i), m);
  float r = reduce_max(m);
  for (; i < n; ++i) r = x[i] > r ? x[i] : r;
  return r;
}

template <class V>
void softmax_rows(const float* x, float* y, size_t rows, size_t n, bool log) {
  constexpr size_t L = V::kLanes;
  for (size_t r = 0; r < rows; ++r) {
    const float* xr = x + r * n;
    float* yr = y + r * n;
    const V m = V::broadcast(max_ignoring_nan<V>(xr, n));
    // e = exp(x - m) into y (for the sum; Softmax keeps it), summed over the valid lanes only.
    V s = V::zero();
    size_t i = 0;
    for (; i + L <= n; i += L) {
      const V e = exp(V::load(xr + i) - m);
      if (!log) e.store(yr + i);
      s = s + e;
    }
    if (i < n) {
      exp(V::load_partial(xr + i, n - i) - m).store_partial(yr + i, n - i);
      s = s + V::load_partial(yr + i, n - i);
    }
    const float sum = reduce_add(s);
    i = 0;
    if (log) {
      const V lse = V::broadcast(first_lane(simd::log(V::broadcast(sum))));
      for (; i + L <= n; i += L) ((V::load(xr + i) - m) - lse).store(yr + i);
      if (i < n) ((V::load_partial(xr + i, n - i) - m) - lse).store_partial(yr + i, n - i);
    } else {
      const V inv = V::broadcast(1.0f / sum);
      for (; i + L <= n; i += L) (V::load(yr + i) * inv).store(yr + i);
      if (i < n) (V::load_partial(yr + i, n - i) * inv).store_partial(yr + i, n - i);
    }
  }
}

// f(column offset j, lanes k) over a block of len columns: full vectors, then one partial.
template <class V, class F>
void for_columns(size_t len, F f) {
  constexpr size_t L = V::kLanes;
  size_t j = 0;
  for (; j + L <= len; j += L) f(j, L);
  if (j < len) f(j, len - j);
}

template <class V>
V load_n(const float* p, size_t k) {
  return k == V::kLanes ? V::load(p) : V::load_partial(p, k);
}
template <class V>
void store_n(V v, float* p, size_t k) {
  if (k == V::kLanes) v.store(p);
  else v.store_partial(p, k);
}

template <class V>
void softmax_strided(const float* x, float* y, size_t n, size_t inner, size_t begin, size_t end, bool log) {
  alignas(64) float mx[kColumnBlock];
  alignas(64) float sm[kColumnBlock];
  for (size_t c0 = begin; c0 < end; c0 += kColumnBlock) {
    const size_t len = end - c0 < kColumnBlock ? end - c0 : kColumnBlock;
    for (size_t j = 0; j < len; ++j) {
      mx[j] = -__builtin_inff();
      sm[j] = 0.0f;
    }
    for (size_t k = 0; k < n; ++k) {
      const float* row = x + k * inner + c0;
      for_columns<V>(len, [&](size_t j, size_t lanes) {
        store_n(max(load_n<V>(row + j, lanes), load_n<V>(mx + j, lanes)), mx + j, lanes);
      });
    }
    for (size_t k = 0; k < n; ++k) {
      const float* row = x + k * inner + c0;
      float* out = y + k * inner + c0;
      for_columns<V>(len, [&](size_t j, size_t lanes) {
        const V e = exp(load_n<V>(row + j, lanes) - load_n<V>(mx + j, lanes));
        if (!log) store_n(e, out + j, lanes);
        store_n(load_n<V>(sm + j, lanes) + e, sm + j, lanes);
      });
    }
    // sm becomes the factor (1 / sum) or the subtrahend (log sum).
    for_columns<V>(len, [&](size_t j, size_t lanes) {
      const V s = load_n<V>(sm + j, lanes);
      store_n(log ? simd::log(s) : V::broadcast(1.0f) / s, sm + j, lanes);
    });
    for (size_t k = 0; k < n; ++k) {
      const float* row = x + k * inner + c0;
      float* out = y + k * inner + c0;
      for_columns<V>(len, [&](size_t j, size_t lanes) {
        const V f = load_n<V>(sm + j, lanes);
        const V v = log ? (load_n<V>(row + j, lanes) - load_n<V>(mx + j, lanes)) - f : load_n<V>(out + j, lanes) * f;
        store_n(v, out + j, lanes);
      });
    }
  }
}

template <class V>
void layer_norm_rows(const float* x, float* y, size_t rows, size_t n, const float* scale, const float* bias,
                     float epsilon, float* mean_out, float* inv_std_out) {
  constexpr size_t L = V::kLanes;
  for (size_t r = 0; r < rows; ++r) {
    const float* xr = x + r * n;
    float* yr = y + r * n;
    V a = V::zero(), b = V::zero();
    size_t i = 0;
    for (; i + 2 * L <= n; i += 2 * L) {
      a = a + V::load(xr + i);
      b = b + V::load(xr + i + L);
    }
    for (; i + L <= n; i += L) a = a + V::load(xr + i);
    if (i < n) b = b + V::load_partial(xr + i, n - i);
    const float mean = n > 0 ? reduce_add(a + b) / static_cast<float>(n) : 0.0f;
    // Two passes: the squared deviations, not E[x^2] - mean^2 (which cancels).
    const V m = V::broadcast(mean);
    a = V::zero();
    i = 0;
    for (; i + L <= n; i += L) {
      const V d = V::load(xr + i) - m;
      a = fmadd(d, d, a);
    }
    float sq = reduce_add(a);
    for (; i < n; ++i) sq += (xr[i] - mean) * (xr[i] - mean);
    const float var = n > 0 ? sq / static_cast<float>(n) : 0.0f;
    const float inv_std = 1.0f / __builtin_sqrtf(var + epsilon);
    if (mean_out) mean_out[r] = mean;
    if (inv_std_out) inv_std_out[r] = inv_std;
    const V is = V::broadcast(inv_std);
    i = 0;
    auto apply = [&](size_t at, size_t lanes) {
      const V t = (load_n<V>(xr + at, lanes) - m) * is;
      const V v = bias ? fmadd(t, load_n<V>(scale + at, lanes), load_n<V>(bias + at, lanes))
                       : t * load_n<V>(scale + at, lanes);
      store_n(v, yr + at, lanes);
    };
    for (; i + L <= n; i += L) apply(i, L);
    if (i < n) apply(i, n - i);
  }
}

template <class V>
void lrn_plane(const float* x, float* y, size_t channels, size_t plane, size_t begin, size_t end, const LrnParams& p) {
  const size_t before = (p.size - 1) / 2, after = p.size - 1 - before;
  const V scale = V::broadcast(p.alpha / static_cast<float>(p.size)), bias = V::broadcast(p.bias);
  const V minus_beta = V::broadcast(-p.beta);
  // x / base^beta: by square roots for the usual betas (0.75 is AlexNet's and GoogLeNet's),
  // else x * e^(-beta ln base).
  const int power = p.beta == 0.75f ? 3 : p.beta == 0.5f ? 2 : p.beta == 1.0f ? 4 : 0;
  for (size_t c0 = begin; c0 < end; c0 += kColumnBlock) {
    const size_t len = end - c0 < kColumnBlock ? end - c0 : kColumnBlock;
    for (size_t c = 0; c < channels; ++c) {
      const size_t lo = c >= before ? c - before : 0;
      const size_t hi = c + after < channels ? c + after : channels - 1;
      const float* xc = x + c * plane + c0;
      float* yc = y + c * plane + c0;
      for_columns<V>(len, [&](size_t j, size_t lanes) {
        V sq = V::zero();
        for (size_t k = lo; k <= hi; ++k) {
          const V v = load_n<V>(x + k * plane + c0 + j, lanes);
          sq = fmadd(v, v, sq);
        }
        const V base = fmadd(sq, scale, bias), xv = load_n<V>(xc + j, lanes);
        V y;
        if (power == 3) {
          const V r = sqrt(base);
          y = xv / (r * sqrt(r));
        } else if (power == 2) {
          y = xv / sqrt(base);
        } else if (power == 4) {
          y = xv / base;
        } else {
          y = xv * exp(minus_beta * simd::log(base));
        }
        store_n(y, yc + j, lanes);
      });
    }
  }
}

// The reference's Max step, v > acc || isnan(v) ? v : acc, per lane: NaN sticks once seen.
template <class V>
V max_step(V v, V acc) {
  return select(is_nan(v), v, max(v, acc));
}

template <class V>
void reduce_rows(ReduceKind kind, const float* x, float* y, size_t rows, size_t n) {
  constexpr size_t L = V::kLanes;
  for (size_t r = 0; r < rows; ++r) {
    const float* xr = x + r * n;
    size_t i = 0;
    if (kind == ReduceKind::Max) {
      const V lowest = V::broadcast(-__builtin_inff());
      V a = lowest, b = lowest;
      for (; i + 2 * L <= n; i += 2 * L) {
        a = max_step(V::load(xr + i), a);
        b = max_step(V::load(xr + i + L), b);
      }
      for (; i + L <= n; i += L) a = max_step(V::load(xr + i), a);
      const V both = max_step(b, a);
      const bool nan = reduce_add(select(is_nan(both), V::broadcast(1.0f), V::zero())) > 0;
      float m = nan ? __builtin_nanf("") : reduce_max(both);
      for (; i < n; ++i) m = xr[i] > m || xr[i] != xr[i] ? xr[i] : m;
      y[r] = m;
    } else {
      V a0 = V::zero(), a1 = V::zero(), a2 = V::zero(), a3 = V::zero();
      for (; i + 4 * L <= n; i += 4 * L) {
        a0 = a0 + V::load(xr + i);
        a1 = a1 + V::load(xr + i + L);
        a2 = a2 + V::load(xr + i + 2 * L);
        a3 = a3 + V::load(xr + i + 3 * L);
      }
      for (; i + L <= n; i += L) a0 = a0 + V::load(xr + i);
      if (i < n) a1 = a1 + V::load_partial(xr + i, n - i);
      const float s = reduce_add((a0 + a1) + (a2 + a3));
      y[r] = kind == ReduceKind::Mean ? s / static_cast<float>(n) : s;
    }
  }
}

template <class V>
void reduce_strided(ReduceKind kind, const float* x, float* y, size_t n, size_t inner, size_t begin, size_t end) {
  alignas(64) float acc[kColumnBlock];
  for (size_t c0 = begin; c0 < end; c0 += kColumnBlock) {
    const size_t len = end - c0 < kColumnBlock ? end - c0 : kColumnBlock;
    const float init = kind == ReduceKind::Max ? -__builtin_inff() : 0.0f;
    for (size_t j = 0; j < len; ++j) acc[j] = init;
    for (size_t k = 0; k < n; ++k) {
      const float* row = x + k * inner + c0;
      for_columns<V>(len, [&](size_t j, size_t lanes) {
        const V v = load_n<V>(row + j, lanes), a = load_n<V>(acc + j, lanes);
        store_n(kind == ReduceKind::Max ? max_step(v, a) : a + v, acc + j, lanes);
      });
    }
    const float divisor = kind == ReduceKind::Mean ? static_cast<float>(n) : 1.0f;
    for (size_t j = 0; j < len; ++j) y[c0 + j] = kind == ReduceKind::Mean ? acc[j] / divisor : acc[j];
  }
}

}  // namespace hone::cpu::simd
