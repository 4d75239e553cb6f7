// Pass elementwise_fusion: maximal chains of two or more float32 elementwise nodes, each
// intermediate read only by the next node, become one FusedElementwise (domain hone) that
// makes one pass over memory. Last in the pipeline, so the layer fusions first take the
// activations that belong in a conv's, gemm's or matmul's epilogue.
//
//   v1 = op1(x0 [, a1]);  v2 = op2(v1 [, a2]);  ...  y = opk(v_k-1 [, ak])
//     -> y = FusedElementwise(x0, a1, a2, ...){ops, operands, swap, params}
//
// x0 is the first node's first non-constant input; each binary step's other operand (a
// constant too) becomes an input of the fused node, `swap` when the chain value is the right
// operand. Broadcasting needs no restriction: every step is elementwise, so applying the chain
// to x0 broadcast to the final shape (FusedElementwise's rule) gives the same elements.
#include <algorithm>
#include <limits>
#include <memory>
#include <optional>

#include "ops/activation.hpp"
#include "ops/fused_elementwise.hpp"
#include "ops/shape_inference.hpp"
#include "passes/passes.hpp"
#include "passes/pattern_match.hpp"
#include "passes/rewrite.hpp"

namespace hone::passes {
namespace {

// One node as a FusedElementwise step, reading the chain value `chain_in`.
struct Step {
  std::string op;
  ir::Value* operand = nullptr;  // binary steps: the other operand
  bool swap = false;
  float params[2] = {0, 0};
};

bool is_binary(ir::OpKind k) {
  switch (k) {
    case ir::OpKind::Add:
    case ir::OpKind::Sub:
    case ir::OpKind::Mul:
    case ir::OpKind::Div:
    case ir::OpKind::Max:
    case ir::OpKind::Min:
    case ir::OpKind::Pow: return true;
    default: return false;
  }
}

// The activation step of unary node n (its name with parameters padded to two), or nullopt
// when the node's meaning is not one FusedElementwise holds.
std::optional<Step> activation_step(const ir::Node& n) {
  const std::optional<ops::Activation> a = activation_of(n);
  if (!a) return std::nullopt;
  Step s;
  s.op = std::string(a->name());
  const std::vector<float> params = a->params();
  std::copy(params.begin(), params.end(), s.params);
  return s;
}

// n as a step reading `chain_in`, when n is a float32 elementwise node FusedElementwise holds.
std::optional<Step> step_of(const ir::Node& n, const ir::Value* chain_in) {
  if (ir::op_kind_domain(n.kind()) != ir::OpDomain::Onnx || !ops::is_fusable_elementwise_op(n.op_type())) {
    return std::nullopt;
  }
  if (n.num_outputs() != 1 || !is_float32(n.output(0)) || !is_float32(chain_in)) return std::nullopt;
  if (is_binary(n.kind())) {
    // Before opset 7 the binary ops broadcast by the `broadcast`/`axis` rule instead.
    if (n.opset() < 7 || n.num_inputs() != 2) return std::nullopt;
    ir::Value* other = other_input(n, chain_in);
    if (!other || !is_float32(other)) return std::nullopt;
    Step s;
    s.op = n.op_type();
    s.operand = other;
    s.swap = n.input(1) == chain_in;
    return s;
  }
  if (n.input(0) != chain_in) return std::nullopt;
  if (n.kind() != ir::OpKind::Clip && n.num_inputs() != 1) return std::nullopt;
  ops::ActivationKind kind;
  if (!ops::Activation::find_kind(n.op_type(), &kind)) {
    Step s;  // unary math: Abs, Neg, Exp, ...
    s.op = n.op_type();
    return s;
  }
  return activation_step(n);
}

// The chain value a node starts from when it heads a chain: its first non-constant input.
ir::Value* head_input(const ir::Node& n) {
  for (ir::Value* v : n.inputs()) {
    if (v && !constant_of(v)) return v;
    if (!is_binary(n.kind())) break;
  }
  return nullptr;
}

// Whether n is an activation on the output of a layer whose epilogue could still take it
// (activation_fusion's business, not ours).
bool belongs_in_epilogue(const ir::Graph& g, const ir::Node& n) {
  ops::ActivationKind kind;
  if (is_binary(n.kind()) || !ops::Activation::find_kind(n.op_type(), &kind)) return false;
  const ir::Value* in = n.input(0);
  const ir::Node* p = in ? in->producer() : nullptr;
  if (!p || p->graph() != &g) return false;
  switch (p->kind()) {
    case ir::OpKind::Conv:
    case ir::OpKind::Gemm:
    case ir::OpKind::MatMul: return true;
    case ir::OpKind::FusedConv:
    case ir::OpKind::FusedGemm:
    case ir::OpKind::FusedMatMul: {
      // The post-activation slot is free unless it is set.
      const ir::Attribute* post = p->attrs().find("post_activation");
      return !post || post->s.empty();
    }
    default: return false;
  }
}

class ElementwiseFusion final : public NodePass {
 public:
  std::string_view name() const override { return "elementwise_fusion"; }

  bool matches(const ir::Graph& g, const ir::Node& n) const override { return !chain_after(g, n).empty(); }

  Status apply(ir::Graph& g, ir::Node& n) override {
    std::vector<ir::Node*> chain = chain_after(g, n);
    if (chain.empty()) return internal_error("elementwise_fusion: node '" + n.name() + "' no longer matches");
    chain.insert(chain.begin(), &n);
    std::vector<ir::Value*> inputs = {head_input(n)};
    std::vector<std::string> ops;
    std::vector<int64_t> operands, swap;
    std::vector<float> params;
    const ir::Value* value = inputs[0];
    for (const ir::Node* node : chain) {
      const std::optional<Step> s = step_of(*node, value);
      if (!s) return internal_error("elementwise_fusion: node '" + node->name() + "' is no longer a step");
      int64_t operand = -1;
      if (s->operand) {
        // Input 0 is x0 only: an operand equal to it still gets its own input.
        auto it = std::find(inputs.begin() + 1, inputs.end(), s->operand);
        operand = it - inputs.begin();
        if (it == inputs.end()) inputs.push_back(s->operand);
      }
      ops.push_back(s->op);
      operands.push_back(operand);
      swap.push_back(s->swap ? 1 : 0);
      params.insert(params.end(), s->params, s->params + 2);
      value = node->output(0);
    }
    Replacement r{.kind = ir::OpKind::FusedElementwise, .inputs = std::move(inputs),
                  .outputs = {chain.back()->output(0)}, .opset = 1};
    r.attrs.set("ops", ir::Attribute::of_strings(std::move(ops)));
    r.attrs.set("operands", ir::Attribute::of_ints(std::move(operands)));
    r.attrs.set("swap", ir::Attribute::of_ints(std::move(swap)));
    r.attrs.set("params", ir::Attribute::of_floats(std::move(params)));
    HONE_ASSIGN_OR_RETURN(ir::Node * fused, replace_nodes(g, chain, std::move(r)));
    return ops::infer_node_types(*fused);
  }

 private:
  // Whether n can be in a chain at all: a step for some chain input, and not an activation
  // that an epilogue should take.
  static bool is_member(const ir::Graph& g, const ir::Node& n) {
    if (belongs_in_epilogue(g, n)) return false;
    for (const ir::Value* v : n.inputs()) {
      if (v && step_of(n, v)) return true;
      if (!is_binary(n.kind())) break;
    }
    return false;
  }

  // Whether the chain through p goes on into n.
  static bool continues(const ir::Graph& g, const ir::Node& p, const ir::Node& n) {
    return single_consumer(g, p.output(0)) == &n && is_member(g, p) && step_of(n, p.output(0)).has_value();
  }

  // The nodes after n of the chain n heads, or empty when n is no chain's head.
  static std::vector<ir::Node*> chain_after(const ir::Graph& g, const ir::Node& n) {
    const ir::Value* x0 = head_input(n);
    if (!x0 || belongs_in_epilogue(g, n) || !step_of(n, x0)) return {};
    for (const ir::Value* v : n.inputs()) {
      const ir::Node* p = v ? v->producer() : nullptr;
      if (p && p->graph() == &g && p->num_outputs() == 1 && continues(g, *p, n)) return {};
    }
    std::vector<ir::Node*> chain;
    for (ir::Value* v = n.output(0);;) {
      ir::Node* next = single_consumer(g, v);
      if (!next || !step_of(*next, v)) break;
      chain.push_back(next);
      v = next->output(0);
    }
    return chain;
  }
};

}  // namespace

std::unique_ptr<Pass> make_elementwise_fusion(const PassOptions&) { return std::make_unique<ElementwiseFusion>(); }

}  // namespace hone::passes
