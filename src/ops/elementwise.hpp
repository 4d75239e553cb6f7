// Shared machinery of the elementwise operators (unary math, activations, binary arithmetic,
// comparison and logic, variadic Max/Min/Sum/Mean, Where): shape rules with numpy-style
// broadcasting (and the opset < 7 `broadcast`/`axis` rule), and the "unary map" and
// "broadcast map" loops every one of those kernels is a line or a few on top of.
//
// Values are loaded into ComputeType<T> (float for narrow floats), the op's functor computes,
// and the result is stored back with store<T>() (round to nearest even for narrow floats).
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <type_traits>
#include <vector>

#include "ops/op_def.hpp"

namespace hone::ops::elementwise {

// ---- element conversion ----

/// The value of x in the type kernels compute in (float for narrow floats, int for sub-byte
/// ints, T itself otherwise; strings and complex numbers pass through).
template <class T>
decltype(auto) load(const T& x) {
  if constexpr (kIsNarrowFloat<T> || kIsSubByteInt<T>) {
    return static_cast<ComputeType<T>>(x);
  } else {
    return (x);
  }
}

/// Converts a computed value to the storage type T (narrow floats round to nearest even).
template <class T, class C>
T store(const C& v) {
  if constexpr (kIsNarrowFloat<T>) {
    return T(static_cast<float>(v));
  } else if constexpr (kIsSubByteInt<T>) {
    return T(static_cast<int64_t>(v));
  } else {
    return static_cast<T>(v);
  }
}

template <class C>
inline constexpr bool kIsPlainInt = std::is_integral_v<C> && !std::is_same_v<C, bool>;

/// a+b, a-b, a*b with two's complement wrap-around for integers (no signed-overflow UB).
template <class C>
C wrap_add(C a, C b) {
  if constexpr (kIsPlainInt<C>) return static_cast<C>(static_cast<uint64_t>(a) + static_cast<uint64_t>(b));
  else return a + b;
}
template <class C>
C wrap_sub(C a, C b) {
  if constexpr (kIsPlainInt<C>) return static_cast<C>(static_cast<uint64_t>(a) - static_cast<uint64_t>(b));
  else return a - b;
}
template <class C>
C wrap_mul(C a, C b) {
  if constexpr (kIsPlainInt<C>) return static_cast<C>(static_cast<uint64_t>(a) * static_cast<uint64_t>(b));
  else return a * b;
}

// ---- broadcast iteration ----

/// `out` (which every input shape broadcasts to) with its size-1 dims dropped and adjacent dims
/// merged where every input walks them as one: dims outermost first, and per dim each input's
/// element stride (0 where it broadcasts). Empty dims: one element.
struct MergedBroadcast {
  Shape dims;
  std::vector<std::vector<int64_t>> strides;  // [dim][input]
};
MergedBroadcast merge_broadcast_dims(const Shape& out, const std::vector<const Shape*>& inputs);

/// Walks an output shape row by row, where a row is the innermost run of dimensions that
/// every input either follows contiguously (stride 1) or broadcasts (stride 0). Adjacent
/// dimensions are coalesced first, so same-shape inputs give one row of numel elements and a
/// scalar input a single row with stride 0: the kernels' inner loops are straight loops.
///
///   out [2,3,4,5] + in0 [2,3,4,5] + in1 [1,3,1,1]  ->  rows of 20 (in0 stride 1, in1 stride 0)
struct BroadcastRows {
  static constexpr int kMaxInputs = 3;
  int num_inputs = 0;
  int64_t numel = 0;
  int64_t row = 1;                                      // elements per row
  std::array<int64_t, kMaxInputs> row_stride{};         // 0 or 1 per input
  Shape outer;                                          // the dims outside the row
  std::vector<std::array<int64_t, kMaxInputs>> outer_stride;  // per outer dim, per input

  /// Every input shape must broadcast to `out` (checked by the caller's shape rule).
  static BroadcastRows make(const Shape& out, std::initializer_list<const Shape*> inputs);

  /// Calls f(out_offset, in_offsets) once per row.
  template <class F>
  void for_each_row(F&& f) const {
    if (numel == 0) return;
    std::array<int64_t, kMaxInputs> off{};
    std::vector<int64_t> idx(outer.size(), 0);
    for (int64_t o = 0; o < numel; o += row) {
      f(o, off);
      for (size_t d = outer.size(); d-- > 0;) {
        for (int i = 0; i < num_inputs; ++i) off[i] += outer_stride[d][i];
        if (++idx[d] < outer[d]) break;
        for (int i = 0; i < num_inputs; ++i) off[i] -= outer_stride[d][i] * outer[d];
        idx[d] = 0;
      }
    }
  }
};

/// y[i] = f(load(x[i])) over same-shaped tensors.
template <class In, class Out, class F>
void map_unary(const Tensor& x, Tensor& y, F&& f) {
  const In* px = x.data<In>();
  Out* py = y.data<Out>();
  const int64_t n = y.numel();
  for (int64_t i = 0; i < n; ++i) py[i] = store<Out>(f(load(px[i])));
}

/// out[i] = f(load(a[ia]), load(b[ib])) with a and b broadcast to out's shape. `a` may be
/// `out` itself (in-place accumulation) when it has out's shape.
template <class A, class B, class Out, class F>
void map_binary(const Tensor& a, const Tensor& b, Tensor& out, F&& f) {
  const BroadcastRows rows = BroadcastRows::make(out.shape(), {&a.shape(), &b.shape()});
  const A* pa = a.data<A>();
  const B* pb = b.data<B>();
  Out* po = out.data<Out>();
  const int64_t n = rows.row;
  const bool a_row = rows.row_stride[0] == 1, b_row = rows.row_stride[1] == 1;
  rows.for_each_row([&](int64_t o, const auto& off) {
    const A* ra = pa + off[0];
    const B* rb = pb + off[1];
    Out* ro = po + o;
    if (a_row && b_row) {
      for (int64_t i = 0; i < n; ++i) ro[i] = store<Out>(f(load(ra[i]), load(rb[i])));
    } else if (b_row) {
      const auto x = load(ra[0]);
      for (int64_t i = 0; i < n; ++i) ro[i] = store<Out>(f(x, load(rb[i])));
    } else if (a_row) {
      const auto y = load(rb[0]);
      for (int64_t i = 0; i < n; ++i) ro[i] = store<Out>(f(load(ra[i]), y));
    } else {
      const Out v = store<Out>(f(load(ra[0]), load(rb[0])));
      for (int64_t i = 0; i < n; ++i) ro[i] = v;
    }
  });
}

// ---- shape rules and outputs ----

/// The op's name for messages ("Add").
inline const char* op_name(const AttrReader& r) { return r.node().op_type().c_str(); }

/// infer: output 0 has input 0's type.
Status infer_unary(InferContext& ctx);
/// infer: output 0 has input 0's shape and element type bool.
Status infer_unary_bool(InferContext& ctx);
/// infer: output 0 is the broadcast of every present input's shape, with element type
/// `dtype` (Undefined: input 0's). `same_dtype` lists inputs that must share input 0's type.
/// Applies the opset < 7 `broadcast`/`axis` rule for two-input ops.
Status infer_broadcast(InferContext& ctx, DataType dtype, std::initializer_list<size_t> same_dtype);
/// The common binary cases as InferFns: same-typed inputs, output of the same type / bool.
Status infer_binary(InferContext& ctx);
Status infer_binary_bool(InferContext& ctx);
/// Same-typed variadic inputs (Max, Min, Sum, Mean).
Status infer_variadic(InferContext& ctx);

/// The attributes of binary ops before opset 7: `broadcast` (0/1) and `axis`.
std::vector<AttrSpec> legacy_broadcast_attrs();

/// Input 1 as the kernel should see it: for opset < 7 with broadcast=1, B's dims are placed
/// at `axis` of A's rank (unidirectional broadcast); otherwise B unchanged.
Result<Tensor> legacy_broadcast_b(const KernelContext& ctx, const Tensor& a, const Tensor& b);

/// Output i with element type `dtype` and shape `shape`: the pre-allocated tensor when it
/// matches, else a newly allocated one.
Result<Tensor*> output(KernelContext& ctx, size_t i, DataType dtype, const Shape& shape);

// ---- whole kernels ----

/// y = f(x), same element type, for the types of `set`.
template <TypeSet set, class F>
Status run_unary(KernelContext& ctx, F&& f) {
  const Tensor& x = ctx.input(0);
  HONE_ASSIGN_OR_RETURN(Tensor * y, output(ctx, 0, x.dtype(), x.shape()));
  return dispatch_dtype<set>(x.dtype(), op_name(ctx), [&](auto tag) {
    using T = typename decltype(tag)::type;
    map_unary<T, T>(x, *y, f);
    return Status::ok();
  });
}

/// y = f(x) as bool, for the types of `set`.
template <TypeSet set, class F>
Status run_unary_bool(KernelContext& ctx, F&& f) {
  const Tensor& x = ctx.input(0);
  HONE_ASSIGN_OR_RETURN(Tensor * y, output(ctx, 0, DataType::Bool, x.shape()));
  return dispatch_dtype<set>(x.dtype(), op_name(ctx), [&](auto tag) {
    using T = typename decltype(tag)::type;
    map_unary<T, bool>(x, *y, f);
    return Status::ok();
  });
}

/// The operands of a binary kernel: A, B (reshaped by the opset < 7 rule) and the output,
/// allocated with the broadcast shape and element type `out_dtype` (Undefined: A's type).
/// Fails when `same_dtype` and A and B differ in type, or when the shapes do not broadcast.
struct BinaryArgs {
  const Tensor* a = nullptr;
  Tensor b;
  Tensor* y = nullptr;
};
Result<BinaryArgs> prepare_binary(KernelContext& ctx, DataType out_dtype, bool same_dtype);

/// out = f(a, b) broadcast, for same-typed a and b in `set`; the output has a's type, or bool
/// when `to_bool`.
template <TypeSet set, bool to_bool = false, class F>
Status run_binary(KernelContext& ctx, F&& f) {
  HONE_ASSIGN_OR_RETURN(BinaryArgs args, prepare_binary(ctx, to_bool ? DataType::Bool : DataType::Undefined, true));
  return dispatch_dtype<set>(args.a->dtype(), op_name(ctx), [&](auto tag) {
    using T = typename decltype(tag)::type;
    using Out = std::conditional_t<to_bool, bool, T>;
    map_binary<T, T, Out>(*args.a, args.b, *args.y, f);
    return Status::ok();
  });
}

/// out = f(a, b) for bool a and b (And, Or, Xor).
template <class F>
Status run_binary_logic(KernelContext& ctx, F&& f) {
  HONE_ASSIGN_OR_RETURN(BinaryArgs args, prepare_binary(ctx, DataType::Bool, true));
  if (args.a->dtype() != DataType::Bool) {
    return ctx.unsupported(std::string(op_name(ctx)) + " does not support element type " +
                           std::string(dtype_name(args.a->dtype())));
  }
  map_binary<bool, bool, bool>(*args.a, args.b, *args.y, f);
  return Status::ok();
}

/// out = f(...f(f(x0, x1), x2)..., xn) broadcast over every input (same-typed, in `set`).
template <TypeSet set, class F>
Status run_variadic(KernelContext& ctx, F&& f) {
  Shape shape = ctx.input(0).shape();
  for (size_t i = 1; i < ctx.num_inputs(); ++i) {
    if (!ctx.has_input(i)) continue;
    if (ctx.input(i).dtype() != ctx.input(0).dtype()) {
      return ctx.bad_input("inputs have different element types: " + std::string(dtype_name(ctx.input(0).dtype())) +
                           " and " + std::string(dtype_name(ctx.input(i).dtype())));
    }
    auto s = broadcast_shapes(shape, ctx.input(i).shape());
    if (!s.is_ok()) return ctx.bad_input(s.status().message());
    shape = std::move(s).value();
  }
  const DataType dtype = ctx.input(0).dtype();
  HONE_ASSIGN_OR_RETURN(Tensor * y, output(ctx, 0, dtype, shape));
  return dispatch_dtype<set>(dtype, op_name(ctx), [&](auto tag) {
    using T = typename decltype(tag)::type;
    // y = broadcast(x0), then y = f(y, xi) in place.
    map_binary<T, T, T>(ctx.input(0), ctx.input(0), *y, [](auto x, auto) { return x; });
    for (size_t i = 1; i < ctx.num_inputs(); ++i) {
      if (ctx.has_input(i)) map_binary<T, T, T>(*y, ctx.input(i), *y, f);
    }
    return Status::ok();
  });
}

}  // namespace hone::ops::elementwise
