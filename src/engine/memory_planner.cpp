// Liveness-based arena placement (memory_planner.hpp). Greedy by size: the largest buffers
// are placed first, each at the lowest aligned offset that does not overlap any already
// placed buffer whose lifetime intersects its own.
#include "engine/memory_planner.hpp"

#include <algorithm>
#include <map>

#include "core/data_type.hpp"
#include "core/tensor.hpp"

namespace hone::engine {
namespace {

uint64_t align_up(uint64_t v, uint64_t a) { return (v + a - 1) / a * a; }

struct Alias {
  const ir::Value* parent = nullptr;
  uint64_t offset = 0;
};

}  // namespace

bool is_view_op(ir::OpKind kind) {
  switch (kind) {
    case ir::OpKind::Reshape:
    case ir::OpKind::Flatten:
    case ir::OpKind::Squeeze:
    case ir::OpKind::Unsqueeze:
    case ir::OpKind::Identity:
      return true;
    default:
      return false;
  }
}

namespace {

// The node's axis attribute (default 0) normalized for `rank`, or -1.
int64_t axis_of(const ir::Node& n, int64_t rank) {
  const ir::Attribute* a = n.attrs().find("axis");
  int64_t axis = a ? a->i : 0;
  if (axis < 0) axis += rank;
  return axis >= 0 && axis < rank ? axis : -1;
}

// Whether a Split's outputs can be views of its input: every output planned, every dimension
// before the axis 1, and the outputs' bytes adding up to the input's.
template <class InfoMap>
bool split_is_view(const ir::Node& n, const TypeLookup& type_of, const InfoMap& info) {
  const ir::Value* in = n.input(0);
  if (!in || !info.count(in) || n.num_outputs() == 0) return false;
  const ir::Type* t = type_of(in);
  const Shape shape = t->shape.to_static();
  const int64_t axis = axis_of(n, static_cast<int64_t>(shape.size()));
  if (axis < 0) return false;
  for (int64_t d = 0; d < axis; ++d) {
    if (shape[static_cast<size_t>(d)] != 1) return false;
  }
  uint64_t total = 0;
  for (const ir::Value* out : n.outputs()) {
    if (!out || !info.count(out)) return false;
    total += info.at(out).bytes;
  }
  return total == info.at(in).bytes;
}

}  // namespace

Result<MemoryPlan> plan_memory(const ir::Graph& g, const TypeLookup& type_of, const PlannerOptions& options) {
  const auto& nodes = g.nodes();
  const int num_nodes = static_cast<int>(nodes.size());
  MemoryPlan plan;
  plan.elided.assign(nodes.size(), false);

  // 1. Which values are planned, with their size, definition and last use.
  struct Info {
    uint64_t bytes = 0;
    int def = 0;
    int last = 0;
    int uses = 0;
  };
  std::map<const ir::Value*, Info> info;  // ordered by address only for lookup; order below is by def
  std::vector<const ir::Value*> planned;  // in definition order
  for (int i = 0; i < num_nodes; ++i) {
    for (const ir::Value* v : nodes[i]->outputs()) {
      if (!v || options.external.count(v)) continue;
      const ir::Type* t = type_of(v);
      if (!t || !t->is_tensor() || !t->shape.is_static() || t->dtype == DataType::String ||
          t->dtype == DataType::Undefined) {
        continue;
      }
      Info in;
      in.bytes = static_cast<uint64_t>(shape_numel(t->shape.to_static())) * dtype_size(t->dtype);
      in.def = in.last = i;
      info[v] = in;
      planned.push_back(v);
    }
  }
  for (int i = 0; i < num_nodes; ++i) {
    const ir::Node& n = *nodes[i];
    std::vector<const ir::Value*> reads(n.inputs().begin(), n.inputs().end());
    for (const ir::Graph* sub : n.subgraphs()) {
      for (const ir::Value* v : ir::captured_values(*sub, &g)) reads.push_back(v);
    }
    for (const ir::Value* v : reads) {
      auto it = v ? info.find(v) : info.end();
      if (it == info.end()) continue;
      it->second.last = std::max(it->second.last, i);
      ++it->second.uses;
    }
  }
  // Outputs of the graph are external; a planned value that is also read by a graph output
  // of a subgraph was covered by captures above.

  // 2. Aliases. A value aliased to a parent lives inside the parent's bytes.
  std::unordered_map<const ir::Value*, Alias> alias;
  auto root_of = [&](const ir::Value* v, uint64_t* offset) {
    uint64_t off = 0;
    for (auto it = alias.find(v); it != alias.end(); it = alias.find(v)) {
      off += it->second.offset;
      v = it->second.parent;
    }
    if (offset) *offset = off;
    return v;
  };
  for (int i = 0; i < num_nodes; ++i) {
    const ir::Node& n = *nodes[i];
    if (options.alias_views && is_view_op(n.kind()) && n.num_outputs() == 1 && n.input(0) &&
        info.count(n.input(0)) && info.count(n.output(0)) && info[n.input(0)].bytes == info[n.output(0)].bytes) {
      alias[n.output(0)] = {n.input(0), 0};
      plan.elided[static_cast<size_t>(i)] = true;  // the output is the input's bytes already
      continue;
    }
    if (options.alias_views && n.kind() == ir::OpKind::Split && split_is_view(n, type_of, info)) {
      // Every dimension before the axis is 1: the outputs are consecutive byte ranges of the
      // input, in order.
      uint64_t offset = 0;
      for (const ir::Value* out : n.outputs()) {
        alias[out] = {n.input(0), offset};
        offset += info[out].bytes;
      }
      plan.elided[static_cast<size_t>(i)] = true;
      continue;
    }
    if (!options.concat_in_place || n.kind() != ir::OpKind::Concat || !info.count(n.output(0))) continue;
    // Slices of the output are contiguous only when every dimension before the axis is 1.
    const Shape out_shape = type_of(n.output(0))->shape.to_static();
    if (!n.attrs().find("axis")) continue;  // required by Concat
    const int64_t axis = axis_of(n, static_cast<int64_t>(out_shape.size()));
    if (axis < 0) continue;
    bool leading = true;
    for (int64_t d = 0; d < axis; ++d) leading &= out_shape[static_cast<size_t>(d)] == 1;
    if (!leading) continue;
    bool eligible = n.num_inputs() > 0;
    std::unordered_set<const ir::Value*> seen;
    for (const ir::Value* in : n.inputs()) {
      // Each input: produced by a layer into the arena, not already placed inside another
      // value (a view, a Split part, another Concat's input), and not given twice. Other
      // readers are fine: nothing writes a slice twice, and the buffer lives until the last
      // reader of any member. An input that holds others (an earlier Concat, DenseNet's
      // growing feature maps) moves into this output with them.
      if (!in || !info.count(in) || alias.count(in) || !seen.insert(in).second) {
        eligible = false;
        break;
      }
    }
    if (!eligible) continue;
    uint64_t offset = 0;
    for (const ir::Value* in : n.inputs()) {
      alias[in] = {n.output(0), offset};
      offset += info[in].bytes;
    }
    plan.elided[static_cast<size_t>(i)] = true;
  }

  // 3. One buffer per root; its lifetime spans every member's.
  struct Buffer {
    const ir::Value* root;
    uint64_t bytes;
    int first, last;
    uint64_t offset = 0;
  };
  std::vector<Buffer> buffers;
  std::unordered_map<const ir::Value*, size_t> buffer_of;
  for (const ir::Value* v : planned) {
    const ir::Value* r = root_of(v, nullptr);
    if (r != v) continue;
    buffer_of[v] = buffers.size();
    buffers.push_back({v, align_up(info[v].bytes, options.alignment), info[v].def, info[v].last});
  }
  for (const ir::Value* v : planned) {
    Buffer& b = buffers[buffer_of[root_of(v, nullptr)]];
    b.first = std::min(b.first, info[v].def);
    b.last = std::max(b.last, info[v].last);
  }
  // The elided Concat's producers run before the Concat's position: the group starts at
  // the earliest producer (handled by the min above).

  std::vector<size_t> order(buffers.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) { return buffers[a].bytes > buffers[b].bytes; });
  std::vector<size_t> placed;
  for (size_t idx : order) {
    Buffer& b = buffers[idx];
    std::vector<std::pair<uint64_t, uint64_t>> busy;  // [offset, end) of overlapping-lifetime buffers
    for (size_t p : placed) {
      const Buffer& o = buffers[p];
      if (o.first <= b.last && b.first <= o.last) busy.emplace_back(o.offset, o.offset + o.bytes);
    }
    std::sort(busy.begin(), busy.end());
    uint64_t candidate = 0;
    for (const auto& [start, end] : busy) {
      if (candidate + b.bytes <= start) break;
      candidate = std::max(candidate, align_up(end, options.alignment));
    }
    b.offset = candidate;
    placed.push_back(idx);
    plan.arena_bytes = std::max(plan.arena_bytes, b.offset + b.bytes);
    plan.activation_bytes += b.bytes;
  }
  for (const ir::Value* v : planned) {
    uint64_t off = 0;
    const ir::Value* r = root_of(v, &off);
    plan.offsets[v] = buffers[buffer_of[r]].offset + off;
  }
  return plan;
}

}  // namespace hone::engine
