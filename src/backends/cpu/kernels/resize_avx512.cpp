// Resize rows in AVX-512 (resize.hpp; the bodies are resize_impl.hpp).
#include "backends/cpu/kernels/resize_impl.hpp"
#include "backends/cpu/simd/simd_avx512.hpp"

namespace hone::cpu::avx512 {

void resize_nearest_rows(const float* x, int64_t in_w, const int32_t* src_h, const int32_t* src_w, int64_t out_w,
                         bool double_w, float* y, int64_t oh_begin, int64_t oh_end) {
  simd::resize_nearest_rows<VecF32>(x, in_w, src_h, src_w, out_w, double_w, y, oh_begin, oh_end);
}

void resize_linear_rows(const float* x, int64_t in_w, const LinearTaps& h, const LinearTaps& w, int64_t out_w,
                        float* y, int64_t oh_begin, int64_t oh_end) {
  simd::resize_linear_rows<VecF32>(x, in_w, h, w, out_w, y, oh_begin, oh_end);
}

}  // namespace hone::cpu::avx512
