// Graph IR: construction, topological order, cycle and dangling-value detection, printing.
#include <gtest/gtest.h>

#include "ir/graph.hpp"

namespace hone::ir {
namespace {

OpKind identity_kind() {
  OpKind k;
  EXPECT_TRUE(find_op_kind("", "Identity", &k));
  return k;
}

TEST(Graph, SortsNodesTopologically) {
  Graph g;
  Value* x = g.add_value("x", Type::tensor(DataType::Float, TensorShape::of({2})));
  g.add_input(x);
  Value* a = g.add_value("a");
  Value* b = g.add_value("b");
  // Added in reverse order: b = Identity(a), a = Identity(x).
  g.add_node(identity_kind(), "Identity", "", "second", 1, {a}, {b});
  g.add_node(identity_kind(), "Identity", "", "first", 1, {x}, {a});
  g.add_output(b);
  ASSERT_TRUE(g.topological_sort().is_ok());
  EXPECT_EQ(g.nodes()[0]->name(), "first");
  EXPECT_TRUE(verify_graph(g).is_ok()) << verify_graph(g).to_string();
}

TEST(Graph, ReportsCycle) {
  Graph g;
  Value* a = g.add_value("a");
  Value* b = g.add_value("b");
  g.add_node(identity_kind(), "Identity", "", "n1", 1, {a}, {b});
  g.add_node(identity_kind(), "Identity", "", "n2", 1, {b}, {a});
  g.add_output(b);
  Status s = g.topological_sort();
  ASSERT_FALSE(s.is_ok());
  EXPECT_NE(s.message().find("cycle"), std::string::npos) << s.message();
  EXPECT_NE(s.message().find("'n1'"), std::string::npos) << s.message();
}

TEST(Graph, VerifierReportsEveryProblem) {
  Graph g;
  Value* ghost = g.add_value("ghost");  // never produced, not an input
  Value* out = g.add_value("out");
  g.add_node(identity_kind(), "Identity", "", "reader", 1, {ghost}, {out});
  g.add_output(out);
  g.add_output(g.add_value("never"));
  Status s = verify_graph(g);
  ASSERT_FALSE(s.is_ok());
  EXPECT_NE(s.message().find("2 graph errors"), std::string::npos) << s.message();
  EXPECT_NE(s.message().find("'ghost'"), std::string::npos);
  EXPECT_NE(s.message().find("'never'"), std::string::npos);
}

TEST(Graph, PrinterShowsSymbolicDims) {
  Graph g;
  TensorShape shape = TensorShape::of_rank(2);
  shape.dims[0] = Dim::named("batch");
  shape.dims[1] = Dim(8);
  Value* x = g.add_value("x", Type::tensor(DataType::Float, shape));
  g.add_input(x);
  Value* y = g.add_value("y", Type::tensor(DataType::Float, shape));
  g.add_node(identity_kind(), "Identity", "", "id", 1, {x}, {y});
  g.add_output(y);
  const std::string text = print_graph(g);
  EXPECT_NE(text.find("%y: float[batch,8] = Identity 'id' (%x)"), std::string::npos) << text;
}

TEST(Graph, ReplaceAllUsesRewiresConsumersAndOutputs) {
  Graph g;
  Value* x = g.add_value("x");
  g.add_input(x);
  Value* a = g.add_value("a");
  Value* b = g.add_value("b");
  g.add_node(identity_kind(), "Identity", "", "n1", 1, {x}, {a});
  Node* n2 = g.add_node(identity_kind(), "Identity", "", "n2", 1, {a}, {b});
  g.add_output(a);
  g.replace_all_uses(a, x);
  EXPECT_EQ(n2->input(0), x);
  EXPECT_EQ(g.outputs()[0], x);
  EXPECT_TRUE(a->uses().empty());
}

}  // namespace
}  // namespace hone::ir
