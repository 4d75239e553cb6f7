// batchnorm_folding: a Conv or ConvTranspose followed by an inference BatchNormalization, or by
// a Mul/Add/Sub/Div with a per-channel or scalar constant (DenseNet's scale and shift after its
// BatchNorms), becomes one Conv/ConvTranspose whose constant weights and bias absorb the map.
// The first of the layer fusions (passes.hpp); activation_fusion then finds the folded conv
// next to its Relu.
#include <cmath>
#include <optional>
#include <string>
#include <vector>

#include "ops/shape_inference.hpp"
#include "passes/affine.hpp"
#include "passes/layer_fusion.hpp"
#include "passes/passes.hpp"
#include "passes/rewrite.hpp"

namespace hone::passes {
namespace {

// What one folding needs, found by find_folding() and computed in double. The node after the
// conv applies a per-channel affine map y'[m] = s[m] * y[m] + shift[m] (affine.hpp: an inference
// BatchNormalization, or a Mul/Add/Sub/Div by a per-channel or scalar constant), and with
// y = conv(x, W) + b, linear in W per output channel m:
//   W'[m, ...] = W[m, ...] * s[m],  b'[m] = b[m] * s[m] + shift[m]   (b = 0 without bias)
struct Folding {
  ir::Node* conv = nullptr;
  int64_t channels = 0;      // output channels of the conv
  std::vector<double> s;     // per output channel
  std::vector<double> bias;  // b'
};

// Reads a float32 constant with exactly `n` values, as doubles.
std::optional<std::vector<double>> constant_values(const ir::Value* v, int64_t n) {
  const Tensor* t = constant_of(v);
  if (!t || t->dtype() != DataType::Float || t->numel() != n) return std::nullopt;
  return t->to_double_vector();
}

std::optional<Folding> find_folding(const ir::Graph& g, const ir::Node& node) {
  const std::optional<ChannelAffine> affine = channel_affine_of(node);
  if (!affine) return std::nullopt;
  ir::Node* conv = affine->x->producer();
  if (!conv || conv->graph() != &g || (conv->kind() != ir::OpKind::Conv && conv->kind() != ir::OpKind::ConvTranspose)) {
    return std::nullopt;
  }
  if (!has_single_use(g, affine->x) || !is_float32(conv->input(0))) return std::nullopt;

  // W is [M, C/group, k...] for Conv and [C, M/group, k...] for ConvTranspose; 1-3 spatial dims.
  const Tensor* w = constant_of(conv->input(1));
  if (!w || w->dtype() != DataType::Float || w->rank() < 3 || w->rank() > 5 || w->numel() == 0) return std::nullopt;
  const ir::TensorShape& y = affine->x->type().shape;
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
  const size_t channels = static_cast<size_t>(f.channels);
  if ((affine->s.size() != 1 && affine->s.size() != channels) ||
      (affine->shift.size() != 1 && affine->shift.size() != channels)) {
    return std::nullopt;
  }
  const ChannelAffine a = affine->widened(channels);

  std::vector<double> b(channels, 0.0);
  if (conv->input(2)) {
    auto given = constant_values(conv->input(2), f.channels);
    if (!given) return std::nullopt;
    b = *given;
  }
  f.s = a.s;
  f.bias.resize(channels);
  for (size_t m = 0; m < channels; ++m) {
    f.bias[m] = b[m] * a.s[m] + a.shift[m];
    if (!std::isfinite(f.bias[m])) return std::nullopt;
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
    // The map node's data input is output 0 of the conv; its other inputs are constants.
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
