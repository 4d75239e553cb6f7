// AVX2 + FMA mask kernels: the loop bodies of mask_kernels_impl.hpp compiled with AVX2 flags
// (8-wide accumulators with FMA for the logits, 8-wide row interpolation and threshold).
#define HONE_MASK_LANES 8  // AVX2
#include "vision/mask_kernels_impl.hpp"

namespace hone::vision::avx2 {
const MaskKernels kMaskKernels = {logits_kernel, columns_kernel, threshold_kernel, cpu::CpuIsa::Avx2};
}
