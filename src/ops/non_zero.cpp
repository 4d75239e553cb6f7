// NonZero: y[:, j] = the coordinates (row-major order) of the j-th non-zero element of x;
// y is int64 [rank(x), count] (a scalar gives [0, count]). NaN counts as non-zero.
#include "ops/indexing.hpp"

namespace hone::ops {
namespace {

Status infer(InferContext& ctx) {
  const ir::TensorShape& s = ctx.input_shape(0);
  ir::TensorShape out = ir::TensorShape::of_rank(2);
  if (s.has_rank) out.dims[0] = static_cast<int64_t>(s.rank());
  ctx.set_output(0, DataType::Int64, out);
  return Status::ok();
}

bool is_nonzero(const Tensor& x, int64_t i) {
  if (x.dtype() == DataType::String) return !x.strings()[i].empty();
  return x.get_double(i) != 0.0;
}

Status run(KernelContext& ctx) {
  const Tensor& x = ctx.input(0);
  std::vector<int64_t> hits;
  for (int64_t i = 0; i < x.numel(); ++i) {
    if (is_nonzero(x, i)) hits.push_back(i);
  }
  const int64_t rank = x.rank(), n = static_cast<int64_t>(hits.size());
  HONE_ASSIGN_OR_RETURN(Tensor * y, ctx.allocate_output(0, DataType::Int64, {rank, n}));
  for (int64_t j = 0; j < n; ++j) {
    int64_t flat = hits[static_cast<size_t>(j)];
    for (int64_t d = rank; d-- > 0;) {
      y->data<int64_t>()[d * n + j] = flat % x.dim(d);
      flat /= x.dim(d);
    }
  }
  return Status::ok();
}

}  // namespace

HONE_DEFINE_OP(NonZero){
    .name = "NonZero",
    .min_inputs = 1,
    .max_inputs = 1,
    .infer = infer,
    .run = run,
};

}  // namespace hone::ops
