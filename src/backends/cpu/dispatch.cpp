// ISA levels of the CPU backend (dispatch.hpp).
#include "backends/cpu/dispatch.hpp"

namespace hone::cpu {

CpuIsa isa_level(const CpuFeatures& cpu) {
  const bool avx2 = cpu.avx2 && cpu.fma && cpu.f16c;
  if (avx2 && cpu.avx512f && cpu.avx512bw && cpu.avx512dq && cpu.avx512vl) return CpuIsa::Avx512;
  if (avx2) return CpuIsa::Avx2;
  return CpuIsa::Baseline;
}

std::vector<std::string> isa_features(CpuIsa level) {
  switch (level) {
    case CpuIsa::Baseline: return {};
    case CpuIsa::Avx2: return {"avx", "avx2", "fma", "f16c"};
    case CpuIsa::Avx512: return {"avx", "avx2", "fma", "f16c", "avx512f", "avx512bw", "avx512dq", "avx512vl"};
  }
  return {};
}

const char* isa_name(CpuIsa level) {
  switch (level) {
    case CpuIsa::Baseline: return "baseline";
    case CpuIsa::Avx2: return "avx2";
    case CpuIsa::Avx512: return "avx512";
  }
  return "?";
}

CpuFeatures features_of(CpuIsa level) {
  CpuFeatures f;
  f.sse42 = true;
  if (level >= CpuIsa::Avx2) f.avx = f.avx2 = f.fma = f.f16c = true;
  if (level >= CpuIsa::Avx512) f.avx512f = f.avx512bw = f.avx512dq = f.avx512vl = true;
  return f;
}

}  // namespace hone::cpu
