// CPUID-based feature detection (cpu_features.hpp).
#include "core/cpu_features.hpp"

#include <algorithm>
#include <cstdint>
#include <string>

#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#endif

namespace hone {
namespace {

struct FeatureField {
  const char* name;
  bool CpuFeatures::*field;
};

constexpr FeatureField kFields[] = {
    {"sse4_2", &CpuFeatures::sse42},          {"avx", &CpuFeatures::avx},
    {"avx2", &CpuFeatures::avx2},             {"fma", &CpuFeatures::fma},
    {"f16c", &CpuFeatures::f16c},             {"avx512f", &CpuFeatures::avx512f},
    {"avx512bw", &CpuFeatures::avx512bw},     {"avx512dq", &CpuFeatures::avx512dq},
    {"avx512vl", &CpuFeatures::avx512vl},     {"avx512_vnni", &CpuFeatures::avx512_vnni},
    {"avx512_bf16", &CpuFeatures::avx512_bf16}, {"avx512_fp16", &CpuFeatures::avx512_fp16},
    {"avx_vnni", &CpuFeatures::avx_vnni},
};

CpuFeatures detect() {
  CpuFeatures f;
#if defined(__x86_64__) || defined(__i386__)
  unsigned eax = 0, ebx = 0, ecx = 0, edx = 0;
  if (!__get_cpuid(0, &eax, &ebx, &ecx, &edx)) return f;
  const unsigned max_leaf = eax;
  __cpuid(1, eax, ebx, ecx, edx);
  f.sse42 = (ecx >> 20) & 1;
  const bool osxsave = (ecx >> 27) & 1;
  const bool cpu_avx = (ecx >> 28) & 1;
  const bool cpu_fma = (ecx >> 12) & 1;
  const bool cpu_f16c = (ecx >> 29) & 1;
  // XCR0 says which register files the OS saves on a context switch: bits 1-2 for
  // XMM/YMM, bits 5-7 for the AVX-512 opmask and ZMM registers.
  uint64_t xcr0 = 0;
  if (osxsave) {
    uint32_t lo = 0, hi = 0;
    __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
    xcr0 = (static_cast<uint64_t>(hi) << 32) | lo;
  }
  const bool os_avx = (xcr0 & 0x6) == 0x6;
  const bool os_avx512 = (xcr0 & 0xe6) == 0xe6;
  f.avx = cpu_avx && os_avx;
  f.fma = cpu_fma && os_avx;
  f.f16c = cpu_f16c && os_avx;
  if (max_leaf >= 7) {
    __cpuid_count(7, 0, eax, ebx, ecx, edx);
    f.avx2 = os_avx && ((ebx >> 5) & 1);
    f.avx512f = os_avx512 && ((ebx >> 16) & 1);
    f.avx512dq = f.avx512f && ((ebx >> 17) & 1);
    f.avx512bw = f.avx512f && ((ebx >> 30) & 1);
    f.avx512vl = f.avx512f && ((ebx >> 31) & 1);
    f.avx512_vnni = f.avx512f && ((ecx >> 11) & 1);
    f.avx512_fp16 = f.avx512f && ((edx >> 23) & 1);
    unsigned eax1 = 0, ebx1 = 0, ecx1 = 0, edx1 = 0;
    __cpuid_count(7, 1, eax1, ebx1, ecx1, edx1);
    f.avx_vnni = os_avx && ((eax1 >> 4) & 1);
    f.avx512_bf16 = f.avx512f && ((eax1 >> 5) & 1);
  }
#endif
  return f;
}

}  // namespace

const std::string& cpu_model_name() {
  static const std::string name = [] {
    std::string brand;
#if defined(__x86_64__) || defined(__i386__)
    unsigned eax = 0, ebx = 0, ecx = 0, edx = 0;
    if (__get_cpuid(0x80000000, &eax, &ebx, &ecx, &edx) && eax >= 0x80000004) {
      for (unsigned leaf = 0x80000002; leaf <= 0x80000004; ++leaf) {
        unsigned r[4];
        __cpuid(leaf, r[0], r[1], r[2], r[3]);
        brand.append(reinterpret_cast<const char*>(r), sizeof r);
      }
    }
#endif
    brand.erase(std::find(brand.begin(), brand.end(), '\0'), brand.end());
    while (!brand.empty() && brand.back() == ' ') brand.pop_back();
    while (!brand.empty() && brand.front() == ' ') brand.erase(brand.begin());
    return brand.empty() ? std::string("unknown x86-64") : brand;
  }();
  return name;
}

const CpuFeatures& CpuFeatures::host() {
  static const CpuFeatures features = detect();
  return features;
}

bool CpuFeatures::has(std::string_view name) const {
  for (const FeatureField& ff : kFields) {
    if (name == ff.name) return this->*ff.field;
  }
  return false;
}

std::vector<std::string> CpuFeatures::names() const {
  std::vector<std::string> out;
  for (const FeatureField& ff : kFields) {
    if (this->*ff.field) out.emplace_back(ff.name);
  }
  return out;
}

std::vector<std::string> CpuFeatures::missing(const std::vector<std::string>& required) const {
  std::vector<std::string> out;
  for (const std::string& r : required) {
    if (!has(r) && std::find(out.begin(), out.end(), r) == out.end()) out.push_back(r);
  }
  return out;
}

const std::vector<std::string>& CpuFeatures::known_names() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> v;
    for (const FeatureField& ff : kFields) v.emplace_back(ff.name);
    return v;
  }();
  return names;
}

}  // namespace hone
