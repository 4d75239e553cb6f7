// FlexAttention (ai.onnx.preview, opset 1): scaled dot-product attention over 4-D Q/K/V with
// optional user subgraphs at three stages (PyTorch's flex_attention):
//   scores = scale * Q·K^T                 (scale defaults to 1/sqrt(head_size))
//   scores = score_mod(scores)             if given
//   scores = mask_mod(scores)              if given (masked positions become -inf)
//   probs  = softmax(scores, axis=-1)
//   probs  = prob_mod(probs)               if given
//   Y      = probs · V                     (query head h reads KV head h / (Hq/Hkv))
// A subgraph with one input receives the whole [B, H, Lq, Lk] tensor and returns its
// replacement. The element-wise form takes (value, batch, head, q_idx, k_idx) for
// score_mod/prob_mod and (batch, head, q_idx, k_idx) -> bool for mask_mod; it is run once with
// int64 index tensors shaped [B,1,1,1], [1,H,1,1], [1,1,Lq,1], [1,1,1,Lk] and its result is
// broadcast to [B, H, Lq, Lk].
#include <cmath>
#include <limits>

#include "ops/attention_math.hpp"
#include "ops/float_buffer.hpp"
#include "ops/op_def.hpp"

namespace hone::ops {
namespace {

Status infer(InferContext& ctx) {
  for (size_t i = 0; i < 3; ++i) {
    HONE_RETURN_IF_ERROR(ctx.require_dtype(i, {DataType::Float, DataType::Double, DataType::Float16, DataType::BFloat16}));
    if (ctx.input_shape(i).has_rank && ctx.input_shape(i).rank() != 4) return ctx.error("Q, K and V must be 4-D");
  }
  ir::TensorShape out = ir::TensorShape::of_rank(4);
  const ir::TensorShape& qs = ctx.input_shape(0);
  const ir::TensorShape& vs = ctx.input_shape(2);
  if (qs.has_rank) out.dims[0] = qs.dims[0], out.dims[1] = qs.dims[1], out.dims[2] = qs.dims[2];
  if (vs.has_rank) out.dims[3] = vs.dims[3];
  ctx.set_output(0, ctx.input_dtype(2), out);
  return Status::ok();
}

Tensor index_tensor(int axis, int64_t n) {
  Shape shape{1, 1, 1, 1};
  shape[static_cast<size_t>(axis)] = n;
  Tensor t = Tensor::zeros(DataType::Int64, shape);
  for (int64_t i = 0; i < n; ++i) t.data<int64_t>()[i] = i;
  return t;
}

// Runs one modifier subgraph over `values` ([B, H, Lq, Lk]) in place. `is_mask`: the graph's
// result says which positions to keep (element-wise form) or is the masked tensor itself.
template <class C>
Status apply_mod(KernelContext& ctx, const char* name, const AttentionShape& s, bool is_mask, std::vector<C>* values) {
  if (!ctx.has_attr(name)) return Status::ok();
  const ir::Graph* g = ctx.attr_graph(name);
  if (g == nullptr) return Status::ok();
  if (ctx.subgraphs() == nullptr) return ctx.unsupported(std::string(name) + ": no subgraph runner available");
  const Shape full{s.batch, s.q_heads, s.q_len, s.kv_len};
  const size_t n_in = g->inputs().size();
  const size_t n_idx = is_mask ? 4 : 5;
  std::vector<Datum> inputs;
  if (n_in == 1 || n_in == n_idx) {
    if (n_in == 1 || !is_mask) {
      DataType dt = g->inputs()[0]->type().is_tensor() ? g->inputs()[0]->type().dtype : DataType::Undefined;
      if (!is_plain_float_dtype(dt)) dt = ctx.input(0).dtype();
      Tensor t = Tensor::zeros(dt, full);
      HONE_RETURN_IF_ERROR(store_float_buffer(*values, t, "FlexAttention"));
      inputs.push_back(Datum::of(std::move(t)));
    }
    if (n_in == n_idx) {
      const int64_t sizes[4] = {s.batch, s.q_heads, s.q_len, s.kv_len};
      for (int axis = 0; axis < 4; ++axis) inputs.push_back(Datum::of(index_tensor(axis, sizes[axis])));
    }
  } else {
    return ctx.error(std::string(name) + " subgraph must take 1 or " + std::to_string(n_idx) + " inputs, it takes " +
                     std::to_string(n_in));
  }
  HONE_ASSIGN_OR_RETURN(std::vector<Datum> outs, ctx.subgraphs()->run(*g, std::move(inputs)));
  if (outs.size() != 1 || !outs[0].is_tensor()) return ctx.error(std::string(name) + " subgraph must return one tensor");
  const Tensor& r = outs[0].tensor;
  auto b = broadcast_shapes(r.shape(), full);
  if (!b.is_ok() || *b != full) {
    return ctx.bad_input(std::string(name) + " returned " + shape_to_string(r.shape()) + ", expected " + shape_to_string(full));
  }
  const std::vector<int64_t> map = broadcast_index_map(full, r.shape());
  if (r.dtype() == DataType::Bool) {
    for (size_t i = 0; i < map.size(); ++i) {
      if (!r.data<bool>()[map[i]]) (*values)[i] = -std::numeric_limits<C>::infinity();
    }
    return Status::ok();
  }
  HONE_ASSIGN_OR_RETURN(std::vector<C> rv, load_float_buffer<C>(r, "FlexAttention"));
  for (size_t i = 0; i < map.size(); ++i) (*values)[i] = rv[static_cast<size_t>(map[i])];
  return Status::ok();
}

template <class C>
Status run_typed(KernelContext& ctx) {
  const Tensor& q_in = ctx.input(0);
  const Tensor& k_in = ctx.input(1);
  const Tensor& v_in = ctx.input(2);
  if (q_in.rank() != 4 || k_in.rank() != 4 || v_in.rank() != 4) return ctx.bad_input("Q, K and V must be 4-D");
  AttentionShape s;
  s.batch = q_in.dim(0), s.q_heads = q_in.dim(1), s.q_len = q_in.dim(2), s.head_size = q_in.dim(3);
  s.kv_heads = k_in.dim(1), s.kv_len = k_in.dim(2), s.v_head_size = v_in.dim(3);
  if (k_in.dim(0) != s.batch || v_in.dim(0) != s.batch || k_in.dim(3) != s.head_size || v_in.dim(1) != s.kv_heads ||
      v_in.dim(2) != s.kv_len) {
    return ctx.bad_input("Q " + shape_to_string(q_in.shape()) + ", K " + shape_to_string(k_in.shape()) + ", V " +
                         shape_to_string(v_in.shape()) + " do not fit together");
  }
  if (s.kv_heads <= 0 || s.q_heads % s.kv_heads != 0) return ctx.bad_input("Q's head count must be a multiple of K's");
  HONE_ASSIGN_OR_RETURN(std::vector<C> q, load_float_buffer<C>(q_in, "FlexAttention"));
  HONE_ASSIGN_OR_RETURN(std::vector<C> k, load_float_buffer<C>(k_in, "FlexAttention"));
  HONE_ASSIGN_OR_RETURN(std::vector<C> v, load_float_buffer<C>(v_in, "FlexAttention"));
  const C scale = ctx.has_attr("scale") ? static_cast<C>(ctx.attr_float("scale"))
                                        : C(1) / std::sqrt(static_cast<C>(s.head_size));
  std::vector<C> scores(static_cast<size_t>(s.score_count()));
  attention_scores(s, q.data(), k.data(), scale, scores.data());
  HONE_RETURN_IF_ERROR(apply_mod(ctx, "score_mod", s, false, &scores));
  HONE_RETURN_IF_ERROR(apply_mod(ctx, "mask_mod", s, true, &scores));
  attention_softmax_rows(scores.data(), s.batch * s.q_heads * s.q_len, s.kv_len);
  HONE_RETURN_IF_ERROR(apply_mod(ctx, "prob_mod", s, false, &scores));
  std::vector<C> y(static_cast<size_t>(s.batch * s.q_heads * s.q_len * s.v_head_size));
  attention_weighted_values(s, scores.data(), v.data(), y.data());
  HONE_ASSIGN_OR_RETURN(Tensor * out, ctx.allocate_output(0, v_in.dtype(), {s.batch, s.q_heads, s.q_len, s.v_head_size}));
  return store_float_buffer(y, *out, "FlexAttention");
}

Status run(KernelContext& ctx) {
  return ctx.input(0).dtype() == DataType::Double ? run_typed<double>(ctx) : run_typed<float>(ctx);
}

}  // namespace

HONE_DEFINE_OP(FlexAttention){
    .name = "FlexAttention",
    .min_inputs = 3,
    .max_inputs = 3,
    .attrs = {attr_optional("scale", AttrType::Float), attr_optional("score_mod", AttrType::Graph),
              attr_optional("mask_mod", AttrType::Graph), attr_optional("prob_mod", AttrType::Graph)},
    .infer = infer,
    .run = run,
};

}  // namespace hone::ops
