// Convolution as GEMM, shared by the 1x1 and im2col tactics (conv/conv_gemm_tactics.cpp).
// Per image n and group g:
//
//   Y[n, g*Mg + m, o] = sum_j W[g*Mg + m, j] * B[j, o],   j = (c, kd, kh, kw) < K = Cg * kernel volume
//   B[j, o] = X[n, g*Cg + c, o*s - p + kk*d]   (0 outside the input; for a 1x1 kernel with
//                                               stride 1 and no pads B is X's [Cg, HW] block)
//
// a GEMM with M = Mg, N = output plane, K: A = the group's weights (prepacked when constant),
// B = X itself or im2col(X) built in the workspace a column chunk at a time (both read by
// sgemm in place), C = Y's block; the bias (per output channel, a per-row bias), the
// activations and Z are sgemm's epilogue.
#pragma once

#include <string_view>
#include <vector>

#include "backends/cpu/gemm/gemm_layer.hpp"
#include "ops/conv_geometry.hpp"

namespace hone::cpu {

struct ConvGemmGeometry {
  size_t batch = 0, channels = 0, out_channels = 0, group = 1;
  size_t cg = 0, mg = 0;       // input / output channels per group
  size_t kernel_volume = 1;
  size_t k = 0;                // cg * kernel_volume
  size_t in_plane = 0, out_plane = 0;
  ops::Geometry3d g;           // spatial geometry widened to 3-D
  bool pointwise = false;      // 1x1 kernel, stride 1, no pads: B is X itself
};

/// The geometry of a Conv/FusedConv node at run-time shapes X and W (1 to 3 spatial dims);
/// the reference's errors for inconsistent shapes or attributes.
Result<ConvGemmGeometry> conv_gemm_geometry(const ops::AttrReader& node, const Shape& x, const Shape& w);

/// What both conv tactics require of a layer: Conv/FusedConv, float32, X and W of equal rank
/// 3..5, W's shape known, a valid group and epilogue.
bool conv_gemm_supports(const LayerDesc& layer);
/// Whether the layer's W and attributes make it a pointwise convolution (1x1 kernel, strides
/// 1, no pads; dilations do not matter). Requires conv_gemm_supports().
bool is_pointwise_conv(const LayerDesc& layer);

size_t conv_gemm_workspace_bytes(CpuIsa isa, const LayerDesc& layer);
/// Packs a constant W per group as sgemm's A (one tensor [group, packed floats]); nothing
/// when W is not constant.
Result<std::vector<Tensor>> conv_gemm_prepare(CpuIsa isa, const LayerDesc& layer);
/// Per group g < `group` of the m*k floats at w + g*m*k: sgemm's packed A of that block
/// (row-major m x k with leading dimension lda, or its transpose when `trans`), as one tensor
/// [group, packed_a_floats(isa, m, k)].
Result<Tensor> pack_grouped_a(CpuIsa isa, const float* w, int64_t group, size_t m, size_t k, size_t lda, bool trans);
/// Runs the layer; `pointwise_only` refuses geometries that need im2col (the 1x1 tactic).
Status conv_gemm_run(CpuIsa isa, const LayerRun& run, bool pointwise_only, std::string_view tactic);

/// One image and group: y (Mg x out_plane) = epilogue(w x im2col(x)), x being Cg planes of X
/// (pointwise: x itself is B). `ep` carries the group's bias and, in ep.residual, the Z block
/// at y's origin (ldz is set here). `workspace` holds conv_gemm_group_workspace_bytes().
Status conv_gemm_group(CpuIsa isa, const ConvGemmGeometry& geo, const GemmOperand& w, const float* x, float* y,
                       GemmEpilogue ep, ThreadPool& pool, std::span<std::byte> workspace);
size_t conv_gemm_group_workspace_bytes(CpuIsa isa, const ConvGemmGeometry& geo, bool packed_w);

/// The im2col matrix of one image and group is built a column chunk at a time in the
/// workspace: `columns` output positions (all of them unless K x N floats exceed
/// kIm2colBufferFloats), rows `ld` floats apart (not a multiple of 1024, so sgemm reads the
/// buffer in place: gemm.cpp).
struct Im2colChunk {
  size_t columns = 0;
  size_t ld = 0;
};
inline constexpr size_t kIm2colBufferFloats = size_t{2} << 20;  // 8 MiB
Im2colChunk im2col_chunk(size_t k, size_t out_plane);
size_t im2col_buffer_bytes(const Im2colChunk& chunk, size_t k);

/// X of one image and group as the source of im2col rows.
struct Im2colSource {
  const float* x = nullptr;          // X[n, g*Cg]: Cg planes of in_plane floats
  size_t in_plane = 0;
  const ops::Geometry3d* g = nullptr;
  /// Per kernel column kw: [w_range[2kw], w_range[2kw+1]) are the output columns whose input
  /// column ow*s - p + kw*d lies inside X.
  const int64_t* w_range = nullptr;
};
/// Writes rows [k0, k1) and output columns [n0, n0 + cols) of im2col(X) row-major: row j
/// (j = (c, kd, kh, kw), W's order) at out + (j - k0) * ld.
void im2col_rows(CpuIsa isa, const Im2colSource& s, size_t k0, size_t k1, size_t n0, size_t cols, float* out, size_t ld);

}  // namespace hone::cpu
