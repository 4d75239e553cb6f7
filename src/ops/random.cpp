// Random generators: RandomUniform(Like), RandomNormal(Like), Bernoulli, Multinomial.
// Deterministic: the generator (mt19937_64) is seeded from the `seed` attribute when given,
// else from the run's seed (KernelContext::seed()). Only the distributions are specified
// by ONNX, not the streams, so values differ from other runtimes.
#include <cmath>
#include <cstring>
#include <random>

#include "ops/op_def.hpp"

namespace hone::ops {
namespace {

std::mt19937_64 make_rng(const KernelContext& ctx) {
  if (ctx.has_attr("seed")) {
    const float seed = ctx.attr_float("seed");
    uint32_t bits = 0;
    std::memcpy(&bits, &seed, sizeof(bits));
    return std::mt19937_64(0x9E3779B97F4A7C15ull ^ bits);
  }
  return std::mt19937_64(ctx.seed());
}

bool is_random_float(DataType t) {
  return t == DataType::Float || t == DataType::Double || t == DataType::Float16 || t == DataType::BFloat16;
}

// Output dtype: `dtype` attribute when present, else `fallback`.
Result<DataType> dtype_attr(const AttrReader& ctx, DataType fallback) {
  if (!ctx.has_attr("dtype")) return fallback;
  const int64_t d = ctx.attr_int("dtype");
  if (!is_valid_dtype(static_cast<int>(d))) return ctx.error("dtype " + std::to_string(d) + " is not an element type");
  return static_cast<DataType>(d);
}

// Fills a float-typed tensor with draws of `next()`.
template <class Next>
Status fill_float(Tensor& y, const char* op, Next&& next) {
  return dispatch_dtype<TypeSet::Float>(y.dtype(), op, [&](auto tag) {
    using T = typename decltype(tag)::type;
    for (int64_t i = 0; i < y.numel(); ++i) y.data<T>()[i] = T(next());
    return Status::ok();
  });
}

// ---- RandomUniform / RandomNormal (shape attribute) and their *Like forms (input shape) ----

template <bool kLike>
Status infer_generator(InferContext& ctx) {
  HONE_ASSIGN_OR_RETURN(DataType t, dtype_attr(ctx, kLike ? ctx.input_dtype(0) : DataType::Float));
  if (!is_random_float(t)) return ctx.unsupported("random values of type " + std::string(dtype_name(t)));
  if constexpr (kLike) {
    ctx.set_output(0, t, ctx.input_shape(0));
  } else {
    const std::vector<int64_t>& shape = ctx.attr_ints("shape");
    for (int64_t d : shape) {
      if (d < 0) return ctx.error("shape has a negative dimension");
    }
    ctx.set_output(0, t, ir::TensorShape::of(shape));
  }
  return Status::ok();
}

// y ~ U[low, high)
Status run_uniform(KernelContext& ctx) {
  std::mt19937_64 rng = make_rng(ctx);
  std::uniform_real_distribution<double> dist(ctx.attr_float("low"), ctx.attr_float("high"));
  return fill_float(ctx.output(0), "RandomUniform", [&] { return dist(rng); });
}

// y ~ N(mean, scale^2)
Status run_normal(KernelContext& ctx) {
  std::mt19937_64 rng = make_rng(ctx);
  const float scale = ctx.attr_float("scale");
  if (!(scale >= 0)) return ctx.error("scale must be >= 0");
  std::normal_distribution<double> dist(ctx.attr_float("mean"), scale);
  return fill_float(ctx.output(0), "RandomNormal", [&] { return dist(rng); });
}

// ---- Bernoulli: y[i] = 1 with probability x[i], else 0, in the output type ----

Status infer_bernoulli(InferContext& ctx) {
  HONE_RETURN_IF_ERROR(ctx.require_dtype(0, {DataType::Float, DataType::Double, DataType::Float16, DataType::BFloat16}));
  HONE_ASSIGN_OR_RETURN(DataType t, dtype_attr(ctx, ctx.input_dtype(0)));
  if (t == DataType::String || t == DataType::Complex64 || t == DataType::Complex128) {
    return ctx.unsupported("Bernoulli output of type " + std::string(dtype_name(t)));
  }
  ctx.set_output(0, t, ctx.input_shape(0));
  return Status::ok();
}

Status run_bernoulli(KernelContext& ctx) {
  const Tensor& x = ctx.input(0);
  Tensor& y = ctx.output(0);
  std::mt19937_64 rng = make_rng(ctx);
  std::uniform_real_distribution<double> u(0.0, 1.0);
  for (int64_t i = 0; i < x.numel(); ++i) {
    const double p = x.get_double(i);
    if (!(p >= 0.0 && p <= 1.0)) return ctx.bad_input("Bernoulli probability " + std::to_string(p) + " is outside [0, 1]");
  }
  return dispatch_dtype<TypeSet::NumericBool>(y.dtype(), "Bernoulli", [&](auto tag) {
    using T = typename decltype(tag)::type;
    for (int64_t i = 0; i < x.numel(); ++i) {
      const bool one = u(rng) < x.get_double(i);
      if constexpr (std::is_same_v<T, bool>) y.data<T>()[i] = one;
      else y.data<T>()[i] = T(one ? 1.0f : 0.0f);
    }
    return Status::ok();
  });
}

// ---- Multinomial: x [batch, classes] holds unnormalized log-probabilities; draws
// sample_size class indices per row: P(class c) = exp(x[b, c]) / sum_c' exp(x[b, c']) ----

Status infer_multinomial(InferContext& ctx) {
  HONE_RETURN_IF_ERROR(ctx.require_dtype(0, {DataType::Float, DataType::Double, DataType::Float16, DataType::BFloat16}));
  HONE_ASSIGN_OR_RETURN(DataType t, dtype_attr(ctx, DataType::Int32));
  if (t != DataType::Int32 && t != DataType::Int64) return ctx.error("dtype must be int32 or int64");
  const ir::TensorShape& in = ctx.input_shape(0);
  if (in.has_rank && in.rank() != 2) return ctx.bad_input("input must be 2-D [batch, classes], got " + in.to_string());
  const int64_t samples = ctx.attr_int("sample_size");
  if (samples < 0) return ctx.error("sample_size must be >= 0");
  ir::TensorShape out = ir::TensorShape::of_rank(2);
  if (in.has_rank) out.dims[0] = in.dims[0];
  out.dims[1] = samples;
  ctx.set_output(0, t, out);
  return Status::ok();
}

Status run_multinomial(KernelContext& ctx) {
  const Tensor& x = ctx.input(0);
  Tensor& y = ctx.output(0);
  const int64_t batch = x.dim(0), classes = x.dim(1), samples = ctx.attr_int("sample_size");
  if (classes == 0 && samples > 0) return ctx.bad_input("cannot sample from zero classes");
  std::mt19937_64 rng = make_rng(ctx);
  std::uniform_real_distribution<double> u(0.0, 1.0);
  std::vector<double> cdf(static_cast<size_t>(classes));
  for (int64_t b = 0; b < batch; ++b) {
    // Cumulative exp(x - max) for stability; sampling by inverting the CDF.
    double top = -INFINITY;
    for (int64_t c = 0; c < classes; ++c) top = std::max(top, x.get_double(b * classes + c));
    double total = 0.0;
    for (int64_t c = 0; c < classes; ++c) {
      total += std::exp(x.get_double(b * classes + c) - top);
      cdf[static_cast<size_t>(c)] = total;
    }
    for (int64_t s = 0; s < samples; ++s) {
      const double r = u(rng) * total;
      int64_t c = 0;
      while (c + 1 < classes && cdf[static_cast<size_t>(c)] <= r) ++c;
      if (y.dtype() == DataType::Int32) y.data<int32_t>()[b * samples + s] = static_cast<int32_t>(c);
      else y.data<int64_t>()[b * samples + s] = c;
    }
  }
  return Status::ok();
}

}  // namespace

HONE_DEFINE_OP(RandomUniform){
    .name = "RandomUniform",
    .attrs = {attr_optional("dtype", AttrType::Int), attr_float("high", 1.0f), attr_float("low", 0.0f),
              attr_optional("seed", AttrType::Float), attr_required("shape", AttrType::Ints)},
    .infer = infer_generator<false>,
    .run = run_uniform,
};

HONE_DEFINE_OP(RandomUniformLike){
    .name = "RandomUniformLike",
    .min_inputs = 1,
    .max_inputs = 1,
    .attrs = {attr_optional("dtype", AttrType::Int), attr_float("high", 1.0f), attr_float("low", 0.0f),
              attr_optional("seed", AttrType::Float)},
    .infer = infer_generator<true>,
    .run = run_uniform,
};

HONE_DEFINE_OP(RandomNormal){
    .name = "RandomNormal",
    .attrs = {attr_optional("dtype", AttrType::Int), attr_float("mean", 0.0f), attr_float("scale", 1.0f),
              attr_optional("seed", AttrType::Float), attr_required("shape", AttrType::Ints)},
    .infer = infer_generator<false>,
    .run = run_normal,
};

HONE_DEFINE_OP(RandomNormalLike){
    .name = "RandomNormalLike",
    .min_inputs = 1,
    .max_inputs = 1,
    .attrs = {attr_optional("dtype", AttrType::Int), attr_float("mean", 0.0f), attr_float("scale", 1.0f),
              attr_optional("seed", AttrType::Float)},
    .infer = infer_generator<true>,
    .run = run_normal,
};

HONE_DEFINE_OP(Bernoulli){
    .name = "Bernoulli",
    .min_inputs = 1,
    .max_inputs = 1,
    .attrs = {attr_optional("dtype", AttrType::Int), attr_optional("seed", AttrType::Float)},
    .infer = infer_bernoulli,
    .run = run_bernoulli,
};

HONE_DEFINE_OP(Multinomial){
    .name = "Multinomial",
    .min_inputs = 1,
    .max_inputs = 1,
    .attrs = {attr_int("dtype", 6), attr_int("sample_size", 1), attr_optional("seed", AttrType::Float)},
    .infer = infer_multinomial,
    .run = run_multinomial,
};

}  // namespace hone::ops
