// SplitToSequence: splits a tensor along `axis` into a sequence. With no `split` input the
// pieces have length 1 (squeezed when keepdims=0); a scalar `split` gives pieces of that
// length (the last one shorter when it does not divide); a 1-D `split` lists the lengths.
#include "ops/sequence.hpp"

namespace hone::ops {
namespace {

Status infer(InferContext& ctx) {
  if (!ctx.input_type(0).is_tensor()) return ctx.error("input 0 must be a tensor");
  const ir::TensorShape& in = ctx.input_shape(0);
  ir::TensorShape elem = ir::TensorShape::unknown();
  if (in.has_rank) {
    HONE_ASSIGN_OR_RETURN(int64_t axis, normalize_axis(ctx.attr_int("axis"), static_cast<int64_t>(in.rank())));
    elem = in;
    if (!ctx.has_input(1)) {
      if (ctx.attr_int("keepdims") != 0) {
        elem.dims[static_cast<size_t>(axis)] = 1;
      } else {
        elem.dims.erase(elem.dims.begin() + axis);
      }
    } else {
      elem.dims[static_cast<size_t>(axis)] = ir::Dim();
    }
  }
  ctx.set_output(0, ir::Type::sequence(ir::Type::tensor(ctx.input_dtype(0), elem)));
  return Status::ok();
}

Status run(KernelContext& ctx) {
  const Tensor& x = ctx.input(0);
  HONE_ASSIGN_OR_RETURN(int64_t axis, normalize_axis(ctx.attr_int("axis"), x.rank()));
  const size_t ax = static_cast<size_t>(axis);
  const int64_t dim = x.dim(axis);
  std::vector<int64_t> lengths;
  bool squeeze = false;
  if (!ctx.has_input(1)) {
    lengths.assign(static_cast<size_t>(dim), 1);
    squeeze = ctx.attr_int("keepdims") == 0;
  } else {
    const Tensor& split = ctx.input(1);
    if (split.dtype() != DataType::Int32 && split.dtype() != DataType::Int64) {
      return ctx.bad_input("split must be int32 or int64");
    }
    std::vector<int64_t> s = split.to_int64_vector();
    if (split.rank() == 0) {
      if (s[0] <= 0) return ctx.bad_input("split length must be positive, got " + std::to_string(s[0]));
      for (int64_t start = 0; start < dim; start += s[0]) lengths.push_back(std::min(s[0], dim - start));
    } else {
      int64_t total = 0;
      for (int64_t v : s) {
        if (v < 0) return ctx.bad_input("split lengths must be >= 0, got " + std::to_string(v));
        total += v;
      }
      if (total != dim) {
        return ctx.bad_input("split lengths sum to " + std::to_string(total) + " but the axis has " + std::to_string(dim));
      }
      lengths = s;
    }
  }
  std::vector<Tensor> pieces;
  int64_t start = 0;
  for (int64_t len : lengths) {
    pieces.push_back(squeeze ? take_axis(x, ax, start) : slice_axis(x, ax, start, len));
    start += len;
  }
  ctx.set_output(0, Datum::of_sequence(std::move(pieces), x.dtype()));
  return Status::ok();
}

}  // namespace

HONE_DEFINE_OP(SplitToSequence){
    .name = "SplitToSequence",
    .min_inputs = 1,
    .max_inputs = 2,
    .attrs = {attr_int("axis", 0), attr_int("keepdims", 1)},
    .infer = infer,
    .run = run,
};

}  // namespace hone::ops
