// The avx512 FMA-throughput loop of fma_peak.hpp: 24 accumulators of 16 floats, each updated
// by one FMA per round (acc = acc * m + a), no loads or stores inside the loop.
#include <immintrin.h>

#include "fma_peak.hpp"

namespace hone::bench {

float f32_fma_loop_avx512(uint64_t iterations) {
  constexpr int kChains = 24;
  __m512 acc[kChains];
  for (int i = 0; i < kChains; ++i) acc[i] = _mm512_set1_ps(0.001f * static_cast<float>(i));
  // m slightly below 1 and a small keep the values bounded (no denormals, no infinities).
  const __m512 m = _mm512_set1_ps(0.99999f), a = _mm512_set1_ps(1e-6f);
  for (uint64_t it = 0; it < iterations; ++it) {
#pragma GCC unroll 24
    for (int i = 0; i < kChains; ++i) acc[i] = _mm512_fmadd_ps(acc[i], m, a);
  }
  __m512 sum = acc[0];
  for (int i = 1; i < kChains; ++i) sum = _mm512_add_ps(sum, acc[i]);
  float lanes[16];
  _mm512_storeu_ps(lanes, sum);
  float total = 0.0f;
  for (float v : lanes) total += v;
  return total;
}

}  // namespace hone::bench
