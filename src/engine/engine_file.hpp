// The engine file: a Plan serialized as a fixed header, a section table and sections with a
// 64-bit XXH3 checksum each (docs/engine-format.md). Metadata is a FlatBuffer
// (engine_format.fbs), weights are 64-byte aligned raw bytes so a loaded engine's constants
// point straight into the read-only mapping of the file.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/cpu_features.hpp"
#include "engine/plan.hpp"
#include "hone/status.hpp"

namespace hone::engine {

/// Bumped on any incompatible change; loaders refuse other versions.
inline constexpr uint32_t kEngineFormatVersion = 1;

/// The plan as engine-file bytes. Fails (Unsupported) on values it cannot store.
Result<std::vector<uint8_t>> serialize_plan(const Plan& plan);
/// serialize_plan() written to `path` (IoError on failure; no partial file is left behind).
Status save_plan(const Plan& plan, const std::string& path);

struct LoadOptions {
  /// The device this process will run the engine on; a plan for another device is refused.
  std::string device = "cpu";
  /// The CPU to check the plan's required_isa against (nullptr: this machine's).
  const CpuFeatures* cpu = nullptr;
};

/// Maps `path` read-only and rebuilds its plan; weights are not copied. Every failure is a
/// one-line error naming the file: wrong magic, other format version, truncated, checksum
/// mismatch (naming the section), malformed metadata, other device, missing CPU features.
Result<Plan> load_plan(const std::string& path, const LoadOptions& options = {});
/// The same from bytes in memory; `bytes` is kept alive by the returned plan.
Result<Plan> load_plan_from_memory(std::shared_ptr<const std::vector<uint8_t>> bytes,
                                   const LoadOptions& options = {});

}  // namespace hone::engine
