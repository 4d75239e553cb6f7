// The epilogue of a fused layer (FusedConv, FusedGemm, FusedMatMul): what the optimizer folded
// into the producing layer after its product, applied per output element in this order:
//
//   y = post_activation( activation( product [+ bias] ) [+ Z] )
//
// `activation`/`activation_params` and `post_activation`/`post_activation_params` name two
// Activations (activation.hpp; "" is none); Z, the optional input 3, is a tensor of the
// output's shape (the residual branch). This covers Conv+BN+Relu, ResNet's conv + add + relu
// (activation none, post Relu) and YOLOv8's conv + SiLU + shortcut add (post none).
#pragma once

#include <vector>

#include "ops/activation.hpp"
#include "ops/op_def.hpp"

namespace hone::ops {

inline constexpr size_t kEpilogueResidualInput = 3;

struct Epilogue {
  Activation activation;
  Activation post_activation;
  bool is_identity() const { return activation.is_none() && post_activation.is_none(); }
};

/// The four epilogue attributes with their defaults (none).
std::vector<AttrSpec> epilogue_attrs();
/// `base` followed by epilogue_attrs().
std::vector<AttrSpec> with_epilogue_attrs(std::vector<AttrSpec> base);
/// Reads a fused node's epilogue; InvalidModel (with the node) for unknown activations.
Result<Epilogue> read_epilogue(const AttrReader& node);
/// Writes `e` into attributes (empty activations are left out).
void write_epilogue(const Epilogue& e, ir::Attributes* attrs);

/// infer() of a fused op: `base` (the unfused op's rule, e.g. Conv's) sets output 0, then Z
/// (when present) must have output 0's element type and a shape equal to it where known.
Status infer_with_epilogue(InferContext& ctx, InferFn base);
/// The reference epilogue on a computed output `y` (float types): activation, + Z (input 3 of
/// `ctx` when present; must have y's shape), post activation; in place.
Status apply_epilogue(KernelContext& ctx, Tensor& y);

}  // namespace hone::ops
