// Pass layer_norm_fusion: the decomposed layer normalization exporters write (BERT, ViT and
// friends before opset 17) becomes one LayerNormalization (opset 17). float32 only:
//
//   mean = ReduceMean(x, trailing axes)          d = x - mean
//   var  = ReduceMean(Pow(d, 2) or d * d, same axes)
//   y    = d / Sqrt(var + eps)   or   d * Reciprocal(Sqrt(var + eps))
//   [y   = y * gamma  [y = y + beta]]            (gamma, beta constants)
//   -> LayerNormalization(x, gamma or ones, beta){axis = first reduced axis, epsilon = eps}
//
// The reduced axes must be the trailing ones [axis, rank) with keepdims; ReduceMean reads them
// from its attribute before opset 18 and from input 1 from 18 on. Every intermediate must be
// single-use except d, which only the pattern may read.
#include <algorithm>
#include <memory>
#include <optional>

#include "ops/op_def.hpp"
#include "ops/reduce.hpp"
#include "ops/shape_inference.hpp"
#include "passes/passes.hpp"
#include "passes/pattern_match.hpp"
#include "passes/rewrite.hpp"

namespace hone::passes {
namespace {

struct Match {
  ir::Value* x = nullptr;
  int64_t axis = 0;  // first normalized axis, in [0, rank)
  float epsilon = 0;
  ir::Value* gamma = nullptr;
  ir::Value* beta = nullptr;
  ir::Value* output = nullptr;
  std::vector<ir::Node*> nodes;  // the pattern's nodes except the anchor
};

// The first axis of a keepdims ReduceMean over trailing axes [axis, rank) of a rank-`rank`
// input, or nullopt.
std::optional<int64_t> trailing_reduce_axis(const ir::Node& mean, int64_t rank) {
  if (attr_int_or_default(mean, "keepdims") == 0) return std::nullopt;
  const ops::AttrReader reader(mean, ops::op_def(mean.kind()));
  const ir::Value* axes = mean.input(1);
  auto r = ops::resolve_reduce_axes(reader, axes != nullptr, constant_of(axes), rank, 18);
  if (!r.is_ok() || !r->known) return std::nullopt;
  // mask must be false...false true...true with at least one true.
  int64_t first = rank;
  for (int64_t d = rank; d-- > 0 && r->mask[static_cast<size_t>(d)];) first = d;
  if (first == rank) return std::nullopt;
  for (int64_t d = 0; d < first; ++d) {
    if (r->mask[static_cast<size_t>(d)]) return std::nullopt;
  }
  return first;
}

// A float32 constant that multiplies or adds elementwise along the normalized axes only
// (dims before `axis` are 1 once right-aligned to x), as LayerNormalization's Scale and B do.
bool is_normalized_axes_constant(const ir::Value* c, const ir::Value* x, int64_t axis) {
  const Tensor* t = constant_of(c);
  if (!t || t->dtype() != DataType::Float) return false;
  const ir::TensorShape& xs = x->type().shape;
  const int64_t rank = static_cast<int64_t>(xs.rank());
  if (t->rank() > rank) return false;
  for (int64_t i = 0; i < t->rank(); ++i) {
    const int64_t d = rank - t->rank() + i;
    const int64_t n = t->dim(i);
    if (n == 1) continue;
    if (d < axis || !xs.dims[static_cast<size_t>(d)].is_known() || xs.dims[static_cast<size_t>(d)].value != n) return false;
  }
  return true;
}

class Matcher {
 public:
  explicit Matcher(const ir::Graph& g) : g_(g) {}

  // The producer of `v` when it is a `kind` node and `v` is read only by the pattern.
  ir::Node* inner(const ir::Value* v, ir::OpKind kind) const { return single_use_producer(g_, v, kind); }

  std::optional<Match> match(const ir::Node& n) {
    // n = d / s or d * Reciprocal(s), s = Sqrt(var + eps).
    ir::Value* d = nullptr;
    ir::Node* sqrt = nullptr;
    ir::Node* reciprocal = nullptr;
    if (n.kind() == ir::OpKind::Div && n.num_inputs() == 2) {
      d = n.input(0);
      sqrt = inner(n.input(1), ir::OpKind::Sqrt);
    } else if (n.kind() == ir::OpKind::Mul && n.num_inputs() == 2) {
      for (size_t i = 0; i < 2 && !reciprocal; ++i) {
        reciprocal = inner(n.input(1 - i), ir::OpKind::Reciprocal);
        d = n.input(i);
      }
      sqrt = reciprocal ? inner(reciprocal->input(0), ir::OpKind::Sqrt) : nullptr;
    }
    if (!sqrt) return std::nullopt;
    ir::Node* add_eps = inner(sqrt->input(0), ir::OpKind::Add);
    if (!add_eps || add_eps->num_inputs() != 2) return std::nullopt;
    std::optional<double> eps;
    ir::Node* var = nullptr;
    for (size_t i = 0; i < 2 && !var; ++i) {
      eps = scalar_constant(add_eps->input(1 - i));
      var = eps ? inner(add_eps->input(i), ir::OpKind::ReduceMean) : nullptr;
    }
    if (!var) return std::nullopt;
    ir::Node* square = producer_as(g_, var->input(0), ir::OpKind::Pow);
    if (square && !is_scalar_near(square->input(1), 2.0)) return std::nullopt;
    if (!square) square = producer_as(g_, var->input(0), ir::OpKind::Mul);
    if (!square || !has_single_use(g_, var->input(0)) || square->input(0) != d ||
        (square->kind() == ir::OpKind::Mul && square->input(1) != d)) {
      return std::nullopt;
    }
    ir::Node* sub = producer_as(g_, d, ir::OpKind::Sub);
    if (!sub || !used_only_by(g_, d, {square, &n})) return std::nullopt;
    ir::Value* x = sub->input(0);
    ir::Node* mean = inner(sub->input(1), ir::OpKind::ReduceMean);
    if (!mean || mean->input(0) != x || !is_float32(x) || !x->type().shape.has_rank) return std::nullopt;
    const int64_t rank = static_cast<int64_t>(x->type().shape.rank());
    const std::optional<int64_t> axis = trailing_reduce_axis(*mean, rank);
    if (!axis || trailing_reduce_axis(*var, rank) != axis) return std::nullopt;

    Match m{.x = x, .axis = *axis, .epsilon = static_cast<float>(*eps), .output = n.output(0)};
    m.nodes = {mean, sub, square, var, add_eps, sqrt};
    if (reciprocal) m.nodes.push_back(reciprocal);
    // Optional affine tail: * gamma, + beta (constants along the normalized axes).
    auto affine = [&](ir::OpKind kind, ir::Value** param) {
      ir::Node* c = single_consumer(g_, m.output);
      ir::Value* other = c && c->kind() == kind ? other_input(*c, m.output) : nullptr;
      if (!other || !is_normalized_axes_constant(other, x, *axis)) return;
      *param = other;
      m.nodes.push_back(c);
      m.output = c->output(0);
    };
    affine(ir::OpKind::Mul, &m.gamma);
    affine(ir::OpKind::Add, &m.beta);
    // eps and the squaring exponent have one element, gamma and beta fit the normalized axes:
    // the output has x's shape once it has x's rank.
    if (!is_float32(m.output) || !same_rank(x, m.output)) return std::nullopt;
    // Without gamma the fused node needs ones over the normalized (static) dims.
    if (!m.gamma) {
      for (int64_t dim = *axis; dim < rank; ++dim) {
        if (!x->type().shape.dims[static_cast<size_t>(dim)].is_known()) return std::nullopt;
      }
    }
    return m;
  }

 private:
  const ir::Graph& g_;
};

// `c` with leading 1s dropped so its rank is at most `max_rank` (LayerNormalization's Scale
// and B cover the normalized axes only); `c` itself when it already fits.
ir::Value* fit_rank(ir::Graph& g, ir::Value* c, int64_t max_rank) {
  const Tensor& t = c->constant();
  if (t.rank() <= max_rank) return c;
  Shape s(t.shape().end() - max_rank, t.shape().end());
  auto r = t.reshaped(s);
  return r.is_ok() ? add_constant(g, c->name() + "_ln", *r) : c;
}

class LayerNormFusion final : public NodePass {
 public:
  std::string_view name() const override { return "layer_norm_fusion"; }

  bool matches(const ir::Graph& g, const ir::Node& n) const override { return Matcher(g).match(n).has_value(); }

  Status apply(ir::Graph& g, ir::Node& n) override {
    std::optional<Match> m = Matcher(g).match(n);
    if (!m) return internal_error("layer_norm_fusion: node '" + n.name() + "' no longer matches");
    const ir::TensorShape& xs = m->x->type().shape;
    const int64_t rank = static_cast<int64_t>(xs.rank());
    ir::Value* gamma = m->gamma ? fit_rank(g, m->gamma, rank - m->axis) : nullptr;
    if (!gamma) {
      Shape normalized;
      for (int64_t d = m->axis; d < rank; ++d) normalized.push_back(xs.dims[static_cast<size_t>(d)].value);
      Tensor ones = Tensor::zeros(DataType::Float, normalized);
      std::fill(ones.data<float>(), ones.data<float>() + ones.numel(), 1.0f);
      gamma = add_constant(g, m->output->name() + "_scale", std::move(ones));
    }
    std::vector<ir::Value*> inputs = {m->x, gamma};
    if (m->beta) inputs.push_back(fit_rank(g, m->beta, rank - m->axis));
    Replacement r{.kind = ir::OpKind::LayerNormalization, .inputs = std::move(inputs), .outputs = {m->output}, .opset = 17};
    r.attrs.set("axis", ir::Attribute::of_int(m->axis - rank));
    r.attrs.set("epsilon", ir::Attribute::of_float(m->epsilon));
    // The anchor (the division) sits in the middle; name the layer in execution order.
    std::vector<ir::Node*> nodes = m->nodes;
    nodes.push_back(&n);
    sort_by_position(g, nodes);
    HONE_ASSIGN_OR_RETURN(ir::Node * fused, replace_nodes(g, nodes, std::move(r)));
    return ops::infer_node_types(*fused);
  }
};

}  // namespace

std::unique_ptr<Pass> make_layer_norm_fusion(const PassOptions&) { return std::make_unique<LayerNormFusion>(); }

}  // namespace hone::passes
