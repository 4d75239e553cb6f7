// FusedElementwise (domain hone): a chain of elementwise operators the optimizer merged into
// one layer. Inputs x0, x1, ...; the chain starts from x0 and applies step after step:
//
//   v = x0;  for each step s:  v = ops[s](v)                      (operands[s] == -1)
//                              v = ops[s](v, x[operands[s]])      (swap[s] == 0)
//                              v = ops[s](x[operands[s]], v)      (swap[s] == 1)
//
// with every input broadcast (numpy rules) to the output shape, the broadcast of all inputs.
// Unary steps are the Activation kinds (activation.hpp) and Abs, Neg, Exp, Log, Sqrt,
// Reciprocal, Erf, Floor, Ceil; binary steps Add, Sub, Mul, Div, Max, Min, Pow. `params`
// holds two floats per step (the activation's parameters; zeros otherwise). float32 only:
// each step rounds to float exactly as the separate nodes did, so the result is identical.
#include <cmath>

#include "ops/activation.hpp"
#include "ops/elementwise.hpp"
#include "ops/fused_elementwise.hpp"

namespace hone::ops {
namespace {

namespace ew = elementwise;

struct UnaryMath {
  std::string_view name;
  float (*fn)(float);
};
const UnaryMath kUnaryMath[] = {
    // Abs and Neg as the reference kernels write them (-0 and 0 - 0 keep their signs).
    {"Abs", [](float x) { return x < 0 ? 0.0f - x : x; }}, {"Neg", [](float x) { return 0.0f - x; }},
    {"Exp", [](float x) { return std::exp(x); }},      {"Log", [](float x) { return std::log(x); }},
    {"Sqrt", [](float x) { return std::sqrt(x); }},    {"Reciprocal", [](float x) { return 1 / x; }},
    {"Erf", [](float x) { return std::erf(x); }},      {"Floor", [](float x) { return std::floor(x); }},
    {"Ceil", [](float x) { return std::ceil(x); }},
};

struct Binary {
  std::string_view name;
  float (*fn)(float, float);
};
const Binary kBinary[] = {
    {"Add", [](float a, float b) { return a + b; }},
    {"Sub", [](float a, float b) { return a - b; }},
    {"Mul", [](float a, float b) { return a * b; }},
    {"Div", [](float a, float b) { return a / b; }},
    // Max/Min as the variadic ops' reference writes them (NaN propagates).
    {"Max", [](float a, float b) { return std::isnan(a) || a >= b ? a : b; }},
    {"Min", [](float a, float b) { return std::isnan(a) || a <= b ? a : b; }},
    // Pow as its reference computes float bases: in double, rounded once.
    {"Pow", [](float a, float b) { return static_cast<float>(std::pow(static_cast<double>(a), static_cast<double>(b))); }},
};

// One parsed step.
struct Step {
  Activation activation;              // unary activation (kind None when not)
  float (*unary)(float) = nullptr;    // unary math
  float (*binary)(float, float) = nullptr;
  int64_t operand = -1;
  bool swap = false;
};

Result<std::vector<Step>> parse_steps(const AttrReader& a, size_t num_inputs) {
  const auto& ops = a.attr_strings("ops");
  const auto& operands = a.attr_ints("operands");
  const auto& swap = a.attr_ints("swap");
  const auto& params = a.attr_floats("params");
  if (ops.empty()) return a.error("ops must list at least one step");
  if (operands.size() != ops.size() || swap.size() != ops.size() || params.size() != 2 * ops.size()) {
    return a.error("operands and swap need one value per step and params two (" + std::to_string(ops.size()) +
                   " steps)");
  }
  std::vector<Step> steps;
  for (size_t s = 0; s < ops.size(); ++s) {
    Step st;
    st.operand = operands[s];
    st.swap = swap[s] != 0;
    for (const Binary& b : kBinary) {
      if (b.name == ops[s]) st.binary = b.fn;
    }
    for (const UnaryMath& u : kUnaryMath) {
      if (u.name == ops[s]) st.unary = u.fn;
    }
    if (!st.binary && !st.unary) {
      ActivationKind kind;
      if (!Activation::find_kind(ops[s], &kind) || kind == ActivationKind::None) {
        return a.error("step " + std::to_string(s) + ": '" + ops[s] + "' is not a fusable elementwise op");
      }
      // Parameters are stored padded to two per step.
      const auto first = params.begin() + static_cast<std::ptrdiff_t>(2 * s);
      HONE_ASSIGN_OR_RETURN(st.activation,
                            Activation::parse(ops[s], std::vector<float>(first, first + Activation::param_count(kind))));
    }
    if (st.binary && (st.operand < 1 || st.operand >= static_cast<int64_t>(num_inputs))) {
      return a.error("step " + std::to_string(s) + " (" + ops[s] + ") reads input " + std::to_string(st.operand) +
                     ", which does not exist");
    }
    if (!st.binary && st.operand != -1) return a.error("unary step " + std::to_string(s) + " must have operand -1");
    steps.push_back(st);
  }
  return steps;
}

Status infer(InferContext& ctx) {
  HONE_RETURN_IF_ERROR(parse_steps(ctx, ctx.num_inputs()).status());
  ir::TensorShape shape = ctx.input_shape(0);
  for (size_t i = 0; i < ctx.num_inputs(); ++i) {
    if (!ctx.has_input(i)) return ctx.error("input " + std::to_string(i) + " is missing");
    if (ctx.input_dtype(i) != DataType::Float) return ctx.unsupported("only float inputs are fused");
    if (i == 0) continue;
    auto b = broadcast_shapes(shape, ctx.input_shape(i));
    if (!b.is_ok()) return ctx.bad_input(b.status().message());
    shape = *b;
  }
  ctx.set_output(0, DataType::Float, std::move(shape));
  return Status::ok();
}

Status run(KernelContext& ctx) {
  HONE_ASSIGN_OR_RETURN(std::vector<Step> steps, parse_steps(ctx, ctx.num_inputs()));
  Shape shape = ctx.input(0).shape();
  for (size_t i = 0; i < ctx.num_inputs(); ++i) {
    if (ctx.input(i).dtype() != DataType::Float) return ctx.unsupported("only float inputs are fused");
    auto b = broadcast_shapes(shape, ctx.input(i).shape());
    if (!b.is_ok()) return ctx.bad_input(b.status().message());
    shape = *b;
  }
  HONE_ASSIGN_OR_RETURN(Tensor * y, ew::output(ctx, 0, DataType::Float, shape));
  // v = broadcast(x0), then each step in place over the whole output.
  ew::map_binary<float, float, float>(ctx.input(0), ctx.input(0), *y, [](float a, float) { return a; });
  for (const Step& s : steps) {
    if (s.binary) {
      const Tensor& other = ctx.input(static_cast<size_t>(s.operand));
      if (s.swap) {
        ew::map_binary<float, float, float>(*y, other, *y, [f = s.binary](float v, float o) { return f(o, v); });
      } else {
        ew::map_binary<float, float, float>(*y, other, *y, s.binary);
      }
    } else if (s.unary) {
      ew::map_unary<float, float>(*y, *y, s.unary);
    } else {
      ew::map_unary<float, float>(*y, *y, [&a = s.activation](float v) { return a.apply(v); });
    }
  }
  return Status::ok();
}

}  // namespace

bool is_fusable_elementwise_op(std::string_view op_type) {
  for (const Binary& b : kBinary) {
    if (b.name == op_type) return true;
  }
  for (const UnaryMath& u : kUnaryMath) {
    if (u.name == op_type) return true;
  }
  ActivationKind kind;
  return op_type != "GeluTanh" && Activation::find_kind(op_type, &kind) && kind != ActivationKind::None;
}

HONE_DEFINE_OP(FusedElementwise){
    .name = "FusedElementwise",
    .min_inputs = 1,
    .max_inputs = kVariadic,
    .attrs = {attr_required("ops", AttrType::Strings), attr_ints("operands", {}), attr_ints("swap", {}),
              attr_floats("params", {})},
    .infer = infer,
    .run = run,
};

}  // namespace hone::ops
