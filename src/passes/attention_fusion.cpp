// Pass attention_fusion: scaled dot-product attention written as MatMul/Softmax/MatMul on 4-D
// float32 [batch, heads, seq, head_dim] tensors becomes one ONNX Attention (opset 23):
//
//   Y = MatMul(Softmax(MatMul(Q, Transpose(K, [0,1,3,2])) * s [+ mask], axis=-1), V)
//     -> Attention(Q, K, V [, attn_mask = mask]){scale = s}
//
// The scale may be a Mul or a Div by a constant on the scores or on Q (no scale: 1); the mask
// an additive float tensor that broadcasts to the scores with a full last (key) dimension,
// because Attention gives -inf to key columns past the mask's last dimension. K and V may have
// one head for all query heads (MatMul broadcasting; Attention's grouped-query rule). When K^T
// is a Transpose of another layout (e.g. perm [0,2,3,1] of a [B,S,H,D] projection), a Transpose
// with the composed perm brings K to [B,H,S,D].
#include <memory>
#include <optional>

#include "ops/shape_inference.hpp"
#include "passes/passes.hpp"
#include "passes/pattern_match.hpp"
#include "passes/rewrite.hpp"

namespace hone::passes {
namespace {

struct Match {
  ir::Value* q = nullptr;
  ir::Value* k_source = nullptr;      // K, or what k_perm transposes into K
  std::vector<int64_t> k_perm;        // empty: k_source is K [B,H,S,D]
  Shape k_shape;
  ir::Value* v = nullptr;
  ir::Value* mask = nullptr;
  double scale = 1.0;
  ir::Node* k_transpose = nullptr;    // the Transpose producing K^T
  std::vector<ir::Node*> nodes;       // the pattern's nodes except the anchor and k_transpose
};

class Matcher {
 public:
  explicit Matcher(const ir::Graph& g) : g_(g) {}

  // The producer of `v` when it is a `kind` node and `v` is read only by the pattern.
  ir::Node* inner(const ir::Value* v, ir::OpKind kind) const { return single_use_producer(g_, v, kind); }

  // Strips a Mul or Div by a one-element constant off `v`, folding it into m.scale.
  ir::Value* unscaled(ir::Value* v, Match& m) {
    if (ir::Node* mul = inner(v, ir::OpKind::Mul); mul && mul->num_inputs() == 2) {
      for (size_t i = 0; i < 2; ++i) {
        if (std::optional<double> c = scalar_constant(mul->input(1 - i)); c && !constant_of(mul->input(i))) {
          m.scale *= *c;
          m.nodes.push_back(mul);
          return mul->input(i);
        }
      }
    }
    if (ir::Node* div = inner(v, ir::OpKind::Div); div && div->num_inputs() == 2) {
      if (std::optional<double> c = scalar_constant(div->input(1)); c && *c != 0) {
        m.scale /= *c;
        m.nodes.push_back(div);
        return div->input(0);
      }
    }
    return v;
  }

  // Q K^T (times constants) producing `scores`.
  bool scaled_scores(ir::Value* scores, Match& m) {
    ir::Node* mm = inner(unscaled(scores, m), ir::OpKind::MatMul);
    if (!mm) return false;
    m.nodes.push_back(mm);
    m.q = unscaled(mm->input(0), m);
    ir::Node* t = inner(mm->input(1), ir::OpKind::Transpose);
    const std::optional<Shape> source = t ? static_shape(t->input(0)) : std::nullopt;
    const ir::Attribute* perm = t ? t->attrs().find("perm") : nullptr;
    if (!source || source->size() != 4 || !perm || perm->ints.size() != 4) return false;
    // K = Transpose(K^T, [0,1,3,2]) = Transpose(source, c) with c[i] = perm[[0,1,3,2][i]].
    const std::vector<int64_t>& p = perm->ints;
    std::vector<int64_t> composed = {p[0], p[1], p[3], p[2]};
    std::vector<bool> seen(4, false);
    for (int64_t& a : composed) {
      if (a < 0) a += 4;
      if (a < 0 || a >= 4 || seen[static_cast<size_t>(a)]) return false;
      seen[static_cast<size_t>(a)] = true;
      m.k_shape.push_back((*source)[static_cast<size_t>(a)]);
    }
    m.k_source = t->input(0);
    m.k_transpose = t;
    if (composed != std::vector<int64_t>{0, 1, 2, 3}) m.k_perm = composed;
    return true;
  }

  std::optional<Match> match(const ir::Node& n) {
    if (n.kind() != ir::OpKind::MatMul || n.num_inputs() != 2) return std::nullopt;
    Match m;
    m.v = n.input(1);
    ir::Node* softmax = inner(n.input(0), ir::OpKind::Softmax);
    if (!softmax || !softmax_over_last_axis(*softmax)) return std::nullopt;
    m.nodes.push_back(softmax);
    ir::Value* scores = softmax->input(0);
    if (ir::Node* add = inner(scores, ir::OpKind::Add); add && add->num_inputs() == 2) {
      for (size_t i = 0; i < 2 && !m.mask; ++i) {
        Match tried = m;
        tried.nodes.push_back(add);
        if (scaled_scores(add->input(i), tried)) {
          m = std::move(tried);
          m.mask = add->input(1 - i);
        }
      }
      if (!m.mask) return std::nullopt;
    } else if (!scaled_scores(scores, m)) {
      return std::nullopt;
    }
    if (!shapes_fit(m, scores)) return std::nullopt;
    return m;
  }

 private:
  // Softmax normalizes each row of the last axis: axis -1 / 3 (opset < 13 coerces to 2-D at
  // the axis, which for the last axis is the same; its default axis 1 is not).
  static bool softmax_over_last_axis(const ir::Node& s) {
    const std::optional<Shape> shape = static_shape(s.input(0));
    if (!shape || shape->size() != 4) return false;
    const ir::Attribute* a = s.attrs().find("axis");
    const int64_t axis = a ? a->i : s.opset() < 13 ? 1 : -1;
    return axis == 3 || axis == -1;
  }

  // Q [B,H,Sq,D], K [B,Hk,Skv,D], V [B,Hk,Skv,Dv] with Hk = H or 1, all float32 and static;
  // the mask broadcasts to the scores [B,H,Sq,Skv] with last dim Skv.
  bool shapes_fit(const Match& m, const ir::Value* scores) const {
    const std::optional<Shape> q = static_shape(m.q), v = static_shape(m.v), s = static_shape(scores);
    if (!q || !v || !s || q->size() != 4 || v->size() != 4) return false;
    if (!is_float32(m.q) || !is_float32(m.k_source) || !is_float32(m.v)) return false;
    const Shape& k = m.k_shape;
    const int64_t batch = (*q)[0], heads = (*q)[1], q_len = (*q)[2], head_size = (*q)[3];
    const int64_t kv_heads = k[1], kv_len = k[2];
    if (k[0] != batch || (*v)[0] != batch || k[3] != head_size || (*v)[1] != kv_heads || (*v)[2] != kv_len) return false;
    if (kv_heads != heads && kv_heads != 1) return false;
    if (*s != Shape{batch, heads, q_len, kv_len}) return false;
    if (!m.mask) return true;
    const std::optional<Shape> mask = static_shape(m.mask);
    if (!is_float32(m.mask) || !mask || mask->empty() || mask->size() > 4 || mask->back() != kv_len) return false;
    for (size_t i = 0; i < mask->size(); ++i) {
      const int64_t d = (*mask)[i], target = (*s)[4 - mask->size() + i];
      if (d != 1 && d != target) return false;
    }
    return true;
  }

  const ir::Graph& g_;
};

class AttentionFusion final : public NodePass {
 public:
  std::string_view name() const override { return "attention_fusion"; }

  bool matches(const ir::Graph& g, const ir::Node& n) const override { return Matcher(g).match(n).has_value(); }

  Status apply(ir::Graph& g, ir::Node& n) override {
    std::optional<Match> m = Matcher(g).match(n);
    if (!m) return internal_error("attention_fusion: node '" + n.name() + "' no longer matches");
    std::vector<ir::Node*> nodes = m->nodes;
    nodes.push_back(&n);
    ir::Value* k = m->k_source;
    ir::Node* k_layout = nullptr;
    if (m->k_perm.empty()) {
      nodes.push_back(m->k_transpose);
    } else {
      // The K^T Transpose gives way to one (with its name) that brings K to [B,H,S,D].
      k = add_intermediate(g, m->k_source->name() + "_bhsd",
                           ir::Type::tensor(DataType::Float, ir::TensorShape::of(m->k_shape)));
      ir::Attributes perm;
      perm.set("perm", ir::Attribute::of_ints(m->k_perm));
      const ir::Node* t = m->k_transpose;
      k_layout = g.add_node(ir::OpKind::Transpose, t->op_type(), t->domain(), t->name(), t->opset(), {m->k_source}, {k},
                            std::move(perm));
      HONE_RETURN_IF_ERROR(ops::infer_node_types(*k_layout));
    }
    sort_by_position(g, nodes);
    std::vector<ir::Value*> inputs = {m->q, k, m->v};
    if (m->mask) inputs.push_back(m->mask);
    Replacement r{.kind = ir::OpKind::Attention, .inputs = std::move(inputs), .outputs = {n.output(0)}, .opset = 23};
    r.attrs.set("scale", ir::Attribute::of_float(static_cast<float>(m->scale)));
    HONE_ASSIGN_OR_RETURN(ir::Node * fused, replace_nodes(g, nodes, std::move(r)));
    if (k_layout) {
      // Now that nothing reads K^T, the new Transpose takes the old one's place.
      const size_t position = g.index_of(m->k_transpose);
      g.remove_node(m->k_transpose);
      g.move_node(k_layout, position);
    }
    return ops::infer_node_types(*fused);
  }
};

}  // namespace

std::unique_ptr<Pass> make_attention_fusion(const PassOptions&) { return std::make_unique<AttentionFusion>(); }

}  // namespace hone::passes
