// Softmax, LogSoftmax and Hardmax along one axis. Opset < 13: the input is coerced to 2-D at
// `axis` (default 1) and normalized over the whole tail; opset 13+: along `axis` (default -1).
//   Softmax:    y = exp(x - max) / sum exp(x - max)
//   LogSoftmax: y = x - max - log(sum exp(x - max))
//   Hardmax:    y = 1 at the first maximum, 0 elsewhere
#include "ops/op_def.hpp"
#include "ops/softmax.hpp"

namespace hone::ops {
namespace {

enum class Kind { Softmax, LogSoftmax, Hardmax };

int64_t axis_of(const AttrReader& ctx) {
  if (ctx.has_attr("axis")) return ctx.attr_int("axis");
  return ctx.opset() < 13 ? 1 : -1;
}

Status infer(InferContext& ctx) {
  HONE_RETURN_IF_ERROR(ctx.require_dtype(0, {DataType::Float, DataType::Double, DataType::Float16, DataType::BFloat16}));
  const ir::TensorShape& s = ctx.input_shape(0);
  if (s.has_rank) {
    auto a = normalize_axis(axis_of(ctx), static_cast<int64_t>(s.rank()));
    if (!a.is_ok()) return ctx.bad_input(a.status().message());
  }
  ctx.set_output(0, ctx.input_type(0));
  return Status::ok();
}

template <Kind K>
Status run(KernelContext& ctx) {
  const Tensor& x = ctx.input(0);
  auto axis = normalize_axis(axis_of(ctx), x.rank());
  if (!axis.is_ok()) return ctx.bad_input(axis.status().message());
  const AxisView v = axis_view(x.shape(), *axis, ctx.opset() < 13);
  return dispatch_dtype<TypeSet::Float>(x.dtype(), ctx.node().op_type().c_str(), [&](auto tag) -> Status {
    using T = typename decltype(tag)::type;
    std::vector<FloatAcc<T>> buf = to_acc_vector<T>(x);
    if constexpr (K == Kind::Hardmax) {
      for (int64_t o = 0; o < v.outer; ++o) {
        for (int64_t i = 0; i < v.inner; ++i) {
          auto* p = buf.data() + o * v.n * v.inner + i;
          int64_t best = 0;
          for (int64_t k = 1; k < v.n; ++k) {
            if (p[k * v.inner] > p[best * v.inner]) best = k;
          }
          for (int64_t k = 0; k < v.n; ++k) p[k * v.inner] = k == best ? 1 : 0;
        }
      }
    } else {
      softmax_inplace(buf, v, K == Kind::LogSoftmax);
    }
    store_acc_vector<T>(buf, ctx.output(0));
    return Status::ok();
  });
}

std::vector<AttrSpec> softmax_attrs() { return {attr_optional("axis", AttrType::Int)}; }

}  // namespace

HONE_DEFINE_OP(Softmax){.name = "Softmax", .min_inputs = 1, .max_inputs = 1, .attrs = softmax_attrs(),
                        .infer = infer, .run = run<Kind::Softmax>};
HONE_DEFINE_OP(LogSoftmax){.name = "LogSoftmax", .min_inputs = 1, .max_inputs = 1, .attrs = softmax_attrs(),
                           .infer = infer, .run = run<Kind::LogSoftmax>};
HONE_DEFINE_OP(Hardmax){.name = "Hardmax", .min_inputs = 1, .max_inputs = 1, .attrs = softmax_attrs(),
                        .infer = infer, .run = run<Kind::Hardmax>};

}  // namespace hone::ops
