// DFT along one signal axis of x [..., n, ..., 1|2] (a trailing 1 = real, 2 = complex):
//   forward: y[k] = sum_t x[t] exp(-2 pi i k t / L), inverse: (1/L) sum_t x[t] exp(+2 pi i k t / L)
// with L = dft_length (input 1; the signal is zero-padded or truncated to L). onesided forward
// keeps k <= L/2 (real input); onesided inverse takes a half spectrum of m bins and returns
// the real signal of length L (default 2(m-1)), completing it by Hermitian symmetry.
// Opset 17: `axis` attribute (default 1); opset 20: axis is input 2 (default -2). Negative
// axes count from the input's rank, the trailing 1|2 dim included.
#include "ops/op_def.hpp"
#include "ops/signal.hpp"

namespace hone::ops {
namespace {

struct DftPlan {
  int64_t axis = 0;
  int64_t length = 0;   // L
  int64_t n_out = 0;    // output size along axis
  int64_t out_last = 2; // 1 for the real result of a onesided inverse
};

// Reads axis and dft_length; `axis_value`/`length_value` are inputs 2 and 1 when known.
Result<DftPlan> plan_dft(const AttrReader& ctx, const Shape& x, bool has_length, const Tensor* length_value,
                         bool has_axis, const Tensor* axis_value) {
  const auto rank = static_cast<int64_t>(x.size());
  if (rank < 2 || (x.back() != 1 && x.back() != 2)) {
    return ctx.bad_input("input must be [..., signal dims, 1 or 2], got " + shape_to_string(x));
  }
  DftPlan p;
  int64_t axis = 0;
  if (ctx.opset() >= 20) {
    axis = -2;
    if (has_axis) {
      if (axis_value->numel() != 1) return ctx.bad_input("axis must be a scalar");
      axis = axis_value->get_int64(0);
    }
  } else {
    axis = ctx.attr_int("axis");
  }
  if (axis < 0) axis += rank;
  if (axis < 0 || axis >= rank - 1) return ctx.bad_input("axis " + std::to_string(axis) + " is out of range");
  p.axis = axis;
  const bool inverse = ctx.attr_int("inverse") != 0;
  const bool onesided = ctx.attr_int("onesided") != 0;
  const int64_t n = x[static_cast<size_t>(axis)];
  p.length = inverse && onesided ? 2 * (n - 1) : n;
  if (has_length) {
    if (length_value->numel() != 1) return ctx.bad_input("dft_length must be a scalar");
    p.length = length_value->get_int64(0);
  }
  if (p.length < 1) return ctx.bad_input("dft_length must be >= 1, got " + std::to_string(p.length));
  if (onesided && !inverse && x.back() == 2) return ctx.bad_input("onesided output needs a real input");
  p.n_out = onesided && !inverse ? p.length / 2 + 1 : p.length;
  p.out_last = onesided && inverse ? 1 : 2;
  return p;
}

Shape output_shape(const Shape& x, const DftPlan& p) {
  Shape out = x;
  out[static_cast<size_t>(p.axis)] = p.n_out;
  out.back() = p.out_last;
  return out;
}

Status infer(InferContext& ctx) {
  HONE_RETURN_IF_ERROR(ctx.require_dtype(0, {DataType::Float, DataType::Double, DataType::Float16, DataType::BFloat16}));
  const ir::TensorShape& s = ctx.input_shape(0);
  const bool has_len = ctx.has_input(1);
  const bool has_axis = ctx.opset() >= 20 && ctx.has_input(2);
  if (!s.is_static() || (has_len && !ctx.input_value(1)) || (has_axis && !ctx.input_value(2))) {
    ctx.set_output(0, ctx.input_dtype(0), s.has_rank ? ir::TensorShape::of_rank(s.rank()) : ir::TensorShape::unknown());
    return Status::ok();
  }
  const Shape x = s.to_static();
  HONE_ASSIGN_OR_RETURN(DftPlan p, plan_dft(ctx, x, has_len, ctx.input_value(1), has_axis, ctx.input_value(2)));
  ctx.set_output(0, ctx.input_dtype(0), ir::TensorShape::of(output_shape(x, p)));
  return Status::ok();
}

Status run(KernelContext& ctx) {
  const Tensor& x = ctx.input(0);
  const bool has_len = ctx.has_input(1);
  const bool has_axis = ctx.opset() >= 20 && ctx.has_input(2);
  HONE_ASSIGN_OR_RETURN(DftPlan p, plan_dft(ctx, x.shape(), has_len, has_len ? &ctx.input(1) : nullptr, has_axis,
                                            has_axis ? &ctx.input(2) : nullptr));
  const bool inverse = ctx.attr_int("inverse") != 0;
  const bool half_inverse = inverse && ctx.attr_int("onesided") != 0;
  // x viewed as [outer, n, inner, channels].
  const Shape& xs = x.shape();
  const int64_t n = xs[static_cast<size_t>(p.axis)];
  const int64_t channels = xs.back();
  int64_t outer = 1, inner = 1;
  for (int64_t d = 0; d < p.axis; ++d) outer *= xs[static_cast<size_t>(d)];
  for (int64_t d = p.axis + 1; d + 1 < x.rank(); ++d) inner *= xs[static_cast<size_t>(d)];
  const std::vector<double> xv = x.to_double_vector();
  std::vector<double> yv(static_cast<size_t>(outer * p.n_out * inner * p.out_last));
  std::vector<Complex> line(static_cast<size_t>(p.length));
  std::vector<Complex> res(static_cast<size_t>(p.n_out));
  for (int64_t o = 0; o < outer; ++o) {
    for (int64_t i = 0; i < inner; ++i) {
      std::fill(line.begin(), line.end(), Complex(0));
      const auto at = [&](int64_t t) {
        const size_t b = static_cast<size_t>(((o * n + t) * inner + i) * channels);
        return Complex(xv[b], channels == 2 ? xv[b + 1] : 0.0);
      };
      if (half_inverse) {
        // Full spectrum from the half: X[k] = h[k] (k <= L/2), X[L-k] = conj(h[k]).
        for (int64_t k = 0; k <= p.length / 2 && k < n; ++k) {
          line[static_cast<size_t>(k)] = at(k);
          if (k > 0 && p.length - k > p.length / 2) line[static_cast<size_t>(p.length - k)] = std::conj(at(k));
        }
      } else {
        for (int64_t t = 0; t < n && t < p.length; ++t) line[static_cast<size_t>(t)] = at(t);
      }
      dft_line(line.data(), p.length, p.length, inverse, res.data(), p.n_out);
      for (int64_t k = 0; k < p.n_out; ++k) {
        const size_t b = static_cast<size_t>(((o * p.n_out + k) * inner + i) * p.out_last);
        yv[b] = res[static_cast<size_t>(k)].real();
        if (p.out_last == 2) yv[b + 1] = res[static_cast<size_t>(k)].imag();
      }
    }
  }
  return store_doubles(yv, ctx.output(0), "DFT");
}

}  // namespace

HONE_DEFINE_OP(DFT){
    .name = "DFT",
    .min_inputs = 1,
    .max_inputs = 3,
    .attrs = {attr_int("axis", 1), attr_int("inverse", 0), attr_int("onesided", 0)},
    .infer = infer,
    .run = run,
};

}  // namespace hone::ops
