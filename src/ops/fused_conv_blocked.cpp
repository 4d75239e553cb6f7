// FusedConvBlocked (domain hone): FusedConv on tensors in the blocked channel layout
// (blocked_layout.hpp), what the layout planning pass turns a convolution into when the CPU
// backend has a direct NCHW[b]c kernel. Inputs X, W, B?, Z? and attributes as FusedConv, plus
// `block` (b), `input_blocked` and `output_blocked` (1: that side is blocked, 0: plain, so the
// first convolution can read the plain image and the last write plain). W, B stay plain.
//   Y = to_blocked(FusedConv(from_blocked(X), W, B, from_blocked(Z)))   (per the two flags)
// Optional inputs 4 and 5, S and T (plain [C]), with attribute `input_activation`, transform X
// per channel first (a pre-activation BatchNorm + ReLU folded in by input_affine_fusion):
//   X' = input_activation(X * S[c] + T[c])   (multiply, then add, each rounded, as the
//                                              FusedElementwise it replaces)
// The reference is exactly that; output padding lanes are zero.
#include <algorithm>

#include "ops/activation.hpp"
#include "ops/blocked_layout.hpp"
#include "ops/conv_geometry.hpp"
#include "ops/epilogue.hpp"

namespace hone::ops {
namespace {

struct Layout {
  int64_t block;
  bool input_blocked, output_blocked;
};

Result<Layout> layout_of(const AttrReader& a) {
  Layout l{a.attr_int("block"), a.attr_int("input_blocked") != 0, a.attr_int("output_blocked") != 0};
  if (l.block < 1) return a.error("block must be positive");
  return l;
}

// The plain channel counts: C from W [M, C/group, ...], M = W's first dim.
struct Channels {
  int64_t in = -1, out = -1;
};
Channels channels_of(const ir::TensorShape& w, int64_t group) {
  Channels c;
  if (w.has_rank && w.rank() >= 2) {
    if (w.dims[1].is_known()) c.in = w.dims[1].value * group;
    if (w.dims[0].is_known()) c.out = w.dims[0].value;
  }
  return c;
}

// The inputs FusedConv itself takes (X, W, B, Z); 4 and 5 are the input transform.
constexpr size_t kConvInputs = 4;
constexpr size_t kInputScale = 4, kInputShift = 5;

Status infer(InferContext& ctx) {
  HONE_ASSIGN_OR_RETURN(Layout l, layout_of(ctx));
  const Channels ch = channels_of(ctx.input_shape(1), ctx.attr_int("group"));
  if ((l.input_blocked && ch.in < 0) || ch.out < 0) return ctx.error("W's shape must be known");
  if (ctx.has_input(kInputScale) != ctx.has_input(kInputShift)) {
    return ctx.error("the input transform needs both S (input 4) and T (input 5)");
  }
  if (ctx.has_input(kInputScale)) {
    HONE_RETURN_IF_ERROR(Activation::parse(ctx.attr_string("input_activation"), {}).status());
    for (size_t i : {kInputScale, kInputShift}) {
      const ir::TensorShape& s = ctx.input_shape(i);
      if (s.has_rank && (s.rank() != 1 || (s.dims[0].is_known() && ch.in >= 0 && s.dims[0].value != ch.in))) {
        return ctx.error("input " + std::to_string(i) + " " + s.to_string() + " must be [C] (" + std::to_string(ch.in) +
                         " channels)");
      }
    }
  }
  // The plain types FusedConv's rule sees.
  const size_t n = std::min(ctx.num_inputs(), kConvInputs);
  std::vector<ir::Type> plain(n);
  std::vector<const ir::Type*> types;
  std::vector<const Tensor*> values;
  for (size_t i = 0; i < n; ++i) {
    if (!ctx.has_input(i)) {
      types.push_back(nullptr);
      values.push_back(nullptr);
      continue;
    }
    plain[i] = ctx.input_type(i);
    const bool blocked = (i == 0 && l.input_blocked) || (i == kEpilogueResidualInput && l.output_blocked);
    if (blocked) {
      const ir::TensorShape& s = plain[i].shape;
      if (s.has_rank && (s.rank() < 3 || (s.dims.back().is_known() && s.dims.back().value != l.block))) {
        return ctx.error("input " + std::to_string(i) + " " + s.to_string() + " is not blocked by " + std::to_string(l.block));
      }
      plain[i].shape = plain_shape(s, i == 0 ? ch.in : ch.out);
    }
    types.push_back(&plain[i]);
    values.push_back(ctx.input_value(i));
  }
  std::vector<ir::Type> out(1);
  InferContext inner(ctx.node(), types, values, &out);
  HONE_RETURN_IF_ERROR(op_def(ir::OpKind::FusedConv).infer(inner));
  ir::Type y = out[0];
  if (l.output_blocked && y.is_tensor()) y.shape = blocked_shape(y.shape, l.block);
  ctx.set_output(0, y);
  return Status::ok();
}

// X (plain, float) <- input_activation(X * S[c] + T[c]), a copy.
Status transform_input(KernelContext& ctx, int64_t channels, Datum* x) {
  if (!ctx.has_input(kInputScale) || !ctx.has_input(kInputShift)) {
    return ctx.bad_input("the input transform needs both S (input 4) and T (input 5)");
  }
  const Tensor& s = ctx.input(kInputScale);
  const Tensor& t = ctx.input(kInputShift);
  const Tensor& in = x->tensor;
  if (in.dtype() != DataType::Float || s.dtype() != DataType::Float || t.dtype() != DataType::Float ||
      s.numel() != channels || t.numel() != channels || in.rank() < 2 || in.dim(1) != channels) {
    return ctx.bad_input("the input transform needs float X and S, T of " + std::to_string(channels) + " values");
  }
  HONE_ASSIGN_OR_RETURN(Activation act, Activation::parse(ctx.attr_string("input_activation"), {}));
  HONE_ASSIGN_OR_RETURN(Tensor out, Tensor::create(DataType::Float, in.shape()));
  const int64_t plane = channels > 0 ? in.numel() / (in.dim(0) * channels) : 0;
  const float* px = in.data<float>();
  float* py = out.data<float>();
  for (int64_t i = 0; i < in.numel(); ++i) {
    const int64_t c = (i / plane) % channels;
    const float v = px[i] * s.data<float>()[c];
    py[i] = act.apply(v + t.data<float>()[c]);
  }
  *x = Datum::of(std::move(out));
  return Status::ok();
}

Status run(KernelContext& ctx) {
  HONE_ASSIGN_OR_RETURN(Layout l, layout_of(ctx));
  const Tensor& w = ctx.input(1);
  if (w.rank() < 3) return ctx.bad_input("W must be [M, C/group, kernel...]");
  const int64_t c_in = w.dim(1) * ctx.attr_int("group"), c_out = w.dim(0);  // plain channels of X and Y
  const size_t n = std::min(ctx.num_inputs(), kConvInputs);
  std::vector<Datum> plain(n);
  std::vector<const Datum*> ptrs;
  for (size_t i = 0; i < n; ++i) {
    if (!ctx.has_input(i)) {
      ptrs.push_back(nullptr);
      continue;
    }
    const bool blocked = (i == 0 && l.input_blocked) || (i == kEpilogueResidualInput && l.output_blocked);
    if (blocked) {
      auto p = from_blocked(ctx.input(i), i == 0 ? c_in : c_out);
      if (!p.is_ok()) return ctx.bad_input("input " + std::to_string(i) + ": " + p.status().message());
      plain[i] = Datum::of(std::move(p).value());
    } else {
      plain[i] = ctx.input_datum(i);
    }
    ptrs.push_back(&plain[i]);
  }
  if (ctx.has_input(kInputScale) || ctx.has_input(kInputShift)) {
    HONE_RETURN_IF_ERROR(transform_input(ctx, c_in, &plain[0]));
  }
  // The plain output's shape from FusedConv's rule on the plain inputs.
  std::vector<ir::Type> in_types(plain.size());
  std::vector<const ir::Type*> types;
  std::vector<const Tensor*> values;
  for (size_t i = 0; i < plain.size(); ++i) {
    if (!ptrs[i]) {
      types.push_back(nullptr);
      values.push_back(nullptr);
      continue;
    }
    in_types[i] = ir::Type::tensor(plain[i].tensor.dtype(), ir::TensorShape::of(plain[i].tensor.shape()));
    types.push_back(&in_types[i]);
    values.push_back(&plain[i].tensor);
  }
  std::vector<ir::Type> out_types(1);
  InferContext ictx(ctx.node(), types, values, &out_types);
  HONE_RETURN_IF_ERROR(op_def(ir::OpKind::FusedConv).infer(ictx));
  if (!out_types[0].is_tensor() || !out_types[0].shape.is_static()) return ctx.error("the output shape is not known");
  std::vector<Datum> outs(1);
  HONE_ASSIGN_OR_RETURN(outs[0].tensor, Tensor::create(out_types[0].dtype, out_types[0].shape.to_static()));
  KernelContext inner(ctx.node(), ptrs, &outs, nullptr, ctx.seed());
  HONE_RETURN_IF_ERROR(op_def(ir::OpKind::FusedConv).run(inner));
  if (!l.output_blocked) {
    ctx.set_output(0, std::move(outs[0]));
    return Status::ok();
  }
  HONE_ASSIGN_OR_RETURN(Tensor y, to_blocked(outs[0].tensor, l.block));
  ctx.set_output(0, Datum::of(std::move(y)));
  return Status::ok();
}

std::vector<AttrSpec> blocked_conv_attrs() {
  std::vector<AttrSpec> a = with_epilogue_attrs(conv_attrs());
  a.push_back(attr_required("block", AttrType::Int));
  a.push_back(attr_int("input_blocked", 1));
  a.push_back(attr_int("output_blocked", 1));
  a.push_back(attr_string("input_activation", ""));
  return a;
}

}  // namespace

HONE_DEFINE_OP(FusedConvBlocked){
    .name = "FusedConvBlocked",
    .min_inputs = 2,
    .max_inputs = 6,
    .attrs = blocked_conv_attrs(),
    .infer = infer,
    .run = run,
};

}  // namespace hone::ops
