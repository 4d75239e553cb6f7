// HannWindow, HammingWindow, BlackmanWindow: y[n] for n < size, with N = size (periodic) or
// size - 1 (symmetric), as a 1-D tensor of `output_datatype`:
//   Hann:     0.5 - 0.5 cos(2 pi n / N)
//   Hamming:  25/46 - 21/46 cos(2 pi n / N)
//   Blackman: 0.42 - 0.5 cos(2 pi n / N) + 0.08 cos(4 pi n / N)
#include <algorithm>
#include <iterator>

#include "ops/op_def.hpp"
#include "ops/signal.hpp"

namespace hone::ops {
namespace {

enum class Window { Hann, Hamming, Blackman };

double window_value(Window w, double n, double period) {
  const double x = 2.0 * std::numbers::pi * n / period;
  switch (w) {
    case Window::Hann: return 0.5 - 0.5 * std::cos(x);
    case Window::Hamming: return 25.0 / 46.0 - 21.0 / 46.0 * std::cos(x);
    case Window::Blackman: return 0.42 - 0.5 * std::cos(x) + 0.08 * std::cos(2.0 * x);
  }
  return 0;
}

Result<DataType> output_dtype(const AttrReader& ctx) {
  const int64_t raw = ctx.attr_int("output_datatype");
  constexpr DataType kAllowed[] = {DataType::Float, DataType::Double, DataType::Float16, DataType::BFloat16,
                                   DataType::Int8,  DataType::Int16,  DataType::Int32,   DataType::Int64,
                                   DataType::UInt8, DataType::UInt16, DataType::UInt32,  DataType::UInt64};
  const auto dt = static_cast<DataType>(raw);
  if (std::find(std::begin(kAllowed), std::end(kAllowed), dt) == std::end(kAllowed)) {
    return ctx.unsupported("output_datatype " + std::to_string(raw) + " is not supported");
  }
  return dt;
}

Result<int64_t> window_size(const AttrReader& ctx, const Tensor& size) {
  if (size.numel() != 1) return ctx.bad_input("size must be a scalar");
  const int64_t n = size.get_int64(0);
  if (n < 0) return ctx.bad_input("size must be >= 0, got " + std::to_string(n));
  return n;
}

Status infer(InferContext& ctx) {
  HONE_RETURN_IF_ERROR(ctx.require_dtype(0, {DataType::Int32, DataType::Int64}));
  HONE_ASSIGN_OR_RETURN(DataType dt, output_dtype(ctx));
  ir::TensorShape out = ir::TensorShape::of_rank(1);
  if (const Tensor* v = ctx.input_value(0)) {
    HONE_ASSIGN_OR_RETURN(int64_t n, window_size(ctx, *v));
    out.dims[0] = ir::Dim(n);
  }
  ctx.set_output(0, dt, std::move(out));
  return Status::ok();
}

template <Window W>
Status run(KernelContext& ctx) {
  HONE_ASSIGN_OR_RETURN(int64_t n, window_size(ctx, ctx.input(0)));
  const double period = ctx.attr_int("periodic") != 0 ? static_cast<double>(n) : static_cast<double>(n - 1);
  std::vector<double> v(static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i) v[static_cast<size_t>(i)] = period == 0 ? 1.0 : window_value(W, double(i), period);
  return store_doubles(v, ctx.output(0), ctx.node().op_type().c_str());
}

std::vector<AttrSpec> window_attrs() { return {attr_int("periodic", 1), attr_int("output_datatype", 1)}; }

}  // namespace

HONE_DEFINE_OP(HannWindow){.name = "HannWindow", .min_inputs = 1, .max_inputs = 1, .attrs = window_attrs(),
                           .infer = infer, .run = run<Window::Hann>};
HONE_DEFINE_OP(HammingWindow){.name = "HammingWindow", .min_inputs = 1, .max_inputs = 1, .attrs = window_attrs(),
                              .infer = infer, .run = run<Window::Hamming>};
HONE_DEFINE_OP(BlackmanWindow){.name = "BlackmanWindow", .min_inputs = 1, .max_inputs = 1, .attrs = window_attrs(),
                               .infer = infer, .run = run<Window::Blackman>};

}  // namespace hone::ops
