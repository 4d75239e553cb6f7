// The cuBLASLt tactics: Gemm / FusedGemm / MatMul / FusedMatMul, and 1x1 stride-1
// convolutions as a batch of products (Y[n] = W X[n]). The bias and a ReLU go into
// cuBLASLt's epilogue where its form allows; the rest of a fused layer's epilogue (another
// activation, the residual Z, the post-activation) is one elementwise pass after it.
#include "backends/cuda/cublaslt_gemm.hpp"
#include "backends/cuda/cuda_tactics.hpp"
#include "backends/cuda/tactic_common.hpp"
#include "ops/conv_geometry.hpp"

namespace hone::cuda {
namespace {

using ops::ActivationKind;

// How a layer maps onto run_gemm: the product, what fills Y first (a broadcast C or bias,
// scaled by beta), and the epilogue left for the elementwise pass.
struct GemmPlan {
  GemmProblem problem;
  int a_input = 0, b_input = 1;  // the layer inputs that are A and B (a 1x1 convolution's A is W)
  int bias_input = -1;     // input read as the cuBLASLt bias vector
  int fill_input = -1;     // input broadcast into Y before the product (then beta applies)
  Shape fill_shape;
  int residual_input = -1; // Z
  ops::Epilogue rest;      // applied after: activation (unless fused), + Z, post-activation
  Shape bias_shape;        // for an epilogue bias (1x1 convolutions: [1, K, 1, 1])
  int epilogue_bias = -1;  // input added by the elementwise pass (convolution bias)
};

// Shapes of a layer's inputs, with this marker for an omitted one (a rank-0 input is a real
// scalar).
const Shape kAbsent{-1};
bool present(const std::vector<Shape>& in, size_t i) { return i < in.size() && in[i] != kAbsent; }

bool is_row_vector(const Shape& s, int64_t n) {
  if (s.empty() || s.back() != n) return false;
  for (size_t d = 0; d + 1 < s.size(); ++d) {
    if (s[d] != 1) return false;
  }
  return true;
}

// Reads the fused layers' epilogue; the plain ops have none.
std::optional<ops::Epilogue> epilogue_of(const ir::Node& n) {
  const bool fused = n.kind() == ir::OpKind::FusedGemm || n.kind() == ir::OpKind::FusedMatMul ||
                     n.kind() == ir::OpKind::FusedConv;
  if (!fused) return ops::Epilogue{};
  auto e = ops::read_epilogue(attrs_of(n));
  if (!e.is_ok()) return std::nullopt;
  return *e;
}

// Moves a leading ReLU into cuBLASLt's epilogue (it follows the bias and beta * C).
void fuse_relu(GemmPlan* g) {
  if (g->rest.activation.kind == ActivationKind::Relu) {
    g->problem.relu = true;
    g->rest.activation = ops::Activation{};
  }
}

std::optional<GemmPlan> plan_gemm(const ir::Node& n, const std::vector<Shape>& in, const Shape& y) {
  const auto e = epilogue_of(n);
  if (!e || y.size() != 2 || in.size() < 2 || in[0].size() != 2 || in[1].size() != 2) return std::nullopt;
  const ops::AttrReader a = attrs_of(n);
  GemmPlan g;
  GemmProblem& p = g.problem;
  p.trans_a = a.attr_int("transA") != 0;
  p.trans_b = a.attr_int("transB") != 0;
  p.alpha = a.attr_float("alpha");
  const float beta = a.attr_float("beta");
  p.m = y[0];
  p.n = y[1];
  p.k = p.trans_a ? in[0][0] : in[0][1];
  if ((p.trans_a ? in[0][1] : in[0][0]) != p.m || (p.trans_b ? in[1][1] : in[1][0]) != p.k ||
      (p.trans_b ? in[1][0] : in[1][1]) != p.n) {
    return std::nullopt;
  }
  g.rest = *e;
  if (present(in, 2) && beta != 0) {
    if (beta == 1 && is_row_vector(in[2], p.n)) {
      g.bias_input = 2;
      p.bias = true;
    } else {
      g.fill_input = 2;
      g.fill_shape = in[2];
      p.beta = beta;
    }
  }
  if (present(in, ops::kEpilogueResidualInput)) {
    if (in[ops::kEpilogueResidualInput] != y) return std::nullopt;
    g.residual_input = static_cast<int>(ops::kEpilogueResidualInput);
  }
  fuse_relu(&g);
  return g;
}

Shape batch_dims(const Shape& s) { return Shape(s.begin(), s.end() - 2); }

std::optional<GemmPlan> plan_matmul(const ir::Node& n, const std::vector<Shape>& in, const Shape& y) {
  const auto e = epilogue_of(n);
  if (!e || in.size() < 2 || in[0].size() < 2 || in[1].size() < 2 || y.size() < 2) return std::nullopt;
  const Shape& a = in[0];
  const Shape& b = in[1];
  GemmPlan g;
  GemmProblem& p = g.problem;
  p.m = a[a.size() - 2];
  p.k = a.back();
  p.n = b.back();
  if (b[b.size() - 2] != p.k || y[y.size() - 2] != p.m || y.back() != p.n) return std::nullopt;
  const Shape ba = batch_dims(a), bb = batch_dims(b), by = batch_dims(y);
  const int64_t na = shape_numel(ba), nb = shape_numel(bb), ny = shape_numel(by);
  if (nb == 1 && na == ny) {
    p.m *= ny;  // B shared by every item: the items of A are more rows of one product
  } else if (na == 1 && nb == ny) {
    p.batch = ny;
    p.stride_b = p.k * p.n;
    p.stride_y = p.m * p.n;
  } else if (ba == bb && ba == by) {
    p.batch = ny;
    p.stride_a = p.m * p.k;
    p.stride_b = p.k * p.n;
    p.stride_y = p.m * p.n;
  } else {
    return std::nullopt;  // batch dims broadcast against each other
  }
  g.rest = *e;
  if (n.kind() == ir::OpKind::FusedMatMul && present(in, 2)) {
    if (is_row_vector(in[2], p.n)) {
      g.bias_input = 2;
      p.bias = true;
    } else {
      g.fill_input = 2;
      g.fill_shape = in[2];
      p.beta = 1;
    }
  }
  if (present(in, ops::kEpilogueResidualInput)) {
    if (in[ops::kEpilogueResidualInput] != y) return std::nullopt;
    g.residual_input = static_cast<int>(ops::kEpilogueResidualInput);
  }
  fuse_relu(&g);
  return g;
}

// A 1x1, stride-1, unpadded, ungrouped convolution over [N, C, H, W]: Y[n] (K x HW) =
// W (K x C) X[n] (C x HW); the bias is per row of Y, which cuBLASLt's epilogue cannot add
// (it adds along columns), so it joins the elementwise pass.
std::optional<GemmPlan> plan_conv1x1(const ir::Node& n, const std::vector<Shape>& in, const Shape& y) {
  const auto e = epilogue_of(n);
  if (!e || in.size() < 2 || in[0].size() != 4 || in[1].size() != 4 || y.size() != 4) return std::nullopt;
  const Shape& x = in[0];
  const Shape& w = in[1];
  if (w[2] != 1 || w[3] != 1 || w[1] != x[1] || y[1] != w[0] || y[2] != x[2] || y[3] != x[3] || y[0] != x[0]) {
    return std::nullopt;
  }
  const ops::AttrReader a = attrs_of(n);
  if (a.attr_int("group") != 1) return std::nullopt;
  auto geo = ops::resolve_window(a, ops::spatial_dims(x), {1, 1}, false);
  if (!geo.is_ok()) return std::nullopt;
  for (size_t d = 0; d < 2; ++d) {
    if (geo->strides[d] != 1 || geo->pads_begin[d] != 0 || geo->pads_end[d] != 0) return std::nullopt;
  }
  GemmPlan g;
  g.a_input = 1;  // W
  g.b_input = 0;  // X[n]
  GemmProblem& p = g.problem;
  p.m = w[0];
  p.k = w[1];
  p.n = x[2] * x[3];
  p.batch = x[0];
  p.stride_a = 0;
  p.stride_b = p.k * p.n;
  p.stride_y = p.m * p.n;
  g.rest = *e;
  if (present(in, 2)) {
    if (in[2] != Shape{p.m}) return std::nullopt;
    g.epilogue_bias = 2;
    g.bias_shape = {1, p.m, 1, 1};
  }
  if (present(in, ops::kEpilogueResidualInput)) {
    if (in[ops::kEpilogueResidualInput] != y) return std::nullopt;
    g.residual_input = static_cast<int>(ops::kEpilogueResidualInput);
  }
  if (g.epilogue_bias < 0) fuse_relu(&g);  // a ReLU may be fused only when nothing comes before it
  return g;
}

enum class Family { Gemm, Conv1x1 };

class CublasLtTactic final : public CudaTactic {
 public:
  CublasLtTactic(std::string id, Family family) : CudaTactic(std::move(id)), family_(family) {}

  bool supports_layer(const LayerDesc& layer) const override {
    if (!all_static_f32(layer) || layer.output_types.size() != 1 || !layer.node->output(0)) return false;
    std::vector<Shape> in;
    for (size_t i = 0; i < layer.input_types.size(); ++i) {
      in.push_back(layer.node->input(i) ? layer.input_types[i].shape.to_static() : kAbsent);
    }
    const auto g = plan(*layer.node, in, layer.output_types[0].shape.to_static());
    if (!g) return false;
    // Elementwise fills and epilogues must fit the kernel's index description.
    const Shape y = layer.output_types[0].shape.to_static();
    if (g->fill_input >= 0 && !broadcast_fits(y, {g->fill_shape})) return false;
    return true;
  }

  size_t workspace_bytes(const LayerDesc&) const override { return kGemmWorkspaceBytes; }

  Result<std::vector<Tensor>> prepare(const LayerDesc& layer) const override {
    std::vector<Shape> in;
    for (size_t i = 0; i < layer.input_types.size(); ++i) {
      in.push_back(layer.node->input(i) ? layer.input_types[i].shape.to_static() : kAbsent);
    }
    const auto g = plan(*layer.node, in, layer.output_types[0].shape.to_static());
    if (!g) return unsupported("not a product this tactic runs");
    HONE_ASSIGN_OR_RETURN(Tensor algo, choose_gemm_algo(g->problem));
    return std::vector<Tensor>{std::move(algo)};
  }

  Status run(const LayerRun& run) const override {
    HONE_RETURN_IF_ERROR(check_outputs_planned(run));
    ops::KernelContext& ctx = run.kernel;
    std::vector<Shape> in;
    for (size_t i = 0; i < ctx.num_inputs(); ++i) in.push_back(ctx.has_input(i) ? ctx.input(i).shape() : kAbsent);
    Tensor& y = ctx.output(0);
    const auto g = plan(ctx.node(), in, y.shape());
    if (!g) return internal_error("the product's shapes changed after the build");
    cudaStream_t s = stream_handle(run);
    if (g->fill_input >= 0) {
      // Y = broadcast(C), read back by the product as beta * C.
      kernels::EwProgram p;
      p.inputs[p.num_inputs++] = in_f32(run, static_cast<size_t>(g->fill_input));
      const Shape* shapes[] = {&g->fill_shape};
      if (!describe_broadcast(y.shape(), {shapes[0]}, &p)) return internal_error("C does not broadcast to Y");
      HONE_RETURN_IF_ERROR(kernels::elementwise(p, y.data<float>(), s));
    }
    const Tensor* algo = run.packed_host.empty() ? nullptr : &run.packed_host[0];
    const float* bias = g->bias_input >= 0 ? in_f32(run, static_cast<size_t>(g->bias_input)) : nullptr;
    HONE_RETURN_IF_ERROR(run_gemm(g->problem, in_f32(run, static_cast<size_t>(g->a_input)),
                                  in_f32(run, static_cast<size_t>(g->b_input)), y.data<float>(), bias, algo,
                                  workspace_ptr(run), run.workspace.size(), stream_of(run.stream)));
    const float* z = g->residual_input >= 0 ? in_f32(run, static_cast<size_t>(g->residual_input)) : nullptr;
    const float* ebias = g->epilogue_bias >= 0 ? in_f32(run, static_cast<size_t>(g->epilogue_bias)) : nullptr;
    return run_epilogue(y.data<float>(), y.shape(), ebias, g->bias_shape, z, g->rest, s);
  }

 private:
  std::optional<GemmPlan> plan(const ir::Node& n, const std::vector<Shape>& in, const Shape& y) const {
    const ir::OpKind k = n.kind();
    if (family_ == Family::Conv1x1) {
      return k == ir::OpKind::Conv || k == ir::OpKind::FusedConv ? plan_conv1x1(n, in, y) : std::nullopt;
    }
    if (k == ir::OpKind::Gemm || k == ir::OpKind::FusedGemm) return plan_gemm(n, in, y);
    if (k == ir::OpKind::MatMul || k == ir::OpKind::FusedMatMul) return plan_matmul(n, in, y);
    return std::nullopt;
  }

  Family family_;
};

}  // namespace

const Tactic& gemm_tactic() {
  static const CublasLtTactic t("cuda.f32_gemm_cublaslt", Family::Gemm);
  return t;
}

const Tactic& conv1x1_gemm_tactic() {
  static const CublasLtTactic t("cuda.f32_conv1x1_cublaslt", Family::Conv1x1);
  return t;
}

}  // namespace hone::cuda
