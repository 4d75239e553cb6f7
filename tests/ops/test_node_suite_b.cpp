// Runs single-node ONNX backend test models through the op harness, selected by the
// HONE_NODE_SUITE regex (skipped when unset). A stop-gap until `hone conformance` lands.
#include <onnx/onnx_pb.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <regex>

#include "harness/op_harness.hpp"
#include "import/onnx/tensor_proto.hpp"

namespace hone::testing {
namespace {

namespace fs = std::filesystem;

Result<ir::Attribute> attr_from_proto(const onnx::AttributeProto& a) {
  switch (a.type()) {
    case onnx::AttributeProto::INT: return ir::Attribute::of_int(a.i());
    case onnx::AttributeProto::FLOAT: return ir::Attribute::of_float(a.f());
    case onnx::AttributeProto::STRING: return ir::Attribute::of_string(a.s());
    case onnx::AttributeProto::INTS: return ir::Attribute::of_ints({a.ints().begin(), a.ints().end()});
    case onnx::AttributeProto::FLOATS: return ir::Attribute::of_floats({a.floats().begin(), a.floats().end()});
    case onnx::AttributeProto::STRINGS: return ir::Attribute::of_strings({a.strings().begin(), a.strings().end()});
    case onnx::AttributeProto::TENSOR: {
      HONE_ASSIGN_OR_RETURN(Tensor t, onnx_import::tensor_from_proto(a.t()));
      return ir::Attribute::of_tensor(t);
    }
    default: return unsupported("attribute type");
  }
}

std::string run_case(const fs::path& dir) {
  onnx::ModelProto model;
  std::ifstream f(dir / "model.onnx", std::ios::binary);
  if (!model.ParseFromIstream(&f)) return "cannot parse model";
  const auto& g = model.graph();
  if (g.node_size() != 1) return "SKIP multi-node";
  const auto& node = g.node(0);
  OpCall call;
  call.op_type = node.op_type();
  call.domain = node.domain() == "ai.onnx" ? "" : node.domain();
  for (const auto& op : model.opset_import()) {
    if (op.domain() == call.domain || (call.domain.empty() && op.domain() == "ai.onnx")) call.opset = static_cast<int>(op.version());
  }
  for (const auto& a : node.attribute()) {
    auto r = attr_from_proto(a);
    if (!r.is_ok()) return "attr " + a.name();
    call.attrs.set(a.name(), *r);
  }
  call.num_outputs = node.output_size();
  for (const fs::path& ds : fs::directory_iterator(dir)) {
    if (!fs::is_directory(ds)) continue;
    call.inputs.clear();
    int file = 0;
    for (int i = 0; i < node.input_size(); ++i) {
      if (node.input(i).empty()) {
        call.inputs.push_back(omitted());
        continue;
      }
      ir::Type hint = ir::Type::tensor(DataType::Float);
      auto d = onnx_import::read_datum_file(ds / ("input_" + std::to_string(file++) + ".pb"), hint);
      if (!d.is_ok()) return "read input: " + d.status().to_string();
      call.inputs.push_back(*d);
    }
    auto r = run_op(call);
    if (!r.is_ok()) return r.status().to_string();
    for (int o = 0; o < node.output_size(); ++o) {
      auto e = onnx_import::read_datum_file(ds / ("output_" + std::to_string(o) + ".pb"), ir::Type::tensor(DataType::Float));
      if (!e.is_ok()) return "read output";
      const Tensor& act = r->at(static_cast<size_t>(o)).tensor;
      if (std::getenv("HONE_NODE_SUITE_SHAPES")) {
        if (act.shape() != e->tensor.shape() || act.dtype() != e->tensor.dtype()) return "shape/dtype mismatch";
        continue;
      }
      auto ok = tensors_near(act, e->tensor, 1e-3, 1e-7);
      if (!ok) return "output " + std::to_string(o) + ": " + ok.message();
    }
  }
  return "";
}

TEST(NodeSuiteB, SelectedModels) {
  const char* filter = std::getenv("HONE_NODE_SUITE");
  if (!filter) GTEST_SKIP() << "set HONE_NODE_SUITE=<regex>";
  std::regex re(filter);
  const char* env_root = std::getenv("HONE_NODE_SUITE_DIR");
  const fs::path root = env_root ? fs::path(env_root) : fs::path(HONE_SHARED_DIR) / "onnx-backend-tests" / "node";
  std::vector<fs::path> dirs;
  for (const auto& e : fs::directory_iterator(root)) {
    if (std::regex_search(e.path().filename().string(), re)) dirs.push_back(e.path());
  }
  std::sort(dirs.begin(), dirs.end());
  int pass = 0, fail = 0, skip = 0;
  for (const auto& d : dirs) {
    std::string msg = run_case(d);
    if (msg.empty()) ++pass;
    else if (msg.rfind("SKIP", 0) == 0) ++skip;
    else {
      ++fail;
      ADD_FAILURE() << d.filename().string() << ": " << msg;
    }
  }
  std::printf("node suite: %d passed, %d failed, %d skipped\n", pass, fail, skip);
}

}  // namespace
}  // namespace hone::testing
