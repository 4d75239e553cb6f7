// input_affine_fusion (run by the builder after layout planning): a per-channel multiply-add,
// optionally followed by ReLU, whose only reader is a pointwise blocked convolution becomes
// that convolution's input transform (FusedConvBlocked inputs S, T and `input_activation`):
//
//   x -> FusedElementwise{Mul(s), Add(t), Relu} -> FusedConvBlocked 1x1(W)
//     =>  FusedConvBlocked 1x1(x, W, ..., S = s, T = t){input_activation = Relu}
//
// DenseNet's pre-activation BatchNorm + ReLU before every 1x1 convolution: the kernel applies
// the map to each tile's pixels as it reads them, so the transformed tensor (as large as the
// growing feature map) is never written and read back. Only pointwise, stride 1, unpadded
// convolutions of a blocked X with at most ops::kMaxInputTransformChannels channels qualify.
#include <string>
#include <vector>

#include "ops/blocked_layout.hpp"
#include "passes/passes.hpp"
#include "passes/rewrite.hpp"

namespace hone::passes {
namespace {

// Per-channel values of constant `t` broadcast against blocked x [N, Cb, ..., b]: one value,
// or values that vary only along Cb and the block lanes; the first `channels` of them.
std::optional<std::vector<float>> per_channel(const Tensor* t, const Shape& x, int64_t channels) {
  if (!t || t->dtype() != DataType::Float || x.size() < 3) return std::nullopt;
  const int64_t block = x.back(), cb = x[1];
  if (t->numel() == 1) return std::vector<float>(static_cast<size_t>(channels), t->data<float>()[0]);
  const Shape& s = t->shape();
  if (s.size() > x.size()) return std::nullopt;
  // Aligned to x from the right: every dim but Cb (x's dim 1) and the lanes (the last) is 1.
  const size_t off = x.size() - s.size();
  int64_t cb_dim = 1, lane_dim = 1;
  for (size_t d = 0; d < s.size(); ++d) {
    const size_t xd = d + off;
    if (xd == 1) cb_dim = s[d];
    else if (xd == x.size() - 1) lane_dim = s[d];
    else if (s[d] != 1) return std::nullopt;
  }
  if ((cb_dim != 1 && cb_dim != cb) || (lane_dim != 1 && lane_dim != block)) return std::nullopt;
  std::vector<float> v(static_cast<size_t>(channels));
  for (int64_t c = 0; c < channels; ++c) {
    const int64_t i = (cb_dim == 1 ? 0 : c / block) * lane_dim + (lane_dim == 1 ? 0 : c % block);
    v[static_cast<size_t>(c)] = t->data<float>()[i];
  }
  return v;
}

struct Match {
  ir::Node* affine = nullptr;
  ir::Value* x = nullptr;
  std::vector<float> s, t;
  bool relu = false;
};

class InputAffineFusion final : public NodePass {
 public:
  std::string_view name() const override { return "input_affine_fusion"; }

  bool matches(const ir::Graph& g, const ir::Node& n) const override { return find(g, n).has_value(); }

  Status apply(ir::Graph& g, ir::Node& conv) override {
    std::optional<Match> m = find(g, conv);
    if (!m) return internal_error("input_affine_fusion: '" + conv.name() + "' no longer matches");
    Replacement r;
    r.kind = ir::OpKind::FusedConvBlocked;
    r.op_type = conv.op_type();
    r.inputs = {m->x, conv.input(1), conv.num_inputs() > 2 ? conv.input(2) : nullptr,
                conv.num_inputs() > 3 ? conv.input(3) : nullptr};
    const int64_t c = static_cast<int64_t>(m->s.size());
    r.inputs.push_back(add_constant(g, conv.name() + "/input_scale", Tensor::from_vector<float>(DataType::Float, {c}, m->s)));
    r.inputs.push_back(add_constant(g, conv.name() + "/input_shift", Tensor::from_vector<float>(DataType::Float, {c}, m->t)));
    r.outputs = {conv.output(0)};
    r.attrs = conv.attrs();
    r.attrs.set("input_activation", ir::Attribute::of_string(m->relu ? "Relu" : ""));
    r.opset = conv.opset();
    return replace_nodes(g, {m->affine, &conv}, std::move(r)).status();
  }

 private:
  static std::optional<Match> find(const ir::Graph& g, const ir::Node& conv) {
    if (conv.kind() != ir::OpKind::FusedConvBlocked || conv.num_inputs() > 4 || !conv.input(0)) return std::nullopt;
    if (attr_int_or_default(conv, "input_blocked") != 1 || attr_int_or_default(conv, "group") != 1) return std::nullopt;
    const ir::Attribute* k = conv.attrs().find("kernel_shape");
    const ir::Value* w = conv.input(1);
    const Tensor* wt = constant_of(w);
    if (!wt || wt->rank() != 4 || wt->dim(2) != 1 || wt->dim(3) != 1 || (k && k->ints != std::vector<int64_t>{1, 1})) {
      return std::nullopt;
    }
    for (const char* a : {"strides", "pads", "dilations"}) {
      if (const ir::Attribute* v = conv.attrs().find(a)) {
        for (int64_t e : v->ints) {
          if (e != (std::string(a) == "pads" ? 0 : 1)) return std::nullopt;
        }
      }
    }
    if (const ir::Attribute* ap = conv.attrs().find("auto_pad"); ap && ap->s != "NOTSET" && ap->s != "VALID") {
      return std::nullopt;
    }
    const int64_t channels = wt->dim(1);
    if (channels > ops::kMaxInputTransformChannels) return std::nullopt;
    ir::Node* e = conv.input(0)->producer();
    if (!e || e->graph() != &g || e->kind() != ir::OpKind::FusedElementwise || e->num_outputs() != 1 ||
        !has_single_use(g, conv.input(0)) || is_graph_output(g, conv.input(0))) {
      return std::nullopt;
    }
    const ir::Attribute* ops = e->attrs().find("ops");
    const ir::Attribute* operands = e->attrs().find("operands");
    const ir::Attribute* swap = e->attrs().find("swap");
    if (!ops || !operands || !swap || e->num_inputs() != 3) return std::nullopt;
    const bool relu = ops->strings == std::vector<std::string>{"Mul", "Add", "Relu"};
    if (!relu && ops->strings != std::vector<std::string>{"Mul", "Add"}) return std::nullopt;
    if (operands->ints.size() != ops->strings.size() || operands->ints[0] != 1 || operands->ints[1] != 2) {
      return std::nullopt;
    }
    for (int64_t sw : swap->ints) {
      if (sw != 0) return std::nullopt;
    }
    std::optional<Shape> x = static_shape(e->input(0));
    if (!x || x->size() < 3 || static_shape(conv.input(0)) != x) return std::nullopt;
    std::optional<std::vector<float>> s = per_channel(constant_of(e->input(1)), *x, channels);
    std::optional<std::vector<float>> t = per_channel(constant_of(e->input(2)), *x, channels);
    if (!s || !t) return std::nullopt;
    return Match{e, e->input(0), std::move(*s), std::move(*t), relu};
  }
};

}  // namespace

std::unique_ptr<Pass> make_input_affine_fusion() { return std::make_unique<InputAffineFusion>(); }

}  // namespace hone::passes
