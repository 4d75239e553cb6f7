// Plan <-> METADATA FlatBuffer (engine_format.fbs) plus WEIGHTS bytes, internal to the engine
// module. plan_encoder.cpp flattens a Plan (every graph, value, node and attribute, by index);
// plan_decoder.cpp rebuilds it from a verified buffer, checking every index, count and size.
#pragma once

#include <flatbuffers/flatbuffers.h>

#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "engine/engine_file.hpp"
#include "engine/engine_layout.hpp"
#include "engine/plan.hpp"
#include "hone/status.hpp"

namespace hone::engine::detail {

/// Subgraphs nested deeper than this are refused by both sides (the verifier, the printer
/// and the executor recurse over nesting).
inline constexpr int kMaxGraphDepth = 64;
/// Sequence/optional types nested deeper than this are refused by the writer; the reader is
/// bounded by the FlatBuffer verifier's depth limit.
inline constexpr int kMaxTypeDepth = 32;

/// A plan as its two sections: the metadata buffer, and the tensors that make up WEIGHTS
/// (pointers into the plan's tensors, valid while the plan is).
struct EncodedPlan {
  flatbuffers::DetachedBuffer metadata;
  std::vector<SectionPart> weights;
  uint64_t weights_size = 0;
};

/// Flattens `plan`. Unsupported when the plan holds something the format cannot store (a
/// subgraph held twice, a value of a graph outside the plan, nesting beyond the limits,
/// metadata over the FlatBuffer size limit).
Result<EncodedPlan> encode_plan(const Plan& plan);

/// Rebuilds a plan from a METADATA section and the WEIGHTS section it refers to (which must
/// start 64-byte aligned and stay mapped while the plan's tensors are used: they are views).
/// Checks device and CPU features against `options`, then every structure; the error is one
/// line without the file name.
Result<Plan> decode_plan(std::span<const uint8_t> metadata, std::span<const uint8_t> weights,
                         std::shared_ptr<const void> owner, const LoadOptions& options);

}  // namespace hone::engine::detail
