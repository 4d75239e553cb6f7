// Timing cache file: {"format": "hone-timing-cache", "version": 1, "hone": "...", "device":
// "...", "layers": {signature: {tactic: ms}}} (timing_cache.hpp).
#include "tune/timing_cache.hpp"

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

namespace hone::tune {
namespace {
constexpr const char* kFormat = "hone-timing-cache";
constexpr int kVersion = 1;
}  // namespace

Result<TimingCache> TimingCache::load(const std::string& path, const std::string& device_name) {
  TimingCache cache(device_name);
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) return cache;
  std::ifstream in(path, std::ios::binary);
  if (!in) return io_error("cannot read timing cache '" + path + "'");
  std::stringstream text;
  text << in.rdbuf();
  const Status not_a_cache = invalid_argument("'" + path + "' is not a Hone timing cache (delete it to start a new one)");
  const nlohmann::json j = nlohmann::json::parse(text.str(), nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object()) return not_a_cache;
  // nlohmann throws on a field of the wrong type: a malformed file is an error, not a crash.
  try {
    if (j.value("format", std::string()) != kFormat || !j.contains("layers") || !j.at("layers").is_object()) {
      return not_a_cache;
    }
    if (j.value("version", 0) != kVersion || j.value("hone", std::string()) != HONE_VERSION_STRING ||
        j.value("device", std::string()) != device_name) {
      return cache;  // recorded elsewhere: its times do not apply
    }
    for (const auto& [signature, tactics] : j.at("layers").items()) {
      if (!tactics.is_object()) continue;
      for (const auto& [tactic, ms] : tactics.items()) {
        if (ms.is_number() && ms.get<double>() >= 0) cache.entries_[signature][tactic] = ms.get<double>();
      }
    }
  } catch (const nlohmann::json::exception&) {
    return not_a_cache;
  }
  return cache;
}

Status TimingCache::save(const std::string& path) const {
  nlohmann::json j;
  j["format"] = kFormat;
  j["version"] = kVersion;
  j["hone"] = HONE_VERSION_STRING;
  j["device"] = device_name_;
  j["layers"] = nlohmann::json::object();
  for (const auto& [signature, tactics] : entries_) {
    for (const auto& [tactic, ms] : tactics) j["layers"][signature][tactic] = ms;
  }
  const std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out) return io_error("cannot write timing cache '" + path + "'");
    out << j.dump(1) << '\n';
    if (!out) return io_error("cannot write timing cache '" + path + "'");
  }
  std::error_code ec;
  std::filesystem::rename(tmp, path, ec);
  if (ec) {
    std::filesystem::remove(tmp, ec);
    return io_error("cannot write timing cache '" + path + "'");
  }
  return Status::ok();
}

std::optional<double> TimingCache::lookup(const std::string& signature, const std::string& tactic) const {
  auto it = entries_.find(signature);
  if (it == entries_.end()) return std::nullopt;
  auto t = it->second.find(tactic);
  if (t == it->second.end()) return std::nullopt;
  return t->second;
}

void TimingCache::insert(const std::string& signature, const std::string& tactic, double ms) {
  entries_[signature][tactic] = ms;
}

size_t TimingCache::size() const {
  size_t n = 0;
  for (const auto& [s, t] : entries_) n += t.size();
  return n;
}

}  // namespace hone::tune
