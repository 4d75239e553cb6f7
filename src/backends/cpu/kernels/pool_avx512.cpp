// Pooling in AVX-512 (pool.hpp; the bodies are pool_impl.hpp).
#include "backends/cpu/kernels/pool_impl.hpp"
#include "backends/cpu/simd/simd_avx512.hpp"

namespace hone::cpu::avx512 {

void pool_rows(const Pool2d& g, const float* x, float* y, int64_t oh_begin, int64_t oh_end) {
  simd::pool_rows<VecF32>(g, x, y, oh_begin, oh_end);
}

void global_pool(bool average, const float* x, float* y, size_t planes, size_t plane) {
  simd::global_pool<VecF32>(average, x, y, planes, plane);
}

void pool_vector_rows(const Pool2d& g, int64_t lanes, const float* x, float* y, int64_t oh_begin, int64_t oh_end) {
  simd::pool_vectors<VecF32>(g, lanes, x, y, oh_begin, oh_end);
}

}  // namespace hone::cpu::avx512
