// The memory planner on hand-made graphs: reuse by liveness, alignment, view aliasing and
// in-place Concat, and that no two live buffers overlap.
#include <gtest/gtest.h>

#include <map>
#include <set>

#include "engine/memory_planner.hpp"

namespace hone::engine {
namespace {

using ir::OpKind;

struct Net {
  ir::Graph g;
  ir::Value* value(const std::string& name, Shape shape) {
    return g.add_value(name, ir::Type::tensor(DataType::Float, ir::TensorShape::of(shape)));
  }
  ir::Node* node(OpKind kind, const std::string& op, std::vector<ir::Value*> in, std::vector<ir::Value*> out,
                 ir::Attributes attrs = {}) {
    return g.add_node(kind, op, "", op + std::to_string(g.nodes().size()), 17, std::move(in), std::move(out),
                      std::move(attrs));
  }
  MemoryPlan plan(PlannerOptions options = {}) {
    for (ir::Value* v : g.outputs()) options.external.insert(v);
    auto r = plan_memory(g, [](const ir::Value* v) { return &v->type(); }, options);
    EXPECT_TRUE(r.is_ok()) << r.status().to_string();
    return r.is_ok() ? *r : MemoryPlan{};
  }
};

uint64_t bytes_of(const ir::Value* v) { return static_cast<uint64_t>(shape_numel(v->type().shape.to_static())) * 4; }

// Asserts that values whose lifetimes overlap never share bytes (unless aliased on purpose).
void expect_no_conflicts(const ir::Graph& g, const MemoryPlan& plan, const std::set<std::pair<const ir::Value*, const ir::Value*>>& aliased = {}) {
  std::map<const ir::Value*, std::pair<int, int>> life;
  for (size_t i = 0; i < g.nodes().size(); ++i) {
    for (const ir::Value* v : g.nodes()[i]->outputs()) life[v] = {static_cast<int>(i), static_cast<int>(i)};
    for (const ir::Value* v : g.nodes()[i]->inputs()) {
      if (life.count(v)) life[v].second = static_cast<int>(i);
    }
  }
  for (const auto& [a, oa] : plan.offsets) {
    for (const auto& [b, ob] : plan.offsets) {
      if (a >= b || aliased.count({a, b}) || aliased.count({b, a})) continue;
      const bool live_overlap = life[a].first <= life[b].second && life[b].first <= life[a].second;
      const bool byte_overlap = oa < ob + bytes_of(b) && ob < oa + bytes_of(a);
      EXPECT_FALSE(live_overlap && byte_overlap) << a->name() << " and " << b->name() << " overlap";
    }
  }
}

TEST(MemoryPlanner, ChainReusesBuffers) {
  Net n;
  ir::Value* x = n.value("x", {1, 1000});
  n.g.add_input(x);
  ir::Value* prev = x;
  std::vector<ir::Value*> vals;
  for (int i = 0; i < 6; ++i) {
    ir::Value* v = n.value("v" + std::to_string(i), {1, 1000});
    n.node(OpKind::Relu, "Relu", {prev}, {v});
    vals.push_back(v);
    prev = v;
  }
  n.g.add_output(prev);
  MemoryPlan plan = n.plan();
  // v0..v4 are planned (v5 is a graph output); a chain needs only two live buffers.
  EXPECT_EQ(plan.offsets.size(), 5u);
  EXPECT_EQ(plan.activation_bytes, 5u * 4032);  // 4000 bytes aligned up to 64
  EXPECT_EQ(plan.arena_bytes, 2u * 4032);
  for (const auto& [v, off] : plan.offsets) EXPECT_EQ(off % 64, 0u) << v->name();
  expect_no_conflicts(n.g, plan);
}

TEST(MemoryPlanner, ViewsAliasTheirInput) {
  Net n;
  ir::Value* x = n.value("x", {2, 6});
  n.g.add_input(x);
  ir::Value* a = n.value("a", {2, 6});
  ir::Value* shape = n.g.add_value("shape", ir::Type::tensor(DataType::Int64, ir::TensorShape::of({1})));
  shape->set_constant(Tensor::from_vector<int64_t>(DataType::Int64, {1}, {12}));
  ir::Value* r = n.value("r", {12});
  ir::Value* y = n.value("y", {12});
  n.node(OpKind::Relu, "Relu", {x}, {a});
  n.node(OpKind::Reshape, "Reshape", {a, shape}, {r});
  n.node(OpKind::Relu, "Relu", {r}, {y});
  n.g.add_output(y);
  MemoryPlan plan = n.plan();
  EXPECT_EQ(plan.offsets.at(a), plan.offsets.at(r));
  PlannerOptions no_alias;
  no_alias.alias_views = false;
  MemoryPlan plan2 = n.plan(no_alias);
  EXPECT_NE(plan2.offsets.at(a), plan2.offsets.at(r));
}

TEST(MemoryPlanner, ConcatInputsAreWrittenInPlace) {
  Net n;
  ir::Value* x = n.value("x", {1, 3, 5});
  n.g.add_input(x);
  ir::Value* a = n.value("a", {1, 3, 5});
  ir::Value* b = n.value("b", {1, 3, 5});
  ir::Value* c = n.value("c", {1, 6, 5});
  ir::Value* y = n.value("y", {1, 6, 5});
  n.node(OpKind::Relu, "Relu", {x}, {a});
  n.node(OpKind::Sigmoid, "Sigmoid", {x}, {b});
  ir::Attributes axis;
  axis.set("axis", ir::Attribute::of_int(1));
  n.node(OpKind::Concat, "Concat", {a, b}, {c}, axis);
  n.node(OpKind::Relu, "Relu", {c}, {y});
  n.g.add_output(y);
  MemoryPlan plan = n.plan();
  ASSERT_EQ(plan.elided.size(), 4u);
  EXPECT_TRUE(plan.elided[2]);
  EXPECT_EQ(plan.offsets.at(a), plan.offsets.at(c));
  EXPECT_EQ(plan.offsets.at(b), plan.offsets.at(c) + 15 * 4);
  EXPECT_EQ(plan.arena_bytes, 128u);  // only c's 120 bytes, aligned

  // A concat along a non-leading axis (dims before it not 1) is not elided.
  Net m;
  ir::Value* x2 = m.value("x", {2, 3});
  m.g.add_input(x2);
  ir::Value* a2 = m.value("a", {2, 3});
  ir::Value* b2 = m.value("b", {2, 3});
  ir::Value* c2 = m.value("c", {2, 6});
  ir::Value* y2 = m.value("y", {2, 6});
  m.node(OpKind::Relu, "Relu", {x2}, {a2});
  m.node(OpKind::Relu, "Relu", {x2}, {b2});
  m.node(OpKind::Concat, "Concat", {a2, b2}, {c2}, axis);
  m.node(OpKind::Relu, "Relu", {c2}, {y2});
  m.g.add_output(y2);
  MemoryPlan p2 = m.plan();
  EXPECT_FALSE(p2.elided[2]);
  expect_no_conflicts(m.g, p2);
}

TEST(MemoryPlanner, ConcatInputWithAnotherReaderStaysInPlace) {
  Net n;
  ir::Value* x = n.value("x", {1, 4});
  n.g.add_input(x);
  ir::Value* a = n.value("a", {1, 4});
  ir::Value* b = n.value("b", {1, 4});
  ir::Value* c = n.value("c", {1, 8});
  ir::Value* d = n.value("d", {1, 4});
  ir::Value* y = n.value("y", {1, 8});
  n.node(OpKind::Relu, "Relu", {x}, {a});
  n.node(OpKind::Relu, "Relu", {x}, {b});
  ir::Attributes axis;
  axis.set("axis", ir::Attribute::of_int(1));
  n.node(OpKind::Concat, "Concat", {a, b}, {c}, axis);
  n.node(OpKind::Relu, "Relu", {a}, {d});  // a is read after the Concat too: from c's bytes
  n.node(OpKind::Relu, "Relu", {c}, {y});
  n.g.add_output(d);
  n.g.add_output(y);
  MemoryPlan plan = n.plan();
  EXPECT_TRUE(plan.elided[2]);
  EXPECT_EQ(plan.offsets.at(a), plan.offsets.at(c));
  expect_no_conflicts(n.g, plan, {{a, c}, {b, c}});

  // A graph output among the Concat's values (here the Concat's own output) stays a copy.
  Net m;
  ir::Value* x2 = m.value("x", {1, 4});
  m.g.add_input(x2);
  ir::Value* a2 = m.value("a", {1, 4});
  ir::Value* b2 = m.value("b", {1, 4});
  ir::Value* c2 = m.value("c", {1, 8});
  m.node(OpKind::Relu, "Relu", {x2}, {a2});
  m.node(OpKind::Relu, "Relu", {x2}, {b2});
  m.node(OpKind::Concat, "Concat", {a2, b2}, {c2}, axis);
  m.g.add_output(c2);
  EXPECT_FALSE(m.plan().elided[2]);
}

TEST(MemoryPlanner, ChainedConcatsShareOneBuffer) {
  // DenseNet's dense block: each layer's output joins all earlier ones, which the next layer
  // also reads. Every Concat is elided; the block's features live in the last one's buffer.
  Net n;
  ir::Value* x = n.value("x", {1, 2, 3});
  n.g.add_input(x);
  ir::Attributes axis;
  axis.set("axis", ir::Attribute::of_int(1));
  ir::Value* f = n.value("f0", {1, 2, 3});
  n.node(OpKind::Relu, "Relu", {x}, {f});
  std::vector<ir::Value*> concats, news{f};
  for (int l = 1; l <= 3; ++l) {
    ir::Value* r = n.value("r" + std::to_string(l), f->type().shape.to_static());
    n.node(OpKind::Sigmoid, "Sigmoid", {f}, {r});  // reads the features so far
    ir::Value* y = n.value("y" + std::to_string(l), {1, 2, 3});
    n.node(OpKind::Relu, "Relu", {r}, {y});  // stands in for the layer's conv (2 new channels)
    Shape s = f->type().shape.to_static();
    s[1] += 2;
    ir::Value* c = n.value("c" + std::to_string(l), s);
    n.node(OpKind::Concat, "Concat", {f, y}, {c}, axis);
    concats.push_back(c);
    news.push_back(y);
    f = c;
  }
  ir::Value* out = n.value("out", f->type().shape.to_static());
  n.node(OpKind::Relu, "Relu", {f}, {out});
  n.g.add_output(out);
  MemoryPlan plan = n.plan();
  for (size_t i = 0; i < n.g.nodes().size(); ++i) {
    if (n.g.nodes()[i]->kind() == OpKind::Concat) {
      EXPECT_TRUE(plan.elided[i]) << "node " << i;
    }
  }
  const uint64_t base = plan.offsets.at(concats.back());
  for (ir::Value* c : concats) EXPECT_EQ(plan.offsets.at(c), base) << c->name();
  // f0 first, then each layer's 2 new channels (6 floats) in order.
  for (size_t l = 0; l < news.size(); ++l) EXPECT_EQ(plan.offsets.at(news[l]), base + l * 24) << news[l]->name();
}

TEST(MemoryPlanner, SplitOutputsAreViewsOfTheInput) {
  // YOLOv8's C2f: Split along channels (N = 1), one half read by a conv, both by a Concat.
  Net n;
  ir::Value* x = n.value("x", {1, 8, 5});
  n.g.add_input(x);
  ir::Value* a = n.value("a", {1, 8, 5});
  ir::Value* s0 = n.value("s0", {1, 3, 5});
  ir::Value* s1 = n.value("s1", {1, 5, 5});
  ir::Value* r = n.value("r", {1, 5, 5});
  ir::Value* y = n.value("y", {1, 13, 5});
  n.node(OpKind::Relu, "Relu", {x}, {a});
  ir::Attributes axis;
  axis.set("axis", ir::Attribute::of_int(1));
  n.node(OpKind::Split, "Split", {a}, {s0, s1}, axis);
  n.node(OpKind::Relu, "Relu", {s1}, {r});
  n.node(OpKind::Concat, "Concat", {s0, s1, r}, {y}, axis);
  n.g.add_output(y);
  MemoryPlan plan = n.plan();
  EXPECT_TRUE(plan.elided[1]);
  EXPECT_EQ(plan.offsets.at(s0), plan.offsets.at(a));
  EXPECT_EQ(plan.offsets.at(s1), plan.offsets.at(a) + 15 * 4);
  EXPECT_FALSE(plan.elided[3]);  // the Concat's inputs are views: it copies
  // a lives until the views' last reader: r must not take its bytes.
  EXPECT_TRUE(plan.offsets.at(r) >= plan.offsets.at(a) + bytes_of(a) || plan.offsets.at(r) + bytes_of(r) <= plan.offsets.at(a));
  expect_no_conflicts(n.g, plan, {{s0, a}, {s1, a}});

  // Along a non-leading axis (N = 2) the parts are strided: a real Split.
  Net m;
  ir::Value* x2 = m.value("x", {2, 4});
  m.g.add_input(x2);
  ir::Value* a2 = m.value("a", {2, 4});
  ir::Value* p0 = m.value("p0", {2, 2});
  ir::Value* p1 = m.value("p1", {2, 2});
  ir::Value* q = m.value("q", {2, 2});
  m.node(OpKind::Relu, "Relu", {x2}, {a2});
  m.node(OpKind::Split, "Split", {a2}, {p0, p1}, axis);
  m.node(OpKind::Add, "Add", {p0, p1}, {q});
  m.g.add_output(q);
  MemoryPlan p2 = m.plan();
  EXPECT_FALSE(p2.elided[1]);
  expect_no_conflicts(m.g, p2);
}

}  // namespace
}  // namespace hone::engine
