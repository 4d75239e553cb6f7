// MelWeightMatrix: the [dft_length/2 + 1, num_mel_bins] matrix of triangular filters that maps
// a linear-frequency magnitude spectrum to mel bands. Band edges are num_mel_bins + 2 points
// equally spaced in mel (mel = 2595 log10(1 + hz/700)) from lower_edge_hertz, with step
// (high_mel - low_mel) / (num_mel_bins + 2) as ONNX defines it, mapped to spectrogram bins
// floor((dft_length + 1) * hz / sample_rate). Band i rises linearly from edge i to edge i+1
// and falls to edge i+2.
#include "ops/op_def.hpp"
#include "ops/signal.hpp"

namespace hone::ops {
namespace {

struct MelArgs {
  int64_t mel_bins, dft_length, sample_rate;
  double low_hz, high_hz;
};

Result<MelArgs> read_args(const AttrReader& ctx, const Tensor* const in[5]) {
  for (int i = 0; i < 5; ++i) {
    if (in[i]->numel() != 1) return ctx.bad_input("input " + std::to_string(i) + " must be a scalar");
  }
  MelArgs a{in[0]->get_int64(0), in[1]->get_int64(0), in[2]->get_int64(0), in[3]->get_double(0), in[4]->get_double(0)};
  if (a.mel_bins < 1 || a.dft_length < 1 || a.sample_rate < 1) {
    return ctx.bad_input("num_mel_bins, dft_length and sample_rate must be >= 1");
  }
  return a;
}

DataType out_dtype(const AttrReader& ctx) { return static_cast<DataType>(ctx.attr_int("output_datatype")); }

Status infer(InferContext& ctx) {
  const DataType dt = out_dtype(ctx);
  if (!(dt == DataType::Float || dt == DataType::Double || dt == DataType::Float16 || dt == DataType::BFloat16 ||
        dt == DataType::Int32 || dt == DataType::Int64 || dt == DataType::UInt8 || dt == DataType::Int8 ||
        dt == DataType::UInt16 || dt == DataType::Int16 || dt == DataType::UInt32 || dt == DataType::UInt64)) {
    return ctx.unsupported("output_datatype " + std::to_string(ctx.attr_int("output_datatype")) + " is not supported");
  }
  ir::TensorShape out = ir::TensorShape::of_rank(2);
  if (ctx.input_value(0)) out.dims[1] = ir::Dim(ctx.input_value(0)->get_int64(0));
  if (ctx.input_value(1)) out.dims[0] = ir::Dim(ctx.input_value(1)->get_int64(0) / 2 + 1);
  bool all_known = true;
  for (size_t i = 0; i < 5; ++i) all_known = all_known && ctx.input_value(i) != nullptr;
  if (all_known) {
    const Tensor* in[5] = {ctx.input_value(0), ctx.input_value(1), ctx.input_value(2), ctx.input_value(3),
                           ctx.input_value(4)};
    HONE_ASSIGN_OR_RETURN(MelArgs a, read_args(ctx, in));
    out = ir::TensorShape::of({a.dft_length / 2 + 1, a.mel_bins});
  }
  ctx.set_output(0, dt, std::move(out));
  return Status::ok();
}

Status run(KernelContext& ctx) {
  const Tensor* in[5] = {&ctx.input(0), &ctx.input(1), &ctx.input(2), &ctx.input(3), &ctx.input(4)};
  HONE_ASSIGN_OR_RETURN(MelArgs a, read_args(ctx, in));
  const int64_t spec_bins = a.dft_length / 2 + 1;
  const int64_t points = a.mel_bins + 2;
  const double low_mel = 2595.0 * std::log10(1.0 + a.low_hz / 700.0);
  const double high_mel = 2595.0 * std::log10(1.0 + a.high_hz / 700.0);
  const double step = (high_mel - low_mel) / static_cast<double>(points);
  std::vector<int64_t> edge(static_cast<size_t>(points));
  for (int64_t i = 0; i < points; ++i) {
    const double hz = 700.0 * (std::pow(10.0, (static_cast<double>(i) * step + low_mel) / 2595.0) - 1.0);
    edge[static_cast<size_t>(i)] =
        static_cast<int64_t>(std::floor(static_cast<double>(a.dft_length + 1) * hz / static_cast<double>(a.sample_rate)));
  }
  std::vector<double> w(static_cast<size_t>(spec_bins * a.mel_bins), 0.0);
  const auto set = [&](int64_t row, int64_t col, double v) {
    if (row >= 0 && row < spec_bins) w[static_cast<size_t>(row * a.mel_bins + col)] = v;
  };
  for (int64_t i = 0; i < a.mel_bins; ++i) {
    const int64_t lo = edge[static_cast<size_t>(i)], mid = edge[static_cast<size_t>(i + 1)],
                  hi = edge[static_cast<size_t>(i + 2)];
    if (mid == lo) {
      set(mid, i, 1.0);
    } else {
      for (int64_t j = lo; j <= mid; ++j) set(j, i, static_cast<double>(j - lo) / static_cast<double>(mid - lo));
    }
    for (int64_t j = mid; j < hi; ++j) set(j, i, static_cast<double>(hi - j) / static_cast<double>(hi - mid));
  }
  return store_doubles(w, ctx.output(0), "MelWeightMatrix");
}

}  // namespace

HONE_DEFINE_OP(MelWeightMatrix){
    .name = "MelWeightMatrix",
    .min_inputs = 5,
    .max_inputs = 5,
    .attrs = {attr_int("output_datatype", 1)},
    .infer = infer,
    .run = run,
};

}  // namespace hone::ops
