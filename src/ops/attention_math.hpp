// Scaled dot-product attention math shared by Attention and FlexAttention (and the reference
// that fused attention kernels are tested against). Tensors are dense row-major buffers in
// the canonical layout
//
//   Q [batch, q_heads, q_len, head_size]      scores/probs [batch, q_heads, q_len, kv_len]
//   K [batch, kv_heads, kv_len, head_size]    out          [batch, q_heads, q_len, v_head_size]
//   V [batch, kv_heads, kv_len, v_head_size]
//
// Grouped-query attention: q_heads is a multiple of kv_heads and query head h reads key/value
// head h / (q_heads / kv_heads) (each KV head serves a contiguous group of query heads).
#pragma once

#include <cmath>
#include <cstdint>
#include <limits>
#include <vector>

namespace hone::ops {

struct AttentionShape {
  int64_t batch = 0;
  int64_t q_heads = 0;
  int64_t kv_heads = 0;
  int64_t q_len = 0;
  int64_t kv_len = 0;
  int64_t head_size = 0;
  int64_t v_head_size = 0;

  int64_t kv_head_of(int64_t q_head) const { return q_head / (q_heads / kv_heads); }
  int64_t score_count() const { return batch * q_heads * q_len * kv_len; }
};

/// scores[b,h,i,j] = scale * sum_d Q[b,h,i,d] * K[b,kv(h),j,d]
template <class C>
void attention_scores(const AttentionShape& s, const C* q, const C* k, C scale, C* scores) {
  for (int64_t b = 0; b < s.batch; ++b) {
    for (int64_t h = 0; h < s.q_heads; ++h) {
      const C* qh = q + (b * s.q_heads + h) * s.q_len * s.head_size;
      const C* kh = k + (b * s.kv_heads + s.kv_head_of(h)) * s.kv_len * s.head_size;
      C* out = scores + (b * s.q_heads + h) * s.q_len * s.kv_len;
      for (int64_t i = 0; i < s.q_len; ++i) {
        for (int64_t j = 0; j < s.kv_len; ++j) {
          C acc = 0;
          for (int64_t d = 0; d < s.head_size; ++d) acc += qh[i * s.head_size + d] * kh[j * s.head_size + d];
          out[i * s.kv_len + j] = acc * scale;
        }
      }
    }
  }
}

/// x = cap * tanh(x / cap) (logit soft-capping); no-op when cap <= 0.
template <class C>
void attention_softcap(C* x, int64_t n, C cap) {
  if (!(cap > 0)) return;
  for (int64_t i = 0; i < n; ++i) x[i] = cap * std::tanh(x[i] / cap);
}

/// Softmax over each row of `n` values: y = exp(x - max) / sum(exp(x - max)).
/// NOTE: a row that is entirely -inf (fully masked) becomes NaN, as in the ONNX reference.
template <class C>
void attention_softmax_rows(C* x, int64_t rows, int64_t n) {
  for (int64_t r = 0; r < rows; ++r) {
    C* row = x + r * n;
    C mx = -std::numeric_limits<C>::infinity();
    for (int64_t j = 0; j < n; ++j) mx = row[j] > mx ? row[j] : mx;
    C sum = 0;
    for (int64_t j = 0; j < n; ++j) {
      row[j] = std::exp(row[j] - mx);
      sum += row[j];
    }
    for (int64_t j = 0; j < n; ++j) row[j] /= sum;
  }
}

/// out[b,h,i,e] = sum_j probs[b,h,i,j] * V[b,kv(h),j,e]
template <class C>
void attention_weighted_values(const AttentionShape& s, const C* probs, const C* v, C* out) {
  for (int64_t b = 0; b < s.batch; ++b) {
    for (int64_t h = 0; h < s.q_heads; ++h) {
      const C* ph = probs + (b * s.q_heads + h) * s.q_len * s.kv_len;
      const C* vh = v + (b * s.kv_heads + s.kv_head_of(h)) * s.kv_len * s.v_head_size;
      C* oh = out + (b * s.q_heads + h) * s.q_len * s.v_head_size;
      for (int64_t i = 0; i < s.q_len; ++i) {
        for (int64_t e = 0; e < s.v_head_size; ++e) {
          C acc = 0;
          for (int64_t j = 0; j < s.kv_len; ++j) acc += ph[i * s.kv_len + j] * vh[j * s.v_head_size + e];
          oh[i * s.v_head_size + e] = acc;
        }
      }
    }
  }
}

/// [batch, seq, heads*size] -> [batch, heads, seq, size] (the 3-D packed-heads layout).
template <class C>
std::vector<C> attention_unpack_heads(const std::vector<C>& x, int64_t batch, int64_t seq, int64_t heads,
                                      int64_t size) {
  std::vector<C> out(x.size());
  for (int64_t b = 0; b < batch; ++b)
    for (int64_t t = 0; t < seq; ++t)
      for (int64_t h = 0; h < heads; ++h)
        for (int64_t d = 0; d < size; ++d)
          out[static_cast<size_t>(((b * heads + h) * seq + t) * size + d)] =
              x[static_cast<size_t>(((b * seq + t) * heads + h) * size + d)];
  return out;
}

/// [batch, heads, seq, size] -> [batch, seq, heads*size] (inverse of attention_unpack_heads):
/// the same swap of the two middle axes, with their roles exchanged.
template <class C>
std::vector<C> attention_pack_heads(const std::vector<C>& x, int64_t batch, int64_t seq, int64_t heads,
                                    int64_t size) {
  return attention_unpack_heads(x, batch, heads, seq, size);
}

}  // namespace hone::ops
