// Det: the determinant of each square matrix in the trailing two dims, x [..., M, M] -> y [...].
// LU factorization with partial pivoting: det = (-1)^swaps * prod(diag(U)).
#include <cmath>
#include <utility>

#include "ops/op_def.hpp"
#include "ops/softmax.hpp"

namespace hone::ops {
namespace {

Status infer(InferContext& ctx) {
  HONE_RETURN_IF_ERROR(ctx.require_dtype(0, {DataType::Float, DataType::Double, DataType::Float16, DataType::BFloat16}));
  const ir::TensorShape& s = ctx.input_shape(0);
  if (!s.has_rank) {
    ctx.set_output(0, ctx.input_dtype(0), ir::TensorShape::unknown());
    return Status::ok();
  }
  if (s.rank() < 2) return ctx.bad_input("input must have rank >= 2, got " + s.to_string());
  const ir::Dim& rows = s.dims[s.rank() - 2];
  const ir::Dim& cols = s.dims[s.rank() - 1];
  if (rows.is_known() && cols.is_known() && rows.value != cols.value) {
    return ctx.bad_input("matrices must be square, got " + s.to_string());
  }
  ir::TensorShape out = s;
  out.dims.resize(s.rank() - 2);
  ctx.set_output(0, ctx.input_dtype(0), std::move(out));
  return Status::ok();
}

template <class A>
A determinant(A* m, int64_t n) {
  A det = 1;
  for (int64_t k = 0; k < n; ++k) {
    int64_t pivot = k;
    for (int64_t r = k + 1; r < n; ++r) {
      if (std::abs(m[r * n + k]) > std::abs(m[pivot * n + k])) pivot = r;
    }
    if (m[pivot * n + k] == A(0)) return A(0);
    if (pivot != k) {
      for (int64_t c = 0; c < n; ++c) std::swap(m[k * n + c], m[pivot * n + c]);
      det = -det;
    }
    det *= m[k * n + k];
    for (int64_t r = k + 1; r < n; ++r) {
      const A f = m[r * n + k] / m[k * n + k];
      for (int64_t c = k; c < n; ++c) m[r * n + c] -= f * m[k * n + c];
    }
  }
  return det;
}

Status run(KernelContext& ctx) {
  const Tensor& x = ctx.input(0);
  if (x.rank() < 2 || x.dim(x.rank() - 1) != x.dim(x.rank() - 2)) return ctx.bad_input("matrices must be square");
  const int64_t n = x.dim(x.rank() - 1);
  return dispatch_dtype<TypeSet::Float>(x.dtype(), "Det", [&](auto tag) -> Status {
    using T = typename decltype(tag)::type;
    using A = FloatAcc<T>;
    std::vector<A> buf = to_acc_vector<T>(x);
    Tensor& y = ctx.output(0);
    for (int64_t b = 0; b < y.numel(); ++b) y.data<T>()[b] = T(determinant(buf.data() + b * n * n, n));
    return Status::ok();
  });
}

}  // namespace

HONE_DEFINE_OP(Det){
    .name = "Det",
    .min_inputs = 1,
    .max_inputs = 1,
    .infer = infer,
    .run = run,
};

}  // namespace hone::ops
