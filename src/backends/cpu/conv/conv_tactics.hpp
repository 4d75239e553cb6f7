// The convolution tactics of the CPU backend, by family, for cpu_backend.cpp's list, and the
// layer geometry the blocked-convolution tactics share.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "backends/backend.hpp"
#include "backends/cpu/conv/conv_nchwc.hpp"

namespace hone::cpu {

/// FusedConvBlocked: direct NCHW16c (AVX-512) and NCHW8c (AVX2) convolution (conv_nchwc.cpp).
std::vector<const Tactic*> nchwc_conv_tactics();
/// FusedConvBlocked, 3x3 stride 1: Winograd F(4x4, 3x3) in NCHW16c / NCHW8c (conv_winograd.cpp).
std::vector<const Tactic*> winograd_conv_tactics();

/// The geometry of a FusedConvBlocked layer with channel block `block` (pointers left null), or
/// nullopt when it is not a float32 group-1 or depthwise convolution with a blocked output of
/// that block, constant W (and B) and static shapes: what the blocked kernels can compute.
std::optional<NchwcConv> nchwc_geometry(const LayerDesc& layer, int64_t block);
/// The geometry of the layer being run with its pointers bound: X, Y, Z from the kernel
/// context, weights = packed[0], bias = packed[1], the epilogue's activations (workspace left
/// null). Error (with the node) when the layer no longer matches nchwc_geometry() or the
/// packed tensors are not the two a blocked tactic's prepare() made.
Result<NchwcConv> nchwc_bind(const LayerRun& run, int64_t block);
/// The layer's bias B (or zeros) padded with zeros to ceil(M/b)*b floats: packed[1].
Result<Tensor> nchwc_padded_bias(const LayerDesc& layer, const NchwcConv& conv);

}  // namespace hone::cpu
