// Reductions along an axis and the normalizations built on them, for the CPU tactics
// (normalization.cpp): Softmax/LogSoftmax, LayerNormalization, LRN and ReduceSum/Mean/Max.
// A tensor reduced along one block of dims is seen as [outer, n, inner]; with inner == 1 the
// reduced elements of a row are contiguous ("rows"), otherwise vectors run across inner
// ("strided", columns [begin, end) of one outer slice). Bodies over the SIMD vector types in
// normalization_impl.hpp, one instantiation per ISA level.
#pragma once

#include <cstddef>
#include <cstdint>

#include "backends/cpu/dispatch.hpp"

namespace hone::cpu {

/// Softmax (or LogSoftmax) of `rows` contiguous rows of n: y = exp(x - max) / sum, or
/// x - max - log(sum), the max ignoring NaN as the reference's std::max does.
void softmax_rows(CpuIsa isa, const float* x, float* y, size_t rows, size_t n, bool log);
/// The same along n of one [n, inner] slice, for columns [begin, end) of inner.
void softmax_strided(CpuIsa isa, const float* x, float* y, size_t n, size_t inner, size_t begin, size_t end, bool log);

/// LayerNormalization of `rows` rows of n: mean, var = mean((x - mean)^2), inv_std =
/// 1 / sqrt(var + epsilon), y = (x - mean) * inv_std * scale + bias (bias may be null).
/// mean_out / inv_std_out (one per row) may be null.
void layer_norm_rows(CpuIsa isa, const float* x, float* y, size_t rows, size_t n, const float* scale,
                     const float* bias, float epsilon, float* mean_out, float* inv_std_out);

/// LRN across the channels of one batch item ([channels, plane]), plane positions [begin, end):
///   y[c] = x[c] * (bias + alpha / size * sum_{c' in window(c)} x[c']^2)^-beta
/// window(c) = [c - (size - 1) / 2, c + size / 2] within [0, channels) (ops/lrn.cpp).
struct LrnParams {
  size_t size = 1;
  float alpha = 1e-4f, beta = 0.75f, bias = 1.0f;
};
void lrn_plane(CpuIsa isa, const float* x, float* y, size_t channels, size_t plane, size_t begin, size_t end,
               const LrnParams& p);

/// ReduceSum / ReduceMean / ReduceMax over n: of `rows` contiguous rows, or (strided) along n
/// of one [n, inner] slice for columns [begin, end). Max propagates NaN (the reference's
/// rule); an empty Mean is NaN, an empty Max -inf.
enum class ReduceKind : uint8_t { Sum, Mean, Max };
void reduce_rows(CpuIsa isa, ReduceKind kind, const float* x, float* y, size_t rows, size_t n);
void reduce_strided(CpuIsa isa, ReduceKind kind, const float* x, float* y, size_t n, size_t inner, size_t begin,
                    size_t end);

#define HONE_NORMALIZATION_ISA(ns)                                                                                 \
  namespace ns {                                                                                                   \
  void softmax_rows(const float* x, float* y, size_t rows, size_t n, bool log);                                    \
  void softmax_strided(const float* x, float* y, size_t n, size_t inner, size_t begin, size_t end, bool log);      \
  void layer_norm_rows(const float* x, float* y, size_t rows, size_t n, const float* scale, const float* bias,     \
                       float epsilon, float* mean_out, float* inv_std_out);                                        \
  void lrn_plane(const float* x, float* y, size_t channels, size_t plane, size_t begin, size_t end,                \
                 const LrnParams& p);                                                                              \
  void reduce_rows(ReduceKind kind, const float* x, float* y, size_t rows, size_t n);                              \
  void reduce_strided(ReduceKind kind, const float* x, float* y, size_t n, size_t inner, size_t begin, size_t end); \
  }
HONE_NORMALIZATION_ISA(baseline)
HONE_NORMALIZATION_ISA(avx2)
HONE_NORMALIZATION_ISA(avx512)
#undef HONE_NORMALIZATION_ISA

}  // namespace hone::cpu
