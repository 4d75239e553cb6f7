// What the CPU backend's fast tactics share (ordinary code, never included by ISA files): the
// base class that turns a kernel written for one ISA level into a tactic with a stable ID and
// the ISA check, the layer checks their supports() are made of, output placement, and the
// split of a loop over the context's threads.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "backends/backend.hpp"
#include "backends/cpu/dispatch.hpp"

namespace hone::cpu {

/// "cpu.f32_<name>_<isa>" (ISA-specific code) or "cpu.f32_<name>" (portable code).
std::string tactic_id(std::string_view name, CpuIsa level, bool portable = false);

/// A tactic whose code is written for one ISA level: supports() is the ISA check followed by
/// supports_layer(), which says whether the kernel computes exactly this layer.
class IsaTactic : public Tactic {
 public:
  IsaTactic(std::string id, CpuIsa level) : id_(std::move(id)), level_(level) {}
  std::string_view id() const override { return id_; }
  std::vector<std::string> required_isa() const override { return isa_features(level_); }
  bool supports(const LayerDesc& layer, const CpuFeatures& cpu) const final {
    return has_isa(cpu, level_) && supports_layer(layer);
  }
  CpuIsa level() const { return level_; }

 protected:
  virtual bool supports_layer(const LayerDesc& layer) const = 0;

 private:
  std::string id_;
  CpuIsa level_;
};

/// The ISA levels a family offers a tactic for, fastest first.
inline constexpr CpuIsa kLevels[] = {CpuIsa::Avx512, CpuIsa::Avx2, CpuIsa::Baseline};

/// The tactics of a family's list, as the backend's list takes them.
std::vector<const Tactic*> pointers(const std::vector<std::unique_ptr<Tactic>>& tactics);

// ---- layer checks for supports() ----

/// A float32 tensor type (any shape, possibly symbolic).
bool is_f32(const ir::Type& t);
/// A float32 tensor type with every dim known.
bool is_static_f32(const ir::Type& t);
/// Whether every present input and output of the layer is a float32 tensor (static when
/// `require_static`).
bool all_f32(const LayerDesc& layer, bool require_static);
/// The constant value of input i, or nullptr (absent or computed at run time).
const Tensor* constant_input(const LayerDesc& layer, size_t i);
/// The node's attribute `name` or the operator's default.
ops::AttrReader attrs_of(const ir::Node& node);

// ---- run-time helpers ----

/// Output i as a float32 tensor of `shape`: the pre-allocated one when it matches, else a new
/// allocation (InvalidArgument on a hostile size).
Result<Tensor*> f32_output(ops::KernelContext& ctx, size_t i, const Shape& shape);
/// The layer's reference kernel: what a tactic runs when the run-time values are outside
/// what it was chosen for (e.g. a dynamic shape it cannot take), so the result is still right.
Status run_reference(const LayerRun& run);

/// Below this many elements of memory-bound work a loop stays on one thread: a fork-join
/// costs about a microsecond, what one core streams ~16K floats in.
inline constexpr size_t kParallelMinElements = 32 * 1024;

/// Calls f(begin, end) over consecutive ranges covering [0, n), each of at least `grain`
/// items (the last may be shorter), spread over the pool's threads; on the caller alone when
/// one range covers everything. f must not call the pool.
template <class F>
void parallel_ranges(ThreadPool& pool, size_t n, size_t grain, F&& f) {
  if (n == 0) return;
  grain = std::max<size_t>(grain, 1);
  const size_t threads = static_cast<size_t>(std::max(pool.threads(), 1));
  // A few ranges per thread balance a machine other work shares, at little cost per range.
  const size_t ranges = std::min((n + grain - 1) / grain, 4 * threads);
  if (threads == 1 || ranges <= 1) {
    f(size_t{0}, n);
    return;
  }
  const size_t step = (n + ranges - 1) / ranges;
  pool.parallel_for((n + step - 1) / step, [&](size_t i) { f(i * step, std::min(n, (i + 1) * step)); });
}

/// Items of `cost` work units each (elements touched): the grain that gives every range at
/// least kParallelMinElements / 2 units, and n itself (one range) when the whole is too small.
inline size_t grain_for(size_t n, size_t cost) {
  cost = std::max<size_t>(cost, 1);
  if (n * cost < kParallelMinElements) return std::max<size_t>(n, 1);
  return std::max<size_t>(1, kParallelMinElements / 2 / cost);
}

/// Work over `rows` rows of `row_len` elements costing `cost` units each (elements touched per
/// element), split over the threads: calls f(row_begin, row_end, begin, end) for rows
/// [row_begin, row_end) restricted to elements [begin, end). Many rows are split into groups
/// of whole rows; few long rows into blocks of one row each, so every thread gets work
/// either way; work under kParallelMinElements units stays on the caller.
template <class F>
void parallel_rows(ThreadPool& pool, size_t rows, size_t row_len, size_t cost, F&& f) {
  const size_t threads = static_cast<size_t>(std::max(pool.threads(), 1));
  if (rows == 0 || row_len == 0) return;
  cost = std::max<size_t>(cost, 1);
  if (threads == 1 || rows * row_len * cost < kParallelMinElements) {
    f(size_t{0}, rows, size_t{0}, row_len);
    return;
  }
  if (rows >= 4 * threads) {
    parallel_ranges(pool, rows, grain_for(rows, row_len * cost),
                    [&](size_t r0, size_t r1) { f(r0, r1, size_t{0}, row_len); });
    return;
  }
  const size_t per_row = (4 * threads + rows - 1) / rows;
  size_t block = (row_len + per_row - 1) / per_row;
  // Blocks of whole cache lines of floats, and big enough to pay for their fork-join share.
  block = std::max<size_t>((block + 15) / 16 * 16, kParallelMinElements / 4 / cost);
  const size_t blocks = (row_len + block - 1) / block;
  pool.parallel_for(rows * blocks, [&](size_t i) {
    const size_t r = i / blocks, b = i % blocks;
    f(r, r + 1, b * block, std::min(row_len, (b + 1) * block));
  });
}

}  // namespace hone::cpu
