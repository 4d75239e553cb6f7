// RotaryEmbedding (opset 23): rotates pairs of features of each head by position-dependent
// angles given as cos/sin caches (RoPE). X is [batch, heads, seq, head_size] or packed
// [batch, seq, heads*head_size] (num_heads attribute). Only the first rotary_embedding_dim
// features rotate (default: all); the rest pass through.
//   pair i (i < rot/2): (x1, x2) = (x[i], x[i + rot/2])   or, interleaved, (x[2i], x[2i+1])
//   x1' = cos*x1 - sin*x2,  x2' = sin*x1 + cos*x2
//   cos = cos_cache[position_ids[b,s], i] when position_ids is given, else cos_cache[b,s,i]
#include "ops/float_buffer.hpp"
#include "ops/op_def.hpp"

namespace hone::ops {
namespace {

Status infer(InferContext& ctx) {
  HONE_RETURN_IF_ERROR(ctx.require_dtype(0, {DataType::Float, DataType::Double, DataType::Float16, DataType::BFloat16}));
  const ir::TensorShape& s = ctx.input_shape(0);
  if (s.has_rank && s.rank() != 3 && s.rank() != 4) return ctx.error("input must be 3-D or 4-D");
  if (s.has_rank && s.rank() == 3 && ctx.attr_int("num_heads") <= 0) return ctx.error("3-D input needs num_heads > 0");
  ctx.set_output(0, ctx.input_type(0));
  return Status::ok();
}

Status run(KernelContext& ctx) {
  const Tensor& x_in = ctx.input(0);
  const Tensor& cos_in = ctx.input(1);
  const Tensor& sin_in = ctx.input(2);
  const bool has_pos = ctx.has_input(3) && ctx.input(3).defined();
  int64_t batch, heads, seq, head_size;
  if (x_in.rank() == 4) {
    batch = x_in.dim(0), heads = x_in.dim(1), seq = x_in.dim(2), head_size = x_in.dim(3);
  } else if (x_in.rank() == 3) {
    heads = ctx.attr_int("num_heads");
    if (heads <= 0 || x_in.dim(2) % heads != 0) return ctx.bad_input("hidden size must be a multiple of num_heads");
    batch = x_in.dim(0), seq = x_in.dim(1), head_size = x_in.dim(2) / heads;
  } else {
    return ctx.bad_input("input must be 3-D or 4-D");
  }
  int64_t rot = ctx.attr_int("rotary_embedding_dim");
  if (rot == 0) rot = head_size;
  if (rot < 0 || rot > head_size || rot % 2 != 0) {
    return ctx.bad_input("rotary_embedding_dim " + std::to_string(rot) + " must be even and at most head_size " +
                         std::to_string(head_size));
  }
  const int64_t half = rot / 2;
  if (cos_in.shape() != sin_in.shape() || cos_in.rank() < 1 || cos_in.shape().back() != half) {
    return ctx.bad_input("cos_cache and sin_cache must have the same shape with last dimension rotary_dim/2 = " +
                         std::to_string(half));
  }
  std::vector<int64_t> pos;
  if (has_pos) {
    if (ctx.input(3).shape() != Shape{batch, seq}) return ctx.bad_input("position_ids must be [batch, seq]");
    if (cos_in.rank() != 2) return ctx.bad_input("with position_ids, the caches must be [max_position, rotary_dim/2]");
    pos = ctx.input(3).to_int64_vector();
    for (int64_t p : pos) {
      if (p < 0 || p >= cos_in.dim(0)) return ctx.bad_input("position id " + std::to_string(p) + " is out of range");
    }
  } else if (cos_in.shape() != Shape{batch, seq, half}) {
    return ctx.bad_input("without position_ids, the caches must be [batch, seq, rotary_dim/2]");
  }
  HONE_ASSIGN_OR_RETURN(std::vector<double> x, load_float_buffer<double>(x_in, "RotaryEmbedding"));
  HONE_ASSIGN_OR_RETURN(std::vector<double> cos_c, load_float_buffer<double>(cos_in, "RotaryEmbedding"));
  HONE_ASSIGN_OR_RETURN(std::vector<double> sin_c, load_float_buffer<double>(sin_in, "RotaryEmbedding"));
  const bool interleaved = ctx.attr_int("interleaved") != 0;
  std::vector<double> y = x;
  for (int64_t b = 0; b < batch; ++b) {
    for (int64_t s = 0; s < seq; ++s) {
      const int64_t cache_row = has_pos ? pos[static_cast<size_t>(b * seq + s)] : b * seq + s;
      const double* cs = cos_c.data() + cache_row * half;
      const double* sn = sin_c.data() + cache_row * half;
      for (int64_t h = 0; h < heads; ++h) {
        const int64_t base = x_in.rank() == 4 ? ((b * heads + h) * seq + s) * head_size : ((b * seq + s) * heads + h) * head_size;
        for (int64_t i = 0; i < half; ++i) {
          const size_t i1 = static_cast<size_t>(base + (interleaved ? 2 * i : i));
          const size_t i2 = static_cast<size_t>(base + (interleaved ? 2 * i + 1 : i + half));
          y[i1] = cs[i] * x[i1] - sn[i] * x[i2];
          y[i2] = sn[i] * x[i1] + cs[i] * x[i2];
        }
      }
    }
  }
  return store_float_buffer(y, ctx.output(0), "RotaryEmbedding");
}

}  // namespace

HONE_DEFINE_OP(RotaryEmbedding){
    .name = "RotaryEmbedding",
    .min_inputs = 3,
    .max_inputs = 4,
    .attrs = {attr_int("interleaved", 0), attr_int("num_heads", 0), attr_int("rotary_embedding_dim", 0)},
    .infer = infer,
    .run = run,
};

}  // namespace hone::ops
