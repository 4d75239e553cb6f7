// ModelProto -> ir::Graph (onnx_importer.hpp).
//
// Per graph: (1) initializers and inputs become values; (2) every node's outputs are created
// so that inputs can be resolved whatever order the nodes are listed in; (3) nodes are
// created with resolved inputs, converted attributes (subgraphs recursively, seeing this
// graph's values) and their opset; problems are collected, not returned one by one. Then the
// whole model is sorted, verified and type-inferred.
#include "import/onnx/onnx_importer.hpp"

#include <onnx/onnx_pb.h>

#include <fstream>
#include <map>
#include <set>

#include "import/onnx/tensor_proto.hpp"
#include "ops/op_def.hpp"
#include "ops/shape_inference.hpp"

namespace hone::onnx_import {
namespace fs = std::filesystem;

namespace {

constexpr int64_t kMaxProtobufBytes = (int64_t{1} << 31) - 1;

// Highest opset per domain Hone implements.
const std::map<std::string, int>& supported_opsets() {
  static const std::map<std::string, int> m = {
      {"", kMaxOnnxOpset}, {"ai.onnx.ml", 5}, {"ai.onnx.preview", 1}, {"ai.onnx.preview.training", 1}};
  return m;
}

std::string canonical_domain(const std::string& d) { return d == "ai.onnx" ? std::string() : d; }

struct Problems {
  std::vector<std::string> unsupported_ops;  // "node 'x' (Foo)"
  std::vector<std::string> errors;

  Status to_status() const {
    if (!unsupported_ops.empty()) {
      std::string m = std::to_string(unsupported_ops.size()) + " unsupported operator" +
                      (unsupported_ops.size() > 1 ? "s" : "") + ": ";
      for (size_t i = 0; i < unsupported_ops.size(); ++i) m += (i ? ", " : "") + unsupported_ops[i];
      if (!errors.empty()) m += "; and " + std::to_string(errors.size()) + " other error(s): " + errors.front();
      return unsupported(m);
    }
    if (!errors.empty()) {
      std::string m = errors.size() == 1 ? errors.front() : std::to_string(errors.size()) + " errors: ";
      if (errors.size() > 1) {
        for (size_t i = 0; i < errors.size() && i < 16; ++i) m += (i ? "; " : "") + errors[i];
        if (errors.size() > 16) m += "; ...";
      }
      return invalid_model(m);
    }
    return Status::ok();
  }
};

class Importer {
 public:
  Importer(const onnx::ModelProto& model, fs::path base_dir) : model_(model), base_dir_(std::move(base_dir)) {}

  Result<std::unique_ptr<ir::Graph>> run() {
    if (model_.ir_version() < 3) {
      return unsupported("IR version " + std::to_string(model_.ir_version()) + " is not supported (need 3 or later)");
    }
    if (!model_.has_graph()) return invalid_model("the model has no graph");
    for (const auto& op : model_.opset_import()) {
      const std::string d = canonical_domain(op.domain());
      auto it = supported_opsets().find(d);
      if (it != supported_opsets().end() && (op.version() < 1 || op.version() > it->second)) {
        return unsupported("opset " + std::to_string(op.version()) + " of domain '" + (d.empty() ? "ai.onnx" : d) +
                           "' is not supported (Hone supports 1 to " + std::to_string(it->second) + ")");
      }
      opsets_[d] = static_cast<int>(op.version());
    }
    if (model_.opset_import_size() == 0) opsets_[""] = 1;  // IR 3 models without imports: opset 1
    auto g = std::make_unique<ir::Graph>(model_.graph().name().empty() ? "main" : model_.graph().name());
    g->opsets() = opsets_;
    for (const auto& kv : model_.metadata_props()) g->metadata().emplace_back(kv.key(), kv.value());
    convert_graph(model_.graph(), g.get());
    HONE_RETURN_IF_ERROR(problems_.to_status());
    HONE_RETURN_IF_ERROR(sort_all(g.get()));
    HONE_RETURN_IF_ERROR(ir::verify_graph(*g));
    HONE_RETURN_IF_ERROR(ops::infer_graph_types(*g));
    return g;
  }

 private:
  static Status sort_all(ir::Graph* g) {
    for (const auto& n : g->nodes()) {
      for (ir::Graph* sub : n->subgraphs()) HONE_RETURN_IF_ERROR(sort_all(sub));
    }
    return g->topological_sort();
  }

  void convert_graph(const onnx::GraphProto& gp, ir::Graph* g) {
    std::map<std::string, const onnx::TypeProto*> declared;
    for (const auto& vi : gp.value_info()) declared[vi.name()] = &vi.type();
    for (const auto& vi : gp.output()) declared[vi.name()] = &vi.type();
    for (const auto& vi : gp.input()) declared[vi.name()] = &vi.type();

    auto declared_type = [&](const std::string& name) -> ir::Type {
      auto it = declared.find(name);
      if (it == declared.end()) return {};
      auto t = type_from_proto(*it->second);
      if (!t.is_ok()) {
        problems_.errors.push_back("value '" + name + "': " + t.status().message());
        return {};
      }
      return *t;
    };

    for (const auto& tp : gp.initializer()) {
      if (g->find_value(tp.name())) {
        problems_.errors.push_back("initializer '" + tp.name() + "' is defined twice");
        continue;
      }
      auto t = tensor_from_proto(tp, base_dir_);
      if (!t.is_ok()) {
        problems_.errors.push_back(t.status().message());
        continue;
      }
      ir::Value* v = g->add_value(tp.name(), ir::Type::tensor(t->dtype(), ir::TensorShape::of(t->shape())));
      v->set_constant(std::move(t).value());
    }
    if (gp.sparse_initializer_size() > 0) problems_.errors.push_back("sparse initializers are not supported");
    for (const auto& vi : gp.input()) {
      ir::Value* v = g->find_value(vi.name());
      if (!v) {
        v = g->add_value(vi.name(), declared_type(vi.name()));
      } else if (!v->is_constant()) {
        problems_.errors.push_back("graph input '" + vi.name() + "' is listed twice");
        continue;
      }
      g->add_input(v);
    }
    // Pass 1: every node output exists before any input is resolved.
    for (const auto& np : gp.node()) {
      for (const std::string& out : np.output()) {
        if (out.empty()) continue;
        if (g->find_value(out)) {
          problems_.errors.push_back("value '" + out + "' is produced twice (node '" + np.name() + "')");
          continue;
        }
        g->add_value(out, declared_type(out));
      }
    }
    // Pass 2: nodes.
    int index = 0;
    std::set<std::string> used_names;
    for (const auto& np : gp.node()) convert_node(np, g, index++, &used_names);
    for (const auto& vi : gp.output()) {
      ir::Value* v = g->lookup(vi.name());
      if (!v) {
        problems_.errors.push_back("graph output '" + vi.name() + "' is not produced by any node, input or initializer");
        continue;
      }
      if (v->graph() == g && v->type().kind == ir::TypeKind::Unknown) v->set_type(declared_type(vi.name()));
      g->add_output(v);
    }
  }

  void convert_node(const onnx::NodeProto& np, ir::Graph* g, int index, std::set<std::string>* used_names,
                    int depth = 0) {
    std::string name = np.name();
    if (name.empty() || used_names->count(name)) {
      name = (name.empty() ? np.op_type() : name) + "_" + std::to_string(index);
    }
    used_names->insert(name);
    const std::string domain = canonical_domain(np.domain());
    for (const auto& fn : model_.functions()) {
      if (fn.name() == np.op_type() && canonical_domain(fn.domain()) == domain) {
        inline_function(fn, np, name, g, used_names, depth);
        return;
      }
    }
    ir::OpKind kind{};
    const bool known_domain = supported_opsets().count(domain) > 0;
    if (!known_domain || !ir::find_op_kind(domain, np.op_type(), &kind)) {
      problems_.unsupported_ops.push_back("node '" + name + "' (" + (domain.empty() ? "" : domain + ".") + np.op_type() +
                                          ")");
      return;
    }
    auto opset_it = opsets_.find(domain);
    if (opset_it == opsets_.end()) {
      problems_.errors.push_back("node '" + name + "' (" + np.op_type() + ") uses domain '" + domain +
                                 "' which the model does not import");
      return;
    }
    std::vector<ir::Value*> inputs;
    for (const std::string& in : np.input()) {
      if (in.empty()) {
        inputs.push_back(nullptr);
        continue;
      }
      ir::Value* v = g->lookup(in);
      if (!v) {
        problems_.errors.push_back("node '" + name + "' (" + np.op_type() + ") reads '" + in +
                                   "', which no node, graph input or initializer produces");
        return;
      }
      inputs.push_back(v);
    }
    std::vector<ir::Value*> outputs;
    for (const std::string& out : np.output()) outputs.push_back(out.empty() ? nullptr : g->find_value(out));
    ir::Attributes attrs;
    for (const auto& ap : np.attribute()) {
      auto a = convert_attribute(ap, g, name, np.op_type());
      if (!a.is_ok()) {
        problems_.errors.push_back(a.status().to_string());
        return;
      }
      attrs.set(ap.name(), std::move(a).value());
    }
    ir::Node* n = g->add_node(kind, np.op_type(), domain, name, opset_it->second, std::move(inputs), std::move(outputs),
                              std::move(attrs));
    Status s = ops::validate_node(*n);
    if (!s.is_ok()) problems_.errors.push_back(s.to_string());
  }

  // Expands a call of a model-local function in place: formal inputs/outputs map to the call's
  // values, the body's intermediate values get names prefixed with the call's node name, and
  // attributes that refer to the call's attributes (ref_attr_name) take their values.
  void inline_function(const onnx::FunctionProto& fn, const onnx::NodeProto& call, const std::string& call_name,
                       ir::Graph* g, std::set<std::string>* used_names, int depth) {
    if (depth > 32) {
      problems_.errors.push_back("node '" + call_name + "' (" + call.op_type() + "): function calls nest too deep (recursion?)");
      return;
    }
    std::map<std::string, std::string> rename;
    for (int i = 0; i < fn.input_size(); ++i) rename[fn.input(i)] = i < call.input_size() ? call.input(i) : std::string();
    for (int i = 0; i < fn.output_size(); ++i) rename[fn.output(i)] = i < call.output_size() ? call.output(i) : std::string();
    const std::string prefix = call_name + "/";
    for (const auto& inner : fn.node()) {
      for (const std::string& out : inner.output()) {
        if (out.empty() || rename.count(out)) continue;
        rename[out] = prefix + out;
        if (!g->find_value(prefix + out)) g->add_value(prefix + out);
      }
    }
    std::map<std::string, const onnx::AttributeProto*> call_attrs;
    for (const auto& a : call.attribute()) call_attrs[a.name()] = &a;
    int index = 0;
    for (const auto& inner : fn.node()) {
      onnx::NodeProto n = inner;
      n.set_name(prefix + (inner.name().empty() ? inner.op_type() + std::to_string(index) : inner.name()));
      for (auto& in : *n.mutable_input()) {
        auto it = rename.find(in);
        if (it != rename.end()) in = it->second;  // else: an outer value the function body reads
      }
      for (auto& out : *n.mutable_output()) {
        auto it = rename.find(out);
        if (it != rename.end()) out = it->second;
      }
      n.clear_attribute();
      for (const auto& a : inner.attribute()) {
        if (a.ref_attr_name().empty()) {
          *n.add_attribute() = a;
        } else if (auto it = call_attrs.find(a.ref_attr_name()); it != call_attrs.end()) {
          onnx::AttributeProto* copy = n.add_attribute();
          *copy = *it->second;
          copy->set_name(a.name());
        }
      }
      convert_node(n, g, index++, used_names, depth + 1);
    }
  }

  Result<ir::Attribute> convert_attribute(const onnx::AttributeProto& ap, ir::Graph* g, const std::string& node,
                                          const std::string& op) {
    auto err = [&](const std::string& m) { return invalid_model("attribute '" + ap.name() + "': " + m).with_node(node, op); };
    if (!ap.ref_attr_name().empty()) return err("refers to a function attribute outside a function");
    ir::Attribute a;
    switch (ap.type()) {
      case onnx::AttributeProto::FLOAT: a = ir::Attribute::of_float(ap.f()); break;
      case onnx::AttributeProto::INT: a = ir::Attribute::of_int(ap.i()); break;
      case onnx::AttributeProto::STRING: a = ir::Attribute::of_string(ap.s()); break;
      case onnx::AttributeProto::FLOATS: a = ir::Attribute::of_floats({ap.floats().begin(), ap.floats().end()}); break;
      case onnx::AttributeProto::INTS: a = ir::Attribute::of_ints({ap.ints().begin(), ap.ints().end()}); break;
      case onnx::AttributeProto::STRINGS:
        a = ir::Attribute::of_strings({ap.strings().begin(), ap.strings().end()});
        break;
      case onnx::AttributeProto::TENSOR: {
        auto t = tensor_from_proto(ap.t(), base_dir_);
        if (!t.is_ok()) return err(t.status().message());
        a = ir::Attribute::of_tensor(std::move(t).value());
        break;
      }
      case onnx::AttributeProto::TENSORS: {
        a.type = ir::AttrType::Tensors;
        for (const auto& tp : ap.tensors()) {
          auto t = tensor_from_proto(tp, base_dir_);
          if (!t.is_ok()) return err(t.status().message());
          a.tensors.push_back(std::move(t).value());
        }
        break;
      }
      case onnx::AttributeProto::GRAPH: a = ir::Attribute::of_graph(convert_subgraph(ap.g(), g)); break;
      case onnx::AttributeProto::GRAPHS:
        a.type = ir::AttrType::Graphs;
        for (const auto& gp : ap.graphs()) a.graphs.push_back(convert_subgraph(gp, g));
        break;
      case onnx::AttributeProto::TYPE_PROTO: {
        auto t = type_from_proto(ap.tp());
        if (!t.is_ok()) return err(t.status().message());
        a.type = ir::AttrType::TypeProto;
        a.tp = std::move(t).value();
        break;
      }
      case onnx::AttributeProto::TYPE_PROTOS:
        a.type = ir::AttrType::TypeProtos;
        for (const auto& tp : ap.type_protos()) {
          auto t = type_from_proto(tp);
          if (!t.is_ok()) return err(t.status().message());
          a.tps.push_back(std::move(t).value());
        }
        break;
      case onnx::AttributeProto::SPARSE_TENSOR:
      case onnx::AttributeProto::SPARSE_TENSORS: return unsupported("attribute '" + ap.name() + "': sparse tensors are not supported").with_node(node, op);
      default: return err("has no type");
    }
    return a;
  }

  std::shared_ptr<ir::Graph> convert_subgraph(const onnx::GraphProto& gp, ir::Graph* parent) {
    auto sub = std::make_shared<ir::Graph>(gp.name().empty() ? "body" : gp.name(), parent);
    convert_graph(gp, sub.get());
    return sub;
  }

  const onnx::ModelProto& model_;
  fs::path base_dir_;
  std::map<std::string, int> opsets_;
  Problems problems_;
};

}  // namespace

Result<std::unique_ptr<ir::Graph>> import_bytes(const void* data, size_t size, const fs::path& base_dir) {
  if (size == 0) return invalid_model("the model file is empty");
  if (static_cast<int64_t>(size) > kMaxProtobufBytes) {
    return invalid_model("the model is larger than 2 GB; store its weights as external data");
  }
  onnx::ModelProto model;
  if (!model.ParseFromArray(data, static_cast<int>(size))) {
    return invalid_model("not an ONNX model (the protobuf could not be parsed; truncated or another format?)");
  }
  if (!model.has_graph() && model.ir_version() == 0) {
    return invalid_model("not an ONNX model (no graph and no IR version)");
  }
  Importer importer(model, base_dir);
  return importer.run();
}

Result<std::unique_ptr<ir::Graph>> import_file(const fs::path& path) {
  std::error_code ec;
  if (!fs::exists(path, ec)) return not_found("no such file: '" + path.string() + "'");
  if (fs::is_directory(path, ec)) return io_error("'" + path.string() + "' is a directory, not a model file");
  std::ifstream in(path, std::ios::binary);
  if (!in) return io_error("cannot open '" + path.string() + "'");
  const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (in.bad()) return io_error("cannot read '" + path.string() + "'");
  auto r = import_bytes(bytes.data(), bytes.size(), path.parent_path());
  if (!r.is_ok()) {
    Status s = r.status();
    return Status(s.code(), "'" + path.filename().string() + "': " + s.to_string());
  }
  return r;
}

}  // namespace hone::onnx_import
