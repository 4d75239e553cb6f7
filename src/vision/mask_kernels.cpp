// Baseline x86-64 mask kernels (mask_kernels_impl.hpp) and the choice among the ISAs.
#include "vision/mask_kernels.hpp"

#define HONE_MASK_LANES 4  // SSE2
#include "vision/mask_kernels_impl.hpp"

namespace hone::vision {

namespace baseline {
const MaskKernels kMaskKernels = {logits_kernel, columns_kernel, threshold_kernel, cpu::CpuIsa::Baseline};
}

const MaskKernels* mask_kernels_for(cpu::CpuIsa isa) {
  if (!cpu::has_isa(CpuFeatures::host(), isa)) return nullptr;
  switch (isa) {
    case cpu::CpuIsa::Baseline: return &baseline::kMaskKernels;
    case cpu::CpuIsa::Avx2: return &avx2::kMaskKernels;
    // None written: the AVX2 loops measure barely faster than SSE2 ones (loads and memory
    // bound them, not vector width), so wider vectors would not pay.
    case cpu::CpuIsa::Avx512: return nullptr;
  }
  return nullptr;
}

const MaskKernels& mask_kernels() {
  static const MaskKernels& best = [] () -> const MaskKernels& {
    const MaskKernels* k = mask_kernels_for(cpu::CpuIsa::Avx2);
    return k ? *k : baseline::kMaskKernels;
  }();
  return best;
}

}  // namespace hone::vision
