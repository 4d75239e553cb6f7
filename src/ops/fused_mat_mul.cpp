// FusedMatMul (domain hone): MatMul plus a bias and the optimizer's epilogue (epilogue.hpp),
//   Y = post_activation(activation(MatMul(A, B) + bias) + Z)
// Inputs A, B (as MatMul, numpy batching), bias? (input 2, broadcast to Y, usually [N]), Z?
// (input 3, Y's shape). The reference is MatMul's kernel, the broadcast Add of the bias, then
// the epilogue: what MatMul -> Add -> activation computed.
#include "ops/elementwise.hpp"
#include "ops/epilogue.hpp"

namespace hone::ops {
namespace {

constexpr size_t kBias = 2;

Status infer_product_and_bias(InferContext& ctx) {
  HONE_RETURN_IF_ERROR(op_def(ir::OpKind::MatMul).infer(ctx));
  if (!ctx.has_input(kBias)) return Status::ok();
  const ir::Type& y = ctx.output_type(0);
  if (ctx.input_dtype(kBias) != y.dtype) return ctx.error("bias must have A's element type");
  // The bias broadcasts into Y without growing it.
  auto b = broadcast_shapes(y.shape, ctx.input_shape(kBias));
  if (!b.is_ok()) return ctx.bad_input("bias: " + b.status().message());
  if (b->has_rank && y.shape.has_rank && b->rank() != y.shape.rank()) {
    return ctx.bad_input("bias " + ctx.input_shape(kBias).to_string() + " has more dimensions than the product " +
                         y.shape.to_string());
  }
  return Status::ok();
}

Status infer(InferContext& ctx) { return infer_with_epilogue(ctx, infer_product_and_bias); }

Status run(KernelContext& ctx) {
  HONE_RETURN_IF_ERROR(op_def(ir::OpKind::MatMul).run(ctx));
  Tensor& y = ctx.output(0);
  if (ctx.has_input(kBias)) {
    const Tensor& bias = ctx.input(kBias);
    auto shape = broadcast_shapes(y.shape(), bias.shape());
    if (!shape.is_ok() || *shape != y.shape() || bias.dtype() != y.dtype()) {
      return ctx.bad_input("bias " + shape_to_string(bias.shape()) + " does not broadcast to the product " +
                           shape_to_string(y.shape()));
    }
    HONE_RETURN_IF_ERROR(dispatch_dtype<TypeSet::Float>(y.dtype(), "FusedMatMul", [&](auto tag) {
      using T = typename decltype(tag)::type;
      elementwise::map_binary<T, T, T>(y, bias, y, [](auto a, auto b) { return a + b; });
      return Status::ok();
    }));
  }
  return apply_epilogue(ctx, y);
}

}  // namespace

HONE_DEFINE_OP(FusedMatMul){
    .name = "FusedMatMul",
    .min_inputs = 2,
    .max_inputs = 4,
    .attrs = epilogue_attrs(),
    .infer = infer,
    .run = run,
};

}  // namespace hone::ops
