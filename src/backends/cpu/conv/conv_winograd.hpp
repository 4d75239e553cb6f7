// Winograd F(4x4, 3x3) convolution in the blocked channel layout NCHW[b]c, a second kernel of
// FusedConvBlocked (next to the direct one of conv_nchwc.hpp) for 3x3, stride 1, dilation 1,
// group 1: b = 16 with AVX-512, 8 with AVX2. Each 4x4 output tile is computed from the 6x6
// input tile around it (Lavin & Gray, points 0, 1, -1, 2, -2 and infinity):
//
//   U = G g G^T (6x6, per output/input channel pair; once, in prepare)
//   V = B^T d B (6x6, per tile and input channel)
//   M[xi] = sum_c V[xi][tile][c] U[xi][c][m]      36 independent GEMMs, xi = 6x6 position
//   Y = A^T M A (4x4), then bias and the epilogue (as the direct kernel's), stored.
//
// Tiles are processed in chunks (all 36 GEMMs of a chunk share the chunk's V and M buffers,
// sized to stay in L2); each phase of a chunk is split over the ThreadPool. Pads and image
// borders are handled by a zero-padded blocked copy of X in the workspace (every tile reads
// inside it); tiles past the output's edge compute into it and store only their real pixels.
//
//   workspace: [padded X: N, ceil(C/b), rows, cols, b][V: 36, ceil(C/b), chunk, b]
//              [M: 36, ceil(M/b), chunk, b]
//   packed U:  [36][ceil(M/b)][ceil(C/b)][b input channels][b output channels], zeros past C, M
#pragma once

#include <cstddef>
#include <cstdint>

#include "backends/cpu/conv/conv_nchwc.hpp"

namespace hone::cpu {

/// The tiling of one Winograd convolution (all in tiles, floats or pixels).
struct WinogradPlan {
  int64_t tiles_h = 0, tiles_w = 0;  // 4x4 output tiles per image: ceil(OH/4) x ceil(OW/4)
  int64_t tiles = 0;                 // of the whole batch, numbered (n, tile row, tile column)
  int64_t chunk = 0;                 // tiles per chunk: a multiple of the GEMM's register tile
  int64_t rows = 0, cols = 0;        // of the padded copy of X (the image at pad_top, pad_left)
  bool copy_input = true;            // X is copied (plain X), else read in place (blocked X)
  size_t input_floats = 0, v_floats = 0, m_floats = 0;  // the three workspace parts
};

/// Whether the Winograd kernel computes `conv`: group 1 (not depthwise), 3x3, stride 1,
/// dilation 1. Any pads, batch, channel counts; blocked or plain X.
bool winograd_computes(const NchwcConv& conv);
/// The tiling of `conv` (winograd_computes(conv) must hold).
WinogradPlan winograd_plan(const NchwcConv& conv);
/// Floats of workspace the convolution needs (the plan's three parts, each 64-byte aligned).
size_t winograd_workspace_floats(const NchwcConv& conv);
/// Floats of the transformed weights U.
size_t winograd_weight_floats(const NchwcConv& conv);
/// Transforms plain W [M, C, 3, 3] into U (layout above), computed in double.
void pack_winograd_weights(const NchwcConv& conv, const float* w, float* packed);

/// Runs the convolution on `pool` with the ISA of the block (Avx512 for 16, Avx2 for 8);
/// conv.weights is pack_winograd_weights()'s output, conv.workspace holds
/// winograd_workspace_floats() floats, 64-byte aligned.
void run_winograd_conv(CpuIsa isa, const NchwcConv& conv, ThreadPool& pool);

namespace avx512 {
void f32_conv_winograd_f43(const NchwcConv& conv, const WinogradPlan& plan, ThreadPool& pool);
}
namespace avx2 {
void f32_conv_winograd_f43(const NchwcConv& conv, const WinogradPlan& plan, ThreadPool& pool);
}

}  // namespace hone::cpu
