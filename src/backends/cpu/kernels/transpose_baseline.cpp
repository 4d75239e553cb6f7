// Plane transposes in portable code: 8x8 tiles element by element, so each tile's rows and
// columns stay in cache (transpose.hpp, transpose_impl.hpp).
#include "backends/cpu/kernels/transpose.hpp"
#include "backends/cpu/kernels/transpose_impl.hpp"

namespace hone::cpu::baseline {
namespace {

struct Tile8 {
  static constexpr size_t kTile = 8;
  static void run(const float* src, size_t src_stride, float* dst, size_t dst_stride) {
    for (size_t r = 0; r < kTile; ++r) {
      for (size_t c = 0; c < kTile; ++c) dst[c * dst_stride + r] = src[r * src_stride + c];
    }
  }
};

}  // namespace

void transpose_plane(const float* src, size_t src_stride, float* dst, size_t dst_stride, size_t rows, size_t cols) {
  simd::transpose_plane<Tile8>(src, src_stride, dst, dst_stride, rows, cols);
}

}  // namespace hone::cpu::baseline
