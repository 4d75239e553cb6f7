// The engine file: a Plan serialized as a fixed header, a section table and sections with a
// 64-bit XXH3 checksum each (docs/engine-format.md). Metadata is a FlatBuffer
// (engine_format.fbs), weights are 64-byte aligned raw bytes so a loaded engine's constants
// point straight into the private mapping of the file.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "core/cpu_features.hpp"
#include "engine/plan.hpp"
#include "hone/status.hpp"

namespace hone::engine {

/// Bumped on any incompatible change; loaders refuse other versions (docs/engine-format.md,
/// "Versioning").
inline constexpr uint32_t kEngineFormatVersion = 1;

/// The plan as engine-file bytes. Deterministic: the same plan (and a plan loaded from these
/// bytes) always serializes to the same bytes. Tensors that share storage are stored once.
/// Stores what it is given without judging it (load_plan() does that). Fails (Unsupported) on
/// what the format cannot store: no graph, a subgraph held by two attributes, a GRAPH(S)
/// attribute without a graph, a node reading a value of a graph outside the plan, nesting
/// deeper than 64 graphs or 32 types, or metadata (graph structure and string tensors) over
/// 1 GiB.
Result<std::vector<uint8_t>> serialize_plan(const Plan& plan);

/// serialize_plan() written to `path`: into a temporary file in the same folder, flushed,
/// then renamed over `path`, so a failed write never leaves a partial engine (nor the
/// temporary file). IoError (with the OS reason) on failure.
Status save_plan(const Plan& plan, const std::string& path);

struct LoadOptions {
  /// The device this process will run the engine on; a plan for another device is refused.
  std::string device = "cpu";
  /// The CPU to check the plan's required_isa against (nullptr: this machine's).
  const CpuFeatures* cpu = nullptr;
  /// Check the WEIGHTS section's XXH3-64 checksum. It reads every weight byte (about 6 ms per
  /// 100 MB); metadata and header checksums are always checked. Turn off only for files you
  /// trust, e.g. one this process just wrote.
  bool verify_weights = true;
};

/// Maps `path` (mmap PROT_READ|PROT_WRITE, MAP_PRIVATE: writes to constants stay private to
/// the process and never fault) and rebuilds its plan; weights are not copied: constants and
/// packed tensors are views into the mapping, 64-byte aligned, kept alive by Plan::backing
/// (copies of those Tensors must not outlive the plan's backing). Every failure is a one-line
/// error "'<path>': ..." and nothing in the file can crash the process:
///   NotFound / IoError  the file cannot be opened, read or mapped;
///   InvalidModel        not a Hone engine file, truncated, checksum mismatch (naming the
///                       section), malformed metadata, an index, count, dtype, shape or size
///                       out of range, a graph that fails ir::verify_graph or a node that
///                       fails ops::validate_node, layer count != node count;
///   Unsupported         another format version (rebuild with `hone build`), an operator this
///                       build lacks, another device than options.device, CPU features
///                       this CPU (or options.cpu) lacks.
Result<Plan> load_plan(const std::string& path, const LoadOptions& options = {});

/// The same from bytes in memory (errors read "'<memory>': ..."). `bytes` is kept alive by the
/// returned plan, whose tensors are views into it and must not be written through; a buffer
/// that is not 64-byte aligned is copied once into aligned storage (which the plan then owns).
/// NOTE: glibc places large vectors 16 bytes past a page boundary, so big engines in a
/// std::vector are always copied; use the overload below to avoid that. InvalidArgument when
/// `bytes` is null.
Result<Plan> load_plan_from_memory(std::shared_ptr<const std::vector<uint8_t>> bytes,
                                   const LoadOptions& options = {});
/// The same over caller memory that `owner` keeps alive (the plan holds `owner` in
/// Plan::backing): zero copy when `bytes` starts 64-byte aligned, one aligned copy otherwise.
Result<Plan> load_plan_from_memory(std::span<const uint8_t> bytes, std::shared_ptr<const void> owner,
                                   const LoadOptions& options = {});

/// TESTING ONLY: recomputes, in place, the checksum of every section that lies inside `file`
/// and then the header checksum, so that a test which altered bytes on purpose reaches the
/// structural checks behind the checksums. Never call it on a file you did not just corrupt
/// yourself. InvalidArgument when the header or section table cannot be read.
Status reseal_checksums_for_testing(std::span<uint8_t> file);

}  // namespace hone::engine
