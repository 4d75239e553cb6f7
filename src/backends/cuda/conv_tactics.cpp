// The cuDNN convolution tactic: Conv and FusedConv over NCHW float32, 2-D, any group count,
// symmetric padding (cuDNN's legacy API, cudnnConvolutionForward). The algorithm is chosen
// at build time by cudnnFindConvolutionForwardAlgorithm (cuDNN runs every algorithm that fits
// the workspace limit on the layer's shapes and reports their times) and kept in the engine.
// FP32 stays FP32: the math type is CUDNN_FMA_MATH, which rules out TF32 tensor-core
// kernels. Epilogues:
//   relu(conv + bias) and relu(conv + bias + Z)   one cudnnConvolutionBiasActivationForward;
//   anything else (SiLU, a post-activation, ...)  cudnnConvolutionForward, then one
//                                                 elementwise pass (bias, act, + Z, post).
#include <cstring>
#include <memory>

#include "backends/cuda/cuda_check.hpp"
#include "backends/cuda/cuda_tactics.hpp"
#include "backends/cuda/tactic_common.hpp"
#include "ops/conv_geometry.hpp"

namespace hone::cuda {
namespace {

using ops::ActivationKind;

// Workspace an algorithm may need (what the tactic reports as workspace_bytes): the fastest
// algorithms that need more are passed over.
constexpr size_t kConvWorkspaceBytes = size_t{32} << 20;

struct ConvShape {
  int n = 0, c = 0, h = 0, w = 0;  // input
  int k = 0, kh = 0, kw = 0;       // filter: k outputs of c / group channels
  int group = 1;
  int pad_h = 0, pad_w = 0, stride_h = 1, stride_w = 1, dilation_h = 1, dilation_w = 1;
  int out_h = 0, out_w = 0;
};

bool fits_int(int64_t v) { return v >= 0 && v <= (int64_t{1} << 30); }

// The 2-D geometry of a Conv/FusedConv node, when cuDNN's legacy API takes it.
std::optional<ConvShape> conv_shape(const ir::Node& n, const Shape& x, const Shape& w, const Shape& y) {
  if (n.kind() != ir::OpKind::Conv && n.kind() != ir::OpKind::FusedConv) return std::nullopt;
  if (x.size() != 4 || w.size() != 4 || y.size() != 4) return std::nullopt;
  const ops::AttrReader a = attrs_of(n);
  auto g = ops::resolve_window(a, ops::spatial_dims(x), {w[2], w[3]}, false);
  if (!g.is_ok()) return std::nullopt;
  if (g->pads_begin[0] != g->pads_end[0] || g->pads_begin[1] != g->pads_end[1]) return std::nullopt;
  ConvShape s;
  const int64_t group = a.attr_int("group");
  const int64_t values[] = {x[0], x[1], x[2], x[3], w[0], w[2], w[3], group, g->pads_begin[0], g->pads_begin[1],
                            g->strides[0], g->strides[1], g->dilations[0], g->dilations[1], y[2], y[3]};
  for (int64_t v : values) {
    if (!fits_int(v)) return std::nullopt;
  }
  s.n = static_cast<int>(x[0]);
  s.c = static_cast<int>(x[1]);
  s.h = static_cast<int>(x[2]);
  s.w = static_cast<int>(x[3]);
  s.k = static_cast<int>(w[0]);
  s.kh = static_cast<int>(w[2]);
  s.kw = static_cast<int>(w[3]);
  s.group = static_cast<int>(group);
  s.pad_h = static_cast<int>(g->pads_begin[0]);
  s.pad_w = static_cast<int>(g->pads_begin[1]);
  s.stride_h = static_cast<int>(g->strides[0]);
  s.stride_w = static_cast<int>(g->strides[1]);
  s.dilation_h = static_cast<int>(g->dilations[0]);
  s.dilation_w = static_cast<int>(g->dilations[1]);
  s.out_h = static_cast<int>(y[2]);
  s.out_w = static_cast<int>(y[3]);
  if (s.group < 1 || s.c % s.group != 0 || s.k % s.group != 0 || w[1] * s.group != s.c || y[0] != x[0] ||
      y[1] != w[0] || y[2] != g->output[0] || y[3] != g->output[1]) {
    return std::nullopt;
  }
  return s;
}

// The descriptors of one convolution, destroyed together.
struct ConvDescriptors {
  cudnnTensorDescriptor_t x = nullptr, y = nullptr, bias = nullptr;
  cudnnFilterDescriptor_t w = nullptr;
  cudnnConvolutionDescriptor_t conv = nullptr;
  cudnnActivationDescriptor_t relu = nullptr;
  ~ConvDescriptors() {
    if (x) (void)cudnnDestroyTensorDescriptor(x);
    if (y) (void)cudnnDestroyTensorDescriptor(y);
    if (bias) (void)cudnnDestroyTensorDescriptor(bias);
    if (w) (void)cudnnDestroyFilterDescriptor(w);
    if (conv) (void)cudnnDestroyConvolutionDescriptor(conv);
    if (relu) (void)cudnnDestroyActivationDescriptor(relu);
  }
};

Status describe(const ConvShape& s, ConvDescriptors* d) {
  HONE_CUDNN_RETURN_IF_ERROR(cudnnCreateTensorDescriptor(&d->x));
  HONE_CUDNN_RETURN_IF_ERROR(cudnnSetTensor4dDescriptor(d->x, CUDNN_TENSOR_NCHW, CUDNN_DATA_FLOAT, s.n, s.c, s.h, s.w));
  HONE_CUDNN_RETURN_IF_ERROR(cudnnCreateTensorDescriptor(&d->y));
  HONE_CUDNN_RETURN_IF_ERROR(
      cudnnSetTensor4dDescriptor(d->y, CUDNN_TENSOR_NCHW, CUDNN_DATA_FLOAT, s.n, s.k, s.out_h, s.out_w));
  HONE_CUDNN_RETURN_IF_ERROR(cudnnCreateTensorDescriptor(&d->bias));
  HONE_CUDNN_RETURN_IF_ERROR(cudnnSetTensor4dDescriptor(d->bias, CUDNN_TENSOR_NCHW, CUDNN_DATA_FLOAT, 1, s.k, 1, 1));
  HONE_CUDNN_RETURN_IF_ERROR(cudnnCreateFilterDescriptor(&d->w));
  HONE_CUDNN_RETURN_IF_ERROR(
      cudnnSetFilter4dDescriptor(d->w, CUDNN_DATA_FLOAT, CUDNN_TENSOR_NCHW, s.k, s.c / s.group, s.kh, s.kw));
  HONE_CUDNN_RETURN_IF_ERROR(cudnnCreateConvolutionDescriptor(&d->conv));
  HONE_CUDNN_RETURN_IF_ERROR(cudnnSetConvolution2dDescriptor(d->conv, s.pad_h, s.pad_w, s.stride_h, s.stride_w,
                                                             s.dilation_h, s.dilation_w, CUDNN_CROSS_CORRELATION,
                                                             CUDNN_DATA_FLOAT));
  HONE_CUDNN_RETURN_IF_ERROR(cudnnSetConvolutionGroupCount(d->conv, s.group));
  // No TF32: FP32 layers must match the CPU's FP32 (rel 1e-4).
  HONE_CUDNN_RETURN_IF_ERROR(cudnnSetConvolutionMathType(d->conv, CUDNN_FMA_MATH));
  HONE_CUDNN_RETURN_IF_ERROR(cudnnCreateActivationDescriptor(&d->relu));
  // NOTE: the fused call takes CUDNN_NOT_PROPAGATE_NAN only: a NaN before its ReLU becomes 0
  // there, where the reference keeps it (finite inputs agree).
  HONE_CUDNN_RETURN_IF_ERROR(
      cudnnSetActivationDescriptor(d->relu, CUDNN_ACTIVATION_RELU, CUDNN_NOT_PROPAGATE_NAN, 0.0));
  return Status::ok();
}

bool is_tensor_op(cudnnMathType_t m) { return m == CUDNN_TENSOR_OP_MATH || m == CUDNN_TENSOR_OP_MATH_ALLOW_CONVERSION; }

// The packed record of the chosen algorithm: [algorithm, workspace bytes] as Int64.
struct AlgoChoice {
  cudnnConvolutionFwdAlgo_t algo = CUDNN_CONVOLUTION_FWD_ALGO_IMPLICIT_GEMM;
  size_t workspace = 0;
};

Result<AlgoChoice> find_algo(const ConvShape& s) {
  HONE_ASSIGN_OR_RETURN(CudaStream * stream, thread_stream());
  HONE_ASSIGN_OR_RETURN(cudnnHandle_t handle, stream->cudnn());
  ConvDescriptors d;
  HONE_RETURN_IF_ERROR(describe(s, &d));
  cudnnConvolutionFwdAlgoPerf_t perf[CUDNN_CONVOLUTION_FWD_ALGO_COUNT];
  int found = 0;
  // Times every algorithm on this GPU (with memory cuDNN allocates itself), fastest first.
  cudnnStatus_t st = cudnnFindConvolutionForwardAlgorithm(handle, d.x, d.w, d.conv, d.y,
                                                          CUDNN_CONVOLUTION_FWD_ALGO_COUNT, &found, perf);
  if (st != CUDNN_STATUS_SUCCESS) {
    // Out of memory for the trial runs, say: the heuristic's ranking instead.
    HONE_CUDNN_RETURN_IF_ERROR(cudnnGetConvolutionForwardAlgorithm_v7(handle, d.x, d.w, d.conv, d.y,
                                                                      CUDNN_CONVOLUTION_FWD_ALGO_COUNT, &found, perf));
  }
  for (int i = 0; i < found; ++i) {
    if (perf[i].status == CUDNN_STATUS_SUCCESS && perf[i].memory <= kConvWorkspaceBytes && !is_tensor_op(perf[i].mathType)) {
      return AlgoChoice{perf[i].algo, perf[i].memory};
    }
  }
  return unsupported("cuDNN has no FP32 algorithm for this convolution within " +
                     std::to_string(kConvWorkspaceBytes >> 20) + " MiB of workspace");
}

// What the epilogue asks, mapped onto cuDNN's fused call where it can: act(conv + z + bias)
// with act = ReLU.
struct EpiloguePlan {
  ops::Epilogue e;
  bool fused_relu = false;
};

EpiloguePlan plan_epilogue(const ops::Epilogue& e, bool has_bias, bool has_z) {
  EpiloguePlan p;
  p.e = e;
  const bool relu = e.activation.kind == ActivationKind::Relu && e.post_activation.is_none() && !has_z;
  const bool residual_relu = e.activation.is_none() && e.post_activation.kind == ActivationKind::Relu && has_z;
  p.fused_relu = has_bias && (relu || residual_relu);
  return p;
}

class CudnnConvTactic final : public CudaTactic {
 public:
  CudnnConvTactic() : CudaTactic("cuda.f32_conv_cudnn") {}

  bool supports_layer(const LayerDesc& layer) const override {
    const ir::Node& n = *layer.node;
    if (!all_static_f32(layer) || n.num_inputs() < 2 || !n.input(0) || !n.input(1)) return false;
    const Shape x = layer.input_types[0].shape.to_static(), w = layer.input_types[1].shape.to_static();
    const Shape y = layer.output_types[0].shape.to_static();
    if (!conv_shape(n, x, w, y)) return false;
    if (n.num_inputs() > 2 && n.input(2) && layer.input_types[2].shape.to_static() != Shape{w[0]}) return false;
    if (n.kind() == ir::OpKind::FusedConv) {
      if (!ops::read_epilogue(attrs_of(n)).is_ok()) return false;
      if (n.num_inputs() > ops::kEpilogueResidualInput && n.input(ops::kEpilogueResidualInput) &&
          layer.input_types[ops::kEpilogueResidualInput].shape.to_static() != y) {
        return false;
      }
    }
    return true;
  }

  size_t workspace_bytes(const LayerDesc&) const override { return kConvWorkspaceBytes; }

  Result<std::vector<Tensor>> prepare(const LayerDesc& layer) const override {
    const auto s = conv_shape(*layer.node, layer.input_types[0].shape.to_static(),
                              layer.input_types[1].shape.to_static(), layer.output_types[0].shape.to_static());
    if (!s) return unsupported("not a convolution cuDNN's legacy API takes");
    HONE_ASSIGN_OR_RETURN(AlgoChoice c, find_algo(*s));
    Tensor t = Tensor::zeros(DataType::Int64, {2});
    t.data<int64_t>()[0] = static_cast<int64_t>(c.algo);
    t.data<int64_t>()[1] = static_cast<int64_t>(c.workspace);
    return std::vector<Tensor>{std::move(t)};
  }

  Status run(const LayerRun& run) const override {
    HONE_RETURN_IF_ERROR(check_outputs_planned(run));
    ops::KernelContext& ctx = run.kernel;
    const ir::Node& n = ctx.node();
    Tensor& y = ctx.output(0);
    const auto s = conv_shape(n, ctx.input(0).shape(), ctx.input(1).shape(), y.shape());
    if (!s) return internal_error("the convolution's shapes changed after the build");
    AlgoChoice c;
    if (!run.packed_host.empty() && run.packed_host[0].numel() == 2) {
      c.algo = static_cast<cudnnConvolutionFwdAlgo_t>(run.packed_host[0].data<int64_t>()[0]);
      c.workspace = static_cast<size_t>(run.packed_host[0].data<int64_t>()[1]);
    }
    if (c.workspace > run.workspace.size()) return internal_error("the convolution's workspace is too small");
    ops::Epilogue e;
    if (n.kind() == ir::OpKind::FusedConv) {
      HONE_ASSIGN_OR_RETURN(e, ops::read_epilogue(ctx));
    }
    const float* bias = ctx.num_inputs() > 2 && ctx.has_input(2) ? in_f32(run, 2) : nullptr;
    const float* z = ctx.num_inputs() > ops::kEpilogueResidualInput && ctx.has_input(ops::kEpilogueResidualInput)
                         ? in_f32(run, ops::kEpilogueResidualInput)
                         : nullptr;
    const EpiloguePlan plan = plan_epilogue(e, bias != nullptr, z != nullptr);

    CudaStream& stream = stream_of(run.stream);
    HONE_ASSIGN_OR_RETURN(cudnnHandle_t handle, stream.cudnn());
    ConvDescriptors d;
    HONE_RETURN_IF_ERROR(describe(*s, &d));
    const float one = 1.0f, zero = 0.0f;
    if (plan.fused_relu) {
      // y = relu(conv(x) + alpha2 * z + bias); without Z, alpha2 = 0 and z aliases y (not read).
      const float* zp = z ? z : y.data<float>();
      const cudnnStatus_t st = cudnnConvolutionBiasActivationForward(
          handle, &one, d.x, in_f32(run, 0), d.w, in_f32(run, 1), d.conv, c.algo, workspace_ptr(run), c.workspace,
          z ? &one : &zero, d.y, zp, d.bias, bias, d.relu, d.y, y.data<float>());
      if (st == CUDNN_STATUS_SUCCESS) return Status::ok();
      // An algorithm the fused call does not take: the two-step path below computes the same.
      // (cuDNN 9 status codes are families: 2xxx bad parameters, 3xxx not supported.)
      if (st / 1000 != CUDNN_STATUS_NOT_SUPPORTED / 1000 && st / 1000 != CUDNN_STATUS_BAD_PARAM / 1000) {
        return cudnn_error(st, "cudnnConvolutionBiasActivationForward");
      }
    }
    HONE_CUDNN_RETURN_IF_ERROR(cudnnConvolutionForward(handle, &one, d.x, in_f32(run, 0), d.w, in_f32(run, 1), d.conv,
                                                       c.algo, workspace_ptr(run), c.workspace, &zero, d.y,
                                                       y.data<float>()));
    return run_epilogue(y.data<float>(), y.shape(), bias, Shape{1, s->k, 1, 1}, z, plan.e, stream.get());
  }
};

}  // namespace

const Tactic& conv_tactic() {
  static const CudnnConvTactic t;
  return t;
}

}  // namespace hone::cuda
