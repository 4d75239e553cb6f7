// Loop bodies of the mask kernels (mask_kernels.hpp), written plainly for the compiler to
// vectorize, included once per ISA by mask_kernels.cpp / mask_kernels_avx2.cpp.
// NOTE: everything here has internal linkage (anonymous namespace): each ISA's file gets its
// own copy, so the linker can never pick an AVX2 body for a baseline caller.
#pragma once

#include <cstdint>
#include <cstring>

#include "vision/mask_kernels.hpp"

namespace hone::vision {
namespace {

// HONE_MASK_LANES, set by the including file: floats per vector register (4 for SSE2, 8 for
// AVX2). The logits kernel uses GCC/Clang vector extensions so that its accumulators are
// registers, which plain arrays of floats do not reliably become.
constexpr int kLanes = HONE_MASK_LANES;
typedef float Vec __attribute__((vector_size(kLanes * sizeof(float))));

inline Vec load_vec(const float* p) {
  Vec v;
  std::memcpy(&v, p, sizeof v);
  return v;
}

// Logits of Vectors * kLanes consecutive columns; the accumulators stay in registers over all
// the channels, so each prototype value is loaded once and each logit stored once. Narrow
// blocks split the channel sum over `Chains` accumulators (channel k into chain k % Chains) so
// that about four FMAs are in flight whatever the width.
template <int Vectors>
inline void logits_block(const float* coefficients, int64_t channels, const float* protos, int64_t plane, float* dst) {
  constexpr int Chains = Vectors >= 4 ? 1 : 4 / Vectors;
  Vec acc[Chains][Vectors] = {};
  int64_t k = 0;
  for (; k + Chains <= channels; k += Chains) {
    for (int j = 0; j < Chains; ++j) {
      const float ck = coefficients[k + j];
      const float* src = protos + (k + j) * plane;
      for (int v = 0; v < Vectors; ++v) acc[j][v] += ck * load_vec(src + v * kLanes);
    }
  }
  for (; k < channels; ++k) {
    const float* src = protos + k * plane;
    for (int v = 0; v < Vectors; ++v) acc[0][v] += coefficients[k] * load_vec(src + v * kLanes);
  }
  for (int j = 1; j < Chains; ++j) {
    for (int v = 0; v < Vectors; ++v) acc[0][v] += acc[j][v];
  }
  std::memcpy(dst, acc[0], sizeof acc[0]);
}

void logits_kernel(const float* coefficients, int64_t channels, const float* protos, int64_t plane,
                   int64_t row_stride, int width, int height, float* logits, int64_t logits_stride) {
  // 32 columns, then 16, then 8, then single columns; callers align windows to multiples of 8
  // so that the last rarely runs.
  for (int y = 0; y < height; ++y) {
    float* dst = logits + y * logits_stride;
    const float* row = protos + y * row_stride;
    int x = 0;
    for (; x + 32 <= width; x += 32) logits_block<32 / kLanes>(coefficients, channels, row + x, plane, dst + x);
    for (; x + 16 <= width; x += 16) logits_block<16 / kLanes>(coefficients, channels, row + x, plane, dst + x);
    for (; x + 8 <= width; x += 8) logits_block<8 / kLanes>(coefficients, channels, row + x, plane, dst + x);
    for (; x < width; ++x) {
      float acc = 0;
      for (int64_t k = 0; k < channels; ++k) acc += coefficients[k] * row[k * plane + x];
      dst[x] = acc;
    }
  }
}

void columns_kernel(const float* row, const int32_t* lo, const int32_t* hi, const float* weight, int width,
                    float* out) {
  for (int c = 0; c < width; ++c) out[c] = row[lo[c]] + (row[hi[c]] - row[lo[c]]) * weight[c];
}

void threshold_kernel(const float* a, const float* b, float weight, float cut, int width, uint8_t* mask) {
  for (int c = 0; c < width; ++c) mask[c] = (a[c] + (b[c] - a[c]) * weight) > cut ? 1 : 0;
}

}  // namespace
}  // namespace hone::vision
