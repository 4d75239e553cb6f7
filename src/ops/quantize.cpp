// Shared quantization helpers (quantize.hpp): parameter layouts and the integer matmul.
#include "ops/quantize.hpp"

#include "ops/op_def.hpp"

namespace hone::ops {

Result<std::vector<int64_t>> quant_param_index(const Shape& x, const Shape& param, int64_t axis, int64_t block_size) {
  const int64_t n = shape_numel(x);
  std::vector<int64_t> index(static_cast<size_t>(n), 0);
  const int64_t param_numel = shape_numel(param);
  const auto layout_error = [&](const std::string& why) {
    return invalid_argument("scale/zero point of shape " + shape_to_string(param) + " does not fit input " +
                            shape_to_string(x) + " (axis " + std::to_string(axis) + ", block_size " +
                            std::to_string(block_size) + "): " + why);
  };
  if (block_size <= 0 && param_numel == 1) return index;  // per-tensor
  if (block_size < 0) return layout_error("block_size must be >= 0");
  const int64_t rank = static_cast<int64_t>(x.size());
  if (axis < -rank || axis >= rank) return layout_error("axis out of range");
  if (axis < 0) axis += rank;
  const std::vector<int64_t> strides = shape_strides(x);
  const int64_t axis_dim = x[static_cast<size_t>(axis)];
  const int64_t axis_stride = strides[static_cast<size_t>(axis)];
  if (block_size == 0) {
    if (param.size() != 1 || param[0] != axis_dim) return layout_error("per-axis parameters must be 1-D of size x[axis]");
    for (int64_t i = 0; i < n; ++i) index[static_cast<size_t>(i)] = (i / axis_stride) % axis_dim;
    return index;
  }
  if (param.size() != x.size()) return layout_error("blocked parameters must have the input's rank");
  for (size_t d = 0; d < x.size(); ++d) {
    const int64_t want = static_cast<int64_t>(d) == axis ? (x[d] + block_size - 1) / block_size : x[d];
    if (param[d] != want) return layout_error("dimension " + std::to_string(d) + " should be " + std::to_string(want));
  }
  // Same coordinates as x except i_axis -> i_axis / block_size.
  const std::vector<int64_t> param_strides = shape_strides(param);
  for (int64_t i = 0; i < n; ++i) {
    int64_t rem = i, p = 0;
    for (size_t d = 0; d < x.size(); ++d) {
      int64_t coord = rem / strides[d];
      rem %= strides[d];
      if (static_cast<int64_t>(d) == axis) coord /= block_size;
      p += coord * param_strides[d];
    }
    index[static_cast<size_t>(i)] = p;
  }
  return index;
}

Result<Shape> matmul_shape(const Shape& a, const Shape& b) {
  if (a.empty() || b.empty()) return invalid_argument("matmul operands must have rank >= 1");
  Shape a2 = a.size() == 1 ? Shape{1, a[0]} : a;
  Shape b2 = b.size() == 1 ? Shape{b[0], 1} : b;
  if (a2.back() != b2[b2.size() - 2]) {
    return invalid_argument("matmul shapes " + shape_to_string(a) + " and " + shape_to_string(b) + " do not match");
  }
  HONE_ASSIGN_OR_RETURN(Shape batch, broadcast_shapes(Shape(a2.begin(), a2.end() - 2), Shape(b2.begin(), b2.end() - 2)));
  if (a.size() > 1) batch.push_back(a2[a2.size() - 2]);
  if (b.size() > 1) batch.push_back(b2.back());
  return batch;
}

Result<std::vector<int64_t>> integer_matmul(const Tensor& a, const Tensor* a_zero, const Tensor& b, const Tensor* b_zero,
                                            Shape* out_shape, int64_t* rows, int64_t* cols) {
  HONE_ASSIGN_OR_RETURN(*out_shape, matmul_shape(a.shape(), b.shape()));
  const Shape a2 = a.rank() == 1 ? Shape{1, a.dim(0)} : a.shape();
  const Shape b2 = b.rank() == 1 ? Shape{b.dim(0), 1} : b.shape();
  const int64_t M = a2[a2.size() - 2], K = a2.back(), N = b2.back();
  *rows = M;
  *cols = N;
  const Shape a_batch(a2.begin(), a2.end() - 2), b_batch(b2.begin(), b2.end() - 2);
  HONE_ASSIGN_OR_RETURN(Shape batch, broadcast_shapes(a_batch, b_batch));
  const std::vector<int64_t> a_map = broadcast_index_map(batch, a_batch);
  const std::vector<int64_t> b_map = broadcast_index_map(batch, b_batch);
  // Zero point of row m of A / column n of B.
  auto zero_of = [](const Tensor* z, int64_t count, const char* what, std::vector<int64_t>* out) -> Status {
    out->assign(static_cast<size_t>(count), 0);
    if (z == nullptr) return Status::ok();
    if (z->numel() == 1) {
      out->assign(static_cast<size_t>(count), z->get_int64(0));
    } else if (z->numel() == count && z->rank() <= 2) {
      for (int64_t i = 0; i < count; ++i) (*out)[static_cast<size_t>(i)] = z->get_int64(i);
    } else {
      return invalid_argument(std::string(what) + " zero point of shape " + shape_to_string(z->shape()) +
                              " must be a scalar or have one value per " + (what[0] == 'A' ? "row" : "column"));
    }
    return Status::ok();
  };
  std::vector<int64_t> za, zb;
  HONE_RETURN_IF_ERROR(zero_of(a_zero, M, "A", &za));
  HONE_RETURN_IF_ERROR(zero_of(b_zero, N, "B", &zb));
  const int64_t batches = shape_numel(batch);
  std::vector<int64_t> y(static_cast<size_t>(batches * M * N), 0);
  // y[b, m, n] = sum_k (A[b, m, k] - za[m]) * (B[b, k, n] - zb[n])
  for (int64_t bi = 0; bi < batches; ++bi) {
    const int64_t a_off = a_map[static_cast<size_t>(bi)] * M * K;
    const int64_t b_off = b_map[static_cast<size_t>(bi)] * K * N;
    for (int64_t m = 0; m < M; ++m) {
      for (int64_t n = 0; n < N; ++n) {
        int64_t acc = 0;
        for (int64_t k = 0; k < K; ++k) {
          acc += (a.get_int64(a_off + m * K + k) - za[static_cast<size_t>(m)]) *
                 (b.get_int64(b_off + k * N + n) - zb[static_cast<size_t>(n)]);
        }
        y[static_cast<size_t>((bi * M + m) * N + n)] = acc;
      }
    }
  }
  return y;
}

}  // namespace hone::ops
