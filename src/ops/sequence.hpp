// Helpers shared by the sequence and control-flow operators (Sequence*, SplitToSequence,
// ConcatFromSequence, Loop, Scan, SequenceMap): element-type lookups on ir::Type, copying
// runs of elements between tensors of one dtype, and slicing/stacking along an axis.
#pragma once

#include <cstring>
#include <string>
#include <vector>

#include "ops/op_def.hpp"

namespace hone::ops {

/// The element type of a Sequence or Optional type (an unknown Type when there is none).
inline ir::Type element_type(const ir::Type& t) {
  if ((t.kind == ir::TypeKind::Sequence || t.kind == ir::TypeKind::Optional) && t.element) return *t.element;
  return ir::Type{};
}

/// The join of two types: equal parts are kept, differing dims become unknown, a differing
/// rank becomes an unknown shape (If branches, loop-carried values across iterations).
inline ir::Type join_types(const ir::Type& a, const ir::Type& b) {
  if (a.kind == ir::TypeKind::Unknown) return b;
  if (b.kind == ir::TypeKind::Unknown || a.kind != b.kind) return a;
  if (a.kind == ir::TypeKind::Sequence || a.kind == ir::TypeKind::Optional) {
    if (!a.element || !b.element) return a.element ? a : b;
    ir::Type e = join_types(*a.element, *b.element);
    return a.kind == ir::TypeKind::Sequence ? ir::Type::sequence(e) : ir::Type::optional(e);
  }
  ir::Type t = a;
  if (t.dtype == DataType::Undefined) t.dtype = b.dtype;
  if (!a.shape.has_rank || !b.shape.has_rank || a.shape.rank() != b.shape.rank()) {
    t.shape = ir::TensorShape::unknown();
    return t;
  }
  for (size_t i = 0; i < t.shape.rank(); ++i) {
    if (!(a.shape.dims[i] == b.shape.dims[i])) t.shape.dims[i] = ir::Dim();
  }
  return t;
}

/// The index of the body input that body output `v` is (directly or through Identity nodes),
/// else -1. Lets Loop/Scan type outputs of bodies whose inputs carry no declared type.
inline int traced_body_input(const ir::Graph& body, const ir::Value* v) {
  for (int hops = 0; v && hops < 64; ++hops) {
    for (size_t i = 0; i < body.inputs().size(); ++i) {
      if (body.inputs()[i] == v) return static_cast<int>(i);
    }
    const ir::Node* p = v->producer();
    if (!p || p->graph() != &body || p->op_type() != "Identity") return -1;
    v = p->input(0);
  }
  return -1;
}

/// True when a static type says nothing about the element type.
inline bool lacks_dtype(const ir::Type& t) {
  return t.kind == ir::TypeKind::Unknown || (t.is_tensor() && t.dtype == DataType::Undefined);
}

/// Copies `count` elements src[src_offset..] -> dst[dst_offset..] (same dtype; strings by value).
inline void copy_elements(const Tensor& src, int64_t src_offset, Tensor& dst, int64_t dst_offset, int64_t count) {
  if (count <= 0) return;
  if (src.dtype() == DataType::String) {
    for (int64_t i = 0; i < count; ++i) dst.strings()[dst_offset + i] = src.strings()[src_offset + i];
    return;
  }
  const size_t es = dtype_size(src.dtype());
  std::memcpy(static_cast<char*>(dst.raw()) + static_cast<size_t>(dst_offset) * es,
              static_cast<const char*>(src.raw()) + static_cast<size_t>(src_offset) * es, static_cast<size_t>(count) * es);
}

/// Product of shape[begin, end).
inline int64_t dims_product(const Shape& shape, size_t begin, size_t end) {
  int64_t p = 1;
  for (size_t i = begin; i < end && i < shape.size(); ++i) p *= shape[i];
  return p;
}

/// x[..., start:start+length, ...] along `axis` (the axis is kept, of size `length`).
///   viewed as [outer, dim, inner]; each outer row copies length*inner contiguous elements.
inline Tensor slice_axis(const Tensor& x, size_t axis, int64_t start, int64_t length) {
  Shape shape = x.shape();
  const int64_t dim = shape[axis];
  shape[axis] = length;
  Tensor out = Tensor::zeros(x.dtype(), shape);
  const int64_t outer = dims_product(x.shape(), 0, axis), inner = dims_product(x.shape(), axis + 1, x.shape().size());
  for (int64_t o = 0; o < outer; ++o) {
    copy_elements(x, (o * dim + start) * inner, out, o * length * inner, length * inner);
  }
  return out;
}

/// x with index `index` taken along `axis`, the axis removed.
inline Tensor take_axis(const Tensor& x, size_t axis, int64_t index) {
  Tensor t = slice_axis(x, axis, index, 1);
  Shape shape = x.shape();
  shape.erase(shape.begin() + static_cast<std::ptrdiff_t>(axis));
  return t.reshaped(shape).value();
}

/// Concatenation of `parts` along `axis` (every part of the same dtype and rank, equal dims
/// except on `axis`). The caller checks shapes; `parts` must not be empty.
inline Tensor concat_axis(const std::vector<Tensor>& parts, size_t axis) {
  Shape shape = parts.front().shape();
  int64_t total = 0;
  for (const Tensor& p : parts) total += p.shape()[axis];
  shape[axis] = total;
  Tensor out = Tensor::zeros(parts.front().dtype(), shape);
  const int64_t outer = dims_product(shape, 0, axis), inner = dims_product(shape, axis + 1, shape.size());
  int64_t offset = 0;
  for (const Tensor& p : parts) {
    const int64_t d = p.shape()[axis];
    for (int64_t o = 0; o < outer; ++o) copy_elements(p, o * d * inner, out, (o * total + offset) * inner, d * inner);
    offset += d;
  }
  return out;
}

/// Stacks equally shaped tensors along a new axis `axis` (0 <= axis <= rank). Fails when the
/// shapes differ; `what` names the value in the message.
inline Result<Tensor> stack_axis(const std::vector<Tensor>& parts, size_t axis, const std::string& what) {
  const Shape& first = parts.front().shape();
  std::vector<Tensor> expanded;
  for (const Tensor& p : parts) {
    if (p.shape() != first || p.dtype() != parts.front().dtype()) {
      return invalid_argument(what + ": cannot stack " + shape_to_string(p.shape()) + " with " + shape_to_string(first));
    }
    Shape s = p.shape();
    s.insert(s.begin() + static_cast<std::ptrdiff_t>(axis), 1);
    expanded.push_back(p.reshaped(s).value());
  }
  return concat_axis(expanded, axis);
}

/// A scalar of the given value.
inline Tensor scalar_int64(int64_t v) { return Tensor::from_vector<int64_t>(DataType::Int64, {}, {v}); }
inline Tensor scalar_bool(bool v) { return Tensor::from_vector<bool>(DataType::Bool, {}, {v}); }

/// The sequence a Datum holds (error unless it is one).
inline Result<const std::vector<Tensor>*> sequence_of(const AttrReader& ctx, const Datum& d, const char* what) {
  if (!d.is_sequence()) return ctx.bad_input(std::string(what) + " must be a sequence");
  return &d.sequence;
}

/// A sequence position from a scalar int32/int64 tensor, normalized to [0, n) (or [0, n] when
/// `allow_end`, for insertion). Negative positions count from the back.
inline Result<int64_t> sequence_position(const AttrReader& ctx, const Tensor& position, int64_t n, bool allow_end) {
  if (position.numel() != 1 || (position.dtype() != DataType::Int32 && position.dtype() != DataType::Int64)) {
    return ctx.bad_input("position must be a scalar int32 or int64 tensor");
  }
  int64_t p = position.get_int64(0);
  const int64_t hi = allow_end ? n : n - 1;
  if (p < -n || p > hi) {
    return ctx.bad_input("position " + std::to_string(p) + " is out of range for a sequence of length " +
                         std::to_string(n));
  }
  return p < 0 ? p + n : p;
}

}  // namespace hone::ops
