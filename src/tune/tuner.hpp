// The auto-tuner: picks one tactic per layer by timing every candidate the backend offers on
// the layer's exact shapes on this machine (TensorRT's tactic selection). Timings are kept in
// a TimingCache keyed by layer signature and device, so rebuilding an engine skips the timing.
#pragma once

#include <limits>
#include <span>
#include <string>
#include <vector>

#include "backends/backend.hpp"
#include "engine/plan.hpp"
#include "hone/status.hpp"
#include "tune/timing_cache.hpp"

namespace hone::tune {

struct TuneOptions {
  /// Tactics whose workspace at the layer's shapes exceeds this are skipped (0: no limit).
  uint64_t workspace_limit = 0;
  /// When not empty, only tactics whose ID is listed (or starts with a listed entry followed
  /// by '.') may be chosen; layers no allowed tactic supports fall back to every tactic.
  std::vector<std::string> allowed_tactics;
  /// Timed runs per candidate after one warm-up; the fastest counts (contention only adds time).
  int iterations = 5;
  /// The threads candidates run on while timed (the engine's thread count); nullptr: one.
  ThreadPool* pool = nullptr;
};

/// The tuner's decision for one layer.
struct TacticChoice {
  const Tactic* tactic = nullptr;
  /// Every timed candidate, fastest first (empty when only one candidate was eligible).
  std::vector<engine::TacticTiming> timings;
  bool from_cache = false;  // every timing came from the cache
};

/// A stable text key for a layer: op (domain, type, opset), attributes, input/output element
/// types and shapes, which inputs are constants, and the precision. Two layers with the same
/// signature time the same.
std::string layer_signature(const LayerDesc& layer);

/// Chooses the tactic for `layer` among `backend`'s candidates on `cpu`: the only eligible one,
/// or the fastest measured (cached timings are used, new ones are added to `cache` when not
/// null). The fallback (reference) tactic competes only when nothing else supports the layer;
/// a candidate more than 4x slower than the best so far stops being timed after its warm-up
/// run. A candidate that fails on the random test inputs is dropped; a layer that cannot be
/// timed (shapes known only at run time, or every candidate failing) gets the backend's first
/// candidate. Unsupported when no tactic supports the layer: the caller lists every such layer.
Result<TacticChoice> choose_tactic(const Backend& backend, const LayerDesc& layer, const CpuFeatures& cpu,
                                   const TuneOptions& options, TimingCache* cache);

/// Median milliseconds of `tactic` running `layer` on seeded random inputs of its static
/// shapes (constant inputs keep their values), after one warm-up run. InvalidArgument when
/// the layer has inputs or outputs without a static tensor type (it cannot be timed), or the
/// tactic's error.
/// A candidate whose warm-up run already takes longer than `give_up_ms` is not timed further:
/// that run's time is returned (the tuner passes a few times the best time so far).
Result<double> time_tactic(const Tactic& tactic, const LayerDesc& layer, std::span<const Tensor> packed, int iterations,
                           ThreadPool* pool = nullptr, double give_up_ms = std::numeric_limits<double>::infinity());

/// time_tactic() for a device backend: the inputs (random, constants as they are) and packed
/// tensors copied to the device, outputs and workspace allocated there, and each run timed
/// with the backend's stream timer (device time, so the host's launch cost is not counted).
/// `packed` is prepare()'s host output; the run sees its device copies and it as packed_host.
Result<double> time_tactic_on_device(const Backend& backend, const Tactic& tactic, const LayerDesc& layer,
                                     std::span<const Tensor> packed, int iterations,
                                     double give_up_ms = std::numeric_limits<double>::infinity());

}  // namespace hone::tune
