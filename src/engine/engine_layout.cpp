// The engine file's container (engine_layout.hpp): writing and checking the header, the
// section table and the XXH3-64 checksums. Every offset read from a file is checked before
// it is used, with overflow-safe arithmetic, so a damaged file gets an error, never a crash.
#include "engine/engine_layout.hpp"

#include <xxhash.h>

#include <algorithm>
#include <cstring>
#include <string>

#include "core/check.hpp"
#include "engine/engine_file.hpp"

namespace hone::engine::detail {
namespace {

// Header field offsets (docs/engine-format.md, "Header").
constexpr size_t kMagicAt = 0;
constexpr size_t kVersionAt = 8;
constexpr size_t kHeaderSizeAt = 12;
constexpr size_t kFileSizeAt = 16;
constexpr size_t kSectionCountAt = 24;
constexpr size_t kEntrySizeAt = 28;
constexpr size_t kFlagsAt = 32;
constexpr size_t kReservedAt = 40;
constexpr size_t kReservedSize = 16;
constexpr size_t kHeaderChecksumAt = 56;

// Section entry field offsets, relative to the entry.
constexpr size_t kKindAt = 0;
constexpr size_t kEntryReservedAt = 4;
constexpr size_t kOffsetAt = 8;
constexpr size_t kSizeAt = 16;
constexpr size_t kChecksumAt = 24;

uint32_t get_u32(const uint8_t* p) {
  uint32_t v = 0;
  for (int i = 3; i >= 0; --i) v = (v << 8) | p[i];
  return v;
}
uint64_t get_u64(const uint8_t* p) {
  uint64_t v = 0;
  for (int i = 7; i >= 0; --i) v = (v << 8) | p[i];
  return v;
}
void put_u32(uint8_t* p, uint32_t v) {
  for (int i = 0; i < 4; ++i) p[i] = static_cast<uint8_t>(v >> (8 * i));
}
void put_u64(uint8_t* p, uint64_t v) {
  for (int i = 0; i < 8; ++i) p[i] = static_cast<uint8_t>(v >> (8 * i));
}

uint64_t align_up(uint64_t n) { return (n + kSectionAlignment - 1) / kSectionAlignment * kSectionAlignment; }

uint64_t table_end(uint32_t section_count) { return kHeaderSize + uint64_t{section_count} * kSectionEntrySize; }

// XXH3-64 of the header and section table with the header-checksum field read as zero.
uint64_t header_checksum(std::span<const uint8_t> file, uint32_t section_count) {
  std::vector<uint8_t> copy(file.begin(), file.begin() + static_cast<std::ptrdiff_t>(table_end(section_count)));
  std::memset(copy.data() + kHeaderChecksumAt, 0, 8);
  return XXH3_64bits(copy.data(), copy.size());
}

std::string section_name(uint32_t kind) {
  switch (static_cast<SectionKind>(kind)) {
    case SectionKind::Metadata: return "METADATA";
    case SectionKind::Weights: return "WEIGHTS";
  }
  return "of kind " + std::to_string(kind);
}

std::string hex(uint64_t v) {
  static const char* kDigits = "0123456789abcdef";
  std::string s;
  do {
    s.insert(s.begin(), kDigits[v & 15]);
    v >>= 4;
  } while (v);
  return "0x" + s;
}

Status corrupt(const std::string& m) { return invalid_model(m); }

bool all_zero(std::span<const uint8_t> bytes) {
  return std::all_of(bytes.begin(), bytes.end(), [](uint8_t b) { return b == 0; });
}

}  // namespace

std::vector<uint8_t> assemble_file(const std::vector<SectionContents>& sections) {
  HONE_CHECK(!sections.empty() && sections.size() <= kMaxSections);
  const auto count = static_cast<uint32_t>(sections.size());
  std::vector<uint64_t> offsets;
  uint64_t end = table_end(count);
  for (const SectionContents& s : sections) {
    offsets.push_back(align_up(end));
    end = offsets.back() + s.size;
  }
  std::vector<uint8_t> file(end, 0);
  uint8_t* h = file.data();
  std::memcpy(h + kMagicAt, kEngineMagic.data(), kEngineMagic.size());
  put_u32(h + kVersionAt, kEngineFormatVersion);
  put_u32(h + kHeaderSizeAt, kHeaderSize);
  put_u64(h + kFileSizeAt, end);
  put_u32(h + kSectionCountAt, count);
  put_u32(h + kEntrySizeAt, kSectionEntrySize);
  put_u64(h + kFlagsAt, 0);
  for (uint32_t i = 0; i < count; ++i) {
    const SectionContents& s = sections[i];
    uint8_t* section = file.data() + offsets[i];
    for (const SectionPart& part : s.parts) {
      HONE_CHECK(part.offset + part.size <= s.size);
      if (part.size > 0) std::memcpy(section + part.offset, part.data, part.size);
    }
    uint8_t* e = h + kHeaderSize + uint64_t{i} * kSectionEntrySize;
    put_u32(e + kKindAt, static_cast<uint32_t>(s.kind));
    put_u64(e + kOffsetAt, offsets[i]);
    put_u64(e + kSizeAt, s.size);
    put_u64(e + kChecksumAt, XXH3_64bits(section, s.size));
  }
  put_u64(h + kHeaderChecksumAt, header_checksum(file, count));
  return file;
}

Result<FileSections> parse_file(std::span<const uint8_t> file, bool verify_weights) {
  const uint64_t size = file.size();
  if (size == 0) return corrupt("empty file; not a Hone engine file");
  const size_t magic_bytes = std::min<size_t>(size, kEngineMagic.size());
  if (std::memcmp(file.data(), kEngineMagic.data(), magic_bytes) != 0) {
    return corrupt("not a Hone engine file (it does not start with \"HONEENG1\")");
  }
  if (size < kVersionAt + 4) {
    return corrupt("truncated: the file is " + std::to_string(size) + " bytes, shorter than the " +
                   std::to_string(kHeaderSize) + "-byte header");
  }
  const uint32_t version = get_u32(file.data() + kVersionAt);
  if (version != kEngineFormatVersion) {
    return unsupported("engine file format version " + std::to_string(version) + ", but this build of Hone reads version " +
                       std::to_string(kEngineFormatVersion) + "; rebuild the engine with `hone build`");
  }
  if (size < kHeaderSize) {
    return corrupt("truncated: the file is " + std::to_string(size) + " bytes, shorter than the " +
                   std::to_string(kHeaderSize) + "-byte header");
  }
  const uint8_t* h = file.data();
  const uint32_t header_size = get_u32(h + kHeaderSizeAt);
  const uint32_t entry_size = get_u32(h + kEntrySizeAt);
  const uint32_t count = get_u32(h + kSectionCountAt);
  if (header_size != kHeaderSize || entry_size != kSectionEntrySize) {
    return corrupt("corrupt header: header size " + std::to_string(header_size) + " and section entry size " +
                   std::to_string(entry_size) + " (expected " + std::to_string(kHeaderSize) + " and " +
                   std::to_string(kSectionEntrySize) + ")");
  }
  if (count == 0 || count > kMaxSections) {
    return corrupt("corrupt header: " + std::to_string(count) + " sections (1 to " + std::to_string(kMaxSections) +
                   " allowed)");
  }
  const uint64_t table_bytes_end = table_end(count);
  if (size < table_bytes_end) {
    return corrupt("truncated: the file is " + std::to_string(size) + " bytes, but its section table ends at byte " +
                   std::to_string(table_bytes_end));
  }
  if (get_u64(h + kHeaderChecksumAt) != header_checksum(file, count)) {
    return corrupt("header checksum mismatch: the header or section table is corrupt");
  }
  const uint64_t file_size = get_u64(h + kFileSizeAt);
  if (size < file_size) {
    return corrupt("truncated: the file is " + std::to_string(size) + " bytes, its header says " +
                   std::to_string(file_size));
  }
  if (size > file_size) {
    return corrupt("the file is " + std::to_string(size) + " bytes, its header says " + std::to_string(file_size) +
                   " (trailing bytes)");
  }
  const uint64_t flags = get_u64(h + kFlagsAt);
  if (flags != 0) return unsupported("unknown header flags " + hex(flags) + " (written by a newer Hone?)");
  for (size_t i = 0; i < kReservedSize; ++i) {
    if (h[kReservedAt + i] != 0) return corrupt("corrupt header: reserved bytes are not zero");
  }

  struct Entry {
    uint32_t kind;
    uint64_t offset, size, checksum;
  };
  std::vector<Entry> entries;
  for (uint32_t i = 0; i < count; ++i) {
    const uint8_t* e = h + kHeaderSize + uint64_t{i} * kSectionEntrySize;
    Entry entry{get_u32(e + kKindAt), get_u64(e + kOffsetAt), get_u64(e + kSizeAt), get_u64(e + kChecksumAt)};
    const std::string name = "section " + section_name(entry.kind);
    if (get_u32(e + kEntryReservedAt) != 0) return corrupt(name + ": reserved field is not zero");
    if (entry.size > size || entry.offset > size - entry.size) {
      return corrupt("truncated: " + name + " (bytes " + std::to_string(entry.offset) + " + " +
                     std::to_string(entry.size) + ") extends beyond the end of the file (" + std::to_string(size) +
                     " bytes)");
    }
    if (entry.offset % kSectionAlignment != 0 || entry.offset < table_bytes_end) {
      return corrupt(name + " starts at byte " + std::to_string(entry.offset) + ", not a multiple of " +
                     std::to_string(kSectionAlignment) + " after the section table");
    }
    entries.push_back(entry);
  }
  std::vector<Entry> by_offset = entries;
  std::sort(by_offset.begin(), by_offset.end(), [](const Entry& a, const Entry& b) { return a.offset < b.offset; });
  // Sections must not overlap, and the padding around them must be zero: then no byte of
  // the file escapes a check (every other byte is under a checksum).
  uint64_t covered = table_bytes_end;
  for (const Entry& e : by_offset) {
    if (e.offset < covered) return corrupt("section " + section_name(e.kind) + " overlaps the section before it");
    if (!all_zero(file.subspan(covered, e.offset - covered))) {
      return corrupt("nonzero padding before section " + section_name(e.kind));
    }
    covered = e.offset + e.size;
  }
  if (!all_zero(file.subspan(covered))) return corrupt("nonzero bytes after the last section");

  FileSections out;
  bool have_metadata = false, have_weights = false;
  for (const Entry& e : entries) {
    const std::span<const uint8_t> bytes = file.subspan(e.offset, e.size);
    const auto kind = static_cast<SectionKind>(e.kind);
    const bool known = kind == SectionKind::Metadata || kind == SectionKind::Weights;
    if (known) {
      bool& seen = kind == SectionKind::Metadata ? have_metadata : have_weights;
      if (seen) return corrupt("two " + section_name(e.kind) + " sections");
      seen = true;
      (kind == SectionKind::Metadata ? out.metadata : out.weights) = bytes;
    }
    // Unknown kinds are skipped (docs/engine-format.md, "Versioning") but must be intact.
    if (kind == SectionKind::Weights && !verify_weights) continue;
    if (XXH3_64bits(bytes.data(), bytes.size()) != e.checksum) {
      return corrupt("checksum mismatch in section " + section_name(e.kind) + ": the file is corrupt");
    }
  }
  if (!have_metadata) return corrupt("no METADATA section");
  if (!have_weights) return corrupt("no WEIGHTS section");
  return out;
}

Status reseal_file(std::span<uint8_t> file) {
  if (file.size() < kHeaderSize) return invalid_argument("reseal: shorter than the header");
  const uint32_t count = get_u32(file.data() + kSectionCountAt);
  if (count == 0 || count > kMaxSections || file.size() < table_end(count)) {
    return invalid_argument("reseal: the section table cannot be read");
  }
  for (uint32_t i = 0; i < count; ++i) {
    uint8_t* e = file.data() + kHeaderSize + uint64_t{i} * kSectionEntrySize;
    const uint64_t offset = get_u64(e + kOffsetAt);
    const uint64_t size = get_u64(e + kSizeAt);
    if (size <= file.size() && offset <= file.size() - size) {
      put_u64(e + kChecksumAt, XXH3_64bits(file.data() + offset, size));
    }
  }
  put_u64(file.data() + kHeaderChecksumAt, header_checksum(file, count));
  return Status::ok();
}

}  // namespace hone::engine::detail
