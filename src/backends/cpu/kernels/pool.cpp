// The pooling tactics of the CPU backend and their ISA dispatch (pool.hpp): MaxPool and
// AveragePool over NCHW planes with the geometry the reference resolves (kernel, strides,
// dilations, pads, auto_pad, ceil_mode, count_include_pad), and GlobalAveragePool /
// GlobalMaxPool. Work is split over planes, and over output rows when planes are few.
#include "backends/cpu/kernels/pool.hpp"

#include "backends/cpu/kernels/tactic_common.hpp"
#include "backends/cpu/kernels/tactics.hpp"
#include "ops/conv_geometry.hpp"

namespace hone::cpu {

bool pool_fits(const Pool2d& g) {
  const int64_t span = (g.out_w - 1) * g.stride_w + (g.kernel_w - 1) * g.dilation_w + 1;
  // One buffer row (pool_impl.hpp: span plus two vectors of slack, in vectors of 16) must fit.
  return g.out_w >= 1 && g.out_h >= 0 && (span + 2 * 16 + 15) / 16 * 16 <= kPoolRowCapacity &&
         g.out_w + 16 <= kPoolRowCapacity;
}

void pool_rows(CpuIsa isa, const Pool2d& g, const float* x, float* y, int64_t oh_begin, int64_t oh_end) {
  switch (isa) {
    case CpuIsa::Avx512: return avx512::pool_rows(g, x, y, oh_begin, oh_end);
    case CpuIsa::Avx2: return avx2::pool_rows(g, x, y, oh_begin, oh_end);
    case CpuIsa::Baseline: return baseline::pool_rows(g, x, y, oh_begin, oh_end);
  }
}

void pool_vector_rows(CpuIsa isa, const Pool2d& g, int64_t lanes, const float* x, float* y, int64_t oh_begin,
                      int64_t oh_end) {
  switch (isa) {
    case CpuIsa::Avx512: return avx512::pool_vector_rows(g, lanes, x, y, oh_begin, oh_end);
    case CpuIsa::Avx2: return avx2::pool_vector_rows(g, lanes, x, y, oh_begin, oh_end);
    case CpuIsa::Baseline: return baseline::pool_vector_rows(g, lanes, x, y, oh_begin, oh_end);
  }
}

void global_pool(CpuIsa isa, bool average, const float* x, float* y, size_t planes, size_t plane) {
  switch (isa) {
    case CpuIsa::Avx512: return avx512::global_pool(average, x, y, planes, plane);
    case CpuIsa::Avx2: return avx2::global_pool(average, x, y, planes, plane);
    case CpuIsa::Baseline: return baseline::global_pool(average, x, y, planes, plane);
  }
}

namespace {

// The geometry of a MaxPool/AveragePool node on an input of `shape`, as the reference resolves
// it: [N, C, H, W] (lanes 0: planes of floats), or [N, C, H, W, L] with kernel 1, stride 1 and
// no pads on the last axis (the blocked layout NCHW[b]c: planes of L-float vectors, lanes L).
// False when it is not a pool the kernels take.
bool geometry_of(const ops::AttrReader& a, const Shape& shape, Pool2d* g, int64_t* lanes) {
  if (shape.size() != 4 && shape.size() != 5) return false;
  auto w = ops::resolve_window(a, ops::spatial_dims(shape), a.attr_ints("kernel_shape"), a.attr_int("ceil_mode") != 0);
  if (!w.is_ok()) return false;
  *lanes = 0;
  if (shape.size() == 5) {
    if (w->kernel[2] != 1 || w->strides[2] != 1 || w->pads_begin[2] != 0 || w->pads_end[2] != 0 ||
        w->output[2] != shape[4] || shape[4] < 1) {
      return false;
    }
    *lanes = shape[4];
  }
  g->in_h = shape[2];
  g->in_w = shape[3];
  g->out_h = w->output[0];
  g->out_w = w->output[1];
  g->kernel_h = w->kernel[0];
  g->kernel_w = w->kernel[1];
  g->stride_h = w->strides[0];
  g->stride_w = w->strides[1];
  g->dilation_h = w->dilations[0];
  g->dilation_w = w->dilations[1];
  g->pad_top = w->pads_begin[0];
  g->pad_left = w->pads_begin[1];
  g->pad_bottom = w->pads_end[0];
  g->pad_right = w->pads_end[1];
  g->average = a.node().kind() == ir::OpKind::AveragePool;
  g->count_include_pad = g->average && a.attr_int("count_include_pad") != 0;
  return g->out_h >= 0 && g->out_w >= 1 && (*lanes > 0 || pool_fits(*g));
}

Shape pooled_shape(const Shape& in, const Pool2d& g) {
  Shape out = in;
  out[2] = g.out_h;
  out[3] = g.out_w;
  return out;
}

class WindowPoolTactic final : public IsaTactic {
 public:
  WindowPoolTactic(ir::OpKind kind, CpuIsa level)
      : IsaTactic(tactic_id(kind == ir::OpKind::MaxPool ? "maxpool2d" : "avgpool2d", level), level), kind_(kind) {}

  bool supports_layer(const LayerDesc& layer) const override {
    const ir::Node& n = *layer.node;
    if (n.kind() != kind_ || n.num_inputs() != 1 || !all_f32(layer, true)) return false;
    if (n.num_outputs() > 1 && n.output(1)) return false;  // MaxPool's Indices
    Pool2d g;
    int64_t lanes = 0;
    const Shape in = layer.input_types[0].shape.to_static();
    return geometry_of(attrs_of(n), in, &g, &lanes) && layer.output_types[0].shape.to_static() == pooled_shape(in, g);
  }

  Status run(const LayerRun& run) const override {
    ops::KernelContext& ctx = run.kernel;
    const Tensor& x = ctx.input(0);
    Pool2d g;
    int64_t lanes = 0;
    if (x.dtype() != DataType::Float || !geometry_of(ctx, x.shape(), &g, &lanes)) return run_reference(run);
    HONE_ASSIGN_OR_RETURN(Tensor * y, f32_output(ctx, 0, pooled_shape(x.shape(), g)));
    const size_t planes = static_cast<size_t>(x.dim(0) * x.dim(1));
    const float* px = x.data<float>();
    float* py = y->data<float>();
    const CpuIsa isa = level();
    if (lanes > 0) {
      // Planes of vectors (blocked layout): kernel_h * kernel_w vector loads per output vector.
      const int64_t in_plane = g.in_h * g.in_w * lanes, out_plane = g.out_h * g.out_w * lanes;
      const size_t cost = static_cast<size_t>(g.out_w * g.kernel_h * g.kernel_w * lanes);
      parallel_rows(run.pool, planes, static_cast<size_t>(g.out_h), cost,
                    [&](size_t p0, size_t p1, size_t oh0, size_t oh1) {
                      for (size_t p = p0; p < p1; ++p) {
                        pool_vector_rows(isa, g, lanes, px + static_cast<int64_t>(p) * in_plane,
                                         py + static_cast<int64_t>(p) * out_plane, static_cast<int64_t>(oh0),
                                         static_cast<int64_t>(oh1));
                      }
                    });
      return Status::ok();
    }
    const int64_t in_plane = g.in_h * g.in_w, out_plane = g.out_h * g.out_w;
    if (g.average && g.out_h == 1 && g.out_w == 1 && g.kernel_h == g.in_h && g.kernel_w == g.in_w &&
        g.pad_top == 0 && g.pad_left == 0 && g.pad_bottom == 0 && g.pad_right == 0) {
      // One window covering each plane (GoogLeNet's 7x7 head): the global average. (Not for
      // max: the reference's max keeps a NaN only when it comes first, the global one never.)
      const auto plane = static_cast<size_t>(in_plane);
      parallel_ranges(run.pool, planes, grain_for(planes, plane), [&](size_t p0, size_t p1) {
        global_pool(isa, true, px + p0 * plane, py + p0, p1 - p0, plane);
      });
      return Status::ok();
    }
    const size_t cost = static_cast<size_t>(g.out_w * (g.kernel_h + g.kernel_w));
    parallel_rows(
        run.pool, planes, static_cast<size_t>(g.out_h), cost, [&](size_t p0, size_t p1, size_t oh0, size_t oh1) {
          for (size_t p = p0; p < p1; ++p) {
            pool_rows(isa, g, px + static_cast<int64_t>(p) * in_plane, py + static_cast<int64_t>(p) * out_plane,
                      static_cast<int64_t>(oh0), static_cast<int64_t>(oh1));
          }
        });
    return Status::ok();
  }

 private:
  ir::OpKind kind_;
};

class GlobalPoolTactic final : public IsaTactic {
 public:
  GlobalPoolTactic(ir::OpKind kind, CpuIsa level)
      : IsaTactic(tactic_id(kind == ir::OpKind::GlobalMaxPool ? "global_maxpool" : "global_avgpool", level), level),
        kind_(kind) {}

  bool supports_layer(const LayerDesc& layer) const override {
    const ir::Node& n = *layer.node;
    return n.kind() == kind_ && all_f32(layer, false) && layer.input_types[0].shape.rank() >= 3;
  }

  Status run(const LayerRun& run) const override {
    ops::KernelContext& ctx = run.kernel;
    const Tensor& x = ctx.input(0);
    if (x.dtype() != DataType::Float || x.rank() < 3) return run_reference(run);
    Shape out(x.shape().size(), 1);
    out[0] = x.dim(0);
    out[1] = x.dim(1);
    HONE_ASSIGN_OR_RETURN(Tensor * y, f32_output(ctx, 0, out));
    const size_t planes = static_cast<size_t>(x.dim(0) * x.dim(1));
    const size_t plane = planes > 0 ? static_cast<size_t>(x.numel()) / planes : 0;
    const float* px = x.data<float>();
    float* py = y->data<float>();
    const bool average = kind_ == ir::OpKind::GlobalAveragePool;
    const CpuIsa isa = level();
    parallel_ranges(run.pool, planes, grain_for(planes, plane), [&](size_t p0, size_t p1) {
      global_pool(isa, average, px + p0 * plane, py + p0, p1 - p0, plane);
    });
    return Status::ok();
  }

 private:
  ir::OpKind kind_;
};

}  // namespace

std::vector<const Tactic*> pool_tactics() {
  static const std::vector<std::unique_ptr<Tactic>> tactics = [] {
    std::vector<std::unique_ptr<Tactic>> list;
    for (ir::OpKind kind : {ir::OpKind::MaxPool, ir::OpKind::AveragePool}) {
      for (CpuIsa level : kLevels) list.push_back(std::make_unique<WindowPoolTactic>(kind, level));
    }
    for (ir::OpKind kind : {ir::OpKind::GlobalAveragePool, ir::OpKind::GlobalMaxPool}) {
      for (CpuIsa level : kLevels) list.push_back(std::make_unique<GlobalPoolTactic>(kind, level));
    }
    return list;
  }();
  return pointers(tactics);
}

}  // namespace hone::cpu
