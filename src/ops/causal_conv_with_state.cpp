// CausalConvWithState: depthwise causal 1-D convolution with a carried state (the last k-1
// input positions), as used by state-space / linear-attention models for streaming decode.
//   padded = concat(past_state or zeros [B, C, k-1], input [B, C, L])  along time
//   y[b,c,t] = bias[c] + sum_{j<k} weight[c,0,j] * padded[b,c,t+j]
//   output   = silu(y) = y * sigmoid(y) when activation is "silu"/"swish", else y
//   present_state = padded[:, :, L:]  (the last k-1 positions)
#include <cmath>

#include "ops/float_buffer.hpp"
#include "ops/op_def.hpp"

namespace hone::ops {
namespace {

enum Input { kInput = 0, kWeight, kBias, kPastState };

bool valid_activation(const std::string& a) { return a == "none" || a == "silu" || a == "swish"; }

Status infer(InferContext& ctx) {
  HONE_RETURN_IF_ERROR(ctx.require_dtype(kInput, {DataType::Float, DataType::Double, DataType::Float16, DataType::BFloat16}));
  if (!valid_activation(ctx.attr_string("activation"))) {
    return ctx.error("activation must be 'none', 'silu' or 'swish', got '" + ctx.attr_string("activation") + "'");
  }
  const ir::TensorShape& xs = ctx.input_shape(kInput);
  const ir::TensorShape& ws = ctx.input_shape(kWeight);
  if (xs.has_rank && xs.rank() != 3) return ctx.error("input must be 3-D [batch, channels, length]");
  if (ws.has_rank && ws.rank() != 3) return ctx.error("weight must be 3-D [channels, 1, kernel]");
  ctx.set_output(0, ctx.input_type(kInput));
  ir::TensorShape state = ir::TensorShape::of_rank(3);
  if (xs.has_rank) state.dims[0] = xs.dims[0], state.dims[1] = xs.dims[1];
  if (ws.has_rank && ws.dims[2].is_known()) state.dims[2] = ir::Dim(std::max<int64_t>(ws.dims[2].value - 1, 0));
  if (ctx.num_outputs() > 1) ctx.set_output(1, ctx.input_dtype(kInput), state);
  return Status::ok();
}

Status run(KernelContext& ctx) {
  const Tensor& x_in = ctx.input(kInput);
  const Tensor& w_in = ctx.input(kWeight);
  if (x_in.rank() != 3 || w_in.rank() != 3) return ctx.bad_input("input and weight must be 3-D");
  const int64_t batch = x_in.dim(0), channels = x_in.dim(1), length = x_in.dim(2), kernel = w_in.dim(2);
  if (w_in.dim(0) != channels || w_in.dim(1) != 1 || kernel < 1) {
    return ctx.bad_input("weight " + shape_to_string(w_in.shape()) + " must be [channels, 1, kernel>=1]");
  }
  const int64_t keep = kernel - 1, padded_len = length + keep;
  HONE_ASSIGN_OR_RETURN(std::vector<double> x, load_float_buffer<double>(x_in, "CausalConvWithState"));
  HONE_ASSIGN_OR_RETURN(std::vector<double> w, load_float_buffer<double>(w_in, "CausalConvWithState"));
  std::vector<double> bias(static_cast<size_t>(channels), 0.0);
  if (ctx.has_input(kBias) && ctx.input(kBias).defined()) {
    if (ctx.input(kBias).numel() != channels) return ctx.bad_input("bias must have one value per channel");
    HONE_ASSIGN_OR_RETURN(bias, load_float_buffer<double>(ctx.input(kBias), "CausalConvWithState"));
  }
  std::vector<double> past(static_cast<size_t>(batch * channels * keep), 0.0);
  if (ctx.has_input(kPastState) && ctx.input(kPastState).defined()) {
    if (ctx.input(kPastState).shape() != Shape{batch, channels, keep}) {
      return ctx.bad_input("past_state " + shape_to_string(ctx.input(kPastState).shape()) + " must be " +
                           shape_to_string(Shape{batch, channels, keep}));
    }
    HONE_ASSIGN_OR_RETURN(past, load_float_buffer<double>(ctx.input(kPastState), "CausalConvWithState"));
  }
  const bool silu = ctx.attr_string("activation") != "none";
  std::vector<double> y(x.size()), present(past.size()), padded(static_cast<size_t>(padded_len));
  for (int64_t b = 0; b < batch; ++b) {
    for (int64_t c = 0; c < channels; ++c) {
      const int64_t row = b * channels + c;
      for (int64_t t = 0; t < keep; ++t) padded[static_cast<size_t>(t)] = past[static_cast<size_t>(row * keep + t)];
      for (int64_t t = 0; t < length; ++t) padded[static_cast<size_t>(keep + t)] = x[static_cast<size_t>(row * length + t)];
      for (int64_t t = 0; t < length; ++t) {
        double acc = bias[static_cast<size_t>(c)];
        for (int64_t j = 0; j < kernel; ++j) acc += w[static_cast<size_t>(c * kernel + j)] * padded[static_cast<size_t>(t + j)];
        y[static_cast<size_t>(row * length + t)] = silu ? acc / (1.0 + std::exp(-acc)) : acc;
      }
      for (int64_t t = 0; t < keep; ++t) present[static_cast<size_t>(row * keep + t)] = padded[static_cast<size_t>(length + t)];
    }
  }
  HONE_RETURN_IF_ERROR(store_float_buffer(y, ctx.output(0), "CausalConvWithState"));
  if (ctx.num_outputs() > 1 && ctx.has_output(1)) {
    HONE_ASSIGN_OR_RETURN(Tensor * st, ctx.allocate_output(1, x_in.dtype(), {batch, channels, keep}));
    HONE_RETURN_IF_ERROR(store_float_buffer(present, *st, "CausalConvWithState"));
  }
  return Status::ok();
}

}  // namespace

HONE_DEFINE_OP(CausalConvWithState){
    .name = "CausalConvWithState",
    .min_inputs = 2,
    .max_inputs = 4,
    .min_outputs = 1,
    .max_outputs = 2,
    .attrs = {attr_string("activation", "none")},
    .infer = infer,
    .run = run,
};

}  // namespace hone::ops
