// The CPU tactics for Softmax/LogSoftmax, LayerNormalization, LRN and ReduceSum/ReduceMean/
// ReduceMax, and their ISA dispatch (normalization.hpp). Each sees its tensor as
// [outer, n, inner] around the reduced dims and splits outer rows (or, with few rows, column
// blocks of inner) over the threads.
#include "backends/cpu/kernels/normalization.hpp"

#include "backends/cpu/kernels/tactic_common.hpp"
#include "backends/cpu/kernels/tactics.hpp"
#include "ops/indexing.hpp"
#include "ops/reduce.hpp"
#include "ops/softmax.hpp"

namespace hone::cpu {

#define HONE_DISPATCH(call)                                  \
  switch (isa) {                                             \
    case CpuIsa::Avx512: return avx512::call;                \
    case CpuIsa::Avx2: return avx2::call;                    \
    case CpuIsa::Baseline: return baseline::call;            \
  }

void softmax_rows(CpuIsa isa, const float* x, float* y, size_t rows, size_t n, bool log) {
  HONE_DISPATCH(softmax_rows(x, y, rows, n, log))
}
void softmax_strided(CpuIsa isa, const float* x, float* y, size_t n, size_t inner, size_t begin, size_t end, bool log) {
  HONE_DISPATCH(softmax_strided(x, y, n, inner, begin, end, log))
}
void layer_norm_rows(CpuIsa isa, const float* x, float* y, size_t rows, size_t n, const float* scale,
                     const float* bias, float epsilon, float* mean_out, float* inv_std_out) {
  HONE_DISPATCH(layer_norm_rows(x, y, rows, n, scale, bias, epsilon, mean_out, inv_std_out))
}
void lrn_plane(CpuIsa isa, const float* x, float* y, size_t channels, size_t plane, size_t begin, size_t end,
               const LrnParams& p) {
  HONE_DISPATCH(lrn_plane(x, y, channels, plane, begin, end, p))
}
void reduce_rows(CpuIsa isa, ReduceKind kind, const float* x, float* y, size_t rows, size_t n) {
  HONE_DISPATCH(reduce_rows(kind, x, y, rows, n))
}
void reduce_strided(CpuIsa isa, ReduceKind kind, const float* x, float* y, size_t n, size_t inner, size_t begin,
                    size_t end) {
  HONE_DISPATCH(reduce_strided(kind, x, y, n, inner, begin, end))
}
#undef HONE_DISPATCH

namespace {

// Roughly what one element of exp/log costs next to a load and an add: the unit of the
// threading thresholds.
constexpr size_t kTranscendentalCost = 8;

// ---- Softmax / LogSoftmax ----

int64_t softmax_axis(const ops::AttrReader& a) {
  if (a.has_attr("axis")) return a.attr_int("axis");
  return a.opset() < 13 ? 1 : -1;
}

class SoftmaxTactic final : public IsaTactic {
 public:
  explicit SoftmaxTactic(CpuIsa level) : IsaTactic(tactic_id("softmax", level), level) {}

  bool supports_layer(const LayerDesc& layer) const override {
    const ir::Node& n = *layer.node;
    if ((n.kind() != ir::OpKind::Softmax && n.kind() != ir::OpKind::LogSoftmax) || !all_f32(layer, false)) return false;
    const auto rank = static_cast<int64_t>(layer.input_types[0].shape.rank());
    return ops::normalize_axis(softmax_axis(attrs_of(n)), rank).is_ok();
  }

  Status run(const LayerRun& run) const override {
    ops::KernelContext& ctx = run.kernel;
    const Tensor& x = ctx.input(0);
    auto axis = ops::normalize_axis(softmax_axis(ctx), x.rank());
    if (!axis.is_ok() || x.dtype() != DataType::Float) return run_reference(run);
    HONE_ASSIGN_OR_RETURN(Tensor * y, f32_output(ctx, 0, x.shape()));
    const ops::AxisView v = ops::axis_view(x.shape(), *axis, ctx.opset() < 13);
    const auto outer = static_cast<size_t>(v.outer), n = static_cast<size_t>(v.n), inner = static_cast<size_t>(v.inner);
    const bool log = ctx.node().kind() == ir::OpKind::LogSoftmax;
    const float* px = x.data<float>();
    float* py = y->data<float>();
    const CpuIsa isa = level();
    if (inner == 1) {
      parallel_ranges(run.pool, outer, grain_for(outer, n * kTranscendentalCost), [&](size_t r0, size_t r1) {
        softmax_rows(isa, px + r0 * n, py + r0 * n, r1 - r0, n, log);
      });
    } else {
      parallel_rows(run.pool, outer, inner, n * kTranscendentalCost, [&](size_t o0, size_t o1, size_t b, size_t e) {
        for (size_t o = o0; o < o1; ++o)
          softmax_strided(isa, px + o * n * inner, py + o * n * inner, n, inner, b, e, log);
      });
    }
    return Status::ok();
  }
};

// ---- LayerNormalization ----

// Whether `p` (Scale or B) varies only along X's dims [axis, rank) and covers them: dims
// aligned to X's from the right, 1 before axis, X's own from axis on.
bool trailing_parameter(const ir::TensorShape& p, const ir::TensorShape& x, size_t axis) {
  if (!p.is_static() || p.rank() > x.rank()) return false;
  const size_t offset = x.rank() - p.rank();
  for (size_t d = 0; d < p.rank(); ++d) {
    const ir::Dim& xd = x.dims[d + offset];
    const int64_t pd = p.dims[d].value;
    if (d + offset < axis ? pd != 1 : !(xd.is_known() && xd.value == pd)) return false;
  }
  for (size_t d = axis; d < offset; ++d) {
    if (!(x.dims[d].is_known() && x.dims[d].value == 1)) return false;  // missing dims broadcast only when 1
  }
  return true;
}

class LayerNormTactic final : public IsaTactic {
 public:
  explicit LayerNormTactic(CpuIsa level) : IsaTactic(tactic_id("layernorm", level), level) {}

  bool supports_layer(const LayerDesc& layer) const override {
    const ir::Node& n = *layer.node;
    if (n.kind() != ir::OpKind::LayerNormalization || !n.input(1) || !all_f32(layer, false)) return false;
    const ops::AttrReader a = attrs_of(n);
    if ((n.output(1) || n.output(2)) && a.attr_int("stash_type") != 1) return false;
    const ir::TensorShape& x = layer.input_types[0].shape;
    auto axis = ops::normalize_axis(a.attr_int("axis"), static_cast<int64_t>(x.rank()));
    if (!axis.is_ok()) return false;
    for (size_t i = 1; i < 3; ++i) {
      if (n.input(i) && !trailing_parameter(layer.input_types[i].shape, x, static_cast<size_t>(*axis))) return false;
    }
    return true;
  }

  Status run(const LayerRun& run) const override {
    ops::KernelContext& ctx = run.kernel;
    const Tensor& x = ctx.input(0);
    auto axis = ops::normalize_axis(ctx.attr_int("axis"), x.rank());
    if (!axis.is_ok() || x.dtype() != DataType::Float) return run_reference(run);
    const auto rows = static_cast<size_t>(ops::dims_product(x.shape(), 0, *axis));
    const auto n = static_cast<size_t>(ops::dims_product(x.shape(), *axis, x.rank()));
    const bool has_bias = ctx.has_input(2);
    for (size_t i = 1; i < (has_bias ? 3u : 2u); ++i) {
      const Tensor& p = ctx.input(i);
      if (p.dtype() != DataType::Float || static_cast<size_t>(p.numel()) != n ||
          !trailing_parameter(ir::TensorShape::of(p.shape()), ir::TensorShape::of(x.shape()),
                              static_cast<size_t>(*axis))) {
        return run_reference(run);
      }
    }
    HONE_ASSIGN_OR_RETURN(Tensor * y, f32_output(ctx, 0, x.shape()));
    float* stats[2] = {nullptr, nullptr};
    for (size_t o = 1; o < 3; ++o) {
      if (o >= ctx.num_outputs() || !ctx.has_output(o)) continue;
      Shape s = x.shape();
      for (size_t d = static_cast<size_t>(*axis); d < s.size(); ++d) s[d] = 1;
      HONE_ASSIGN_OR_RETURN(Tensor * t, f32_output(ctx, o, s));
      stats[o - 1] = t->data<float>();
    }
    const float* px = x.data<float>();
    const float* scale = ctx.input(1).data<float>();
    const float* bias = has_bias ? ctx.input(2).data<float>() : nullptr;
    float* py = y->data<float>();
    const float eps = ctx.attr_float("epsilon");
    const CpuIsa isa = level();
    parallel_ranges(run.pool, rows, grain_for(rows, 3 * n), [&](size_t r0, size_t r1) {
      layer_norm_rows(isa, px + r0 * n, py + r0 * n, r1 - r0, n, scale, bias, eps, stats[0] ? stats[0] + r0 : nullptr,
                      stats[1] ? stats[1] + r0 : nullptr);
    });
    return Status::ok();
  }
};

// ---- LRN ----

class LrnTactic final : public IsaTactic {
 public:
  explicit LrnTactic(CpuIsa level) : IsaTactic(tactic_id("lrn", level), level) {}

  bool supports_layer(const LayerDesc& layer) const override {
    const ir::Node& n = *layer.node;
    return n.kind() == ir::OpKind::LRN && all_f32(layer, false) && layer.input_types[0].shape.rank() >= 2 &&
           attrs_of(n).attr_int("size") > 0;
  }

  Status run(const LayerRun& run) const override {
    ops::KernelContext& ctx = run.kernel;
    const Tensor& x = ctx.input(0);
    if (x.dtype() != DataType::Float || x.rank() < 2 || ctx.attr_int("size") <= 0) return run_reference(run);
    HONE_ASSIGN_OR_RETURN(Tensor * y, f32_output(ctx, 0, x.shape()));
    const auto batch = static_cast<size_t>(x.dim(0)), channels = static_cast<size_t>(x.dim(1));
    const size_t plane = batch * channels > 0 ? static_cast<size_t>(x.numel()) / (batch * channels) : 0;
    LrnParams p;
    p.size = static_cast<size_t>(ctx.attr_int("size"));
    p.alpha = ctx.attr_float("alpha");
    p.beta = ctx.attr_float("beta");
    p.bias = ctx.attr_float("bias");
    const float* px = x.data<float>();
    float* py = y->data<float>();
    const CpuIsa isa = level();
    const size_t cost = channels * (p.size + 2 * kTranscendentalCost);
    parallel_rows(run.pool, batch, plane, cost, [&](size_t n0, size_t n1, size_t b, size_t e) {
      for (size_t n = n0; n < n1; ++n) {
        lrn_plane(isa, px + n * channels * plane, py + n * channels * plane, channels, plane, b, e, p);
      }
    });
    return Status::ok();
  }
};

// ---- ReduceSum / ReduceMean / ReduceMax ----

struct ReduceRule {
  ir::OpKind kind;
  ReduceKind reduce;
  int axes_input_from;  // ops/reduce.cpp's rule table
};
constexpr ReduceRule kReduceRules[] = {
    {ir::OpKind::ReduceSum, ReduceKind::Sum, 13},
    {ir::OpKind::ReduceMean, ReduceKind::Mean, 18},
    {ir::OpKind::ReduceMax, ReduceKind::Max, 18},
};

const ReduceRule* reduce_rule(ir::OpKind kind) {
  for (const ReduceRule& r : kReduceRules) {
    if (r.kind == kind) return &r;
  }
  return nullptr;
}

// [outer, n, inner] when the reduced dims are one contiguous block (or none).
struct ReduceView {
  size_t outer = 1, n = 1, inner = 1;
};
std::optional<ReduceView> reduce_view(const std::vector<bool>& mask, const Shape* shape) {
  size_t first = mask.size(), last = 0;
  for (size_t d = 0; d < mask.size(); ++d) {
    if (mask[d]) {
      first = std::min(first, d);
      last = d;
    }
  }
  ReduceView v;
  if (first == mask.size()) {
    if (shape) v.outer = static_cast<size_t>(shape_numel(*shape));
    return v;
  }
  for (size_t d = first; d <= last; ++d) {
    if (!mask[d]) return std::nullopt;
  }
  if (shape) {
    for (size_t d = 0; d < mask.size(); ++d) {
      const auto s = static_cast<size_t>((*shape)[d]);
      (d < first ? v.outer : d <= last ? v.n : v.inner) *= s;
    }
  }
  return v;
}

class ReduceTactic final : public IsaTactic {
 public:
  explicit ReduceTactic(CpuIsa level) : IsaTactic(tactic_id("reduce", level), level) {}

  bool supports_layer(const LayerDesc& layer) const override {
    const ir::Node& n = *layer.node;
    const ReduceRule* rule = reduce_rule(n.kind());
    if (!rule || !n.input(0) || !is_f32(layer.input_types[0]) || !is_f32(layer.output_types[0])) return false;
    const bool has_axes = n.input(1) != nullptr;
    const Tensor* axes = has_axes ? constant_input(layer, 1) : nullptr;
    const auto rank = static_cast<int64_t>(layer.input_types[0].shape.rank());
    auto r = ops::resolve_reduce_axes(attrs_of(n), has_axes, axes, rank, rule->axes_input_from);
    return r.is_ok() && r->known && reduce_view(r->mask, nullptr).has_value();
  }

  Status run(const LayerRun& run) const override {
    ops::KernelContext& ctx = run.kernel;
    const Tensor& x = ctx.input(0);
    const ReduceRule* rule = reduce_rule(ctx.node().kind());
    const bool has_axes = ctx.has_input(1);
    auto r =
        ops::resolve_reduce_axes(ctx, has_axes, has_axes ? &ctx.input(1) : nullptr, x.rank(), rule->axes_input_from);
    if (!r.is_ok() || x.dtype() != DataType::Float) return run_reference(run);
    auto view = reduce_view(r->mask, &x.shape());
    if (!view) return run_reference(run);
    HONE_ASSIGN_OR_RETURN(Tensor * y,
                          f32_output(ctx, 0, ops::reduced_shape(x.shape(), r->mask, ctx.attr_int("keepdims") != 0)));
    const float* px = x.data<float>();
    float* py = y->data<float>();
    const CpuIsa isa = level();
    const ReduceKind kind = rule->reduce;
    const size_t n = view->n, inner = view->inner;
    if (inner == 1) {
      parallel_ranges(run.pool, view->outer, grain_for(view->outer, n), [&](size_t r0, size_t r1) {
        reduce_rows(isa, kind, px + r0 * n, py + r0, r1 - r0, n);
      });
    } else {
      parallel_rows(run.pool, view->outer, inner, n, [&](size_t o0, size_t o1, size_t b, size_t e) {
        for (size_t o = o0; o < o1; ++o) reduce_strided(isa, kind, px + o * n * inner, py + o * inner, n, inner, b, e);
      });
    }
    return Status::ok();
  }
};

}  // namespace

std::vector<const Tactic*> normalization_tactics() {
  static const std::vector<std::unique_ptr<Tactic>> tactics = [] {
    std::vector<std::unique_ptr<Tactic>> list;
    for (CpuIsa level : kLevels) list.push_back(std::make_unique<SoftmaxTactic>(level));
    for (CpuIsa level : kLevels) list.push_back(std::make_unique<LayerNormTactic>(level));
    for (CpuIsa level : kLevels) list.push_back(std::make_unique<LrnTactic>(level));
    for (CpuIsa level : kLevels) list.push_back(std::make_unique<ReduceTactic>(level));
    return list;
  }();
  return pointers(tactics);
}

}  // namespace hone::cpu
