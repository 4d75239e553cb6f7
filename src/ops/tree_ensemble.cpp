// TreeEnsemble (ai.onnx.ml opset 5): evaluates an ensemble of decision trees on each row of
// X [N, F] and aggregates the reached leaves' weights per target into Y [N, n_targets].
// Node i tests X[row, nodes_featureids[i]] against nodes_splits[i] by nodes_modes[i]
// (0 <=, 1 <, 2 >=, 3 >, 4 ==, 5 !=, 6 member of a set); a NaN feature counts as true when
// nodes_missing_value_tracks_true[i]. The true/false successor is a node, or a leaf when
// nodes_trueleafs/nodes_falseleafs says so. Sets of mode 6 come from membership_values,
// NaN-delimited, in node order.
#include <cmath>
#include <limits>

#include "ops/op_def.hpp"

namespace hone::ops {
namespace {

enum Mode : int64_t { kLeq = 0, kLt, kGte, kGt, kEq, kNeq, kMember };
enum Aggregate : int64_t { kAverage = 0, kSum, kMin, kMax };
enum Post : int64_t { kNone = 0, kSoftmax, kLogistic, kSoftmaxZero, kProbit };

struct Ensemble {
  std::vector<double> splits;
  std::vector<int64_t> features, modes, true_ids, false_ids, true_leaf, false_leaf, missing_true;
  std::vector<std::vector<double>> sets;  // per node (empty unless mode 6)
  std::vector<double> leaf_weights;
  std::vector<int64_t> leaf_targets, roots;
  int64_t n_targets = 0;
  int64_t aggregate = kSum;
  int64_t post = kNone;
};

Result<Ensemble> load(const AttrReader& ctx) {
  Ensemble e;
  auto ints = [&](const char* name) { return ctx.has_attr(name) ? ctx.attr_ints(name) : std::vector<int64_t>{}; };
  e.features = ints("nodes_featureids");
  e.true_ids = ints("nodes_truenodeids");
  e.false_ids = ints("nodes_falsenodeids");
  e.true_leaf = ints("nodes_trueleafs");
  e.false_leaf = ints("nodes_falseleafs");
  e.missing_true = ints("nodes_missing_value_tracks_true");
  e.leaf_targets = ints("leaf_targetids");
  e.roots = ints("tree_roots");
  e.splits = ctx.attr_tensor("nodes_splits").to_double_vector();
  e.modes = ctx.attr_tensor("nodes_modes").to_int64_vector();
  e.leaf_weights = ctx.attr_tensor("leaf_weights").to_double_vector();
  e.aggregate = ctx.attr_int("aggregate_function");
  e.post = ctx.attr_int("post_transform");
  const size_t n = e.modes.size();
  if (e.features.size() != n || e.true_ids.size() != n || e.false_ids.size() != n || e.true_leaf.size() != n ||
      e.false_leaf.size() != n || e.splits.size() != n || (!e.missing_true.empty() && e.missing_true.size() != n)) {
    return ctx.error("the nodes_* attributes must all have one entry per node (" + std::to_string(n) + ")");
  }
  if (e.leaf_targets.size() != e.leaf_weights.size()) return ctx.error("leaf_targetids and leaf_weights differ in length");
  if (e.aggregate < kAverage || e.aggregate > kMax) return ctx.error("aggregate_function must be 0..3");
  if (e.post < kNone || e.post > kProbit) return ctx.error("post_transform must be 0..4");
  if (e.post == kProbit) return ctx.unsupported("post_transform PROBIT is not supported");
  int64_t max_target = -1;
  for (int64_t t : e.leaf_targets) {
    if (t < 0) return ctx.error("negative leaf target id");
    max_target = std::max(max_target, t);
  }
  e.n_targets = ctx.has_attr("n_targets") ? ctx.attr_int("n_targets") : max_target + 1;
  if (max_target >= e.n_targets) return ctx.error("leaf target id " + std::to_string(max_target) + " >= n_targets");
  for (size_t i = 0; i < n; ++i) {
    const bool tl = e.true_leaf[i] != 0, fl = e.false_leaf[i] != 0;
    const auto bad = [&](int64_t id, bool leaf) {
      return id < 0 || id >= static_cast<int64_t>(leaf ? e.leaf_weights.size() : n);
    };
    if (bad(e.true_ids[i], tl) || bad(e.false_ids[i], fl)) return ctx.error("node " + std::to_string(i) + " has an out-of-range successor");
    if (e.modes[i] < kLeq || e.modes[i] > kMember) return ctx.error("node " + std::to_string(i) + " has an unknown mode");
  }
  for (int64_t r : e.roots) {
    if (r < 0 || r >= static_cast<int64_t>(n)) return ctx.error("tree root " + std::to_string(r) + " is out of range");
  }
  // Sets of membership nodes, in node order, each terminated by NaN.
  e.sets.resize(n);
  std::vector<double> members = ctx.has_attr("membership_values") ? ctx.attr_tensor("membership_values").to_double_vector()
                                                                  : std::vector<double>{};
  size_t next = 0;
  for (size_t i = 0; i < n; ++i) {
    if (e.modes[i] != kMember) continue;
    if (next >= members.size()) return ctx.error("membership_values has no set for member node " + std::to_string(i));
    while (next < members.size() && !std::isnan(members[next])) e.sets[i].push_back(members[next++]);
    ++next;  // the NaN
  }
  return e;
}

bool test(const Ensemble& e, size_t node, double v) {
  if (std::isnan(v) && !e.missing_true.empty() && e.missing_true[node] != 0) return true;
  const double s = e.splits[node];
  switch (e.modes[node]) {
    case kLeq: return v <= s;
    case kLt: return v < s;
    case kGte: return v >= s;
    case kGt: return v > s;
    case kEq: return v == s;
    case kNeq: return v != s;
    default:
      for (double m : e.sets[node]) {
        if (m == v) return true;
      }
      return false;
  }
}

Status infer(InferContext& ctx) {
  HONE_RETURN_IF_ERROR(ctx.require_dtype(0, {DataType::Float, DataType::Double, DataType::Float16}));
  HONE_ASSIGN_OR_RETURN(Ensemble e, load(ctx));
  const ir::TensorShape& x = ctx.input_shape(0);
  if (x.has_rank && x.rank() != 2) return ctx.bad_input("X must be 2-D [N, F], got " + x.to_string());
  ir::TensorShape out = ir::TensorShape::of_rank(2);
  if (x.has_rank) out.dims[0] = x.dims[0];
  out.dims[1] = e.n_targets;
  ctx.set_output(0, ctx.input_dtype(0), out);
  return Status::ok();
}

Status run(KernelContext& ctx) {
  HONE_ASSIGN_OR_RETURN(Ensemble e, load(ctx));
  const Tensor& x = ctx.input(0);
  const int64_t rows = x.dim(0), features = x.dim(1), targets = e.n_targets;
  for (int64_t f : e.features) {
    if (f < 0 || f >= features) return ctx.bad_input("feature id " + std::to_string(f) + " is out of range for " + std::to_string(features) + " features");
  }
  const double init = e.aggregate == kMin ? std::numeric_limits<double>::max()
                      : e.aggregate == kMax ? std::numeric_limits<double>::lowest() : 0.0;
  std::vector<double> y(static_cast<size_t>(rows * targets), init);
  const size_t node_count = e.modes.size();
  for (int64_t r = 0; r < rows; ++r) {
    double* out = y.data() + r * targets;
    for (int64_t root : e.roots) {
      // Walk from the root to a leaf; a root whose two successors are the same leaf is a leaf tree.
      auto node = static_cast<size_t>(root);
      int64_t leaf = -1;
      if (e.true_leaf[node] && e.false_leaf[node] && e.true_ids[node] == e.false_ids[node]) leaf = e.true_ids[node];
      for (size_t steps = 0; leaf < 0; ++steps) {
        if (steps > node_count) return ctx.error("tree at root " + std::to_string(root) + " has a cycle");
        const bool t = test(e, node, x.get_double(r * features + e.features[node]));
        const int64_t next = t ? e.true_ids[node] : e.false_ids[node];
        if (t ? e.true_leaf[node] : e.false_leaf[node]) leaf = next;
        else node = static_cast<size_t>(next);
      }
      const double w = e.leaf_weights[static_cast<size_t>(leaf)];
      double& acc = out[e.leaf_targets[static_cast<size_t>(leaf)]];
      switch (e.aggregate) {
        case kSum: acc += w; break;
        case kAverage: acc += w / static_cast<double>(e.roots.size()); break;
        case kMin: acc = std::min(acc, w); break;
        default: acc = std::max(acc, w); break;
      }
    }
    // Post transform per row.
    if (e.post == kLogistic) {
      for (int64_t t = 0; t < targets; ++t) out[t] = 1.0 / (1.0 + std::exp(-out[t]));
    } else if (e.post == kSoftmax || e.post == kSoftmaxZero) {
      double top = -INFINITY, total = 0.0;
      for (int64_t t = 0; t < targets; ++t) top = std::max(top, out[t]);
      for (int64_t t = 0; t < targets; ++t) {
        out[t] = (e.post == kSoftmaxZero && out[t] == 0.0) ? 0.0 : std::exp(out[t] - top);
        total += out[t];
      }
      for (int64_t t = 0; t < targets && total > 0; ++t) out[t] /= total;
    }
  }
  Tensor& result = ctx.output(0);
  return dispatch_dtype<TypeSet::Float>(result.dtype(), "TreeEnsemble", [&](auto tag) {
    using T = typename decltype(tag)::type;
    for (size_t i = 0; i < y.size(); ++i) result.data<T>()[i] = T(y[i]);
    return Status::ok();
  });
}

}  // namespace

HONE_DEFINE_OP(TreeEnsemble){
    .name = "TreeEnsemble",
    .min_inputs = 1,
    .max_inputs = 1,
    .attrs = {attr_int("aggregate_function", kSum), attr_required("leaf_targetids", AttrType::Ints),
              attr_required("leaf_weights", AttrType::Tensor), attr_optional("membership_values", AttrType::Tensor),
              attr_optional("n_targets", AttrType::Int), attr_required("nodes_falseleafs", AttrType::Ints),
              attr_required("nodes_falsenodeids", AttrType::Ints), attr_required("nodes_featureids", AttrType::Ints),
              attr_optional("nodes_hitrates", AttrType::Tensor), attr_optional("nodes_missing_value_tracks_true", AttrType::Ints),
              attr_required("nodes_modes", AttrType::Tensor), attr_required("nodes_splits", AttrType::Tensor),
              attr_required("nodes_trueleafs", AttrType::Ints), attr_required("nodes_truenodeids", AttrType::Ints),
              attr_int("post_transform", kNone), attr_required("tree_roots", AttrType::Ints)},
    .infer = infer,
    .run = run,
};

}  // namespace hone::ops
