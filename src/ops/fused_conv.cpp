// FusedConv (domain hone): Conv with the optimizer's epilogue (epilogue.hpp),
//   Y = post_activation(activation(Conv(X, W, B)) + Z)
// Inputs X, W, B? (as Conv), Z? (input 3, the residual). Attributes: Conv's plus the epilogue's.
// The reference is Conv's kernel followed by the epilogue, so it computes what the unfused
// nodes computed.
#include "ops/conv_geometry.hpp"
#include "ops/epilogue.hpp"

namespace hone::ops {
namespace {

Status infer(InferContext& ctx) { return infer_with_epilogue(ctx, op_def(ir::OpKind::Conv).infer); }

Status run(KernelContext& ctx) {
  HONE_RETURN_IF_ERROR(op_def(ir::OpKind::Conv).run(ctx));
  return apply_epilogue(ctx, ctx.output(0));
}

}  // namespace

HONE_DEFINE_OP(FusedConv){
    .name = "FusedConv",
    .min_inputs = 2,
    .max_inputs = 4,
    .attrs = with_epilogue_attrs(conv_attrs()),
    .infer = infer,
    .run = run,
};

}  // namespace hone::ops
