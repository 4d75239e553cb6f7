// Instruction-set dispatch for the CPU backend, in one place: which ISA level a CPU offers,
// what each level requires, and its name in tactic IDs. Every fast CPU tactic is written for
// one level (its SIMD bodies live in files ending in _avx2.cpp / _avx512.cpp, compiled with
// those flags: cmake/isa.cmake) and supports a layer only on a CPU of that level or above, so
// one binary runs on any x86-64 and the builder picks the best it finds. Tests force a level
// by handing the builder (BuildConfig::cpu) or a tactic a CpuFeatures with fewer features.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/cpu_features.hpp"

namespace hone::cpu {

enum class CpuIsa : uint8_t {
  Baseline,  // SSE2: every x86-64
  Avx2,      // AVX2 + FMA + F16C (Haswell, Zen)
  Avx512,    // AVX-512 F/BW/DQ/VL on top of Avx2 (Skylake-X, Ice Lake, Zen 4/5)
};

/// The highest level `cpu` has every feature of.
CpuIsa isa_level(const CpuFeatures& cpu);
/// Whether `cpu` can run code written for `level`.
inline bool has_isa(const CpuFeatures& cpu, CpuIsa level) { return isa_level(cpu) >= level; }
/// The CpuFeatures names code of `level` needs (Tactic::required_isa()).
std::vector<std::string> isa_features(CpuIsa level);
/// "baseline", "avx2", "avx512": the suffix of tactic IDs and kernel names.
const char* isa_name(CpuIsa level);
/// A CPU with exactly the features of `level` (what tests hand the builder to force it).
CpuFeatures features_of(CpuIsa level);

}  // namespace hone::cpu
