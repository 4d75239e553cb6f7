// The row kernels of preprocess(): the AVX2 versions against the plain ones on random rows,
// every column count around the 8- and 16-wide blocks, both layouts and channel orders, and
// writes confined to the row's own pixels. (preprocess() itself runs whichever this CPU
// picks; this is where the other one is checked.)
#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <string>
#include <vector>

#include "core/cpu_features.hpp"
#include "vision/preprocess_rows.hpp"
#include "vision/seed.hpp"

namespace hone::vision {
namespace {

bool have_avx2() { return CpuFeatures::host().avx2 && CpuFeatures::host().fma; }

std::vector<int> counts() {
  std::vector<int> all;
  for (int n = 0; n <= 41; ++n) all.push_back(n);
  for (int n : {63, 64, 65, 480, 481, 2430}) all.push_back(n);
  return all;
}

TEST(VisionPreprocessRows, BlendAvx2MatchesPlain) {
  if (!have_avx2()) GTEST_SKIP() << "no AVX2 + FMA on this CPU";
  const uint32_t seed = testing::test_seed();
  SCOPED_TRACE(testing::seed_trace(seed));
  std::mt19937 rng(seed);
  std::uniform_int_distribution<int> byte(0, 255);
  std::uniform_real_distribution<float> unit(0.f, 1.f);
  for (int count : counts()) {
    std::vector<uint8_t> top(count), bottom(count);
    for (int i = 0; i < count; ++i) {
      top[i] = static_cast<uint8_t>(byte(rng));
      bottom[i] = static_cast<uint8_t>(byte(rng));
    }
    for (float weight : {0.f, unit(rng), unit(rng)}) {
      std::vector<float> plain(count + 1, -1.f), avx2(count + 1, -1.f);
      blend_rows_u8_f32(top.data(), bottom.data(), weight, count, plain.data());
      blend_rows_u8_f32_avx2(top.data(), bottom.data(), weight, count, avx2.data());
      for (int i = 0; i < count; ++i) {
        ASSERT_NEAR(avx2[i], plain[i], 1e-4f) << "count " << count << " weight " << weight << " at " << i;
      }
      EXPECT_EQ(avx2[count], -1.f) << "count " << count << ": wrote past the row";
    }
  }
}

TEST(VisionPreprocessRows, ResampleAvx2MatchesPlain) {
  if (!have_avx2()) GTEST_SKIP() << "no AVX2 + FMA on this CPU";
  const uint32_t seed = testing::test_seed();
  SCOPED_TRACE(testing::seed_trace(seed));
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> level(0.f, 255.f), unit(0.f, 1.f);
  constexpr int kSourcePixels = 300;
  // The row as preprocess() sizes it: the source plus two pixels.
  std::vector<float> row((kSourcePixels + 2) * 3);
  for (float& v : row) v = level(rng);
  const float mean[3] = {123.675f, 116.28f, 103.53f}, std[3] = {58.395f, 57.12f, 57.375f};
  constexpr int kGuard = 16;  // floats around the output that must stay untouched
  for (int count : counts()) {
    std::vector<int> offsets(count);
    std::vector<float> weights(count);
    std::uniform_int_distribution<int> pixel(0, kSourcePixels - 1);
    for (int x = 0; x < count; ++x) {
      offsets[x] = pixel(rng) * 3;
      weights[x] = x % 5 == 0 ? 0.f : unit(rng);
    }
    for (int step : {1, 3}) {
      for (bool swap : {false, true}) {
        const std::string what = "count " + std::to_string(count) + " step " + std::to_string(step) +
                                 (swap ? " swapped" : "");
        const size_t size = 3 * static_cast<size_t>(count) + 2 * kGuard;
        std::vector<float> plain(size, -1.f), avx2(size, -1.f);
        auto run = [&](std::vector<float>& out, void (*kernel)(const float*, const ResampleRow&)) {
          ResampleRow job;
          job.offsets = offsets.data();
          job.weights = weights.data();
          job.count = count;
          job.step = step;
          for (int c = 0; c < 3; ++c) {
            const int t = swap ? 2 - c : c;
            job.mean[c] = mean[t];
            job.inv_std[c] = 1.f / std[t];
            job.out[c] = out.data() + kGuard + (step == 1 ? t * static_cast<size_t>(count) : t);
          }
          kernel(row.data(), job);
        };
        run(plain, resample_row_f32);
        run(avx2, resample_row_f32_avx2);
        for (size_t i = 0; i < size; ++i) {
          const bool inside = i >= kGuard && i < size - kGuard;
          if (!inside) {
            ASSERT_EQ(avx2[i], -1.f) << what << ": wrote float " << i << ", outside the tensor row";
          } else {
            ASSERT_NE(avx2[i], -1.f) << what << ": float " << i << " not written";
            // Compared in pixel levels (times std ~ 57): only the FMA's rounding differs.
            ASSERT_NEAR(avx2[i] * 57.f, plain[i] * 57.f, 1e-3f) << what << " at float " << i;
          }
        }
      }
    }
  }
}

}  // namespace
}  // namespace hone::vision
