// ReverseSequence: for each batch entry b, reverses its first sequence_lens[b] steps along
// time_axis and copies the rest: y[b, t] = x[b, len_b - 1 - t] for t < len_b, else x[b, t].
// batch_axis / time_axis are 0 and 1 in either order.
#include "ops/indexing.hpp"

namespace hone::ops {
namespace {

Status run(KernelContext& ctx) {
  const Tensor& x = ctx.input(0);
  const int64_t batch_axis = ctx.attr_int("batch_axis"), time_axis = ctx.attr_int("time_axis");
  if (x.rank() < 2) return ctx.bad_input("input must have rank >= 2");
  if (!((batch_axis == 0 && time_axis == 1) || (batch_axis == 1 && time_axis == 0))) {
    return ctx.error("batch_axis and time_axis must be 0 and 1");
  }
  const std::vector<int64_t> lens = ctx.input(1).to_int64_vector();
  const int64_t batch = x.dim(batch_axis), steps = x.dim(time_axis);
  if (static_cast<int64_t>(lens.size()) != batch) return ctx.bad_input("sequence_lens must have one entry per batch");
  HONE_ASSIGN_OR_RETURN(Tensor * y, ensure_output(ctx, 0, x.dtype(), x.shape()));
  const std::vector<int64_t> xs = shape_strides(x.shape());
  const int64_t inner = dims_product(x.shape(), 2, x.rank());
  for (int64_t b = 0; b < batch; ++b) {
    const int64_t len = lens[static_cast<size_t>(b)];
    if (len < 0 || len > steps) return ctx.bad_input("sequence length " + std::to_string(len) + " is out of range");
    for (int64_t t = 0; t < steps; ++t) {
      const int64_t src_t = t < len ? len - 1 - t : t;
      copy_elements(x, b * xs[static_cast<size_t>(batch_axis)] + src_t * xs[static_cast<size_t>(time_axis)], *y,
                    b * xs[static_cast<size_t>(batch_axis)] + t * xs[static_cast<size_t>(time_axis)], inner);
    }
  }
  return Status::ok();
}

}  // namespace

HONE_DEFINE_OP(ReverseSequence){
    .name = "ReverseSequence",
    .min_inputs = 2,
    .max_inputs = 2,
    .attrs = {attr_int("batch_axis", 1), attr_int("time_axis", 0)},
    .infer = infer_same_as_input,
    .run = run,
};

}  // namespace hone::ops
