// CPU feature detection (CPUID + XGETBV): which x86-64 instruction sets this machine can
// run. Engines record the features their tactics need; the loader refuses an engine whose
// needs this CPU lacks. Tests force a smaller feature set through `CpuFeatures` values.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace hone {

/// Instruction-set extensions Hone's tactics may use. Names are the lower-case spellings of
/// /proc/cpuinfo ("avx2", "avx512f", "avx512_vnni", ...).
struct CpuFeatures {
  bool sse42 = false;
  bool avx = false;
  bool avx2 = false;
  bool fma = false;
  bool f16c = false;
  bool avx512f = false;
  bool avx512bw = false;
  bool avx512dq = false;
  bool avx512vl = false;
  bool avx512_vnni = false;
  bool avx512_bf16 = false;
  bool avx512_fp16 = false;
  bool avx_vnni = false;

  /// The features of the CPU this process runs on (computed once; the OS must also save the
  /// wider registers, checked through XGETBV).
  static const CpuFeatures& host();
  /// Only what every x86-64 CPU has (no optional extension).
  static CpuFeatures baseline() { return {}; }

  /// Whether the feature named `name` is present; unknown names are never present.
  bool has(std::string_view name) const;
  /// Names of the features present, in a fixed order.
  std::vector<std::string> names() const;
  /// Of `required`, the names this CPU lacks (unknown names count as lacking).
  std::vector<std::string> missing(const std::vector<std::string>& required) const;
  /// Every feature name Hone knows, in the fixed order of names().
  static const std::vector<std::string>& known_names();
};

/// This CPU's model name from CPUID's brand string ("AMD EPYC 9R45 ..."), trimmed; "unknown
/// x86-64" when the CPU does not report one. Engines and timing caches record it.
const std::string& cpu_model_name();

}  // namespace hone
