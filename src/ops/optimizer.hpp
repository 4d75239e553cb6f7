// Shared machinery of the ai.onnx.preview.training optimizers (Adagrad, Adam, Momentum):
// inputs (R, T, X[0..n), G[0..n), S_1[0..n), ..., S_k[0..n)) -> outputs (X_new[0..n),
// S_1_new[0..n), ...). Each operator supplies the per-element update; the helper checks
// shapes, computes in double and writes each output in its input's dtype (float, double).
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "ops/op_def.hpp"

namespace hone::ops::optimizer {

/// update(r, t, x, g, state[k]) -> x_new, with state[] updated in place.
using Update = std::function<double(double r, int64_t t, double x, double g, double* state)>;

/// Number of optimized tensors n, from 2 + (2 + n_state) * n inputs.
inline Result<size_t> tensor_count(const AttrReader& ctx, size_t num_inputs, size_t num_outputs, size_t n_state) {
  const size_t per = 2 + n_state;
  if (num_inputs < 2 + per || (num_inputs - 2) % per != 0) {
    return ctx.error("expects R, T and " + std::to_string(per) + " inputs per optimized tensor, got " +
                     std::to_string(num_inputs) + " inputs");
  }
  const size_t n = (num_inputs - 2) / per;
  if (num_outputs != (1 + n_state) * n) {
    return ctx.error("expects " + std::to_string((1 + n_state) * n) + " outputs, got " + std::to_string(num_outputs));
  }
  return n;
}

/// X_new has X's type; state outputs have their state input's type.
inline Status infer(InferContext& ctx, size_t n_state) {
  HONE_ASSIGN_OR_RETURN(size_t n, tensor_count(ctx, ctx.num_inputs(), ctx.num_outputs(), n_state));
  for (size_t i = 0; i < ctx.num_inputs(); ++i) {
    if (!ctx.has_input(i)) return ctx.error("input " + std::to_string(i) + " is missing");
  }
  HONE_RETURN_IF_ERROR(ctx.require_dtype(0, {DataType::Float, DataType::Double}));
  HONE_RETURN_IF_ERROR(ctx.require_dtype(1, {DataType::Int64}));
  for (size_t i = 0; i < n; ++i) {
    HONE_RETURN_IF_ERROR(ctx.require_dtype(2 + i, {DataType::Float, DataType::Double}));
    ctx.set_output(i, ctx.input_type(2 + i));
    for (size_t k = 0; k < n_state; ++k) ctx.set_output((1 + k) * n + i, ctx.input_type(2 + (2 + k) * n + i));
  }
  return Status::ok();
}

inline Status store(Tensor& out, size_t k, double v) {
  if (out.dtype() == DataType::Float) {
    out.data<float>()[k] = static_cast<float>(v);
  } else {
    out.data<double>()[k] = v;
  }
  return Status::ok();
}

inline Status run(KernelContext& ctx, size_t n_state, const Update& update) {
  HONE_ASSIGN_OR_RETURN(size_t n, tensor_count(ctx, ctx.num_inputs(), ctx.num_outputs(), n_state));
  if (ctx.input(0).numel() != 1 || ctx.input(1).numel() != 1) return ctx.bad_input("R and T must be scalars");
  const double r = ctx.input(0).get_double(0);
  const int64_t t = ctx.input(1).get_int64(0);
  for (size_t i = 0; i < n; ++i) {
    const Tensor& x = ctx.input(2 + i);
    const Tensor& g = ctx.input(2 + n + i);
    std::vector<const Tensor*> states;
    for (size_t k = 0; k < n_state; ++k) states.push_back(&ctx.input(2 + (2 + k) * n + i));
    for (const Tensor* s : states) {
      if (s->shape() != x.shape() || g.shape() != x.shape()) {
        return ctx.bad_input("X, G and state tensors of group " + std::to_string(i) + " must have one shape, got " +
                             shape_to_string(x.shape()) + ", " + shape_to_string(g.shape()) + ", " + shape_to_string(s->shape()));
      }
    }
    std::vector<double> state(n_state);
    for (int64_t e = 0; e < x.numel(); ++e) {
      for (size_t k = 0; k < n_state; ++k) state[k] = states[k]->get_double(e);
      const double x_new = update(r, t, x.get_double(e), g.get_double(e), state.data());
      const size_t ue = static_cast<size_t>(e);
      if (ctx.has_output(i)) HONE_RETURN_IF_ERROR(store(ctx.output(i), ue, x_new));
      for (size_t k = 0; k < n_state; ++k) {
        if (ctx.has_output((1 + k) * n + i)) HONE_RETURN_IF_ERROR(store(ctx.output((1 + k) * n + i), ue, state[k]));
      }
    }
  }
  return Status::ok();
}

}  // namespace hone::ops::optimizer
