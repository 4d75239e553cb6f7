// Unique: the distinct elements of x (flattened), or distinct slices along `axis`, with
//   Y: the unique values (ascending when sorted=1, else in order of first occurrence),
//   indices: where each first occurs in x, inverse_indices: for each x entry its position
//   in Y, counts: how often each occurs. Slices compare lexicographically.
#include "ops/indexing.hpp"

#include <algorithm>

namespace hone::ops {
namespace {

Status infer(InferContext& ctx) {
  const ir::TensorShape& s = ctx.input_shape(0);
  ir::TensorShape y = unknown_shape(1);
  if (ctx.has_attr("axis")) {
    if (s.has_rank) {
      HONE_ASSIGN_OR_RETURN(int64_t axis, normalize_axis(ctx.attr_int("axis"), static_cast<int64_t>(s.rank())));
      y = s;
      y.dims[static_cast<size_t>(axis)] = ir::Dim();
    } else {
      y = ir::TensorShape::unknown();
    }
  }
  ctx.set_output(0, ctx.input_dtype(0), y);
  for (size_t i = 1; i < 4; ++i) ctx.set_output(i, DataType::Int64, unknown_shape(1));
  return Status::ok();
}

Status run(KernelContext& ctx) {
  const Tensor& x = ctx.input(0);
  Shape shape = {x.numel()};
  int64_t axis = 0;
  if (ctx.has_attr("axis")) {
    HONE_ASSIGN_OR_RETURN(axis, normalize_axis(ctx.attr_int("axis"), x.rank()));
    shape = x.shape();
  }
  if (shape.empty()) shape = {1};
  const int64_t outer = dims_product(shape, 0, axis);
  const int64_t n = shape[static_cast<size_t>(axis)];
  const int64_t inner = dims_product(shape, axis + 1, static_cast<int64_t>(shape.size()));
  HONE_ASSIGN_OR_RETURN(auto ranks, value_ranks(ctx, x));
  // Slice j = the elements (o, j, i); compare slices by their element ranks.
  auto cmp = [&](int64_t a, int64_t b) {
    for (int64_t o = 0; o < outer; ++o) {
      for (int64_t i = 0; i < inner; ++i) {
        const int64_t ra = ranks[static_cast<size_t>((o * n + a) * inner + i)];
        const int64_t rb = ranks[static_cast<size_t>((o * n + b) * inner + i)];
        if (ra != rb) return ra < rb ? -1 : 1;
      }
    }
    return 0;
  };
  std::vector<int64_t> order(static_cast<size_t>(n));
  for (int64_t j = 0; j < n; ++j) order[static_cast<size_t>(j)] = j;
  std::stable_sort(order.begin(), order.end(), [&](int64_t a, int64_t b) { return cmp(a, b) < 0; });
  // Groups of equal slices in sorted order; the first of each group is its first occurrence.
  std::vector<int64_t> first, count;
  std::vector<int64_t> group_of(static_cast<size_t>(n));
  for (size_t k = 0; k < order.size(); ++k) {
    if (k == 0 || cmp(order[k - 1], order[k]) != 0) {
      first.push_back(order[k]);
      count.push_back(0);
    }
    ++count.back();
    group_of[static_cast<size_t>(order[k])] = static_cast<int64_t>(first.size()) - 1;
  }
  const int64_t u = static_cast<int64_t>(first.size());
  std::vector<int64_t> out_pos(static_cast<size_t>(u));  // group -> position in Y
  std::vector<int64_t> groups(static_cast<size_t>(u));
  for (int64_t g = 0; g < u; ++g) groups[static_cast<size_t>(g)] = g;
  if (ctx.attr_int("sorted") == 0) {
    std::sort(groups.begin(), groups.end(), [&](int64_t a, int64_t b) { return first[static_cast<size_t>(a)] < first[static_cast<size_t>(b)]; });
  }
  for (int64_t p = 0; p < u; ++p) out_pos[static_cast<size_t>(groups[static_cast<size_t>(p)])] = p;

  Shape yshape = shape;
  yshape[static_cast<size_t>(axis)] = u;
  if (!ctx.has_attr("axis")) yshape = {u};
  HONE_ASSIGN_OR_RETURN(Tensor * y, ctx.allocate_output(0, x.dtype(), yshape));
  for (int64_t p = 0; p < u; ++p) {
    const int64_t src = first[static_cast<size_t>(groups[static_cast<size_t>(p)])];
    for (int64_t o = 0; o < outer; ++o) copy_elements(x, (o * n + src) * inner, *y, (o * u + p) * inner, inner);
  }
  if (ctx.num_outputs() > 1 && ctx.has_output(1)) {
    HONE_ASSIGN_OR_RETURN(Tensor * t, ctx.allocate_output(1, DataType::Int64, {u}));
    for (int64_t p = 0; p < u; ++p) t->data<int64_t>()[p] = first[static_cast<size_t>(groups[static_cast<size_t>(p)])];
  }
  if (ctx.num_outputs() > 2 && ctx.has_output(2)) {
    HONE_ASSIGN_OR_RETURN(Tensor * t, ctx.allocate_output(2, DataType::Int64, {n}));
    for (int64_t j = 0; j < n; ++j) t->data<int64_t>()[j] = out_pos[static_cast<size_t>(group_of[static_cast<size_t>(j)])];
  }
  if (ctx.num_outputs() > 3 && ctx.has_output(3)) {
    HONE_ASSIGN_OR_RETURN(Tensor * t, ctx.allocate_output(3, DataType::Int64, {u}));
    for (int64_t p = 0; p < u; ++p) t->data<int64_t>()[p] = count[static_cast<size_t>(groups[static_cast<size_t>(p)])];
  }
  return Status::ok();
}

}  // namespace

HONE_DEFINE_OP(Unique){
    .name = "Unique",
    .min_inputs = 1,
    .max_inputs = 1,
    .min_outputs = 1,
    .max_outputs = 4,
    .attrs = {attr_optional("axis", AttrType::Int), attr_int("sorted", 1)},
    .infer = infer,
    .run = run,
};

}  // namespace hone::ops
