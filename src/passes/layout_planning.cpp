// Layout planning: puts the convolutions of a CPU engine, and the layers between them that can
// work on it, into the blocked channel layout NCHW[b]c (ops/blocked_layout.hpp), and inserts
// reorders only where a blocked and a plain layer meet. The builder runs it after the graph
// passes when the backend has blocked convolution kernels (Backend::blocked_channels), with
// that backend's block: 16 floats for AVX-512, 8 for AVX2. Not in the default pipeline.
//
//   x -> Conv -> Relu -> MaxPool -> Conv -> Softmax        x -> FusedConvBlocked{in plain}
//                                                     =>      -> Relu -> MaxPool{k,k,1}
//                                                             -> FusedConvBlocked
//                                                             -> ReorderFromBlocked -> Softmax
//
// What runs blocked (decided in one forward pass, so a layer is blocked when a blocked layer
// feeds it): 2-D convolutions (any channel count: the last block is padded) with constant
// weights, group 1 or depthwise; and, when one of their inputs is blocked, elementwise layers
// (FusedElementwise, activations, binary and variadic arithmetic: constant operands are
// converted, per-channel ones into the blocked layout), Max/AveragePool (the block becomes a
// third spatial axis of kernel 1), GlobalAverage/MaxPool (ReduceMean/Max over H, W), channel
// Concat and Split whose pieces are whole blocks, and Resize with constant scales. Every plain
// reader of a blocked value, and every graph output, gets a ReorderFromBlocked that produces the
// original value under its name.
#include <algorithm>
#include <optional>
#include <unordered_map>
#include <unordered_set>

#include "ops/blocked_layout.hpp"
#include "ops/shape_inference.hpp"
#include "passes/passes.hpp"
#include "passes/pattern_match.hpp"
#include "passes/rewrite.hpp"

namespace hone::passes {
namespace {

constexpr int kHoneOpset = 1;

bool is_4d_float(const ir::Value* v) {
  return is_float32(v) && v->type().shape.has_rank && v->type().shape.rank() == 4 && v->type().shape.dims[1].is_known();
}

int64_t channels_of(const ir::Value* v) { return v->type().shape.dims[1].value; }

bool is_elementwise(ir::OpKind k) {
  switch (k) {
    case ir::OpKind::FusedElementwise:
    case ir::OpKind::Relu: case ir::OpKind::LeakyRelu: case ir::OpKind::Clip: case ir::OpKind::Sigmoid:
    case ir::OpKind::Tanh: case ir::OpKind::HardSigmoid: case ir::OpKind::HardSwish: case ir::OpKind::Swish:
    case ir::OpKind::Elu: case ir::OpKind::Softplus: case ir::OpKind::Mish: case ir::OpKind::Gelu:
    case ir::OpKind::Abs: case ir::OpKind::Neg: case ir::OpKind::Exp: case ir::OpKind::Log: case ir::OpKind::Sqrt:
    case ir::OpKind::Reciprocal: case ir::OpKind::Erf: case ir::OpKind::Floor: case ir::OpKind::Ceil:
    case ir::OpKind::Add: case ir::OpKind::Sub: case ir::OpKind::Mul: case ir::OpKind::Div: case ir::OpKind::Pow:
    case ir::OpKind::Max: case ir::OpKind::Min: case ir::OpKind::Sum: case ir::OpKind::Mean:
      return true;
    default:
      return false;
  }
}

class LayoutPlanning final : public Pass {
 public:
  explicit LayoutPlanning(int64_t block) : block_(block) {}
  std::string_view name() const override { return "layout_planning"; }

  Result<int> run(ir::Graph& g) override {
    if (block_ < 2) return 0;
    g_ = &g;
    // 1. Which nodes run blocked.
    std::vector<ir::Node*> order;
    for (const auto& n : g.nodes()) order.push_back(n.get());
    for (ir::Node* n : order) {
      if (runs_blocked(*n)) blocked_nodes_.insert(n);
    }
    if (blocked_nodes_.empty()) return 0;
    // 2. Their blocked replacements, in order, then the reorders back for plain readers.
    std::vector<ir::Node*> replaced;
    for (ir::Node* n : order) {
      if (!blocked_nodes_.count(n)) continue;
      HONE_RETURN_IF_ERROR(rewrite(*n));
      replaced.push_back(n);
    }
    std::vector<std::pair<ir::Value*, ir::Value*>> twins;  // plain original, blocked twin
    for (ir::Node* n : replaced) {
      for (ir::Value* v : n->outputs()) {
        if (v) twins.emplace_back(v, twin_.at(v));
      }
    }
    for (ir::Node* n : replaced) g.remove_node(n);
    for (auto [plain, blocked] : twins) {
      if (plain->uses().empty() && !is_graph_output(g, plain)) {
        g.remove_value(plain);
        continue;
      }
      ir::Attributes a;
      a.set("block", ir::Attribute::of_int(block_));
      a.set("channels", ir::Attribute::of_int(channels_[plain]));
      ir::Node* r = g.add_node(ir::OpKind::ReorderFromBlocked, "ReorderFromBlocked", "hone", plain->name() + "/from_blocked",
                               kHoneOpset, {blocked}, {plain}, std::move(a));
      g.move_node(r, g.index_of(blocked->producer()) + 1);
    }
    HONE_RETURN_IF_ERROR(g.topological_sort());
    for (const auto& n : g.nodes()) HONE_RETURN_IF_ERROR(ops::infer_node_types(*n));
    return static_cast<int>(replaced.size());
  }

 private:
  bool produced_blocked(const ir::Value* v) const {
    return v && v->producer() && blocked_nodes_.count(v->producer()) && v->graph() == g_;
  }

  bool is_blockable_conv(const ir::Node& n) const {
    if (n.kind() != ir::OpKind::Conv && n.kind() != ir::OpKind::FusedConv) return false;
    const ir::Value *x = n.input(0), *w = n.input(1), *y = n.output(0);
    if (!is_4d_float(x) || !is_4d_float(y) || !constant_of(w) || constant_of(w)->rank() != 4) return false;
    const int64_t group = attr_int_or_default(n, "group");
    const int64_t c = channels_of(x), m = channels_of(y);
    if (group != 1 && !(group == c && group == m)) return false;  // plain or depthwise
    const ir::Value* z = n.input(3);
    return !z || is_4d_float(z);
  }

  // Whether operand `v` of a blocked elementwise layer with output `out` can be given blocked:
  // produced blocked, a constant we can convert, or a plain value of the output's shape.
  bool adaptable(const ir::Value* v, const ir::Value* out) const {
    if (produced_blocked(v)) return true;
    if (const Tensor* c = constant_of(v)) return convertible_constant(*c, channels_of(out)).has_value();
    return is_4d_float(v) && v->type().shape.is_static() && out->type().shape.is_static() &&
           v->type().shape.to_static() == out->type().shape.to_static();
  }

  bool runs_blocked(const ir::Node& n) const {
    if (is_blockable_conv(n)) return true;
    const ir::Value* y = n.num_outputs() == 1 ? n.output(0) : nullptr;
    bool any_blocked = false;
    for (const ir::Value* v : n.inputs()) any_blocked |= produced_blocked(v);
    if (!any_blocked) return false;
    if (is_elementwise(n.kind())) {
      if (!is_4d_float(y)) return false;
      for (const ir::Value* v : n.inputs()) {
        if (v && !adaptable(v, y)) return false;
      }
      return true;
    }
    switch (n.kind()) {
      case ir::OpKind::MaxPool:
      case ir::OpKind::AveragePool:
        // One output (MaxPool's indices would number plain positions), 4-D, no storage_order.
        return is_4d_float(y) && !n.output(1) && produced_blocked(n.input(0)) &&
               attr_int_or_default(n, "storage_order") == 0;
      case ir::OpKind::GlobalAveragePool:
      case ir::OpKind::GlobalMaxPool:
        return is_4d_float(y) && produced_blocked(n.input(0));
      case ir::OpKind::Concat: {
        int64_t axis = attr_int_or_default(n, "axis");
        if (!is_4d_float(y) || (axis != 1 && axis != -3)) return false;
        for (const ir::Value* v : n.inputs()) {
          if (!v || !is_4d_float(v) || channels_of(v) % block_ != 0 || !(produced_blocked(v) || constant_of(v) == nullptr)) {
            return false;
          }
        }
        return true;
      }
      case ir::OpKind::Split: {
        const int64_t axis = attr_int_or_default(n, "axis");
        if (axis != 1 && axis != -3) return false;
        for (const ir::Value* v : n.outputs()) {
          if (!v || !is_4d_float(v) || channels_of(v) % block_ != 0) return false;
        }
        return is_4d_float(n.input(0)) && produced_blocked(n.input(0));
      }
      case ir::OpKind::Resize: {
        if (!is_4d_float(y) || !produced_blocked(n.input(0))) return false;
        // Constant scales [1, 1, sh, sw] (input 2; opset 10 has them as input 1), no sizes.
        const size_t scales = n.opset() < 11 ? 1 : 2;
        const Tensor* s = constant_of(n.input(scales));
        if (!s || s->numel() != 4 || s->dtype() != DataType::Float) return false;
        if (n.opset() >= 11 && n.input(3)) return false;
        if (n.opset() >= 11 && n.input(1) && constant_of(n.input(1)) && constant_of(n.input(1))->numel() > 0) return false;
        const float* sv = s->data<float>();
        return sv[0] == 1.0f && sv[1] == 1.0f && !n.attrs().has("axes");
      }
      default:
        return false;
    }
  }

  // A constant operand of a blocked layer, as the blocked layout needs it: scalars unchanged;
  // rank <= 4 operands whose channel dim is the layer's C go to the blocked layout, those whose
  // channel dim is 1 get a trailing 1 (broadcast over the block's lanes).
  std::optional<Tensor> convertible_constant(const Tensor& c, int64_t channels) const {
    if (c.dtype() != DataType::Float || c.rank() > 4) return std::nullopt;
    if (c.numel() == 1) return c;
    Shape s = c.shape();
    while (s.size() < 4) s.insert(s.begin(), 1);
    auto r = c.reshaped(s);
    if (!r.is_ok()) return std::nullopt;
    if (s[1] == 1) {
      s.push_back(1);
      auto t = r->reshaped(s);
      if (!t.is_ok()) return std::nullopt;
      return *t;
    }
    if (s[1] != channels) return std::nullopt;
    auto b = ops::to_blocked(*r, block_);
    if (!b.is_ok()) return std::nullopt;
    return *b;
  }

  // The blocked version of input v of blocked layer `user` with output `out` (a reorder made
  // for it is placed right before `user`).
  Result<ir::Value*> blocked_input(ir::Value* v, const ir::Node& user, const ir::Value* out) {
    if (!v) return static_cast<ir::Value*>(nullptr);
    if (produced_blocked(v)) return twin_.at(v);
    if (const Tensor* c = constant_of(v)) {
      std::optional<Tensor> t = convertible_constant(*c, out ? channels_of(out) : 0);
      if (!t) return internal_error("layout_planning: constant '" + v->name() + "' cannot be blocked");
      return add_constant(*g_, v->name() + "/blocked", std::move(*t));
    }
    auto it = to_blocked_.find(v);
    if (it != to_blocked_.end()) return it->second;
    ir::Attributes a;
    a.set("block", ir::Attribute::of_int(block_));
    ir::Value* b = add_intermediate(*g_, v->name() + "/blocked", ir::Type());
    ir::Node* r = g_->add_node(ir::OpKind::ReorderToBlocked, "ReorderToBlocked", "hone", v->name() + "/to_blocked",
                               kHoneOpset, {v}, {b}, std::move(a));
    g_->move_node(r, g_->index_of(&user));
    HONE_RETURN_IF_ERROR(ops::infer_node_types(*r));
    to_blocked_[v] = b;
    return b;
  }

  // New values for n's outputs in the blocked layout.
  std::vector<ir::Value*> blocked_outputs(const ir::Node& n) {
    std::vector<ir::Value*> outs;
    for (ir::Value* v : n.outputs()) {
      if (!v) {
        outs.push_back(nullptr);
        continue;
      }
      ir::Type t = v->type();
      t.shape = ops::blocked_shape(t.shape, block_);
      ir::Value* b = add_intermediate(*g_, v->name() + "/blocked", t);
      twin_[v] = b;
      channels_[v] = channels_of(v);
      outs.push_back(b);
    }
    return outs;
  }

  // Spatial window attributes of a 2-D pool extended by a third spatial axis of kernel 1.
  static ir::Attributes pool_attributes(const ir::Node& n) {
    ir::Attributes a;
    for (const auto& [name, attr] : n.attrs().items()) {
      ir::Attribute x = attr;
      if (name == "kernel_shape" || name == "strides" || name == "dilations") {
        if (!x.ints.empty()) x.ints.push_back(1);
      } else if (name == "pads") {
        if (x.ints.size() == 4) x.ints = {x.ints[0], x.ints[1], 0, x.ints[2], x.ints[3], 0};
      }
      a.set(name, std::move(x));
    }
    return a;
  }

  Status rewrite(ir::Node& n) {
    std::vector<ir::Value*> ins;
    ir::Attributes attrs = n.attrs();
    ir::OpKind kind = n.kind();
    std::string op_type = n.op_type(), domain = n.domain();
    int opset = n.opset();
    const ir::Value* out = n.num_outputs() ? n.output(0) : nullptr;
    if (is_blockable_conv(n)) {
      kind = ir::OpKind::FusedConvBlocked;
      op_type = "FusedConvBlocked";
      domain = "hone";
      opset = kHoneOpset;
      attrs.set("block", ir::Attribute::of_int(block_));
      attrs.set("input_blocked", ir::Attribute::of_int(produced_blocked(n.input(0)) ? 1 : 0));
      attrs.set("output_blocked", ir::Attribute::of_int(1));
      HONE_ASSIGN_OR_RETURN(ir::Value * x, produced_blocked(n.input(0)) ? blocked_input(n.input(0), n, out) : Result<ir::Value*>(n.input(0)));
      ins = {x, n.input(1), n.input(2)};
      if (n.input(3)) {
        HONE_ASSIGN_OR_RETURN(ir::Value * z, blocked_input(n.input(3), n, out));
        ins.push_back(z);
      }
    } else if (n.kind() == ir::OpKind::MaxPool || n.kind() == ir::OpKind::AveragePool) {
      HONE_ASSIGN_OR_RETURN(ir::Value * x, blocked_input(n.input(0), n, out));
      ins = {x};
      attrs = pool_attributes(n);
    } else if (n.kind() == ir::OpKind::GlobalAveragePool || n.kind() == ir::OpKind::GlobalMaxPool) {
      HONE_ASSIGN_OR_RETURN(ir::Value * x, blocked_input(n.input(0), n, out));
      ins = {x};
      kind = n.kind() == ir::OpKind::GlobalAveragePool ? ir::OpKind::ReduceMean : ir::OpKind::ReduceMax;
      op_type = std::string(ir::op_kind_name(kind));
      domain = "";
      opset = 13;  // axes as an attribute
      attrs = ir::Attributes();
      attrs.set("axes", ir::Attribute::of_ints({2, 3}));
      attrs.set("keepdims", ir::Attribute::of_int(1));
    } else if (n.kind() == ir::OpKind::Split) {
      HONE_ASSIGN_OR_RETURN(ir::Value * x, blocked_input(n.input(0), n, out));
      std::vector<int64_t> sizes;
      for (const ir::Value* v : n.outputs()) sizes.push_back(channels_of(v) / block_);
      ins = {x, add_constant(*g_, n.name() + "/blocked_split",
                             Tensor::from_vector<int64_t>(DataType::Int64, {static_cast<int64_t>(sizes.size())}, sizes))};
      attrs = ir::Attributes();
      attrs.set("axis", ir::Attribute::of_int(1));
      opset = std::max(opset, 13);
    } else if (n.kind() == ir::OpKind::Resize) {
      for (size_t i = 0; i < n.num_inputs(); ++i) {
        ir::Value* v = n.input(i);
        const size_t scales = n.opset() < 11 ? 1 : 2;
        if (i == 0) {
          HONE_ASSIGN_OR_RETURN(v, blocked_input(v, n, out));
        } else if (i == scales) {
          std::vector<float> s;
          for (double d : constant_of(v)->to_double_vector()) s.push_back(static_cast<float>(d));
          s.push_back(1.0f);
          v = add_constant(*g_, v->name() + "/blocked", Tensor::from_vector<float>(DataType::Float, {5}, s));
        }
        ins.push_back(v);
      }
    } else {  // elementwise and Concat: operands remapped
      for (ir::Value* v : n.inputs()) {
        HONE_ASSIGN_OR_RETURN(ir::Value * b, blocked_input(v, n, out));
        ins.push_back(b);
      }
    }
    std::vector<ir::Value*> outs = blocked_outputs(n);
    ir::Node* b = g_->add_node(kind, op_type, domain, n.name(), opset, std::move(ins), outs, std::move(attrs));
    g_->move_node(b, g_->index_of(&n) + 1);
    return ops::infer_node_types(*b);
  }

  int64_t block_;
  ir::Graph* g_ = nullptr;
  std::unordered_set<const ir::Node*> blocked_nodes_;
  std::unordered_map<const ir::Value*, ir::Value*> twin_;       // plain output -> blocked value
  std::unordered_map<const ir::Value*, int64_t> channels_;      // plain output -> channels
  std::unordered_map<const ir::Value*, ir::Value*> to_blocked_; // plain operand -> its ReorderToBlocked
};

}  // namespace

std::unique_ptr<Pass> make_layout_planning(int64_t block) { return std::make_unique<LayoutPlanning>(block); }

}  // namespace hone::passes
