// The classification losses. NegativeLogLikelihoodLoss over log-probabilities x [N, C, d...]
// and class targets t [N, d...]:
//   loss[n, d] = -w[t[n,d]] * x[n, t[n,d], d]   (0 where t[n,d] == ignore_index; w = 1 without weights)
//   reduction "none": loss; "sum": sum(loss); "mean": sum(loss) / sum(w[t[n,d]] over non-ignored).
// SoftmaxCrossEntropyLoss is the same loss on log_prob = LogSoftmax(scores, axis 1), which it
// can also return as a second output.
#include <cmath>

#include "ops/op_def.hpp"
#include "ops/softmax.hpp"

namespace hone::ops {
namespace {

constexpr std::initializer_list<DataType> kFloatTypes = {DataType::Float, DataType::Double, DataType::Float16,
                                                         DataType::BFloat16};

enum class Reduction { None, Sum, Mean };

Result<Reduction> reduction_of(const AttrReader& ctx) {
  const std::string& r = ctx.attr_string("reduction");
  if (r == "none") return Reduction::None;
  if (r == "sum") return Reduction::Sum;
  if (r == "mean") return Reduction::Mean;
  return ctx.error("reduction must be none, sum or mean, got '" + r + "'");
}

// Shared shape rule: x [N, C, d...], target [N, d...], optional weight [C].
Status infer_loss(InferContext& ctx, bool has_log_prob_output) {
  HONE_RETURN_IF_ERROR(ctx.require_dtype(0, kFloatTypes));
  HONE_RETURN_IF_ERROR(ctx.require_dtype(1, {DataType::Int32, DataType::Int64}));
  HONE_ASSIGN_OR_RETURN(Reduction red, reduction_of(ctx));
  const ir::TensorShape& x = ctx.input_shape(0);
  const ir::TensorShape& t = ctx.input_shape(1);
  if (x.has_rank && x.rank() < 2) return ctx.bad_input("input must have rank >= 2 ([N, C, ...]), got " + x.to_string());
  if (x.has_rank && t.has_rank && t.rank() + 1 != x.rank()) {
    return ctx.bad_input("target " + t.to_string() + " must have rank one less than input " + x.to_string());
  }
  ir::TensorShape out = ir::TensorShape::of_rank(0);
  if (red == Reduction::None) {
    if (t.has_rank) {
      out = t;
    } else if (x.has_rank) {
      out = ir::TensorShape::of_rank(x.rank() - 1);
    } else {
      out = ir::TensorShape::unknown();
    }
  }
  ctx.set_output(0, ctx.input_dtype(0), std::move(out));
  if (has_log_prob_output && ctx.num_outputs() > 1) ctx.set_output(1, ctx.input_type(0));
  return Status::ok();
}

// Computes the loss from log-probabilities `logp` (laid out [N, C, D]) into `out`.
template <class T, class A>
Status nll(const AttrReader& ctx, const std::vector<A>& logp, const Shape& x_shape, const Tensor& target,
           const Tensor* weight, Tensor& out) {
  HONE_ASSIGN_OR_RETURN(Reduction red, reduction_of(ctx));
  const int64_t batch = x_shape[0];
  const int64_t classes = x_shape[1];
  int64_t spatial = 1;
  for (size_t i = 2; i < x_shape.size(); ++i) spatial *= x_shape[i];
  if (target.rank() + 1 != static_cast<int64_t>(x_shape.size()) || target.dim(0) != batch ||
      target.numel() != batch * spatial) {
    return ctx.bad_input("target shape " + shape_to_string(target.shape()) + " does not match input shape " +
                         shape_to_string(x_shape));
  }
  if (weight != nullptr && (weight->rank() != 1 || weight->dim(0) != classes)) {
    return ctx.bad_input("weight must have shape [" + std::to_string(classes) + "], got " +
                         shape_to_string(weight->shape()));
  }
  const bool has_ignore = ctx.has_attr("ignore_index");
  const int64_t ignore = has_ignore ? ctx.attr_int("ignore_index") : 0;
  const std::vector<int64_t> tv = target.to_int64_vector();
  std::vector<A> loss(tv.size());
  A loss_sum = 0;
  A weight_sum = 0;
  for (int64_t n = 0; n < batch; ++n) {
    for (int64_t d = 0; d < spatial; ++d) {
      const size_t i = static_cast<size_t>(n * spatial + d);
      const int64_t c = tv[i];
      if (has_ignore && c == ignore) continue;
      if (c < 0 || c >= classes) {
        return ctx.bad_input("target value " + std::to_string(c) + " is out of range [0, " + std::to_string(classes) + ")");
      }
      const A w = weight ? static_cast<A>(static_cast<FloatAcc<T>>(weight->data<T>()[c])) : A(1);
      loss[i] = -w * logp[static_cast<size_t>((n * classes + c) * spatial + d)];
      loss_sum += loss[i];
      weight_sum += w;
    }
  }
  T* o = out.data<T>();
  switch (red) {
    case Reduction::None:
      for (size_t i = 0; i < loss.size(); ++i) o[i] = T(static_cast<FloatAcc<T>>(loss[i]));
      break;
    case Reduction::Sum: o[0] = T(static_cast<FloatAcc<T>>(loss_sum)); break;
    case Reduction::Mean: o[0] = T(static_cast<FloatAcc<T>>(loss_sum / weight_sum)); break;
  }
  return Status::ok();
}

Status infer_nll(InferContext& ctx) { return infer_loss(ctx, false); }
Status infer_sce(InferContext& ctx) { return infer_loss(ctx, true); }

template <bool Softmax>
Status run(KernelContext& ctx) {
  const Tensor& x = ctx.input(0);
  if (x.rank() < 2) return ctx.bad_input("input must have rank >= 2 ([N, C, ...])");
  const Tensor* weight = ctx.has_input(2) ? &ctx.input(2) : nullptr;
  if (weight != nullptr && weight->dtype() != x.dtype()) return ctx.bad_input("weight must have the input's type");
  return dispatch_dtype<TypeSet::Float>(x.dtype(), ctx.node().op_type().c_str(), [&](auto tag) -> Status {
    using T = typename decltype(tag)::type;
    using A = FloatAcc<T>;
    std::vector<A> logp = to_acc_vector<T>(x);
    if constexpr (Softmax) {
      softmax_inplace(logp, axis_view(x.shape(), 1, false), true);
      if (ctx.num_outputs() > 1 && ctx.has_output(1)) store_acc_vector<T>(logp, ctx.output(1));
    }
    return nll<T, A>(ctx, logp, x.shape(), ctx.input(1), weight, ctx.output(0));
  });
}

std::vector<AttrSpec> loss_attrs() {
  return {attr_string("reduction", "mean"), attr_optional("ignore_index", AttrType::Int)};
}

}  // namespace

HONE_DEFINE_OP(NegativeLogLikelihoodLoss){
    .name = "NegativeLogLikelihoodLoss",
    .min_inputs = 2,
    .max_inputs = 3,
    .attrs = loss_attrs(),
    .infer = infer_nll,
    .run = run<false>,
};

HONE_DEFINE_OP(SoftmaxCrossEntropyLoss){
    .name = "SoftmaxCrossEntropyLoss",
    .min_inputs = 2,
    .max_inputs = 3,
    .max_outputs = 2,
    .attrs = loss_attrs(),
    .infer = infer_sce,
    .run = run<true>,
};

}  // namespace hone::ops
