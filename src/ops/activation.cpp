// Activation names and parameters as fused nodes store them (activation.hpp).
#include "ops/activation.hpp"

#include <limits>

#include "ops/op_def.hpp"

namespace hone::ops {
namespace {

struct KindInfo {
  ActivationKind kind;
  std::string_view name;
  int num_params;
};

constexpr KindInfo kKinds[] = {
    {ActivationKind::None, "", 0},          {ActivationKind::Relu, "Relu", 0},
    {ActivationKind::LeakyRelu, "LeakyRelu", 1}, {ActivationKind::Clip, "Clip", 2},
    {ActivationKind::Sigmoid, "Sigmoid", 0}, {ActivationKind::Tanh, "Tanh", 0},
    {ActivationKind::HardSigmoid, "HardSigmoid", 2}, {ActivationKind::HardSwish, "HardSwish", 0},
    {ActivationKind::Swish, "Swish", 1},     {ActivationKind::Elu, "Elu", 1},
    {ActivationKind::Softplus, "Softplus", 0}, {ActivationKind::Mish, "Mish", 0},
    {ActivationKind::Gelu, "Gelu", 0},       {ActivationKind::GeluTanh, "GeluTanh", 0},
};

const KindInfo& info(ActivationKind k) {
  for (const KindInfo& i : kKinds) {
    if (i.kind == k) return i;
  }
  return kKinds[0];
}

}  // namespace

std::string_view Activation::name() const { return info(kind).name; }

std::vector<float> Activation::params() const {
  switch (info(kind).num_params) {
    case 1: return {alpha};
    case 2: return {alpha, beta};
    default: return {};
  }
}

bool Activation::find_kind(std::string_view name, ActivationKind* kind) {
  for (const KindInfo& i : kKinds) {
    if (i.name == name) {
      *kind = i.kind;
      return true;
    }
  }
  return false;
}

int Activation::param_count(ActivationKind kind) { return info(kind).num_params; }

Result<Activation> Activation::parse(std::string_view name, const std::vector<float>& params) {
  for (const KindInfo& i : kKinds) {
    if (i.name != name) continue;
    if (static_cast<int>(params.size()) != i.num_params) {
      return invalid_model("activation '" + std::string(name) + "' takes " + std::to_string(i.num_params) +
                           " parameter(s), got " + std::to_string(params.size()));
    }
    Activation a;
    a.kind = i.kind;
    if (i.num_params > 0) a.alpha = params[0];
    if (i.num_params > 1) a.beta = params[1];
    return a;
  }
  std::string known;
  for (const KindInfo& i : kKinds) {
    if (!i.name.empty()) known += (known.empty() ? "" : ", ") + std::string(i.name);
  }
  return invalid_model("unknown activation '" + std::string(name) + "' (known: " + known + ")");
}

std::optional<Activation> activation_of_node(const ir::Node& n) {
  Activation a;
  const AttrReader attrs(n, op_def(n.kind()));
  switch (n.kind()) {
    case ir::OpKind::Relu: a.kind = ActivationKind::Relu; break;
    case ir::OpKind::Sigmoid: a.kind = ActivationKind::Sigmoid; break;
    case ir::OpKind::Tanh: a.kind = ActivationKind::Tanh; break;
    case ir::OpKind::HardSwish: a.kind = ActivationKind::HardSwish; break;
    case ir::OpKind::Softplus: a.kind = ActivationKind::Softplus; break;
    case ir::OpKind::Mish: a.kind = ActivationKind::Mish; break;
    case ir::OpKind::LeakyRelu:
      a.kind = ActivationKind::LeakyRelu;
      a.alpha = attrs.attr_float("alpha");
      break;
    case ir::OpKind::Elu:
      a.kind = ActivationKind::Elu;
      a.alpha = attrs.attr_float("alpha");
      break;
    case ir::OpKind::Swish:
      a.kind = ActivationKind::Swish;
      a.alpha = attrs.attr_float("alpha");
      break;
    case ir::OpKind::HardSigmoid:
      a.kind = ActivationKind::HardSigmoid;
      a.alpha = attrs.attr_float("alpha");
      a.beta = attrs.attr_float("beta");
      break;
    case ir::OpKind::Gelu: {
      const std::string& approximate = attrs.attr_string("approximate");
      if (approximate == "none") {
        a.kind = ActivationKind::Gelu;
      } else if (approximate == "tanh") {
        a.kind = ActivationKind::GeluTanh;
      } else {
        return std::nullopt;
      }
      break;
    }
    case ir::OpKind::Clip:
      a.kind = ActivationKind::Clip;
      if (n.opset() < 11) {
        // The attribute defaults are float's lowest/max, exactly what Clip then applies.
        a.alpha = attrs.attr_float("min");
        a.beta = attrs.attr_float("max");
        break;
      }
      a.alpha = -std::numeric_limits<float>::infinity();
      a.beta = std::numeric_limits<float>::infinity();
      for (size_t i = 1; i <= 2; ++i) {
        if (!n.input(i)) continue;
        const Tensor* bound = n.input(i)->is_constant() ? &n.input(i)->constant() : nullptr;
        if (!bound || bound->dtype() != DataType::Float || bound->numel() != 1) return std::nullopt;
        (i == 1 ? a.alpha : a.beta) = bound->data<float>()[0];
      }
      break;
    default: return std::nullopt;
  }
  return a;
}

}  // namespace hone::ops
