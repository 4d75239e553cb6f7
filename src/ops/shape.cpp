// Shape: y = the dims of x as int64[], optionally sliced to [start, end) (opset 15+; negative
// values count from the back, both clamped to [0, rank]).
#include "ops/indexing.hpp"

#include <algorithm>

namespace hone::ops {
namespace {

// The [begin, end) range of dims Shape reports for a tensor of `rank`.
std::pair<int64_t, int64_t> dim_range(const AttrReader& ctx, int64_t rank) {
  int64_t start = ctx.has_attr("start") ? ctx.attr_int("start") : 0;
  int64_t end = ctx.has_attr("end") ? ctx.attr_int("end") : rank;
  if (start < 0) start += rank;
  if (end < 0) end += rank;
  start = std::clamp<int64_t>(start, 0, rank);
  end = std::clamp<int64_t>(end, 0, rank);
  return {start, std::max(start, end)};
}

Status infer(InferContext& ctx) {
  const ir::TensorShape& s = ctx.input_shape(0);
  if (!s.has_rank) {
    ctx.set_output(0, DataType::Int64, unknown_shape(1));
    return Status::ok();
  }
  auto [b, e] = dim_range(ctx, static_cast<int64_t>(s.rank()));
  ctx.set_output(0, DataType::Int64, ir::TensorShape::of({e - b}));
  return Status::ok();
}

Status run(KernelContext& ctx) {
  const Tensor& x = ctx.input(0);
  auto [b, e] = dim_range(ctx, x.rank());
  HONE_ASSIGN_OR_RETURN(Tensor * y, ensure_output(ctx, 0, DataType::Int64, {e - b}));
  for (int64_t d = b; d < e; ++d) y->data<int64_t>()[d - b] = x.dim(d);
  return Status::ok();
}

}  // namespace

HONE_DEFINE_OP(Shape){
    .name = "Shape",
    .min_inputs = 1,
    .max_inputs = 1,
    .attrs = {attr_optional("start", AttrType::Int), attr_optional("end", AttrType::Int)},
    .infer = infer,
    .run = run,
};

}  // namespace hone::ops
