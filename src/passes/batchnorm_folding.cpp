// batchnorm_folding: a Conv or ConvTranspose followed by an inference BatchNormalization becomes
// one Conv/ConvTranspose whose constant weights and bias absorb the normalization. The first of
// the layer fusions (passes.hpp); activation_fusion then finds the folded conv next to its Relu.
#include <cmath>
#include <optional>
#include <string>
#include <vector>

#include "ops/shape_inference.hpp"
#include "passes/layer_fusion.hpp"
#include "passes/passes.hpp"
#include "passes/rewrite.hpp"

namespace hone::passes {
namespace {

// What one folding needs, found by find_folding() and computed in double:
//   BN(y)[m] = scale[m] * (y[m] - mean[m]) / sqrt(var[m] + epsilon) + B[m] = s[m] * y[m] + shift[m]
//   s[m] = scale[m] / sqrt(var[m] + epsilon),  shift[m] = B[m] - mean[m] * s[m]
// and with y = conv(x, W) + b, linear in W per output channel m:
//   W'[m, ...] = W[m, ...] * s[m],  b'[m] = (b[m] - mean[m]) * s[m] + B[m]   (b = 0 without bias)
struct Folding {
  ir::Node* conv = nullptr;
  int64_t channels = 0;      // output channels of the conv (= BN channels)
  std::vector<double> s;     // per output channel
  std::vector<double> bias;  // b'
};

// Reads a float32 constant with exactly `n` values, as doubles.
std::optional<std::vector<double>> constant_values(const ir::Value* v, int64_t n) {
  const Tensor* t = constant_of(v);
  if (!t || t->dtype() != DataType::Float || t->numel() != n) return std::nullopt;
  return t->to_double_vector();
}

std::optional<Folding> find_folding(const ir::Graph& g, const ir::Node& bn) {
  if (bn.kind() != ir::OpKind::BatchNormalization) return std::nullopt;
  // Training mode normalizes with the batch's statistics; spatial = 0 (opsets < 9) has
  // per-position parameters. Neither is a per-channel affine map.
  if (attr_int_or_default(bn, "training_mode") != 0) return std::nullopt;
  if (bn.attrs().has("spatial") && attr_int_or_default(bn, "spatial") == 0) return std::nullopt;
  for (size_t o = 1; o < bn.num_outputs(); ++o) {
    const ir::Value* v = bn.output(o);
    if (v && (!v->uses().empty() || is_graph_output(g, v))) return std::nullopt;
  }
  ir::Node* conv = producer_of(bn, 0);
  if (!conv || (conv->kind() != ir::OpKind::Conv && conv->kind() != ir::OpKind::ConvTranspose)) return std::nullopt;
  if (!has_single_use(g, bn.input(0))) return std::nullopt;
  for (size_t i = 0; i < 5; ++i) {
    if (!is_float32(bn.input(i))) return std::nullopt;
  }
  if (!is_float32(bn.output(0)) || !is_float32(conv->input(0))) return std::nullopt;

  // W is [M, C/group, k...] for Conv and [C, M/group, k...] for ConvTranspose; 1-3 spatial dims.
  const Tensor* w = constant_of(conv->input(1));
  if (!w || w->dtype() != DataType::Float || w->rank() < 3 || w->rank() > 5 || w->numel() == 0) return std::nullopt;
  const ir::TensorShape& y = bn.input(0)->type().shape;
  if (!y.has_rank || static_cast<int64_t>(y.rank()) != w->rank()) return std::nullopt;
  const int64_t group = attr_int_or_default(*conv, "group");
  if (group < 1) return std::nullopt;
  Folding f;
  f.conv = conv;
  if (conv->kind() == ir::OpKind::Conv) {
    f.channels = w->dim(0);
  } else {
    if (w->dim(0) % group != 0) return std::nullopt;
    f.channels = group * w->dim(1);
  }
  if (f.channels <= 0 || (y.dims[1].is_known() && y.dims[1].value != f.channels)) return std::nullopt;

  std::vector<double> b(static_cast<size_t>(f.channels), 0.0);
  if (conv->input(2)) {
    auto given = constant_values(conv->input(2), f.channels);
    if (!given) return std::nullopt;
    b = *given;
  }
  auto scale = constant_values(bn.input(1), f.channels);
  auto shift = constant_values(bn.input(2), f.channels);
  auto mean = constant_values(bn.input(3), f.channels);
  auto var = constant_values(bn.input(4), f.channels);
  if (!scale || !shift || !mean || !var) return std::nullopt;
  const double epsilon = attr_float_or_default(bn, "epsilon");
  f.s.resize(static_cast<size_t>(f.channels));
  f.bias.resize(static_cast<size_t>(f.channels));
  for (size_t m = 0; m < f.s.size(); ++m) {
    f.s[m] = (*scale)[m] / std::sqrt((*var)[m] + epsilon);
    f.bias[m] = (b[m] - (*mean)[m]) * f.s[m] + (*shift)[m];
    // A negative or zero variance makes the model compute NaN/inf: leave it computing that.
    if (!std::isfinite(f.s[m]) || !std::isfinite(f.bias[m])) return std::nullopt;
  }
  return f;
}

// W' = W scaled per output channel (see Folding). Layouts, with G = group:
//   Conv           W[m, c, k...]:           channel m = first index
//   ConvTranspose  W[g*C/G + i, j, k...]:   channel m = g*(M/G) + j, for every i of group g
Tensor scaled_weights(const Tensor& w, const Folding& f, bool transposed, int64_t group) {
  Tensor out = w.clone();
  float* data = out.data<float>();
  const int64_t kernel = w.numel() / (w.dim(0) * w.dim(1));
  for (int64_t a = 0; a < w.dim(0); ++a) {
    for (int64_t c = 0; c < w.dim(1); ++c) {
      const int64_t m = transposed ? (a / (w.dim(0) / group)) * w.dim(1) + c : a;
      const double s = f.s[static_cast<size_t>(m)];
      float* row = data + (a * w.dim(1) + c) * kernel;
      for (int64_t k = 0; k < kernel; ++k) row[k] = static_cast<float>(static_cast<double>(row[k]) * s);
    }
  }
  return out;
}

// The folded constant goes into the old value when only this conv reads it; a shared or
// overridable one is left as it is and a new constant is made.
ir::Value* store_folded(ir::Graph& g, ir::Value* old, const std::string& base, Tensor value) {
  if (old && has_single_use(g, old) && !old->is_graph_input()) {
    old->set_constant(std::move(value));
    return old;
  }
  return add_constant(g, base, std::move(value));
}

class BatchNormFolding final : public NodePass {
 public:
  std::string_view name() const override { return "batchnorm_folding"; }

  bool matches(const ir::Graph& g, const ir::Node& n) const override { return find_folding(g, n).has_value(); }

  Status apply(ir::Graph& g, ir::Node& bn) override {
    std::optional<Folding> f = find_folding(g, bn);
    if (!f) return internal_error("batchnorm_folding: '" + bn.name() + "' no longer matches");
    ir::Node* conv = f->conv;
    const bool transposed = conv->kind() == ir::OpKind::ConvTranspose;
    ir::Value* w = conv->input(1);
    Tensor folded_w = scaled_weights(w->constant(), *f, transposed, attr_int_or_default(*conv, "group"));
    std::vector<float> folded_b(f->bias.begin(), f->bias.end());
    Tensor bias = Tensor::from_vector(DataType::Float, {f->channels}, folded_b);

    Replacement r;
    r.kind = conv->kind();
    r.op_type = conv->op_type();
    r.inputs = {conv->input(0), store_folded(g, w, w->name() + "_folded", std::move(folded_w)),
                store_folded(g, conv->input(2), bn.name() + "_folded_bias", std::move(bias))};
    r.outputs = {bn.output(0)};
    r.attrs = conv->attrs();
    r.opset = conv->opset();
    HONE_ASSIGN_OR_RETURN(ir::Node * fused, replace_nodes(g, {conv, &bn}, std::move(r)));
    return ops::infer_node_types(*fused);
  }
};

}  // namespace

std::unique_ptr<Pass> make_batchnorm_folding(const PassOptions&) { return std::make_unique<BatchNormFolding>(); }

}  // namespace hone::passes
