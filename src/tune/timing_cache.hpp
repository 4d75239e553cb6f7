// The timing cache: measured tactic times per layer signature, for one device model, kept in
// a JSON file between builds (TensorRT's timing cache). A rebuild on the same machine finds
// every layer's timings here and skips the measurement.
#pragma once

#include <map>
#include <optional>
#include <string>

#include "hone/status.hpp"

namespace hone::tune {

class TimingCache {
 public:
  /// An empty cache for `device_name` (e.g. cpu_model_name()).
  explicit TimingCache(std::string device_name = {}) : device_name_(std::move(device_name)) {}

  /// Reads `path`. A missing file gives an empty cache. Entries recorded for another device
  /// (or by another Hone version) are dropped, since their times do not apply here.
  /// InvalidArgument naming the file when it is not a timing cache.
  static Result<TimingCache> load(const std::string& path, const std::string& device_name);
  /// Writes the cache to `path` (through a temporary file and a rename); IoError on failure.
  Status save(const std::string& path) const;

  /// The recorded milliseconds of `tactic` on a layer with `signature`, if any.
  std::optional<double> lookup(const std::string& signature, const std::string& tactic) const;
  void insert(const std::string& signature, const std::string& tactic, double ms);
  /// Number of (signature, tactic) timings.
  size_t size() const;
  const std::string& device_name() const { return device_name_; }

 private:
  std::string device_name_;
  std::map<std::string, std::map<std::string, double>> entries_;  // signature -> tactic -> ms
};

}  // namespace hone::tune
