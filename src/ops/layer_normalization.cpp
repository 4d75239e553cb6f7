// LayerNormalization (opset 17): normalizes X over axes [axis, rank) and applies a scale and
// an optional bias; optionally outputs the Mean and InvStdDev it used (stash_type dtype).
//   Y = (X - mean) / sqrt(var + epsilon) * Scale + B
#include "ops/normalization.hpp"

namespace hone::ops {
namespace {

const TrailingNormSpec kSpec{.center = true, .scale_input = 1, .bias_input = 2, .mean_output = 1, .inv_std_output = 2};

Status infer(InferContext& ctx) { return infer_trailing_norm(ctx, kSpec); }
Status run(KernelContext& ctx) { return run_trailing_norm(ctx, kSpec); }

}  // namespace

HONE_DEFINE_OP(LayerNormalization){
    .name = "LayerNormalization",
    .min_inputs = 2,
    .max_inputs = 3,
    .min_outputs = 1,
    .max_outputs = 3,
    .attrs = {attr_int("axis", -1), attr_float("epsilon", 1e-5f), attr_int("stash_type", 1)},
    .infer = infer,
    .run = run,
};

}  // namespace hone::ops
