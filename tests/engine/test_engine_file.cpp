// Engine file tests: plans built in code and imported round-trip exactly (graph text, every
// field of every value, node and attribute, every constant's bytes, the plan's fields, and
// byte-identical re-serialization); loaded constants are 64-byte aligned views into the file
// mapping; every refusal names its reason; damaged files (truncated, flipped, or flipped and
// re-sealed so the structural checks run) give an error or a valid plan, never a crash.
#include <gtest/gtest.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <random>
#include <unordered_map>

#include "engine/engine_file.hpp"
#include "engine_format_generated.h"
#include "import/onnx/model_builder.hpp"
#include "import/onnx/onnx_importer.hpp"

namespace hone::engine {
namespace {

namespace fs = std::filesystem;

constexpr uint32_t kSeed = 20261201;

const fs::path kSharedDir = HONE_SHARED_DIR;

// ---- building plans -------------------------------------------------------------------

ir::OpKind kind_of(std::string_view domain, std::string_view op) {
  ir::OpKind k{};
  EXPECT_TRUE(ir::find_op_kind(domain, op, &k)) << op;
  return k;
}

ir::TensorShape shape_of(std::initializer_list<ir::Dim> dims) {
  ir::TensorShape s;
  s.has_rank = true;
  s.dims = dims;
  return s;
}

ir::Type ftensor(ir::TensorShape s) { return ir::Type::tensor(DataType::Float, std::move(s)); }

// A tensor whose bytes are random but valid for its element type (bool 0/1, sub-byte ints
// within their range); strings of random bytes, NUL included.
Tensor random_tensor(DataType dtype, Shape shape, std::mt19937& rng) {
  Tensor t = Tensor::zeros(dtype, std::move(shape));
  if (dtype == DataType::String) {
    for (int64_t i = 0; i < t.numel(); ++i) {
      std::string s(rng() % 12, '\0');
      for (char& c : s) c = static_cast<char>(rng());
      t.strings()[i] = s;
    }
    return t;
  }
  auto* p = static_cast<uint8_t*>(t.raw());
  for (size_t i = 0; i < t.nbytes(); ++i) {
    const uint32_t r = rng();
    switch (dtype) {
      case DataType::Bool: p[i] = r & 1; break;
      case DataType::Int4: p[i] = static_cast<uint8_t>(static_cast<int8_t>(static_cast<int>(r % 16) - 8)); break;
      case DataType::UInt4:
      case DataType::Float4E2M1: p[i] = r % 16; break;
      case DataType::Int2: p[i] = static_cast<uint8_t>(static_cast<int8_t>(static_cast<int>(r % 4) - 2)); break;
      case DataType::UInt2: p[i] = r % 4; break;
      default: p[i] = static_cast<uint8_t>(r);
    }
  }
  return t;
}

Tensor random_float(Shape shape, std::mt19937& rng) {
  Tensor t = Tensor::zeros(DataType::Float, std::move(shape));
  std::uniform_real_distribution<float> dist(-1.0f, 1.0f);
  for (int64_t i = 0; i < t.numel(); ++i) t.data<float>()[i] = dist(rng);
  return t;
}

float float_from_bits(uint32_t bits) {
  float f;
  std::memcpy(&f, &bits, sizeof(f));
  return f;
}

// Adds a value and a node producing it.
ir::Value* add(ir::Graph& g, std::string_view domain, const char* op, std::vector<ir::Value*> inputs, const std::string& out,
               ir::Type type, ir::Attributes attrs = {}) {
  ir::Value* v = g.add_value(out, std::move(type));
  g.add_node(kind_of(domain, op), op, std::string(domain), out + "_node", domain.empty() ? 19 : 1, std::move(inputs), {v},
             std::move(attrs));
  return v;
}

// A one-node graph `name`: out = Identity(in), with `in` read from `source` (its own input
// when null: a capture otherwise).
std::shared_ptr<ir::Graph> identity_graph(const std::string& name, ir::Value* source) {
  auto g = std::make_shared<ir::Graph>(name);
  ir::Value* in = source;
  if (in == nullptr) {
    in = g->add_value(name + "_in", ftensor(shape_of({2})));
    g->add_input(in);
  }
  g->add_output(add(*g, "", "Identity", {in}, name + "_out", ftensor(shape_of({2}))));
  return g;
}

// Every IR feature the format must keep: all dtypes (scalars, empty tensors, strings,
// float16/bfloat16, unpacked int4, bool, complex), symbolic dims, unranked and unknown types,
// sequence and optional types, an initializer-backed input, omitted inputs and outputs, every
// attribute type, If/Loop subgraphs whose nodes read values one and two graphs up, a Hone
// op and an ai.onnx.ml op, metadata and opsets.
std::shared_ptr<ir::Graph> kitchen_sink_graph(std::mt19937& rng) {
  auto top = std::make_shared<ir::Graph>("main");
  ir::Graph& g = *top;
  const ir::TensorShape batch4 = shape_of({ir::Dim::named("N"), 4});
  ir::Value* x = g.add_value("x", ftensor(batch4));
  g.add_input(x);
  ir::Value* w = g.add_value("w", ftensor(shape_of({4})));
  w->set_constant(random_float({4}, rng));
  g.add_input(w);
  ir::Value* cond = g.add_value("cond", ir::Type::tensor(DataType::Bool, shape_of({})));
  g.add_input(cond);

  const Shape shapes[] = {{}, {2, 3}, {3, 1, 2}, {5}};
  for (int raw = 1; raw <= kMaxDataType; ++raw) {
    const auto dtype = static_cast<DataType>(raw);
    const Shape& s = shapes[raw % 4];
    ir::Value* c = g.add_value("c_" + std::string(dtype_name(dtype)), ir::Type::tensor(dtype, ir::TensorShape::of(s)));
    c->set_constant(random_tensor(dtype, s, rng));
  }
  const std::vector<std::pair<DataType, Shape>> empties = {{DataType::Float, {0, 3}}, {DataType::String, {0}}, {DataType::Int4, {2, 0}}};
  for (const auto& [dtype, s] : empties) {
    ir::Value* c = g.add_value("empty_" + std::string(dtype_name(dtype)), ir::Type::tensor(dtype, ir::TensorShape::of(s)));
    c->set_constant(Tensor::zeros(dtype, s));
  }
  g.add_value("dangling", ir::Type::tensor(DataType::Int64, ir::TensorShape::unknown()));

  ir::Value* y = add(g, "", "Add", {x, w}, "y", ftensor(batch4));
  ir::Value* clip_max = g.add_value("clip_max", ftensor(shape_of({})));
  clip_max->set_constant(Tensor::from_vector<float>(DataType::Float, {}, {0.5f}));
  ir::Value* clipped = add(g, "", "Clip", {y, nullptr, clip_max}, "clipped", ftensor(batch4));
  ir::Value* dropped = g.add_value("dropped", ftensor(batch4));
  g.add_node(kind_of("", "Dropout"), "Dropout", "", "dropout", 13, {clipped}, {dropped, nullptr});
  ir::Attributes fused_attrs;
  fused_attrs.set("ops", ir::Attribute::of_strings({"Relu"}));
  ir::Value* fused = add(g, "hone", "FusedElementwise", {dropped}, "fused", ftensor(batch4), fused_attrs);
  ir::Attributes bin_attrs;
  bin_attrs.set("threshold", ir::Attribute::of_float(0.25f));
  ir::Value* binarized = add(g, "ai.onnx.ml", "Binarizer", {fused}, "binarized", ftensor(batch4), bin_attrs);

  ir::Attributes const_attrs;
  const_attrs.set("value", ir::Attribute::of_tensor(random_float({16, 16}, rng)));
  ir::Value* k = add(g, "", "Constant", {}, "k", ftensor(shape_of({16, 16})), const_attrs);

  // Every attribute type, on an Identity (unknown attributes are kept, and ignored by the op).
  ir::Attributes all;
  all.set("f", ir::Attribute::of_float(float_from_bits(0x7fc01234u)));
  all.set("f_neg_zero", ir::Attribute::of_float(-0.0f));
  all.set("i", ir::Attribute::of_int(std::numeric_limits<int64_t>::min()));
  all.set("s", ir::Attribute::of_string(std::string("a\0b\xff", 4)));
  all.set("t", ir::Attribute::of_tensor(random_tensor(DataType::Int8, {3, 3}, rng)));
  all.set("t_string", ir::Attribute::of_tensor(random_tensor(DataType::String, {2}, rng)));
  all.set("t_undefined", ir::Attribute::of_tensor(Tensor{}));
  all.set("g", ir::Attribute::of_graph(identity_graph("attr_graph", x)));
  ir::Attribute tp;
  tp.type = ir::AttrType::TypeProto;
  tp.tp = ir::Type::sequence(ir::Type::optional(ftensor(shape_of({ir::Dim::named("batch"), ir::Dim()}))));
  all.set("tp", tp);
  all.set("floats", ir::Attribute::of_floats({1.5f, -0.0f, std::numeric_limits<float>::quiet_NaN(),
                                              std::numeric_limits<float>::infinity()}));
  all.set("ints", ir::Attribute::of_ints({0, -1, std::numeric_limits<int64_t>::max()}));
  all.set("strings", ir::Attribute::of_strings({"", "x", std::string("\0", 1)}));
  ir::Attribute ts;
  ts.type = ir::AttrType::Tensors;
  ts.tensors = {random_tensor(DataType::Float16, {4}, rng), random_tensor(DataType::BFloat16, {2, 2}, rng),
                Tensor::zeros(DataType::Int32, {0}), Tensor{}};
  all.set("tensors", ts);
  ir::Attribute gs;
  gs.type = ir::AttrType::Graphs;
  gs.graphs = {identity_graph("graphs_0", nullptr), identity_graph("graphs_1", w)};
  all.set("graphs", gs);
  ir::Attribute tps;
  tps.type = ir::AttrType::TypeProtos;
  tps.tps = {ir::Type{}, ir::Type::tensor(DataType::Int64, ir::TensorShape::unknown()),
             ir::Type::optional(ir::Type::sequence(ir::Type::tensor(DataType::Complex64, shape_of({3}))))};
  all.set("tps", tps);
  ir::Value* k2 = add(g, "", "Identity", {k}, "k2", ftensor(shape_of({16, 16})), all);

  // If: then reads x (one graph up); else runs a Loop whose body reads w (two graphs up) and
  // whose carried value starts from `fused` (read by the Loop node, one graph up).
  auto then_g = identity_graph("then", x);
  auto else_g = std::make_shared<ir::Graph>("else");
  ir::Value* trips = else_g->add_value("trips", ir::Type::tensor(DataType::Int64, shape_of({})));
  trips->set_constant(Tensor::from_vector<int64_t>(DataType::Int64, {}, {3}));
  auto body = std::make_shared<ir::Graph>("body");
  ir::Value* iter = body->add_value("iter", ir::Type::tensor(DataType::Int64, shape_of({})));
  ir::Value* cond_in = body->add_value("cond_in", ir::Type::tensor(DataType::Bool, shape_of({})));
  ir::Value* carried = body->add_value("carried", ftensor(batch4));
  body->add_input(iter);
  body->add_input(cond_in);
  body->add_input(carried);
  ir::Value* cond_out = add(*body, "", "Identity", {cond_in}, "cond_out", ir::Type::tensor(DataType::Bool, shape_of({})));
  ir::Value* sum = add(*body, "", "Add", {carried, w}, "sum", ftensor(batch4));
  body->add_output(cond_out);
  body->add_output(sum);
  ir::Attributes loop_attrs;
  loop_attrs.set("body", ir::Attribute::of_graph(body));
  ir::Value* looped = add(*else_g, "", "Loop", {trips, nullptr, fused}, "looped", ftensor(batch4), loop_attrs);
  else_g->add_output(looped);
  else_g->metadata().emplace_back("branch", "else");
  else_g->opsets()[""] = 19;
  ir::Attributes if_attrs;
  if_attrs.set("then_branch", ir::Attribute::of_graph(then_g));
  if_attrs.set("else_branch", ir::Attribute::of_graph(else_g));
  ir::Value* branched = add(g, "", "If", {cond}, "branched", ftensor(batch4), if_attrs);

  ir::Attributes seq_attrs;
  seq_attrs.set("dtype", ir::Attribute::of_int(1));
  ir::Value* seq = add(g, "", "SequenceEmpty", {}, "seq", ir::Type::sequence(ftensor(ir::TensorShape::unknown())), seq_attrs);
  ir::Value* opt = add(g, "", "Optional", {x}, "opt", ir::Type::optional(ftensor(batch4)));
  ir::Value* unknown = add(g, "", "Identity", {binarized}, "unknown", ir::Type{});

  for (ir::Value* v : {branched, k2, seq, opt, unknown}) g.add_output(v);
  g.metadata() = {{"task", "detect"}, {"names", "{0: 'person'}"}};
  g.opsets() = {{"", 19}, {"ai.onnx.ml", 3}, {"hone", 1}};
  return top;
}

// A plan over `graph` with every plan field set and one layer per node: packed tensors
// (one sharing the storage of `shared`), workspaces and timings on some.
Plan plan_for(std::shared_ptr<ir::Graph> graph, std::mt19937& rng, const Tensor* shared = nullptr) {
  Plan plan;
  plan.device = "cpu";
  plan.device_name = "Test CPU @ 1 GHz";
  plan.required_isa = {"avx2", "fma"};
  plan.threads = 3;
  plan.build_options = {{"precision", "fp16"}, {"workspace", "1G"}};
  plan.memory = {1 << 20, 3 << 20, 12345, 4096};
  const DataType precisions[] = {DataType::Float, DataType::Float16, DataType::Int8};
  for (size_t i = 0; i < graph->nodes().size(); ++i) {
    Layer l;
    l.tactic = i % 2 ? "ref" : "cpu.f32_gemm_6x16_avx2";
    l.precision = precisions[i % 3];
    l.workspace_bytes = i * 1024;
    if (i % 3 == 0) l.packed = {random_float({7, 5}, rng), random_tensor(DataType::Int8, {64}, rng)};
    if (i % 3 == 2) {
      l.packed = {Tensor::zeros(DataType::Float, {0, 8})};
      if (shared) l.packed.push_back(*shared);
      l.timings = {{"cpu.f32_gemm_6x16_avx2", 0.25}, {"ref", 1.5 + static_cast<double>(i)}};
    }
    plan.layers.push_back(std::move(l));
  }
  for (const ir::Value* v : graph->runtime_inputs()) {
    if (v->type().is_tensor() && !v->type().shape.is_static() && v->type().shape.has_rank) {
      InputProfile p{v->name(), {}, {}, {}};
      for (const ir::Dim& d : v->type().shape.dims) {
        p.min.push_back(d.is_known() ? d.value : 1);
        p.opt.push_back(d.is_known() ? d.value : 8);
        p.max.push_back(d.is_known() ? d.value : 32);
      }
      plan.profiles.push_back(std::move(p));
    }
  }
  plan.graph = std::move(graph);
  return plan;
}

Plan kitchen_sink_plan(std::mt19937& rng) {
  auto g = kitchen_sink_graph(rng);
  const Tensor shared = g->find_value("w")->constant();
  return plan_for(std::move(g), rng, &shared);
}

// CPU features the test plans require, so they load on any x86-64 test machine.
const CpuFeatures& test_cpu() {
  static const CpuFeatures cpu = [] {
    CpuFeatures c;
    c.avx2 = true;
    c.fma = true;
    return c;
  }();
  return cpu;
}

LoadOptions test_options() {
  LoadOptions o;
  o.cpu = &test_cpu();
  return o;
}

Result<std::unique_ptr<ir::Graph>> import_model(const std::string& bytes) {
  return onnx_import::import_bytes(bytes.data(), bytes.size(), fs::temp_directory_path());
}

// A small CNN through the ONNX importer: symbolic batch, initializers, attributes.
std::string small_cnn_model(std::mt19937& rng) {
  onnx_import::ModelBuilder b(17);
  b.input("images", DataType::Float, {-1, 3, 8, 8});
  b.initializer("conv_w", random_float({4, 3, 3, 3}, rng));
  b.initializer("conv_b", random_float({4}, rng));
  b.initializer("fc_w", random_float({10, 4}, rng));
  b.initializer("fc_b", random_float({10}, rng));
  b.node("Conv", {"images", "conv_w", "conv_b"}, {"conv"}, "conv1",
         {{"pads", ir::Attribute::of_ints({1, 1, 1, 1})}, {"kernel_shape", ir::Attribute::of_ints({3, 3})}});
  b.node("Relu", {"conv"}, {"relu"}, "relu1");
  b.node("GlobalAveragePool", {"relu"}, {"pool"}, "gap");
  b.node("Flatten", {"pool"}, {"flat"}, "flatten");
  b.node("Gemm", {"flat", "fc_w", "fc_b"}, {"logits"}, "fc", {{"transB", ir::Attribute::of_int(1)}});
  b.node("Softmax", {"logits"}, {"probs"}, "softmax", {{"axis", ir::Attribute::of_int(1)}});
  b.output("probs", DataType::Float, {-1, 10});
  b.metadata("author", "test");
  return b.serialize();
}

// ---- comparing plans ------------------------------------------------------------------

void expect_types_equal(const ir::Type& a, const ir::Type& b, const std::string& where) {
  EXPECT_EQ(a.kind, b.kind) << where;
  EXPECT_EQ(a.dtype, b.dtype) << where;
  EXPECT_EQ(a.shape.has_rank, b.shape.has_rank) << where;
  ASSERT_EQ(a.shape.dims.size(), b.shape.dims.size()) << where;
  for (size_t i = 0; i < a.shape.dims.size(); ++i) {
    EXPECT_EQ(a.shape.dims[i].value, b.shape.dims[i].value) << where << " dim " << i;
    EXPECT_EQ(a.shape.dims[i].symbol, b.shape.dims[i].symbol) << where << " dim " << i;
  }
  ASSERT_EQ(a.element != nullptr, b.element != nullptr) << where;
  if (a.element) expect_types_equal(*a.element, *b.element, where + " element");
}

void expect_tensors_equal(const Tensor& a, const Tensor& b, const std::string& where) {
  ASSERT_EQ(a.defined(), b.defined()) << where;
  if (!a.defined()) return;
  EXPECT_TRUE(a.bit_equal(b)) << where << ": " << dtype_name(a.dtype()) << shape_to_string(a.shape()) << " vs "
                              << dtype_name(b.dtype()) << shape_to_string(b.shape());
}

using ValueMap = std::unordered_map<const ir::Value*, const ir::Value*>;

void expect_graphs_equal(const ir::Graph& a, const ir::Graph& b, ValueMap& map);

void expect_attrs_equal(const ir::Attribute& a, const ir::Attribute& b, ValueMap& map, const std::string& where) {
  ASSERT_EQ(a.type, b.type) << where;
  switch (a.type) {
    case ir::AttrType::Float: {
      uint32_t x, y;
      std::memcpy(&x, &a.f, 4);
      std::memcpy(&y, &b.f, 4);
      EXPECT_EQ(x, y) << where;
      break;
    }
    case ir::AttrType::Int: EXPECT_EQ(a.i, b.i) << where; break;
    case ir::AttrType::String: EXPECT_EQ(a.s, b.s) << where; break;
    case ir::AttrType::Tensor: expect_tensors_equal(a.t, b.t, where); break;
    case ir::AttrType::Graph: expect_graphs_equal(*a.g, *b.g, map); break;
    case ir::AttrType::TypeProto: expect_types_equal(a.tp, b.tp, where); break;
    case ir::AttrType::Floats:
      ASSERT_EQ(a.floats.size(), b.floats.size()) << where;
      EXPECT_EQ(std::memcmp(a.floats.data(), b.floats.data(), a.floats.size() * sizeof(float)), 0) << where;
      break;
    case ir::AttrType::Ints: EXPECT_EQ(a.ints, b.ints) << where; break;
    case ir::AttrType::Strings: EXPECT_EQ(a.strings, b.strings) << where; break;
    case ir::AttrType::Tensors:
      ASSERT_EQ(a.tensors.size(), b.tensors.size()) << where;
      for (size_t i = 0; i < a.tensors.size(); ++i) expect_tensors_equal(a.tensors[i], b.tensors[i], where + "[" + std::to_string(i) + "]");
      break;
    case ir::AttrType::Graphs:
      ASSERT_EQ(a.graphs.size(), b.graphs.size()) << where;
      for (size_t i = 0; i < a.graphs.size(); ++i) expect_graphs_equal(*a.graphs[i], *b.graphs[i], map);
      break;
    case ir::AttrType::TypeProtos:
      ASSERT_EQ(a.tps.size(), b.tps.size()) << where;
      for (size_t i = 0; i < a.tps.size(); ++i) expect_types_equal(a.tps[i], b.tps[i], where + "[" + std::to_string(i) + "]");
      break;
  }
}

// Field by field, with values identified across graphs through `map` (a captured value
// must be the corresponding value of the enclosing graph, not just one with the same name).
void expect_graphs_equal(const ir::Graph& a, const ir::Graph& b, ValueMap& map) {
  const std::string where = "graph '" + a.name() + "'";
  EXPECT_EQ(a.name(), b.name());
  ASSERT_EQ(a.values().size(), b.values().size()) << where;
  for (size_t i = 0; i < a.values().size(); ++i) {
    const ir::Value& va = *a.values()[i];
    const ir::Value& vb = *b.values()[i];
    const std::string vwhere = where + " value '" + va.name() + "'";
    EXPECT_EQ(va.name(), vb.name()) << vwhere;
    EXPECT_EQ(va.is_graph_input(), vb.is_graph_input()) << vwhere;
    EXPECT_EQ(vb.graph(), &b) << vwhere;
    expect_types_equal(va.type(), vb.type(), vwhere);
    expect_tensors_equal(va.constant(), vb.constant(), vwhere);
    map[&va] = &vb;
  }
  auto mapped = [&](const ir::Value* v) { return v ? map.at(v) : nullptr; };
  ASSERT_EQ(a.inputs().size(), b.inputs().size()) << where;
  for (size_t i = 0; i < a.inputs().size(); ++i) EXPECT_EQ(mapped(a.inputs()[i]), b.inputs()[i]) << where << " input " << i;
  ASSERT_EQ(a.nodes().size(), b.nodes().size()) << where;
  for (size_t i = 0; i < a.nodes().size(); ++i) {
    const ir::Node& na = *a.nodes()[i];
    const ir::Node& nb = *b.nodes()[i];
    const std::string nwhere = where + " node '" + na.name() + "'";
    EXPECT_EQ(na.kind(), nb.kind()) << nwhere;
    EXPECT_EQ(na.op_type(), nb.op_type()) << nwhere;
    EXPECT_EQ(na.domain(), nb.domain()) << nwhere;
    EXPECT_EQ(na.name(), nb.name()) << nwhere;
    EXPECT_EQ(na.opset(), nb.opset()) << nwhere;
    ASSERT_EQ(na.num_inputs(), nb.num_inputs()) << nwhere;
    ASSERT_EQ(na.num_outputs(), nb.num_outputs()) << nwhere;
    for (size_t k = 0; k < na.num_inputs(); ++k) EXPECT_EQ(mapped(na.input(k)), nb.input(k)) << nwhere << " input " << k;
    for (size_t k = 0; k < na.num_outputs(); ++k) EXPECT_EQ(mapped(na.output(k)), nb.output(k)) << nwhere << " output " << k;
    const auto& ia = na.attrs().items();
    const auto& ib = nb.attrs().items();
    ASSERT_EQ(ia.size(), ib.size()) << nwhere;
    for (size_t k = 0; k < ia.size(); ++k) {
      EXPECT_EQ(ia[k].first, ib[k].first) << nwhere;
      expect_attrs_equal(ia[k].second, ib[k].second, map, nwhere + " attribute '" + ia[k].first + "'");
    }
    for (const ir::Graph* sub : nb.subgraphs()) EXPECT_EQ(sub->parent(), &b) << nwhere;
  }
  ASSERT_EQ(a.outputs().size(), b.outputs().size()) << where;
  for (size_t i = 0; i < a.outputs().size(); ++i) EXPECT_EQ(mapped(a.outputs()[i]), b.outputs()[i]) << where << " output " << i;
  EXPECT_EQ(a.metadata(), b.metadata()) << where;
  EXPECT_EQ(a.opsets(), b.opsets()) << where;
}

void expect_plans_equal(const Plan& a, const Plan& b) {
  EXPECT_EQ(a.hone_version, b.hone_version);
  EXPECT_EQ(a.device, b.device);
  EXPECT_EQ(a.device_name, b.device_name);
  EXPECT_EQ(a.required_isa, b.required_isa);
  EXPECT_EQ(a.threads, b.threads);
  ASSERT_EQ(a.profiles.size(), b.profiles.size());
  for (size_t i = 0; i < a.profiles.size(); ++i) {
    EXPECT_EQ(a.profiles[i].name, b.profiles[i].name);
    EXPECT_EQ(a.profiles[i].min, b.profiles[i].min);
    EXPECT_EQ(a.profiles[i].opt, b.profiles[i].opt);
    EXPECT_EQ(a.profiles[i].max, b.profiles[i].max);
  }
  EXPECT_EQ(a.build_options, b.build_options);
  EXPECT_EQ(a.memory.arena_bytes, b.memory.arena_bytes);
  EXPECT_EQ(a.memory.activation_bytes, b.memory.activation_bytes);
  EXPECT_EQ(a.memory.weight_bytes, b.memory.weight_bytes);
  EXPECT_EQ(a.memory.workspace_bytes, b.memory.workspace_bytes);
  ASSERT_TRUE(b.graph);
  EXPECT_EQ(ir::print_graph(*a.graph), ir::print_graph(*b.graph));
  EXPECT_EQ(b.graph->parent(), nullptr);
  ValueMap map;
  expect_graphs_equal(*a.graph, *b.graph, map);
  ASSERT_EQ(a.layers.size(), b.layers.size());
  for (size_t i = 0; i < a.layers.size(); ++i) {
    const Layer& la = a.layers[i];
    const Layer& lb = b.layers[i];
    const std::string where = "layer " + std::to_string(i);
    EXPECT_EQ(la.tactic, lb.tactic) << where;
    EXPECT_EQ(la.precision, lb.precision) << where;
    EXPECT_EQ(la.workspace_bytes, lb.workspace_bytes) << where;
    ASSERT_EQ(la.packed.size(), lb.packed.size()) << where;
    for (size_t k = 0; k < la.packed.size(); ++k) expect_tensors_equal(la.packed[k], lb.packed[k], where + " packed");
    ASSERT_EQ(la.timings.size(), lb.timings.size()) << where;
    for (size_t k = 0; k < la.timings.size(); ++k) {
      EXPECT_EQ(la.timings[k].tactic, lb.timings[k].tactic) << where;
      EXPECT_EQ(la.timings[k].ms, lb.timings[k].ms) << where;
    }
  }
}

// Every numeric, non-empty tensor of a plan: constants, attribute tensors, packed weights.
void collect_tensors(const ir::Graph& g, std::vector<const Tensor*>* out) {
  auto take = [out](const Tensor& t) {
    if (t.defined() && t.dtype() != DataType::String && t.nbytes() > 0) out->push_back(&t);
  };
  for (const auto& v : g.values()) take(v->constant());
  for (const auto& n : g.nodes()) {
    for (const auto& [name, a] : n->attrs().items()) {
      take(a.t);
      for (const Tensor& t : a.tensors) take(t);
    }
    for (const ir::Graph* sub : n->subgraphs()) collect_tensors(*sub, out);
  }
}

std::vector<const Tensor*> numeric_tensors(const Plan& p) {
  std::vector<const Tensor*> out;
  collect_tensors(*p.graph, &out);
  for (const Layer& l : p.layers) {
    for (const Tensor& t : l.packed) {
      if (t.defined() && t.dtype() != DataType::String && t.nbytes() > 0) out.push_back(&t);
    }
  }
  return out;
}

size_t first_difference(const std::vector<uint8_t>& a, const std::vector<uint8_t>& b) {
  const size_t n = std::min(a.size(), b.size());
  for (size_t i = 0; i < n; ++i) {
    if (a[i] != b[i]) return i;
  }
  return n;
}

std::shared_ptr<const std::vector<uint8_t>> share(std::vector<uint8_t> bytes) {
  return std::make_shared<const std::vector<uint8_t>>(std::move(bytes));
}

// Serialize, load from memory, compare, serialize the loaded plan: the same bytes.
void expect_round_trip(const Plan& plan) {
  SCOPED_TRACE("random tensors from seed " + std::to_string(kSeed));
  auto bytes = serialize_plan(plan);
  ASSERT_TRUE(bytes.is_ok()) << bytes.status().to_string();
  auto loaded = load_plan_from_memory(share(*bytes), test_options());
  ASSERT_TRUE(loaded.is_ok()) << loaded.status().to_string();
  expect_plans_equal(plan, *loaded);
  auto again = serialize_plan(*loaded);
  ASSERT_TRUE(again.is_ok()) << again.status().to_string();
  EXPECT_EQ(again->size(), bytes->size());
  EXPECT_TRUE(*again == *bytes) << "re-serialized bytes first differ at offset " << first_difference(*again, *bytes);
}

// ---- reading and damaging files (layout from docs/engine-format.md) ---------------------

uint32_t read_u32(const std::vector<uint8_t>& b, size_t at) {
  uint32_t v;
  std::memcpy(&v, b.data() + at, 4);
  return v;
}
uint64_t read_u64(const std::vector<uint8_t>& b, size_t at) {
  uint64_t v;
  std::memcpy(&v, b.data() + at, 8);
  return v;
}
void write_u32(std::vector<uint8_t>& b, size_t at, uint32_t v) { std::memcpy(b.data() + at, &v, 4); }
void write_u64(std::vector<uint8_t>& b, size_t at, uint64_t v) { std::memcpy(b.data() + at, &v, 8); }

struct SectionInfo {
  size_t entry = 0;  // file offset of its table entry
  uint64_t offset = 0, size = 0;
};
constexpr uint32_t kMetadataKind = 1, kWeightsKind = 2;

SectionInfo section(const std::vector<uint8_t>& b, uint32_t kind) {
  const uint32_t count = read_u32(b, 24);
  for (uint32_t i = 0; i < count; ++i) {
    const size_t e = 64 + size_t{i} * 32;
    if (read_u32(b, e) == kind) return {e, read_u64(b, e + 8), read_u64(b, e + 16)};
  }
  ADD_FAILURE() << "no section of kind " << kind;
  return {};
}

void reseal(std::vector<uint8_t>& b) {
  Status s = reseal_checksums_for_testing(b);
  ASSERT_TRUE(s.is_ok()) << s.to_string();
}

// The mutable metadata root of an engine file held in `b`.
fb::Plan* metadata_of(std::vector<uint8_t>& b) { return fb::GetMutablePlan(b.data() + section(b, kMetadataKind).offset); }

std::string load_error(std::vector<uint8_t> bytes, const LoadOptions& options = test_options()) {
  auto r = load_plan_from_memory(share(std::move(bytes)), options);
  EXPECT_FALSE(r.is_ok()) << "the damaged engine loaded";
  return r.is_ok() ? std::string() : r.status().to_string();
}

// Kilobytes of anonymous (copied-on-write) memory in the mapping of this process that holds
// `addr`, from /proc/self/smaps; -1 when no mapping holds it.
long anonymous_kb(const void* addr) {
  std::ifstream smaps("/proc/self/smaps");
  const auto a = reinterpret_cast<uintptr_t>(addr);
  bool inside = false;
  for (std::string line; std::getline(smaps, line);) {
    unsigned long lo = 0, hi = 0;
    if (std::sscanf(line.c_str(), "%lx-%lx ", &lo, &hi) == 2) {
      inside = a >= lo && a < hi;
    } else if (inside && line.rfind("Anonymous:", 0) == 0) {
      return std::stol(line.substr(10));
    }
  }
  return -1;
}

#define EXPECT_CONTAINS(haystack, needle) EXPECT_NE((haystack).find(needle), std::string::npos) << (haystack)

class EngineFile : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("hone_engine_file_" + std::to_string(::getpid()) + "_" + ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    bytes_ = *serialize_plan(plan_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::mt19937 rng_{kSeed};
  Plan plan_ = kitchen_sink_plan(rng_);
  std::vector<uint8_t> bytes_;
  fs::path dir_;
};

// ---- round trips ----------------------------------------------------------------------

TEST_F(EngineFile, KitchenSinkPlanRoundTripsExactly) { expect_round_trip(plan_); }

// Other random strings move every FlatBuffer field: layouts the fixed seed does not produce
// (an empty int64 vector at a 4-byte boundary, once wrongly refused as misaligned).
TEST_F(EngineFile, KitchenSinkPlansOfOtherSeedsRoundTrip) {
  for (uint32_t seed = 1; seed <= 16; ++seed) {
    SCOPED_TRACE("kitchen-sink seed " + std::to_string(seed));
    std::mt19937 rng(seed);
    expect_round_trip(kitchen_sink_plan(rng));
  }
}

TEST_F(EngineFile, SerializationIsDeterministic) {
  std::mt19937 rng(kSeed);
  auto again = serialize_plan(kitchen_sink_plan(rng));
  ASSERT_TRUE(again.is_ok()) << again.status().to_string();
  EXPECT_TRUE(*again == bytes_) << "first difference at " << first_difference(*again, bytes_);
}

TEST_F(EngineFile, ImportedModelRoundTrips) {
  auto g = import_model(small_cnn_model(rng_));
  ASSERT_TRUE(g.is_ok()) << g.status().to_string();
  expect_round_trip(plan_for(std::shared_ptr<ir::Graph>(std::move(*g)), rng_));
}

TEST_F(EngineFile, YoloV8nRoundTrips) {
  const fs::path model = kSharedDir / "models" / "yolov8n.onnx";
  if (!fs::exists(model)) GTEST_SKIP() << model << " is absent (shared test data)";
  auto g = onnx_import::import_file(model);
  ASSERT_TRUE(g.is_ok()) << g.status().to_string();
  expect_round_trip(plan_for(std::shared_ptr<ir::Graph>(std::move(*g)), rng_));
}

TEST_F(EngineFile, SharedStorageIsStoredOnceAndStaysShared) {
  auto loaded = load_plan_from_memory(share(bytes_), test_options());
  ASSERT_TRUE(loaded.is_ok()) << loaded.status().to_string();
  // plan_for() put w's constant into the packed tensors of layer 2.
  const Tensor& w = loaded->graph->find_value("w")->constant();
  ASSERT_EQ(loaded->layers[2].packed.size(), 2u);
  EXPECT_EQ(loaded->layers[2].packed[1].raw(), w.raw());
}

TEST_F(EngineFile, SavedFileLoadsWithConstantsMappedInPlace) {
  const std::string path = (dir_ / "kitchen.engine").string();
  ASSERT_TRUE(save_plan(plan_, path).is_ok());
  auto loaded = load_plan(path, test_options());
  ASSERT_TRUE(loaded.is_ok()) << loaded.status().to_string();
  expect_plans_equal(plan_, *loaded);

  const auto* base = static_cast<const uint8_t*>(loaded->backing.get());
  ASSERT_NE(base, nullptr);
  const uint64_t file_size = fs::file_size(path);
  const std::vector<const Tensor*> tensors = numeric_tensors(*loaded);
  EXPECT_GT(tensors.size(), 30u);
  for (const Tensor* t : tensors) {
    const auto* p = static_cast<const uint8_t*>(t->raw());
    EXPECT_TRUE(p >= base && p + t->nbytes() <= base + file_size)
        << dtype_name(t->dtype()) << shape_to_string(t->shape()) << " at " << static_cast<const void*>(p)
        << " is outside the mapping [" << static_cast<const void*>(base) << ", +" << file_size << ")";
    EXPECT_EQ(reinterpret_cast<uintptr_t>(p) % 64, 0u) << static_cast<const void*>(p);
  }
  // Nothing was copied; the mapping is private and writable: a write copies one page, and
  // changes this process's view only.
  EXPECT_EQ(anonymous_kb(base), 0);
  Tensor& w = const_cast<Tensor&>(loaded->graph->find_value("w")->constant());
  w.data<float>()[0] = 42.0f;
  EXPECT_EQ(anonymous_kb(base), ::sysconf(_SC_PAGESIZE) / 1024);
  auto again = load_plan(path, test_options());
  ASSERT_TRUE(again.is_ok()) << again.status().to_string();
  EXPECT_TRUE(again->graph->find_value("w")->constant().bit_equal(plan_.graph->find_value("w")->constant()));
}

// Tensors of `plan` must be 64-byte aligned and lie inside [data, data + size) exactly when
// the loader was expected to view the caller's bytes rather than copy them.
void expect_views(const Plan& plan, const uint8_t* data, size_t size, bool viewed) {
  for (const Tensor* t : numeric_tensors(plan)) {
    const auto* p = static_cast<const uint8_t*>(t->raw());
    EXPECT_EQ(reinterpret_cast<uintptr_t>(p) % 64, 0u) << static_cast<const void*>(p);
    EXPECT_EQ(p >= data && p < data + size, viewed) << (viewed ? "a tensor was copied" : "a tensor views misaligned bytes");
  }
}

TEST_F(EngineFile, MemoryIsViewedWhenAlignedAndCopiedOnceWhenNot) {
  // One aligned buffer holding the file twice: at +0 (aligned) and at +64+16 (misaligned).
  const size_t stride = (bytes_.size() + 63) / 64 * 64 + 64;
  std::shared_ptr<uint8_t> storage(static_cast<uint8_t*>(std::aligned_alloc(64, 2 * stride)), std::free);
  ASSERT_NE(storage, nullptr);
  for (size_t at : {size_t{0}, stride + 16}) {
    std::copy(bytes_.begin(), bytes_.end(), storage.get() + at);
    auto loaded = load_plan_from_memory(std::span<const uint8_t>(storage.get() + at, bytes_.size()), storage, test_options());
    ASSERT_TRUE(loaded.is_ok()) << loaded.status().to_string();
    expect_plans_equal(plan_, *loaded);
    expect_views(*loaded, storage.get() + at, bytes_.size(), at == 0);
  }
  // A vector is viewed or copied depending on where the allocator put it.
  auto shared = share(bytes_);
  auto loaded = load_plan_from_memory(shared, test_options());
  ASSERT_TRUE(loaded.is_ok()) << loaded.status().to_string();
  expect_views(*loaded, shared->data(), shared->size(), reinterpret_cast<uintptr_t>(shared->data()) % 64 == 0);
}

TEST_F(EngineFile, SubgraphHeldTwiceIsRefusedByTheWriter) {
  // The same subgraph under two attributes cannot be stored once with one parent.
  auto g = std::make_shared<ir::Graph>("main");
  ir::Value* c = g->add_value("c", ir::Type::tensor(DataType::Bool, shape_of({})));
  g->add_input(c);
  auto branch = identity_graph("branch", nullptr);
  ir::Attributes a;
  a.set("then_branch", ir::Attribute::of_graph(branch));
  a.set("else_branch", ir::Attribute::of_graph(branch));
  g->add_output(add(*g, "", "If", {c}, "out", ftensor(shape_of({2})), a));
  auto r = serialize_plan(plan_for(g, rng_));
  ASSERT_FALSE(r.is_ok());
  EXPECT_EQ(r.status().code(), StatusCode::Unsupported);
  EXPECT_CONTAINS(r.status().to_string(), "held by more than one attribute");
}

// ---- saving ---------------------------------------------------------------------------

TEST_F(EngineFile, SaveIntoMissingFolderIsAnIoError) {
  const std::string path = (dir_ / "no" / "such" / "x.engine").string();
  Status s = save_plan(plan_, path);
  EXPECT_EQ(s.code(), StatusCode::IoError) << s.to_string();
  EXPECT_CONTAINS(s.to_string(), path);
  EXPECT_FALSE(fs::exists(path));
}

TEST_F(EngineFile, FailedSaveLeavesNoFileBehind) {
  // Renaming a file over a directory fails after the temporary file was written.
  const fs::path target = dir_ / "engine_dir";
  fs::create_directories(target / "child");
  Status s = save_plan(plan_, target.string());
  EXPECT_EQ(s.code(), StatusCode::IoError) << s.to_string();
  std::vector<std::string> left;
  for (const auto& e : fs::directory_iterator(dir_)) left.push_back(e.path().filename().string());
  EXPECT_EQ(left, std::vector<std::string>{"engine_dir"}) << "a temporary file was left behind";
}

TEST_F(EngineFile, SaveReplacesAnExistingEngine) {
  const std::string path = (dir_ / "x.engine").string();
  ASSERT_TRUE(save_plan(plan_, path).is_ok());
  plan_.device_name = "second";
  ASSERT_TRUE(save_plan(plan_, path).is_ok());
  auto loaded = load_plan(path, test_options());
  ASSERT_TRUE(loaded.is_ok()) << loaded.status().to_string();
  EXPECT_EQ(loaded->device_name, "second");
}

// ---- refusals: the container ----------------------------------------------------------

TEST_F(EngineFile, RefusalNamesTheFile) {
  const std::string path = (dir_ / "bad.engine").string();
  { std::ofstream(path) << "this is not an engine"; }
  auto r = load_plan(path, test_options());
  ASSERT_FALSE(r.is_ok());
  EXPECT_EQ(r.status().to_string(), "'" + path + "': not a Hone engine file (it does not start with \"HONEENG1\")");
  auto missing = load_plan((dir_ / "absent.engine").string());
  ASSERT_FALSE(missing.is_ok());
  EXPECT_EQ(missing.status().code(), StatusCode::NotFound);
  EXPECT_CONTAINS(missing.status().to_string(), "absent.engine': cannot open");
}

TEST_F(EngineFile, RefusesWrongMagic) {
  bytes_[3] ^= 0x20;
  EXPECT_CONTAINS(load_error(bytes_), "'<memory>': not a Hone engine file");
  EXPECT_CONTAINS(load_error({}), "empty file; not a Hone engine file");
}

TEST_F(EngineFile, RefusesOtherFormatVersion) {
  write_u32(bytes_, 8, kEngineFormatVersion + 1);
  const std::string e = load_error(bytes_);
  EXPECT_CONTAINS(e, "engine file format version " + std::to_string(kEngineFormatVersion + 1));
  EXPECT_CONTAINS(e, "this build of Hone reads version " + std::to_string(kEngineFormatVersion));
  EXPECT_CONTAINS(e, "rebuild the engine with `hone build`");
}

TEST_F(EngineFile, RefusesTruncatedFiles) {
  std::vector<uint8_t> cut(bytes_.begin(), bytes_.end() - 1);
  EXPECT_CONTAINS(load_error(cut), "truncated: the file is " + std::to_string(cut.size()) + " bytes, its header says " +
                                       std::to_string(bytes_.size()));
  EXPECT_CONTAINS(load_error({bytes_.begin(), bytes_.begin() + 40}), "truncated: the file is 40 bytes, shorter than the 64-byte header");
  EXPECT_CONTAINS(load_error({bytes_.begin(), bytes_.begin() + 80}), "its section table ends at byte");
}

TEST_F(EngineFile, RefusesSectionBeyondTheEnd) {
  const SectionInfo w = section(bytes_, kWeightsKind);
  write_u64(bytes_, w.entry + 16, w.size + 4096);
  reseal(bytes_);
  EXPECT_CONTAINS(load_error(bytes_), "truncated: section WEIGHTS (bytes " + std::to_string(w.offset) + " + " +
                                          std::to_string(w.size + 4096) + ") extends beyond the end of the file");
}

TEST_F(EngineFile, RefusesChecksumMismatchNamingTheSection) {
  const SectionInfo m = section(bytes_, kMetadataKind);
  const SectionInfo w = section(bytes_, kWeightsKind);
  std::vector<uint8_t> meta = bytes_;
  meta[m.offset + m.size / 2] ^= 1;
  EXPECT_CONTAINS(load_error(meta), "checksum mismatch in section METADATA");
  std::vector<uint8_t> weights = bytes_;
  weights[w.offset + w.size / 2] ^= 1;
  EXPECT_CONTAINS(load_error(weights), "checksum mismatch in section WEIGHTS");
  // The weights checksum can be skipped for trusted files; the metadata one cannot.
  LoadOptions trusting = test_options();
  trusting.verify_weights = false;
  EXPECT_TRUE(load_plan_from_memory(share(weights), trusting).is_ok());
  EXPECT_CONTAINS(load_error(meta, trusting), "checksum mismatch in section METADATA");
  std::vector<uint8_t> header = bytes_;
  header[17] ^= 1;  // file size
  EXPECT_CONTAINS(load_error(header), "header checksum mismatch");
}

TEST_F(EngineFile, RefusesNonzeroPadding) {
  // Lengthen a string until the metadata does not end on a 64-byte boundary: then padding
  // separates it from WEIGHTS.
  for (int extra = 0; extra < 64; ++extra) {
    plan_.device_name += "x";
    std::vector<uint8_t> bytes = *serialize_plan(plan_);
    const SectionInfo m = section(bytes, kMetadataKind);
    const SectionInfo w = section(bytes, kWeightsKind);
    if (w.offset == m.offset + m.size) continue;
    bytes[w.offset - 1] = 7;
    EXPECT_CONTAINS(load_error(bytes), "nonzero padding before section WEIGHTS");
    return;
  }
  FAIL() << "the metadata always ended on a 64-byte boundary";
}

TEST_F(EngineFile, RefusesUnknownFlags) {
  write_u64(bytes_, 32, 4);
  reseal(bytes_);
  EXPECT_CONTAINS(load_error(bytes_), "unknown header flags 0x4");
}

TEST_F(EngineFile, RefusesMissingWeightsSection) {
  const SectionInfo w = section(bytes_, kWeightsKind);
  write_u32(bytes_, w.entry, 99);  // an unknown kind is skipped, so WEIGHTS is missing
  reseal(bytes_);
  EXPECT_CONTAINS(load_error(bytes_), "no WEIGHTS section");
}

TEST_F(EngineFile, RefusesMetadataThatFailsVerification) {
  const SectionInfo m = section(bytes_, kMetadataKind);
  write_u32(bytes_, m.offset, 0x7ffffff0);  // root table offset far outside the buffer
  reseal(bytes_);
  EXPECT_CONTAINS(load_error(bytes_), "METADATA section fails FlatBuffer verification");
}

// ---- refusals: the metadata ------------------------------------------------------------

// NOTE: FlatBuffers omits fields equal to their default, and in-place mutation can only
// change fields that are present, so these tests damage fields whose value is not the default.

// The value table index of the value named `name`, or -1.
int value_index(const fb::Plan* root, const std::string& name) {
  for (uint32_t i = 0; i < root->values()->size(); ++i) {
    if (root->values()->Get(i)->name()->str() == name) return static_cast<int>(i);
  }
  return -1;
}

// The constant of the value named `name`, mutable.
fb::Tensor* constant_named(fb::Plan* root, const std::string& name) {
  const int i = value_index(root, name);
  return i < 0 ? nullptr : root->mutable_values()->GetMutableObject(static_cast<uint32_t>(i))->mutable_constant();
}

// The attribute `name` of a node of graph 0, mutable.
fb::Attribute* top_attribute(fb::Plan* root, const std::string& name) {
  auto* nodes = root->mutable_graphs()->GetMutableObject(0)->mutable_nodes();
  for (uint32_t i = 0; i < nodes->size(); ++i) {
    auto* attrs = nodes->GetMutableObject(i)->mutable_attributes();
    for (uint32_t k = 0; attrs && k < attrs->size(); ++k) {
      if (attrs->Get(k)->name()->str() == name) return attrs->GetMutableObject(k);
    }
  }
  return nullptr;
}

TEST_F(EngineFile, RefusesInvalidDtype) {
  fb::Tensor* t = constant_named(metadata_of(bytes_), "w");
  ASSERT_NE(t, nullptr);
  ASSERT_TRUE(t->mutate_dtype(99));
  reseal(bytes_);
  EXPECT_CONTAINS(load_error(bytes_), "value 1 ('w') constant has invalid element type 99");
}

TEST_F(EngineFile, RefusesNegativeDim) {
  fb::Tensor* t = constant_named(metadata_of(bytes_), "w");
  ASSERT_NE(t, nullptr);
  t->mutable_shape()->Mutate(0, -4);
  reseal(bytes_);
  EXPECT_CONTAINS(load_error(bytes_), "value 1 ('w') constant has negative dimension -4");
}

TEST_F(EngineFile, RefusesSizeOverflow) {
  // c_float16 (dtype 10) has shape [3,1,2]: make it [2^32, 1, 2^32].
  fb::Tensor* t = constant_named(metadata_of(bytes_), "c_float16");
  ASSERT_NE(t, nullptr);
  t->mutable_shape()->Mutate(0, int64_t{1} << 32);
  t->mutable_shape()->Mutate(2, int64_t{1} << 32);
  reseal(bytes_);
  EXPECT_CONTAINS(load_error(bytes_), "('c_float16') constant: size overflow");
}

TEST_F(EngineFile, RefusesTensorOutsideWeights) {
  fb::Tensor* t = constant_named(metadata_of(bytes_), "c_double");
  ASSERT_NE(t, nullptr);
  const uint64_t weights = section(bytes_, kWeightsKind).size;
  ASSERT_TRUE(t->mutate_offset((weights + 64) / 64 * 64));
  reseal(bytes_);
  EXPECT_CONTAINS(load_error(bytes_), "do not fit the WEIGHTS section (" + std::to_string(weights) + " bytes)");
}

TEST_F(EngineFile, RefusesTensorSizeThatMismatchesItsShape) {
  fb::Tensor* t = constant_named(metadata_of(bytes_), "w");
  ASSERT_NE(t, nullptr);
  ASSERT_TRUE(t->mutate_size(15));
  reseal(bytes_);
  EXPECT_CONTAINS(load_error(bytes_), "value 1 ('w') constant (float[4]) records 15 bytes; its shape needs 16");
}

TEST_F(EngineFile, RefusesMisalignedTensor) {
  fb::Tensor* t = constant_named(metadata_of(bytes_), "c_double");
  ASSERT_NE(t, nullptr);
  ASSERT_TRUE(t->mutate_offset(t->offset() + 4));
  reseal(bytes_);
  EXPECT_CONTAINS(load_error(bytes_), "not a multiple of 64");
}

TEST_F(EngineFile, RefusesBoolOutsideZeroAndOne) {
  const fb::Tensor* t = constant_named(metadata_of(bytes_), "c_bool");
  ASSERT_NE(t, nullptr);
  bytes_[section(bytes_, kWeightsKind).offset + t->offset()] = 2;
  reseal(bytes_);
  EXPECT_CONTAINS(load_error(bytes_), "('c_bool') constant (bool[2,3]) holds values outside its element type's range");
}

TEST_F(EngineFile, RefusesValueIndexOutOfRange) {
  fb::Plan* root = metadata_of(bytes_);
  auto* node = root->mutable_graphs()->GetMutableObject(0)->mutable_nodes()->GetMutableObject(0);
  node->mutable_inputs()->Mutate(0, 100000);
  reseal(bytes_);
  EXPECT_CONTAINS(load_error(bytes_), "graph 0 ('main') node 0 ('y_node') refers to value 100000 out of range");
}

TEST_F(EngineFile, RefusesValueOfUnknownGraph) {
  fb::Plan* root = metadata_of(bytes_);
  const int trips = value_index(root, "trips");  // a value of the else branch (graph 5)
  ASSERT_GE(trips, 0);
  ASSERT_TRUE(root->mutable_values()->GetMutableObject(static_cast<uint32_t>(trips))->mutate_graph(77));
  reseal(bytes_);
  EXPECT_CONTAINS(load_error(bytes_), "value " + std::to_string(trips) + " ('trips') has graph index 77 out of range");
}

TEST_F(EngineFile, RefusesGraphTreeViolations) {
  std::vector<uint8_t> parent = bytes_;
  ASSERT_TRUE(metadata_of(parent)->mutable_graphs()->GetMutableObject(2)->mutate_parent(5));
  reseal(parent);
  EXPECT_CONTAINS(load_error(parent), "graph 2 has parent index 5 out of range");

  // The If node's then_branch pointing at the Loop body (a grandchild) is refused.
  fb::Plan* root = metadata_of(bytes_);
  int body = -1;
  for (uint32_t i = 0; i < root->graphs()->size(); ++i) {
    if (root->graphs()->Get(i)->name()->str() == "body") body = static_cast<int>(i);
  }
  ASSERT_GE(body, 0);
  fb::Attribute* then_attr = top_attribute(root, "then_branch");
  ASSERT_NE(then_attr, nullptr);
  ASSERT_TRUE(then_attr->mutate_g(static_cast<uint32_t>(body)));
  reseal(bytes_);
  EXPECT_CONTAINS(load_error(bytes_), "attribute 'then_branch' refers to graph " + std::to_string(body) +
                                          ", which is out of range, not a subgraph of this graph, or already held");
}

TEST_F(EngineFile, RefusesUnknownOperatorByName) {
  fb::Plan* root = metadata_of(bytes_);
  for (uint32_t i = 0; i < root->ops()->size(); ++i) {
    auto* name = root->mutable_ops()->GetMutableObject(i)->mutable_name();
    if (name->str() == "Binarizer") {
      name->Mutate(0, 'Q');
      break;
    }
  }
  reseal(bytes_);
  const std::string e = load_error(bytes_);
  EXPECT_CONTAINS(e, "unknown operator 'ai.onnx.ml::Qinarizer': this build of Hone does not implement it");
}

TEST_F(EngineFile, RefusesOutOfRangeEnums) {
  std::vector<uint8_t> attr = bytes_;
  fb::Attribute* ops = top_attribute(metadata_of(attr), "ops");
  ASSERT_NE(ops, nullptr);
  ASSERT_TRUE(ops->mutate_type(static_cast<fb::AttrType>(200)));
  reseal(attr);
  EXPECT_CONTAINS(load_error(attr), "attribute 'ops' has attribute type 200 out of range");

  ASSERT_TRUE(metadata_of(bytes_)->mutable_values()->GetMutableObject(0)->mutable_type()->mutate_kind(
      static_cast<fb::TypeKind>(9)));
  reseal(bytes_);
  EXPECT_CONTAINS(load_error(bytes_), "value 0 ('x') has type kind 9 out of range");
}

TEST_F(EngineFile, RefusesDuplicateAttribute) {
  fb::Attribute* i = top_attribute(metadata_of(bytes_), "i");
  ASSERT_NE(i, nullptr);
  i->mutable_name()->Mutate(0, 'f');
  reseal(bytes_);
  EXPECT_CONTAINS(load_error(bytes_), "node 6 ('k2_node') has attribute 'f' twice");
}

TEST_F(EngineFile, GraphAttributeWithoutGraphIsRefusedByTheWriter) {
  auto g = std::make_shared<ir::Graph>("main");
  ir::Value* x = g->add_value("x", ftensor(shape_of({2})));
  g->add_input(x);
  ir::Attributes a;
  a.set("body", ir::Attribute::of_graph(nullptr));
  g->add_output(add(*g, "", "Identity", {x}, "y", ftensor(shape_of({2})), a));
  auto r = serialize_plan(plan_for(g, rng_));
  ASSERT_FALSE(r.is_ok());
  EXPECT_EQ(r.status().to_string(), "node 'y_node' (Identity): attribute 'body' holds no graph");
}

// Plans the writer stores without judging them; the loader refuses them.
TEST_F(EngineFile, RefusesGraphThatFailsVerification) {
  auto g = std::make_shared<ir::Graph>("main");
  ir::Value* x = g->add_value("x", ftensor(shape_of({2})));
  g->add_input(x);
  ir::Value* a = g->add_value("a", ftensor(shape_of({2})));
  ir::Value* b = add(*g, "", "Relu", {a}, "b", ftensor(shape_of({2})));  // reads a before it exists
  g->add_node(kind_of("", "Relu"), "Relu", "", "makes_a", 19, {x}, {a});
  g->add_output(b);
  auto bytes = serialize_plan(plan_for(g, rng_));
  ASSERT_TRUE(bytes.is_ok()) << bytes.status().to_string();
  EXPECT_CONTAINS(load_error(*bytes), "node 'b_node' (Relu) reads 'a' before it is produced");
}

TEST_F(EngineFile, RefusesNodeThatFailsValidation) {
  auto g = std::make_shared<ir::Graph>("main");
  ir::Value* x = g->add_value("x", ftensor(shape_of({2})));
  g->add_input(x);
  g->add_output(add(*g, "", "Relu", {x, x}, "y", ftensor(shape_of({2}))));
  auto bytes = serialize_plan(plan_for(g, rng_));
  ASSERT_TRUE(bytes.is_ok()) << bytes.status().to_string();
  EXPECT_CONTAINS(load_error(*bytes), "node 'y_node' (Relu): has 2 inputs, expected 1");
}

TEST_F(EngineFile, RefusesLayerCountThatDiffersFromNodeCount) {
  const size_t nodes = plan_.graph->nodes().size();
  plan_.layers.pop_back();
  auto bytes = serialize_plan(plan_);
  ASSERT_TRUE(bytes.is_ok()) << bytes.status().to_string();
  EXPECT_CONTAINS(load_error(*bytes), std::to_string(nodes - 1) + " layers for " + std::to_string(nodes) + " nodes");
}

TEST_F(EngineFile, RefusesInconsistentProfile) {
  plan_.profiles[0].min[0] = 64;
  auto bytes = serialize_plan(plan_);
  ASSERT_TRUE(bytes.is_ok()) << bytes.status().to_string();
  EXPECT_CONTAINS(load_error(*bytes), "input profile 'x' dimension 0 breaks 0 <= min <= opt <= max");
}

TEST_F(EngineFile, RefusesOtherDevice) {
  plan_.device = "cuda";
  auto bytes = serialize_plan(plan_);
  ASSERT_TRUE(bytes.is_ok()) << bytes.status().to_string();
  const std::string e = load_error(*bytes);
  EXPECT_EQ(e, "'<memory>': engine was built for device 'cuda'; this process runs on 'cpu' (run it with --device cuda)");
  // Loaded for device cuda, it still needs this build's CUDA backend, a GPU, and the GPU
  // architecture it records (none here): refused on every machine, with one line
  // (tests/cuda checks each case).
  LoadOptions cuda = test_options();
  cuda.device = "cuda";
  auto loaded = load_plan_from_memory(share(*bytes), cuda);
  ASSERT_FALSE(loaded.is_ok());
  EXPECT_EQ(loaded.status().to_string().find('\n'), std::string::npos);
}

TEST_F(EngineFile, RefusesMissingCpuFeaturesListingThem) {
  plan_.required_isa = {"avx2", "avx512f", "avx512_vnni"};
  auto bytes = serialize_plan(plan_);
  ASSERT_TRUE(bytes.is_ok()) << bytes.status().to_string();
  const CpuFeatures only_avx2 = test_cpu();
  LoadOptions o;
  o.cpu = &only_avx2;
  const std::string e = load_error(*bytes, o);
  EXPECT_CONTAINS(e, "engine needs CPU features this CPU lacks: avx512f, avx512_vnni (it was built on 'Test CPU @ 1 GHz')");
  // Without options.cpu the host is asked: the plan loads exactly when the host has them all.
  auto host = load_plan_from_memory(share(*bytes));
  EXPECT_EQ(host.is_ok(), CpuFeatures::host().missing(plan_.required_isa).empty()) << host.status().to_string();
}

// ---- damaged files never crash --------------------------------------------------------

Plan fuzz_plan(std::mt19937& rng) {
  const fs::path model = kSharedDir / "models" / "yolov8n.onnx";
  if (fs::exists(model)) {
    auto g = onnx_import::import_file(model);
    EXPECT_TRUE(g.is_ok()) << g.status().to_string();
    if (g.is_ok()) return plan_for(std::shared_ptr<ir::Graph>(std::move(*g)), rng);
  }
  std::printf("fuzzing the kitchen-sink plan: %s is absent\n", model.c_str());
  return kitchen_sink_plan(rng);
}

// Loads `bytes` (kept alive by `owner`); when that succeeds the plan must be usable: print
// it, and (for the first `*reserialize` successes) serialize it again and load that. The
// weights checksum is skipped when the test left WEIGHTS intact.
bool load_and_use(std::span<const uint8_t> bytes, const std::shared_ptr<const void>& owner, bool verify_weights,
                  int* reserialize) {
  LoadOptions options = test_options();
  options.verify_weights = verify_weights;
  auto r = load_plan_from_memory(bytes, owner, options);
  if (!r.is_ok()) {
    EXPECT_FALSE(r.status().message().empty());
    return false;
  }
  EXPECT_FALSE(ir::print_graph(*r->graph).empty());
  if (*reserialize > 0) {
    --*reserialize;
    auto again = serialize_plan(*r);
    EXPECT_TRUE(again.is_ok()) << again.status().to_string();
    if (again.is_ok()) {
      auto reloaded = load_plan_from_memory(share(std::move(*again)), options);
      EXPECT_TRUE(reloaded.is_ok()) << reloaded.status().to_string();
    }
  }
  return true;
}

TEST(EngineFileFuzz, DamagedFilesGiveErrorsNeverCrashes) {
  std::mt19937 rng(kSeed);
  const Plan plan = fuzz_plan(rng);
  auto serialized = serialize_plan(plan);
  ASSERT_TRUE(serialized.is_ok()) << serialized.status().to_string();
  const std::vector<uint8_t> pristine = std::move(*serialized);
  const size_t size = pristine.size();
  const SectionInfo meta = section(pristine, kMetadataKind);
  std::printf("fuzzing a %zu-byte engine (metadata %llu bytes), seed %u\n", size,
              static_cast<unsigned long long>(meta.size), kSeed);
  // One 64-byte aligned buffer (so loads view it rather than copy it), damaged and repaired
  // in place; the plans loaded from it are gone by then.
  std::shared_ptr<uint8_t> storage(static_cast<uint8_t*>(std::aligned_alloc(64, (size + 63) / 64 * 64)), std::free);
  ASSERT_NE(storage, nullptr);
  const std::span<uint8_t> bytes(storage.get(), size);
  std::copy(pristine.begin(), pristine.end(), bytes.begin());
  int reserialize = 200;

  // (a) Truncation: every length through the header and table, then a spread. A cut file
  // can never load (the header records the size).
  std::vector<size_t> lengths;
  for (size_t n = 0; n <= 64 + 32 * 2 + 64; ++n) lengths.push_back(n);
  for (size_t k = 0; k < 400; ++k) lengths.push_back(std::min(size - 1, size * k / 400 + rng() % 64));
  lengths.push_back(size - 1);
  for (size_t n : lengths) {
    EXPECT_FALSE(load_and_use(bytes.first(n), storage, true, &reserialize)) << "a file cut to " << n << " bytes loaded";
  }

  // (b) One flipped byte anywhere: checksums and zero padding catch every one of them.
  for (size_t k = 0; k < 3000; ++k) {
    const size_t at = std::min(size - 1, size * k / 3000 + rng() % 97);
    const auto mask = static_cast<uint8_t>(1 + rng() % 255);
    bytes[at] ^= mask;
    EXPECT_FALSE(load_and_use(bytes, storage, true, &reserialize))
        << "a file with byte " << at << " flipped by " << int(mask) << " loaded";
    bytes[at] ^= mask;
  }

  // (c) Flips inside METADATA with the checksums re-sealed: the verifier and the structural
  // checks must stop every bad one; the others are valid plans.
  const std::vector<uint8_t> table(pristine.begin(), pristine.begin() + 64 + 32 * 2);
  int refused = 0, loaded = 0;
  for (size_t k = 0; k < 3000; ++k) {
    const size_t at = meta.offset + rng() % meta.size;
    const size_t n = std::min<size_t>(4, meta.offset + meta.size - at);
    const std::vector<uint8_t> saved(bytes.begin() + static_cast<std::ptrdiff_t>(at),
                                     bytes.begin() + static_cast<std::ptrdiff_t>(at + n));
    if (k % 2 == 0) {
      bytes[at] ^= static_cast<uint8_t>(1u << (rng() % 8));
    } else {
      // A random 32-bit word (offsets, counts and indices are 32-bit).
      for (size_t i = 0; i < n; ++i) bytes[at + i] = static_cast<uint8_t>(rng());
    }
    ASSERT_TRUE(reseal_checksums_for_testing(bytes).is_ok());
    (load_and_use(bytes, storage, false, &reserialize) ? loaded : refused)++;
    std::copy(saved.begin(), saved.end(), bytes.begin() + static_cast<std::ptrdiff_t>(at));
    std::copy(table.begin(), table.end(), bytes.begin());
  }
  std::printf("re-sealed metadata damage: %d refused, %d loaded as valid plans\n", refused, loaded);
  EXPECT_GT(refused, 0);
  EXPECT_TRUE(std::equal(bytes.begin(), bytes.end(), pristine.begin()));
}

// ---- a big plan: load time ------------------------------------------------------------

// light_resnet50 holds its weights as ConstantOfShape nodes; make them initializers with
// random values so the plan carries ResNet-50's ~100 MB of weights.
std::shared_ptr<ir::Graph> resnet50_with_weights(std::mt19937& rng) {
  const fs::path model = kSharedDir / "onnx-backend-tests" / "light" / "light_resnet50.onnx";
  if (!fs::exists(model)) return nullptr;
  auto imported = onnx_import::import_file(model);
  EXPECT_TRUE(imported.is_ok()) << imported.status().to_string();
  if (!imported.is_ok()) return nullptr;
  std::shared_ptr<ir::Graph> g(std::move(*imported));
  std::vector<ir::Node*> fills;
  for (const auto& n : g->nodes()) {
    if (n->op_type() == "ConstantOfShape" && n->input(0) && n->input(0)->is_constant()) fills.push_back(n.get());
  }
  for (ir::Node* n : fills) {
    const ir::Attribute* value = n->attrs().find("value");
    const DataType dtype = value ? value->t.dtype() : DataType::Float;
    Tensor t = dtype == DataType::Float ? random_float(n->input(0)->constant().to_int64_vector(), rng)
                                        : random_tensor(dtype, n->input(0)->constant().to_int64_vector(), rng);
    ir::Value* out = n->output(0);
    g->remove_node(n);
    out->set_constant(std::move(t));
  }
  EXPECT_TRUE(ir::verify_graph(*g).is_ok());
  return g;
}

// How fast it loads is a benchmark's business (bench/engine_load.sh); this checks what makes it
// fast: the ~100 MB of weights are mapped, not copied, with and without the weights checksum.
TEST(EngineFileLoad, ResNet50WeightsAreMappedNotCopied) {
  std::mt19937 rng(kSeed);
  auto g = resnet50_with_weights(rng);
  if (!g) GTEST_SKIP() << "light_resnet50.onnx is absent (shared test data)";
  Plan plan = plan_for(g, rng);
  plan.required_isa.clear();
  plan.layers.assign(g->nodes().size(), Layer{});
  const fs::path path = fs::temp_directory_path() / ("hone_resnet50_" + std::to_string(::getpid()) + ".engine");
  ASSERT_TRUE(save_plan(plan, path.string()).is_ok());
  EXPECT_GT(fs::file_size(path), 90'000'000u);
  for (bool verify_weights : {true, false}) {
    LoadOptions o;
    o.verify_weights = verify_weights;
    auto loaded = load_plan(path.string(), o);
    ASSERT_TRUE(loaded.is_ok()) << loaded.status().to_string();
    const auto* base = static_cast<const uint8_t*>(loaded->backing.get());
    for (const Tensor* t : numeric_tensors(*loaded)) {
      const auto* p = static_cast<const uint8_t*>(t->raw());
      EXPECT_TRUE(p >= base && p + t->nbytes() <= base + fs::file_size(path)) << "a constant was copied";
    }
    EXPECT_EQ(anonymous_kb(base), 0) << "the loader copied pages of the mapping";
  }
  fs::remove(path);
}

// A constant taken out of a loaded plan keeps the file mapping alive by itself.
TEST(EngineFileLoad, ConstantsOutliveTheirPlan) {
  std::mt19937 rng(kSeed);
  auto g = resnet50_with_weights(rng);
  if (!g) GTEST_SKIP() << "light_resnet50.onnx is absent (shared test data)";
  Plan plan = plan_for(g, rng);
  plan.required_isa.clear();
  plan.layers.assign(g->nodes().size(), Layer{});
  const fs::path path = fs::temp_directory_path() / ("hone_resnet50_keep_" + std::to_string(::getpid()) + ".engine");
  ASSERT_TRUE(save_plan(plan, path.string()).is_ok());
  Tensor kept;
  Tensor copy;
  {
    auto loaded = load_plan(path.string());
    ASSERT_TRUE(loaded.is_ok()) << loaded.status().to_string();
    const std::vector<const Tensor*> tensors = numeric_tensors(*loaded);
    ASSERT_FALSE(tensors.empty());
    kept = *tensors.back();
    copy = kept.clone();
  }
  fs::remove(path);
  EXPECT_TRUE(kept.bit_equal(copy));  // reads the mapping after the plan is gone
}

}  // namespace
}  // namespace hone::engine
