// NCHW[b]c direct convolution in AVX512 (conv_nchwc.hpp; the kernel is
// simd/conv_nchwc_impl.hpp). Register tile: 14 pixels x 2 output blocks, or 28 x 1.
#include "backends/cpu/conv/conv_nchwc.hpp"
#include "backends/cpu/simd/conv_nchwc_impl.hpp"
#include "backends/cpu/simd/simd_avx512.hpp"

namespace hone::cpu::avx512 {

void nchwc_conv(const NchwcConv& conv, ThreadPool& pool) { simd::nchwc_conv<VecF32, 14, 28>(conv, pool); }

}  // namespace hone::cpu::avx512
