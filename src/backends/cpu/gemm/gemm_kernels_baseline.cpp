// Portable GEMM micro-kernels (gemm_micro_kernel.hpp) for CPUs without AVX2:
// f32_gemm_6x8_baseline and its 1..5-row variants, plain C++ that the compiler vectorizes for
// the baseline target (SSE2: the 6 x 8 tile is 12 xmm accumulators, 2 for the B row and 1 for
// the broadcast A value, within the 16 registers). The epilogue uses the reference formulas.
#include "backends/cpu/gemm/gemm_micro_kernel.hpp"

namespace hone::cpu::baseline {
namespace {

constexpr size_t kMr = 6;
constexpr size_t kNr = 8;

template <int Rows>
void f32_gemm_6x8_baseline(size_t kc, const float* a, const float* b, const MicroTile& t) {
  float acc[Rows][kNr] = {};
  for (size_t k = 0; k < kc; ++k) {
    for (int i = 0; i < Rows; ++i) {
      const float ai = a[i];
      for (size_t j = 0; j < kNr; ++j) acc[i][j] += ai * b[j];
    }
    a += kMr;
    b += t.b_stride;
  }
  const MicroEpilogue* ep = t.epilogue;
  for (int i = 0; i < Rows; ++i) {
    float* c = t.c + static_cast<size_t>(i) * t.ldc;
    for (size_t j = 0; j < t.cols; ++j) {
      float x = acc[i][j];
      if (t.accumulate) x += c[j];
      if (ep) {
        x *= ep->alpha;
        if (t.bias) x += ep->bias_scale * t.bias[static_cast<size_t>(i) * ep->bias_row_stride + j * ep->bias_col_stride];
        x = ep->activation.apply(x);
        if (t.z) x += t.z[static_cast<size_t>(i) * ep->ldz + j];
        x = ep->post_activation.apply(x);
      }
      c[j] = x;
    }
  }
}

constexpr MicroKernels kKernels = {
    .mr = kMr,
    .nr = kNr,
    .kc = 512,
    .a_block_floats = 6 * 16 * 512,
    .b_slab_floats = 256 * 1024,
    .a_slab_floats = 256 * 1024,
    .by_rows = {nullptr, f32_gemm_6x8_baseline<1>, f32_gemm_6x8_baseline<2>, f32_gemm_6x8_baseline<3>,
                f32_gemm_6x8_baseline<4>, f32_gemm_6x8_baseline<5>, f32_gemm_6x8_baseline<6>},
};

}  // namespace

const MicroKernels& f32_gemm_kernels() { return kKernels; }

}  // namespace hone::cpu::baseline
