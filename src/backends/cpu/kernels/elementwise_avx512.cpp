// Elementwise rows in AVX-512 (elementwise.hpp; the bodies are elementwise_impl.hpp).
#include "backends/cpu/kernels/elementwise_impl.hpp"
#include "backends/cpu/simd/simd_avx512.hpp"

namespace hone::cpu::avx512 {

void chain_rows(const ChainStep* steps, size_t num_steps, const float* const* inputs, const uint8_t* is_row, float* y,
                size_t n) {
  simd::chain_rows<VecF32>(steps, num_steps, inputs, is_row, y, n);
}

void affine_rows(const float* x, float* y, size_t n, float scale, float shift, const ops::Activation& act) {
  simd::affine_rows<VecF32>(x, y, n, scale, shift, act);
}

}  // namespace hone::cpu::avx512
