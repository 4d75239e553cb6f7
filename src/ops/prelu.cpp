// PRelu: y = x < 0 ? slope * x : x, with slope broadcast onto x's shape (unidirectional).
#include "ops/elementwise.hpp"

namespace hone::ops {
namespace {

namespace ew = elementwise;

Status infer(InferContext& ctx) { return ew::infer_broadcast(ctx, DataType::Undefined, {1}); }

Status run(KernelContext& ctx) {
  return ew::run_binary<TypeSet::Numeric>(ctx, [](auto x, auto slope) -> decltype(x) {
    if constexpr (std::is_unsigned_v<decltype(x)>) {
      return x;
    } else {
      return x < 0 ? ew::wrap_mul(slope, x) : x;
    }
  });
}

}  // namespace

HONE_DEFINE_OP(PRelu){.name = "PRelu", .min_inputs = 2, .max_inputs = 2, .infer = infer, .run = run};

}  // namespace hone::ops
