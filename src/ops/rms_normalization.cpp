// RMSNormalization (opset 23): scales X by the reciprocal root mean square of its trailing
// axes [axis, rank), then by Scale.
//   Y = X / sqrt(mean(X^2) + epsilon) * Scale
#include "ops/normalization.hpp"

namespace hone::ops {
namespace {

const TrailingNormSpec kSpec{.center = false, .scale_input = 1};

Status infer(InferContext& ctx) { return infer_trailing_norm(ctx, kSpec); }
Status run(KernelContext& ctx) { return run_trailing_norm(ctx, kSpec); }

}  // namespace

HONE_DEFINE_OP(RMSNormalization){
    .name = "RMSNormalization",
    .min_inputs = 2,
    .max_inputs = 2,
    .attrs = {attr_int("axis", -1), attr_float("epsilon", 1e-5f), attr_int("stash_type", 1)},
    .infer = infer,
    .run = run,
};

}  // namespace hone::ops
