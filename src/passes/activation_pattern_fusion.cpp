// Pass activation_pattern_fusion: activations that exporters spell as several float32 nodes
// become the ONNX operator, so the layer fusions can put them in a conv's epilogue (YOLOv8's
// 57 Sigmoid -> Mul pairs become Swish). One rule per line; the commutative ops match with
// either operand order, constants match within 1e-4 relative, and every intermediate must be
// single-use (x itself may have other readers):
//
//   x * Sigmoid(x)                                  -> Swish(x, alpha=1)           (opset 24)
//   x * HardSigmoid(x, alpha=1/6, beta=0.5)         -> HardSwish(x)                (opset 14)
//   x * Clip(x + 3, 0, 6) / 6   (also * (1/6), and the / 6 on the Clip)  -> HardSwish(x)
//   0.5 * x * (1 + Erf(x / sqrt(2)))                -> Gelu(x)                     (opset 20)
//   0.5 * x * (1 + Tanh(sqrt(2/pi) * (x + 0.044715 * x^3)))  -> Gelu(x, approximate=tanh)
//
// GELU: x / sqrt(2) is also x * 0.70710678, the halving is * 0.5 or / 2 applied to x, to the
// (1 + ...) factor or to the product, and x^3 is Pow(x, 3) or x * x * x.
#include <cmath>
#include <memory>
#include <numbers>
#include <optional>

#include "ops/shape_inference.hpp"
#include "passes/passes.hpp"
#include "passes/pattern_match.hpp"
#include "passes/rewrite.hpp"

namespace hone::passes {
namespace {

struct Match {
  ir::Value* x = nullptr;
  std::vector<ir::Node*> nodes;  // the pattern's nodes except the anchor, in any order
  ir::OpKind kind{};
  ir::Attributes attrs;
  int opset = 0;
};

// Matching state: the nodes taken so far. Each matcher appends the nodes it takes; attempt()
// drops them again when a branch fails, so alternatives start from the same list.
class Matcher {
 public:
  explicit Matcher(const ir::Graph& g) : g_(g) {}
  std::vector<ir::Node*> nodes;

  // The producer of `v` when it is a `kind` node and `v` is read only by the pattern.
  ir::Node* inner(const ir::Value* v, ir::OpKind kind) const { return single_use_producer(g_, v, kind); }

  // Calls f(a, b) with n's two inputs in both orders (a commutative op); true once f is.
  template <class F>
  bool either_order(const ir::Node& n, F&& f) {
    if (n.num_inputs() != 2) return false;
    return attempt([&] { return f(n.input(0), n.input(1)); }) || attempt([&] { return f(n.input(1), n.input(0)); });
  }

  // Runs f; on failure drops the nodes it appended.
  template <class F>
  bool attempt(F&& f) {
    const size_t mark = nodes.size();
    if (f()) return true;
    nodes.resize(mark);
    return false;
  }

  // `v` = x * c (either order) or x / (1/c) for a constant c: returns x (appending the node).
  ir::Value* scaled_by(const ir::Value* v, double c) {
    if (ir::Node* m = inner(v, ir::OpKind::Mul)) {
      for (size_t i = 0; i < 2; ++i) {
        if (is_scalar_near(m->input(1 - i), c)) {
          nodes.push_back(m);
          return m->input(i);
        }
      }
    }
    if (ir::Node* d = inner(v, ir::OpKind::Div); d && is_scalar_near(d->input(1), 1.0 / c)) {
      nodes.push_back(d);
      return d->input(0);
    }
    return nullptr;
  }

  // `v` = 1 + f(x) (either order) where `f` matches the inner term against x.
  template <class F>
  bool one_plus(const ir::Value* v, const ir::Value* x, F&& f) {
    ir::Node* add = inner(v, ir::OpKind::Add);
    if (!add) return false;
    return either_order(*add, [&](ir::Value* term, ir::Value* one) {
      if (!is_scalar_near(one, 1.0)) return false;
      nodes.push_back(add);
      return f(term, x);
    });
  }

  // `e` = Erf(x / sqrt(2)).
  bool erf_term(const ir::Value* e, const ir::Value* x) {
    ir::Node* erf = inner(e, ir::OpKind::Erf);
    if (!erf) return false;
    nodes.push_back(erf);
    return scaled_by(erf->input(0), 1.0 / std::numbers::sqrt2) == x;
  }

  // `e` = Tanh(sqrt(2/pi) * (x + 0.044715 * x^3)).
  bool tanh_term(const ir::Value* e, const ir::Value* x) {
    ir::Node* tanh = inner(e, ir::OpKind::Tanh);
    if (!tanh) return false;
    nodes.push_back(tanh);
    const ir::Value* sum = scaled_by(tanh->input(0), std::sqrt(2.0 / std::numbers::pi));
    ir::Node* add = sum ? inner(sum, ir::OpKind::Add) : nullptr;
    if (!add) return false;
    nodes.push_back(add);
    return either_order(*add, [&](ir::Value* a, ir::Value* cubic_term) {
      if (a != x) return false;
      const ir::Value* cube = scaled_by(cubic_term, 0.044715);
      return cube && this->cube(cube, x);
    });
  }

  // `v` = Pow(x, 3) or (x * x) * x in any order.
  bool cube(const ir::Value* v, const ir::Value* x) {
    if (ir::Node* pow = inner(v, ir::OpKind::Pow)) {
      if (pow->input(0) != x || !is_scalar_near(pow->input(1), 3.0)) return false;
      nodes.push_back(pow);
      return true;
    }
    ir::Node* outer = inner(v, ir::OpKind::Mul);
    if (!outer) return false;
    nodes.push_back(outer);
    return either_order(*outer, [&](ir::Value* a, ir::Value* square) {
      ir::Node* sq = inner(square, ir::OpKind::Mul);
      if (a != x || !sq || sq->input(0) != x || sq->input(1) != x) return false;
      nodes.push_back(sq);
      return true;
    });
  }

  // The operand v of a halving node n: v * 0.5 (either order) or v / 2.
  static ir::Value* halved(const ir::Node& n) {
    if (n.kind() == ir::OpKind::Mul) {
      for (size_t i = 0; i < 2 && n.num_inputs() == 2; ++i) {
        if (is_scalar_near(n.input(1 - i), 0.5)) return n.input(i);
      }
    }
    if (n.kind() == ir::OpKind::Div && is_scalar_near(n.input(1), 2.0)) return n.input(0);
    return nullptr;
  }

  // The x of a GELU whose last node is `n`: 0.5 * x * (1 + f(x)), the halving anywhere.
  template <class F>
  ir::Value* gelu(const ir::Node& n, F&& f) {
    ir::Value* x = nullptr;
    auto accept = [&](ir::Value* v) {
      x = v;
      return true;
    };
    // (x * (1 + f)) * 0.5
    if (ir::Value* product = halved(n)) {
      ir::Node* m = inner(product, ir::OpKind::Mul);
      if (m && attempt([&] {
            nodes.push_back(m);
            return either_order(*m, [&](ir::Value* a, ir::Value* b) { return one_plus(b, a, f) && accept(a); });
          })) {
        return x;
      }
    }
    if (n.kind() != ir::OpKind::Mul) return nullptr;
    const bool found = either_order(n, [&](ir::Value* a, ir::Value* b) {
      // (x * 0.5) * (1 + f)
      ir::Node* h = inner(a, ir::OpKind::Mul);
      ir::Node* hd = inner(a, ir::OpKind::Div);
      for (ir::Node* half : {h, hd}) {
        ir::Value* hx = half ? halved(*half) : nullptr;
        if (hx && attempt([&] {
              nodes.push_back(half);
              return one_plus(b, hx, f) && accept(hx);
            })) {
          return true;
        }
      }
      // x * ((1 + f) * 0.5)
      for (ir::Node* half : {inner(b, ir::OpKind::Mul), inner(b, ir::OpKind::Div)}) {
        ir::Value* p = half ? halved(*half) : nullptr;
        if (p && attempt([&] {
              nodes.push_back(half);
              return one_plus(p, a, f) && accept(a);
            })) {
          return true;
        }
      }
      return false;
    });
    return found ? x : nullptr;
  }

  // The Clip(x + 3, 0, 6) gate (ReLU6 of x + 3) producing `v`, for that x.
  bool relu6_gate(const ir::Value* v, const ir::Value* x) {
    ir::Node* clip = inner(v, ir::OpKind::Clip);
    if (!clip || !clip_bounds_are(*clip, 0.0, 6.0)) return false;
    ir::Node* add = inner(clip->input(0), ir::OpKind::Add);
    if (!add) return false;
    nodes.push_back(clip);
    nodes.push_back(add);
    return either_order(*add, [&](ir::Value* a, ir::Value* three) { return a == x && is_scalar_near(three, 3.0); });
  }

  static bool clip_bounds_are(const ir::Node& clip, double lo, double hi) {
    const std::optional<ops::Activation> a = activation_of(clip);
    return a && a->kind == ops::ActivationKind::Clip && near_value(a->alpha, lo) && near_value(a->beta, hi);
  }

  // The x of x * Clip(x + 3, 0, 6) / 6 ending at `n` (the division by 6 last or on the Clip).
  ir::Value* relu6_hard_swish(const ir::Node& n) {
    ir::Value* x = nullptr;
    auto accept = [&](ir::Value* v) {
      x = v;
      return true;
    };
    auto gate_pair = [&](ir::Value* a, ir::Value* b) { return relu6_gate(b, a) && accept(a); };
    // (x * gate) / 6
    if (ir::Value* product = sixth_of(n)) {
      ir::Node* m = inner(product, ir::OpKind::Mul);
      if (m && attempt([&] {
            nodes.push_back(m);
            return either_order(*m, gate_pair);
          })) {
        return x;
      }
    }
    if (n.kind() != ir::OpKind::Mul) return nullptr;
    // x * (gate / 6)
    const bool found = either_order(n, [&](ir::Value* a, ir::Value* b) {
      for (ir::Node* six : {inner(b, ir::OpKind::Div), inner(b, ir::OpKind::Mul)}) {
        ir::Value* gate = six ? sixth_of(*six) : nullptr;
        if (gate && attempt([&] {
              nodes.push_back(six);
              return relu6_gate(gate, a) && accept(a);
            })) {
          return true;
        }
      }
      return false;
    });
    return found ? x : nullptr;
  }

  // The operand v of v / 6 or v * (1/6) (either order).
  static ir::Value* sixth_of(const ir::Node& n) {
    if (n.kind() == ir::OpKind::Div && is_scalar_near(n.input(1), 6.0)) return n.input(0);
    if (n.kind() == ir::OpKind::Mul && n.num_inputs() == 2) {
      for (size_t i = 0; i < 2; ++i) {
        if (is_scalar_near(n.input(1 - i), 1.0 / 6.0)) return n.input(i);
      }
    }
    return nullptr;
  }

 private:
  const ir::Graph& g_;
};

std::optional<Match> match_gated(const ir::Graph& g, const ir::Node& n) {
  // x * Sigmoid(x) and x * HardSigmoid(x) with HardSwish's constants.
  Matcher m(g);
  Match r;
  const bool found = m.either_order(n, [&](ir::Value* x, ir::Value* gate) {
    if (ir::Node* s = m.inner(gate, ir::OpKind::Sigmoid); s && s->input(0) == x) {
      r = Match{x, {s}, ir::OpKind::Swish, {}, 24};
      r.attrs.set("alpha", ir::Attribute::of_float(1.0f));
      return true;
    }
    ir::Node* h = m.inner(gate, ir::OpKind::HardSigmoid);
    if (h && h->input(0) == x && near_value(attr_float_or_default(*h, "alpha"), 1.0 / 6.0) &&
        near_value(attr_float_or_default(*h, "beta"), 0.5)) {
      r = Match{x, {h}, ir::OpKind::HardSwish, {}, 14};
      return true;
    }
    return false;
  });
  return found ? std::optional<Match>(std::move(r)) : std::nullopt;
}

std::optional<Match> match(const ir::Graph& g, const ir::Node& n) {
  if ((n.kind() != ir::OpKind::Mul && n.kind() != ir::OpKind::Div) || n.num_inputs() != 2) return std::nullopt;
  std::optional<Match> r;
  if (n.kind() == ir::OpKind::Mul) r = match_gated(g, n);
  if (!r) {
    Matcher m(g);
    if (ir::Value* x = m.relu6_hard_swish(n)) r = Match{x, m.nodes, ir::OpKind::HardSwish, {}, 14};
  }
  if (!r) {
    Matcher m(g);
    if (ir::Value* x = m.gelu(n, [&m](const ir::Value* e, const ir::Value* v) { return m.erf_term(e, v); })) {
      r = Match{x, m.nodes, ir::OpKind::Gelu, {}, 20};
      r->attrs.set("approximate", ir::Attribute::of_string("none"));
    }
  }
  if (!r) {
    Matcher m(g);
    if (ir::Value* x = m.gelu(n, [&m](const ir::Value* e, const ir::Value* v) { return m.tanh_term(e, v); })) {
      r = Match{x, m.nodes, ir::OpKind::Gelu, {}, 20};
      r->attrs.set("approximate", ir::Attribute::of_string("tanh"));
    }
  }
  // The one-element constants must not have broadcast x to a higher rank.
  if (r && (!is_float32(r->x) || !is_float32(n.output(0)) || !same_rank(r->x, n.output(0)))) return std::nullopt;
  return r;
}

class ActivationPatternFusion final : public NodePass {
 public:
  std::string_view name() const override { return "activation_pattern_fusion"; }

  bool matches(const ir::Graph& g, const ir::Node& n) const override { return match(g, n).has_value(); }

  Status apply(ir::Graph& g, ir::Node& n) override {
    std::optional<Match> m = match(g, n);
    if (!m) return internal_error("activation_pattern_fusion: node '" + n.name() + "' no longer matches");
    std::vector<ir::Node*> nodes = m->nodes;
    nodes.push_back(&n);
    // Name the layer in execution order.
    sort_by_position(g, nodes);
    Replacement r{.kind = m->kind, .inputs = {m->x}, .outputs = {n.output(0)}, .attrs = std::move(m->attrs), .opset = m->opset};
    HONE_ASSIGN_OR_RETURN(ir::Node * fused, replace_nodes(g, nodes, std::move(r)));
    return ops::infer_node_types(*fused);
  }
};

}  // namespace

std::unique_ptr<Pass> make_activation_pattern_fusion(const PassOptions&) {
  return std::make_unique<ActivationPatternFusion>();
}

}  // namespace hone::passes
