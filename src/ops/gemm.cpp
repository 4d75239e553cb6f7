// Gemm: Y[M,N] = alpha * A' * B' + beta * C, A' = transA ? A^T : A (M x K), B' = transB ? B^T : B
// (K x N). C is optional (opset 11+) and broadcasts unidirectionally to [M, N] (opsets < 7 ask
// for it with `broadcast`; we accept any unidirectionally broadcastable C in every opset).
#include "ops/linalg.hpp"
#include "ops/op_def.hpp"

namespace hone::ops {
namespace {

constexpr std::initializer_list<DataType> kTypes = {DataType::Float, DataType::Double, DataType::Float16,
                                                    DataType::BFloat16, DataType::Int32, DataType::Int64,
                                                    DataType::UInt32, DataType::UInt64};

// Whether c broadcasts unidirectionally to [m, n] (dims unknown pass).
bool c_broadcasts(const ir::TensorShape& c, const ir::Dim& m, const ir::Dim& n) {
  if (!c.has_rank) return true;
  if (c.rank() > 2) return false;
  const ir::Dim target[2] = {m, n};
  for (size_t i = 0; i < c.rank(); ++i) {
    const ir::Dim& d = c.dims[c.rank() - 1 - i];
    const ir::Dim& t = target[1 - i];
    if (d.is_known() && t.is_known() && d.value != 1 && d.value != t.value) return false;
  }
  return true;
}

Status infer(InferContext& ctx) {
  HONE_RETURN_IF_ERROR(ctx.require_dtype(0, kTypes));
  if (ctx.input_dtype(1) != ctx.input_dtype(0)) return ctx.error("A and B must have the same element type");
  const ir::TensorShape& a = ctx.input_shape(0);
  const ir::TensorShape& b = ctx.input_shape(1);
  ir::TensorShape out = ir::TensorShape::of_rank(2);
  const bool ta = ctx.attr_int("transA") != 0;
  const bool tb = ctx.attr_int("transB") != 0;
  if (a.has_rank && a.rank() != 2) return ctx.bad_input("A must be 2-D, got " + a.to_string());
  if (b.has_rank && b.rank() != 2) return ctx.bad_input("B must be 2-D, got " + b.to_string());
  ir::Dim ka, kb;
  if (a.has_rank) {
    out.dims[0] = a.dims[ta ? 1 : 0];
    ka = a.dims[ta ? 0 : 1];
  }
  if (b.has_rank) {
    out.dims[1] = b.dims[tb ? 0 : 1];
    kb = b.dims[tb ? 1 : 0];
  }
  if (ka.is_known() && kb.is_known() && ka.value != kb.value) {
    return ctx.bad_input("inner dimensions differ: A " + a.to_string() + ", B " + b.to_string());
  }
  if (ctx.has_input(2) && ctx.input_dtype(2) != ctx.input_dtype(0)) return ctx.error("C must have A's element type");
  if (ctx.has_input(2) && !c_broadcasts(ctx.input_shape(2), out.dims[0], out.dims[1])) {
    return ctx.bad_input("C of shape " + ctx.input_shape(2).to_string() + " does not broadcast to " + out.to_string());
  }
  ctx.set_output(0, ctx.input_dtype(0), std::move(out));
  return Status::ok();
}

Status run(KernelContext& ctx) {
  const Tensor& a = ctx.input(0);
  const Tensor& b = ctx.input(1);
  if (a.rank() != 2 || b.rank() != 2) return ctx.bad_input("A and B must be 2-D");
  if (b.dtype() != a.dtype()) return ctx.bad_input("A and B must have the same element type");
  const bool ta = ctx.attr_int("transA") != 0;
  const bool tb = ctx.attr_int("transB") != 0;
  const int64_t rows = a.dim(ta ? 1 : 0);
  const int64_t inner = a.dim(ta ? 0 : 1);
  const int64_t cols = b.dim(tb ? 0 : 1);
  if (b.dim(tb ? 1 : 0) != inner) return ctx.bad_input("inner dimensions differ");
  const float alpha = ctx.attr_float("alpha");
  const float beta = ctx.attr_float("beta");
  std::vector<int64_t> c_map;
  const Tensor* c = ctx.has_input(2) ? &ctx.input(2) : nullptr;
  if (c != nullptr) {
    if (c->rank() > 2) return ctx.bad_input("C must have rank <= 2");
    if (c->dtype() != a.dtype()) return ctx.bad_input("C must have A's element type");
    const Shape out_shape{rows, cols};
    const Shape& cs = c->shape();
    for (size_t i = 0; i < cs.size(); ++i) {
      if (cs[cs.size() - 1 - i] != 1 && cs[cs.size() - 1 - i] != out_shape[1 - i]) {
        return ctx.bad_input("C of shape " + shape_to_string(cs) + " does not broadcast to " +
                             shape_to_string(out_shape));
      }
    }
    c_map = broadcast_index_map(out_shape, cs);
  }
  Tensor& y = ctx.output(0);
  return dispatch_dtype<TypeSet::Numeric>(a.dtype(), "Gemm", [&](auto tag) -> Status {
    using T = typename decltype(tag)::type;
    using A = LinalgAcc<T>;
    // A' (rows x inner) and B' (inner x cols), contiguous, in the accumulation type.
    std::vector<A> ap(static_cast<size_t>(rows * inner));
    std::vector<A> bp(static_cast<size_t>(inner * cols));
    const T* ad = a.data<T>();
    const T* bd = b.data<T>();
    for (int64_t m = 0; m < rows; ++m) {
      for (int64_t k = 0; k < inner; ++k) ap[m * inner + k] = to_linalg_acc<T>(ta ? ad[k * rows + m] : ad[m * inner + k]);
    }
    for (int64_t k = 0; k < inner; ++k) {
      for (int64_t n = 0; n < cols; ++n) bp[k * cols + n] = to_linalg_acc<T>(tb ? bd[n * inner + k] : bd[k * cols + n]);
    }
    std::vector<A> p(static_cast<size_t>(rows * cols), A(0));
    matmul_accumulate(ap.data(), bp.data(), p.data(), rows, inner, cols);
    T* out = y.data<T>();
    for (size_t i = 0; i < p.size(); ++i) {
      if constexpr (std::is_integral_v<T>) {
        // Integers: exact when alpha = beta = 1 (the usual case), else through double.
        const A cv = c ? to_linalg_acc<T>(c->data<T>()[c_map[i]]) : A(0);
        if (alpha == 1.0f && beta == 1.0f) {
          out[i] = from_linalg_acc<T>(p[i] + cv);
        } else {
          out[i] = static_cast<T>(static_cast<int64_t>(alpha * static_cast<double>(static_cast<int64_t>(p[i])) +
                                                       beta * static_cast<double>(static_cast<int64_t>(cv))));
        }
      } else {
        A v = static_cast<A>(alpha) * p[i];
        if (c) v += static_cast<A>(beta) * to_linalg_acc<T>(c->data<T>()[c_map[i]]);
        out[i] = from_linalg_acc<T>(v);
      }
    }
    return Status::ok();
  });
}

}  // namespace

HONE_DEFINE_OP(Gemm){
    .name = "Gemm",
    .min_inputs = 2,
    .max_inputs = 3,
    .attrs = gemm_attrs(),
    .infer = infer,
    .run = run,
};

}  // namespace hone::ops
