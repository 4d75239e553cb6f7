// Plan -> METADATA FlatBuffer + WEIGHTS parts (plan_codec.hpp). Graphs are numbered in
// pre-order (a subgraph after its parent), values graph by graph in each graph's order, so
// one global index names any value from any depth; the order is fixed, which makes the
// output deterministic: the same plan always gives the same bytes.
#include <cstring>
#include <map>
#include <unordered_map>
#include <utility>

#include "engine/plan_codec.hpp"
#include "engine_format_generated.h"

namespace hone::engine::detail {
namespace {

namespace fbs = ::flatbuffers;

// FlatBuffers addresses its buffer with 32-bit offsets (2 GiB); stop well before that.
constexpr size_t kMaxMetadataBytes = size_t{1} << 30;

uint64_t align_up(uint64_t n) { return (n + kSectionAlignment - 1) / kSectionAlignment * kSectionAlignment; }

fb::AttrType to_fb(ir::AttrType t) {
  switch (t) {
    case ir::AttrType::Float: return fb::AttrType::Float;
    case ir::AttrType::Int: return fb::AttrType::Int;
    case ir::AttrType::String: return fb::AttrType::String;
    case ir::AttrType::Tensor: return fb::AttrType::Tensor;
    case ir::AttrType::Graph: return fb::AttrType::Graph;
    case ir::AttrType::TypeProto: return fb::AttrType::TypeProto;
    case ir::AttrType::Floats: return fb::AttrType::Floats;
    case ir::AttrType::Ints: return fb::AttrType::Ints;
    case ir::AttrType::Strings: return fb::AttrType::Strings;
    case ir::AttrType::Tensors: return fb::AttrType::Tensors;
    case ir::AttrType::Graphs: return fb::AttrType::Graphs;
    case ir::AttrType::TypeProtos: return fb::AttrType::TypeProtos;
  }
  return fb::AttrType::Int;
}

fb::TypeKind to_fb(ir::TypeKind k) {
  switch (k) {
    case ir::TypeKind::Unknown: return fb::TypeKind::Unknown;
    case ir::TypeKind::Tensor: return fb::TypeKind::Tensor;
    case ir::TypeKind::Sequence: return fb::TypeKind::Sequence;
    case ir::TypeKind::Optional: return fb::TypeKind::Optional;
  }
  return fb::TypeKind::Unknown;
}

class Encoder {
 public:
  explicit Encoder(const Plan& plan) : plan_(plan) {}

  Result<EncodedPlan> run() {
    if (!plan_.graph) return unsupported("the plan has no graph");
    HONE_RETURN_IF_ERROR(number_graph(*plan_.graph, -1, 1));

    // Constants first, then attribute tensors, then packed weights: WEIGHTS follows that order.
    std::vector<fbs::Offset<fb::Value>> values;
    values.reserve(values_.size());
    for (size_t i = 0; i < values_.size(); ++i) {
      HONE_ASSIGN_OR_RETURN(auto v, value(*values_[i], value_graph_[i]));
      values.push_back(v);
    }
    std::vector<fbs::Offset<fb::Graph>> graphs;
    for (size_t i = 0; i < graphs_.size(); ++i) {
      HONE_ASSIGN_OR_RETURN(auto g, graph(*graphs_[i], graph_parent_[i]));
      graphs.push_back(g);
    }
    std::vector<fbs::Offset<fb::Layer>> layers;
    for (const Layer& l : plan_.layers) {
      HONE_ASSIGN_OR_RETURN(auto layer, this->layer(l));
      layers.push_back(layer);
    }
    std::vector<fbs::Offset<fb::OpRef>> ops;
    for (ir::OpKind k : ops_) {
      ops.push_back(fb::CreateOpRef(fbb_, fbb_.CreateSharedString(std::string(ir::domain_name(ir::op_kind_domain(k)))),
                                    fbb_.CreateSharedString(std::string(ir::op_kind_name(k)))));
    }
    std::vector<fbs::Offset<fb::InputProfile>> profiles;
    for (const InputProfile& p : plan_.profiles) {
      profiles.push_back(fb::CreateInputProfile(fbb_, fbb_.CreateString(p.name), fbb_.CreateVector(p.min),
                                                fbb_.CreateVector(p.opt), fbb_.CreateVector(p.max)));
    }
    const fb::MemorySummary memory(plan_.memory.arena_bytes, plan_.memory.activation_bytes, plan_.memory.weight_bytes,
                                   plan_.memory.workspace_bytes);
    auto root = fb::CreatePlan(fbb_, fbb_.CreateString(plan_.hone_version), fbb_.CreateString(plan_.device),
                               fbb_.CreateString(plan_.device_name), strings(plan_.required_isa), plan_.threads,
                               fbb_.CreateVector(profiles), pairs(plan_.build_options), &memory, fbb_.CreateVector(ops),
                               fbb_.CreateVector(graphs), fbb_.CreateVector(values), fbb_.CreateVector(layers),
                               plan_.device_arch.empty() ? 0 : fbb_.CreateString(plan_.device_arch));
    fb::FinishPlanBuffer(fbb_, root);
    if (fbb_.GetSize() > kMaxMetadataBytes) return too_big();
    EncodedPlan out;
    out.metadata = fbb_.Release();
    out.weights = std::move(weights_);
    out.weights_size = weights_size_;
    return out;
  }

 private:
  // Pre-order numbering of graphs and their values; refuses what the format cannot express.
  Status number_graph(const ir::Graph& g, int parent, int depth) {
    if (depth > kMaxGraphDepth) {
      return unsupported("subgraphs are nested more than " + std::to_string(kMaxGraphDepth) + " deep");
    }
    if (!graph_index_.emplace(&g, static_cast<uint32_t>(graphs_.size())).second) {
      return unsupported("graph '" + g.name() + "' is held by more than one attribute; the engine file stores each subgraph once");
    }
    const int index = static_cast<int>(graphs_.size());
    graphs_.push_back(&g);
    graph_parent_.push_back(parent);
    for (const auto& v : g.values()) {
      if (values_.size() >= static_cast<size_t>(INT32_MAX)) return unsupported("more than 2^31 values");
      value_index_.emplace(v.get(), static_cast<int32_t>(values_.size()));
      values_.push_back(v.get());
      value_graph_.push_back(static_cast<uint32_t>(index));
    }
    for (const auto& n : g.nodes()) {
      for (const ir::Graph* sub : n->subgraphs()) {
        if (sub == nullptr) {
          return unsupported("a graph attribute holds no graph").with_node(n->name(), n->op_type());
        }
        HONE_RETURN_IF_ERROR(number_graph(*sub, index, depth + 1));
      }
    }
    return Status::ok();
  }

  Status too_big() const {
    return unsupported("the plan's metadata (graph, strings) exceeds " + std::to_string(kMaxMetadataBytes >> 20) + " MiB");
  }

  fbs::Offset<fbs::Vector<fbs::Offset<fbs::String>>> strings(const std::vector<std::string>& v) {
    std::vector<fbs::Offset<fbs::String>> out;
    out.reserve(v.size());
    for (const std::string& s : v) out.push_back(fbb_.CreateString(s.data(), s.size()));
    return fbb_.CreateVector(out);
  }

  fbs::Offset<fbs::Vector<fbs::Offset<fb::StringPair>>> pairs(const std::vector<std::pair<std::string, std::string>>& v) {
    std::vector<fbs::Offset<fb::StringPair>> out;
    for (const auto& [key, value] : v) {
      out.push_back(fb::CreateStringPair(fbb_, fbb_.CreateString(key.data(), key.size()),
                                         fbb_.CreateString(value.data(), value.size())));
    }
    return fbb_.CreateVector(out);
  }

  Result<fbs::Offset<fb::Type>> type(const ir::Type& t, int depth = 1) {
    if (depth > kMaxTypeDepth) return unsupported("a type is nested more than " + std::to_string(kMaxTypeDepth) + " deep");
    fbs::Offset<fb::Type> element = 0;
    if (t.element) {
      HONE_ASSIGN_OR_RETURN(element, type(*t.element, depth + 1));
    }
    std::vector<int64_t> dims;
    bool has_symbols = false;
    for (const ir::Dim& d : t.shape.dims) {
      dims.push_back(d.value);
      has_symbols |= !d.symbol.empty();
    }
    fbs::Offset<fbs::Vector<fbs::Offset<fbs::String>>> symbols = 0;
    if (has_symbols) {
      std::vector<fbs::Offset<fbs::String>> s;
      for (const ir::Dim& d : t.shape.dims) s.push_back(fbb_.CreateSharedString(d.symbol));
      symbols = fbb_.CreateVector(s);
    }
    return fb::CreateType(fbb_, to_fb(t.kind), static_cast<uint8_t>(t.dtype), t.shape.has_rank,
                          dims.empty() ? 0 : fbb_.CreateVector(dims), symbols, element);
  }

  // Numeric bytes go to WEIGHTS, once per distinct (address, size): tensors sharing storage
  // stay shared after loading.
  uint64_t weight_offset(const void* data, uint64_t size) {
    auto [it, added] = blob_offset_.emplace(std::make_pair(data, size), 0);
    if (added) {
      it->second = align_up(weights_size_);
      weights_.push_back({data, size, it->second});
      weights_size_ = it->second + size;
    }
    return it->second;
  }

  Result<fbs::Offset<fb::Tensor>> tensor(const Tensor& t) {
    if (!t.defined()) return fb::CreateTensor(fbb_);
    auto shape = fbb_.CreateVector(t.shape());
    if (t.dtype() == DataType::String) {
      size_t bytes = 0;
      for (int64_t i = 0; i < t.numel(); ++i) bytes += t.strings()[i].size() + 8;
      if (fbb_.GetSize() + bytes > kMaxMetadataBytes) return too_big();
      std::vector<fbs::Offset<fbs::String>> s;
      s.reserve(static_cast<size_t>(t.numel()));
      for (int64_t i = 0; i < t.numel(); ++i) s.push_back(fbb_.CreateString(t.strings()[i].data(), t.strings()[i].size()));
      return fb::CreateTensor(fbb_, static_cast<uint8_t>(t.dtype()), shape, 0, 0, fbb_.CreateVector(s));
    }
    const uint64_t size = t.nbytes();
    const uint64_t offset = size > 0 ? weight_offset(t.raw(), size) : 0;
    return fb::CreateTensor(fbb_, static_cast<uint8_t>(t.dtype()), shape, offset, size);
  }

  Result<fbs::Offset<fbs::Vector<fbs::Offset<fb::Tensor>>>> tensors(const std::vector<Tensor>& v) {
    std::vector<fbs::Offset<fb::Tensor>> out;
    for (const Tensor& t : v) {
      HONE_ASSIGN_OR_RETURN(auto o, tensor(t));
      out.push_back(o);
    }
    return fbb_.CreateVector(out);
  }

  Result<fbs::Offset<fb::Value>> value(const ir::Value& v, uint32_t graph) {
    HONE_ASSIGN_OR_RETURN(auto t, type(v.type()));
    fbs::Offset<fb::Tensor> constant = 0;
    if (v.is_constant()) {
      HONE_ASSIGN_OR_RETURN(constant, tensor(v.constant()));
    }
    if (fbb_.GetSize() > kMaxMetadataBytes) return too_big();
    return fb::CreateValue(fbb_, fbb_.CreateString(v.name()), graph, t, constant);
  }

  Result<int32_t> value_ref(const ir::Value* v, const ir::Node* n) {
    if (v == nullptr) return -1;
    auto it = value_index_.find(v);
    if (it == value_index_.end()) {
      Status s = unsupported("value '" + v->name() + "' belongs to no graph of the plan");
      if (n) s.with_node(n->name(), n->op_type());
      return s;
    }
    return it->second;
  }

  uint32_t op_ref(ir::OpKind k) {
    const auto i = static_cast<size_t>(k);
    if (op_index_.size() <= i) op_index_.resize(i + 1, UINT32_MAX);
    if (op_index_[i] == UINT32_MAX) {
      op_index_[i] = static_cast<uint32_t>(ops_.size());
      ops_.push_back(k);
    }
    return op_index_[i];
  }

  Result<fbs::Offset<fb::Attribute>> attribute(const std::string& name, const ir::Attribute& a) {
    uint32_t f_bits = 0;
    fbs::Offset<fbs::String> s = 0;
    fbs::Offset<fb::Tensor> t = 0;
    uint32_t g = 0;
    fbs::Offset<fb::Type> tp = 0;
    fbs::Offset<fbs::Vector<float>> floats = 0;
    fbs::Offset<fbs::Vector<int64_t>> ints = 0;
    fbs::Offset<fbs::Vector<fbs::Offset<fbs::String>>> strs = 0;
    fbs::Offset<fbs::Vector<fbs::Offset<fb::Tensor>>> tens = 0;
    fbs::Offset<fbs::Vector<uint32_t>> graphs = 0;
    fbs::Offset<fbs::Vector<fbs::Offset<fb::Type>>> tps = 0;
    switch (a.type) {
      case ir::AttrType::Float: std::memcpy(&f_bits, &a.f, sizeof(f_bits)); break;
      case ir::AttrType::Int: break;
      case ir::AttrType::String: s = fbb_.CreateString(a.s.data(), a.s.size()); break;
      case ir::AttrType::Tensor: {
        HONE_ASSIGN_OR_RETURN(t, tensor(a.t));
        break;
      }
      case ir::AttrType::Graph: {
        auto it = graph_index_.find(a.g.get());
        if (it == graph_index_.end()) return unsupported("attribute '" + name + "' holds no graph");
        g = it->second;
        break;
      }
      case ir::AttrType::TypeProto: {
        HONE_ASSIGN_OR_RETURN(tp, type(a.tp));
        break;
      }
      case ir::AttrType::Floats: floats = fbb_.CreateVector(a.floats); break;
      case ir::AttrType::Ints: ints = fbb_.CreateVector(a.ints); break;
      case ir::AttrType::Strings: strs = strings(a.strings); break;
      case ir::AttrType::Tensors: {
        HONE_ASSIGN_OR_RETURN(tens, tensors(a.tensors));
        break;
      }
      case ir::AttrType::Graphs: {
        std::vector<uint32_t> indices;
        for (const auto& sub : a.graphs) {
          auto it = graph_index_.find(sub.get());
          if (it == graph_index_.end()) return unsupported("attribute '" + name + "' holds no graph");
          indices.push_back(it->second);
        }
        graphs = fbb_.CreateVector(indices);
        break;
      }
      case ir::AttrType::TypeProtos: {
        std::vector<fbs::Offset<fb::Type>> v;
        for (const ir::Type& x : a.tps) {
          HONE_ASSIGN_OR_RETURN(auto o, type(x));
          v.push_back(o);
        }
        tps = fbb_.CreateVector(v);
        break;
      }
    }
    return fb::CreateAttribute(fbb_, fbb_.CreateSharedString(name), to_fb(a.type), f_bits,
                               a.type == ir::AttrType::Int ? a.i : 0, s, t, g, tp, floats, ints, strs, tens, graphs, tps);
  }

  Result<fbs::Offset<fb::Node>> node(const ir::Node& n) {
    std::vector<int32_t> inputs, outputs;
    for (const ir::Value* v : n.inputs()) {
      HONE_ASSIGN_OR_RETURN(int32_t i, value_ref(v, &n));
      inputs.push_back(i);
    }
    for (const ir::Value* v : n.outputs()) {
      HONE_ASSIGN_OR_RETURN(int32_t i, value_ref(v, &n));
      outputs.push_back(i);
    }
    std::vector<fbs::Offset<fb::Attribute>> attrs;
    for (const auto& [name, a] : n.attrs().items()) {
      auto o = attribute(name, a);
      if (!o.is_ok()) return Status(o.status()).with_node(n.name(), n.op_type());
      attrs.push_back(o.value());
    }
    return fb::CreateNode(fbb_, op_ref(n.kind()), fbb_.CreateSharedString(n.op_type()), fbb_.CreateSharedString(n.domain()),
                          fbb_.CreateString(n.name()), n.opset(), fbb_.CreateVector(inputs), fbb_.CreateVector(outputs),
                          fbb_.CreateVector(attrs));
  }

  Result<fbs::Offset<fb::Graph>> graph(const ir::Graph& g, int parent) {
    std::vector<fbs::Offset<fb::Node>> nodes;
    nodes.reserve(g.nodes().size());
    for (const auto& n : g.nodes()) {
      HONE_ASSIGN_OR_RETURN(auto o, node(*n));
      nodes.push_back(o);
      if (fbb_.GetSize() > kMaxMetadataBytes) return too_big();
    }
    std::vector<uint32_t> inputs;
    for (const ir::Value* v : g.inputs()) {
      HONE_ASSIGN_OR_RETURN(int32_t i, value_ref(v, nullptr));
      if (i < 0) return unsupported("graph '" + g.name() + "' has an empty input");
      inputs.push_back(static_cast<uint32_t>(i));
    }
    std::vector<int32_t> outputs;
    for (const ir::Value* v : g.outputs()) {
      HONE_ASSIGN_OR_RETURN(int32_t i, value_ref(v, nullptr));
      outputs.push_back(i);
    }
    std::vector<fbs::Offset<fb::OpsetImport>> opsets;
    for (const auto& [domain, version] : g.opsets()) {
      opsets.push_back(fb::CreateOpsetImport(fbb_, fbb_.CreateString(domain), version));
    }
    return fb::CreateGraph(fbb_, fbb_.CreateString(g.name()), parent, fbb_.CreateVector(inputs), fbb_.CreateVector(outputs),
                           fbb_.CreateVector(nodes), pairs(g.metadata()), fbb_.CreateVector(opsets));
  }

  Result<fbs::Offset<fb::Layer>> layer(const Layer& l) {
    HONE_ASSIGN_OR_RETURN(auto packed, tensors(l.packed));
    std::vector<fbs::Offset<fb::TacticTiming>> timings;
    for (const TacticTiming& t : l.timings) {
      timings.push_back(fb::CreateTacticTiming(fbb_, fbb_.CreateSharedString(t.tactic), t.ms));
    }
    return fb::CreateLayer(fbb_, fbb_.CreateSharedString(l.tactic), static_cast<uint8_t>(l.precision), packed,
                           l.workspace_bytes, fbb_.CreateVector(timings));
  }

  const Plan& plan_;
  fbs::FlatBufferBuilder fbb_{1 << 16};
  std::vector<const ir::Graph*> graphs_;
  std::vector<int> graph_parent_;
  std::unordered_map<const ir::Graph*, uint32_t> graph_index_;
  std::vector<const ir::Value*> values_;
  std::vector<uint32_t> value_graph_;
  std::unordered_map<const ir::Value*, int32_t> value_index_;
  std::vector<ir::OpKind> ops_;
  std::vector<uint32_t> op_index_;
  std::map<std::pair<const void*, uint64_t>, uint64_t> blob_offset_;
  std::vector<SectionPart> weights_;
  uint64_t weights_size_ = 0;
};

}  // namespace

Result<EncodedPlan> encode_plan(const Plan& plan) { return Encoder(plan).run(); }

}  // namespace hone::engine::detail
