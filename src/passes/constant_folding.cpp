// constant_folding: evaluates at build time, with the operators' reference kernels, every node
// whose inputs are all constants (initializers or values folded before), and Shape/Size of
// values whose static shape is known; their outputs become constants. Shape subgraphs
// (Shape -> Gather -> Unsqueeze -> Concat -> Reshape) collapse this way into constant shapes.
// Runs in the main graph and in every subgraph, after identity elimination.
#include <algorithm>
#include <limits>
#include <optional>
#include <unordered_set>

#include "ops/node_runner.hpp"
#include "ops/op_def.hpp"
#include "ops/shape_inference.hpp"
#include "passes/cleanup_helpers.hpp"
#include "passes/passes.hpp"
#include "passes/rewrite.hpp"

namespace hone::passes {
namespace {

// Bytes of a tensor of `shape` and `dtype`, or nullopt when that does not fit in size_t.
std::optional<size_t> tensor_bytes(DataType dtype, const Shape& shape) {
  size_t bytes = dtype_size(dtype);
  for (int64_t d : shape) {
    if (d < 0) return std::nullopt;
    const auto ud = static_cast<size_t>(d);
    if (ud != 0 && bytes > std::numeric_limits<size_t>::max() / ud) return std::nullopt;
    bytes *= ud;
  }
  return bytes;
}

class ConstantFolding final : public Pass {
 public:
  explicit ConstantFolding(const PassOptions& options) : max_bytes_(options.max_folded_bytes) {}
  std::string_view name() const override { return "constant_folding"; }

  Result<int> run(ir::Graph& g) override {
    int folded = 0;
    // Values that became constant, or whose type got more precise, in this run: their readers'
    // types are inferred again (a Reshape whose shape became constant gets a static output
    // shape), which in turn lets later Shape nodes fold. Parents go first, so a subgraph node
    // reading a folded value of its parent sees a constant.
    std::unordered_set<const ir::Value*> refined;
    for (ir::Graph* graph : graphs_of(g)) folded += run_on(*graph, &refined);
    return folded;
  }

 private:
  int run_on(ir::Graph& g, std::unordered_set<const ir::Value*>* refined) const {
    std::vector<ir::Node*> nodes;
    for (const auto& n : g.nodes()) nodes.push_back(n.get());
    int folded = 0;
    for (ir::Node* n : nodes) {
      const bool reads_refined = std::any_of(n->inputs().begin(), n->inputs().end(),
                                             [&](const ir::Value* v) { return v && refined->count(v); });
      if (reads_refined) retype(*n, refined);
      std::optional<std::vector<Tensor>> values = evaluate(*n);
      if (!values) continue;
      const std::vector<ir::Value*> outputs = n->outputs();
      g.remove_node(n);
      for (size_t i = 0; i < outputs.size(); ++i) {
        ir::Value* v = outputs[i];
        if (!v) continue;
        const Tensor& t = (*values)[i];
        v->set_type(ir::Type::tensor(t.dtype(), ir::TensorShape::of(t.shape())));
        v->set_constant(t);
        refined->insert(v);
      }
      ++folded;
    }
    return folded;
  }

  // Infers the node's output types again from its inputs' current types and values. A rule
  // that now fails (the model would fail at run time) leaves the types as they were.
  static void retype(ir::Node& n, std::unordered_set<const ir::Value*>* refined) {
    std::vector<ir::Type> before;
    for (const ir::Value* v : n.outputs()) before.push_back(v ? v->type() : ir::Type());
    if (!ops::infer_node_types(n).is_ok()) return;
    for (size_t i = 0; i < n.num_outputs(); ++i) {
      if (const ir::Value* v = n.output(i); v && !same_type(before[i], v->type())) refined->insert(v);
    }
  }

  bool within_limit(DataType dtype, const Shape& shape) const {
    const std::optional<size_t> bytes = tensor_bytes(dtype, shape);
    return bytes && *bytes <= max_bytes_;
  }

  // Whether the node may be evaluated now: no subgraphs (If/Loop/Scan are not folded), no
  // random numbers, only tensor outputs, none known to exceed the size limit.
  // NOTE: DequantizeLinear of constant (quantized) weights stays, as in TensorRT and ONNX
  // Runtime: the precision stage reads the integer weights and their scales from it, and
  // folding would also store the weights 4x larger.
  bool may_fold(const ir::Node& n) const {
    if (is_random(n) || !n.subgraphs().empty() || n.kind() == ir::OpKind::DequantizeLinear) return false;
    for (const ir::Value* v : n.outputs()) {
      if (!v) continue;
      const ir::Type& t = v->type();
      if (t.kind == ir::TypeKind::Sequence || t.kind == ir::TypeKind::Optional) return false;
      const bool sized = t.is_tensor() && t.shape.is_static() && t.dtype != DataType::Undefined;
      if (sized && !within_limit(t.dtype, t.shape.to_static())) return false;
    }
    return true;
  }

  // The node's outputs computed by its reference kernel (undefined for omitted outputs), or
  // nullopt when it cannot or should not be folded. Errors (the model would fail at run time)
  // leave the node to fail there.
  std::optional<std::vector<Tensor>> evaluate(const ir::Node& n) const {
    if (!may_fold(n)) return std::nullopt;
    std::vector<Datum> stand_ins;
    stand_ins.reserve(n.num_inputs());
    std::vector<const Datum*> inputs;
    const bool reads_shape_only = n.kind() == ir::OpKind::Shape || n.kind() == ir::OpKind::Size;
    for (const ir::Value* v : n.inputs()) {
      if (!v) {
        inputs.push_back(nullptr);
        continue;
      }
      if (v->is_constant()) {
        stand_ins.push_back(Datum::of(v->constant()));
      } else if (const std::optional<Shape> shape = static_shape(v);
                 reads_shape_only && shape && v->type().dtype != DataType::Undefined) {
        // Shape and Size read only the dims: a tensor without data stands in for the value.
        // Its element count must be representable (Size reports it as int64).
        const std::optional<size_t> bytes = tensor_bytes(DataType::UInt8, *shape);
        if (!bytes || *bytes > static_cast<size_t>(std::numeric_limits<int64_t>::max())) return std::nullopt;
        stand_ins.push_back(Datum::of(Tensor::wrap(v->type().dtype, *shape, nullptr)));
      } else {
        return std::nullopt;
      }
      inputs.push_back(&stand_ins.back());
    }
    std::vector<Datum> outputs(n.num_outputs());
    if (!ops::allocate_outputs(n, inputs, &outputs).is_ok()) return std::nullopt;
    for (const Datum& d : outputs) {
      if (d.tensor.defined() && d.tensor.nbytes() > max_bytes_) return std::nullopt;
    }
    // No subgraphs and no random numbers: neither a subgraph runner nor a seed is needed.
    ops::KernelContext ctx(n, inputs, &outputs, nullptr, 0);
    if (!ops::run_kernel(ops::op_def(n.kind()).run, ctx).is_ok()) return std::nullopt;
    if (!ops::finish_outputs(n, &outputs).is_ok()) return std::nullopt;
    std::vector<Tensor> values(n.num_outputs());
    for (size_t i = 0; i < n.num_outputs(); ++i) {
      if (!n.output(i)) continue;
      const Datum& d = outputs[i];
      if (!d.is_tensor() || d.optional || !d.tensor.defined() || d.tensor.nbytes() > max_bytes_) return std::nullopt;
      values[i] = d.tensor;
    }
    return values;
  }

  size_t max_bytes_;
};

}  // namespace

std::unique_ptr<Pass> make_constant_folding(const PassOptions& options) {
  return std::make_unique<ConstantFolding>(options);
}

}  // namespace hone::passes
