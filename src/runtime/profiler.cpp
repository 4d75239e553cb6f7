// LayerTimeProfiler: per-layer sums and the printed profile table (hone/profiler.hpp).
#include <algorithm>
#include <cstdio>

#include "hone/profiler.hpp"

namespace hone {

void LayerTimeProfiler::report_layer_time(std::string_view layer_name, float ms) {
  auto it = std::lower_bound(index_.begin(), index_.end(), layer_name,
                             [](const auto& e, std::string_view n) { return e.first < n; });
  if (it == index_.end() || it->first != layer_name) {
    it = index_.insert(it, {std::string(layer_name), entries_.size()});
    entries_.push_back({std::string(layer_name), 0.0, 0});
  }
  Entry& e = entries_[it->second];
  e.total_ms += ms;
  ++e.count;
}

int64_t LayerTimeProfiler::runs() const {
  int64_t n = 0;
  for (const Entry& e : entries_) n = std::max(n, e.count);
  return n;
}

double LayerTimeProfiler::average_total_ms() const {
  double total = 0;
  for (const Entry& e : entries_) total += e.count ? e.total_ms / static_cast<double>(e.count) : 0.0;
  return total;
}

void LayerTimeProfiler::print(std::ostream& os) const {
  size_t width = 5;
  for (const Entry& e : entries_) width = std::max(width, e.name.size());
  width = std::min<size_t>(width, 96);
  const double total = average_total_ms();
  char buf[256];
  for (const Entry& e : entries_) {
    const double avg = e.count ? e.total_ms / static_cast<double>(e.count) : 0.0;
    std::snprintf(buf, sizeof buf, "  %9.3fms  %5.1f%%", avg, total > 0 ? 100.0 * avg / total : 0.0);
    std::string name = e.name;
    if (name.size() < width) name.append(width - name.size(), ' ');
    os << name << buf << '\n';
  }
  std::snprintf(buf, sizeof buf, "Time over all layers: %.3f ms (average of %lld runs)\n", total,
                static_cast<long long>(runs()));
  os << buf;
}

}  // namespace hone
