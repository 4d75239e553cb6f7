// Numpy broadcasting as rows for the CPU elementwise kernels: the output is walked in rows,
// the innermost run of dims every input either follows contiguously or repeats one element
// of, after dims of size 1 are dropped and adjacent dims merged. Same rule as
// ops::elementwise::BroadcastRows (the reference kernels'), for any number of inputs (that one
// holds three: FusedElementwise layers have more), and with random access to a row's
// offsets so threads can start anywhere.
//
//   out [1,64,80,80] + in0 [1,64,80,80] + in1 [64,1,1]  ->  64 rows of 6400 (in1: one value a row)
//   out [2,3]        + in0 [2,3]        + in1 []        ->  1 row of 6 (in1: one value)
#pragma once

#include <cstdint>
#include <vector>

#include "core/tensor.hpp"

namespace hone::cpu {

struct BroadcastPlan {
  int64_t numel = 0;
  int64_t row = 1;                   // elements per row (>= 1 unless numel is 0)
  std::vector<uint8_t> row_vector;   // per input: 1 = contiguous along the row, 0 = one value per row
  /// Per input: 0, or (after widen()) the length of the run that repeats along the row: the row
  /// reads input[off, off + period) over and over (the caller tiles it into a buffer).
  std::vector<int64_t> period;
  Shape outer;                       // dims outside the row, outermost first
  std::vector<std::vector<int64_t>> outer_stride;  // [outer dim][input] element strides (0: broadcast)

  int64_t rows() const { return row > 0 ? numel / row : 0; }
  size_t inputs() const { return row_vector.size(); }
  /// Each input's element offset at the start of row r (off has inputs() entries).
  void offsets_of_row(int64_t r, int64_t* off) const;
  /// Moves off from row r to row r + 1; idx holds r's coordinates over `outer` (start from
  /// coordinates_of_row).
  void next_row(std::vector<int64_t>& idx, int64_t* off) const;
  std::vector<int64_t> coordinates_of_row(int64_t r) const;

  /// Every input shape must broadcast to `out` (the operator's shape rule checked it).
  static BroadcastPlan make(const Shape& out, const std::vector<const Shape*>& inputs);

  /// Lengthens rows shorter than `short_row` by taking in the outer dims, up to `max_row`
  /// elements, where every input either continues along them, keeps its one value, or repeats
  /// its row (which then gets a period): a per-channel operand of the blocked layout
  /// ([1,Cb,1,1,16] against [1,Cb,H,W,16]) would otherwise make rows of 16.
  void widen(int64_t short_row, int64_t max_row);
};

}  // namespace hone::cpu
