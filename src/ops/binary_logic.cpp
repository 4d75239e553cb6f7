// Binary comparison, logic and bitwise operators with numpy-style broadcasting: Equal, Less,
// Greater, LessOrEqual, GreaterOrEqual (bool result), And, Or, Xor (bool), BitShift,
// BitwiseAnd/Or/Xor/Not (integers). One rule per op.
#include "ops/elementwise.hpp"

namespace hone::ops {
namespace {

namespace ew = elementwise;

// a == b on numbers, bool and (opset 19+) strings.
Status run_Equal(KernelContext& ctx) {
  if (ctx.input(0).dtype() == DataType::String) {
    HONE_ASSIGN_OR_RETURN(ew::BinaryArgs args, ew::prepare_binary(ctx, DataType::Bool, true));
    ew::map_binary<std::string, std::string, bool>(*args.a, args.b, *args.y,
                                                   [](const std::string& a, const std::string& b) { return a == b; });
    return Status::ok();
  }
  return ew::run_binary<TypeSet::NumericBool, true>(ctx, [](auto a, auto b) { return a == b; });
}
Status run_Less(KernelContext& ctx) {
  return ew::run_binary<TypeSet::Numeric, true>(ctx, [](auto a, auto b) { return a < b; });
}
Status run_Greater(KernelContext& ctx) {
  return ew::run_binary<TypeSet::Numeric, true>(ctx, [](auto a, auto b) { return a > b; });
}
Status run_LessOrEqual(KernelContext& ctx) {
  return ew::run_binary<TypeSet::Numeric, true>(ctx, [](auto a, auto b) { return a <= b; });
}
Status run_GreaterOrEqual(KernelContext& ctx) {
  return ew::run_binary<TypeSet::Numeric, true>(ctx, [](auto a, auto b) { return a >= b; });
}

Status run_And(KernelContext& ctx) { return ew::run_binary_logic(ctx, [](bool a, bool b) { return a && b; }); }
Status run_Or(KernelContext& ctx) { return ew::run_binary_logic(ctx, [](bool a, bool b) { return a || b; }); }
Status run_Xor(KernelContext& ctx) { return ew::run_binary_logic(ctx, [](bool a, bool b) { return a != b; }); }

// direction="LEFT": x << s, "RIGHT": x >> s, on unsigned integers; shifting by the bit width
// or more gives 0.
Status run_BitShift(KernelContext& ctx) {
  const std::string& direction = ctx.attr_string("direction");
  if (direction != "LEFT" && direction != "RIGHT") {
    return ctx.error("direction must be 'LEFT' or 'RIGHT', got '" + direction + "'");
  }
  if (!is_unsigned_int(ctx.input(0).dtype())) {
    return ctx.unsupported("BitShift does not support element type " + std::string(dtype_name(ctx.input(0).dtype())));
  }
  const bool left = direction == "LEFT";
  return ew::run_binary<TypeSet::Int>(ctx, [=](auto x, auto s) -> decltype(x) {
    using C = decltype(x);
    using U = std::make_unsigned_t<C>;
    const auto shift = static_cast<U>(s);
    if (shift >= sizeof(C) * 8) return 0;
    return static_cast<C>(left ? static_cast<U>(static_cast<U>(x) << shift) : static_cast<U>(static_cast<U>(x) >> shift));
  });
}

Status run_BitwiseAnd(KernelContext& ctx) {
  return ew::run_binary<TypeSet::Int>(ctx, [](auto a, auto b) -> decltype(a) { return a & b; });
}
Status run_BitwiseOr(KernelContext& ctx) {
  return ew::run_binary<TypeSet::Int>(ctx, [](auto a, auto b) -> decltype(a) { return a | b; });
}
Status run_BitwiseXor(KernelContext& ctx) {
  return ew::run_binary<TypeSet::Int>(ctx, [](auto a, auto b) -> decltype(a) { return a ^ b; });
}
Status run_BitwiseNot(KernelContext& ctx) {
  return ew::run_unary<TypeSet::Int>(ctx, [](auto x) -> decltype(x) { return static_cast<decltype(x)>(~x); });
}

}  // namespace

#define HONE_BINARY_DEF(Name, Infer, ...) \
  HONE_DEFINE_OP(Name){.name = #Name, .min_inputs = 2, .max_inputs = 2, .attrs = __VA_ARGS__, .infer = Infer, .run = run_##Name};
HONE_BINARY_DEF(Equal, ew::infer_binary_bool, ew::legacy_broadcast_attrs())
HONE_BINARY_DEF(Less, ew::infer_binary_bool, ew::legacy_broadcast_attrs())
HONE_BINARY_DEF(Greater, ew::infer_binary_bool, ew::legacy_broadcast_attrs())
HONE_BINARY_DEF(LessOrEqual, ew::infer_binary_bool, {})
HONE_BINARY_DEF(GreaterOrEqual, ew::infer_binary_bool, {})
HONE_BINARY_DEF(And, ew::infer_binary_bool, ew::legacy_broadcast_attrs())
HONE_BINARY_DEF(Or, ew::infer_binary_bool, ew::legacy_broadcast_attrs())
HONE_BINARY_DEF(Xor, ew::infer_binary_bool, ew::legacy_broadcast_attrs())
HONE_BINARY_DEF(BitShift, ew::infer_binary, {attr_required("direction", AttrType::String)})
HONE_BINARY_DEF(BitwiseAnd, ew::infer_binary, {})
HONE_BINARY_DEF(BitwiseOr, ew::infer_binary, {})
HONE_BINARY_DEF(BitwiseXor, ew::infer_binary, {})
#undef HONE_BINARY_DEF
HONE_DEFINE_OP(BitwiseNot){.name = "BitwiseNot", .min_inputs = 1, .max_inputs = 1, .infer = ew::infer_unary, .run = run_BitwiseNot};

}  // namespace hone::ops
