// The GEMM-based tactics of the CPU backend, one instance per ISA level, registered in
// cpu_backend.cpp: sgemm (gemm.hpp) behind Gemm/MatMul layers and behind convolutions that
// are a GEMM (1x1 convolutions directly, every other convolution through im2col, transposed
// convolutions through col2im).
#pragma once

#include "backends/backend.hpp"
#include "backends/cpu/dispatch.hpp"

namespace hone::cpu {

/// The program-lifetime instance of tactic class T (constructed from a CpuIsa) for `isa`: one
/// per ISA level, built on first use.
template <class T>
const Tactic& tactic_for_isa(CpuIsa isa) {
  static const T avx512(CpuIsa::Avx512), avx2(CpuIsa::Avx2), baseline(CpuIsa::Baseline);
  switch (isa) {
    case CpuIsa::Avx512: return avx512;
    case CpuIsa::Avx2: return avx2;
    case CpuIsa::Baseline: break;
  }
  return baseline;
}

/// cpu.f32_gemm_<isa>: Gemm, FusedGemm (2-D, transA/transB, alpha/beta, C broadcast), MatMul,
/// FusedMatMul (numpy batching, 1-D operands, bias); constant operands prepacked.
const Tactic& gemm_tactic(CpuIsa isa);
/// cpu.f32_conv1x1_gemm_<isa>: Conv/FusedConv with 1x1 kernels, stride 1 and no padding (any
/// group, batch, dilation): Y[m, hw] = W[m, c] X[c, hw] per image and group, W prepacked.
const Tactic& conv1x1_gemm_tactic(CpuIsa isa);
/// cpu.f32_conv_im2col_<isa>: every other 1-D/2-D/3-D Conv/FusedConv (kernel, strides,
/// dilations, pads, auto_pad, groups) as W x im2col(X), the im2col matrix built in the
/// workspace a column chunk at a time.
const Tactic& conv_im2col_tactic(CpuIsa isa);
/// cpu.f32_conv_transpose_gemm_<isa>: 1-D/2-D/3-D ConvTranspose (strides, dilations, pads,
/// output_padding, output_shape, auto_pad, groups) as W_g^T X_g per image and group into a
/// column buffer in the workspace, then col2im into Y (an interleaving for kernel == stride);
/// one input channel per group (depthwise) skips the GEMM.
const Tactic& conv_transpose_gemm_tactic(CpuIsa isa);

}  // namespace hone::cpu
