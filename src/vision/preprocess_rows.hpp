// The two row kernels of preprocess() (preprocess.cpp): a vertical blend of two 8-bit source
// rows into floats, then a horizontal resample of that float row that also normalizes and
// scatters the channels into the output tensor. Plain C++ versions (the compiler vectorizes
// the blend), and AVX2 + FMA versions (preprocess_rows_avx2.cpp) about twice as fast, called
// only when the CPU has both (bench/micro/bench_preprocess.cpp).
#pragma once

#include <cstddef>
#include <cstdint>

namespace hone::vision {

/// out[i] = top[i] + weight * (bottom[i] - top[i]) for i < count (weight in [0, 1)).
void blend_rows_u8_f32(const uint8_t* top, const uint8_t* bottom, float weight, int count, float* out);
void blend_rows_u8_f32_avx2(const uint8_t* top, const uint8_t* bottom, float weight, int count, float* out);

/// The horizontal taps of one output row and what to do with the values. Column x of the
/// output reads the interleaved 3-channel float row at pixel offsets[x] (in floats: source
/// pixel * 3) and the pixel after it, weights[x] being the weight of the second one:
///
///   v[c]            = row[o + c] + w * (row[o + 3 + c] - row[o + c])     o = offsets[x], w = weights[x]
///   out[c][x*step]  = (v[c] - mean[c]) * inv_std[c]                      c: the row's channel
///
/// out[c], mean[c] and inv_std[c] are indexed by the *source* channel, so that a channel swap
/// is a permutation of these three arrays. step is 1 (planar NCHW: three planes' rows) or 3
/// (interleaved NHWC: the three pointers are the first pixel's three floats, in some order).
struct ResampleRow {
  const int* offsets = nullptr;
  const float* weights = nullptr;
  int count = 0;
  float mean[3] = {0, 0, 0};
  float inv_std[3] = {1, 1, 1};
  float* out[3] = {nullptr, nullptr, nullptr};
  int step = 1;
};

/// Runs `job` over `row`, which must hold offsets[x] + 7 readable floats for every x (the
/// AVX2 version reads 4 floats at each of the two pixels).
void resample_row_f32(const float* row, const ResampleRow& job);
void resample_row_f32_avx2(const float* row, const ResampleRow& job);

}  // namespace hone::vision
