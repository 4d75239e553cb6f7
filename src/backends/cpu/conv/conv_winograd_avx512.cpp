// Winograd F(4x4, 3x3) NCHW[b]c convolution in AVX-512 (conv_winograd.hpp; the kernel is
// simd/conv_winograd_impl.hpp). GEMM register tile: 14 tiles x 2 output blocks, or 28 x 1.
#include "backends/cpu/conv/conv_winograd.hpp"
#include "backends/cpu/simd/conv_winograd_impl.hpp"
#include "backends/cpu/simd/simd_avx512.hpp"

namespace hone::cpu::avx512 {

void f32_conv_winograd_f43(const NchwcConv& conv, const WinogradPlan& plan, ThreadPool& pool) {
  simd::winograd_f43_conv<VecF32, 14, 28>(conv, plan, pool);
}

}  // namespace hone::cpu::avx512
