// The copying tactics of the CPU backend: Concat (when the memory planner did not elide it),
// Split and contiguous Slice, as block copies split over the context's threads. Portable code:
// the copies are memcpy, already at the machine's best width, so one tactic serves every ISA.
// Transpose and Resize, which compute addresses per element, are in transpose.cpp/resize.cpp.
#include <cstring>

#include "backends/cpu/kernels/tactic_common.hpp"
#include "backends/cpu/kernels/tactics.hpp"
#include "ops/indexing.hpp"

namespace hone::cpu {
namespace {

// One contiguous copy of `count` floats.
struct Segment {
  const float* src;
  float* dst;
  size_t count;
};

// Concat and Split move `parts` blocks per outer row: part i's block of block[i] floats sits
// at src(o, i) and goes to dst(o, i). Many outer rows: groups of rows per thread; few: the
// blocks themselves, cut into pieces, spread over the threads.
template <class Src, class Dst>
void copy_blocks(ThreadPool& pool, size_t outer, const std::vector<size_t>& block, Src src, Dst dst) {
  size_t row = 0;
  for (size_t b : block) row += b;
  const size_t threads = static_cast<size_t>(std::max(pool.threads(), 1));
  auto copy_rows = [&](size_t o0, size_t o1) {
    for (size_t o = o0; o < o1; ++o) {
      for (size_t i = 0; i < block.size(); ++i) {
        if (block[i] > 0) std::memcpy(dst(o, i), src(o, i), block[i] * sizeof(float));
      }
    }
  };
  if (threads == 1 || outer * row < kParallelMinElements || outer >= 4 * threads) {
    parallel_ranges(pool, outer, grain_for(outer, row), copy_rows);
    return;
  }
  std::vector<Segment> segments;
  const size_t piece = std::max<size_t>(kParallelMinElements / 2, (outer * row + 4 * threads - 1) / (4 * threads));
  for (size_t o = 0; o < outer; ++o) {
    for (size_t i = 0; i < block.size(); ++i) {
      for (size_t at = 0; at < block[i]; at += piece) {
        segments.push_back({src(o, i) + at, dst(o, i) + at, std::min(piece, block[i] - at)});
      }
    }
  }
  pool.parallel_for(segments.size(), [&](size_t k) {
    std::memcpy(segments[k].dst, segments[k].src, segments[k].count * sizeof(float));
  });
}

class ConcatTactic final : public IsaTactic {
 public:
  ConcatTactic() : IsaTactic(tactic_id("concat", CpuIsa::Baseline, true), CpuIsa::Baseline) {}

  bool supports_layer(const LayerDesc& layer) const override {
    const ir::Node& n = *layer.node;
    if (n.kind() != ir::OpKind::Concat || n.num_inputs() == 0 || !all_f32(layer, false)) return false;
    for (const ir::Value* v : n.inputs()) {
      if (!v) return false;
    }
    const int64_t rank = static_cast<int64_t>(layer.input_types[0].shape.rank());
    return rank > 0 && ops::normalize_axis(attrs_of(n).attr_int("axis"), rank).is_ok();
  }

  Status run(const LayerRun& run) const override {
    ops::KernelContext& ctx = run.kernel;
    const Tensor& first = ctx.input(0);
    auto axis = ops::normalize_axis(ctx.attr_int("axis"), first.rank());
    if (!axis.is_ok() || first.rank() == 0) return run_reference(run);
    const auto a = static_cast<size_t>(*axis);
    Shape out = first.shape();
    out[a] = 0;
    for (size_t i = 0; i < ctx.num_inputs(); ++i) {
      const Tensor& x = ctx.input(i);
      if (x.dtype() != DataType::Float || x.rank() != first.rank()) return run_reference(run);
      for (size_t d = 0; d < out.size(); ++d) {
        if (d != a && x.dim(static_cast<int64_t>(d)) != first.dim(static_cast<int64_t>(d))) return run_reference(run);
      }
      out[a] += x.dim(*axis);
    }
    HONE_ASSIGN_OR_RETURN(Tensor * y, f32_output(ctx, 0, out));
    // Every tensor as [outer, dim(axis) * inner]; input i fills columns [col_i, col_i + block_i).
    const auto outer = static_cast<size_t>(ops::dims_product(out, 0, *axis));
    const auto inner = static_cast<size_t>(ops::dims_product(out, *axis + 1, first.rank()));
    const size_t row = static_cast<size_t>(out[a]) * inner;
    std::vector<size_t> block, col;
    std::vector<const float*> src;
    size_t c = 0;
    for (size_t i = 0; i < ctx.num_inputs(); ++i) {
      block.push_back(static_cast<size_t>(ctx.input(i).dim(*axis)) * inner);
      col.push_back(c);
      c += block.back();
      src.push_back(ctx.input(i).data<float>());
    }
    float* py = y->data<float>();
    copy_blocks(
        run.pool, outer, block, [&](size_t o, size_t i) { return src[i] + o * block[i]; },
        [&](size_t o, size_t i) { return py + o * row + col[i]; });
    return Status::ok();
  }
};

class SplitTactic final : public IsaTactic {
 public:
  SplitTactic() : IsaTactic(tactic_id("split", CpuIsa::Baseline, true), CpuIsa::Baseline) {}

  // Every output consumed, with a static shape: the part sizes are the outputs' dims.
  bool supports_layer(const LayerDesc& layer) const override {
    const ir::Node& n = *layer.node;
    if (n.kind() != ir::OpKind::Split || !layer.node->input(0) || !is_static_f32(layer.input_types[0])) return false;
    for (size_t i = 0; i < n.num_outputs(); ++i) {
      if (!n.output(i) || !is_static_f32(layer.output_types[i])) return false;
    }
    const int64_t rank = static_cast<int64_t>(layer.input_types[0].shape.rank());
    return rank > 0 && ops::normalize_axis(attrs_of(n).attr_int("axis"), rank).is_ok();
  }

  Status run(const LayerRun& run) const override {
    ops::KernelContext& ctx = run.kernel;
    const Tensor& x = ctx.input(0);
    auto axis = ops::normalize_axis(ctx.attr_int("axis"), x.rank());
    if (!axis.is_ok() || x.dtype() != DataType::Float) return run_reference(run);
    const auto a = static_cast<size_t>(*axis);
    int64_t total = 0;
    for (size_t i = 0; i < ctx.num_outputs(); ++i) {
      const Tensor& y = ctx.output(i);
      if (!y.defined() || y.dtype() != DataType::Float || y.rank() != x.rank()) return run_reference(run);
      for (size_t d = 0; d < x.shape().size(); ++d) {
        if (d != a && y.shape()[d] != x.shape()[d]) return run_reference(run);
      }
      total += y.shape()[a];
    }
    if (total != x.dim(*axis)) return run_reference(run);
    const auto outer = static_cast<size_t>(ops::dims_product(x.shape(), 0, *axis));
    const auto inner = static_cast<size_t>(ops::dims_product(x.shape(), *axis + 1, x.rank()));
    const size_t row = static_cast<size_t>(x.dim(*axis)) * inner;
    std::vector<size_t> block, col;
    std::vector<float*> dst;
    size_t c = 0;
    for (size_t i = 0; i < ctx.num_outputs(); ++i) {
      block.push_back(static_cast<size_t>(ctx.output(i).shape()[a]) * inner);
      col.push_back(c);
      c += block.back();
      dst.push_back(ctx.output(i).data<float>());
    }
    const float* px = x.data<float>();
    copy_blocks(
        run.pool, outer, block, [&](size_t o, size_t i) { return px + o * row + col[i]; },
        [&](size_t o, size_t i) { return dst[i] + o * block[i]; });
    return Status::ok();
  }
};

// Slice with every step 1: a box of the input, copied as runs over its innermost sliced dim
// (and the whole dims inside it).
class SliceTactic final : public IsaTactic {
 public:
  SliceTactic() : IsaTactic(tactic_id("slice", CpuIsa::Baseline, true), CpuIsa::Baseline) {}

  bool supports_layer(const LayerDesc& layer) const override {
    const ir::Node& n = *layer.node;
    if (n.kind() != ir::OpKind::Slice || !n.input(0) || n.num_outputs() != 1 || !is_static_f32(layer.input_types[0]) ||
        !is_static_f32(layer.output_types[0])) {
      return false;
    }
    if (n.opset() >= 10) {
      for (size_t i = 1; i < n.num_inputs(); ++i) {
        if (n.input(i) && !constant_input(layer, i)) return false;  // starts, ends, axes, steps known
      }
      if (const Tensor* steps = constant_input(layer, 4)) {
        for (int64_t s : steps->to_int64_vector()) {
          if (s != 1) return false;
        }
      }
    }
    return true;
  }

  Status run(const LayerRun& run) const override {
    ops::KernelContext& ctx = run.kernel;
    const Tensor& x = ctx.input(0);
    const Tensor& y0 = ctx.output(0);
    if (x.dtype() != DataType::Float || !y0.defined() || y0.rank() != x.rank()) return run_reference(run);
    std::vector<int64_t> starts, axes;
    if (ctx.opset() < 10) {
      starts = ctx.attr_ints("starts");
      axes = ctx.attr_ints("axes");
    } else {
      starts = ctx.input(1).to_int64_vector();
      if (ctx.has_input(3)) axes = ctx.input(3).to_int64_vector();
      if (ctx.has_input(4)) {
        for (int64_t s : ctx.input(4).to_int64_vector()) {
          if (s != 1) return run_reference(run);
        }
      }
    }
    if (axes.empty()) {
      for (size_t i = 0; i < starts.size(); ++i) axes.push_back(static_cast<int64_t>(i));
    }
    if (axes.size() != starts.size()) return run_reference(run);
    // Per axis the first element taken: start, from the back when negative, clamped to [0, dim]
    // (the reference's rule for step 1); the count is the output's dim.
    const Shape& in = x.shape();
    const Shape& out = y0.shape();
    std::vector<int64_t> begin(in.size(), 0);
    for (size_t i = 0; i < axes.size(); ++i) {
      auto ax = ops::normalize_axis(axes[i], x.rank());
      if (!ax.is_ok()) return run_reference(run);
      const int64_t dim = in[static_cast<size_t>(*ax)];
      int64_t s = starts[i] < 0 ? starts[i] + dim : starts[i];
      begin[static_cast<size_t>(*ax)] = std::clamp<int64_t>(s, 0, dim);
    }
    for (size_t d = 0; d < in.size(); ++d) {
      if (begin[d] + out[d] > in[d]) return run_reference(run);
    }
    Tensor& y = ctx.output(0);
    // Runs: the innermost dim k that is cut (dims inside it are whole) and everything inside.
    size_t k = in.size();
    while (k > 0 && out[k - 1] == in[k - 1]) --k;
    const std::vector<int64_t> stride = shape_strides(in);
    int64_t run_len = 1, base = 0;
    size_t outer_dims = k;
    if (k > 0) {
      outer_dims = k - 1;
      run_len = out[k - 1] * (k < in.size() ? stride[k - 1] : 1);
      base = begin[k - 1] * stride[k - 1];
    } else {
      run_len = shape_numel(in);
    }
    int64_t runs = 1;
    for (size_t d = 0; d < outer_dims; ++d) runs *= out[d];
    if (runs == 0 || run_len == 0) return Status::ok();
    const float* px = x.data<float>();
    float* py = y.data<float>();
    parallel_ranges(run.pool, static_cast<size_t>(runs),
                    grain_for(static_cast<size_t>(runs), static_cast<size_t>(run_len)), [&](size_t r0, size_t r1) {
                      // Coordinates of run r0 over the outer dims, then walk.
                      std::vector<int64_t> idx(outer_dims);
                      int64_t off = base;
                      size_t r = r0;
                      for (size_t d = outer_dims; d-- > 0;) {
                        idx[d] = static_cast<int64_t>(r % static_cast<size_t>(out[d]));
                        r /= static_cast<size_t>(out[d]);
                      }
                      for (size_t d = 0; d < outer_dims; ++d) off += (begin[d] + idx[d]) * stride[d];
                      for (size_t q = r0; q < r1; ++q) {
                        std::memcpy(py + static_cast<int64_t>(q) * run_len, px + off,
                                    static_cast<size_t>(run_len) * sizeof(float));
                        for (size_t d = outer_dims; d-- > 0;) {
                          off += stride[d];
                          if (++idx[d] < out[d]) break;
                          off -= stride[d] * out[d];
                          idx[d] = 0;
                        }
                      }
                    });
    return Status::ok();
  }
};

}  // namespace

std::vector<const Tactic*> copy_tactics() {
  static const ConcatTactic concat;
  static const SplitTactic split;
  static const SliceTactic slice;
  return {&concat, &split, &slice};
}

}  // namespace hone::cpu
