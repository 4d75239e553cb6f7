// affine_folding: per-channel affine maps (affine.hpp) that no convolution absorbed — a
// BatchNormalization after a Concat or a pool, and chains of Mul/Add/Sub/Div by per-channel or
// scalar constants (DenseNet follows every BatchNorm with a scale and a shift) — become one
// Mul and one Add with the composed constants:
//
//   x -> BN -> Mul(w) -> Add(b)   =>   x -> Mul(s * w) -> Add(shift * w + b)
//
// (composed in double, stored as float; a unit scale or a zero shift is left out). Runs after
// batchnorm_folding, which folds maps into the conv before them, and before elementwise_fusion,
// which merges the Mul, the Add and a following activation into one layer.
#include <algorithm>
#include <string>
#include <vector>

#include "ops/shape_inference.hpp"
#include "passes/affine.hpp"
#include "passes/passes.hpp"
#include "passes/rewrite.hpp"

namespace hone::passes {
namespace {

// The chain ending at `n`: n and the single-use affine nodes before it, first node first.
struct Chain {
  std::vector<ir::Node*> nodes;
  ChannelAffine map;  // composed: y = s * x + shift, x = the first node's data input
};

std::optional<Chain> chain_ending_at(const ir::Graph& g, ir::Node& n) {
  std::optional<ChannelAffine> last = channel_affine_of(n);
  if (!last) return std::nullopt;
  Chain c;
  c.nodes = {&n};
  c.map = *last;
  for (;;) {
    ir::Node* p = c.map.x->producer();
    if (!p || p->graph() != &g || !has_single_use(g, c.map.x)) break;
    std::optional<ChannelAffine> before = channel_affine_of(*p);
    if (!before) break;
    // y = s2 (s1 x + t1) + t2 = (s1 s2) x + (t1 s2 + t2), per channel (or scalar).
    const size_t len = std::max({before->s.size(), before->shift.size(), c.map.s.size(), c.map.shift.size()});
    for (size_t size : {before->s.size(), before->shift.size(), c.map.s.size(), c.map.shift.size()}) {
      if (size != 1 && size != len) return std::nullopt;
    }
    const ChannelAffine a = before->widened(len), b = c.map.widened(len);
    ChannelAffine composed;
    composed.x = before->x;
    for (size_t i = 0; i < len; ++i) {
      composed.s.push_back(a.s[i] * b.s[i]);
      composed.shift.push_back(a.shift[i] * b.s[i] + b.shift[i]);
    }
    c.map = composed;
    c.nodes.insert(c.nodes.begin(), p);
  }
  return c;
}

// Worth rewriting: anything but the canonical forms (one Mul, one Add, or a Mul then an Add),
// so a BatchNormalization or Sub/Div becomes Mul/Add and a longer chain shortens.
bool worth_it(const Chain& c) {
  auto is = [&](size_t i, ir::OpKind k) { return c.nodes[i]->kind() == k; };
  if (c.nodes.size() == 1) return !is(0, ir::OpKind::Mul) && !is(0, ir::OpKind::Add);
  if (c.nodes.size() == 2) return !(is(0, ir::OpKind::Mul) && is(1, ir::OpKind::Add));
  return true;
}

// A constant [C, 1, ..., 1] (rank - 1 dims, the channel axis right-aligned to dim 1 of data of
// `rank`) or a scalar, holding `v`.
Tensor channel_constant(const std::vector<double>& v, size_t rank) {
  std::vector<float> f(v.begin(), v.end());
  if (f.size() == 1) return Tensor::from_vector<float>(DataType::Float, {}, f);
  Shape shape(rank - 1, 1);
  shape[0] = static_cast<int64_t>(f.size());
  return Tensor::from_vector<float>(DataType::Float, shape, f);
}

bool all_equal(const std::vector<double>& v, double x) {
  return std::all_of(v.begin(), v.end(), [x](double e) { return e == x; });
}

class AffineFolding final : public NodePass {
 public:
  std::string_view name() const override { return "affine_folding"; }

  bool matches(const ir::Graph& g, const ir::Node& n) const override {
    // Only at the end of a chain: a node whose single reader extends it is handled there.
    ir::Node* reader = single_consumer(g, n.num_outputs() ? n.output(0) : nullptr);
    if (reader && channel_affine_of(*reader)) return false;
    auto c = chain_ending_at(g, const_cast<ir::Node&>(n));
    return c && worth_it(*c);
  }

  Status apply(ir::Graph& g, ir::Node& n) override {
    std::optional<Chain> c = chain_ending_at(g, n);
    if (!c) return internal_error("affine_folding: '" + n.name() + "' no longer matches");
    const size_t rank = n.output(0)->type().shape.rank();
    const std::string name = fused_name(std::vector<const ir::Node*>(c->nodes.begin(), c->nodes.end()));
    const bool scale = !all_equal(c->map.s, 1.0), shift = !all_equal(c->map.shift, 0.0) || !scale;
    ir::Value* y = n.output(0);
    const int opset = std::max(7, n.opset());
    // The last node the chain keeps takes over y: the Add, or the Mul when there is no shift.
    Replacement last;
    last.kind = shift ? ir::OpKind::Add : ir::OpKind::Mul;
    last.opset = opset;
    last.outputs = {y};
    ir::Value* mid = nullptr;
    if (scale && shift) {
      mid = add_intermediate(g, name + "/scaled", y->type());
      // Named after the last original node, a part of the Mul's name, so that a later fusion
      // of the two names each original node once.
      last.name = n.name();
      last.inputs = {mid, add_constant(g, name + "/shift", channel_constant(c->map.shift, rank))};
    } else {
      last.name = name;
      last.inputs = {c->map.x, add_constant(g, name + (shift ? "/shift" : "/scale"),
                                            channel_constant(shift ? c->map.shift : c->map.s, rank))};
    }
    HONE_ASSIGN_OR_RETURN(ir::Node * tail, replace_nodes(g, c->nodes, std::move(last)));
    if (mid) {
      ir::Value* s = add_constant(g, name + "/scale", channel_constant(c->map.s, rank));
      ir::Node* mul = g.add_node(ir::OpKind::Mul, "Mul", "", name, opset, {c->map.x, s}, {mid});
      g.move_node(mul, g.index_of(tail));
      HONE_RETURN_IF_ERROR(ops::infer_node_types(*mul));
    }
    return ops::infer_node_types(*tail);
  }
};

}  // namespace

std::unique_ptr<Pass> make_affine_folding(const PassOptions&) { return std::make_unique<AffineFolding>(); }

}  // namespace hone::passes
