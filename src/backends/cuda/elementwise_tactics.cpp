// The CUDA elementwise tactic: unary activations and math, binary arithmetic with numpy
// broadcasting, and FusedElementwise chains, each run as one elementwise program
// (kernels/elementwise.cu): one pass over the output whatever the chain's length.
#include <optional>

#include "backends/cuda/cuda_tactics.hpp"
#include "backends/cuda/tactic_common.hpp"

namespace hone::cuda {
namespace {

using kernels::EwOp;
using kernels::EwStep;

struct NamedOp {
  std::string_view name;
  EwOp op;
};
// Unary math and binary ops by ONNX name (activations come from ops::activation_of_node).
constexpr NamedOp kUnaryMath[] = {
    {"Abs", EwOp::Abs},   {"Neg", EwOp::Neg},   {"Exp", EwOp::Exp},     {"Log", EwOp::Log},
    {"Sqrt", EwOp::Sqrt}, {"Reciprocal", EwOp::Reciprocal}, {"Erf", EwOp::Erf}, {"Floor", EwOp::Floor},
    {"Ceil", EwOp::Ceil},
};
constexpr NamedOp kBinary[] = {
    {"Add", EwOp::Add}, {"Sub", EwOp::Sub}, {"Mul", EwOp::Mul}, {"Div", EwOp::Div},
    {"Max", EwOp::Max}, {"Min", EwOp::Min}, {"Pow", EwOp::Pow},
};

std::optional<EwOp> find_op(std::span<const NamedOp> table, std::string_view name) {
  for (const NamedOp& o : table) {
    if (o.name == name) return o.op;
  }
  return std::nullopt;
}

// The steps of a layer, and how many inputs it reads; nullopt when the tactic cannot run it.
struct Program {
  std::vector<EwStep> steps;
  size_t num_inputs = 1;
};

std::optional<Program> program_of(const ir::Node& n) {
  Program p;
  if (n.kind() == ir::OpKind::FusedElementwise) {
    // ops/fused_elementwise.cpp's attributes: one step per entry of `ops`.
    const ops::AttrReader a = attrs_of(n);
    const auto& names = a.attr_strings("ops");
    const auto& operands = a.attr_ints("operands");
    const auto& swap = a.attr_ints("swap");
    const auto& params = a.attr_floats("params");
    if (names.empty() || operands.size() != names.size() || swap.size() != names.size() ||
        params.size() != 2 * names.size()) {
      return std::nullopt;
    }
    p.num_inputs = n.num_inputs();
    for (size_t s = 0; s < names.size(); ++s) {
      EwStep st;
      if (auto b = find_op(kBinary, names[s])) {
        if (operands[s] < 1 || operands[s] >= static_cast<int64_t>(n.num_inputs())) return std::nullopt;
        st.op = *b;
        st.operand = static_cast<int8_t>(operands[s]);
        st.swap = swap[s] != 0;
      } else if (auto u = find_op(kUnaryMath, names[s])) {
        st.op = *u;
      } else {
        ops::ActivationKind kind;
        if (!ops::Activation::find_kind(names[s], &kind) || kind == ops::ActivationKind::None) return std::nullopt;
        const auto first = params.begin() + static_cast<std::ptrdiff_t>(2 * s);
        auto act = ops::Activation::parse(names[s],
                                          std::vector<float>(first, first + ops::Activation::param_count(kind)));
        if (!act.is_ok()) return std::nullopt;
        auto step = activation_step(*act);
        if (!step) return std::nullopt;
        st = *step;
      }
      p.steps.push_back(st);
    }
    return p;
  }
  if (auto b = find_op(kBinary, n.op_type())) {
    // Opset 7+ broadcasting only (older Add/Mul carry broadcast/axis attributes).
    if (n.num_inputs() != 2 || n.opset() < 7) return std::nullopt;
    p.num_inputs = 2;
    p.steps.push_back({*b, 1, false, 0, 0});
    return p;
  }
  if (n.num_inputs() < 1) return std::nullopt;
  if (auto u = find_op(kUnaryMath, n.op_type()); u && n.num_inputs() == 1) {
    p.steps.push_back({*u, -1, false, 0, 0});
    return p;
  }
  const std::optional<ops::Activation> act = ops::activation_of_node(n);
  if (!act) return std::nullopt;
  auto step = activation_step(*act);
  if (!step) return std::nullopt;
  p.steps.push_back(*step);
  return p;  // Clip's bounds (inputs 1, 2) are constants read into the step
}

class ElementwiseTactic final : public CudaTactic {
 public:
  ElementwiseTactic() : CudaTactic("cuda.f32_elementwise") {}

  bool supports_layer(const LayerDesc& layer) const override {
    const ir::Node& n = *layer.node;
    if (n.num_outputs() != 1 || !n.input(0) || !all_static_f32(layer)) return false;
    const auto p = program_of(n);
    if (!p || p->steps.size() > static_cast<size_t>(kernels::kMaxSteps)) return false;
    std::vector<Shape> shapes;
    for (size_t i = 0; i < p->num_inputs; ++i) {
      if (!n.input(i)) return false;
      shapes.push_back(layer.input_types[i].shape.to_static());
    }
    return broadcast_fits(layer.output_types[0].shape.to_static(), shapes);
  }

  Status run(const LayerRun& run) const override {
    HONE_RETURN_IF_ERROR(check_outputs_planned(run));
    const ir::Node& n = run.kernel.node();
    const auto prog = program_of(n);
    if (!prog) return internal_error("the CUDA elementwise tactic was chosen for a layer it cannot run");
    kernels::EwProgram p;
    std::vector<const Shape*> shapes;
    for (size_t i = 0; i < prog->num_inputs; ++i) {
      p.inputs[p.num_inputs++] = in_f32(run, i);
      shapes.push_back(&run.kernel.input(i).shape());
    }
    for (const EwStep& s : prog->steps) p.steps[p.num_steps++] = s;
    Tensor& y = run.kernel.output(0);
    if (!describe_broadcast(y.shape(), shapes, &p)) return unsupported("broadcast needs too many dimensions");
    return kernels::elementwise(p, y.data<float>(), stream_handle(run));
  }
};

}  // namespace

const Tactic& elementwise_tactic() {
  static const ElementwiseTactic t;
  return t;
}

}  // namespace hone::cuda
