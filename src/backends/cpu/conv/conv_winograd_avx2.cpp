// Winograd F(4x4, 3x3) NCHW[b]c convolution in AVX2 (conv_winograd.hpp; the kernel is
// simd/conv_winograd_impl.hpp). GEMM register tile: 6 tiles x 2 output blocks, or 12 x 1.
#include "backends/cpu/conv/conv_winograd.hpp"
#include "backends/cpu/simd/conv_winograd_impl.hpp"
#include "backends/cpu/simd/simd_avx2.hpp"

namespace hone::cpu::avx2 {

void f32_conv_winograd_f43(const NchwcConv& conv, const WinogradPlan& plan, ThreadPool& pool) {
  simd::winograd_f43_conv<VecF32, 6, 12>(conv, plan, pool);
}

}  // namespace hone::cpu::avx2
