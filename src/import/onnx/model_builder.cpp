// ModelBuilder and the built-in networks (model_builder.hpp).
#include "import/onnx/model_builder.hpp"

#include <onnx/onnx_pb.h>

#include <random>

#include "import/onnx/tensor_proto.hpp"

namespace hone::onnx_import {

struct ModelBuilder::Impl {
  onnx::ModelProto model;
  onnx::FunctionProto* function = nullptr;  // body being written, if any
};

namespace {

void set_type(onnx::ValueInfoProto* vi, DataType dtype, const std::vector<int64_t>& dims) {
  auto* tt = vi->mutable_type()->mutable_tensor_type();
  tt->set_elem_type(static_cast<int32_t>(dtype));
  auto* shape = tt->mutable_shape();
  for (int64_t d : dims) {
    auto* dim = shape->add_dim();
    if (d >= 0) {
      dim->set_dim_value(d);
    } else {
      dim->set_dim_param("N");
    }
  }
}

void to_proto(const std::string& name, const ir::Attribute& a, onnx::AttributeProto* p) {
  p->set_name(name);
  switch (a.type) {
    case ir::AttrType::Float: p->set_type(onnx::AttributeProto::FLOAT); p->set_f(a.f); break;
    case ir::AttrType::Int: p->set_type(onnx::AttributeProto::INT); p->set_i(a.i); break;
    case ir::AttrType::String: p->set_type(onnx::AttributeProto::STRING); p->set_s(a.s); break;
    case ir::AttrType::Tensor: p->set_type(onnx::AttributeProto::TENSOR); tensor_to_proto(a.t, "", p->mutable_t()); break;
    case ir::AttrType::Floats:
      p->set_type(onnx::AttributeProto::FLOATS);
      for (float v : a.floats) p->add_floats(v);
      break;
    case ir::AttrType::Ints:
      p->set_type(onnx::AttributeProto::INTS);
      for (int64_t v : a.ints) p->add_ints(v);
      break;
    case ir::AttrType::Strings:
      p->set_type(onnx::AttributeProto::STRINGS);
      for (const auto& v : a.strings) p->add_strings(v);
      break;
    default: break;  // graphs and type protos are not needed by the builder's users
  }
}

}  // namespace

ModelBuilder::ModelBuilder(int opset, int ir_version) : impl_(std::make_unique<Impl>()) {
  impl_->model.set_ir_version(ir_version);
  impl_->model.set_producer_name("hone");
  auto* op = impl_->model.add_opset_import();
  op->set_domain("");
  op->set_version(opset);
  impl_->model.mutable_graph()->set_name("main");
}

ModelBuilder::~ModelBuilder() = default;

ModelBuilder& ModelBuilder::input(const std::string& name, DataType dtype, const std::vector<int64_t>& dims) {
  auto* vi = impl_->model.mutable_graph()->add_input();
  vi->set_name(name);
  set_type(vi, dtype, dims);
  return *this;
}

ModelBuilder& ModelBuilder::output(const std::string& name, DataType dtype, const std::vector<int64_t>& dims) {
  auto* vi = impl_->model.mutable_graph()->add_output();
  vi->set_name(name);
  set_type(vi, dtype, dims);
  return *this;
}

ModelBuilder& ModelBuilder::output(const std::string& name) {
  impl_->model.mutable_graph()->add_output()->set_name(name);
  return *this;
}

ModelBuilder& ModelBuilder::initializer(const std::string& name, const Tensor& value) {
  tensor_to_proto(value, name, impl_->model.mutable_graph()->add_initializer());
  return *this;
}

ModelBuilder& ModelBuilder::node(const std::string& op_type, const std::vector<std::string>& inputs,
                                 const std::vector<std::string>& outputs, const std::string& name,
                                 const std::vector<std::pair<std::string, ir::Attribute>>& attrs,
                                 const std::string& domain) {
  auto* n = impl_->function ? impl_->function->add_node() : impl_->model.mutable_graph()->add_node();
  n->set_op_type(op_type);
  n->set_name(name);
  n->set_domain(domain);
  for (const auto& i : inputs) n->add_input(i);
  for (const auto& o : outputs) n->add_output(o);
  for (const auto& [k, a] : attrs) to_proto(k, a, n->add_attribute());
  return *this;
}

ModelBuilder& ModelBuilder::opset(const std::string& domain, int version) {
  for (auto& op : *impl_->model.mutable_opset_import()) {
    if (op.domain() == domain) {
      op.set_version(version);
      return *this;
    }
  }
  auto* op = impl_->model.add_opset_import();
  op->set_domain(domain);
  op->set_version(version);
  return *this;
}

ModelBuilder& ModelBuilder::begin_function(const std::string& domain, const std::string& name,
                                           const std::vector<std::string>& inputs,
                                           const std::vector<std::string>& outputs) {
  impl_->function = impl_->model.add_functions();
  impl_->function->set_domain(domain);
  impl_->function->set_name(name);
  for (const auto& i : inputs) impl_->function->add_input(i);
  for (const auto& o : outputs) impl_->function->add_output(o);
  *impl_->function->add_opset_import() = impl_->model.opset_import(0);
  return *this;
}

ModelBuilder& ModelBuilder::end_function() {
  impl_->function = nullptr;
  return *this;
}

ModelBuilder& ModelBuilder::metadata(const std::string& key, const std::string& value) {
  auto* kv = impl_->model.add_metadata_props();
  kv->set_key(key);
  kv->set_value(value);
  return *this;
}

std::string ModelBuilder::serialize() const { return impl_->model.SerializeAsString(); }

namespace {

Tensor random_weights(const Shape& shape, std::mt19937& rng, float scale) {
  Tensor t = Tensor::zeros(DataType::Float, shape);
  std::normal_distribution<float> dist(0.0f, scale);
  for (int64_t i = 0; i < t.numel(); ++i) t.data<float>()[i] = dist(rng);
  return t;
}

// tinynet: a small residual CNN classifier, [1,3,64,64] -> [1,10] probabilities. Uses the
// layer patterns of real CNNs (Conv + BatchNorm + Relu, a residual Add, MaxPool,
// GlobalAveragePool, Gemm, Softmax) so later optimizations have something to fuse.
std::string tinynet() {
  std::mt19937 rng(2024);
  ModelBuilder b(17);
  b.input("input", DataType::Float, {1, 3, 64, 64});
  auto conv = [&](const std::string& name, const std::string& in, const std::string& out, int64_t cin, int64_t cout,
                  int64_t k, int64_t stride) {
    b.initializer(name + ".weight", random_weights({cout, cin, k, k}, rng, 1.0f / static_cast<float>(cin * k)));
    b.initializer(name + ".bias", random_weights({cout}, rng, 0.1f));
    b.node("Conv", {in, name + ".weight", name + ".bias"}, {out}, name,
           {{"kernel_shape", ir::Attribute::of_ints({k, k})},
            {"strides", ir::Attribute::of_ints({stride, stride})},
            {"pads", ir::Attribute::of_ints({k / 2, k / 2, k / 2, k / 2})}});
  };
  auto bn = [&](const std::string& name, const std::string& in, const std::string& out, int64_t c) {
    Tensor scale = random_weights({c}, rng, 0.1f), var = random_weights({c}, rng, 0.1f);
    for (int64_t i = 0; i < c; ++i) {
      scale.data<float>()[i] += 1.0f;
      var.data<float>()[i] = 1.0f + std::abs(var.data<float>()[i]);
    }
    b.initializer(name + ".scale", scale);
    b.initializer(name + ".bias", random_weights({c}, rng, 0.1f));
    b.initializer(name + ".mean", random_weights({c}, rng, 0.1f));
    b.initializer(name + ".var", var);
    b.node("BatchNormalization", {in, name + ".scale", name + ".bias", name + ".mean", name + ".var"}, {out}, name);
  };
  conv("conv1", "input", "c1", 3, 16, 3, 2);
  bn("bn1", "c1", "b1", 16);
  b.node("Relu", {"b1"}, {"r1"}, "relu1");
  b.node("MaxPool", {"r1"}, {"p1"}, "pool1",
         {{"kernel_shape", ir::Attribute::of_ints({2, 2})}, {"strides", ir::Attribute::of_ints({2, 2})}});
  conv("conv2a", "p1", "c2a", 16, 16, 3, 1);
  b.node("Relu", {"c2a"}, {"r2a"}, "relu2a");
  conv("conv2b", "r2a", "c2b", 16, 16, 3, 1);
  b.node("Add", {"c2b", "p1"}, {"res2"}, "residual2");
  b.node("Relu", {"res2"}, {"r2"}, "relu2");
  conv("conv3", "r2", "c3", 16, 32, 3, 2);
  b.node("Relu", {"c3"}, {"r3"}, "relu3");
  b.node("GlobalAveragePool", {"r3"}, {"gap"}, "gap");
  b.node("Flatten", {"gap"}, {"flat"}, "flatten");
  b.initializer("fc.weight", random_weights({10, 32}, rng, 0.2f));
  b.initializer("fc.bias", random_weights({10}, rng, 0.1f));
  b.node("Gemm", {"flat", "fc.weight", "fc.bias"}, {"logits"}, "fc", {{"transB", ir::Attribute::of_int(1)}});
  b.node("Softmax", {"logits"}, {"probs"}, "softmax", {{"axis", ir::Attribute::of_int(1)}});
  b.output("probs", DataType::Float, {1, 10});
  b.metadata("description", "Hone built-in demo network");
  return b.serialize();
}

}  // namespace

std::vector<std::string> builtin_model_names() { return {"tinynet"}; }

Result<std::string> builtin_model(const std::string& name) {
  if (name == "tinynet") return tinynet();
  std::string names;
  for (const auto& n : builtin_model_names()) names += (names.empty() ? "" : ", ") + n;
  return not_found("no built-in model '" + name + "' (built-in: " + names + ")");
}

}  // namespace hone::onnx_import
