// The operator table (generated from op_list.inc), node validation, and the contexts that
// operator definitions see.
#include <algorithm>
#include <cstdio>

#include "core/check.hpp"
#include "ops/op_def.hpp"

namespace hone::ops {

#define HONE_OP(name, domain) extern const OpDef kOpDef_##name;
#include "ops/op_list.inc"
#undef HONE_OP

namespace {
const OpDef* const kOpTable[] = {
#define HONE_OP(name, domain) &kOpDef_##name,
#include "ops/op_list.inc"
#undef HONE_OP
};
static_assert(sizeof(kOpTable) / sizeof(kOpTable[0]) == static_cast<size_t>(ir::OpKind::kCount));

AttrSpec with_default(std::string_view name, AttrType type, Attribute def) {
  AttrSpec s{name, type};
  s.has_default = true;
  s.default_value = std::move(def);
  return s;
}

std::string join_dtypes(std::initializer_list<DataType> ts) {
  std::string s;
  for (DataType t : ts) s += (s.empty() ? "" : ", ") + std::string(dtype_name(t));
  return s;
}

}  // namespace

AttrSpec attr_int(std::string_view n, int64_t d) { return with_default(n, AttrType::Int, Attribute::of_int(d)); }
AttrSpec attr_float(std::string_view n, float d) { return with_default(n, AttrType::Float, Attribute::of_float(d)); }
AttrSpec attr_string(std::string_view n, std::string d) {
  return with_default(n, AttrType::String, Attribute::of_string(std::move(d)));
}
AttrSpec attr_ints(std::string_view n, std::vector<int64_t> d) {
  return with_default(n, AttrType::Ints, Attribute::of_ints(std::move(d)));
}
AttrSpec attr_floats(std::string_view n, std::vector<float> d) {
  return with_default(n, AttrType::Floats, Attribute::of_floats(std::move(d)));
}
AttrSpec attr_strings(std::string_view n, std::vector<std::string> d) {
  return with_default(n, AttrType::Strings, Attribute::of_strings(std::move(d)));
}
AttrSpec attr_optional(std::string_view n, AttrType t) { return AttrSpec{n, t}; }
AttrSpec attr_required(std::string_view n, AttrType t) {
  AttrSpec s{n, t};
  s.required = true;
  return s;
}

const OpDef& op_def(ir::OpKind kind) { return *kOpTable[static_cast<size_t>(kind)]; }

Status validate_node(const ir::Node& node) {
  const OpDef& def = op_def(node.kind());
  auto fail = [&](std::string m) { return invalid_model(std::move(m)).with_node(node.name(), node.op_type()); };
  // Trailing omitted inputs do not count.
  size_t n_in = node.num_inputs();
  while (n_in > 0 && node.input(n_in - 1) == nullptr) --n_in;
  if (static_cast<int>(n_in) < def.min_inputs || static_cast<int>(n_in) > def.max_inputs) {
    return fail("has " + std::to_string(n_in) + " inputs, expected " +
                (def.min_inputs == def.max_inputs ? std::to_string(def.min_inputs)
                 : def.max_inputs >= kVariadic ? "at least " + std::to_string(def.min_inputs)
                                               : std::to_string(def.min_inputs) + " to " + std::to_string(def.max_inputs)));
  }
  for (int i = 0; i < def.min_inputs && i < static_cast<int>(n_in); ++i) {
    if (node.input(static_cast<size_t>(i)) == nullptr) return fail("required input " + std::to_string(i) + " is missing");
  }
  const int n_out = static_cast<int>(node.num_outputs());
  if (n_out < def.min_outputs || n_out > def.max_outputs) {
    return fail("has " + std::to_string(n_out) + " outputs, expected " +
                (def.min_outputs == def.max_outputs ? std::to_string(def.min_outputs)
                                                    : std::to_string(def.min_outputs) + " to " + std::to_string(def.max_outputs)));
  }
  for (const auto& [name, a] : node.attrs().items()) {
    auto spec = std::find_if(def.attrs.begin(), def.attrs.end(), [&](const AttrSpec& s) { return s.name == name; });
    if (spec == def.attrs.end()) continue;  // unknown attributes are ignored, as other parsers do
    if (spec->type != a.type) {
      return fail("attribute '" + name + "' has type " + ir::attr_type_name(a.type) + ", expected " +
                  ir::attr_type_name(spec->type));
    }
  }
  for (const AttrSpec& s : def.attrs) {
    if (s.required && !node.attrs().has(s.name)) return fail("required attribute '" + std::string(s.name) + "' is missing");
  }
  return Status::ok();
}

// ---- AttrReader ----

const Attribute* AttrReader::attr(std::string_view name) const {
  if (const Attribute* a = node_.attrs().find(name)) return a;
  for (const AttrSpec& s : def_.attrs) {
    if (s.name == name) return s.has_default ? &s.default_value : nullptr;
  }
  return nullptr;
}

namespace {
const Attribute& attr_or_die(const AttrReader& r, std::string_view name) {
  const Attribute* a = r.attr(name);
  // Reading an attribute that is neither present nor defaulted is a bug in the op definition
  // (validate_node already rejected missing required attributes).
  if (a == nullptr) {
    std::fprintf(stderr, "hone: op %s reads attribute '%.*s' without a default\n", r.node().op_type().c_str(),
                 static_cast<int>(name.size()), name.data());
  }
  HONE_CHECK(a != nullptr);
  return *a;
}
}  // namespace

int64_t AttrReader::attr_int(std::string_view n) const { return attr_or_die(*this, n).i; }
float AttrReader::attr_float(std::string_view n) const { return attr_or_die(*this, n).f; }
const std::string& AttrReader::attr_string(std::string_view n) const { return attr_or_die(*this, n).s; }
const std::vector<int64_t>& AttrReader::attr_ints(std::string_view n) const { return attr_or_die(*this, n).ints; }
const std::vector<float>& AttrReader::attr_floats(std::string_view n) const { return attr_or_die(*this, n).floats; }
const std::vector<std::string>& AttrReader::attr_strings(std::string_view n) const {
  return attr_or_die(*this, n).strings;
}
const Tensor& AttrReader::attr_tensor(std::string_view n) const { return attr_or_die(*this, n).t; }
const ir::Graph* AttrReader::attr_graph(std::string_view n) const { return attr_or_die(*this, n).g.get(); }

Status AttrReader::error(std::string m) const {
  return invalid_model(std::move(m)).with_node(node_.name(), node_.op_type());
}
Status AttrReader::unsupported(std::string m) const {
  return hone::unsupported(std::move(m)).with_node(node_.name(), node_.op_type());
}
Status AttrReader::bad_input(std::string m) const {
  return invalid_argument(std::move(m)).with_node(node_.name(), node_.op_type());
}

// ---- InferContext ----

InferContext::InferContext(const ir::Node& node, std::vector<const ir::Type*> input_types,
                           std::vector<const Tensor*> input_values, std::vector<ir::Type>* output_types)
    : AttrReader(node, op_def(node.kind())),
      input_types_(std::move(input_types)),
      input_values_(std::move(input_values)),
      output_types_(output_types) {}

const ir::Type& InferContext::input_type(size_t i) const {
  static const ir::Type kUnknown;
  return has_input(i) ? *input_types_[i] : kUnknown;
}

bool InferContext::has_output(size_t i) const { return i < output_types_->size() && node().output(i) != nullptr; }

void InferContext::set_output(size_t i, ir::Type t) {
  if (i < output_types_->size()) (*output_types_)[i] = std::move(t);
}

Status InferContext::require_dtype(size_t i, std::initializer_list<DataType> allowed) const {
  const ir::Type& t = input_type(i);
  if (t.kind != ir::TypeKind::Tensor) return error("input " + std::to_string(i) + " must be a tensor");
  for (DataType d : allowed) {
    if (t.dtype == d) return Status::ok();
  }
  return unsupported("input " + std::to_string(i) + " has element type " + std::string(dtype_name(t.dtype)) +
                     "; supported: " + join_dtypes(allowed));
}

// ---- KernelContext ----

KernelContext::KernelContext(const ir::Node& node, std::vector<const Datum*> inputs, std::vector<Datum>* outputs,
                             SubgraphRunner* subgraphs, uint64_t seed)
    : AttrReader(node, op_def(node.kind())),
      inputs_(std::move(inputs)),
      outputs_(outputs),
      subgraphs_(subgraphs),
      seed_(seed) {}

bool KernelContext::has_output(size_t i) const { return i < outputs_->size() && node().output(i) != nullptr; }

Result<Tensor*> KernelContext::allocate_output(size_t i, DataType dtype, Shape shape) {
  auto t = Tensor::create(dtype, std::move(shape));
  if (!t.is_ok()) return Status(t.status()).with_node(node().name(), node().op_type());
  (*outputs_)[i] = Datum::of(std::move(t).value());
  return &(*outputs_)[i].tensor;
}

// ---- shape helpers ----

Status infer_same_as_input(InferContext& ctx) {
  ctx.set_output(0, ctx.input_type(0));
  return Status::ok();
}

Result<ir::TensorShape> broadcast_shapes(const ir::TensorShape& a, const ir::TensorShape& b) {
  if (!a.has_rank || !b.has_rank) return ir::TensorShape::unknown();
  const size_t rank = std::max(a.rank(), b.rank());
  ir::TensorShape out = ir::TensorShape::of_rank(rank);
  for (size_t i = 0; i < rank; ++i) {
    const ir::Dim da = i < rank - a.rank() ? ir::Dim(1) : a.dims[i - (rank - a.rank())];
    const ir::Dim db = i < rank - b.rank() ? ir::Dim(1) : b.dims[i - (rank - b.rank())];
    ir::Dim& o = out.dims[i];
    if (da.is_known() && db.is_known()) {
      if (da.value != db.value && da.value != 1 && db.value != 1) {
        return invalid_argument("shapes " + a.to_string() + " and " + b.to_string() + " cannot be broadcast");
      }
      o = da.value == 1 ? db : da;
    } else if (da.is_known() && da.value == 1) {
      o = db;
    } else if (db.is_known() && db.value == 1) {
      o = da;
    } else if (da == db) {
      o = da;
    } else if (da.is_known()) {
      o = da;  // the other is symbolic: it must be 1 or equal
    } else if (db.is_known()) {
      o = db;
    }
  }
  return out;
}

Result<Shape> broadcast_shapes(const Shape& a, const Shape& b) {
  const size_t rank = std::max(a.size(), b.size());
  Shape out(rank);
  for (size_t i = 0; i < rank; ++i) {
    const int64_t da = i < rank - a.size() ? 1 : a[i - (rank - a.size())];
    const int64_t db = i < rank - b.size() ? 1 : b[i - (rank - b.size())];
    if (da != db && da != 1 && db != 1) {
      return invalid_argument("shapes " + shape_to_string(a) + " and " + shape_to_string(b) + " cannot be broadcast");
    }
    out[i] = da == 1 ? db : da;
  }
  return out;
}

Result<int64_t> normalize_axis(int64_t axis, int64_t rank) {
  if (axis < -rank || axis >= std::max<int64_t>(rank, 1)) {
    if (!(rank == 0 && (axis == 0 || axis == -1))) {
      return invalid_argument("axis " + std::to_string(axis) + " is out of range for rank " + std::to_string(rank));
    }
  }
  return axis < 0 ? axis + rank : axis;
}

std::vector<int64_t> broadcast_index_map(const Shape& out_shape, const Shape& in_shape) {
  const int64_t n = shape_numel(out_shape);
  std::vector<int64_t> map(static_cast<size_t>(n));
  const size_t rank = out_shape.size();
  const size_t offset = rank - in_shape.size();
  // Input strides, 0 where the input dim is broadcast.
  std::vector<int64_t> in_strides(rank, 0);
  int64_t s = 1;
  for (size_t i = in_shape.size(); i-- > 0;) {
    in_strides[i + offset] = in_shape[i] == 1 ? 0 : s;
    s *= in_shape[i];
  }
  std::vector<int64_t> idx(rank, 0);
  int64_t in_pos = 0;
  for (int64_t k = 0; k < n; ++k) {
    map[static_cast<size_t>(k)] = in_pos;
    for (size_t d = rank; d-- > 0;) {
      if (++idx[d] < out_shape[d]) {
        in_pos += in_strides[d];
        break;
      }
      in_pos -= in_strides[d] * (idx[d] - 1);
      idx[d] = 0;
    }
  }
  return map;
}

void for_each_broadcast(const Shape& out_shape, const Shape& a_shape, const Shape& b_shape,
                        const std::function<void(int64_t, int64_t, int64_t)>& f) {
  const auto ma = broadcast_index_map(out_shape, a_shape);
  const auto mb = broadcast_index_map(out_shape, b_shape);
  for (size_t k = 0; k < ma.size(); ++k) f(static_cast<int64_t>(k), ma[k], mb[k]);
}

}  // namespace hone::ops
