// Convolution as GEMM, shared by the 1x1 tactic (conv/conv1x1_gemm.cpp) and the im2col
// tactic (conv/conv_im2col.cpp). Per image n and group g:
//
//   Y[n, g*Mg + m, o] = sum_j W[g*Mg + m, j] * B[j, o],   j = (c, kd, kh, kw) < K = Cg * kernel volume
//   B[j, o] = X[n, g*Cg + c, o*s - p + kk*d]   (0 outside the input; for a 1x1 kernel with
//                                               stride 1 and no pads B is X's [Cg, HW] block)
//
// a GEMM with M = Mg, N = output plane, K: A = the group's weights (prepacked when constant),
// B = X itself or im2col(X) written straight into sgemm's packed panels (im2col_pack), C = Y's
// block; the bias (per output channel, a per-row bias), the activations and Z are sgemm's
// epilogue.
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
/// Runs the layer; `pointwise_only` refuses geometries that need im2col (the 1x1 tactic).
Status conv_gemm_run(CpuIsa isa, const LayerRun& run, bool pointwise_only, std::string_view tactic);

/// B for one image and group of a convolution: the im2col matrix, never materialized.
struct Im2colSource {
  const float* x = nullptr;  // X[n, g*Cg] : Cg planes of in_plane floats
  size_t in_plane = 0;
  const ops::Geometry3d* g = nullptr;
};
/// GemmPackFn writing rows [k0, k0 + kc) and columns [n0, n0 + nc) of im2col(X) in packed
/// panels (context: an Im2colSource).
void im2col_pack(const void* context, size_t k0, size_t kc, size_t n0, size_t nc, size_t nr, float* out);

}  // namespace hone::cpu
