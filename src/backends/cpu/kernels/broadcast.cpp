// Broadcast rows (broadcast.hpp) over ops::elementwise::merge_broadcast_dims.
#include "backends/cpu/kernels/broadcast.hpp"

#include <algorithm>

#include "ops/elementwise.hpp"

namespace hone::cpu {

BroadcastPlan BroadcastPlan::make(const Shape& out, const std::vector<const Shape*>& inputs) {
  BroadcastPlan p;
  const size_t n = inputs.size();
  p.numel = shape_numel(out);
  p.row_vector.assign(n, 0);
  p.period.assign(n, 0);
  ops::elementwise::MergedBroadcast m = ops::elementwise::merge_broadcast_dims(out, inputs);
  Shape& dims = m.dims;
  std::vector<std::vector<int64_t>>& dstrides = m.strides;
  if (dims.empty()) return p;  // one element (rank 0 or all ones): one row of 1, every input a value
  p.row = dims.back();
  for (size_t k = 0; k < n; ++k) p.row_vector[k] = dstrides.back()[k] != 0 ? 1 : 0;
  dims.pop_back();
  dstrides.pop_back();
  p.outer = std::move(dims);
  p.outer_stride = std::move(dstrides);
  return p;
}

void BroadcastPlan::widen(int64_t short_row, int64_t max_row) {
  if (row >= short_row) return;
  while (!outer.empty() && row < short_row) {
    std::vector<int64_t>& s = outer_stride.back();
    for (size_t k = 0; k < inputs(); ++k) {
      const bool continues = row_vector[k] && period[k] == 0 && s[k] == row;
      const bool keeps = s[k] == 0;  // one value per row, or a row (or period) that repeats
      if (!continues && !keeps) return;
    }
    // Take the largest factor f of the dim that keeps rows within max_row (all of it if it fits).
    const int64_t m = outer.back();
    int64_t f = std::min(m, max_row / row);
    while (f > 1 && m % f != 0) --f;
    if (f <= 1) return;
    for (size_t k = 0; k < inputs(); ++k) {
      if (row_vector[k] && period[k] == 0 && s[k] == 0) period[k] = row;
    }
    row *= f;
    if (f < m) {
      // The dim's rest stays outside the row, stepping f of its old steps at a time.
      outer.back() = m / f;
      for (int64_t& v : s) v *= f;
      return;
    }
    outer.pop_back();
    outer_stride.pop_back();
  }
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
