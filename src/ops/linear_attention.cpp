// LinearAttention: recurrent (linear-time) attention with a matrix state per KV head, in the
// four update rules of linear / gated / delta / gated-delta-net models. Inputs are packed
// [batch, T, heads*size]; the state is [batch, kv_heads, d_k, d_v] (past_state in,
// present_state out). Per time step t and KV head (S is d_k x d_v):
//   gated, gated_delta:  S = diag(exp(decay_t)) · S        (decay per head or per key dim)
//   delta, gated_delta:  k~ = erase_gate_t ⊙ k_t (or k_t);  v_t = beta_t * (v_t - S^T k~)
//   all:                 S = S + k_t ⊗ v_t
//   output[h] = scale * q_t[h] · S[kv(h)]   (query head h reads KV head h / (Hq/Hkv))
// scale defaults to 1/sqrt(d_k) (also when 0). Computed in float32-or-wider (double here).
#include <cmath>

#include "ops/attention_math.hpp"
#include "ops/float_buffer.hpp"
#include "ops/op_def.hpp"

namespace hone::ops {
namespace {

enum Input { kQuery = 0, kKey, kValue, kPastState, kDecay, kBeta, kEraseGate };

bool has(const KernelContext& ctx, size_t i) { return ctx.has_input(i) && ctx.input(i).defined(); }

Status check_attrs(const AttrReader& ctx) {
  const std::string& rule = ctx.attr_string("update_rule");
  if (rule != "linear" && rule != "gated" && rule != "delta" && rule != "gated_delta") {
    return ctx.error("update_rule must be 'linear', 'gated', 'delta' or 'gated_delta', got '" + rule + "'");
  }
  const int64_t hq = ctx.attr_int("q_num_heads"), hkv = ctx.attr_int("kv_num_heads");
  if (hq <= 0 || hkv <= 0 || hq % hkv != 0) {
    return ctx.error("q_num_heads (" + std::to_string(hq) + ") must be a positive multiple of kv_num_heads (" +
                     std::to_string(hkv) + ")");
  }
  return Status::ok();
}

Status infer(InferContext& ctx) {
  HONE_RETURN_IF_ERROR(check_attrs(ctx));
  for (size_t i : {kQuery, kKey, kValue}) {
    HONE_RETURN_IF_ERROR(ctx.require_dtype(i, {DataType::Float, DataType::Double, DataType::Float16, DataType::BFloat16}));
  }
  const int64_t hq = ctx.attr_int("q_num_heads"), hkv = ctx.attr_int("kv_num_heads");
  const ir::TensorShape& qs = ctx.input_shape(kQuery);
  const ir::TensorShape& vs = ctx.input_shape(kValue);
  ir::TensorShape out = ir::TensorShape::of_rank(3), state = ir::TensorShape::of_rank(4);
  ir::Dim d_k, d_v;
  if (qs.has_rank && qs.rank() == 3) {
    out.dims[0] = qs.dims[0], out.dims[1] = qs.dims[1], state.dims[0] = qs.dims[0];
    if (qs.dims[2].is_known() && qs.dims[2].value % hq == 0) d_k = ir::Dim(qs.dims[2].value / hq);
  }
  if (vs.has_rank && vs.rank() == 3 && vs.dims[2].is_known() && vs.dims[2].value % hkv == 0) {
    d_v = ir::Dim(vs.dims[2].value / hkv);
    out.dims[2] = ir::Dim(hq * d_v.value);
  }
  state.dims[1] = ir::Dim(hkv), state.dims[2] = d_k, state.dims[3] = d_v;
  ctx.set_output(0, ctx.input_dtype(kQuery), out);
  const DataType state_dtype = ctx.has_input(kPastState) ? ctx.input_dtype(kPastState) : ctx.input_dtype(kQuery);
  if (ctx.num_outputs() > 1) ctx.set_output(1, state_dtype, state);
  return Status::ok();
}

Status run(KernelContext& ctx) {
  HONE_RETURN_IF_ERROR(check_attrs(ctx));
  const std::string& rule = ctx.attr_string("update_rule");
  const bool gating = rule == "gated" || rule == "gated_delta";
  const bool delta = rule == "delta" || rule == "gated_delta";
  if (gating != has(ctx, kDecay)) return ctx.bad_input("update_rule '" + rule + (gating ? "' requires" : "' forbids") + " the decay input");
  if (delta != has(ctx, kBeta)) return ctx.bad_input("update_rule '" + rule + (delta ? "' requires" : "' forbids") + " the beta input");
  if (!delta && has(ctx, kEraseGate)) return ctx.bad_input("update_rule '" + rule + "' forbids the erase_gate input");

  const Tensor& q_in = ctx.input(kQuery);
  const Tensor& k_in = ctx.input(kKey);
  const Tensor& v_in = ctx.input(kValue);
  if (q_in.rank() != 3 || k_in.rank() != 3 || v_in.rank() != 3) return ctx.bad_input("query, key and value must be 3-D [batch, T, heads*size]");
  const int64_t hq = ctx.attr_int("q_num_heads"), hkv = ctx.attr_int("kv_num_heads");
  const int64_t batch = q_in.dim(0), steps = q_in.dim(1);
  if (q_in.dim(2) % hq != 0 || v_in.dim(2) % hkv != 0) return ctx.bad_input("hidden sizes must be multiples of the head counts");
  const int64_t d_k = q_in.dim(2) / hq, d_v = v_in.dim(2) / hkv;
  if (k_in.shape() != Shape{batch, steps, hkv * d_k} || v_in.dim(0) != batch || v_in.dim(1) != steps) {
    return ctx.bad_input("key " + shape_to_string(k_in.shape()) + " must be [batch, T, kv_num_heads*d_k] = " +
                         shape_to_string(Shape{batch, steps, hkv * d_k}));
  }
  AttentionShape s;  // used for its GQA head mapping
  s.q_heads = hq, s.kv_heads = hkv;

  HONE_ASSIGN_OR_RETURN(std::vector<double> q, load_float_buffer<double>(q_in, "LinearAttention"));
  HONE_ASSIGN_OR_RETURN(std::vector<double> k, load_float_buffer<double>(k_in, "LinearAttention"));
  HONE_ASSIGN_OR_RETURN(std::vector<double> v, load_float_buffer<double>(v_in, "LinearAttention"));
  q = attention_unpack_heads(q, batch, steps, hq, d_k);
  k = attention_unpack_heads(k, batch, steps, hkv, d_k);
  v = attention_unpack_heads(v, batch, steps, hkv, d_v);

  // decay: [B, T, Hkv] (one per head) or [B, T, Hkv*d_k] (one per key dim) -> [B, Hkv, T, w].
  std::vector<double> decay, beta, erase;
  int64_t decay_w = 0, beta_h = 0;
  if (gating) {
    const Tensor& g = ctx.input(kDecay);
    if (g.rank() != 3 || g.dim(0) != batch || g.dim(1) != steps || (g.dim(2) != hkv && g.dim(2) != hkv * d_k)) {
      return ctx.bad_input("decay " + shape_to_string(g.shape()) + " must be [batch, T, kv_num_heads] or [batch, T, kv_num_heads*d_k]");
    }
    decay_w = g.dim(2) / hkv;
    HONE_ASSIGN_OR_RETURN(decay, load_float_buffer<double>(g, "LinearAttention"));
    decay = attention_unpack_heads(decay, batch, steps, hkv, decay_w);
  }
  if (delta) {
    const Tensor& bt = ctx.input(kBeta);
    if (bt.rank() != 3 || bt.dim(0) != batch || bt.dim(1) != steps || (bt.dim(2) != hkv && bt.dim(2) != 1)) {
      return ctx.bad_input("beta " + shape_to_string(bt.shape()) + " must be [batch, T, kv_num_heads] or [batch, T, 1]");
    }
    beta_h = bt.dim(2);
    HONE_ASSIGN_OR_RETURN(beta, load_float_buffer<double>(bt, "LinearAttention"));  // [B, T, beta_h]
    if (has(ctx, kEraseGate)) {
      const Tensor& e = ctx.input(kEraseGate);
      if (e.shape() != Shape{batch, steps, hkv * d_k}) return ctx.bad_input("erase_gate must be [batch, T, kv_num_heads*d_k]");
      HONE_ASSIGN_OR_RETURN(erase, load_float_buffer<double>(e, "LinearAttention"));
      erase = attention_unpack_heads(erase, batch, steps, hkv, d_k);
    }
  }
  const Shape state_shape{batch, hkv, d_k, d_v};
  std::vector<double> state(static_cast<size_t>(batch * hkv * d_k * d_v), 0.0);
  DataType state_dtype = q_in.dtype();
  if (has(ctx, kPastState)) {
    if (ctx.input(kPastState).shape() != state_shape) {
      return ctx.bad_input("past_state " + shape_to_string(ctx.input(kPastState).shape()) + " must be " + shape_to_string(state_shape));
    }
    state_dtype = ctx.input(kPastState).dtype();
    HONE_ASSIGN_OR_RETURN(state, load_float_buffer<double>(ctx.input(kPastState), "LinearAttention"));
  }
  const float scale_attr = ctx.has_attr("scale") ? ctx.attr_float("scale") : 0.0f;
  const double scale = scale_attr != 0.0f ? static_cast<double>(scale_attr) : 1.0 / std::sqrt(static_cast<double>(d_k));

  std::vector<double> out(static_cast<size_t>(batch * hq * steps * d_v), 0.0), vt(static_cast<size_t>(d_v));
  auto at = [](std::vector<double>& buf, int64_t i) -> double& { return buf[static_cast<size_t>(i)]; };
  for (int64_t b = 0; b < batch; ++b) {
    for (int64_t t = 0; t < steps; ++t) {
      for (int64_t h = 0; h < hkv; ++h) {
        double* st = state.data() + (b * hkv + h) * d_k * d_v;
        const int64_t kbase = ((b * hkv + h) * steps + t) * d_k;
        const int64_t vbase = ((b * hkv + h) * steps + t) * d_v;
        if (gating) {
          for (int64_t d = 0; d < d_k; ++d) {
            const double g = std::exp(at(decay, ((b * hkv + h) * steps + t) * decay_w + (decay_w == 1 ? 0 : d)));
            for (int64_t m = 0; m < d_v; ++m) st[d * d_v + m] *= g;
          }
        }
        for (int64_t m = 0; m < d_v; ++m) vt[static_cast<size_t>(m)] = at(v, vbase + m);
        if (delta) {
          const double bt = at(beta, (b * steps + t) * beta_h + (beta_h == 1 ? 0 : h));
          for (int64_t m = 0; m < d_v; ++m) {
            double retrieved = 0;
            for (int64_t d = 0; d < d_k; ++d) {
              const double ke = erase.empty() ? at(k, kbase + d) : at(erase, kbase + d) * at(k, kbase + d);
              retrieved += st[d * d_v + m] * ke;
            }
            vt[static_cast<size_t>(m)] = bt * (vt[static_cast<size_t>(m)] - retrieved);
          }
        }
        for (int64_t d = 0; d < d_k; ++d)
          for (int64_t m = 0; m < d_v; ++m) st[d * d_v + m] += at(k, kbase + d) * vt[static_cast<size_t>(m)];
      }
      for (int64_t h = 0; h < hq; ++h) {
        const double* st = state.data() + (b * hkv + s.kv_head_of(h)) * d_k * d_v;
        const int64_t qbase = ((b * hq + h) * steps + t) * d_k;
        for (int64_t m = 0; m < d_v; ++m) {
          double acc = 0;
          for (int64_t d = 0; d < d_k; ++d) acc += at(q, qbase + d) * st[d * d_v + m];
          at(out, ((b * hq + h) * steps + t) * d_v + m) = scale * acc;
        }
      }
    }
  }
  out = attention_pack_heads(out, batch, steps, hq, d_v);
  HONE_ASSIGN_OR_RETURN(Tensor * y, ctx.allocate_output(0, q_in.dtype(), {batch, steps, hq * d_v}));
  HONE_RETURN_IF_ERROR(store_float_buffer(out, *y, "LinearAttention"));
  if (ctx.num_outputs() > 1 && ctx.has_output(1)) {
    HONE_ASSIGN_OR_RETURN(Tensor * ps, ctx.allocate_output(1, state_dtype, state_shape));
    HONE_RETURN_IF_ERROR(store_float_buffer(state, *ps, "LinearAttention"));
  }
  return Status::ok();
}

}  // namespace

HONE_DEFINE_OP(LinearAttention){
    .name = "LinearAttention",
    .min_inputs = 3,
    .max_inputs = 7,
    .min_outputs = 1,
    .max_outputs = 2,
    .attrs = {attr_int("chunk_size", 64), attr_required("kv_num_heads", AttrType::Int),
              attr_required("q_num_heads", AttrType::Int), attr_optional("scale", AttrType::Float),
              attr_string("update_rule", "gated_delta")},
    .infer = infer,
    .run = run,
};

}  // namespace hone::ops
