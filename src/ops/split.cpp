// Split: cuts x along `axis` into consecutive parts, one per output. Part sizes come from
// `split` (attribute before opset 13, input after); without it, opset 18+ uses chunks of
// ceil(dim / n) with a smaller last one (n = num_outputs), earlier opsets equal parts.
#include "ops/indexing.hpp"

namespace hone::ops {
namespace {

// The part sizes for a dim of `dim` and `n` outputs; `split` empty when not given.
Result<std::vector<int64_t>> part_sizes(const AttrReader& ctx, int64_t dim, size_t n, const std::vector<int64_t>& split,
                                        bool has_split) {
  if (has_split) {
    if (split.size() != n) {
      return ctx.bad_input("split has " + std::to_string(split.size()) + " entries for " + std::to_string(n) + " outputs");
    }
    int64_t sum = 0;
    for (int64_t s : split) {
      if (s < 0) return ctx.bad_input("split sizes must be >= 0");
      sum += s;
    }
    if (sum != dim) {
      return ctx.bad_input("split sizes sum to " + std::to_string(sum) + " but the axis has size " + std::to_string(dim));
    }
    return split;
  }
  if (ctx.opset() >= 18 && ctx.has_attr("num_outputs") && ctx.attr_int("num_outputs") != static_cast<int64_t>(n)) {
    return ctx.error("num_outputs is " + std::to_string(ctx.attr_int("num_outputs")) + " but the node has " +
                     std::to_string(n) + " outputs");
  }
  const int64_t parts = static_cast<int64_t>(n);
  std::vector<int64_t> sizes(n);
  if (ctx.opset() >= 18) {
    const int64_t chunk = (dim + parts - 1) / parts;
    for (int64_t i = 0, left = dim; i < parts; ++i) {
      sizes[static_cast<size_t>(i)] = std::min(chunk, left);
      left -= sizes[static_cast<size_t>(i)];
    }
    return sizes;
  }
  if (dim % parts != 0) {
    return ctx.bad_input("axis of size " + std::to_string(dim) + " cannot be split into " + std::to_string(n) + " equal parts");
  }
  for (auto& s : sizes) s = dim / parts;
  return sizes;
}

std::optional<std::vector<int64_t>> split_of(const InferContext& ctx, bool* has_split) {
  if (ctx.opset() < 13) {
    *has_split = ctx.has_attr("split");
    return *has_split ? std::optional(ctx.attr_ints("split")) : std::optional(std::vector<int64_t>{});
  }
  *has_split = ctx.has_input(1);
  return *has_split ? known_ints(ctx, 1) : std::optional(std::vector<int64_t>{});
}

Status infer(InferContext& ctx) {
  const DataType dt = ctx.input_dtype(0);
  const ir::TensorShape& s = ctx.input_shape(0);
  bool has_split = false;
  auto split = split_of(ctx, &has_split);
  if (!s.has_rank) {
    for (size_t i = 0; i < ctx.num_outputs(); ++i) ctx.set_output(i, dt, ir::TensorShape::unknown());
    return Status::ok();
  }
  auto axis = normalize_axis(ctx.attr_int("axis"), static_cast<int64_t>(s.rank()));
  if (!axis.is_ok() || s.rank() == 0) return ctx.error("axis " + std::to_string(ctx.attr_int("axis")) + " is out of range");
  const ir::Dim dim = s.dims[static_cast<size_t>(*axis)];
  std::vector<int64_t> sizes;
  if (split && dim.is_known()) {
    HONE_ASSIGN_OR_RETURN(sizes, part_sizes(ctx, dim.value, ctx.num_outputs(), *split, has_split));
  } else if (split && has_split && split->size() == ctx.num_outputs()) {
    sizes = *split;
  }
  for (size_t i = 0; i < ctx.num_outputs(); ++i) {
    ir::TensorShape out = s;
    out.dims[static_cast<size_t>(*axis)] = sizes.empty() ? ir::Dim() : ir::Dim(sizes[i]);
    ctx.set_output(i, dt, out);
  }
  return Status::ok();
}

Status run(KernelContext& ctx) {
  const Tensor& x = ctx.input(0);
  HONE_ASSIGN_OR_RETURN(int64_t axis, normalize_axis(ctx.attr_int("axis"), x.rank()));
  const bool has_split = ctx.opset() < 13 ? ctx.has_attr("split") : ctx.has_input(1);
  const std::vector<int64_t> split =
      !has_split ? std::vector<int64_t>{} : ctx.opset() < 13 ? ctx.attr_ints("split") : ctx.input(1).to_int64_vector();
  HONE_ASSIGN_OR_RETURN(auto sizes, part_sizes(ctx, x.dim(axis), ctx.num_outputs(), split, has_split));
  const int64_t outer = dims_product(x.shape(), 0, axis);
  const int64_t inner = dims_product(x.shape(), axis + 1, x.rank());
  const int64_t row = x.dim(axis) * inner;
  int64_t col = 0;
  for (size_t i = 0; i < ctx.num_outputs(); ++i) {
    Shape shape = x.shape();
    shape[static_cast<size_t>(axis)] = sizes[i];
    const int64_t block = sizes[i] * inner;
    if (ctx.has_output(i)) {
      HONE_ASSIGN_OR_RETURN(Tensor * y, ensure_output(ctx, i, x.dtype(), shape));
      for (int64_t o = 0; o < outer; ++o) copy_elements(x, o * row + col, *y, o * block, block);
    }
    col += block;
  }
  return Status::ok();
}

}  // namespace

HONE_DEFINE_OP(Split){
    .name = "Split",
    .min_inputs = 1,
    .max_inputs = 2,
    .min_outputs = 1,
    .max_outputs = kVariadic,
    .attrs = {attr_int("axis", 0), attr_ints("split", {}), attr_optional("num_outputs", AttrType::Int)},
    .infer = infer,
    .run = run,
};

}  // namespace hone::ops
