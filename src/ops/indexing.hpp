// Shared helpers of the data-movement operators (shape, layout, indexing and generation:
// Reshape, Transpose, Slice, Gather, Scatter*, Pad, ...). Kernels here move elements without
// looking at them, so they work on the element size (memcpy of dtype_size bytes; strings
// copied as std::string) instead of being instantiated per dtype.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "ops/op_def.hpp"

namespace hone::ops {

// ---- element access, any dtype ----

/// dst[dst_index .. +count) = src[src_index .. +count); src and dst have the same dtype.
void copy_elements(const Tensor& src, int64_t src_index, Tensor& dst, int64_t dst_index, int64_t count);
/// dst[k] = src[map[k]] for every k (map holds flat source indices).
void gather_by_map(const Tensor& src, const std::vector<int64_t>& map, Tensor& dst);
/// Sets element i to zero (empty string for strings).
void set_zero(Tensor& t, int64_t i);
/// Sets element i of a numeric or bool tensor to v, converted to its dtype.
void store_double(Tensor& t, int64_t i, double v);
/// Sets element i of an integer, float or bool tensor to v (exact for int64 and uint64 when
/// representable).
void store_int64(Tensor& t, int64_t i, int64_t v);

// ---- ordering ----

/// Dense ranks of x's elements in value order: ranks[i] < ranks[j] iff x[i] < x[j], equal
/// ranks for equal values (NaN compares above every number and equal to NaN; -0 == 0).
/// Lets sorting operators (TopK, ArgMax, Unique) work on any dtype with one code path.
/// Numeric, bool and string dtypes.
Result<std::vector<int64_t>> value_ranks(const AttrReader& ctx, const Tensor& x);

// ---- scatter ----

/// How a scatter combines an update with the value already there (attribute `reduction`).
enum class ScatterReduction { None, Add, Mul, Max, Min };
Result<ScatterReduction> parse_reduction(const AttrReader& ctx);
/// For each k: y[targets[k] .. +block) (op)= updates[k*block .. +block), in order of k.
/// None copies (any dtype); the others need a numeric dtype.
Status scatter_blocks(const AttrReader& ctx, Tensor& y, const Tensor& updates, const std::vector<int64_t>& targets,
                      int64_t block, ScatterReduction reduction);

// ---- strided copies ----

/// Fills contiguous `dst` (its own shape) from `src` read with a start offset and one stride
/// per dst dimension (in elements; 0 repeats, negative walks backwards):
///   dst[i0,..,in] = src.flat[offset + sum_d i_d * strides[d]]
/// Serves Transpose (permuted strides), Slice (scaled strides), Expand (stride 0).
void strided_copy(const Tensor& src, int64_t offset, const std::vector<int64_t>& strides, Tensor& dst);

/// dst = src with its axes permuted: dst.shape[d] == src.shape[perm[d]].
void permute_copy(const Tensor& src, const std::vector<int64_t>& perm, Tensor& dst);

// ---- index arithmetic ----

/// Makes idx (in [-dim, dim)) non-negative; false when it is out of range.
inline bool normalize_index(int64_t& idx, int64_t dim) {
  if (idx < 0) idx += dim;
  return idx >= 0 && idx < dim;
}
/// "index 7 is out of range for a dimension of size 3".
std::string index_error(int64_t idx, int64_t dim);

/// GatherElements/ScatterElements addressing: for each element k of `indices` (iterated in
/// row-major order over indices.shape), the flat position in `x` of the element whose
/// coordinate along `axis` is indices[k] (negative counts from the back) and whose other
/// coordinates are k's, written to `positions`. Out-of-range indices are an InvalidArgument error.
Status element_positions(const AttrReader& ctx, const Tensor& x, const Tensor& indices, int64_t axis,
                         std::vector<int64_t>* positions);
/// Normalizes each axis against `rank`; fails on out of range or (unless allow_dup) duplicates.
Result<std::vector<int64_t>> normalize_axes(std::vector<int64_t> axes, int64_t rank, bool allow_dup = false);

/// Product of shape[begin, end).
int64_t dims_product(const Shape& shape, int64_t begin, int64_t end);

// ---- type inference helpers ----

/// The values of input i as int64 when known (constant or run time), else nullopt.
std::optional<std::vector<int64_t>> known_ints(const InferContext& ctx, size_t i);
/// Rank-preserving shape with every dim unknown (unknown rank when `rank` < 0).
ir::TensorShape unknown_shape(int64_t rank);
/// The static shape of input i when fully known.
std::optional<Shape> static_shape(const InferContext& ctx, size_t i);

/// Allocates output i when infer() could not pre-allocate it (or its shape differs).
Result<Tensor*> ensure_output(KernelContext& ctx, size_t i, DataType dtype, const Shape& shape);

/// A scalar tensor of `dtype` holding v (numeric dtypes).
Tensor scalar_of(DataType dtype, double v);

}  // namespace hone::ops
