// Shared helpers of the data-movement operators (indexing.hpp).
#include "ops/indexing.hpp"

#include <algorithm>
#include <cstring>

namespace hone::ops {

void copy_elements(const Tensor& src, int64_t src_index, Tensor& dst, int64_t dst_index, int64_t count) {
  if (count <= 0) return;
  if (src.dtype() == DataType::String) {
    for (int64_t k = 0; k < count; ++k) dst.strings()[dst_index + k] = src.strings()[src_index + k];
    return;
  }
  const size_t esz = dtype_size(src.dtype());
  std::memcpy(static_cast<char*>(dst.raw()) + static_cast<size_t>(dst_index) * esz,
              static_cast<const char*>(src.raw()) + static_cast<size_t>(src_index) * esz, static_cast<size_t>(count) * esz);
}

void gather_by_map(const Tensor& src, const std::vector<int64_t>& map, Tensor& dst) {
  if (src.dtype() == DataType::String) {
    for (size_t k = 0; k < map.size(); ++k) dst.strings()[k] = src.strings()[map[k]];
    return;
  }
  const size_t esz = dtype_size(src.dtype());
  const char* s = static_cast<const char*>(src.raw());
  char* d = static_cast<char*>(dst.raw());
  for (size_t k = 0; k < map.size(); ++k) std::memcpy(d + k * esz, s + static_cast<size_t>(map[k]) * esz, esz);
}

void set_zero(Tensor& t, int64_t i) {
  if (t.dtype() == DataType::String) {
    t.strings()[i].clear();
    return;
  }
  const size_t esz = dtype_size(t.dtype());
  std::memset(static_cast<char*>(t.raw()) + static_cast<size_t>(i) * esz, 0, esz);
}

void store_double(Tensor& t, int64_t i, double v) {
  Status s = dispatch_dtype<TypeSet::NumericBool>(t.dtype(), "store", [&](auto tag) {
    using T = typename decltype(tag)::type;
    if constexpr (std::is_same_v<T, bool>) {
      t.data<T>()[i] = v != 0;
    } else if constexpr (kIsNarrowFloat<T>) {
      t.data<T>()[i] = T(static_cast<float>(v));
    } else {
      t.data<T>()[i] = static_cast<T>(v);
    }
    return Status::ok();
  });
  if (s.is_ok()) return;
  (void)dispatch_any(t.dtype(), "store", [&](auto tag) {
    using T = typename decltype(tag)::type;
    if constexpr (kIsNarrowFloat<T>) {
      t.data<T>()[i] = T(static_cast<float>(v));
    } else if constexpr (kIsSubByteInt<T>) {
      t.data<T>()[i] = T(static_cast<int64_t>(v));
    }
    return Status::ok();
  });
}

void store_int64(Tensor& t, int64_t i, int64_t v) {
  Status s = dispatch_dtype<TypeSet::Int>(t.dtype(), "store", [&](auto tag) {
    using T = typename decltype(tag)::type;
    if constexpr (std::is_integral_v<T>) t.data<T>()[i] = static_cast<T>(v);
    return Status::ok();
  });
  if (!s.is_ok() || is_float(t.dtype())) store_double(t, i, static_cast<double>(v));
}

Result<std::vector<int64_t>> value_ranks(const AttrReader& ctx, const Tensor& x) {
  const size_t n = static_cast<size_t>(x.numel());
  std::vector<int64_t> order(n), ranks(n);
  for (size_t i = 0; i < n; ++i) order[i] = static_cast<int64_t>(i);
  auto rank_by = [&](auto less) {
    std::stable_sort(order.begin(), order.end(), less);
    int64_t r = 0;
    for (size_t k = 0; k < n; ++k) {
      if (k > 0 && less(order[k - 1], order[k])) ++r;
      ranks[static_cast<size_t>(order[k])] = r;
    }
  };
  if (x.dtype() == DataType::String) {
    const std::string* s = x.strings();
    rank_by([s](int64_t a, int64_t b) { return s[a] < s[b]; });
    return ranks;
  }
  Status s = dispatch_dtype<TypeSet::NumericBool>(x.dtype(), "sorting", [&](auto tag) {
    using T = typename decltype(tag)::type;
    using C = ComputeType<T>;
    const T* v = x.data<T>();
    rank_by([v](int64_t a, int64_t b) {
      const C va = static_cast<C>(v[a]), vb = static_cast<C>(v[b]);
      if constexpr (!std::is_integral_v<C>) {
        if (va != va) return false;   // NaN is never below anything
        if (vb != vb) return true;    // every number is below NaN
      }
      return va < vb;
    });
    return Status::ok();
  });
  if (!s.is_ok()) return ctx.unsupported(s.message());
  return ranks;
}

Result<ScatterReduction> parse_reduction(const AttrReader& ctx) {
  const std::string& r = ctx.attr_string("reduction");
  if (r == "none") return ScatterReduction::None;
  if (r == "add") return ScatterReduction::Add;
  if (r == "mul") return ScatterReduction::Mul;
  if (r == "max") return ScatterReduction::Max;
  if (r == "min") return ScatterReduction::Min;
  return ctx.error("unknown reduction '" + r + "'");
}

Status scatter_blocks(const AttrReader& ctx, Tensor& y, const Tensor& updates, const std::vector<int64_t>& targets,
                      int64_t block, ScatterReduction reduction) {
  if (reduction == ScatterReduction::None) {
    for (size_t k = 0; k < targets.size(); ++k) copy_elements(updates, static_cast<int64_t>(k) * block, y, targets[k], block);
    return Status::ok();
  }
  Status s = dispatch_dtype<TypeSet::NumericBool>(y.dtype(), "scatter reduction", [&](auto tag) {
    using T = typename decltype(tag)::type;
    using C = ComputeType<T>;
    T* out = y.data<T>();
    const T* upd = updates.data<T>();
    for (size_t k = 0; k < targets.size(); ++k) {
      for (int64_t e = 0; e < block; ++e) {
        const C a = static_cast<C>(out[targets[k] + e]);
        const C b = static_cast<C>(upd[static_cast<int64_t>(k) * block + e]);
        C v;
        switch (reduction) {
          case ScatterReduction::Add: v = static_cast<C>(a + b); break;
          case ScatterReduction::Mul: v = static_cast<C>(a * b); break;
          case ScatterReduction::Max: v = a < b ? b : a; break;
          default: v = b < a ? b : a; break;
        }
        if constexpr (kIsNarrowFloat<T>) out[targets[k] + e] = T(static_cast<float>(v));
        else out[targets[k] + e] = static_cast<T>(v);
      }
    }
    return Status::ok();
  });
  if (!s.is_ok()) return ctx.unsupported(s.message());
  return Status::ok();
}

namespace {
// Copies one row of `count` elements read with `stride` into dst starting at dst_index.
void copy_row(const Tensor& src, int64_t src_index, int64_t stride, Tensor& dst, int64_t dst_index, int64_t count) {
  if (stride == 1) {
    copy_elements(src, src_index, dst, dst_index, count);
    return;
  }
  if (src.dtype() == DataType::String) {
    for (int64_t k = 0; k < count; ++k) dst.strings()[dst_index + k] = src.strings()[src_index + k * stride];
    return;
  }
  const size_t esz = dtype_size(src.dtype());
  const char* s = static_cast<const char*>(src.raw());
  char* d = static_cast<char*>(dst.raw()) + static_cast<size_t>(dst_index) * esz;
  for (int64_t k = 0; k < count; ++k) {
    std::memcpy(d + static_cast<size_t>(k) * esz, s + static_cast<size_t>(src_index + k * stride) * esz, esz);
  }
}
}  // namespace

void strided_copy(const Tensor& src, int64_t offset, const std::vector<int64_t>& strides, Tensor& dst) {
  const Shape& shape = dst.shape();
  const int64_t n = dst.numel();
  if (n == 0) return;
  const size_t rank = shape.size();
  if (rank == 0) {
    copy_elements(src, offset, dst, 0, 1);
    return;
  }
  // Walk the outer dims with an odometer; copy the innermost dim as one row.
  const int64_t row = shape[rank - 1];
  const int64_t row_stride = strides[rank - 1];
  std::vector<int64_t> idx(rank, 0);
  int64_t pos = offset;
  for (int64_t out = 0; out < n; out += row) {
    copy_row(src, pos, row_stride, dst, out, row);
    for (size_t d = rank - 1; d-- > 0;) {
      if (++idx[d] < shape[d]) {
        pos += strides[d];
        break;
      }
      pos -= strides[d] * (idx[d] - 1);
      idx[d] = 0;
    }
  }
}

void permute_copy(const Tensor& src, const std::vector<int64_t>& perm, Tensor& dst) {
  const std::vector<int64_t> in_strides = shape_strides(src.shape());
  std::vector<int64_t> strides(perm.size());
  for (size_t d = 0; d < perm.size(); ++d) strides[d] = in_strides[static_cast<size_t>(perm[d])];
  strided_copy(src, 0, strides, dst);
}

std::string index_error(int64_t idx, int64_t dim) {
  return "index " + std::to_string(idx) + " is out of range for a dimension of size " + std::to_string(dim);
}

Result<std::vector<int64_t>> normalize_axes(std::vector<int64_t> axes, int64_t rank, bool allow_dup) {
  std::vector<bool> seen(static_cast<size_t>(rank), false);
  for (int64_t& a : axes) {
    if (a < -rank || a >= rank) {
      return invalid_argument("axis " + std::to_string(a) + " is out of range for rank " + std::to_string(rank));
    }
    if (a < 0) a += rank;
    if (seen[static_cast<size_t>(a)] && !allow_dup) return invalid_argument("axis " + std::to_string(a) + " is repeated");
    seen[static_cast<size_t>(a)] = true;
  }
  return axes;
}

int64_t dims_product(const Shape& shape, int64_t begin, int64_t end) {
  int64_t p = 1;
  for (int64_t d = begin; d < end; ++d) p *= shape[static_cast<size_t>(d)];
  return p;
}

std::optional<std::vector<int64_t>> known_ints(const InferContext& ctx, size_t i) {
  const Tensor* t = ctx.input_value(i);
  if (!ctx.has_input(i) || t == nullptr) return std::nullopt;
  return t->to_int64_vector();
}

ir::TensorShape unknown_shape(int64_t rank) {
  return rank < 0 ? ir::TensorShape::unknown() : ir::TensorShape::of_rank(static_cast<size_t>(rank));
}

std::optional<Shape> static_shape(const InferContext& ctx, size_t i) {
  if (!ctx.has_input(i)) return std::nullopt;
  const ir::Type& t = ctx.input_type(i);
  if (!t.is_tensor() || !t.shape.is_static()) return std::nullopt;
  return t.shape.to_static();
}

Result<Tensor*> ensure_output(KernelContext& ctx, size_t i, DataType dtype, const Shape& shape) {
  Tensor& t = ctx.output(i);
  if (t.defined() && t.dtype() == dtype && t.shape() == shape) return &t;
  return ctx.allocate_output(i, dtype, shape);
}

Tensor scalar_of(DataType dtype, double v) {
  Tensor t = Tensor::zeros(dtype, {});
  store_double(t, 0, v);
  return t;
}

Status element_positions(const AttrReader& ctx, const Tensor& x, const Tensor& indices, int64_t axis,
                         std::vector<int64_t>* positions) {
  const std::vector<int64_t> xs = shape_strides(x.shape());
  const int64_t n = x.dim(axis);
  positions->assign(static_cast<size_t>(indices.numel()), 0);
  std::vector<int64_t> coord(static_cast<size_t>(x.rank()), 0);
  for (int64_t k = 0; k < indices.numel(); ++k) {
    int64_t idx = indices.get_int64(k);
    if (!normalize_index(idx, n)) return ctx.bad_input(index_error(indices.get_int64(k), n));
    int64_t pos = 0;
    for (size_t d = 0; d < coord.size(); ++d) pos += (static_cast<int64_t>(d) == axis ? idx : coord[d]) * xs[d];
    (*positions)[static_cast<size_t>(k)] = pos;
    for (size_t d = coord.size(); d-- > 0;) {
      if (++coord[d] < indices.dim(static_cast<int64_t>(d))) break;
      coord[d] = 0;
    }
  }
  return Status::ok();
}

}  // namespace hone::ops
