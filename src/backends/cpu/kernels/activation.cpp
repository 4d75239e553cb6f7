// Activation rows: the dispatch and the baseline (activation.hpp).
#include "backends/cpu/kernels/activation.hpp"

namespace hone::cpu {

void activate(CpuIsa isa, const ops::Activation& a, const float* x, float* y, size_t n) {
  switch (isa) {
    case CpuIsa::Avx512: return avx512::activate(a, x, y, n);
    case CpuIsa::Avx2: return avx2::activate(a, x, y, n);
    case CpuIsa::Baseline: break;
  }
  for (size_t i = 0; i < n; ++i) y[i] = a.apply(x[i]);
}

}  // namespace hone::cpu
