// Shape rules and broadcast iteration shared by the elementwise operators (elementwise.hpp).
#include "ops/elementwise.hpp"

#include "core/check.hpp"

namespace hone::ops::elementwise {

MergedBroadcast merge_broadcast_dims(const Shape& out, const std::vector<const Shape*>& inputs) {
  const size_t n = inputs.size(), rank = out.size();
  // Per output dim, each input's element stride (0 where it broadcasts).
  std::vector<std::vector<int64_t>> strides(rank, std::vector<int64_t>(n, 0));
  for (size_t k = 0; k < n; ++k) {
    const Shape& in = *inputs[k];
    const size_t offset = rank - in.size();
    int64_t s = 1;
    for (size_t d = in.size(); d-- > 0;) {
      strides[d + offset][k] = in[d] == 1 ? 0 : s;
      s *= in[d];
    }
  }
  // Drop size-1 dims, then merge a dim into the one before when every input walks both as one
  // (stride[d-1] == stride[d] * out[d]; broadcast dims satisfy it with 0 == 0).
  MergedBroadcast m;
  for (size_t d = 0; d < rank; ++d) {
    if (out[d] == 1) continue;
    if (!m.dims.empty()) {
      bool merge = true;
      for (size_t k = 0; k < n; ++k) merge &= m.strides.back()[k] == strides[d][k] * out[d];
      if (merge) {
        m.dims.back() *= out[d];
        m.strides.back() = strides[d];
        continue;
      }
    }
    m.dims.push_back(out[d]);
    m.strides.push_back(strides[d]);
  }
  return m;
}

BroadcastRows BroadcastRows::make(const Shape& out, std::initializer_list<const Shape*> inputs) {
  BroadcastRows r;
  r.num_inputs = static_cast<int>(inputs.size());
  HONE_CHECK(r.num_inputs <= kMaxInputs);
  r.numel = shape_numel(out);
  MergedBroadcast m = merge_broadcast_dims(out, std::vector<const Shape*>(inputs));
  Shape& dims = m.dims;
  std::vector<std::array<int64_t, kMaxInputs>> dstrides(m.strides.size(), std::array<int64_t, kMaxInputs>{});
  for (size_t d = 0; d < m.strides.size(); ++d) {
    for (int k = 0; k < r.num_inputs; ++k) dstrides[d][static_cast<size_t>(k)] = m.strides[d][static_cast<size_t>(k)];
  }
  if (dims.empty()) return r;  // one element (or a rank-0 / all-ones shape)
  r.row = dims.back();
  r.row_stride = dstrides.back();
  dims.pop_back();
  dstrides.pop_back();
  r.outer = std::move(dims);
  r.outer_stride = std::move(dstrides);
  return r;
}

namespace {

Status require_tensor(const InferContext& ctx, size_t i) {
  if (ctx.input_type(i).kind != ir::TypeKind::Tensor && ctx.input_type(i).kind != ir::TypeKind::Unknown) {
    return ctx.error("input " + std::to_string(i) + " must be a tensor");
  }
  return Status::ok();
}

bool legacy_broadcast(const AttrReader& r) { return r.opset() < 7 && r.has_attr("broadcast") && r.attr_int("broadcast") != 0; }

}  // namespace

Status infer_unary(InferContext& ctx) {
  HONE_RETURN_IF_ERROR(require_tensor(ctx, 0));
  ctx.set_output(0, ir::Type::tensor(ctx.input_dtype(0), ctx.input_shape(0)));
  return Status::ok();
}

Status infer_unary_bool(InferContext& ctx) {
  HONE_RETURN_IF_ERROR(require_tensor(ctx, 0));
  ctx.set_output(0, ir::Type::tensor(DataType::Bool, ctx.input_shape(0)));
  return Status::ok();
}

Status infer_broadcast(InferContext& ctx, DataType dtype, std::initializer_list<size_t> same_dtype) {
  for (size_t i = 0; i < ctx.num_inputs(); ++i) {
    if (ctx.has_input(i)) HONE_RETURN_IF_ERROR(require_tensor(ctx, i));
  }
  const DataType t0 = ctx.input_dtype(0);
  for (size_t i : same_dtype) {
    if (!ctx.has_input(i)) continue;
    const DataType ti = ctx.input_dtype(i);
    if (t0 != DataType::Undefined && ti != DataType::Undefined && ti != t0) {
      return ctx.error("input " + std::to_string(i) + " has element type " + std::string(dtype_name(ti)) +
                       ", input 0 has " + std::string(dtype_name(t0)) + "; they must match");
    }
  }
  ir::TensorShape shape = ctx.input_shape(0);
  if (legacy_broadcast(ctx)) {
    // Opset < 7: B broadcasts unidirectionally onto A, so the output has A's shape.
    ctx.set_output(0, ir::Type::tensor(dtype == DataType::Undefined ? t0 : dtype, shape));
    return Status::ok();
  }
  for (size_t i = 1; i < ctx.num_inputs(); ++i) {
    if (!ctx.has_input(i)) continue;
    auto s = broadcast_shapes(shape, ctx.input_shape(i));
    if (!s.is_ok()) return ctx.error(s.status().message());
    shape = std::move(s).value();
  }
  ctx.set_output(0, ir::Type::tensor(dtype == DataType::Undefined ? t0 : dtype, std::move(shape)));
  return Status::ok();
}

Status infer_binary(InferContext& ctx) { return infer_broadcast(ctx, DataType::Undefined, {1}); }
Status infer_binary_bool(InferContext& ctx) { return infer_broadcast(ctx, DataType::Bool, {1}); }

Status infer_variadic(InferContext& ctx) {
  for (size_t i = 1; i < ctx.num_inputs(); ++i) {
    if (ctx.has_input(i) && ctx.input_dtype(i) != DataType::Undefined && ctx.input_dtype(0) != DataType::Undefined &&
        ctx.input_dtype(i) != ctx.input_dtype(0)) {
      return ctx.error("input " + std::to_string(i) + " has element type " + std::string(dtype_name(ctx.input_dtype(i))) +
                       ", input 0 has " + std::string(dtype_name(ctx.input_dtype(0))) + "; they must match");
    }
  }
  return infer_broadcast(ctx, DataType::Undefined, {});
}

std::vector<AttrSpec> legacy_broadcast_attrs() {
  return {attr_int("broadcast", 0), attr_optional("axis", AttrType::Int)};
}

Result<Tensor> legacy_broadcast_b(const KernelContext& ctx, const Tensor& a, const Tensor& b) {
  if (!legacy_broadcast(ctx)) return b;
  // B's dims sit at A's `axis` (default: aligned to A's trailing dims), padded with 1s.
  const int64_t rank = a.rank(), b_rank = b.rank();
  int64_t axis = rank - b_rank;
  if (ctx.has_attr("axis")) {
    auto ax = normalize_axis(ctx.attr_int("axis"), rank);
    if (!ax.is_ok()) return ctx.error(ax.status().message());
    axis = *ax;
  }
  if (axis < 0 || axis + b_rank > rank) {
    return ctx.bad_input("input B of shape " + shape_to_string(b.shape()) + " does not fit input A of shape " +
                         shape_to_string(a.shape()) + " at axis " + std::to_string(axis));
  }
  Shape shape(static_cast<size_t>(rank), 1);
  for (int64_t d = 0; d < b_rank; ++d) {
    const int64_t bd = b.dim(d), ad = a.dim(axis + d);
    if (bd != ad && bd != 1) {
      return ctx.bad_input("input B of shape " + shape_to_string(b.shape()) + " does not broadcast onto input A of shape " +
                           shape_to_string(a.shape()) + " at axis " + std::to_string(axis));
    }
    shape[static_cast<size_t>(axis + d)] = bd;
  }
  return b.reshaped(std::move(shape));
}

Result<BinaryArgs> prepare_binary(KernelContext& ctx, DataType out_dtype, bool same_dtype) {
  BinaryArgs args;
  args.a = &ctx.input(0);
  HONE_ASSIGN_OR_RETURN(args.b, legacy_broadcast_b(ctx, *args.a, ctx.input(1)));
  if (same_dtype && args.a->dtype() != args.b.dtype()) {
    return ctx.bad_input("inputs have different element types: " + std::string(dtype_name(args.a->dtype())) + " and " +
                         std::string(dtype_name(args.b.dtype())));
  }
  auto shape = broadcast_shapes(args.a->shape(), args.b.shape());
  if (!shape.is_ok()) return ctx.bad_input(shape.status().message());
  HONE_ASSIGN_OR_RETURN(args.y, output(ctx, 0, out_dtype == DataType::Undefined ? args.a->dtype() : out_dtype, *shape));
  return args;
}

Result<Tensor*> output(KernelContext& ctx, size_t i, DataType dtype, const Shape& shape) {
  Tensor& t = ctx.output(i);
  if (t.defined() && t.dtype() == dtype && t.shape() == shape) return &t;
  return ctx.allocate_output(i, dtype, shape);
}

}  // namespace hone::ops::elementwise
