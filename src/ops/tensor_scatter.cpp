// TensorScatter (opset 24, KV-cache update): y = copy of past_cache, then for each batch b
// and update position j along the sequence `axis` (default -2):
//   linear:   y[b, ..., write_indices[b] + j, ...] = update[b, ..., j, ...]
//   circular: y[b, ..., (write_indices[b] + j) mod max_seq_len, ...] = update[b, ..., j, ...]
// write_indices (int64[batch]) defaults to zeros. update's dims equal past_cache's except on axis.
#include "ops/indexing.hpp"

namespace hone::ops {
namespace {

Status run(KernelContext& ctx) {
  const Tensor& cache = ctx.input(0);
  const Tensor& update = ctx.input(1);
  const std::string& mode = ctx.attr_string("mode");
  if (mode != "linear" && mode != "circular") return ctx.error("unknown mode '" + mode + "'");
  if (cache.rank() < 2 || update.rank() != cache.rank() || update.dtype() != cache.dtype()) {
    return ctx.bad_input("past_cache and update must have the same rank >= 2 and element type");
  }
  HONE_ASSIGN_OR_RETURN(int64_t axis, normalize_axis(ctx.attr_int("axis"), cache.rank()));
  if (axis == 0) return ctx.error("axis cannot be the batch axis");
  for (int64_t d = 0; d < cache.rank(); ++d) {
    if (d != axis && update.dim(d) != cache.dim(d)) {
      return ctx.bad_input("update shape " + shape_to_string(update.shape()) + " does not match past_cache shape " +
                           shape_to_string(cache.shape()) + " outside the sequence axis");
    }
  }
  const int64_t batch = cache.dim(0), max_len = cache.dim(axis), len = update.dim(axis);
  std::vector<int64_t> starts(static_cast<size_t>(batch), 0);
  if (ctx.has_input(2)) {
    starts = ctx.input(2).to_int64_vector();
    if (static_cast<int64_t>(starts.size()) != batch) return ctx.bad_input("write_indices must have one entry per batch");
  }
  HONE_ASSIGN_OR_RETURN(Tensor * y, ensure_output(ctx, 0, cache.dtype(), cache.shape()));
  copy_elements(cache, 0, *y, 0, cache.numel());
  // Per batch: [mid = dims 1..axis-1] x [axis] x [inner = dims after axis].
  const int64_t mid = dims_product(cache.shape(), 1, axis);
  const int64_t inner = dims_product(cache.shape(), axis + 1, cache.rank());
  for (int64_t b = 0; b < batch; ++b) {
    const int64_t start = starts[static_cast<size_t>(b)];
    for (int64_t j = 0; j < len; ++j) {
      int64_t pos = start + j;
      if (mode == "circular") pos = max_len > 0 ? ((pos % max_len) + max_len) % max_len : pos;
      if (pos < 0 || pos >= max_len) return ctx.bad_input("write index " + std::to_string(pos) + " is out of range for a cache of length " + std::to_string(max_len));
      for (int64_t m = 0; m < mid; ++m) {
        copy_elements(update, ((b * mid + m) * len + j) * inner, *y, ((b * mid + m) * max_len + pos) * inner, inner);
      }
    }
  }
  return Status::ok();
}

}  // namespace

HONE_DEFINE_OP(TensorScatter){
    .name = "TensorScatter",
    .min_inputs = 2,
    .max_inputs = 3,
    .attrs = {attr_int("axis", -2), attr_string("mode", "linear")},
    .infer = infer_same_as_input,
    .run = run,
};

}  // namespace hone::ops
