// The engine file API (engine_file.hpp): plans to bytes and files, and files (mapped) or
// bytes back to plans. The container lives in engine_layout.cpp, the metadata codec in
// plan_encoder.cpp / plan_decoder.cpp; this file does the I/O and names the file in errors.
#include "engine/engine_file.hpp"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstdlib>
#include <cstring>

#include "engine/engine_layout.hpp"
#include "engine/plan_codec.hpp"

namespace hone::engine {
namespace {

std::string os_error() { return std::strerror(errno); }

Status with_file(const Status& s, const std::string& label) {
  return Status(s.code(), "'" + label + "': " + s.to_string());
}

Result<Plan> load_bytes(std::span<const uint8_t> bytes, std::shared_ptr<const void> backing, const std::string& label,
                        const LoadOptions& options) {
  auto sections = detail::parse_file(bytes, options.verify_weights);
  if (!sections.is_ok()) return with_file(sections.status(), label);
  auto plan = detail::decode_plan(sections->metadata, sections->weights, backing, options);
  if (!plan.is_ok()) return with_file(plan.status(), label);
  plan->backing = std::move(backing);
  return std::move(plan).value();
}

// write(2) until done; false (errno set) on failure.
bool write_all(int fd, const uint8_t* data, size_t size) {
  while (size > 0) {
    const ssize_t n = ::write(fd, data, size);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    data += n;
    size -= static_cast<size_t>(n);
  }
  return true;
}

}  // namespace

Result<std::vector<uint8_t>> serialize_plan(const Plan& plan) {
  HONE_ASSIGN_OR_RETURN(detail::EncodedPlan encoded, detail::encode_plan(plan));
  std::vector<detail::SectionContents> sections(2);
  sections[0].kind = detail::SectionKind::Metadata;
  sections[0].size = encoded.metadata.size();
  sections[0].parts.push_back({encoded.metadata.data(), encoded.metadata.size(), 0});
  sections[1].kind = detail::SectionKind::Weights;
  sections[1].size = encoded.weights_size;
  sections[1].parts = std::move(encoded.weights);
  return detail::assemble_file(sections);
}

Status save_plan(const Plan& plan, const std::string& path) {
  HONE_ASSIGN_OR_RETURN(std::vector<uint8_t> bytes, serialize_plan(plan));
  // A name no other writer (thread or process) uses; O_EXCL makes sure of it.
  static std::atomic<unsigned> counter{0};
  std::string tmp;
  int fd = -1;
  for (int attempt = 0; attempt < 100 && fd < 0; ++attempt) {
    tmp = path + ".tmp." + std::to_string(::getpid()) + "." + std::to_string(counter++);
    fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
    if (fd < 0 && errno != EEXIST) break;
  }
  if (fd < 0) return io_error("'" + path + "': cannot create a temporary file next to it: " + os_error());
  bool ok = write_all(fd, bytes.data(), bytes.size()) && ::fsync(fd) == 0;
  std::string reason = ok ? std::string() : os_error();
  if (::close(fd) != 0 && ok) {
    ok = false;
    reason = os_error();
  }
  if (ok && ::rename(tmp.c_str(), path.c_str()) != 0) {
    ok = false;
    reason = os_error();
  }
  if (!ok) {
    ::unlink(tmp.c_str());
    return io_error("'" + path + "': cannot write the engine: " + reason);
  }
  return Status::ok();
}

Result<Plan> load_plan(const std::string& path, const LoadOptions& options) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    const int err = errno;
    const std::string m = "'" + path + "': cannot open: " + std::strerror(err);
    return err == ENOENT ? not_found(m) : io_error(m);
  }
  struct stat st {};
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    const std::string reason = S_ISDIR(st.st_mode) ? "is a directory" : "not a regular file";
    ::close(fd);
    return io_error("'" + path + "': " + reason);
  }
  const auto size = static_cast<size_t>(st.st_size);
  if (size == 0) {
    ::close(fd);
    return load_bytes({}, nullptr, path, options);
  }
  // MAP_PRIVATE + PROT_WRITE: a stray write through a constant copies that one page instead
  // of faulting. NOTE: no MAP_POPULATE: on a writable private mapping it pre-faults every page
  // for writing, i.e. copies the whole file into anonymous memory (measured: 46 ms and +100 MB
  // for a 100 MB engine; docs/engine-format.md, "Loading").
  void* base = ::mmap(nullptr, size, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
  const int map_errno = errno;
  ::close(fd);
  if (base == MAP_FAILED) return io_error("'" + path + "': cannot map: " + std::strerror(map_errno));
  std::shared_ptr<const void> backing(base, [size](const void* p) { ::munmap(const_cast<void*>(p), size); });
  return load_bytes({static_cast<const uint8_t*>(base), size}, std::move(backing), path, options);
}

Result<Plan> load_plan_from_memory(std::shared_ptr<const std::vector<uint8_t>> bytes, const LoadOptions& options) {
  if (!bytes) return invalid_argument("load_plan_from_memory: no bytes");
  const std::span<const uint8_t> view(bytes->data(), bytes->size());
  return load_plan_from_memory(view, std::move(bytes), options);
}

Result<Plan> load_plan_from_memory(std::span<const uint8_t> bytes, std::shared_ptr<const void> owner,
                                   const LoadOptions& options) {
  if (reinterpret_cast<uintptr_t>(bytes.data()) % detail::kSectionAlignment != 0) {
    // Tensors are views and must be 64-byte aligned: copy once into aligned storage.
    const size_t size = bytes.size();
    const size_t rounded = (size + detail::kSectionAlignment - 1) / detail::kSectionAlignment * detail::kSectionAlignment;
    void* copy = std::aligned_alloc(detail::kSectionAlignment, std::max<size_t>(rounded, detail::kSectionAlignment));
    if (copy == nullptr) return invalid_argument("load_plan_from_memory: out of memory copying the engine");
    std::memcpy(copy, bytes.data(), size);
    owner = std::shared_ptr<const void>(copy, [](const void* p) { std::free(const_cast<void*>(p)); });
    bytes = {static_cast<const uint8_t*>(copy), size};
  }
  return load_bytes(bytes, std::move(owner), "<memory>", options);
}

Status reseal_checksums_for_testing(std::span<uint8_t> file) { return detail::reseal_file(file); }

}  // namespace hone::engine
