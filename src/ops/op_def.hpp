// The operator contract. Each operator is defined once, in src/ops/<op>.cpp, as an OpDef:
// its arity, its typed attributes with defaults, its type/shape rule and its reference
// kernel (plain loops: the operator's meaning, against which every fast kernel is tested).
// src/ops/op_list.inc names every operator; registry.cpp turns that list into the table.
#pragma once

#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/tensor.hpp"
#include "hone/status.hpp"
#include "ir/graph.hpp"

namespace hone::ops {

using ir::AttrType;
using ir::Attribute;

/// An attribute an operator accepts. `required` ones must be present; the others fall back
/// to `default_value` (an attribute with no default and not required is simply optional:
/// check `has_attr`).
struct AttrSpec {
  std::string_view name;
  AttrType type;
  bool required = false;
  bool has_default = false;
  Attribute default_value;
};
AttrSpec attr_int(std::string_view name, int64_t def);
AttrSpec attr_float(std::string_view name, float def);
AttrSpec attr_string(std::string_view name, std::string def);
AttrSpec attr_ints(std::string_view name, std::vector<int64_t> def);
AttrSpec attr_floats(std::string_view name, std::vector<float> def);
AttrSpec attr_strings(std::string_view name, std::vector<std::string> def);
/// Present or absent, no default (e.g. Conv's kernel_shape, or a TENSOR attribute).
AttrSpec attr_optional(std::string_view name, AttrType type);
AttrSpec attr_required(std::string_view name, AttrType type);

inline constexpr int kVariadic = 1 << 20;

class InferContext;
class KernelContext;
using InferFn = Status (*)(InferContext&);
using KernelFn = Status (*)(KernelContext&);

struct OpDef {
  std::string_view name;
  int min_inputs = 0;
  int max_inputs = 0;   // kVariadic for variadic
  int min_outputs = 1;
  int max_outputs = 1;
  std::vector<AttrSpec> attrs;
  InferFn infer = nullptr;  // sets every output's type; may leave dims unknown
  KernelFn run = nullptr;   // the reference kernel
};

/// The definition of an operator (every OpKind has one).
const OpDef& op_def(ir::OpKind kind);

/// Checks a node against its definition: input/output counts, attribute types, required
/// attributes. Does not look at types or shapes.
Status validate_node(const ir::Node& node);

/// Reads attributes of a node with the defaults of its OpDef. Shared by both contexts.
class AttrReader {
 public:
  AttrReader(const ir::Node& node, const OpDef& def) : node_(node), def_(def) {}
  bool has_attr(std::string_view name) const { return node_.attrs().has(name); }
  /// The node's attribute, else the spec's default, else nullptr.
  const Attribute* attr(std::string_view name) const;
  int64_t attr_int(std::string_view name) const;
  float attr_float(std::string_view name) const;
  const std::string& attr_string(std::string_view name) const;
  const std::vector<int64_t>& attr_ints(std::string_view name) const;
  const std::vector<float>& attr_floats(std::string_view name) const;
  const std::vector<std::string>& attr_strings(std::string_view name) const;
  const Tensor& attr_tensor(std::string_view name) const;
  const ir::Graph* attr_graph(std::string_view name) const;
  const ir::Node& node() const { return node_; }
  int opset() const { return node_.opset(); }
  /// A Status for this node: `error(...)` is InvalidModel, `unsupported(...)` Unsupported,
  /// `bad_input(...)` InvalidArgument, each with the node's name and op attached.
  Status error(std::string message) const;
  Status unsupported(std::string message) const;
  Status bad_input(std::string message) const;

 private:
  const ir::Node& node_;
  const OpDef& def_;
};

/// What infer() sees: input types (with constant values where known: initializers,
/// Constant outputs, and every input at run time) and where it writes output types.
class InferContext : public AttrReader {
 public:
  InferContext(const ir::Node& node, std::vector<const ir::Type*> input_types,
               std::vector<const Tensor*> input_values, std::vector<ir::Type>* output_types);
  size_t num_inputs() const { return input_types_.size(); }
  bool has_input(size_t i) const { return i < input_types_.size() && input_types_[i] != nullptr; }
  const ir::Type& input_type(size_t i) const;
  DataType input_dtype(size_t i) const { return input_type(i).dtype; }
  const ir::TensorShape& input_shape(size_t i) const { return input_type(i).shape; }
  /// The input's value when known, else nullptr.
  const Tensor* input_value(size_t i) const { return i < input_values_.size() ? input_values_[i] : nullptr; }
  size_t num_outputs() const { return output_types_->size(); }
  bool has_output(size_t i) const;
  void set_output(size_t i, ir::Type t);
  void set_output(size_t i, DataType dtype, ir::TensorShape shape) { set_output(i, ir::Type::tensor(dtype, std::move(shape))); }
  /// The type set_output() gave output i so far (Unknown before).
  const ir::Type& output_type(size_t i) const { return (*output_types_)[i]; }
  /// Fails unless input i is a tensor whose dtype is in `allowed` (names it in the message).
  Status require_dtype(size_t i, std::initializer_list<DataType> allowed) const;

 private:
  std::vector<const ir::Type*> input_types_;
  std::vector<const Tensor*> input_values_;
  std::vector<ir::Type>* output_types_;
};

/// Runs a subgraph (If/Loop/Scan bodies) with the given values bound to its inputs, in the
/// scope of the node being executed. Implemented by the runtime.
class SubgraphRunner {
 public:
  virtual ~SubgraphRunner() = default;
  virtual Result<std::vector<Datum>> run(const ir::Graph& body, std::vector<Datum> inputs) = 0;
};

/// What a reference kernel sees. Outputs whose shape infer() could fix are pre-allocated
/// (`output(i)`); data-dependent ones are allocated by the kernel (`allocate_output`).
class KernelContext : public AttrReader {
 public:
  KernelContext(const ir::Node& node, std::vector<const Datum*> inputs, std::vector<Datum>* outputs,
                SubgraphRunner* subgraphs, uint64_t seed);
  size_t num_inputs() const { return inputs_.size(); }
  bool has_input(size_t i) const { return i < inputs_.size() && inputs_[i] != nullptr; }
  const Datum& input_datum(size_t i) const { return *inputs_[i]; }
  const Tensor& input(size_t i) const { return inputs_[i]->tensor; }
  size_t num_outputs() const { return outputs_->size(); }
  /// False for an output the model does not consume (empty name): kernels may skip it.
  bool has_output(size_t i) const;
  /// The pre-allocated output tensor (its shape came from infer()).
  Tensor& output(size_t i) { return (*outputs_)[i].tensor; }
  /// Allocates output i; fails (InvalidArgument) on a negative or huge shape.
  Result<Tensor*> allocate_output(size_t i, DataType dtype, Shape shape);
  /// Sets output i to a whole value (sequences, optionals, or a tensor made elsewhere).
  void set_output(size_t i, Datum d) { (*outputs_)[i] = std::move(d); }
  SubgraphRunner* subgraphs() const { return subgraphs_; }
  /// Seed for random operators without a `seed` attribute (deterministic per run).
  uint64_t seed() const { return seed_; }

 private:
  std::vector<const Datum*> inputs_;
  std::vector<Datum>* outputs_;
  SubgraphRunner* subgraphs_;
  uint64_t seed_;
};

// ---- shape helpers shared by operator definitions ----

/// The infer rule of operators whose only output has the type of input 0.
Status infer_same_as_input(InferContext& ctx);

/// Numpy-style broadcast of two shapes (symbolic dims broadcast when equal or one is 1).
Result<ir::TensorShape> broadcast_shapes(const ir::TensorShape& a, const ir::TensorShape& b);
Result<Shape> broadcast_shapes(const Shape& a, const Shape& b);
/// Normalizes an axis in [-rank, rank) to [0, rank); error names the op's input.
Result<int64_t> normalize_axis(int64_t axis, int64_t rank);

/// Calls f(out_index, a_index, b_index) for each element of broadcast(a_shape, b_shape).
void for_each_broadcast(const Shape& out_shape, const Shape& a_shape, const Shape& b_shape,
                        const std::function<void(int64_t, int64_t, int64_t)>& f);
/// Index into a tensor of `in_shape` broadcast to `out_shape`, per output element.
std::vector<int64_t> broadcast_index_map(const Shape& out_shape, const Shape& in_shape);

}  // namespace hone::ops

/// Defines the OpDef of operator `Name`, e.g. `HONE_DEFINE_OP(Relu) { .min_inputs = 1, ... };`
#define HONE_DEFINE_OP(Name) extern const ::hone::ops::OpDef kOpDef_##Name; const ::hone::ops::OpDef kOpDef_##Name =
