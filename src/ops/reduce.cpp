// The ten Reduce* operators: y[o] = finish(fold(step, identity, {x[i] : i reduces into o})).
// One rule table below (one line per op) drives the shared axes/shape logic of reduce.hpp and
// one reference kernel. Floats accumulate in float (double for double; narrow floats in
// float); integers accumulate in 64 bits with wrap-around, then wrap to their own type, as
// numpy does; ops with a log/exp/sqrt compute integers in double.
#include <cmath>
#include <limits>

#include "ops/reduce.hpp"

namespace hone::ops {
namespace {

enum class ReduceOp { L1, L2, LogSum, LogSumExp, Max, Mean, Min, Prod, Sum, SumSquare };

struct ReduceRule {
  const char* name;
  int axes_input_from;  // first opset where axes is input 1 instead of an attribute
  bool allows_bool;
};

// Index = ReduceOp. Identity on an empty set in brackets.
constexpr ReduceRule kRules[] = {
    {"ReduceL1", 18, false},         // sum |x|                         [0]
    {"ReduceL2", 18, false},         // sqrt(sum x^2)                   [0]
    {"ReduceLogSum", 18, false},     // log(sum x)                      [-inf]
    {"ReduceLogSumExp", 18, false},  // m + log(sum exp(x - m)), m=max  [-inf]
    {"ReduceMax", 18, true},         // max x (bool: any)               [-inf / lowest / false]
    {"ReduceMean", 18, false},       // sum x / n                       [nan]
    {"ReduceMin", 18, true},         // min x (bool: all)               [+inf / highest / true]
    {"ReduceProd", 18, false},       // prod x                          [1]
    {"ReduceSum", 13, false},        // sum x                           [0]
    {"ReduceSumSquare", 18, false},  // sum x^2                         [0]
};

const ReduceRule& rule(ReduceOp op) { return kRules[static_cast<int>(op)]; }

template <ReduceOp Op>
Status infer(InferContext& ctx) {
  const DataType dt = ctx.input_dtype(0);
  if (!(is_float(dt) || is_integer(dt) || (dt == DataType::Bool && rule(Op).allows_bool))) {
    return ctx.unsupported(std::string(rule(Op).name) + " does not support element type " + std::string(dtype_name(dt)));
  }
  const ir::TensorShape& in = ctx.input_shape(0);
  const bool keepdims = ctx.attr_int("keepdims") != 0;
  if (!in.has_rank) {
    ctx.set_output(0, dt, ir::TensorShape::unknown());
    return Status::ok();
  }
  const auto rank = static_cast<int64_t>(in.rank());
  HONE_ASSIGN_OR_RETURN(ReduceAxes axes,
                        resolve_reduce_axes(ctx, ctx.has_input(1), ctx.input_value(1), rank, rule(Op).axes_input_from));
  if (!axes.known) {
    ctx.set_output(0, dt, keepdims ? ir::TensorShape::of_rank(in.rank()) : ir::TensorShape::unknown());
    return Status::ok();
  }
  ir::TensorShape out;
  out.has_rank = true;
  for (size_t d = 0; d < in.rank(); ++d) {
    if (!axes.mask[d]) out.dims.push_back(in.dims[d]);
    else if (keepdims) out.dims.push_back(ir::Dim(1));
  }
  ctx.set_output(0, dt, std::move(out));
  return Status::ok();
}

// Converts a computed value to the element type; integers from double saturate (NaN -> 0).
template <class T, class A>
T to_elem(A v) {
  if constexpr (std::is_integral_v<T> && std::is_floating_point_v<A>) {
    if (std::isnan(v)) return T(0);
    if (v <= static_cast<A>(std::numeric_limits<T>::lowest())) return std::numeric_limits<T>::lowest();
    if (v >= static_cast<A>(std::numeric_limits<T>::max())) return std::numeric_limits<T>::max();
    return static_cast<T>(v);
  } else if constexpr (kIsNarrowFloat<T>) {
    return T(static_cast<float>(v));
  } else {
    return static_cast<T>(v);
  }
}

// fold(init, step, finish): y[o] = finish(step(...step(init, x0)...), n) over o's elements.
template <class T, class A, class Step, class Finish>
void fold(const T* x, T* y, const ReduceIndex& ix, A init, Step step, Finish finish) {
  const auto n = static_cast<int64_t>(ix.inner.size());
  for (size_t o = 0; o < ix.base.size(); ++o) {
    A acc = init;
    const T* xo = x + ix.base[o];
    for (int64_t off : ix.inner) acc = step(acc, xo[off]);
    y[o] = to_elem<T>(finish(acc, n));
  }
}

// log(sum exp(x)) stabilized by the max; -inf for an empty set or all -inf, +inf if any +inf.
template <class T, class A>
void log_sum_exp(const T* x, T* y, const ReduceIndex& ix) {
  for (size_t o = 0; o < ix.base.size(); ++o) {
    const T* xo = x + ix.base[o];
    A m = -std::numeric_limits<A>::infinity();
    bool nan = false;
    for (int64_t off : ix.inner) {
      const auto v = static_cast<A>(xo[off]);
      if (std::isnan(v)) nan = true;
      if (v > m) m = v;
    }
    A r;
    if (nan) {
      r = std::numeric_limits<A>::quiet_NaN();
    } else if (std::isinf(m)) {
      r = m;
    } else {
      A s = 0;
      for (int64_t off : ix.inner) s += std::exp(static_cast<A>(xo[off]) - m);
      r = m + std::log(s);
    }
    y[o] = to_elem<T>(r);
  }
}

template <class T>
Status reduce_float(ReduceOp op, const T* x, T* y, const ReduceIndex& ix) {
  using A = std::conditional_t<std::is_same_v<T, double>, double, float>;
  const auto v = [](T e) { return static_cast<A>(e); };
  const auto same = [](A a, int64_t) { return a; };
  constexpr A kInf = std::numeric_limits<A>::infinity();
  switch (op) {
    case ReduceOp::L1: fold(x, y, ix, A(0), [&](A a, T e) { return a + std::abs(v(e)); }, same); break;
    case ReduceOp::L2:
      fold(x, y, ix, A(0), [&](A a, T e) { return a + v(e) * v(e); }, [](A a, int64_t) { return std::sqrt(a); });
      break;
    case ReduceOp::LogSum:
      fold(x, y, ix, A(0), [&](A a, T e) { return a + v(e); }, [](A a, int64_t) { return std::log(a); });
      break;
    case ReduceOp::LogSumExp: log_sum_exp<T, A>(x, y, ix); break;
    case ReduceOp::Max:
      fold(x, y, ix, -kInf, [&](A a, T e) { return v(e) > a || std::isnan(v(e)) ? v(e) : a; }, same);
      break;
    case ReduceOp::Min:
      fold(x, y, ix, kInf, [&](A a, T e) { return v(e) < a || std::isnan(v(e)) ? v(e) : a; }, same);
      break;
    case ReduceOp::Mean:
      fold(x, y, ix, A(0), [&](A a, T e) { return a + v(e); }, [](A a, int64_t n) { return a / static_cast<A>(n); });
      break;
    case ReduceOp::Prod: fold(x, y, ix, A(1), [&](A a, T e) { return a * v(e); }, same); break;
    case ReduceOp::Sum: fold(x, y, ix, A(0), [&](A a, T e) { return a + v(e); }, same); break;
    case ReduceOp::SumSquare: fold(x, y, ix, A(0), [&](A a, T e) { return a + v(e) * v(e); }, same); break;
  }
  return Status::ok();
}

template <class T>
Status reduce_int(ReduceOp op, const T* x, T* y, const ReduceIndex& ix) {
  // Sums and products wrap modulo 2^64 (unsigned arithmetic), which wraps like T once narrowed.
  using U = uint64_t;
  const auto u = [](T e) { return static_cast<U>(static_cast<int64_t>(e)); };
  const auto same = [](U a, int64_t) { return a; };
  const auto d = [](T e) { return static_cast<double>(e); };
  switch (op) {
    case ReduceOp::L1:
      fold(x, y, ix, U(0),
           [&](U a, T e) {
             if constexpr (std::is_signed_v<T>) {
               if (e < 0) return a - u(e);
             }
             return a + u(e);
           },
           same);
      break;
    case ReduceOp::L2:
      fold(x, y, ix, 0.0, [&](double a, T e) { return a + d(e) * d(e); }, [](double a, int64_t) { return std::sqrt(a); });
      break;
    case ReduceOp::LogSum:
      fold(x, y, ix, 0.0, [&](double a, T e) { return a + d(e); }, [](double a, int64_t) { return std::log(a); });
      break;
    case ReduceOp::LogSumExp: log_sum_exp<T, double>(x, y, ix); break;
    case ReduceOp::Max:
      fold(x, y, ix, std::numeric_limits<T>::lowest(), [](T a, T e) { return e > a ? e : a; },
           [](T a, int64_t) { return a; });
      break;
    case ReduceOp::Min:
      fold(x, y, ix, std::numeric_limits<T>::max(), [](T a, T e) { return e < a ? e : a; },
           [](T a, int64_t) { return a; });
      break;
    case ReduceOp::Mean:
      // Integer mean truncates toward zero; an empty set gives 0.
      fold(x, y, ix, int64_t(0), [&](int64_t a, T e) { return static_cast<int64_t>(static_cast<U>(a) + u(e)); },
           [](int64_t a, int64_t n) -> int64_t {
             if constexpr (std::is_unsigned_v<T>) return n == 0 ? 0 : static_cast<int64_t>(static_cast<U>(a) / U(n));
             return n == 0 ? 0 : a / n;
           });
      break;
    case ReduceOp::Prod: fold(x, y, ix, U(1), [&](U a, T e) { return a * u(e); }, same); break;
    case ReduceOp::Sum: fold(x, y, ix, U(0), [&](U a, T e) { return a + u(e); }, same); break;
    case ReduceOp::SumSquare: fold(x, y, ix, U(0), [&](U a, T e) { return a + u(e) * u(e); }, same); break;
  }
  return Status::ok();
}

template <ReduceOp Op>
Status run(KernelContext& ctx) {
  const Tensor& x = ctx.input(0);
  const bool has_axes = ctx.has_input(1);
  HONE_ASSIGN_OR_RETURN(ReduceAxes axes, resolve_reduce_axes(ctx, has_axes, has_axes ? &ctx.input(1) : nullptr,
                                                             x.rank(), rule(Op).axes_input_from));
  const ReduceIndex ix = make_reduce_index(x.shape(), axes.mask);
  Tensor& y = ctx.output(0);
  if (x.dtype() == DataType::Bool) {
    if (Op != ReduceOp::Max && Op != ReduceOp::Min) return ctx.unsupported("bool input is not supported");
    // max = any, min = all.
    const bool any = Op == ReduceOp::Max;
    fold(x.data<bool>(), y.data<bool>(), ix, !any, [any](bool a, bool e) { return any ? (a || e) : (a && e); },
         [](bool a, int64_t) { return a; });
    return Status::ok();
  }
  return dispatch_dtype<TypeSet::Numeric>(x.dtype(), rule(Op).name, [&](auto tag) -> Status {
    using T = typename decltype(tag)::type;
    if constexpr (kIsFloating<T>) return reduce_float<T>(Op, x.data<T>(), y.data<T>(), ix);
    else return reduce_int<T>(Op, x.data<T>(), y.data<T>(), ix);
  });
}

std::vector<AttrSpec> reduce_attrs() {
  return {attr_int("keepdims", 1), attr_optional("axes", AttrType::Ints), attr_int("noop_with_empty_axes", 0)};
}

}  // namespace

#define HONE_REDUCE_OP(Name)                                                                            \
  HONE_DEFINE_OP(Reduce##Name){                                                                         \
      .name = "Reduce" #Name,                                                                           \
      .min_inputs = 1,                                                                                  \
      .max_inputs = 2,                                                                                  \
      .attrs = reduce_attrs(),                                                                          \
      .infer = infer<ReduceOp::Name>,                                                                   \
      .run = run<ReduceOp::Name>,                                                                       \
  };

HONE_REDUCE_OP(L1)
HONE_REDUCE_OP(L2)
HONE_REDUCE_OP(LogSum)
HONE_REDUCE_OP(LogSumExp)
HONE_REDUCE_OP(Max)
HONE_REDUCE_OP(Mean)
HONE_REDUCE_OP(Min)
HONE_REDUCE_OP(Prod)
HONE_REDUCE_OP(Sum)
HONE_REDUCE_OP(SumSquare)
#undef HONE_REDUCE_OP

}  // namespace hone::ops
