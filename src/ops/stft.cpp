// STFT of signal [batch, length, 1|2]: frames of frame_length samples every frame_step,
// each multiplied by `window` (default all ones) and transformed:
//   y[b, f, k] = sum_{t < L} w[t] x[b, f*step + t] exp(-2 pi i k t / L),
// L = frame_length (input 3, else the window's length, else the signal length), frames
// n_frames = 1 + (length - L) / step, bins k < L/2 + 1 when onesided (the default), else L.
// Output [batch, n_frames, bins, 2].
#include "ops/op_def.hpp"
#include "ops/signal.hpp"

namespace hone::ops {
namespace {

struct StftPlan {
  int64_t step = 0;
  int64_t frame_length = 0;
  int64_t frames = 0;
  int64_t bins = 0;
};

Result<StftPlan> plan_stft(const AttrReader& ctx, const Shape& x, const Tensor& step, const Tensor* window,
                           const Tensor* frame_length) {
  if (x.size() != 3 || (x[2] != 1 && x[2] != 2)) {
    return ctx.bad_input("signal must be [batch, length, 1 or 2], got " + shape_to_string(x));
  }
  StftPlan p;
  if (step.numel() != 1) return ctx.bad_input("frame_step must be a scalar");
  p.step = step.get_int64(0);
  if (p.step < 1) return ctx.bad_input("frame_step must be >= 1, got " + std::to_string(p.step));
  p.frame_length = x[1];
  if (window != nullptr) {
    if (window->rank() != 1) return ctx.bad_input("window must be 1-D");
    p.frame_length = window->dim(0);
  }
  if (frame_length != nullptr) {
    if (frame_length->numel() != 1) return ctx.bad_input("frame_length must be a scalar");
    p.frame_length = frame_length->get_int64(0);
    if (window != nullptr && window->dim(0) != p.frame_length) {
      return ctx.bad_input("window length " + std::to_string(window->dim(0)) + " differs from frame_length " +
                           std::to_string(p.frame_length));
    }
  }
  if (p.frame_length < 1 || p.frame_length > x[1]) {
    return ctx.bad_input("frame_length " + std::to_string(p.frame_length) + " must be in [1, signal length " +
                         std::to_string(x[1]) + "]");
  }
  const bool onesided = ctx.attr_int("onesided") != 0;
  if (onesided && x[2] == 2) return ctx.bad_input("onesided output needs a real signal");
  p.frames = 1 + (x[1] - p.frame_length) / p.step;
  p.bins = onesided ? p.frame_length / 2 + 1 : p.frame_length;
  return p;
}

Status infer(InferContext& ctx) {
  HONE_RETURN_IF_ERROR(ctx.require_dtype(0, {DataType::Float, DataType::Double, DataType::Float16, DataType::BFloat16}));
  const ir::TensorShape& s = ctx.input_shape(0);
  const Tensor* step = ctx.input_value(1);
  const bool need_window = ctx.has_input(2), need_len = ctx.has_input(3);
  if (!s.is_static() || step == nullptr || (need_window && !ctx.input_shape(2).is_static()) ||
      (need_len && ctx.input_value(3) == nullptr)) {
    ctx.set_output(0, ctx.input_dtype(0), ir::TensorShape::of_rank(4));
    return Status::ok();
  }
  // Only the window's shape matters here.
  Tensor window_shape_only;
  if (need_window) window_shape_only = Tensor::zeros(DataType::Float, ctx.input_shape(2).to_static());
  const Shape x = s.to_static();
  HONE_ASSIGN_OR_RETURN(StftPlan p, plan_stft(ctx, x, *step, need_window ? &window_shape_only : nullptr,
                                              need_len ? ctx.input_value(3) : nullptr));
  ctx.set_output(0, ctx.input_dtype(0), ir::TensorShape::of({x[0], p.frames, p.bins, 2}));
  return Status::ok();
}

Status run(KernelContext& ctx) {
  const Tensor& x = ctx.input(0);
  const Tensor* window = ctx.has_input(2) ? &ctx.input(2) : nullptr;
  HONE_ASSIGN_OR_RETURN(StftPlan p, plan_stft(ctx, x.shape(), ctx.input(1), window,
                                              ctx.has_input(3) ? &ctx.input(3) : nullptr));
  const int64_t batch = x.dim(0), length = x.dim(1), channels = x.dim(2);
  const std::vector<double> xv = x.to_double_vector();
  const std::vector<double> wv = window ? window->to_double_vector() : std::vector<double>(size_t(p.frame_length), 1.0);
  std::vector<double> yv(static_cast<size_t>(batch * p.frames * p.bins * 2));
  std::vector<Complex> frame(static_cast<size_t>(p.frame_length));
  std::vector<Complex> res(static_cast<size_t>(p.bins));
  for (int64_t b = 0; b < batch; ++b) {
    for (int64_t f = 0; f < p.frames; ++f) {
      for (int64_t t = 0; t < p.frame_length; ++t) {
        const size_t at = static_cast<size_t>((b * length + f * p.step + t) * channels);
        frame[static_cast<size_t>(t)] = wv[static_cast<size_t>(t)] * Complex(xv[at], channels == 2 ? xv[at + 1] : 0.0);
      }
      dft_line(frame.data(), p.frame_length, p.frame_length, false, res.data(), p.bins);
      for (int64_t k = 0; k < p.bins; ++k) {
        const size_t o = static_cast<size_t>(((b * p.frames + f) * p.bins + k) * 2);
        yv[o] = res[static_cast<size_t>(k)].real();
        yv[o + 1] = res[static_cast<size_t>(k)].imag();
      }
    }
  }
  return store_doubles(yv, ctx.output(0), "STFT");
}

}  // namespace

HONE_DEFINE_OP(STFT){
    .name = "STFT",
    .min_inputs = 2,
    .max_inputs = 4,
    .attrs = {attr_int("onesided", 1)},
    .infer = infer,
    .run = run,
};

}  // namespace hone::ops
