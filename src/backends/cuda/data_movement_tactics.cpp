// The CUDA tactics that move data: view layers the memory planner did not elide (a copy),
// Concat and Split (2-D device copies, one per part), Slice and Transpose (the strided-copy
// kernel), nearest Resize and Softmax / LogSoftmax (kernels/*.cu).
#include <algorithm>

#include "backends/cuda/cuda_check.hpp"
#include "backends/cuda/cuda_tactics.hpp"
#include "backends/cuda/tactic_common.hpp"
#include "ops/indexing.hpp"
#include "ops/softmax.hpp"

namespace hone::cuda {
namespace {

// Reshape, Flatten, Squeeze, Unsqueeze, Identity and inference Dropout: the output is the
// input's bytes. Elided by the memory planner when both live in the arena; otherwise (a graph
// input or output on either side) one device copy.
class CopyTactic final : public CudaTactic {
 public:
  CopyTactic() : CudaTactic("cuda.f32_copy") {}

  bool supports_layer(const LayerDesc& layer) const override {
    const ir::Node& n = *layer.node;
    const ir::OpKind k = n.kind();
    const bool view = k == ir::OpKind::Reshape || k == ir::OpKind::Flatten || k == ir::OpKind::Squeeze ||
                      k == ir::OpKind::Unsqueeze || k == ir::OpKind::Identity;
    const bool dropout = n.kind() == ir::OpKind::Dropout && (n.num_outputs() < 2 || !n.output(1));
    if ((!view && !dropout) || !n.input(0) || n.num_outputs() < 1 || !n.output(0)) return false;
    if (dropout && n.num_inputs() > 2 && n.input(2)) {
      const Tensor* training = constant_input(layer, 2);  // training_mode must be a constant false
      if (!training || training->numel() != 1 || training->get_int64(0) != 0) return false;
    }
    const ir::Type& in = layer.input_types[0];
    const ir::Type& out = layer.output_types[0];
    return is_static_f32(in) && is_static_f32(out) && shape_numel(in.shape.to_static()) == shape_numel(out.shape.to_static());
  }

  Status run(const LayerRun& run) const override {
    HONE_RETURN_IF_ERROR(check_outputs_planned(run));
    const Tensor& x = run.kernel.input(0);
    Tensor& y = run.kernel.output(0);
    if (x.raw() == y.raw() || y.nbytes() == 0) return Status::ok();
    HONE_CUDA_RETURN_IF_ERROR(
        cudaMemcpyAsync(y.raw(), x.raw(), y.nbytes(), cudaMemcpyDeviceToDevice, stream_handle(run)));
    return Status::ok();
  }
};

// Concat and Split as `outer` rows of [dim(axis) * inner] floats: part i is a column block.
Status copy_block(float* dst, size_t dst_row, const float* src, size_t src_row, size_t width, size_t rows,
                  cudaStream_t s) {
  if (width == 0 || rows == 0) return Status::ok();
  HONE_CUDA_RETURN_IF_ERROR(cudaMemcpy2DAsync(dst, dst_row * sizeof(float), src, src_row * sizeof(float),
                                              width * sizeof(float), rows, cudaMemcpyDeviceToDevice, s));
  return Status::ok();
}

bool same_except(const Shape& a, const Shape& b, size_t axis) {
  if (a.size() != b.size()) return false;
  for (size_t d = 0; d < a.size(); ++d) {
    if (d != axis && a[d] != b[d]) return false;
  }
  return true;
}

class ConcatTactic final : public CudaTactic {
 public:
  ConcatTactic() : CudaTactic("cuda.f32_concat") {}

  bool supports_layer(const LayerDesc& layer) const override {
    const ir::Node& n = *layer.node;
    if (n.kind() != ir::OpKind::Concat || n.num_inputs() == 0 || !all_static_f32(layer)) return false;
    for (const ir::Value* v : n.inputs()) {
      if (!v) return false;
    }
    const Shape out = layer.output_types[0].shape.to_static();
    auto axis = ops::normalize_axis(attrs_of(n).attr_int("axis"), static_cast<int64_t>(out.size()));
    if (out.empty() || !axis.is_ok()) return false;
    for (const ir::Type& t : layer.input_types) {
      if (!same_except(t.shape.to_static(), out, static_cast<size_t>(*axis))) return false;
    }
    return true;
  }

  Status run(const LayerRun& run) const override {
    HONE_RETURN_IF_ERROR(check_outputs_planned(run));
    ops::KernelContext& ctx = run.kernel;
    Tensor& y = ctx.output(0);
    HONE_ASSIGN_OR_RETURN(int64_t axis, ops::normalize_axis(ctx.attr_int("axis"), y.rank()));
    const auto outer = static_cast<size_t>(ops::dims_product(y.shape(), 0, axis));
    const auto inner = static_cast<size_t>(ops::dims_product(y.shape(), axis + 1, y.rank()));
    const size_t row = static_cast<size_t>(y.dim(axis)) * inner;
    size_t col = 0;
    for (size_t i = 0; i < ctx.num_inputs(); ++i) {
      const size_t block = static_cast<size_t>(ctx.input(i).dim(axis)) * inner;
      // An input the planner already placed in its slice (Concat partly in place) is skipped.
      const float* src = in_f32(run, i);
      float* dst = y.data<float>() + col;
      if (src != dst) HONE_RETURN_IF_ERROR(copy_block(dst, row, src, block, block, outer, stream_handle(run)));
      col += block;
    }
    return Status::ok();
  }
};

class SplitTactic final : public CudaTactic {
 public:
  SplitTactic() : CudaTactic("cuda.f32_split") {}

  // Every output consumed, with a static shape: the part sizes are the outputs' dims.
  bool supports_layer(const LayerDesc& layer) const override {
    const ir::Node& n = *layer.node;
    if (n.kind() != ir::OpKind::Split || !n.input(0) || !is_static_f32(layer.input_types[0])) return false;
    const Shape in = layer.input_types[0].shape.to_static();
    auto axis = ops::normalize_axis(attrs_of(n).attr_int("axis"), static_cast<int64_t>(in.size()));
    if (in.empty() || !axis.is_ok()) return false;
    int64_t total = 0;
    for (size_t i = 0; i < n.num_outputs(); ++i) {
      if (!n.output(i) || !is_static_f32(layer.output_types[i])) return false;
      const Shape out = layer.output_types[i].shape.to_static();
      if (!same_except(out, in, static_cast<size_t>(*axis))) return false;
      total += out[static_cast<size_t>(*axis)];
    }
    return total == in[static_cast<size_t>(*axis)];
  }

  Status run(const LayerRun& run) const override {
    HONE_RETURN_IF_ERROR(check_outputs_planned(run));
    ops::KernelContext& ctx = run.kernel;
    const Tensor& x = ctx.input(0);
    HONE_ASSIGN_OR_RETURN(int64_t axis, ops::normalize_axis(ctx.attr_int("axis"), x.rank()));
    const auto outer = static_cast<size_t>(ops::dims_product(x.shape(), 0, axis));
    const auto inner = static_cast<size_t>(ops::dims_product(x.shape(), axis + 1, x.rank()));
    const size_t row = static_cast<size_t>(x.dim(axis)) * inner;
    size_t col = 0;
    for (size_t i = 0; i < ctx.num_outputs(); ++i) {
      const size_t block = static_cast<size_t>(ctx.output(i).dim(axis)) * inner;
      const float* src = x.data<float>() + col;
      float* dst = out_f32(run, i);
      if (src != dst) HONE_RETURN_IF_ERROR(copy_block(dst, block, src, row, block, outer, stream_handle(run)));
      col += block;
    }
    return Status::ok();
  }
};

// Slice's starts/axes/steps (constants from opset 10, attributes before) resolved for an
// input of shape `in`: the first element taken and the step per axis. The count per axis is
// the output's dim (from the shape rule).
struct SliceBox {
  std::vector<int64_t> first, step;
};
std::optional<SliceBox> slice_box(const ir::Node& n, const Shape& in) {
  std::vector<int64_t> starts, axes, steps;
  const ops::AttrReader a = attrs_of(n);
  if (n.opset() < 10) {
    starts = a.attr_ints("starts");
    axes = a.attr_ints("axes");
  } else {
    auto constant = [&](size_t i) -> const Tensor* {
      const ir::Value* v = n.input(i);
      return v && v->is_constant() ? &v->constant() : nullptr;
    };
    if (!constant(1) || (n.input(2) && !constant(2)) || (n.input(3) && !constant(3)) || (n.input(4) && !constant(4))) {
      return std::nullopt;
    }
    starts = constant(1)->to_int64_vector();
    if (constant(3)) axes = constant(3)->to_int64_vector();
    if (constant(4)) steps = constant(4)->to_int64_vector();
  }
  if (axes.empty()) {
    for (size_t i = 0; i < starts.size(); ++i) axes.push_back(static_cast<int64_t>(i));
  }
  if (steps.empty()) steps.assign(starts.size(), 1);
  if (axes.size() != starts.size() || steps.size() != starts.size()) return std::nullopt;
  SliceBox box;
  box.first.assign(in.size(), 0);
  box.step.assign(in.size(), 1);
  for (size_t i = 0; i < axes.size(); ++i) {
    auto ax = ops::normalize_axis(axes[i], static_cast<int64_t>(in.size()));
    if (!ax.is_ok() || steps[i] == 0) return std::nullopt;
    const int64_t dim = in[static_cast<size_t>(*ax)];
    const int64_t s = starts[i] < 0 ? starts[i] + dim : starts[i];
    // The reference's clamping: [0, dim] stepping forward, [0, dim - 1] stepping back.
    box.first[static_cast<size_t>(*ax)] = steps[i] > 0 ? std::clamp<int64_t>(s, 0, dim) : std::clamp<int64_t>(s, 0, dim - 1);
    box.step[static_cast<size_t>(*ax)] = steps[i];
  }
  return box;
}

class SliceTactic final : public CudaTactic {
 public:
  SliceTactic() : CudaTactic("cuda.f32_slice") {}

  bool supports_layer(const LayerDesc& layer) const override {
    const ir::Node& n = *layer.node;
    if (n.kind() != ir::OpKind::Slice || !n.input(0) || n.num_outputs() != 1) return false;
    if (!is_static_f32(layer.input_types[0]) || !is_static_f32(layer.output_types[0])) return false;
    const Shape in = layer.input_types[0].shape.to_static(), out = layer.output_types[0].shape.to_static();
    return in.size() == out.size() && in.size() <= static_cast<size_t>(kernels::kMaxRank) && slice_box(n, in);
  }

  Status run(const LayerRun& run) const override {
    HONE_RETURN_IF_ERROR(check_outputs_planned(run));
    const Tensor& x = run.kernel.input(0);
    Tensor& y = run.kernel.output(0);
    const auto box = slice_box(run.kernel.node(), x.shape());
    if (!box) return internal_error("Slice parameters changed after the build");
    const std::vector<int64_t> stride = shape_strides(x.shape());
    kernels::Gather g;
    g.rank = static_cast<int>(y.rank());
    g.numel = y.numel();
    for (size_t d = 0; d < y.shape().size(); ++d) {
      g.dims[d] = y.shape()[d];
      g.strides[d] = stride[d] * box->step[d];
      g.start += box->first[d] * stride[d];
    }
    return kernels::strided_copy(g, x.data<float>(), y.data<float>(), stream_handle(run));
  }
};

class TransposeTactic final : public CudaTactic {
 public:
  TransposeTactic() : CudaTactic("cuda.f32_transpose") {}

  bool supports_layer(const LayerDesc& layer) const override {
    const ir::Node& n = *layer.node;
    if (n.kind() != ir::OpKind::Transpose || n.num_inputs() != 1 || !all_static_f32(layer)) return false;
    const size_t rank = layer.input_types[0].shape.rank();
    return rank <= static_cast<size_t>(kernels::kMaxRank) && perm_of(n, rank).size() == rank;
  }

  Status run(const LayerRun& run) const override {
    HONE_RETURN_IF_ERROR(check_outputs_planned(run));
    const Tensor& x = run.kernel.input(0);
    Tensor& y = run.kernel.output(0);
    const std::vector<int64_t> perm = perm_of(run.kernel.node(), x.shape().size());
    const std::vector<int64_t> stride = shape_strides(x.shape());
    kernels::Gather g;
    g.rank = static_cast<int>(y.rank());
    g.numel = y.numel();
    for (size_t d = 0; d < perm.size(); ++d) {
      g.dims[d] = y.shape()[d];
      g.strides[d] = stride[static_cast<size_t>(perm[d])];
    }
    return kernels::strided_copy(g, x.data<float>(), y.data<float>(), stream_handle(run));
  }

 private:
  // The permutation (default: reversed dims); empty when it is not one.
  static std::vector<int64_t> perm_of(const ir::Node& n, size_t rank) {
    const ops::AttrReader a = attrs_of(n);
    std::vector<int64_t> perm;
    if (a.has_attr("perm")) {
      perm = a.attr_ints("perm");
    } else {
      for (size_t d = rank; d-- > 0;) perm.push_back(static_cast<int64_t>(d));
    }
    std::vector<bool> seen(rank, false);
    for (int64_t p : perm) {
      if (p < 0 || p >= static_cast<int64_t>(rank) || seen[static_cast<size_t>(p)]) return {};
      seen[static_cast<size_t>(p)] = true;
    }
    return perm.size() == rank ? perm : std::vector<int64_t>{};
  }
};

// Resize-11+ in nearest mode over H and W of NCHW tensors, scales or sizes constant.
std::optional<kernels::ResizeNearest> resize_of(const ir::Node& n, const Shape& in, const Shape& out) {
  if (n.kind() != ir::OpKind::Resize || n.opset() < 11 || n.attrs().has("axes")) return std::nullopt;
  if (in.size() != 4 || out.size() != 4 || in[0] != out[0] || in[1] != out[1] || in[2] == 0 || in[3] == 0) {
    return std::nullopt;
  }
  const ops::AttrReader a = attrs_of(n);
  if (a.attr_string("mode") != "nearest") return std::nullopt;
  if (n.opset() >= 18 && a.attr_string("keep_aspect_ratio_policy") != "stretch") return std::nullopt;
  kernels::ResizeNearest r;
  const std::string& t = a.attr_string("coordinate_transformation_mode");
  if (t == "half_pixel") r.transform = kernels::ResizeTransform::HalfPixel;
  else if (t == "half_pixel_symmetric") r.transform = kernels::ResizeTransform::HalfPixelSymmetric;
  else if (t == "pytorch_half_pixel") r.transform = kernels::ResizeTransform::PytorchHalfPixel;
  else if (t == "align_corners") r.transform = kernels::ResizeTransform::AlignCorners;
  else if (t == "asymmetric") r.transform = kernels::ResizeTransform::Asymmetric;
  else return std::nullopt;  // tf_crop_and_resize
  const std::string& m = a.attr_string("nearest_mode");
  if (m == "round_prefer_floor") r.nearest = kernels::NearestMode::RoundPreferFloor;
  else if (m == "round_prefer_ceil") r.nearest = kernels::NearestMode::RoundPreferCeil;
  else if (m == "floor") r.nearest = kernels::NearestMode::Floor;
  else if (m == "ceil") r.nearest = kernels::NearestMode::Ceil;
  else return std::nullopt;
  auto constant = [&](size_t i) -> const Tensor* {
    const ir::Value* v = n.num_inputs() > i ? n.input(i) : nullptr;
    return v && v->is_constant() ? &v->constant() : nullptr;
  };
  const Tensor* scales = constant(2);
  const Tensor* sizes = constant(3);
  if ((n.num_inputs() > 2 && n.input(2) && !scales) || (n.num_inputs() > 3 && n.input(3) && !sizes)) return std::nullopt;
  if (scales && scales->numel() > 0) {
    if (scales->dtype() != DataType::Float || scales->numel() != 4) return std::nullopt;
    const float* s = scales->data<float>();
    if (s[0] != 1.0f || s[1] != 1.0f || !(s[2] > 0) || !(s[3] > 0)) return std::nullopt;
    r.scale_h = s[2];
    r.scale_w = s[3];
  } else if (sizes && sizes->numel() == 4) {
    r.scale_h = static_cast<double>(out[2]) / static_cast<double>(in[2]);
    r.scale_w = static_cast<double>(out[3]) / static_cast<double>(in[3]);
  } else {
    return std::nullopt;
  }
  r.planes = in[0] * in[1];
  r.in_h = in[2];
  r.in_w = in[3];
  r.out_h = out[2];
  r.out_w = out[3];
  return r;
}

class ResizeTactic final : public CudaTactic {
 public:
  ResizeTactic() : CudaTactic("cuda.f32_resize_nearest") {}

  bool supports_layer(const LayerDesc& layer) const override {
    const ir::Node& n = *layer.node;
    if (n.num_outputs() != 1 || !n.input(0) || !is_static_f32(layer.input_types[0]) ||
        !is_static_f32(layer.output_types[0])) {
      return false;
    }
    return resize_of(n, layer.input_types[0].shape.to_static(), layer.output_types[0].shape.to_static()).has_value();
  }

  Status run(const LayerRun& run) const override {
    HONE_RETURN_IF_ERROR(check_outputs_planned(run));
    const auto r = resize_of(run.kernel.node(), run.kernel.input(0).shape(), run.kernel.output(0).shape());
    if (!r) return internal_error("Resize parameters changed after the build");
    return kernels::resize_nearest(*r, in_f32(run, 0), out_f32(run, 0), stream_handle(run));
  }
};

class SoftmaxTactic final : public CudaTactic {
 public:
  SoftmaxTactic() : CudaTactic("cuda.f32_softmax") {}

  bool supports_layer(const LayerDesc& layer) const override {
    const ir::Node& n = *layer.node;
    if ((n.kind() != ir::OpKind::Softmax && n.kind() != ir::OpKind::LogSoftmax) || n.num_inputs() != 1 ||
        !all_static_f32(layer)) {
      return false;
    }
    return axis_of(n, static_cast<int64_t>(layer.input_types[0].shape.rank())).is_ok();
  }

  Status run(const LayerRun& run) const override {
    HONE_RETURN_IF_ERROR(check_outputs_planned(run));
    const ir::Node& n = run.kernel.node();
    const Tensor& x = run.kernel.input(0);
    HONE_ASSIGN_OR_RETURN(int64_t axis, axis_of(n, x.rank()));
    const ops::AxisView v = ops::axis_view(x.shape(), axis, n.opset() < 13);
    return kernels::softmax(in_f32(run, 0), out_f32(run, 0), v.outer, v.n, v.inner,
                            n.kind() == ir::OpKind::LogSoftmax, stream_handle(run));
  }

 private:
  // Opset < 13: the input coerced to 2-D at `axis` (default 1); 13+: along `axis` (default -1).
  static Result<int64_t> axis_of(const ir::Node& n, int64_t rank) {
    const ops::AttrReader a = attrs_of(n);
    const int64_t axis = a.has_attr("axis") ? a.attr_int("axis") : (n.opset() < 13 ? 1 : -1);
    return ops::normalize_axis(axis, rank);
  }
};

}  // namespace

std::vector<const Tactic*> data_movement_tactics() {
  static const CopyTactic copy;
  static const ConcatTactic concat;
  static const SplitTactic split;
  static const SliceTactic slice;
  static const TransposeTactic transpose;
  static const ResizeTactic resize;
  static const SoftmaxTactic softmax;
  return {&copy, &concat, &split, &slice, &transpose, &resize, &softmax};
}

}  // namespace hone::cuda
