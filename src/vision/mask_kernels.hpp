// The inner loops of instance-mask decoding (decode_mask in yolo_postprocess.cpp), built once
// per instruction set from the loop bodies of mask_kernels_impl.hpp: mask_kernels.cpp for
// baseline x86-64, mask_kernels_avx2.cpp with AVX2 + FMA (cmake/isa.cmake). mask_kernels()
// picks the best the CPU runs, once.
#pragma once

#include <cstdint>

#include "backends/cpu/dispatch.hpp"

namespace hone::vision {

struct MaskKernels {
  /// Prototype logits over a width x height window: logits[y * logits_stride + x] = sum over
  /// k < channels of coefficients[k] * protos[k * plane + y * row_stride + x].
  void (*logits)(const float* coefficients, int64_t channels, const float* protos, int64_t plane,
                 int64_t row_stride, int width, int height, float* logits, int64_t logits_stride);
  /// Linear interpolation along a row: out[c] = row[lo[c]] + (row[hi[c]] - row[lo[c]]) * weight[c].
  void (*columns)(const float* row, const int32_t* lo, const int32_t* hi, const float* weight, int width,
                  float* out);
  /// Interpolation between two rows, thresholded: mask[c] = a[c] + (b[c] - a[c]) * weight > cut.
  void (*threshold)(const float* a, const float* b, float weight, float cut, int width, uint8_t* mask);
  cpu::CpuIsa isa;
};

/// The fastest kernels this CPU runs.
const MaskKernels& mask_kernels();
/// The kernels written for `isa`, or nullptr when this CPU cannot run them or none are written
/// for it (AVX-512: the AVX2 ones serve).
const MaskKernels* mask_kernels_for(cpu::CpuIsa isa);

namespace baseline {
extern const MaskKernels kMaskKernels;
}
namespace avx2 {
extern const MaskKernels kMaskKernels;
}

}  // namespace hone::vision
