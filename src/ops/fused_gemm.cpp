// FusedGemm (domain hone): Gemm with the optimizer's epilogue (epilogue.hpp),
//   Y = post_activation(activation(alpha * A' B' + beta * C) + Z)
// Inputs A, B, C? (as Gemm), Z? (input 3). Attributes: Gemm's plus the epilogue's. The
// reference is Gemm's kernel followed by the epilogue.
#include "ops/epilogue.hpp"
#include "ops/linalg.hpp"

namespace hone::ops {
namespace {

Status infer(InferContext& ctx) { return infer_with_epilogue(ctx, op_def(ir::OpKind::Gemm).infer); }

Status run(KernelContext& ctx) {
  HONE_RETURN_IF_ERROR(op_def(ir::OpKind::Gemm).run(ctx));
  return apply_epilogue(ctx, ctx.output(0));
}

}  // namespace

HONE_DEFINE_OP(FusedGemm){
    .name = "FusedGemm",
    .min_inputs = 2,
    .max_inputs = 4,
    .attrs = with_epilogue_attrs(gemm_attrs()),
    .infer = infer,
    .run = run,
};

}  // namespace hone::ops
