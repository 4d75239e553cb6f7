// Activation rows in AVX2 (kernels/activation.hpp; the loop is simd/activation_impl.hpp).
#include "backends/cpu/kernels/activation.hpp"
#include "backends/cpu/simd/activation_impl.hpp"
#include "backends/cpu/simd/simd_avx2.hpp"

namespace hone::cpu::avx2 {

void activate(const ops::Activation& a, const float* x, float* y, size_t n) {
  simd::activate_rows<VecF32>(a, x, y, n);
}

}  // namespace hone::cpu::avx2
