// The CPU kernel test harness (kernel_harness.hpp).
#include "kernel_harness.hpp"

#include <cmath>
#include <cstring>
#include <random>
#include <sstream>

#include "backends/cpu/kernels/tactic_common.hpp"
#include "ops/node_runner.hpp"
#include "ops/shape_inference.hpp"

namespace hone::cpu::testing {
namespace {

constexpr float kSentinel = -7.25e33f;   // what an output element holds before the tactic runs
constexpr float kGuard = 3.5e-33f;       // what the elements after an output must still hold
constexpr int64_t kGuardElements = 67;

bool is_constant(const LayerCase& c, size_t i) { return i < c.constant.size() ? c.constant[i] : i > 0; }

std::vector<Datum> input_data(const LayerCase& c) {
  std::vector<Datum> d;
  for (const Tensor& t : c.inputs) d.push_back(Datum::of(t));
  return d;
}

std::vector<const Datum*> input_ptrs(const LayerCase& c, const std::vector<Datum>& d) {
  std::vector<const Datum*> p;
  for (size_t i = 0; i < d.size(); ++i) p.push_back(c.inputs[i].defined() ? &d[i] : nullptr);
  return p;
}

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
      for (size_t d = 0; d < shape.rank(); ++d) shape.dims[d] = ir::Dim::named("d" + std::to_string(i) + "_" + std::to_string(d));
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
  ir::Node* n = g.add_node(kind, c.op_type, c.domain, "layer", c.domain == "hone" ? 1 : c.opset, inputs, outputs, c.attrs);
  for (ir::Value* v : outputs) g.add_output(v);
  HONE_RETURN_IF_ERROR(ops::validate_node(*n));
  HONE_RETURN_IF_ERROR(ops::infer_node_types(*n));
  b.node = n;
  b.desc = LayerDesc::of(*n, {}, DataType::Float);
  return b;
}

Result<std::vector<Tensor>> reference_outputs(const BuiltLayer& layer, const LayerCase& c) {
  const std::vector<Datum> in = input_data(c);
  const std::vector<const Datum*> ptrs = input_ptrs(c, in);
  std::vector<Datum> outs(layer.node->num_outputs());
  HONE_RETURN_IF_ERROR(ops::allocate_outputs(*layer.node, ptrs, &outs));
  ops::KernelContext ctx(*layer.node, ptrs, &outs, nullptr, 1);
  HONE_RETURN_IF_ERROR(ops::run_kernel(ops::op_def(layer.node->kind()).run, ctx));
  std::vector<Tensor> r;
  for (Datum& d : outs) r.push_back(d.tensor);
  return r;
}

Result<std::vector<Tensor>> tactic_outputs(const Tactic& tactic, const BuiltLayer& layer, const LayerCase& c,
                                           int threads) {
  const std::vector<Datum> in = input_data(c);
  const std::vector<const Datum*> ptrs = input_ptrs(c, in);
  // The shapes the run produces, then guarded float outputs of those shapes (as an engine's
  // arena views are), for the tactic to write into.
  std::vector<Datum> shapes(layer.node->num_outputs());
  HONE_RETURN_IF_ERROR(ops::allocate_outputs(*layer.node, ptrs, &shapes));
  std::vector<Datum> outs(layer.node->num_outputs());
  for (size_t i = 0; i < outs.size(); ++i) {
    if (shapes[i].tensor.defined() && shapes[i].tensor.dtype() == DataType::Float) outs[i].tensor = guarded(shapes[i].tensor.shape());
  }
  HONE_ASSIGN_OR_RETURN(std::vector<Tensor> packed, tactic.prepare(layer.desc));
  HONE_ASSIGN_OR_RETURN(Tensor workspace,
                        Tensor::create(DataType::UInt8, {static_cast<int64_t>(tactic.workspace_bytes(layer.desc))}));
  ThreadPool pool(threads);
  ops::KernelContext ctx(*layer.node, ptrs, &outs, nullptr, 1);
  const LayerRun run{ctx, packed, {static_cast<std::byte*>(workspace.raw()), workspace.nbytes()}, pool};
  HONE_RETURN_IF_ERROR(ops::run_kernel([&](ops::KernelContext&) { return tactic.run(run); }, ctx));
  std::vector<Tensor> r;
  for (size_t i = 0; i < outs.size(); ++i) {
    const Tensor& t = outs[i].tensor;
    if (t.defined() && shapes[i].tensor.defined() && t.raw() != nullptr && t.dtype() == DataType::Float &&
        t.shape() == shapes[i].tensor.shape() && !guard_intact(t)) {
      return internal_error("output " + std::to_string(i) + ": the tactic wrote past its end");
    }
    r.push_back(t);
  }
  return r;
}

const Tactic* find_cpu_tactic(std::string_view id) { return cpu_backend().find_tactic(id); }

std::vector<CpuIsa> levels_here() {
  std::vector<CpuIsa> out;
  for (CpuIsa l : {CpuIsa::Baseline, CpuIsa::Avx2, CpuIsa::Avx512}) {
    if (has_isa(CpuFeatures::host(), l)) out.push_back(l);
  }
  return out;
}

::testing::AssertionResult outputs_match(const Tensor& got, const Tensor& want, const Tolerance& tol) {
  if (!got.defined() || got.dtype() != want.dtype() || got.shape() != want.shape()) {
    return ::testing::AssertionFailure() << "got " << (got.defined() ? shape_to_string(got.shape()) : "nothing")
                                         << ", want " << shape_to_string(want.shape());
  }
  const float* g = got.data<float>();
  const float* w = want.data<float>();
  double dot = 0, gg = 0, ww = 0;
  for (int64_t i = 0; i < want.numel(); ++i) {
    const float a = g[i], b = w[i];
    bool ok;
    if (std::isnan(b) || std::isnan(a)) {
      ok = std::isnan(a) && std::isnan(b);
    } else if (tol.exact) {
      ok = std::memcmp(&a, &b, sizeof(float)) == 0;
    } else if (std::isinf(b)) {
      ok = a == b;
    } else {
      ok = std::fabs(static_cast<double>(a) - b) <= tol.atol + tol.rtol * std::fabs(static_cast<double>(b));
    }
    if (!ok) {
      return ::testing::AssertionFailure() << "first difference at index " << i << " of " << want.numel() << ": got "
                                           << a << ", reference " << b << (tol.exact ? " (bits must match)" : "");
    }
    if (std::isfinite(a) && std::isfinite(b)) {
      dot += static_cast<double>(a) * b;
      gg += static_cast<double>(a) * a;
      ww += static_cast<double>(b) * b;
    }
  }
  if (tol.min_cosine > 0 && gg > 0 && ww > 0) {
    const double cosine = dot / std::sqrt(gg * ww);
    if (cosine < tol.min_cosine) return ::testing::AssertionFailure() << "cosine " << cosine << " < " << tol.min_cosine;
  }
  return ::testing::AssertionSuccess();
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

void expect_tactic_matches_reference(std::string_view name, const LayerCase& c, const Tolerance& tol, bool portable) {
  SCOPED_TRACE(describe(c));
  auto layer = build_layer(c);
  ASSERT_TRUE(layer.is_ok()) << layer.status().to_string();
  auto want = reference_outputs(*layer, c);
  ASSERT_TRUE(want.is_ok()) << want.status().to_string();
  for (CpuIsa isa : portable ? std::vector<CpuIsa>{CpuIsa::Baseline} : levels_here()) {
    const std::string id = tactic_id(name, isa, portable);
    const Tactic* t = find_cpu_tactic(id);
    ASSERT_NE(t, nullptr) << "no tactic " << id;
    ASSERT_TRUE(t->supports(layer->desc, features_of(isa))) << id << " refuses the layer";
    for (int threads : {1, 2, 3}) {
      auto got = tactic_outputs(*t, *layer, c, threads);
      ASSERT_TRUE(got.is_ok()) << id << ", " << threads << " threads: " << got.status().to_string();
      ASSERT_EQ(got->size(), want->size());
      for (size_t o = 0; o < want->size(); ++o) {
        if (!(*want)[o].defined()) continue;
        EXPECT_TRUE(outputs_match((*got)[o], (*want)[o], tol)) << id << ", " << threads << " threads, output " << o;
      }
    }
  }
}

void expect_refused(std::string_view name, const LayerCase& c, bool portable) {
  SCOPED_TRACE(describe(c));
  auto layer = build_layer(c);
  ASSERT_TRUE(layer.is_ok()) << layer.status().to_string();
  for (CpuIsa isa : {CpuIsa::Baseline, CpuIsa::Avx2, CpuIsa::Avx512}) {
    if (portable && isa != CpuIsa::Baseline) continue;
    const std::string id = tactic_id(name, isa, portable);
    const Tactic* t = find_cpu_tactic(id);
    ASSERT_NE(t, nullptr) << "no tactic " << id;
    EXPECT_FALSE(t->supports(layer->desc, CpuFeatures::host())) << id << " claims a layer it does not compute";
  }
  // The reference tactic still takes it.
  EXPECT_TRUE(find_cpu_tactic("ref")->supports(layer->desc, CpuFeatures::host()));
}

Tensor random_tensor(Shape shape, uint64_t seed, float lo, float hi) {
  Tensor t = Tensor::zeros(DataType::Float, std::move(shape));
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<float> dist(lo, hi);
  for (int64_t i = 0; i < t.numel(); ++i) t.data<float>()[i] = dist(rng);
  return t;
}

Tensor f32(Shape shape, std::vector<float> values) { return Tensor::from_vector<float>(DataType::Float, std::move(shape), values); }
Tensor i64(Shape shape, std::vector<int64_t> values) {
  return Tensor::from_vector<int64_t>(DataType::Int64, std::move(shape), values);
}

ir::Attributes make_attrs(std::initializer_list<std::pair<std::string, ir::Attribute>> list) {
  ir::Attributes a;
  for (const auto& [name, v] : list) a.set(name, v);
  return a;
}

}  // namespace hone::cpu::testing
