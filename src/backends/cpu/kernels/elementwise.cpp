// The elementwise tactics of the CPU backend and their ISA dispatch (elementwise.hpp). Every
// elementwise layer is run as a chain of steps over broadcast rows (broadcast.hpp):
//   unary / activation layer   v = f(x0)
//   Add/Sub/Mul/Div/Pow        v = x0 op x1
//   Sum/Max/Min/Mean           v = x0 op x1 op ... op xn (Mean: then v / (n + 1))
//   FusedElementwise           the node's own steps (ops/fused_elementwise.cpp)
// each step rounding to float as the reference kernels do, so the piecewise-linear and
// arithmetic steps are bit-identical and the transcendental ones within a few ulp.
// BatchNormalization in inference folds its four parameters into one per-channel multiply-add.
#include <cmath>
#include <cstring>
#include <optional>

#include "backends/cpu/kernels/broadcast.hpp"
#include "backends/cpu/kernels/elementwise.hpp"
#include "backends/cpu/kernels/tactic_common.hpp"
#include "backends/cpu/kernels/tactics.hpp"

namespace hone::cpu {

void chain_rows(CpuIsa isa, const ChainStep* steps, size_t num_steps, const float* const* inputs,
                const uint8_t* is_row, float* y, size_t n) {
  switch (isa) {
    case CpuIsa::Avx512: return avx512::chain_rows(steps, num_steps, inputs, is_row, y, n);
    case CpuIsa::Avx2: return avx2::chain_rows(steps, num_steps, inputs, is_row, y, n);
    case CpuIsa::Baseline: return baseline::chain_rows(steps, num_steps, inputs, is_row, y, n);
  }
}

void affine_rows(CpuIsa isa, const float* x, float* y, size_t n, float scale, float shift, const ops::Activation& act) {
  switch (isa) {
    case CpuIsa::Avx512: return avx512::affine_rows(x, y, n, scale, shift, act);
    case CpuIsa::Avx2: return avx2::affine_rows(x, y, n, scale, shift, act);
    case CpuIsa::Baseline: return baseline::affine_rows(x, y, n, scale, shift, act);
  }
}

void pow_rows(const float* a, bool a_row, const float* b, bool b_row, float* y, size_t n) {
  for (size_t i = 0; i < n; ++i) {
    y[i] = static_cast<float>(std::pow(static_cast<double>(a[a_row ? i : 0]), static_cast<double>(b[b_row ? i : 0])));
  }
}

namespace {

// ---- the steps a layer computes ----

std::optional<UnaryMathOp> unary_math_of(std::string_view op) {
  static constexpr std::pair<std::string_view, UnaryMathOp> kOps[] = {
      {"Abs", UnaryMathOp::Abs},   {"Neg", UnaryMathOp::Neg},   {"Exp", UnaryMathOp::Exp},
      {"Log", UnaryMathOp::Log},   {"Sqrt", UnaryMathOp::Sqrt}, {"Reciprocal", UnaryMathOp::Reciprocal},
      {"Erf", UnaryMathOp::Erf},   {"Floor", UnaryMathOp::Floor}, {"Ceil", UnaryMathOp::Ceil}};
  for (const auto& [name, u] : kOps) {
    if (name == op) return u;
  }
  return std::nullopt;
}

std::optional<BinaryOp> binary_of(std::string_view op) {
  static constexpr std::pair<std::string_view, BinaryOp> kOps[] = {
      {"Add", BinaryOp::Add}, {"Sub", BinaryOp::Sub}, {"Mul", BinaryOp::Mul}, {"Div", BinaryOp::Div},
      {"Max", BinaryOp::Max}, {"Min", BinaryOp::Min}, {"Pow", BinaryOp::Pow}};
  for (const auto& [name, b] : kOps) {
    if (name == op) return b;
  }
  return std::nullopt;
}

enum class Family { Unary, Binary, Variadic, Fused };

bool in_family(const ir::Node& n, Family f) {
  if (!n.domain().empty() && n.domain() != "ai.onnx" && n.domain() != "hone") return false;
  const std::string& op = n.op_type();
  switch (f) {
    case Family::Unary: return n.domain().empty() && (unary_math_of(op) || ops::activation_of_node(n));
    case Family::Binary: return op == "Add" || op == "Sub" || op == "Mul" || op == "Div" || op == "Pow";
    case Family::Variadic: return op == "Sum" || op == "Max" || op == "Min" || op == "Mean";
    case Family::Fused: return n.kind() == ir::OpKind::FusedElementwise;
  }
  return false;
}

// The chain of a layer: its steps and how many of its inputs the steps read. Mean's final
// division reads an extra one-value operand (the count), index num_inputs.
struct Chain {
  std::vector<ChainStep> steps;
  size_t num_inputs = 0;
  bool mean = false;
};

// FusedElementwise's attributes (ops/fused_elementwise.cpp): ops, operands, swap, and two
// params per step.
std::optional<Chain> fused_chain(const ir::Node& n) {
  const ops::AttrReader a = attrs_of(n);
  const auto& names = a.attr_strings("ops");
  const auto& operands = a.attr_ints("operands");
  const auto& swap = a.attr_ints("swap");
  const auto& params = a.attr_floats("params");
  if (names.empty() || operands.size() != names.size() || swap.size() != names.size() ||
      params.size() != 2 * names.size()) {
    return std::nullopt;
  }
  Chain c;
  c.num_inputs = n.num_inputs();
  for (size_t s = 0; s < names.size(); ++s) {
    ChainStep st;
    if (auto b = binary_of(names[s])) {
      if (operands[s] < 1 || operands[s] >= static_cast<int64_t>(n.num_inputs())) return std::nullopt;
      st.kind = ChainStep::Kind::Binary;
      st.binary = *b;
      st.operand = static_cast<uint32_t>(operands[s]);
      st.swap = swap[s] != 0;
    } else if (auto u = unary_math_of(names[s])) {
      st.kind = ChainStep::Kind::Unary;
      st.unary = *u;
    } else {
      ops::ActivationKind kind;
      if (!ops::Activation::find_kind(names[s], &kind) || kind == ops::ActivationKind::None) return std::nullopt;
      const auto first = params.begin() + static_cast<std::ptrdiff_t>(2 * s);
      auto act =
          ops::Activation::parse(names[s], std::vector<float>(first, first + ops::Activation::param_count(kind)));
      if (!act.is_ok()) return std::nullopt;
      st.kind = ChainStep::Kind::Activation;
      st.activation = *act;
    }
    if (st.kind != ChainStep::Kind::Binary && operands[s] != -1) return std::nullopt;
    c.steps.push_back(st);
  }
  return c;
}

std::optional<Chain> chain_of(const ir::Node& n, Family f) {
  Chain c;
  switch (f) {
    case Family::Unary: {
      c.num_inputs = 1;
      ChainStep st;
      if (auto u = unary_math_of(n.op_type())) {
        st.kind = ChainStep::Kind::Unary;
        st.unary = *u;
      } else if (auto act = ops::activation_of_node(n)) {
        st.activation = *act;
      } else {
        return std::nullopt;
      }
      c.steps.push_back(st);
      return c;
    }
    case Family::Binary: {
      if (n.num_inputs() != 2) return std::nullopt;
      c.num_inputs = 2;
      ChainStep st;
      st.kind = ChainStep::Kind::Binary;
      st.binary = *binary_of(n.op_type());
      st.operand = 1;
      c.steps.push_back(st);
      return c;
    }
    case Family::Variadic: {
      c.num_inputs = n.num_inputs();
      const std::string& op = n.op_type();
      const BinaryOp b = op == "Max" ? BinaryOp::Max : op == "Min" ? BinaryOp::Min : BinaryOp::Add;
      for (size_t k = 1; k < n.num_inputs(); ++k) {
        ChainStep st;
        st.kind = ChainStep::Kind::Binary;
        st.binary = b;
        st.operand = static_cast<uint32_t>(k);
        c.steps.push_back(st);
      }
      if (op == "Mean") {
        c.mean = true;
        ChainStep st;
        st.kind = ChainStep::Kind::Binary;
        st.binary = BinaryOp::Div;
        st.operand = static_cast<uint32_t>(n.num_inputs());
        c.steps.push_back(st);
      }
      return c;
    }
    case Family::Fused: return fused_chain(n);
  }
  return std::nullopt;
}

const char* family_name(Family f) {
  switch (f) {
    case Family::Unary: return "unary";
    case Family::Binary: return "binary";
    case Family::Variadic: return "variadic";
    case Family::Fused: return "fused_elementwise";
  }
  return "?";
}

// ---- the tactic ----

// Rows shorter than kShortRow elements are widened up to kWideRow (BroadcastPlan::widen).
constexpr int64_t kShortRow = 256, kWideRow = 4096;

// Any elementwise layer of one family as a chain over broadcast rows. Shapes may be dynamic:
// the rows are planned from the run's shapes.
class ChainTactic final : public IsaTactic {
 public:
  ChainTactic(Family family, CpuIsa level) : IsaTactic(tactic_id(family_name(family), level), level), family_(family) {}

  bool supports_layer(const LayerDesc& layer) const override {
    const ir::Node& n = *layer.node;
    if (!in_family(n, family_) || n.num_outputs() != 1 || !all_f32(layer, false)) return false;
    // Before opset 7 `broadcast` placed B at `axis`: not numpy's rule.
    if (n.opset() < 7 && n.attrs().has("broadcast") && attrs_of(n).attr_int("broadcast") != 0) return false;
    auto chain = chain_of(n, family_);
    if (!chain) return false;
    // The inputs the chain reads must be present (a unary layer's others are Clip's bounds,
    // folded into its activation).
    for (size_t k = 0; k < chain->num_inputs; ++k) {
      if (!n.input(k)) return false;
    }
    return true;
  }

  Status run(const LayerRun& run) const override {
    ops::KernelContext& ctx = run.kernel;
    auto chain = chain_of(ctx.node(), family_);
    if (!chain) return run_reference(run);
    std::vector<const Tensor*> inputs;
    Shape shape = ctx.input(0).shape();
    for (size_t k = 0; k < chain->num_inputs; ++k) {
      const Tensor& t = ctx.input(k);
      if (t.dtype() != DataType::Float) return run_reference(run);
      auto b = ops::broadcast_shapes(shape, t.shape());
      if (!b.is_ok()) return ctx.bad_input(b.status().message());
      shape = std::move(b).value();
      inputs.push_back(&t);
    }
    HONE_ASSIGN_OR_RETURN(Tensor * y, f32_output(ctx, 0, shape));
    std::vector<const Shape*> shapes;
    std::vector<const float*> base;
    for (const Tensor* t : inputs) {
      shapes.push_back(&t->shape());
      base.push_back(t->data<float>());
    }
    BroadcastPlan plan = BroadcastPlan::make(shape, shapes);
    const float count = static_cast<float>(chain->num_inputs);
    if (chain->mean) {
      base.push_back(&count);
      plan.row_vector.push_back(0);
      plan.period.push_back(0);
      for (auto& s : plan.outer_stride) s.push_back(0);
    }
    // Rows of a few elements cost a call each: widen them, tiling operands that repeat.
    plan.widen(kShortRow, kWideRow);
    bool tiles = false;
    for (int64_t p : plan.period) tiles |= p > 0;
    float* out = y->data<float>();
    const size_t k_inputs = base.size();
    const CpuIsa isa = level();
    const ChainStep* steps = chain->steps.data();
    const size_t num_steps = chain->steps.size();
    parallel_rows(run.pool, static_cast<size_t>(plan.rows()), static_cast<size_t>(plan.row),
                  std::max<size_t>(num_steps, 1), [&](size_t r0, size_t r1, size_t begin, size_t end) {
                    std::vector<int64_t> off(k_inputs), tiled_off(k_inputs, -1);
                    std::vector<const float*> rows(k_inputs);
                    // Inputs that repeat a period along the row are read from a tiled copy,
                    // refreshed when their offset moves.
                    std::vector<float> tile(tiles ? k_inputs * static_cast<size_t>(plan.row) : 0);
                    plan.offsets_of_row(static_cast<int64_t>(r0), off.data());
                    std::vector<int64_t> idx = plan.coordinates_of_row(static_cast<int64_t>(r0));
                    for (size_t r = r0; r < r1; ++r) {
                      for (size_t k = 0; k < k_inputs; ++k) {
                        const int64_t period = plan.period[k];
                        if (period == 0) {
                          rows[k] = base[k] + off[k] + (plan.row_vector[k] ? begin : 0);
                          continue;
                        }
                        float* t = tile.data() + k * static_cast<size_t>(plan.row);
                        if (tiled_off[k] != off[k]) {
                          for (int64_t i = 0; i < plan.row; i += period) {
                            std::memcpy(t + i, base[k] + off[k], static_cast<size_t>(period) * sizeof(float));
                          }
                          tiled_off[k] = off[k];
                        }
                        rows[k] = t + begin;
                      }
                      chain_rows(isa, steps, num_steps, rows.data(), plan.row_vector.data(),
                                 out + r * static_cast<size_t>(plan.row) + begin, end - begin);
                      if (r + 1 < r1) plan.next_row(idx, off.data());
                    }
                  });
    return Status::ok();
  }

 private:
  Family family_;
};

// BatchNormalization in inference: y = x * s[c] + t[c] per channel with
//   s = scale / sqrt(var + epsilon),  t = B - mean * s
// folded in double (the reference's precision) and rounded once to float, so y has at most
// an ulp of |x s| + |t| of error against the reference's double evaluation.
class BatchNormTactic final : public IsaTactic {
 public:
  explicit BatchNormTactic(CpuIsa level) : IsaTactic(tactic_id("batchnorm", level), level) {}

  bool supports_layer(const LayerDesc& layer) const override {
    const ir::Node& n = *layer.node;
    if (n.kind() != ir::OpKind::BatchNormalization || n.num_inputs() != 5 || !all_f32(layer, false)) return false;
    for (size_t i = 1; i < n.num_outputs(); ++i) {
      if (n.output(i)) return false;  // training statistics
    }
    if (n.opset() >= 14 && attrs_of(n).attr_int("training_mode") != 0) return false;
    const ir::TensorShape& x = layer.input_types[0].shape;
    if (x.rank() < 2 || !x.dims[1].is_known()) return false;
    // One value per channel (not opset < 9's spatial=0 per-position parameters).
    for (size_t i = 1; i < 5; ++i) {
      const ir::TensorShape& p = layer.input_types[i].shape;
      if (!p.is_static() || shape_numel(p.to_static()) != x.dims[1].value) return false;
    }
    return true;
  }

  Result<std::vector<Tensor>> prepare(const LayerDesc& layer) const override {
    const Tensor *scale = constant_input(layer, 1), *bias = constant_input(layer, 2), *mean = constant_input(layer, 3),
                 *var = constant_input(layer, 4);
    if (!scale || !bias || !mean || !var) return std::vector<Tensor>{};  // folded at run time
    return fold(*scale, *bias, *mean, *var, attrs_of(*layer.node).attr_float("epsilon"));
  }

  Status run(const LayerRun& run) const override {
    ops::KernelContext& ctx = run.kernel;
    const Tensor& x = ctx.input(0);
    if (x.dtype() != DataType::Float || x.rank() < 2) return run_reference(run);
    const int64_t channels = x.dim(1);
    std::vector<Tensor> folded;
    if (run.packed.size() != 2) {
      for (size_t i = 1; i < 5; ++i) {
        if (ctx.input(i).dtype() != DataType::Float || ctx.input(i).numel() != channels) return run_reference(run);
      }
      folded = fold(ctx.input(1), ctx.input(2), ctx.input(3), ctx.input(4), ctx.attr_float("epsilon"));
    }
    const Tensor& s = run.packed.size() == 2 ? run.packed[0] : folded[0];
    const Tensor& t = run.packed.size() == 2 ? run.packed[1] : folded[1];
    if (s.numel() != channels) return run_reference(run);
    HONE_ASSIGN_OR_RETURN(Tensor * y, f32_output(ctx, 0, x.shape()));
    const size_t planes = static_cast<size_t>(x.dim(0) * channels);
    const size_t plane = planes > 0 ? static_cast<size_t>(x.numel()) / planes : 0;
    const float* px = x.data<float>();
    const float* ps = s.data<float>();
    const float* pt = t.data<float>();
    float* py = y->data<float>();
    const CpuIsa isa = level();
    const ops::Activation none;
    parallel_rows(run.pool, planes, plane, 1, [&](size_t p0, size_t p1, size_t begin, size_t end) {
      for (size_t p = p0; p < p1; ++p) {
        const size_t c = p % static_cast<size_t>(channels);
        affine_rows(isa, px + p * plane + begin, py + p * plane + begin, end - begin, ps[c], pt[c], none);
      }
    });
    return Status::ok();
  }

 private:
  static std::vector<Tensor> fold(const Tensor& scale, const Tensor& bias, const Tensor& mean, const Tensor& var,
                                  double epsilon) {
    const int64_t c = scale.numel();
    Tensor s = Tensor::zeros(DataType::Float, {c}), t = Tensor::zeros(DataType::Float, {c});
    for (int64_t i = 0; i < c; ++i) {
      const double si = scale.get_double(i) / std::sqrt(var.get_double(i) + epsilon);
      s.data<float>()[i] = static_cast<float>(si);
      t.data<float>()[i] = static_cast<float>(bias.get_double(i) - mean.get_double(i) * si);
    }
    return {s, t};
  }
};

}  // namespace

std::vector<const Tactic*> elementwise_tactics() {
  static const std::vector<std::unique_ptr<Tactic>> tactics = [] {
    std::vector<std::unique_ptr<Tactic>> list;
    for (Family f : {Family::Fused, Family::Binary, Family::Variadic, Family::Unary}) {
      for (CpuIsa level : kLevels) list.push_back(std::make_unique<ChainTactic>(f, level));
    }
    for (CpuIsa level : kLevels) list.push_back(std::make_unique<BatchNormTactic>(level));
    return list;
  }();
  return pointers(tactics);
}

}  // namespace hone::cpu
