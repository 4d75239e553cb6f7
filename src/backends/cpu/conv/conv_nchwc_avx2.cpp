// NCHW[b]c direct convolution in AVX2 (conv_nchwc.hpp; the kernel is
// simd/conv_nchwc_impl.hpp). Register tile: 6 pixels x 2 output blocks, or 12 x 1.
#include "backends/cpu/conv/conv_nchwc.hpp"
#include "backends/cpu/simd/conv_nchwc_impl.hpp"
#include "backends/cpu/simd/simd_avx2.hpp"

namespace hone::cpu::avx2 {

void nchwc_conv(const NchwcConv& conv, ThreadPool& pool) { simd::nchwc_conv<VecF32, 6, 12>(conv, pool); }

}  // namespace hone::cpu::avx2
