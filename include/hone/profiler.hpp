// Per-layer profiling: an execution context calls its Profiler once per layer per run with
// the layer's name (fused layers join their original node names with " + ") and its time.
#pragma once

#include <cstdint>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

namespace hone {

/// Receives layer timings (TensorRT IProfiler::reportLayerTime). Called on the thread that
/// runs the context, in layer order, after each layer finishes; elided layers (a Concat whose
/// inputs were written in place) are not reported. Implementations must not throw.
class Profiler {
 public:
  virtual ~Profiler() = default;
  virtual void report_layer_time(std::string_view layer_name, float ms) = 0;
};

/// A Profiler that sums times per layer over many runs and prints the table of the
/// specification's example (name, average ms, % of total, then the total). Layers are kept
/// in first-report order. Not thread-safe: give each context its own.
class LayerTimeProfiler final : public Profiler {
 public:
  struct Entry {
    std::string name;
    double total_ms = 0;
    int64_t count = 0;
  };
  void report_layer_time(std::string_view layer_name, float ms) override;
  const std::vector<Entry>& entries() const { return entries_; }
  /// Runs observed (the largest per-layer count).
  int64_t runs() const;
  /// Sum over layers of the average time per run.
  double average_total_ms() const;
  /// The table, one layer a line: "conv1/7x7_s2 + conv1/relu_7x7   0.128ms   4.3%".
  void print(std::ostream& os) const;
  void reset() { entries_.clear(); index_.clear(); }

 private:
  std::vector<Entry> entries_;
  std::vector<std::pair<std::string, size_t>> index_;  // name -> entry, sorted by name
};

}  // namespace hone
