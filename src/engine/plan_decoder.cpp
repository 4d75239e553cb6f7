// METADATA FlatBuffer + WEIGHTS -> Plan (plan_codec.hpp). The FlatBuffer verifier proves
// every offset lands inside the buffer; everything it cannot know is checked here: indices,
// counts, enum values, dtypes, shapes, tensor sizes and their place in WEIGHTS, the graph
// tree, operator names, and finally ir::verify_graph and ops::validate_node on the result.
#include <algorithm>
#include <cstring>
#include <limits>
#include <memory>
#include <string>

#include "backends/backend.hpp"
#include "core/cpu_features.hpp"
#include "engine/plan_codec.hpp"
#include "engine_format_generated.h"
#include "ops/op_def.hpp"

namespace hone::engine::detail {
namespace {

namespace fbs = ::flatbuffers;

Status corrupt(const std::string& m) { return invalid_model(m); }

std::string str(const fbs::String* s) { return s ? s->str() : std::string(); }

// NOTE: the verifier checks that a vector's 4-byte length is aligned, not that 8-byte
// elements after it are: a damaged offset can leave int64 elements misaligned (undefined
// behaviour to read), so every int64 vector with elements is checked before it is read
// (an empty one may legitimately sit at any 4-byte boundary).
bool aligned(const fbs::Vector<int64_t>* v) {
  return v == nullptr || v->size() == 0 || reinterpret_cast<uintptr_t>(v->data()) % alignof(int64_t) == 0;
}

Shape to_shape(const fbs::Vector<int64_t>* v) { return v ? Shape(v->begin(), v->end()) : Shape(); }

template <class T>
uint32_t count(const fbs::Vector<T>* v) {
  return v ? v->size() : 0;
}

// Shape of a stored tensor: every dim >= 0 and numel * element size representable.
Result<int64_t> checked_numel(const fbs::Vector<int64_t>* shape, size_t element_size, const std::string& what) {
  constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
  if (!aligned(shape)) return corrupt(what + " has a misaligned shape");
  int64_t numel = 1;
  for (uint32_t i = 0; i < count(shape); ++i) {
    const int64_t d = shape->Get(i);
    if (d < 0) return corrupt(what + " has negative dimension " + std::to_string(d));
    if (d != 0 && numel > kMax / d) return corrupt(what + ": size overflow in its shape");
    numel *= d;
  }
  if (numel > kMax / static_cast<int64_t>(element_size)) return corrupt(what + ": size overflow in its shape");
  return numel;
}

// Bool and sub-byte integers are held one element per byte; other bytes would be invalid
// values (undefined behaviour for bool) in every kernel that reads them.
bool valid_elements(DataType dtype, const uint8_t* p, int64_t n) {
  int lo = 0, hi = 255;
  switch (dtype) {
    case DataType::Bool: hi = 1; break;
    case DataType::UInt4: hi = UInt4::kMax; break;
    case DataType::UInt2: hi = UInt2::kMax; break;
    case DataType::Int4: lo = Int4::kMin; hi = Int4::kMax; break;
    case DataType::Int2: lo = Int2::kMin; hi = Int2::kMax; break;
    default: return true;
  }
  const bool is_signed = lo < 0;
  for (int64_t i = 0; i < n; ++i) {
    const int v = is_signed ? static_cast<int>(static_cast<int8_t>(p[i])) : static_cast<int>(p[i]);
    if (v < lo || v > hi) return false;
  }
  return true;
}

ir::AttrType to_ir(fb::AttrType t) {
  switch (t) {
    case fb::AttrType::Float: return ir::AttrType::Float;
    case fb::AttrType::Int: return ir::AttrType::Int;
    case fb::AttrType::String: return ir::AttrType::String;
    case fb::AttrType::Tensor: return ir::AttrType::Tensor;
    case fb::AttrType::Graph: return ir::AttrType::Graph;
    case fb::AttrType::TypeProto: return ir::AttrType::TypeProto;
    case fb::AttrType::Floats: return ir::AttrType::Floats;
    case fb::AttrType::Ints: return ir::AttrType::Ints;
    case fb::AttrType::Strings: return ir::AttrType::Strings;
    case fb::AttrType::Tensors: return ir::AttrType::Tensors;
    case fb::AttrType::Graphs: return ir::AttrType::Graphs;
    case fb::AttrType::TypeProtos: return ir::AttrType::TypeProtos;
  }
  return ir::AttrType::Int;
}

class Decoder {
 public:
  Decoder(const fb::Plan& root, std::span<const uint8_t> weights, std::shared_ptr<const void> owner)
      : root_(root), weights_(weights), owner_(std::move(owner)) {}

  Result<Plan> run(const LoadOptions& options) {
    Plan plan;
    plan.hone_version = str(root_.hone_version());
    plan.device = str(root_.device());
    plan.device_name = str(root_.device_name());
    plan.device_arch = str(root_.device_arch());
    for (uint32_t i = 0; i < count(root_.required_isa()); ++i) plan.required_isa.push_back(str(root_.required_isa()->Get(i)));
    // Can this process run it at all? Answered before the graph is rebuilt.
    if (plan.device != options.device) {
      return unsupported("engine was built for device '" + plan.device + "'; this process runs on '" + options.device +
                         "'" + (plan.device == "cpu" ? "" : " (run it with --device " + plan.device + ")"));
    }
    if (plan.device != "cpu") {
      // A device backend: present in this build, a device there, and the architecture the
      // engine's machine code and tuned choices are for.
      HONE_ASSIGN_OR_RETURN(const Backend* backend, find_backend(plan.device));
      HONE_RETURN_IF_ERROR(backend->check_available());
      HONE_RETURN_IF_ERROR(backend->check_engine_target(plan.device_arch, plan.device_name));
    }
    const CpuFeatures& cpu = options.cpu ? *options.cpu : CpuFeatures::host();
    const std::vector<std::string> missing = cpu.missing(plan.required_isa);
    if (!missing.empty()) {
      std::string names;
      for (const std::string& m : missing) names += (names.empty() ? "" : ", ") + m;
      return unsupported("engine needs CPU features this CPU lacks: " + names + " (it was built on '" + plan.device_name +
                         "'); rebuild it here with `hone build`");
    }
    plan.threads = root_.threads();
    if (plan.threads < 0) return corrupt("thread count " + std::to_string(plan.threads) + " out of range");
    for (uint32_t i = 0; i < count(root_.build_options()); ++i) {
      const fb::StringPair* p = root_.build_options()->Get(i);
      plan.build_options.emplace_back(str(p->key()), str(p->value()));
    }
    if (const fb::MemorySummary* m = root_.memory()) {
      plan.memory = {m->arena_bytes(), m->activation_bytes(), m->weight_bytes(), m->workspace_bytes()};
    }
    HONE_RETURN_IF_ERROR(resolve_ops());
    HONE_RETURN_IF_ERROR(make_graphs());
    HONE_RETURN_IF_ERROR(make_values());
    for (uint32_t i = 0; i < graphs_.size(); ++i) HONE_RETURN_IF_ERROR(fill_graph(i));
    for (uint32_t i = 1; i < graphs_.size(); ++i) {
      if (!claimed_[i]) return corrupt("graph " + std::to_string(i) + " ('" + graphs_[i]->name() + "') is held by no node");
    }
    HONE_RETURN_IF_ERROR(ir::verify_graph(*graphs_[0]));
    plan.graph = graphs_[0];

    const uint32_t n_layers = count(root_.layers());
    if (n_layers != plan.graph->nodes().size()) {
      return corrupt(std::to_string(n_layers) + " layers for " + std::to_string(plan.graph->nodes().size()) +
                     " nodes in the graph (one layer per node expected)");
    }
    for (uint32_t i = 0; i < n_layers; ++i) {
      HONE_ASSIGN_OR_RETURN(Layer l, layer(*root_.layers()->Get(i), "layer " + std::to_string(i)));
      plan.layers.push_back(std::move(l));
    }
    for (uint32_t i = 0; i < count(root_.profiles()); ++i) {
      HONE_ASSIGN_OR_RETURN(InputProfile p, profile(*root_.profiles()->Get(i), *plan.graph));
      plan.profiles.push_back(std::move(p));
    }
    return plan;
  }

 private:
  Status resolve_ops() {
    std::string unknown;
    int n_unknown = 0;
    for (uint32_t i = 0; i < count(root_.ops()); ++i) {
      const fb::OpRef* ref = root_.ops()->Get(i);
      const std::string domain = str(ref->domain()), name = str(ref->name());
      ir::OpKind kind{};
      if (!ir::find_op_kind(domain, name, &kind)) {
        unknown += (n_unknown++ ? ", '" : "'") + (domain.empty() ? name : domain + "::" + name) + "'";
      }
      ops_.push_back(kind);
    }
    if (n_unknown > 0) {
      return unsupported(std::string(n_unknown == 1 ? "unknown operator " : "unknown operators ") + unknown +
                         ": this build of Hone does not implement " + (n_unknown == 1 ? "it" : "them"));
    }
    return Status::ok();
  }

  Status make_graphs() {
    const uint32_t n = count(root_.graphs());
    if (n == 0) return corrupt("the plan has no graph");
    std::vector<int> depth(n, 1);
    for (uint32_t i = 0; i < n; ++i) {
      const fb::Graph* g = root_.graphs()->Get(i);
      const int parent = g->parent();
      ir::Graph* parent_graph = nullptr;
      if (i == 0) {
        if (parent != -1) return corrupt("graph 0 has parent " + std::to_string(parent) + " (it is the top level)");
      } else {
        // Parents come first, so the graphs form a tree and nesting is bounded.
        if (parent < 0 || static_cast<uint32_t>(parent) >= i) {
          return corrupt("graph " + std::to_string(i) + " has parent index " + std::to_string(parent) + " out of range");
        }
        depth[i] = depth[static_cast<size_t>(parent)] + 1;
        if (depth[i] > kMaxGraphDepth) {
          return corrupt("subgraphs are nested more than " + std::to_string(kMaxGraphDepth) + " deep");
        }
        parent_graph = graphs_[static_cast<size_t>(parent)].get();
      }
      graphs_.push_back(std::make_shared<ir::Graph>(str(g->name()), parent_graph));
      parents_.push_back(parent);
    }
    claimed_.assign(n, false);
    return Status::ok();
  }

  Status make_values() {
    const uint32_t n = count(root_.values());
    if (n > static_cast<uint32_t>(std::numeric_limits<int32_t>::max())) return corrupt("too many values");
    values_.reserve(n);
    for (uint32_t i = 0; i < n; ++i) {
      const fb::Value* v = root_.values()->Get(i);
      const std::string what = "value " + std::to_string(i) + " ('" + str(v->name()) + "')";
      if (v->graph() >= graphs_.size()) {
        return corrupt(what + " has graph index " + std::to_string(v->graph()) + " out of range");
      }
      HONE_ASSIGN_OR_RETURN(ir::Type t, type(v->type(), what));
      HONE_ASSIGN_OR_RETURN(Tensor c, tensor(v->constant(), what + " constant"));
      ir::Value* value = graphs_[v->graph()]->add_value(str(v->name()), std::move(t));
      if (c.defined()) value->set_constant(std::move(c));
      values_.push_back(value);
    }
    return Status::ok();
  }

  // The recursion follows element types; the verifier bounds its depth.
  Result<ir::Type> type(const fb::Type* t, const std::string& what) {
    ir::Type out;
    if (t == nullptr) return out;
    const auto kind = static_cast<uint8_t>(t->kind());
    if (kind > static_cast<uint8_t>(fb::TypeKind::Optional)) return corrupt(what + " has type kind " + std::to_string(kind) + " out of range");
    if (t->dtype() > kMaxDataType) return corrupt(what + " has invalid element type " + std::to_string(t->dtype()));
    out.kind = static_cast<ir::TypeKind>(kind);
    out.dtype = static_cast<DataType>(t->dtype());
    out.shape.has_rank = t->has_rank();
    if (!aligned(t->dims())) return corrupt(what + " has misaligned dimensions");
    const uint32_t rank = count(t->dims());
    if (t->dim_symbols() && t->dim_symbols()->size() != rank) {
      return corrupt(what + " has " + std::to_string(t->dim_symbols()->size()) + " dimension symbols for rank " +
                     std::to_string(rank));
    }
    out.shape.dims.resize(rank);
    for (uint32_t d = 0; d < rank; ++d) {
      out.shape.dims[d].value = t->dims()->Get(d);
      if (t->dim_symbols()) out.shape.dims[d].symbol = str(t->dim_symbols()->Get(d));
    }
    if (t->element()) {
      HONE_ASSIGN_OR_RETURN(ir::Type element, type(t->element(), what));
      out.element = std::make_shared<const ir::Type>(std::move(element));
    }
    return out;
  }

  Result<Tensor> tensor(const fb::Tensor* t, const std::string& what) {
    if (t == nullptr) return Tensor{};
    const uint8_t raw = t->dtype();
    if (raw == 0) {
      if (count(t->shape()) || t->size() || t->offset() || count(t->strings())) {
        return corrupt(what + " has no element type but holds data");
      }
      return Tensor{};
    }
    if (!is_valid_dtype(raw)) return corrupt(what + " has invalid element type " + std::to_string(raw));
    const auto dtype = static_cast<DataType>(raw);
    const size_t element_size = dtype == DataType::String ? 1 : dtype_size(dtype);
    HONE_ASSIGN_OR_RETURN(int64_t numel, checked_numel(t->shape(), element_size, what));
    Shape shape = to_shape(t->shape());
    if (dtype == DataType::String) {
      if (numel != count(t->strings()) || t->size() != 0) {
        return corrupt(what + " of shape " + shape_to_string(shape) + " holds " + std::to_string(count(t->strings())) +
                       " strings");
      }
      HONE_ASSIGN_OR_RETURN(Tensor out, Tensor::create(dtype, shape));
      for (int64_t i = 0; i < numel; ++i) out.strings()[i] = str(t->strings()->Get(static_cast<uint32_t>(i)));
      return out;
    }
    if (count(t->strings()) != 0) return corrupt(what + " is numeric but holds strings");
    const auto bytes = static_cast<uint64_t>(numel) * element_size;
    const std::string desc = what + " (" + std::string(dtype_name(dtype)) + shape_to_string(shape) + ")";
    if (t->size() != bytes) {
      return corrupt(desc + " records " + std::to_string(t->size()) + " bytes; its shape needs " + std::to_string(bytes));
    }
    if (t->offset() % kSectionAlignment != 0) {
      return corrupt(desc + " starts at WEIGHTS offset " + std::to_string(t->offset()) + ", not a multiple of " +
                     std::to_string(kSectionAlignment));
    }
    if (t->offset() > weights_.size() || bytes > weights_.size() - t->offset()) {
      return corrupt(desc + ": bytes " + std::to_string(t->offset()) + " + " + std::to_string(bytes) +
                     " do not fit the WEIGHTS section (" + std::to_string(weights_.size()) + " bytes)");
    }
    if (bytes == 0) return Tensor::create(dtype, std::move(shape));
    const uint8_t* data = weights_.data() + t->offset();
    if (!valid_elements(dtype, data, numel)) return corrupt(desc + " holds values outside its element type's range");
    // A view into the (private, writable) mapping: zero copy; the view keeps the mapping alive.
    return Tensor::wrap(dtype, std::move(shape), const_cast<uint8_t*>(data), owner_);
  }

  Result<std::vector<Tensor>> tensors(const fbs::Vector<fbs::Offset<fb::Tensor>>* v, const std::string& what) {
    std::vector<Tensor> out;
    for (uint32_t i = 0; i < count(v); ++i) {
      HONE_ASSIGN_OR_RETURN(Tensor t, tensor(v->Get(i), what + " tensor " + std::to_string(i)));
      out.push_back(std::move(t));
    }
    return out;
  }

  // A GRAPH(S) attribute of a node of graph `owner` may only hold a child of `owner`, once.
  Result<std::shared_ptr<ir::Graph>> claim_graph(uint32_t index, uint32_t owner, const std::string& what) {
    if (index == 0 || index >= graphs_.size() || parents_[index] != static_cast<int>(owner) || claimed_[index]) {
      return corrupt(what + " refers to graph " + std::to_string(index) +
                     ", which is out of range, not a subgraph of this graph, or already held");
    }
    claimed_[index] = true;
    return graphs_[index];
  }

  Result<ir::Attribute> attribute(const fb::Attribute& a, uint32_t owner, const std::string& what) {
    const auto raw = static_cast<uint8_t>(a.type());
    if (raw > static_cast<uint8_t>(fb::AttrType::TypeProtos)) {
      return corrupt(what + " has attribute type " + std::to_string(raw) + " out of range");
    }
    ir::Attribute out;
    out.type = to_ir(a.type());
    switch (out.type) {
      case ir::AttrType::Float: {
        const uint32_t bits = a.f();
        std::memcpy(&out.f, &bits, sizeof(bits));
        break;
      }
      case ir::AttrType::Int: out.i = a.i(); break;
      case ir::AttrType::String: out.s = str(a.s()); break;
      case ir::AttrType::Tensor: {
        HONE_ASSIGN_OR_RETURN(out.t, tensor(a.t(), what));
        break;
      }
      case ir::AttrType::Graph: {
        HONE_ASSIGN_OR_RETURN(out.g, claim_graph(a.g(), owner, what));
        break;
      }
      case ir::AttrType::TypeProto: {
        HONE_ASSIGN_OR_RETURN(out.tp, type(a.tp(), what));
        break;
      }
      case ir::AttrType::Floats:
        if (a.floats()) out.floats.assign(a.floats()->begin(), a.floats()->end());
        break;
      case ir::AttrType::Ints:
        if (!aligned(a.ints())) return corrupt(what + " has misaligned integers");
        if (a.ints()) out.ints.assign(a.ints()->begin(), a.ints()->end());
        break;
      case ir::AttrType::Strings:
        for (uint32_t i = 0; i < count(a.strings()); ++i) out.strings.push_back(str(a.strings()->Get(i)));
        break;
      case ir::AttrType::Tensors: {
        HONE_ASSIGN_OR_RETURN(out.tensors, tensors(a.tensors(), what));
        break;
      }
      case ir::AttrType::Graphs:
        for (uint32_t i = 0; i < count(a.graphs()); ++i) {
          HONE_ASSIGN_OR_RETURN(auto g, claim_graph(a.graphs()->Get(i), owner, what));
          out.graphs.push_back(std::move(g));
        }
        break;
      case ir::AttrType::TypeProtos:
        for (uint32_t i = 0; i < count(a.tps()); ++i) {
          HONE_ASSIGN_OR_RETURN(ir::Type t, type(a.tps()->Get(i), what));
          out.tps.push_back(std::move(t));
        }
        break;
    }
    return out;
  }

  Result<ir::Value*> value_ref(int32_t index, const std::string& what) {
    if (index == -1) return static_cast<ir::Value*>(nullptr);
    if (index < 0 || static_cast<uint32_t>(index) >= values_.size()) {
      return corrupt(what + " refers to value " + std::to_string(index) + " out of range (" +
                     std::to_string(values_.size()) + " values)");
    }
    return values_[static_cast<size_t>(index)];
  }

  bool is_self_or_ancestor(const ir::Graph* candidate, const ir::Graph* g) const {
    for (; g; g = g->parent()) {
      if (g == candidate) return true;
    }
    return false;
  }

  Status fill_graph(uint32_t index) {
    const fb::Graph& fg = *root_.graphs()->Get(index);
    ir::Graph& g = *graphs_[index];
    const std::string gwhat = "graph " + std::to_string(index) + " ('" + g.name() + "')";
    for (uint32_t i = 0; i < count(fg.nodes()); ++i) {
      const fb::Node& fn = *fg.nodes()->Get(i);
      const std::string what = gwhat + " node " + std::to_string(i) + " ('" + str(fn.name()) + "')";
      if (fn.op() >= ops_.size()) return corrupt(what + " has operator index " + std::to_string(fn.op()) + " out of range");
      std::vector<ir::Value*> inputs, outputs;
      for (uint32_t k = 0; k < count(fn.inputs()); ++k) {
        HONE_ASSIGN_OR_RETURN(ir::Value * v, value_ref(fn.inputs()->Get(k), what));
        inputs.push_back(v);
      }
      for (uint32_t k = 0; k < count(fn.outputs()); ++k) {
        HONE_ASSIGN_OR_RETURN(ir::Value * v, value_ref(fn.outputs()->Get(k), what));
        if (v && v->graph() != &g) return corrupt(what + " writes value '" + v->name() + "' of another graph");
        outputs.push_back(v);
      }
      ir::Attributes attrs;
      for (uint32_t k = 0; k < count(fn.attributes()); ++k) {
        const fb::Attribute& fa = *fn.attributes()->Get(k);
        const std::string name = str(fa.name());
        if (attrs.has(name)) return corrupt(what + " has attribute '" + name + "' twice");
        HONE_ASSIGN_OR_RETURN(ir::Attribute a, attribute(fa, index, what + " attribute '" + name + "'"));
        attrs.set(name, std::move(a));
      }
      ir::Node* n = g.add_node(ops_[fn.op()], str(fn.op_type()), str(fn.domain()), str(fn.name()), fn.opset(),
                               std::move(inputs), std::move(outputs), std::move(attrs));
      HONE_RETURN_IF_ERROR(ops::validate_node(*n));
    }
    for (uint32_t k = 0; k < count(fg.inputs()); ++k) {
      const uint32_t vi = fg.inputs()->Get(k);
      if (vi >= values_.size() || values_[vi]->graph() != &g) {
        return corrupt(gwhat + " input " + std::to_string(k) + " refers to value " + std::to_string(vi) +
                       ", which is out of range or of another graph");
      }
      g.add_input(values_[vi]);
    }
    for (uint32_t k = 0; k < count(fg.outputs()); ++k) {
      HONE_ASSIGN_OR_RETURN(ir::Value * v, value_ref(fg.outputs()->Get(k), gwhat + " output " + std::to_string(k)));
      if (v && !is_self_or_ancestor(v->graph(), &g)) {
        return corrupt(gwhat + " output '" + v->name() + "' is a value of an unrelated graph");
      }
      g.add_output(v);
    }
    for (uint32_t k = 0; k < count(fg.metadata_props()); ++k) {
      const fb::StringPair* p = fg.metadata_props()->Get(k);
      g.metadata().emplace_back(str(p->key()), str(p->value()));
    }
    for (uint32_t k = 0; k < count(fg.opset_imports()); ++k) {
      const fb::OpsetImport* o = fg.opset_imports()->Get(k);
      if (!g.opsets().emplace(str(o->domain()), o->version()).second) {
        return corrupt(gwhat + " imports domain '" + str(o->domain()) + "' twice");
      }
    }
    return Status::ok();
  }

  Result<Layer> layer(const fb::Layer& fl, const std::string& what) {
    Layer l;
    l.tactic = str(fl.tactic());
    // Undefined (0): a layer without a numeric precision (sequences, values of unknown type).
    if (fl.precision() != 0 && !is_valid_dtype(fl.precision())) {
      return corrupt(what + " has invalid precision " + std::to_string(fl.precision()));
    }
    l.precision = static_cast<DataType>(fl.precision());
    HONE_ASSIGN_OR_RETURN(l.packed, tensors(fl.packed(), what + " packed"));
    l.workspace_bytes = fl.workspace_bytes();
    for (uint32_t i = 0; i < count(fl.timings()); ++i) {
      const fb::TacticTiming* t = fl.timings()->Get(i);
      l.timings.push_back({str(t->tactic()), t->ms()});
    }
    return l;
  }

  Result<InputProfile> profile(const fb::InputProfile& fp, const ir::Graph& top) {
    InputProfile p;
    p.name = str(fp.name());
    const std::string what = "input profile '" + p.name + "'";
    const auto& inputs = top.inputs();
    if (std::none_of(inputs.begin(), inputs.end(), [&](const ir::Value* v) { return v->name() == p.name; })) {
      return corrupt(what + " names no input of the graph");
    }
    if (!aligned(fp.min()) || !aligned(fp.opt()) || !aligned(fp.max())) return corrupt(what + " has misaligned shapes");
    p.min = to_shape(fp.min());
    p.opt = to_shape(fp.opt());
    p.max = to_shape(fp.max());
    if (p.min.size() != p.opt.size() || p.opt.size() != p.max.size()) {
      return corrupt(what + " has min, opt and max of different ranks");
    }
    for (size_t d = 0; d < p.min.size(); ++d) {
      if (p.min[d] < 0 || p.min[d] > p.opt[d] || p.opt[d] > p.max[d]) {
        return corrupt(what + " dimension " + std::to_string(d) + " breaks 0 <= min <= opt <= max");
      }
    }
    return p;
  }

  const fb::Plan& root_;
  std::span<const uint8_t> weights_;
  std::shared_ptr<const void> owner_;  // what keeps `weights_` alive
  std::vector<ir::OpKind> ops_;
  std::vector<std::shared_ptr<ir::Graph>> graphs_;
  std::vector<int> parents_;
  std::vector<bool> claimed_;
  std::vector<ir::Value*> values_;
};

}  // namespace

Result<Plan> decode_plan(std::span<const uint8_t> metadata, std::span<const uint8_t> weights,
                         std::shared_ptr<const void> owner, const LoadOptions& options) {
  if (metadata.size() >= FLATBUFFERS_MAX_BUFFER_SIZE) return corrupt("METADATA section is over the 2 GiB FlatBuffer limit");
  fbs::Verifier::Options vopts;
  vopts.max_depth = 64;
  // Every table takes at least 4 bytes, so the buffer size bounds the table count.
  vopts.max_tables = static_cast<fbs::uoffset_t>(std::max<size_t>(metadata.size() / 4, 1));
  fbs::Verifier verifier(metadata.data(), metadata.size(), vopts);
  if (!fb::VerifyPlanBuffer(verifier)) return corrupt("METADATA section fails FlatBuffer verification");
  return Decoder(*fb::GetPlan(metadata.data()), weights, std::move(owner)).run(options);
}

}  // namespace hone::engine::detail
