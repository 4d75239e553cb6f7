// Softmax, LayerNormalization, LRN and reductions in AVX2 (normalization.hpp; the bodies
// are normalization_impl.hpp).
#include "backends/cpu/kernels/normalization_impl.hpp"
#include "backends/cpu/simd/simd_avx2.hpp"

namespace hone::cpu::avx2 {

void softmax_rows(const float* x, float* y, size_t rows, size_t n, bool log) {
  simd::softmax_rows<VecF32>(x, y, rows, n, log);
}

void softmax_strided(const float* x, float* y, size_t n, size_t inner, size_t begin, size_t end, bool log) {
  simd::softmax_strided<VecF32>(x, y, n, inner, begin, end, log);
}

void layer_norm_rows(const float* x, float* y, size_t rows, size_t n, const float* scale, const float* bias,
                     float epsilon, float* mean_out, float* inv_std_out) {
  simd::layer_norm_rows<VecF32>(x, y, rows, n, scale, bias, epsilon, mean_out, inv_std_out);
}

void lrn_plane(const float* x, float* y, size_t channels, size_t plane, size_t begin, size_t end,
               const LrnParams& p) {
  simd::lrn_plane<VecF32>(x, y, channels, plane, begin, end, p);
}

void reduce_rows(ReduceKind kind, const float* x, float* y, size_t rows, size_t n) {
  simd::reduce_rows<VecF32>(kind, x, y, rows, n);
}

void reduce_strided(ReduceKind kind, const float* x, float* y, size_t n, size_t inner, size_t begin, size_t end) {
  simd::reduce_strided<VecF32>(kind, x, y, n, inner, begin, end);
}

}  // namespace hone::cpu::avx2
