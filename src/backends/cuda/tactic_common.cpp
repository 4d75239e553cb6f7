// Shared helpers of the CUDA tactics (tactic_common.hpp).
#include "backends/cuda/tactic_common.hpp"

#include "ops/elementwise.hpp"

namespace hone::cuda {

bool is_static_f32(const ir::Type& t) { return t.is_tensor() && t.dtype == DataType::Float && t.shape.is_static(); }

bool all_static_f32(const LayerDesc& layer) {
  for (size_t i = 0; i < layer.input_types.size(); ++i) {
    if (layer.node->input(i) && !is_static_f32(layer.input_types[i])) return false;
  }
  for (size_t i = 0; i < layer.output_types.size(); ++i) {
    if (layer.node->output(i) && !is_static_f32(layer.output_types[i])) return false;
  }
  return true;
}

const Tensor* constant_input(const LayerDesc& layer, size_t i) {
  const ir::Value* v = layer.node->input(i);
  return v && v->is_constant() ? &v->constant() : nullptr;
}

ops::AttrReader attrs_of(const ir::Node& node) { return ops::AttrReader(node, ops::op_def(node.kind())); }

Status check_outputs_planned(const LayerRun& run) {
  for (size_t i = 0; i < run.kernel.num_outputs(); ++i) {
    if (!run.kernel.has_output(i)) continue;
    const Tensor& t = run.kernel.output(i);
    if (!t.defined() || !t.on_device()) {
      return internal_error("output " + std::to_string(i) + " of a CUDA layer is not pre-allocated device memory");
    }
  }
  return Status::ok();
}

std::optional<kernels::EwStep> activation_step(const ops::Activation& a) {
  using kernels::EwOp;
  kernels::EwStep s;
  s.alpha = a.alpha;
  s.beta = a.beta;
  switch (a.kind) {
    case ops::ActivationKind::None: return std::nullopt;
    case ops::ActivationKind::Relu: s.op = EwOp::Relu; break;
    case ops::ActivationKind::LeakyRelu: s.op = EwOp::LeakyRelu; break;
    case ops::ActivationKind::Clip: s.op = EwOp::Clip; break;
    case ops::ActivationKind::Sigmoid: s.op = EwOp::Sigmoid; break;
    case ops::ActivationKind::Tanh: s.op = EwOp::Tanh; break;
    case ops::ActivationKind::HardSigmoid: s.op = EwOp::HardSigmoid; break;
    case ops::ActivationKind::HardSwish: s.op = EwOp::HardSwish; break;
    case ops::ActivationKind::Swish: s.op = EwOp::Swish; break;
    case ops::ActivationKind::Elu: s.op = EwOp::Elu; break;
    case ops::ActivationKind::Softplus: s.op = EwOp::Softplus; break;
    case ops::ActivationKind::Mish: s.op = EwOp::Mish; break;
    case ops::ActivationKind::Gelu: s.op = EwOp::Gelu; break;
    case ops::ActivationKind::GeluTanh: s.op = EwOp::GeluTanh; break;
  }
  return s;
}

bool describe_broadcast(const Shape& out, const std::vector<const Shape*>& inputs, kernels::EwProgram* p) {
  if (inputs.empty() || inputs.size() > static_cast<size_t>(kernels::kMaxInputs)) return false;
  p->numel = shape_numel(out);
  p->rank = 0;
  bool all_same = true;
  for (const Shape* s : inputs) all_same &= *s == out;
  if (all_same) return true;  // one linear index for every input
  const ops::elementwise::MergedBroadcast m = ops::elementwise::merge_broadcast_dims(out, inputs);
  if (m.dims.size() > static_cast<size_t>(kernels::kMaxRank)) return false;
  p->rank = static_cast<int>(m.dims.size());
  for (size_t d = 0; d < m.dims.size(); ++d) {
    p->dims[d] = m.dims[d];
    for (size_t k = 0; k < inputs.size(); ++k) p->strides[k][d] = m.strides[d][k];
  }
  return true;
}

bool broadcast_fits(const Shape& out, const std::vector<Shape>& inputs) {
  std::vector<const Shape*> ptrs;
  for (const Shape& s : inputs) ptrs.push_back(&s);
  kernels::EwProgram p;
  return describe_broadcast(out, ptrs, &p);
}

Status run_epilogue(float* y, const Shape& y_shape, const float* bias, const Shape& bias_shape, const float* z,
                    const ops::Epilogue& e, cudaStream_t stream) {
  kernels::EwProgram p;
  std::vector<const Shape*> shapes = {&y_shape};
  p.inputs[p.num_inputs++] = y;
  auto add_step = [&](kernels::EwStep s) { p.steps[p.num_steps++] = s; };
  if (bias) {
    shapes.push_back(&bias_shape);
    p.inputs[p.num_inputs] = bias;
    add_step({kernels::EwOp::Add, static_cast<int8_t>(p.num_inputs++), false, 0, 0});
  }
  if (auto s = activation_step(e.activation)) add_step(*s);
  if (z) {
    shapes.push_back(&y_shape);
    p.inputs[p.num_inputs] = z;
    add_step({kernels::EwOp::Add, static_cast<int8_t>(p.num_inputs++), false, 0, 0});
  }
  if (auto s = activation_step(e.post_activation)) add_step(*s);
  if (p.num_steps == 0) return Status::ok();
  if (!describe_broadcast(y_shape, shapes, &p)) {
    return unsupported("epilogue over " + shape_to_string(y_shape) + " needs more than " +
                       std::to_string(kernels::kMaxRank) + " dims");
  }
  return kernels::elementwise(p, y, stream);
}

}  // namespace hone::cuda
