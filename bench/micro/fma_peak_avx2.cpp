// The avx2 FMA-throughput loop of fma_peak.hpp: 24 accumulators of 8 floats, each updated
// by one FMA per round (acc = acc * m + a), no loads or stores inside the loop.
#include <immintrin.h>

#include "fma_peak.hpp"

namespace hone::bench {

float f32_fma_loop_avx2(uint64_t iterations) {
  constexpr int kChains = 24;
  __m256 acc[kChains];
  for (int i = 0; i < kChains; ++i) acc[i] = _mm256_set1_ps(0.001f * static_cast<float>(i));
  // m slightly below 1 and a small keep the values bounded (no denormals, no infinities).
  const __m256 m = _mm256_set1_ps(0.99999f), a = _mm256_set1_ps(1e-6f);
  for (uint64_t it = 0; it < iterations; ++it) {
#pragma GCC unroll 24
    for (int i = 0; i < kChains; ++i) acc[i] = _mm256_fmadd_ps(acc[i], m, a);
  }
  __m256 sum = acc[0];
  for (int i = 1; i < kChains; ++i) sum = _mm256_add_ps(sum, acc[i]);
  float lanes[8];
  _mm256_storeu_ps(lanes, sum);
  float total = 0.0f;
  for (float v : lanes) total += v;
  return total;
}

}  // namespace hone::bench
