// Attention (opset 23, 24): scaled dot-product attention over 3-D (packed heads) or 4-D
// Q/K/V with grouped-query heads, a boolean or additive mask, causal masking, logit
// soft-capping, a key/value cache (past_* in, present_* out), per-batch valid KV lengths
// (nonpad_kv_seqlen, opset 24) and an optional copy of the scores at a chosen stage.
//
//   scores = scale * Q·K^T             (scale defaults to 1/sqrt(head_size); qk mode 0)
//   scores = softcap * tanh(scores / softcap)   if softcap > 0          (qk mode 1)
//   scores = scores + bias             (mask, causal and padding bias)  (qk mode 2)
//   probs  = softmax(scores, axis=-1)                                   (qk mode 3)
//   Y      = probs · V
//
// bias[b,h,i,j] is the sum of: the float mask (bool mask: 0 where true, -inf where false;
// columns past the mask's last dimension: -inf), -inf where is_causal and
// j > i + offset[b] (offset = past length, else nonpad_kv_seqlen[b] - q_len, else 0),
// and -inf where j >= nonpad_kv_seqlen[b].
#include <cmath>
#include <limits>

#include "ops/attention_math.hpp"
#include "ops/float_buffer.hpp"
#include "ops/op_def.hpp"

namespace hone::ops {
namespace {

enum Input { kQ = 0, kK, kV, kMask, kPastKey, kPastValue, kNonpadKvSeqlen };
enum Output { kY = 0, kPresentKey, kPresentValue, kQkMatmul };

ir::Dim dim_mul(const ir::Dim& a, const ir::Dim& b) {
  return a.is_known() && b.is_known() ? ir::Dim(a.value * b.value) : ir::Dim();
}
ir::Dim dim_div(const ir::Dim& a, int64_t b) {
  return a.is_known() && b > 0 && a.value % b == 0 ? ir::Dim(a.value / b) : ir::Dim();
}
ir::Dim dim_add(const ir::Dim& a, const ir::Dim& b) {
  return a.is_known() && b.is_known() ? ir::Dim(a.value + b.value) : ir::Dim();
}
ir::TensorShape shape_of(std::vector<ir::Dim> dims) {
  ir::TensorShape s;
  s.has_rank = true;
  s.dims = std::move(dims);
  return s;
}
ir::Dim dim_at(const ir::TensorShape& s, size_t i) { return s.has_rank && i < s.rank() ? s.dims[i] : ir::Dim(); }

Status infer(InferContext& ctx) {
  for (size_t i : {kQ, kK, kV}) {
    HONE_RETURN_IF_ERROR(ctx.require_dtype(i, {DataType::Float, DataType::Double, DataType::Float16, DataType::BFloat16}));
  }
  const ir::TensorShape& qs = ctx.input_shape(kQ);
  const ir::TensorShape& ks = ctx.input_shape(kK);
  const ir::TensorShape& vs = ctx.input_shape(kV);
  size_t rank = 0;
  for (const ir::TensorShape* s : {&qs, &ks, &vs}) {
    if (!s->has_rank) continue;
    if (s->rank() != 3 && s->rank() != 4) return ctx.error("Q, K and V must be 3-D or 4-D, got rank " + std::to_string(s->rank()));
    if (rank != 0 && s->rank() != rank) return ctx.error("Q, K and V must have the same rank");
    rank = s->rank();
  }
  const DataType qt = ctx.input_dtype(kQ);
  const DataType vt = ctx.input_dtype(kV);
  if (rank == 0) {
    for (size_t i = 0; i < ctx.num_outputs(); ++i) ctx.set_output(i, i == kPresentValue ? vt : qt, ir::TensorShape::unknown());
    return Status::ok();
  }
  ir::Dim batch = dim_at(qs, 0), q_heads, kv_heads, q_len, kv_len, head_size, v_head_size;
  if (rank == 4) {
    q_heads = dim_at(qs, 1), q_len = dim_at(qs, 2), head_size = dim_at(qs, 3);
    kv_heads = dim_at(ks, 1), kv_len = dim_at(ks, 2), v_head_size = dim_at(vs, 3);
  } else {
    if (!ctx.has_attr("q_num_heads") || !ctx.has_attr("kv_num_heads")) {
      return ctx.error("3-D inputs need the q_num_heads and kv_num_heads attributes");
    }
    const int64_t hq = ctx.attr_int("q_num_heads"), hkv = ctx.attr_int("kv_num_heads");
    if (hq <= 0 || hkv <= 0) return ctx.error("q_num_heads and kv_num_heads must be positive");
    q_heads = hq, kv_heads = hkv, q_len = dim_at(qs, 1), kv_len = dim_at(ks, 1);
    head_size = dim_div(dim_at(qs, 2), hq), v_head_size = dim_div(dim_at(vs, 2), hkv);
  }
  const ir::Dim past_len = ctx.has_input(kPastKey) ? dim_at(ctx.input_shape(kPastKey), 2) : ir::Dim(0);
  const ir::Dim total_len = dim_add(kv_len, past_len);
  if (rank == 4) {
    ctx.set_output(kY, qt, shape_of({batch, q_heads, q_len, v_head_size}));
  } else {
    ctx.set_output(kY, qt, shape_of({batch, q_len, dim_mul(q_heads, v_head_size)}));
  }
  if (ctx.num_outputs() > kPresentKey) ctx.set_output(kPresentKey, ctx.input_dtype(kK), shape_of({batch, kv_heads, total_len, head_size}));
  if (ctx.num_outputs() > kPresentValue) ctx.set_output(kPresentValue, vt, shape_of({batch, kv_heads, total_len, v_head_size}));
  if (ctx.num_outputs() > kQkMatmul) ctx.set_output(kQkMatmul, qt, shape_of({batch, q_heads, q_len, total_len}));
  return Status::ok();
}

// Concatenates past [B,H,P,D] and new [B,H,S,D] along the sequence axis.
template <class C>
std::vector<C> concat_seq(const std::vector<C>& past, const std::vector<C>& cur, int64_t bh, int64_t p, int64_t s,
                          int64_t d) {
  std::vector<C> out(static_cast<size_t>(bh * (p + s) * d));
  for (int64_t i = 0; i < bh; ++i) {
    std::copy(past.begin() + i * p * d, past.begin() + (i + 1) * p * d, out.begin() + i * (p + s) * d);
    std::copy(cur.begin() + i * s * d, cur.begin() + (i + 1) * s * d, out.begin() + i * (p + s) * d + p * d);
  }
  return out;
}

template <class C>
Status store_output(KernelContext& ctx, size_t i, DataType dtype, Shape shape, const std::vector<C>& values) {
  if (!ctx.has_output(i)) return Status::ok();
  HONE_ASSIGN_OR_RETURN(Tensor * t, ctx.allocate_output(i, dtype, std::move(shape)));
  return store_float_buffer(values, *t, "Attention");
}

template <class C>
Status run_typed(KernelContext& ctx) {
  const Tensor& q_in = ctx.input(kQ);
  const Tensor& k_in = ctx.input(kK);
  const Tensor& v_in = ctx.input(kV);
  const int64_t rank = q_in.rank();
  if ((rank != 3 && rank != 4) || k_in.rank() != rank || v_in.rank() != rank) {
    return ctx.bad_input("Q, K and V must all be 3-D or all be 4-D");
  }
  AttentionShape s;
  s.batch = q_in.dim(0);
  if (k_in.dim(0) != s.batch || v_in.dim(0) != s.batch) return ctx.bad_input("Q, K and V must have the same batch size");
  if (rank == 4) {
    s.q_heads = q_in.dim(1), s.q_len = q_in.dim(2), s.head_size = q_in.dim(3);
    s.kv_heads = k_in.dim(1), s.kv_len = k_in.dim(2), s.v_head_size = v_in.dim(3);
    if (v_in.dim(1) != s.kv_heads || v_in.dim(2) != s.kv_len) return ctx.bad_input("K and V must have the same heads and sequence length");
    if (k_in.dim(3) != s.head_size) return ctx.bad_input("Q and K must have the same head size");
  } else {
    s.q_heads = ctx.attr_int("q_num_heads"), s.kv_heads = ctx.attr_int("kv_num_heads");
    s.q_len = q_in.dim(1), s.kv_len = k_in.dim(1);
    if (v_in.dim(1) != s.kv_len) return ctx.bad_input("K and V must have the same sequence length");
    if (q_in.dim(2) % s.q_heads != 0 || k_in.dim(2) % s.kv_heads != 0 || v_in.dim(2) % s.kv_heads != 0) {
      return ctx.bad_input("the hidden sizes of Q, K, V must be multiples of q_num_heads/kv_num_heads");
    }
    s.head_size = q_in.dim(2) / s.q_heads, s.v_head_size = v_in.dim(2) / s.kv_heads;
    if (k_in.dim(2) / s.kv_heads != s.head_size) return ctx.bad_input("Q and K must have the same head size");
  }
  if (s.kv_heads <= 0 || s.q_heads % s.kv_heads != 0) {
    return ctx.bad_input("q_num_heads (" + std::to_string(s.q_heads) + ") must be a multiple of kv_num_heads (" +
                         std::to_string(s.kv_heads) + ")");
  }
  const int64_t mode = ctx.attr_int("qk_matmul_output_mode");
  if (mode < 0 || mode > 3) return ctx.error("qk_matmul_output_mode must be 0, 1, 2 or 3, got " + std::to_string(mode));

  HONE_ASSIGN_OR_RETURN(std::vector<C> q, load_float_buffer<C>(q_in, "Attention"));
  HONE_ASSIGN_OR_RETURN(std::vector<C> k, load_float_buffer<C>(k_in, "Attention"));
  HONE_ASSIGN_OR_RETURN(std::vector<C> v, load_float_buffer<C>(v_in, "Attention"));
  if (rank == 3) {
    q = attention_unpack_heads(q, s.batch, s.q_len, s.q_heads, s.head_size);
    k = attention_unpack_heads(k, s.batch, s.kv_len, s.kv_heads, s.head_size);
    v = attention_unpack_heads(v, s.batch, s.kv_len, s.kv_heads, s.v_head_size);
  }

  // Key/value cache: present = concat(past, new) along the sequence axis.
  const bool has_past = ctx.has_input(kPastKey) && ctx.input(kPastKey).defined();
  int64_t past_len = 0;
  if (has_past) {
    if (!ctx.has_input(kPastValue)) return ctx.bad_input("past_key is given without past_value");
    const Tensor& pk = ctx.input(kPastKey);
    const Tensor& pv = ctx.input(kPastValue);
    past_len = pk.rank() == 4 ? pk.dim(2) : -1;
    if (pk.shape() != Shape{s.batch, s.kv_heads, past_len, s.head_size} ||
        pv.shape() != Shape{s.batch, s.kv_heads, past_len, s.v_head_size}) {
      return ctx.bad_input("past_key " + shape_to_string(pk.shape()) + " / past_value " + shape_to_string(pv.shape()) +
                           " do not match [batch, kv_num_heads, past_len, head_size]");
    }
    HONE_ASSIGN_OR_RETURN(std::vector<C> past_k, load_float_buffer<C>(pk, "Attention"));
    HONE_ASSIGN_OR_RETURN(std::vector<C> past_v, load_float_buffer<C>(pv, "Attention"));
    k = concat_seq(past_k, k, s.batch * s.kv_heads, past_len, s.kv_len, s.head_size);
    v = concat_seq(past_v, v, s.batch * s.kv_heads, past_len, s.kv_len, s.v_head_size);
    s.kv_len += past_len;
  }
  const int64_t total = s.kv_len;

  // Per-batch count of valid (non-padding) keys, opset 24.
  std::vector<int64_t> nonpad;
  if (ctx.has_input(kNonpadKvSeqlen) && ctx.input(kNonpadKvSeqlen).defined()) {
    const Tensor& n = ctx.input(kNonpadKvSeqlen);
    if (n.numel() != s.batch) return ctx.bad_input("nonpad_kv_seqlen must have batch_size elements");
    nonpad = n.to_int64_vector();
  }

  constexpr C kNegInf = -std::numeric_limits<C>::infinity();
  std::vector<C> bias(static_cast<size_t>(s.score_count()), C(0));
  auto bias_at = [&](int64_t b, int64_t h, int64_t i, int64_t j) -> C& {
    return bias[static_cast<size_t>(((b * s.q_heads + h) * s.q_len + i) * total + j)];
  };
  if (ctx.has_input(kMask) && ctx.input(kMask).defined()) {
    const Tensor& m = ctx.input(kMask);
    if (m.rank() < 1 || m.rank() > 4) return ctx.bad_input("attn_mask must have rank 1 to 4");
    const int64_t m_len = m.shape().back();
    if (m_len > total) {
      return ctx.bad_input("attn_mask's last dimension " + std::to_string(m_len) + " exceeds the total sequence length " +
                           std::to_string(total));
    }
    const Shape target{s.batch, s.q_heads, s.q_len, m_len};
    auto b_shape = broadcast_shapes(m.shape(), target);
    if (!b_shape.is_ok() || *b_shape != target) {
      return ctx.bad_input("attn_mask " + shape_to_string(m.shape()) + " does not broadcast to " + shape_to_string(target));
    }
    std::vector<C> mvals;
    if (m.dtype() == DataType::Bool) {
      mvals.resize(static_cast<size_t>(m.numel()));
      for (int64_t i = 0; i < m.numel(); ++i) mvals[static_cast<size_t>(i)] = m.data<bool>()[i] ? C(0) : kNegInf;
    } else {
      HONE_ASSIGN_OR_RETURN(mvals, load_float_buffer<C>(m, "Attention attn_mask"));
    }
    const std::vector<int64_t> map = broadcast_index_map(target, m.shape());
    size_t pos = 0;
    for (int64_t b = 0; b < s.batch; ++b)
      for (int64_t h = 0; h < s.q_heads; ++h)
        for (int64_t i = 0; i < s.q_len; ++i)
          for (int64_t j = 0; j < total; ++j) bias_at(b, h, i, j) += j < m_len ? mvals[static_cast<size_t>(map[pos++])] : kNegInf;
  }
  if (ctx.attr_int("is_causal") != 0) {
    for (int64_t b = 0; b < s.batch; ++b) {
      const int64_t offset = has_past ? past_len : !nonpad.empty() ? nonpad[static_cast<size_t>(b)] - s.q_len : 0;
      for (int64_t h = 0; h < s.q_heads; ++h)
        for (int64_t i = 0; i < s.q_len; ++i)
          for (int64_t j = 0; j < total; ++j)
            if (j > i + offset) bias_at(b, h, i, j) = kNegInf;
    }
  }
  if (!nonpad.empty()) {
    for (int64_t b = 0; b < s.batch; ++b)
      for (int64_t h = 0; h < s.q_heads; ++h)
        for (int64_t i = 0; i < s.q_len; ++i)
          for (int64_t j = nonpad[static_cast<size_t>(b)] < 0 ? 0 : nonpad[static_cast<size_t>(b)]; j < total; ++j)
            bias_at(b, h, i, j) = kNegInf;
  }

  const C scale = ctx.has_attr("scale") ? static_cast<C>(ctx.attr_float("scale"))
                                        : C(1) / std::sqrt(static_cast<C>(s.head_size));
  std::vector<C> scores(static_cast<size_t>(s.score_count()));
  attention_scores(s, q.data(), k.data(), scale, scores.data());
  std::vector<C> qk_out;
  if (mode == 0) qk_out = scores;
  attention_softcap(scores.data(), s.score_count(), static_cast<C>(ctx.attr_float("softcap")));
  if (mode == 1) qk_out = scores;
  for (size_t i = 0; i < scores.size(); ++i) scores[i] += bias[i];
  if (mode == 2) qk_out = scores;
  attention_softmax_rows(scores.data(), s.batch * s.q_heads * s.q_len, total);
  if (mode == 3) qk_out = scores;

  std::vector<C> y(static_cast<size_t>(s.batch * s.q_heads * s.q_len * s.v_head_size));
  attention_weighted_values(s, scores.data(), v.data(), y.data());
  Shape y_shape{s.batch, s.q_heads, s.q_len, s.v_head_size};
  if (rank == 3) {
    y = attention_pack_heads(y, s.batch, s.q_len, s.q_heads, s.v_head_size);
    y_shape = {s.batch, s.q_len, s.q_heads * s.v_head_size};
  }
  HONE_RETURN_IF_ERROR(store_output(ctx, kY, q_in.dtype(), y_shape, y));
  if (ctx.num_outputs() > kPresentKey) {
    HONE_RETURN_IF_ERROR(store_output(ctx, kPresentKey, k_in.dtype(), {s.batch, s.kv_heads, total, s.head_size}, k));
  }
  if (ctx.num_outputs() > kPresentValue) {
    HONE_RETURN_IF_ERROR(store_output(ctx, kPresentValue, v_in.dtype(), {s.batch, s.kv_heads, total, s.v_head_size}, v));
  }
  if (ctx.num_outputs() > kQkMatmul) {
    HONE_RETURN_IF_ERROR(store_output(ctx, kQkMatmul, q_in.dtype(), {s.batch, s.q_heads, s.q_len, total}, qk_out));
  }
  return Status::ok();
}

Status run(KernelContext& ctx) {
  // Narrow floats and float compute in float; double in double.
  return ctx.input(kQ).dtype() == DataType::Double ? run_typed<double>(ctx) : run_typed<float>(ctx);
}

}  // namespace

HONE_DEFINE_OP(Attention){
    .name = "Attention",
    .min_inputs = 3,
    .max_inputs = 7,
    .min_outputs = 1,
    .max_outputs = 4,
    .attrs = {attr_int("is_causal", 0), attr_optional("kv_num_heads", AttrType::Int),
              attr_optional("q_num_heads", AttrType::Int), attr_int("qk_matmul_output_mode", 0),
              attr_optional("scale", AttrType::Float), attr_float("softcap", 0.0f),
              attr_optional("softmax_precision", AttrType::Int)},
    .infer = infer,
    .run = run,
};

}  // namespace hone::ops
