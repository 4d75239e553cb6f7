// The engine file's container, internal to the engine module: the fixed little-endian
// header, the section table and the XXH3-64 checksums (docs/engine-format.md, "Byte layout").
// It knows nothing of plans; engine_file.cpp puts the METADATA and WEIGHTS sections in it.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "hone/status.hpp"

namespace hone::engine::detail {

/// The first 8 bytes of every engine file, whatever its version.
inline constexpr std::string_view kEngineMagic{"HONEENG1", 8};
inline constexpr uint32_t kHeaderSize = 64;
inline constexpr uint32_t kSectionEntrySize = 32;
/// A file with more sections is refused (the table is read before its checksum is known).
inline constexpr uint32_t kMaxSections = 16;
/// Every section, and every tensor inside WEIGHTS, starts at a multiple of this.
inline constexpr uint64_t kSectionAlignment = 64;

enum class SectionKind : uint32_t { Metadata = 1, Weights = 2 };

/// A section's contents for assemble_file(): `parts` are copied one after another, each at
/// its `offset` inside the section (gaps are zero), into a section of `size` bytes.
struct SectionPart {
  const void* data = nullptr;
  uint64_t size = 0;
  uint64_t offset = 0;
};
struct SectionContents {
  SectionKind kind{};
  uint64_t size = 0;
  std::vector<SectionPart> parts;
};

/// The whole file: header, section table, then each section at the next 64-byte boundary,
/// with every checksum filled in.
std::vector<uint8_t> assemble_file(const std::vector<SectionContents>& sections);

/// The METADATA and WEIGHTS sections of a file, after every container check passed.
struct FileSections {
  std::span<const uint8_t> metadata;
  std::span<const uint8_t> weights;
};

/// Checks magic, version, sizes, the header checksum, the section table (bounds, alignment,
/// overlap, required kinds) and each section's checksum (WEIGHTS only when
/// `verify_weights`). Errors are one line without the file name (the caller adds it):
/// InvalidModel for a damaged file, Unsupported for another format version or flags.
Result<FileSections> parse_file(std::span<const uint8_t> file, bool verify_weights);

/// Recomputes every section checksum (of sections inside the file) and then the header
/// checksum in place. InvalidArgument when the header or table cannot be read.
Status reseal_file(std::span<uint8_t> file);

}  // namespace hone::engine::detail
