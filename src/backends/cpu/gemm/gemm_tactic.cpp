// Tactic cpu.f32_gemm_<isa>: Gemm, FusedGemm, MatMul and FusedMatMul on sgemm (gemm.hpp),
// one instance per ISA level. Constant operands (fully-connected weights, usually B) are
// packed once by prepare(); Gemm's alpha, beta * C (C broadcast as ONNX allows), FusedMatMul's
// bias and the fused epilogue run in sgemm's store path. MatMul batches follow numpy
// broadcasting; a batched A times one B is a single GEMM over all rows.
#include <algorithm>
#include <string>

#include "backends/cpu/gemm/gemm_layer.hpp"
#include "backends/cpu/gemm/gemm_tactics.hpp"
#include "ops/linalg.hpp"

namespace hone::cpu {
namespace {

bool is_gemm(ir::OpKind k) { return k == ir::OpKind::Gemm || k == ir::OpKind::FusedGemm; }
bool is_matmul(ir::OpKind k) { return k == ir::OpKind::MatMul || k == ir::OpKind::FusedMatMul; }

// prepare() packs exactly the constant operands; run() derives the same from the node.
struct PackPlan {
  bool a = false;
  bool b = false;
  size_t count() const { return (a ? 1 : 0) + (b ? 1 : 0); }
};
PackPlan pack_plan(const ir::Node& node) {
  return {node.input(0) && node.input(0)->is_constant(), node.input(1) && node.input(1)->is_constant()};
}

// ---- Gemm ----

// A' = transA ? A^T : A (m x k), B' = transB ? B^T : B (k x n); ld* are the stored row lengths.
struct GemmDims {
  size_t m = 0, n = 0, k = 0;
  bool trans_a = false, trans_b = false;
};

GemmDims gemm_a_dims(const Shape& a, bool trans_a) {
  GemmDims d;
  d.trans_a = trans_a;
  d.m = static_cast<size_t>(a[trans_a ? 1 : 0]);
  d.k = static_cast<size_t>(a[trans_a ? 0 : 1]);
  return d;
}

Result<GemmDims> gemm_dims(const ops::AttrReader& r, const Shape& a, const Shape& b) {
  if (a.size() != 2 || b.size() != 2) return r.bad_input("A and B must be 2-D");
  GemmDims d = gemm_a_dims(a, r.attr_int("transA") != 0);
  d.trans_b = r.attr_int("transB") != 0;
  if (static_cast<size_t>(b[d.trans_b ? 1 : 0]) != d.k) return r.bad_input("inner dimensions differ");
  d.n = static_cast<size_t>(b[d.trans_b ? 0 : 1]);
  return d;
}

// C (rank <= 2) broadcast unidirectionally to [m, n] as a GemmBias.
Result<GemmBias> gemm_bias(const ops::AttrReader& r, const Tensor& c, size_t m, size_t n, float beta) {
  if (c.rank() > 2) return r.bad_input("C must have rank <= 2");
  const size_t c1 = c.rank() >= 1 ? static_cast<size_t>(c.dim(c.rank() - 1)) : 1;
  const size_t c0 = c.rank() == 2 ? static_cast<size_t>(c.dim(0)) : 1;
  if ((c0 != 1 && c0 != m) || (c1 != 1 && c1 != n)) {
    return r.bad_input("C of shape " + shape_to_string(c.shape()) + " does not broadcast to [" + std::to_string(m) +
                       "," + std::to_string(n) + "]");
  }
  GemmBias bias;
  bias.data = c.data<float>();
  bias.row_stride = c0 == 1 ? 0 : c1;
  bias.col_stride = c1 == 1 ? 0 : 1;
  bias.scale = beta;
  return bias;
}

// ---- MatMul ----

// numpy matmul: A [..., m, k] (1-D: [k] as [1, k]) times B [..., k, n] (1-D: [k] as [k, 1]).
struct MatMulDims {
  size_t m = 0, n = 0, k = 0;
  bool a_vector = false, b_vector = false;
  Shape batch;                       // broadcast batch dims of the output
  size_t a_count = 1, b_count = 1;   // matrices stored in A / B
  std::vector<int64_t> a_map, b_map;  // per output matrix: which A / B matrix
};

// Matrices in an operand and its (m or k, k or n) from its shape, 1-D promoted.
void matmul_operand(const Shape& s, bool is_a, size_t* rows, size_t* cols, Shape* batch) {
  Shape p = s;
  if (p.size() == 1) {
    if (is_a) p.insert(p.begin(), 1);
    else p.push_back(1);
  }
  *rows = static_cast<size_t>(p[p.size() - 2]);
  *cols = static_cast<size_t>(p.back());
  batch->assign(p.begin(), p.end() - 2);
}

Result<MatMulDims> matmul_dims(const ops::AttrReader& r, const Shape& a, const Shape& b) {
  if (a.empty() || b.empty()) return r.bad_input("MatMul inputs must have rank >= 1");
  MatMulDims d;
  d.a_vector = a.size() == 1;
  d.b_vector = b.size() == 1;
  Shape a_batch, b_batch;
  size_t kb = 0;
  matmul_operand(a, true, &d.m, &d.k, &a_batch);
  matmul_operand(b, false, &kb, &d.n, &b_batch);
  if (kb != d.k) return r.bad_input("inner dimensions differ: " + shape_to_string(a) + " x " + shape_to_string(b));
  auto batch = ops::broadcast_shapes(a_batch, b_batch);
  if (!batch.is_ok()) return r.bad_input("batch dims: " + batch.status().message());
  d.batch = *batch;
  d.a_count = static_cast<size_t>(shape_numel(a_batch));
  d.b_count = static_cast<size_t>(shape_numel(b_batch));
  d.a_map = ops::broadcast_index_map(d.batch, a_batch);
  d.b_map = ops::broadcast_index_map(d.batch, b_batch);
  return d;
}

// FusedMatMul's bias, which broadcasts to Y without growing it, per output matrix: the
// offset of its [m, n] slice and its row/column strides there.
struct MatMulBias {
  GemmBias bias;                 // data at the first matrix, strides within a matrix
  std::vector<int64_t> offsets;  // per output matrix, in elements
};

Result<MatMulBias> matmul_bias(const ops::AttrReader& r, const Tensor& bias, const MatMulDims& d, const Shape& y) {
  const Shape& s = bias.shape();
  auto fail = [&] {
    return r.bad_input("bias " + shape_to_string(s) + " does not broadcast to the product " + shape_to_string(y));
  };
  if (s.size() > y.size()) return fail();
  Shape padded(y.size() - s.size(), 1);
  padded.insert(padded.end(), s.begin(), s.end());
  // The bias over the promoted product batch + [m, n] (Y drops the m / n of 1-D operands).
  const size_t br = d.batch.size();
  const Shape bias_batch(padded.begin(), padded.begin() + static_cast<std::ptrdiff_t>(br));
  const size_t bm = d.a_vector ? 1 : static_cast<size_t>(padded[br]);
  const size_t bn = d.b_vector ? 1 : static_cast<size_t>(padded.back());
  for (size_t i = 0; i < br; ++i) {
    if (bias_batch[i] != 1 && bias_batch[i] != d.batch[i]) return fail();
  }
  if ((bm != 1 && bm != d.m) || (bn != 1 && bn != d.n)) return fail();
  MatMulBias out;
  out.bias.data = bias.data<float>();
  out.bias.row_stride = bm == 1 ? 0 : bn;
  out.bias.col_stride = bn == 1 ? 0 : 1;
  out.offsets = ops::broadcast_index_map(d.batch, bias_batch);
  for (int64_t& o : out.offsets) o *= static_cast<int64_t>(bm * bn);
  return out;
}

class GemmTactic final : public Tactic {
 public:
  explicit GemmTactic(CpuIsa isa) : isa_(isa), id_(gemm_tactic_id("f32_gemm", isa)) {}
  std::string_view id() const override { return id_; }
  std::vector<std::string> required_isa() const override { return isa_features(isa_); }

  bool supports(const LayerDesc& layer, const CpuFeatures& cpu) const override {
    if (!has_isa(cpu, isa_) || !is_float32_layer(layer) || layer.output_types.size() != 1) return false;
    const ir::Node& node = *layer.node;
    const ir::OpKind kind = node.kind();
    if (!is_gemm(kind) && !is_matmul(kind)) return false;
    if (!has_valid_epilogue(node)) return false;
    const ir::TensorShape& a = layer.input_types[0].shape;
    const ir::TensorShape& b = layer.input_types[1].shape;
    if (is_gemm(kind)) {
      if (a.rank() != 2 || b.rank() != 2) return false;
      if (node.input(2) && layer.input_types[2].shape.rank() > 2) return false;
      return true;
    }
    return a.rank() >= 1 && b.rank() >= 1;
  }

  size_t workspace_bytes(const LayerDesc& layer) const override {
    const ir::Node& node = *layer.node;
    const PackPlan plan = pack_plan(node);
    const ir::TensorShape& a = layer.input_types[0].shape;
    const ir::TensorShape& b = layer.input_types[1].shape;
    size_t m, n, k;
    if (is_gemm(node.kind())) {
      const ops::AttrReader r = attr_reader(node);
      const bool ta = r.attr_int("transA") != 0, tb = r.attr_int("transB") != 0;
      m = dim_or(a.dims[ta ? 1 : 0], kUnknownDimBound);
      k = dim_or(a.dims[ta ? 0 : 1], kUnknownDimBound);
      n = dim_or(b.dims[tb ? 0 : 1], kUnknownDimBound);
    } else {
      // All output rows count as M: a batched A times one B is folded into one GEMM.
      m = 1;
      for (size_t i = 0; i + 1 < a.rank(); ++i) m *= dim_or(a.dims[i], kUnknownDimBound);
      k = dim_or(a.dims.back(), kUnknownDimBound);
      n = b.rank() == 1 ? 1 : dim_or(b.dims.back(), kUnknownDimBound);
    }
    return sgemm_workspace_bytes(isa_, m, n, k, plan.a, plan.b);
  }

  Result<std::vector<Tensor>> prepare(const LayerDesc& layer) const override {
    const ir::Node& node = *layer.node;
    const PackPlan plan = pack_plan(node);
    std::vector<Tensor> out;
    if (is_gemm(node.kind())) {
      const ops::AttrReader r = attr_reader(node);
      if (plan.a) {
        const Tensor& a = node.input(0)->constant();
        if (a.rank() != 2) return r.bad_input("A must be 2-D");
        const GemmDims d = gemm_a_dims(a.shape(), r.attr_int("transA") != 0);
        HONE_ASSIGN_OR_RETURN(Tensor p, Tensor::create(DataType::Float, {1, static_cast<int64_t>(packed_a_floats(isa_, d.m, d.k))}));
        pack_a(isa_, d.m, d.k, a.data<float>(), static_cast<size_t>(a.dim(1)), d.trans_a, p.data<float>());
        out.push_back(std::move(p));
      }
      if (plan.b) {
        const Tensor& b = node.input(1)->constant();
        if (b.rank() != 2) return r.bad_input("B must be 2-D");
        const bool tb = r.attr_int("transB") != 0;
        const size_t k = static_cast<size_t>(b.dim(tb ? 1 : 0)), n = static_cast<size_t>(b.dim(tb ? 0 : 1));
        HONE_ASSIGN_OR_RETURN(Tensor p, Tensor::create(DataType::Float, {1, static_cast<int64_t>(packed_b_floats(isa_, k, n))}));
        pack_b(isa_, k, n, b.data<float>(), static_cast<size_t>(b.dim(1)), tb, p.data<float>());
        out.push_back(std::move(p));
      }
      return out;
    }
    for (int operand = 0; operand < 2; ++operand) {
      if (!(operand == 0 ? plan.a : plan.b)) continue;
      const Tensor& t = node.input(static_cast<size_t>(operand))->constant();
      if (t.rank() < 1) return attr_reader(node).bad_input("MatMul inputs must have rank >= 1");
      size_t rows, cols;
      Shape batch;
      matmul_operand(t.shape(), operand == 0, &rows, &cols, &batch);
      const size_t count = static_cast<size_t>(shape_numel(batch));
      const size_t per = operand == 0 ? packed_a_floats(isa_, rows, cols) : packed_b_floats(isa_, rows, cols);
      HONE_ASSIGN_OR_RETURN(Tensor p, Tensor::create(DataType::Float, {static_cast<int64_t>(count), static_cast<int64_t>(per)}));
      for (size_t i = 0; i < count; ++i) {
        const float* src = t.data<float>() + i * rows * cols;
        if (operand == 0) pack_a(isa_, rows, cols, src, cols, false, p.data<float>() + i * per);
        else pack_b(isa_, rows, cols, src, cols, false, p.data<float>() + i * per);
      }
      out.push_back(std::move(p));
    }
    return out;
  }

  Status run(const LayerRun& run) const override {
    ops::KernelContext& ctx = run.kernel;
    const Tensor& a = ctx.input(0);
    const Tensor& b = ctx.input(1);
    Tensor& y = ctx.output(0);
    if (a.dtype() != DataType::Float || b.dtype() != DataType::Float || y.dtype() != DataType::Float) {
      return ctx.bad_input(std::string(id_) + " runs float32 layers only");
    }
    HONE_ASSIGN_OR_RETURN(const ops::Epilogue e, epilogue_of(ctx));
    GemmEpilogue ep;
    ep.activation = e.activation;
    ep.post_activation = e.post_activation;
    const Tensor* z = nullptr;
    if (ctx.node().kind() != ir::OpKind::Gemm && ctx.node().kind() != ir::OpKind::MatMul &&
        ctx.has_input(ops::kEpilogueResidualInput)) {
      z = &ctx.input(ops::kEpilogueResidualInput);
      if (z->dtype() != DataType::Float || z->shape() != y.shape()) {
        return ctx.bad_input("Z " + shape_to_string(z->shape()) + " must have the output's shape " +
                             shape_to_string(y.shape()));
      }
    }
    if (is_gemm(ctx.node().kind())) return run_gemm(run, a, b, y, z, ep);
    return run_matmul(run, a, b, y, z, ep);
  }

 private:
  Status run_gemm(const LayerRun& run, const Tensor& a, const Tensor& b, Tensor& y, const Tensor* z,
                  GemmEpilogue ep) const {
    ops::KernelContext& ctx = run.kernel;
    HONE_ASSIGN_OR_RETURN(const GemmDims d, gemm_dims(ctx, a.shape(), b.shape()));
    if (y.shape() != Shape{static_cast<int64_t>(d.m), static_cast<int64_t>(d.n)}) {
      return ctx.bad_input("the output has shape " + shape_to_string(y.shape()));
    }
    const PackPlan plan = pack_plan(ctx.node());
    std::vector<size_t> floats;
    if (plan.a) floats.push_back(packed_a_floats(isa_, d.m, d.k));
    if (plan.b) floats.push_back(packed_b_floats(isa_, d.k, d.n));
    HONE_RETURN_IF_ERROR(check_packed(run.packed, floats, id_));
    ep.alpha = ctx.attr_float("alpha");
    if (ctx.has_input(2)) {
      const Tensor& c = ctx.input(2);
      if (c.dtype() != DataType::Float) return ctx.bad_input("C must be float32");
      HONE_ASSIGN_OR_RETURN(ep.bias, gemm_bias(ctx, c, d.m, d.n, ctx.attr_float("beta")));
    }
    if (z) {
      ep.residual = z->data<float>();
      ep.ldz = d.n;
    }
    const GemmOperand ao = plan.a ? GemmOperand::prepacked(run.packed[0].data<float>())
                                  : GemmOperand::matrix(a.data<float>(), static_cast<size_t>(a.dim(1)), d.trans_a);
    const GemmOperand bo = plan.b ? GemmOperand::prepacked(run.packed[plan.a ? 1 : 0].data<float>())
                                  : GemmOperand::matrix(b.data<float>(), static_cast<size_t>(b.dim(1)), d.trans_b);
    return sgemm(isa_, d.m, d.n, d.k, ao, bo, y.data<float>(), d.n, ep, run.pool, run.workspace);
  }

  Status run_matmul(const LayerRun& run, const Tensor& a, const Tensor& b, Tensor& y, const Tensor* z,
                    GemmEpilogue ep) const {
    ops::KernelContext& ctx = run.kernel;
    HONE_ASSIGN_OR_RETURN(const MatMulDims d, matmul_dims(ctx, a.shape(), b.shape()));
    const size_t count = static_cast<size_t>(shape_numel(d.batch));
    if (static_cast<size_t>(y.numel()) != count * d.m * d.n) {
      return ctx.bad_input("the output has shape " + shape_to_string(y.shape()));
    }
    const PackPlan plan = pack_plan(ctx.node());
    const size_t a_per = packed_a_floats(isa_, d.m, d.k), b_per = packed_b_floats(isa_, d.k, d.n);
    std::vector<size_t> floats;
    if (plan.a) floats.push_back(d.a_count * a_per);
    if (plan.b) floats.push_back(d.b_count * b_per);
    HONE_RETURN_IF_ERROR(check_packed(run.packed, floats, id_));
    const float* a_packed = plan.a ? run.packed[0].data<float>() : nullptr;
    const float* b_packed = plan.b ? run.packed[plan.a ? 1 : 0].data<float>() : nullptr;

    MatMulBias bias;
    const bool has_bias = ctx.node().kind() == ir::OpKind::FusedMatMul && ctx.has_input(2);
    if (has_bias) {
      if (ctx.input(2).dtype() != DataType::Float) return ctx.bad_input("bias must be float32");
      HONE_ASSIGN_OR_RETURN(bias, matmul_bias(ctx, ctx.input(2), d, y.shape()));
      ep.bias = bias.bias;
    }
    ep.ldz = d.n;
    const float* z_data = z ? z->data<float>() : nullptr;

    // One B for every output matrix, A not prepacked, a bias that repeats per row: the
    // output matrices stacked are one GEMM of count * m rows.
    const bool bias_repeats =
        !has_bias || (bias.bias.row_stride == 0 &&
                      std::all_of(bias.offsets.begin(), bias.offsets.end(), [](int64_t o) { return o == 0; }));
    if (d.b_count == 1 && d.a_count == count && !plan.a && bias_repeats) {
      ep.residual = z_data;
      const GemmOperand ao = GemmOperand::matrix(a.data<float>(), d.k);
      const GemmOperand bo = plan.b ? GemmOperand::prepacked(b_packed) : GemmOperand::matrix(b.data<float>(), d.n);
      return sgemm(isa_, count * d.m, d.n, d.k, ao, bo, y.data<float>(), d.n, ep, run.pool, run.workspace);
    }
    for (size_t i = 0; i < count; ++i) {
      const size_t ai = static_cast<size_t>(d.a_map[i]), bi = static_cast<size_t>(d.b_map[i]);
      const GemmOperand ao = plan.a ? GemmOperand::prepacked(a_packed + ai * a_per)
                                    : GemmOperand::matrix(a.data<float>() + ai * d.m * d.k, d.k);
      const GemmOperand bo = plan.b ? GemmOperand::prepacked(b_packed + bi * b_per)
                                    : GemmOperand::matrix(b.data<float>() + bi * d.k * d.n, d.n);
      if (has_bias) ep.bias.data = bias.bias.data + bias.offsets[i];
      ep.residual = z_data ? z_data + i * d.m * d.n : nullptr;
      HONE_RETURN_IF_ERROR(sgemm(isa_, d.m, d.n, d.k, ao, bo, y.data<float>() + i * d.m * d.n, d.n, ep, run.pool,
                                 run.workspace));
    }
    return Status::ok();
  }

  CpuIsa isa_;
  std::string id_;
};

}  // namespace

const Tactic& gemm_tactic(CpuIsa isa) { return tactic_for_isa<GemmTactic>(isa); }

}  // namespace hone::cpu
