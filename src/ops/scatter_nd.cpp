// ScatterND: y = copy of data, then for each index tuple j (indices.shape[:-1]), with
// k = indices.shape[-1]:  y[indices[j], ...] (reduction)= updates[j, ...]
// where updates.shape = indices.shape[:-1] + data.shape[k:]. reduction: none, add, mul
// (opset 16), max, min (opset 18). Negative indices count from the back.
#include "ops/indexing.hpp"

namespace hone::ops {
namespace {

Status run(KernelContext& ctx) {
  const Tensor& x = ctx.input(0);
  const Tensor& indices = ctx.input(1);
  const Tensor& updates = ctx.input(2);
  HONE_ASSIGN_OR_RETURN(ScatterReduction reduction, parse_reduction(ctx));
  if (indices.rank() < 1) return ctx.bad_input("indices must have rank >= 1");
  const int64_t k = indices.shape().back();
  if (k < 1 || k > x.rank()) return ctx.bad_input("indices.shape[-1] = " + std::to_string(k) + " does not fit data rank");
  Shape expect(indices.shape().begin(), indices.shape().end() - 1);
  expect.insert(expect.end(), x.shape().begin() + k, x.shape().end());
  if (updates.shape() != expect || updates.dtype() != x.dtype()) {
    return ctx.bad_input("updates has shape " + shape_to_string(updates.shape()) + ", expected " + shape_to_string(expect));
  }
  HONE_ASSIGN_OR_RETURN(Tensor * y, ensure_output(ctx, 0, x.dtype(), x.shape()));
  copy_elements(x, 0, *y, 0, x.numel());
  const std::vector<int64_t> xs = shape_strides(x.shape());
  const int64_t block = dims_product(x.shape(), k, x.rank());
  const int64_t tuples = indices.numel() / k;
  std::vector<int64_t> targets(static_cast<size_t>(tuples));
  for (int64_t j = 0; j < tuples; ++j) {
    int64_t pos = 0;
    for (int64_t c = 0; c < k; ++c) {
      int64_t idx = indices.get_int64(j * k + c);
      if (!normalize_index(idx, x.dim(c))) return ctx.bad_input(index_error(indices.get_int64(j * k + c), x.dim(c)));
      pos += idx * xs[static_cast<size_t>(c)];
    }
    targets[static_cast<size_t>(j)] = pos;
  }
  return scatter_blocks(ctx, *y, updates, targets, block, reduction);
}

}  // namespace

HONE_DEFINE_OP(ScatterND){
    .name = "ScatterND",
    .min_inputs = 3,
    .max_inputs = 3,
    .attrs = {attr_string("reduction", "none")},
    .infer = infer_same_as_input,
    .run = run,
};

}  // namespace hone::ops
