// The CUDA pooling tactics: MaxPool / AveragePool over NCHW planes with the reference's
// window geometry (kernel, strides, dilations, pads, auto_pad, ceil_mode, count_include_pad),
// and GlobalAveragePool / GlobalMaxPool (kernels/pool.cu).
#include "backends/cuda/cuda_tactics.hpp"
#include "backends/cuda/tactic_common.hpp"
#include "ops/conv_geometry.hpp"

namespace hone::cuda {
namespace {

// The 2-D window of a MaxPool/AveragePool node on an NCHW input, as the reference resolves it.
std::optional<kernels::Pool2d> geometry_of(const ir::Node& n, const Shape& in) {
  if (in.size() != 4) return std::nullopt;
  const ops::AttrReader a = attrs_of(n);
  if (n.kind() == ir::OpKind::MaxPool && a.attr_int("storage_order") != 0) return std::nullopt;
  auto w = ops::resolve_window(a, ops::spatial_dims(in), a.attr_ints("kernel_shape"), a.attr_int("ceil_mode") != 0);
  if (!w.is_ok()) return std::nullopt;
  kernels::Pool2d g;
  g.planes = in[0] * in[1];
  g.in_h = in[2];
  g.in_w = in[3];
  g.out_h = w->output[0];
  g.out_w = w->output[1];
  auto narrow = [](int64_t v, int32_t* out) {
    if (v < 0 || v > (1 << 30)) return false;
    *out = static_cast<int32_t>(v);
    return true;
  };
  const bool ok = narrow(w->kernel[0], &g.kernel_h) && narrow(w->kernel[1], &g.kernel_w) &&
                  narrow(w->strides[0], &g.stride_h) && narrow(w->strides[1], &g.stride_w) &&
                  narrow(w->dilations[0], &g.dilation_h) && narrow(w->dilations[1], &g.dilation_w) &&
                  narrow(w->pads_begin[0], &g.pad_top) && narrow(w->pads_begin[1], &g.pad_left) &&
                  narrow(w->pads_end[0], &g.pad_bottom) && narrow(w->pads_end[1], &g.pad_right);
  if (!ok || g.out_h < 0 || g.out_w < 0) return std::nullopt;
  g.average = n.kind() == ir::OpKind::AveragePool;
  g.count_include_pad = g.average && a.attr_int("count_include_pad") != 0;
  return g;
}

class Pool2dTactic final : public CudaTactic {
 public:
  Pool2dTactic() : CudaTactic("cuda.f32_pool2d") {}

  bool supports_layer(const LayerDesc& layer) const override {
    const ir::Node& n = *layer.node;
    if (n.kind() != ir::OpKind::MaxPool && n.kind() != ir::OpKind::AveragePool) return false;
    if (n.num_inputs() != 1 || (n.num_outputs() > 1 && n.output(1)) || !all_static_f32(layer)) return false;
    const Shape in = layer.input_types[0].shape.to_static(), out = layer.output_types[0].shape.to_static();
    const auto g = geometry_of(n, in);
    return g && out == Shape{in[0], in[1], g->out_h, g->out_w};
  }

  Status run(const LayerRun& run) const override {
    HONE_RETURN_IF_ERROR(check_outputs_planned(run));
    const auto g = geometry_of(run.kernel.node(), run.kernel.input(0).shape());
    if (!g) return internal_error("pool geometry changed after the build");
    return kernels::pool2d(*g, in_f32(run, 0), out_f32(run, 0), stream_handle(run));
  }
};

class GlobalPoolTactic final : public CudaTactic {
 public:
  GlobalPoolTactic() : CudaTactic("cuda.f32_global_pool") {}

  bool supports_layer(const LayerDesc& layer) const override {
    const ir::Node& n = *layer.node;
    if (n.kind() != ir::OpKind::GlobalAveragePool && n.kind() != ir::OpKind::GlobalMaxPool) return false;
    return n.num_inputs() == 1 && all_static_f32(layer) && layer.input_types[0].shape.rank() >= 3;
  }

  Status run(const LayerRun& run) const override {
    HONE_RETURN_IF_ERROR(check_outputs_planned(run));
    const Tensor& x = run.kernel.input(0);
    const int64_t planes = x.dim(0) * x.dim(1);
    const int64_t plane = planes > 0 ? x.numel() / planes : 0;
    return kernels::global_pool(run.kernel.node().kind() == ir::OpKind::GlobalAveragePool, in_f32(run, 0),
                                out_f32(run, 0), planes, plane, stream_handle(run));
  }
};

}  // namespace

std::vector<const Tactic*> pool_tactics() {
  static const Pool2dTactic pool2d;
  static const GlobalPoolTactic global;
  return {&pool2d, &global};
}

}  // namespace hone::cuda
