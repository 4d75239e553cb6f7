// Direct 2-D convolution in the blocked channel layout NCHW[b]c (ops/blocked_layout.hpp), the
// CPU kernel of FusedConvBlocked: b = 16 with AVX-512, 8 with AVX2, one vector of b output
// channels per output pixel. The register tile is R consecutive output pixels of one row by
// two (or one) output channel blocks; the inner loop broadcasts one input value per pixel and
// multiplies it into the weight vectors (oneDNN's scheme):
//
//   for input block ib, kernel (kh, kw), input channel c of the block:
//     w0 = W[ob0][ib][kh][kw][c][:], w1 = W[ob1][ib][kh][kw][c][:]          (b lanes each)
//     for r < R: x = broadcast(X[ib][oh*s + kh*d - p][(ow+r)*s + kw*d - p][c])
//                acc[0][r] += w0 * x;  acc[1][r] += w1 * x
//
// Depthwise convolutions (group = C = M) multiply vectors lane by lane instead. A convolution
// with pads (or a plain input) first copies X into a zero-padded blocked buffer in the
// workspace, so no tap needs a bounds check; the last tile of a row computes past the row's end
// into that padding and stores only its real pixels. The epilogue (bias, activation, + Z, post
// activation) is applied to the accumulators before they are stored; output lanes past M are
// written as 0.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "backends/cpu/dispatch.hpp"
#include "core/thread_pool.hpp"
#include "ops/activation.hpp"
#include "ops/blocked_layout.hpp"  // kMaxInputTransformChannels

namespace hone::cpu {

/// One blocked convolution: shapes, strides and pointers (all in floats).
struct NchwcConv {
  int64_t batch = 1;
  int64_t in_channels = 0, out_channels = 0;  // plain channel counts C and M
  bool depthwise = false;                      // group = C = M (else group = 1)
  int64_t in_h = 0, in_w = 0, out_h = 0, out_w = 0;
  int64_t kernel_h = 1, kernel_w = 1, stride_h = 1, stride_w = 1, dilation_h = 1, dilation_w = 1;
  int64_t pad_top = 0, pad_left = 0;
  int64_t block = 16;
  bool input_blocked = true;  // X blocked [N, ceil(C/b), H, W, b], else plain [N, C, H, W]
  const float* x = nullptr;
  const float* weights = nullptr;  // pack_nchwc_weights() output
  const float* bias = nullptr;     // ceil(M/b)*b values (zero past M)
  const float* z = nullptr;        // residual in Y's layout, or nullptr
  float* y = nullptr;              // blocked [N, ceil(M/b), OH, OW, b]
  float* workspace = nullptr;      // nchwc_workspace_floats() floats, 64-byte aligned
  // The input transform X' = relu?(X * in_scale[c] + in_shift[c]) (FusedConvBlocked inputs 4,
  // 5; pointwise layers with a blocked X only), ceil(C/b)*b values each (zero past C).
  bool input_transform = false;
  const float* in_scale = nullptr;
  const float* in_shift = nullptr;
  bool in_relu = false;
  ops::Activation activation;
  ops::Activation post_activation;
};

/// The widest register tile (pixels per tile) of the kernel for `block`; the input copy of a
/// padded convolution is sized so every tile of that width reads inside it.
int64_t nchwc_tile_pixels(int64_t block);
/// Whether the kernel reads X through a zero-padded blocked copy (pads, a plain input, or
/// tiles that would read past the image): then it needs nchwc_workspace_floats().
bool nchwc_needs_copy(const NchwcConv& conv);
/// Floats of workspace the convolution needs (0 when it reads X in place).
size_t nchwc_workspace_floats(const NchwcConv& conv);

/// Floats of the packed weights for `conv`'s geometry.
size_t nchwc_weight_floats(const NchwcConv& conv);
/// Packs plain W [M, C/group, KH, KW] for the kernel:
///   group 1:    [ceil(M/b)][ceil(C/b)][KH][KW][b input channels][b output channels]
///   depthwise:  [ceil(C/b)][KH][KW][b]
/// with zeros past M and C.
void pack_nchwc_weights(const NchwcConv& conv, const float* w, float* packed);

/// Runs the convolution on `pool` with the ISA of the block (Avx512 for 16, Avx2 for 8).
void run_nchwc_conv(CpuIsa isa, const NchwcConv& conv, ThreadPool& pool);

namespace avx512 {
void nchwc_conv(const NchwcConv& conv, ThreadPool& pool);
}
namespace avx2 {
void nchwc_conv(const NchwcConv& conv, ThreadPool& pool);
}

}  // namespace hone::cpu
