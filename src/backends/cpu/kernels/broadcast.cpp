// Broadcast rows (broadcast.hpp).
#include "backends/cpu/kernels/broadcast.hpp"

namespace hone::cpu {

BroadcastPlan BroadcastPlan::make(const Shape& out, const std::vector<const Shape*>& inputs) {
  BroadcastPlan p;
  const size_t n = inputs.size();
  p.numel = shape_numel(out);
  p.row_vector.assign(n, 0);
  const size_t rank = out.size();
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
  // Drop size-1 dims; merge a dim into the one before when every input walks both as one
  // (stride[d-1] == stride[d] * out[d]; broadcast dims satisfy it with 0 == 0).
  Shape dims;
  std::vector<std::vector<int64_t>> dstrides;
  for (size_t d = 0; d < rank; ++d) {
    if (out[d] == 1) continue;
    if (!dims.empty()) {
      bool merge = true;
      for (size_t k = 0; k < n; ++k) merge &= dstrides.back()[k] == strides[d][k] * out[d];
      if (merge) {
        dims.back() *= out[d];
        dstrides.back() = strides[d];
        continue;
      }
    }
    dims.push_back(out[d]);
    dstrides.push_back(strides[d]);
  }
  if (dims.empty()) return p;  // one element (rank 0 or all ones): one row of 1, every input a value
  p.row = dims.back();
  for (size_t k = 0; k < n; ++k) p.row_vector[k] = dstrides.back()[k] != 0 ? 1 : 0;
  dims.pop_back();
  dstrides.pop_back();
  p.outer = std::move(dims);
  p.outer_stride = std::move(dstrides);
  return p;
}

std::vector<int64_t> BroadcastPlan::coordinates_of_row(int64_t r) const {
  std::vector<int64_t> idx(outer.size(), 0);
  for (size_t d = outer.size(); d-- > 0;) {
    idx[d] = r % outer[d];
    r /= outer[d];
  }
  return idx;
}

void BroadcastPlan::offsets_of_row(int64_t r, int64_t* off) const {
  const std::vector<int64_t> idx = coordinates_of_row(r);
  for (size_t k = 0; k < inputs(); ++k) off[k] = 0;
  for (size_t d = 0; d < outer.size(); ++d) {
    for (size_t k = 0; k < inputs(); ++k) off[k] += idx[d] * outer_stride[d][k];
  }
}

void BroadcastPlan::next_row(std::vector<int64_t>& idx, int64_t* off) const {
  for (size_t d = outer.size(); d-- > 0;) {
    for (size_t k = 0; k < inputs(); ++k) off[k] += outer_stride[d][k];
    if (++idx[d] < outer[d]) return;
    for (size_t k = 0; k < inputs(); ++k) off[k] -= outer_stride[d][k] * outer[d];
    idx[d] = 0;
  }
}

}  // namespace hone::cpu
