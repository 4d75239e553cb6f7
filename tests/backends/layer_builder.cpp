// One-node layers and their runs (layer_builder.hpp).
#include "layer_builder.hpp"

#include <cstring>
#include <random>
#include <sstream>

#include "ops/node_runner.hpp"
#include "ops/shape_inference.hpp"

namespace hone::cpu::testing {
namespace {

constexpr float kSentinel = -7.25e33f;   // what an output element holds before the tactic runs
constexpr float kGuard = 3.5e-33f;       // what the elements after an output must still hold
constexpr int64_t kGuardElements = 67;

bool is_constant(const LayerCase& c, size_t i) { return i < c.constant.size() ? c.constant[i] : i > 0; }

// A float output of `shape` followed by guard elements, filled with the sentinel.
Tensor guarded(const Shape& shape) {
  const int64_t n = shape_numel(shape);
  auto storage = std::shared_ptr<float[]>(new float[static_cast<size_t>(n + kGuardElements)]);
  for (int64_t i = 0; i < n; ++i) storage[static_cast<size_t>(i)] = kSentinel;
  for (int64_t i = n; i < n + kGuardElements; ++i) storage[static_cast<size_t>(i)] = kGuard;
  return Tensor::wrap(DataType::Float, shape, storage.get(), std::shared_ptr<const void>(storage, storage.get()));
}

bool guard_intact(const Tensor& t) {
  const float* p = t.data<float>() + t.numel();
  for (int64_t i = 0; i < kGuardElements; ++i) {
    if (std::memcmp(&p[i], &kGuard, sizeof(float)) != 0) return false;
  }
  return true;
}

}  // namespace

Result<BuiltLayer> build_layer(const LayerCase& c) {
  BuiltLayer b;
  b.graph = std::make_unique<ir::Graph>();
  ir::Graph& g = *b.graph;
  g.opsets()[""] = c.opset;
  g.opsets()["hone"] = 1;
  std::vector<ir::Value*> inputs;
  for (size_t i = 0; i < c.inputs.size(); ++i) {
    const Tensor& t = c.inputs[i];
    if (!t.defined()) {
      inputs.push_back(nullptr);
      continue;
    }
    ir::TensorShape shape = ir::TensorShape::of(t.shape());
    if (c.symbolic_shapes && !is_constant(c, i)) {
      for (size_t d = 0; d < shape.rank(); ++d) {
        shape.dims[d] = ir::Dim::named("d" + std::to_string(i) + "_" + std::to_string(d));
      }
    }
    ir::Value* v = g.add_value("x" + std::to_string(i), ir::Type::tensor(t.dtype(), shape));
    if (is_constant(c, i)) v->set_constant(t);
    else g.add_input(v);
    inputs.push_back(v);
  }
  std::vector<ir::Value*> outputs;
  for (int i = 0; i < c.num_outputs; ++i) outputs.push_back(g.add_value("y" + std::to_string(i)));
  ir::OpKind kind;
  if (!ir::find_op_kind(c.domain, c.op_type, &kind)) return invalid_argument("no operator " + c.op_type);
  ir::Node* n =
      g.add_node(kind, c.op_type, c.domain, "layer", c.domain == "hone" ? 1 : c.opset, inputs, outputs, c.attrs);
  for (ir::Value* v : outputs) g.add_output(v);
  HONE_RETURN_IF_ERROR(ops::validate_node(*n));
  HONE_RETURN_IF_ERROR(ops::infer_node_types(*n));
  b.node = n;
  b.desc = LayerDesc::of(*n, {}, DataType::Float);
  return b;
}

Result<std::vector<Tensor>> reference_outputs(const BuiltLayer& layer, const LayerCase& c) {
  std::vector<Datum> in;
  std::vector<const Datum*> ptrs;
  for (const Tensor& t : c.inputs) in.push_back(Datum::of(t));
  for (size_t i = 0; i < in.size(); ++i) ptrs.push_back(c.inputs[i].defined() ? &in[i] : nullptr);
  std::vector<Datum> outs(layer.node->num_outputs());
  HONE_RETURN_IF_ERROR(ops::allocate_outputs(*layer.node, ptrs, &outs));
  ops::KernelContext ctx(*layer.node, ptrs, &outs, nullptr, 1);
  HONE_RETURN_IF_ERROR(ops::run_kernel(ops::op_def(layer.node->kind()).run, ctx));
  std::vector<Tensor> r;
  for (Datum& d : outs) r.push_back(d.tensor);
  return r;
}

TacticRun::TacticRun(const Tactic& tactic, const BuiltLayer& layer, int threads)
    : tactic_(tactic), layer_(layer), pool_(threads) {}

Result<std::unique_ptr<TacticRun>> TacticRun::make(const Tactic& tactic, const BuiltLayer& layer, const LayerCase& c,
                                                   int threads) {
  std::unique_ptr<TacticRun> r(new TacticRun(tactic, layer, threads));
  for (const Tensor& t : c.inputs) r->inputs_.push_back(Datum::of(t));
  for (size_t i = 0; i < r->inputs_.size(); ++i)
    r->input_ptrs_.push_back(c.inputs[i].defined() ? &r->inputs_[i] : nullptr);
  // The shapes the run produces, then guarded float outputs of those shapes (as an engine's
  // arena views are), for the tactic to write into.
  std::vector<Datum> planned(layer.node->num_outputs());
  HONE_RETURN_IF_ERROR(ops::allocate_outputs(*layer.node, r->input_ptrs_, &planned));
  r->outputs_.resize(planned.size());
  r->shapes_.resize(planned.size());
  for (size_t i = 0; i < planned.size(); ++i) {
    if (planned[i].tensor.defined() && planned[i].tensor.dtype() == DataType::Float) {
      r->shapes_[i] = planned[i].tensor.shape();
      r->outputs_[i].tensor = guarded(r->shapes_[i]);
    }
  }
  HONE_ASSIGN_OR_RETURN(r->packed_, tactic.prepare(layer.desc));
  HONE_ASSIGN_OR_RETURN(r->workspace_,
                        Tensor::create(DataType::UInt8, {static_cast<int64_t>(tactic.workspace_bytes(layer.desc))}));
  return r;
}

Status TacticRun::run() {
  ops::KernelContext ctx(*layer_.node, input_ptrs_, &outputs_, nullptr, 1);
  const LayerRun run{ctx, packed_, {static_cast<std::byte*>(workspace_.raw()), workspace_.nbytes()}, pool_};
  return ops::run_kernel([&](ops::KernelContext&) { return tactic_.run(run); }, ctx);
}

Result<std::vector<Tensor>> TacticRun::outputs() const {
  std::vector<Tensor> r;
  for (size_t i = 0; i < outputs_.size(); ++i) {
    const Tensor& t = outputs_[i].tensor;
    if (t.defined() && !shapes_[i].empty() && t.dtype() == DataType::Float && t.shape() == shapes_[i] &&
        !guard_intact(t)) {
      return internal_error("output " + std::to_string(i) + ": the tactic wrote past its end");
    }
    r.push_back(t);
  }
  return r;
}

Result<std::vector<Tensor>> tactic_outputs(const Tactic& tactic, const BuiltLayer& layer, const LayerCase& c,
                                           int threads) {
  HONE_ASSIGN_OR_RETURN(std::unique_ptr<TacticRun> r, TacticRun::make(tactic, layer, c, threads));
  HONE_RETURN_IF_ERROR(r->run());
  return r->outputs();
}

const Tactic* find_cpu_tactic(std::string_view id) { return cpu_backend().find_tactic(id); }

std::vector<CpuIsa> levels_here() {
  std::vector<CpuIsa> out;
  for (CpuIsa l : {CpuIsa::Baseline, CpuIsa::Avx2, CpuIsa::Avx512}) {
    if (has_isa(CpuFeatures::host(), l)) out.push_back(l);
  }
  return out;
}

ThreadPool& pool_of(int threads) {
  static ThreadPool one(1), two(2), three(3);
  return threads >= 3 ? three : threads == 2 ? two : one;
}

std::string describe(const LayerCase& c) {
  std::ostringstream s;
  s << c.op_type << "(";
  for (size_t i = 0; i < c.inputs.size(); ++i) {
    s << (i ? ", " : "") << (c.inputs[i].defined() ? shape_to_string(c.inputs[i].shape()) : "_");
  }
  s << ")";
  for (const auto& [name, a] : c.attrs.items()) s << " " << name << "=" << a.to_string();
  return s.str();
}

Tensor random_tensor(Shape shape, uint64_t seed, float lo, float hi) {
  Tensor t = Tensor::zeros(DataType::Float, std::move(shape));
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<float> dist(lo, hi);
  for (int64_t i = 0; i < t.numel(); ++i) t.data<float>()[i] = dist(rng);
  return t;
}

Tensor f32(Shape shape, std::vector<float> values) {
  return Tensor::from_vector<float>(DataType::Float, std::move(shape), values);
}
Tensor i64(Shape shape, std::vector<int64_t> values) {
  return Tensor::from_vector<int64_t>(DataType::Int64, std::move(shape), values);
}

ir::Attributes make_attrs(std::initializer_list<std::pair<std::string, ir::Attribute>> list) {
  ir::Attributes a;
  for (const auto& [name, v] : list) a.set(name, v);
  return a;
}

}  // namespace hone::cpu::testing
