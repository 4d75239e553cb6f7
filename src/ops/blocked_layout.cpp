// Plain <-> blocked channel layout (blocked_layout.hpp) and the two reorder operators:
//   ReorderToBlocked(x){block}               [N, C, ...] -> [N, ceil(C/block), ..., block]
//   ReorderFromBlocked(x){block, channels}   [N, Cb, ..., block] -> [N, channels, ...]
// (domain hone; the layout planning pass inserts them where blocked and plain layers meet).
#include "ops/blocked_layout.hpp"

#include <cstring>

#include "ops/op_def.hpp"

namespace hone::ops {

Shape blocked_shape(const Shape& shape, int64_t block) {
  Shape s = shape;
  s[1] = (shape[1] + block - 1) / block;
  s.push_back(block);
  return s;
}

ir::TensorShape blocked_shape(const ir::TensorShape& shape, int64_t block) {
  if (!shape.has_rank) return shape;
  ir::TensorShape s = shape;
  s.dims[1] = shape.dims[1].is_known() ? ir::Dim((shape.dims[1].value + block - 1) / block) : ir::Dim();
  s.dims.push_back(ir::Dim(block));
  return s;
}

Shape plain_shape(const Shape& blocked, int64_t channels) {
  Shape s(blocked.begin(), blocked.end() - 1);
  s[1] = channels;
  return s;
}

ir::TensorShape plain_shape(const ir::TensorShape& blocked, int64_t channels) {
  if (!blocked.has_rank) return blocked;
  ir::TensorShape s = blocked;
  s.dims.pop_back();
  s.dims[1] = ir::Dim(channels);
  return s;
}

namespace {

// Copies between layouts: for each (n, c) the `inner` elements of the plain row, strided by
// `block` in the blocked tensor.
void reorder(const uint8_t* src, uint8_t* dst, int64_t n, int64_t channels, int64_t inner, int64_t block,
             size_t elem, bool to_blocked) {
  const int64_t cb = (channels + block - 1) / block;
  for (int64_t b = 0; b < n; ++b) {
    for (int64_t c = 0; c < channels; ++c) {
      const int64_t plain_row = (b * channels + c) * inner;
      const int64_t blocked_row = ((b * cb + c / block) * inner) * block + c % block;
      for (int64_t i = 0; i < inner; ++i) {
        const uint8_t* s = to_blocked ? src + (plain_row + i) * elem : src + (blocked_row + i * block) * elem;
        uint8_t* d = to_blocked ? dst + (blocked_row + i * block) * elem : dst + (plain_row + i) * elem;
        std::memcpy(d, s, elem);
      }
    }
  }
}

}  // namespace

Result<Tensor> to_blocked(const Tensor& x, int64_t block) {
  if (x.rank() < 2 || block < 1) return invalid_argument("to_blocked needs [N, C, ...] and a positive block");
  if (x.dtype() == DataType::String) return unsupported("strings have no blocked layout");
  HONE_ASSIGN_OR_RETURN(Tensor y, Tensor::create(x.dtype(), blocked_shape(x.shape(), block)));
  const int64_t inner = x.dim(0) * x.dim(1) == 0 ? 0 : x.numel() / (x.dim(0) * x.dim(1));
  reorder(static_cast<const uint8_t*>(x.raw()), static_cast<uint8_t*>(y.raw()), x.dim(0), x.dim(1), inner, block,
          dtype_size(x.dtype()), true);
  return y;
}

Result<Tensor> from_blocked(const Tensor& x, int64_t channels) {
  if (x.rank() < 3) return invalid_argument("from_blocked needs [N, Cb, ..., block]");
  const int64_t block = x.dim(x.rank() - 1);
  if (block < 1 || channels < 0 || channels > x.dim(1) * block || (channels > 0 && channels <= (x.dim(1) - 1) * block)) {
    return invalid_argument("a blocked tensor " + shape_to_string(x.shape()) + " cannot hold " + std::to_string(channels) +
                            " channels");
  }
  if (x.dtype() == DataType::String) return unsupported("strings have no blocked layout");
  HONE_ASSIGN_OR_RETURN(Tensor y, Tensor::create(x.dtype(), plain_shape(x.shape(), channels)));
  const int64_t inner = y.dim(0) * channels == 0 ? 0 : y.numel() / (y.dim(0) * channels);
  reorder(static_cast<const uint8_t*>(x.raw()), static_cast<uint8_t*>(y.raw()), y.dim(0), channels, inner, block,
          dtype_size(x.dtype()), false);
  return y;
}

namespace {

Status infer_to_blocked(InferContext& ctx) {
  const int64_t block = ctx.attr_int("block");
  if (block < 1) return ctx.error("block must be positive");
  const ir::TensorShape& x = ctx.input_shape(0);
  if (x.has_rank && x.rank() < 2) return ctx.error("the input must have rank >= 2 ([N, C, ...]), got " + x.to_string());
  ctx.set_output(0, ctx.input_dtype(0), blocked_shape(x, block));
  return Status::ok();
}

Status run_to_blocked(KernelContext& ctx) {
  HONE_ASSIGN_OR_RETURN(Tensor y, to_blocked(ctx.input(0), ctx.attr_int("block")));
  ctx.set_output(0, Datum::of(std::move(y)));
  return Status::ok();
}

Status infer_from_blocked(InferContext& ctx) {
  const int64_t block = ctx.attr_int("block"), channels = ctx.attr_int("channels");
  const ir::TensorShape& x = ctx.input_shape(0);
  if (block < 1 || channels < 0) return ctx.error("block must be positive and channels non-negative");
  if (x.has_rank) {
    if (x.rank() < 3) return ctx.error("the input must have rank >= 3 ([N, Cb, ..., block]), got " + x.to_string());
    if (x.dims.back().is_known() && x.dims.back().value != block) {
      return ctx.error("the input's last dimension must be the block " + std::to_string(block) + ", got " + x.to_string());
    }
    if (x.dims[1].is_known() && (x.dims[1].value != (channels + block - 1) / block)) {
      return ctx.error(std::to_string(channels) + " channels do not fill " + x.to_string());
    }
  }
  ctx.set_output(0, ctx.input_dtype(0), plain_shape(x, channels));
  return Status::ok();
}

Status run_from_blocked(KernelContext& ctx) {
  const Tensor& x = ctx.input(0);
  if (x.rank() < 3 || x.dim(x.rank() - 1) != ctx.attr_int("block")) {
    return ctx.bad_input("input " + shape_to_string(x.shape()) + " is not blocked by " + std::to_string(ctx.attr_int("block")));
  }
  auto y = from_blocked(x, ctx.attr_int("channels"));
  if (!y.is_ok()) return ctx.bad_input(y.status().message());
  ctx.set_output(0, Datum::of(std::move(y).value()));
  return Status::ok();
}

}  // namespace

HONE_DEFINE_OP(ReorderToBlocked){
    .name = "ReorderToBlocked",
    .min_inputs = 1,
    .max_inputs = 1,
    .attrs = {attr_required("block", AttrType::Int)},
    .infer = infer_to_blocked,
    .run = run_to_blocked,
};

HONE_DEFINE_OP(ReorderFromBlocked){
    .name = "ReorderFromBlocked",
    .min_inputs = 1,
    .max_inputs = 1,
    .attrs = {attr_required("block", AttrType::Int), attr_required("channels", AttrType::Int)},
    .infer = infer_from_blocked,
    .run = run_from_blocked,
};

}  // namespace hone::ops
