// Factories of the individual passes (one file each in src/passes/) and the order of the
// default pipeline (default_pipeline.cpp). Add a pass here and in default_passes().
#pragma once

#include <memory>
#include <vector>

#include "passes/pass.hpp"

namespace hone::passes {

/// The default pipeline, in order: cleanup and folding first, then pattern collapses and
/// fusions (the manager repeats the list until nothing changes).
std::vector<std::unique_ptr<Pass>> default_passes(const PassOptions& options);

// ---- Cleanup passes (first in the pipeline) ----
/// "identity_elimination": removes Identity, inference Dropout (mask unused), Cast to the same
/// type, and Expand/Tile/Reshape/Squeeze/Unsqueeze/Flatten/Pad/Slice that leave a static shape
/// and the data unchanged. Graph outputs keep their names.
std::unique_ptr<Pass> make_identity_elimination(const PassOptions& options);
/// "constant_folding": evaluates nodes with constant inputs (and Shape/Size of statically shaped
/// values) with the reference kernels; results over options.max_folded_bytes per value, random
/// operators, nodes with subgraphs, non-tensor outputs and DequantizeLinear (quantized weights
/// keep their scales for the precision stage) stay computed at run time.
std::unique_ptr<Pass> make_constant_folding(const PassOptions& options);
/// "dead_code_elimination": removes unread nodes and values (unused initializers included).
std::unique_ptr<Pass> make_dead_code_elimination(const PassOptions& options);
/// "common_subexpression": merges equal constants (up to 1 MiB) and nodes computing the same
/// thing from the same inputs.
std::unique_ptr<Pass> make_common_subexpression(const PassOptions& options);

// ---- pattern collapses and layout folding (float32 patterns; see each pass's file) ----

/// Transpose->Transpose composes (or vanishes), identity Transposes vanish, chains of
/// Reshape/Flatten/Squeeze/Unsqueeze become one Reshape to a static shape.
std::unique_ptr<Pass> make_transpose_reshape_folding(const PassOptions& options);
/// SiLU -> Swish, x*HardSigmoid(x) and x*Relu6(x+3)/6 -> HardSwish, the erf and tanh GELU
/// spellings -> Gelu.
std::unique_ptr<Pass> make_activation_pattern_fusion(const PassOptions& options);
/// The decomposed mean/variance normalization over trailing axes -> LayerNormalization.
std::unique_ptr<Pass> make_layer_norm_fusion(const PassOptions& options);
/// Softmax(Q K^T * scale [+ mask]) V on 4-D tensors -> Attention (opset 23).
std::unique_ptr<Pass> make_attention_fusion(const PassOptions& options);
/// Chains of two or more single-use elementwise nodes -> one FusedElementwise. Runs last.
std::unique_ptr<Pass> make_elementwise_fusion(const PassOptions& options);

// ---- layer fusions (float32; each rewrite keeps the outputs within float rounding) ----

/// "batchnorm_folding": Conv/ConvTranspose -> inference BatchNormalization with constant
/// weights and statistics becomes one Conv/ConvTranspose with folded weights and bias.
std::unique_ptr<Pass> make_batchnorm_folding(const PassOptions& options);
/// "affine_folding": per-channel affine maps no conv absorbed — a BatchNormalization, chains
/// of Mul/Add/Sub/Div by per-channel or scalar constants — become one Mul and one Add.
std::unique_ptr<Pass> make_affine_folding(const PassOptions& options);
/// "matmul_add_fusion": MatMul -> Add(bias) becomes Gemm (2-D operands, bias broadcasting
/// to [M, N]) or FusedMatMul (the bias broadcasts into the product without growing it).
std::unique_ptr<Pass> make_matmul_add_fusion(const PassOptions& options);
/// "activation_fusion": an activation reading a Conv/Gemm/MatMul (or fused) layer's
/// single-use output becomes the layer's epilogue activation (post_activation after a Z).
std::unique_ptr<Pass> make_activation_fusion(const PassOptions& options);
/// "residual_add_fusion": Add/Sum(layer output, z) with z of the same shape and type becomes
/// the fused layer with residual input Z = z.
std::unique_ptr<Pass> make_residual_add_fusion(const PassOptions& options);

// ---- layout planning (run by the builder for backends with blocked kernels; not in the list) ----

/// "layout_planning": convolutions and the layers between them that can work on it go to the
/// blocked channel layout NCHW[block]c, with reorders where blocked and plain layers meet
/// (layout_planning.cpp). block < 2: nothing changes.
std::unique_ptr<Pass> make_layout_planning(int64_t block);
/// "input_affine_fusion": after layout planning, a per-channel Mul + Add (+ ReLU) read only by
/// a pointwise blocked convolution becomes that convolution's input transform
/// (input_affine_fusion.cpp).
std::unique_ptr<Pass> make_input_affine_fusion();

}  // namespace hone::passes
