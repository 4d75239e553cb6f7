// MatMul with numpy semantics: y[..., m, n] = sum_k a[..., m, k] * b[..., k, n]. A 1-D `a` is
// promoted to [1, K] and a 1-D `b` to [K, 1] (the promoted dims are removed again); the batch
// dims broadcast. Floats accumulate in float (double for double), integers wrap like numpy.
#include "ops/linalg.hpp"
#include "ops/op_def.hpp"

namespace hone::ops {
namespace {

constexpr std::initializer_list<DataType> kTypes = {
    DataType::Float, DataType::Double, DataType::Float16, DataType::BFloat16, DataType::Int8,   DataType::Int16,
    DataType::Int32, DataType::Int64,  DataType::UInt8,   DataType::UInt16,   DataType::UInt32, DataType::UInt64};

ir::TensorShape batch_of(const std::vector<ir::Dim>& dims) {
  ir::TensorShape s;
  s.has_rank = true;
  s.dims.assign(dims.begin(), dims.end() - 2);
  return s;
}

Status infer(InferContext& ctx) {
  HONE_RETURN_IF_ERROR(ctx.require_dtype(0, kTypes));
  if (ctx.input_dtype(1) != ctx.input_dtype(0)) return ctx.error("inputs must have the same element type");
  const ir::TensorShape& a = ctx.input_shape(0);
  const ir::TensorShape& b = ctx.input_shape(1);
  if (!a.has_rank || !b.has_rank) {
    ctx.set_output(0, ctx.input_dtype(0), ir::TensorShape::unknown());
    return Status::ok();
  }
  if (a.rank() == 0 || b.rank() == 0) return ctx.bad_input("MatMul inputs must have rank >= 1");
  std::vector<ir::Dim> ad = a.dims;
  std::vector<ir::Dim> bd = b.dims;
  if (a.rank() == 1) ad.insert(ad.begin(), ir::Dim(1));
  if (b.rank() == 1) bd.push_back(ir::Dim(1));
  const ir::Dim& ka = ad.back();
  const ir::Dim& kb = bd[bd.size() - 2];
  if (ka.is_known() && kb.is_known() && ka.value != kb.value) {
    return ctx.bad_input("inner dimensions differ: " + a.to_string() + " x " + b.to_string());
  }
  auto batch = broadcast_shapes(batch_of(ad), batch_of(bd));
  if (!batch.is_ok()) return ctx.bad_input("batch dims: " + batch.status().message());
  ir::TensorShape out = *batch;
  if (a.rank() > 1) out.dims.push_back(ad[ad.size() - 2]);
  if (b.rank() > 1) out.dims.push_back(bd.back());
  ctx.set_output(0, ctx.input_dtype(0), std::move(out));
  return Status::ok();
}

Status run(KernelContext& ctx) {
  const Tensor& a = ctx.input(0);
  const Tensor& b = ctx.input(1);
  Shape as = a.shape();
  Shape bs = b.shape();
  if (as.empty() || bs.empty()) return ctx.bad_input("MatMul inputs must have rank >= 1");
  if (a.dtype() != b.dtype()) return ctx.bad_input("inputs must have the same element type");
  if (as.size() == 1) as.insert(as.begin(), 1);
  if (bs.size() == 1) bs.push_back(1);
  const int64_t rows = as[as.size() - 2];
  const int64_t inner = as.back();
  const int64_t cols = bs.back();
  if (bs[bs.size() - 2] != inner) {
    return ctx.bad_input("inner dimensions differ: " + shape_to_string(a.shape()) + " x " + shape_to_string(b.shape()));
  }
  const Shape a_batch(as.begin(), as.end() - 2);
  const Shape b_batch(bs.begin(), bs.end() - 2);
  HONE_ASSIGN_OR_RETURN(Shape batch, broadcast_shapes(a_batch, b_batch));
  const std::vector<int64_t> a_map = broadcast_index_map(batch, a_batch);
  const std::vector<int64_t> b_map = broadcast_index_map(batch, b_batch);
  Tensor& y = ctx.output(0);
  return dispatch_dtype<TypeSet::Numeric>(a.dtype(), "MatMul", [&](auto tag) -> Status {
    using T = typename decltype(tag)::type;
    using A = LinalgAcc<T>;
    const std::vector<A> av = to_linalg_vector<T>(a);
    const std::vector<A> bv = to_linalg_vector<T>(b);
    std::vector<A> c(static_cast<size_t>(rows * cols));
    T* out = y.data<T>();
    for (size_t i = 0; i < a_map.size(); ++i) {
      std::fill(c.begin(), c.end(), A(0));
      matmul_accumulate(av.data() + a_map[i] * rows * inner, bv.data() + b_map[i] * inner * cols, c.data(), rows,
                        inner, cols);
      for (size_t j = 0; j < c.size(); ++j) out[i * c.size() + j] = from_linalg_acc<T>(c[j]);
    }
    return Status::ok();
  });
}

}  // namespace

HONE_DEFINE_OP(MatMul){
    .name = "MatMul",
    .min_inputs = 2,
    .max_inputs = 2,
    .infer = infer,
    .run = run,
};

}  // namespace hone::ops
