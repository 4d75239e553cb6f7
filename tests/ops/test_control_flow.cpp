// Control flow: If, Loop, Scan (opset 8 and 9+), SequenceMap, with bodies built in code.
#include "harness/op_harness.hpp"

namespace hone::testing {
namespace {

ir::OpKind kind_of(const char* op) {
  ir::OpKind k{};
  EXPECT_TRUE(ir::find_op_kind("", op, &k)) << op;
  return k;
}

ir::Type ftype(Shape s) { return ir::Type::tensor(DataType::Float, ir::TensorShape::of(s)); }

// A body graph builder: inputs, nodes, outputs.
struct Body {
  std::shared_ptr<ir::Graph> g = std::make_shared<ir::Graph>("body");
  ir::Value* in(const std::string& name, ir::Type t) {
    ir::Value* v = g->add_value(name, std::move(t));
    g->add_input(v);
    return v;
  }
  ir::Value* node(const char* op, std::vector<ir::Value*> ins, const std::string& out, ir::Attributes a = {}) {
    ir::Value* v = g->add_value(out);
    g->add_node(kind_of(op), op, "", out + "_node", 19, std::move(ins), {v}, std::move(a));
    return v;
  }
  ir::Value* constant(const std::string& out, Tensor t) {
    ir::Attributes a;
    a.set("value", ir::Attribute::of_tensor(std::move(t)));
    return node("Constant", {}, out, a);
  }
};

TEST(If, PicksBranchByCondition) {
  Body then_b, else_b;
  then_b.g->add_output(then_b.constant("t", make_float({2}, {1, 2})));
  else_b.g->add_output(else_b.constant("e", make_float({3}, {7, 8, 9})));
  ir::Attributes a;
  a.set("then_branch", ir::Attribute::of_graph(then_b.g));
  a.set("else_branch", ir::Attribute::of_graph(else_b.g));
  for (bool c : {true, false}) {
    auto r = run_op({.op_type = "If", .inputs = {Datum::of(make_tensor<bool>(DataType::Bool, {}, {c}))}, .attrs = a});
    ASSERT_TRUE(r.is_ok()) << r.status().to_string();
    EXPECT_TRUE(tensors_near(r->at(0).tensor, c ? make_float({2}, {1, 2}) : make_float({3}, {7, 8, 9}), 0, 0));
  }
}

TEST(If, BranchOutputCountMismatchIsAnError) {
  Body then_b, else_b;
  then_b.g->add_output(then_b.constant("t", make_float({1}, {1})));
  ir::Attributes a;
  a.set("then_branch", ir::Attribute::of_graph(then_b.g));
  a.set("else_branch", ir::Attribute::of_graph(else_b.g));
  auto r = run_op({.op_type = "If", .inputs = {Datum::of(make_tensor<bool>(DataType::Bool, {}, {true}))}, .attrs = a});
  ASSERT_FALSE(r.is_ok());
  EXPECT_NE(r.status().to_string().find("the branches produce 1 and 0 outputs"), std::string::npos) << r.status().to_string();
}

// Loop body: (i, cond, acc) -> (cond, acc + x, acc + x as scan output); x = [1, 2].
std::shared_ptr<ir::Graph> accumulate_body() {
  Body b;
  b.in("i", ir::Type::tensor(DataType::Int64, ir::TensorShape::of({})));
  ir::Value* cond = b.in("cond", ir::Type::tensor(DataType::Bool, ir::TensorShape::of({})));
  ir::Value* acc = b.in("acc", ftype({2}));
  ir::Value* x = b.constant("x", make_float({2}, {1, 2}));
  ir::Value* sum = b.node("Add", {acc, x}, "sum");
  ir::Value* cond_out = b.node("Identity", {cond}, "cond_out");
  ir::Value* scan = b.node("Identity", {sum}, "scan");
  b.g->add_output(cond_out);
  b.g->add_output(sum);
  b.g->add_output(scan);
  return b.g;
}

TEST(Loop, TripCountCarriesAndStacks) {
  ir::Attributes a;
  a.set("body", ir::Attribute::of_graph(accumulate_body()));
  auto r = run_op({.op_type = "Loop",
                   .inputs = {Datum::of(make_int64({}, {3})), omitted(), Datum::of(make_float({2}, {0, 10}))},
                   .attrs = a,
                   .num_outputs = 2});
  ASSERT_TRUE(r.is_ok()) << r.status().to_string();
  EXPECT_TRUE(tensors_near(r->at(0).tensor, make_float({2}, {3, 16}), 0, 0));
  EXPECT_TRUE(tensors_near(r->at(1).tensor, make_float({3, 2}, {1, 12, 2, 14, 3, 16}), 0, 0));
}

TEST(Loop, ZeroTripsKeepInitialValues) {
  ir::Attributes a;
  a.set("body", ir::Attribute::of_graph(accumulate_body()));
  auto r = run_op({.op_type = "Loop",
                   .inputs = {Datum::of(make_int64({}, {5})), Datum::of(make_tensor<bool>(DataType::Bool, {}, {false})),
                              Datum::of(make_float({2}, {4, 5}))},
                   .attrs = a,
                   .num_outputs = 2});
  ASSERT_TRUE(r.is_ok()) << r.status().to_string();
  EXPECT_TRUE(tensors_near(r->at(0).tensor, make_float({2}, {4, 5}), 0, 0));
  EXPECT_EQ(r->at(1).tensor.shape(), (Shape{0, 2}));
}

TEST(Loop, BodyArityMismatchIsAnError) {
  ir::Attributes a;
  a.set("body", ir::Attribute::of_graph(accumulate_body()));
  auto r = run_op({.op_type = "Loop", .inputs = {Datum::of(make_int64({}, {1})), omitted()}, .attrs = a, .num_outputs = 2});
  ASSERT_FALSE(r.is_ok());
  EXPECT_NE(r.status().to_string().find("the body takes 3 inputs, expected 2"), std::string::npos) << r.status().to_string();
}

// Scan body: (sum, x_t) -> (sum + x_t, sum + x_t): a running sum.
std::shared_ptr<ir::Graph> running_sum_body(Shape elem) {
  Body b;
  ir::Value* s = b.in("s", ftype(elem));
  ir::Value* x = b.in("x", ftype(elem));
  ir::Value* sum = b.node("Add", {s, x}, "sum");
  ir::Value* out = b.node("Identity", {sum}, "out");
  b.g->add_output(sum);
  b.g->add_output(out);
  return b.g;
}

TEST(Scan, Opset9AxesAndDirections) {
  ir::Attributes a;
  a.set("body", ir::Attribute::of_graph(running_sum_body({2})));
  a.set("num_scan_inputs", ir::Attribute::of_int(1));
  a.set("scan_input_axes", ir::Attribute::of_ints({1}));
  a.set("scan_input_directions", ir::Attribute::of_ints({1}));
  a.set("scan_output_axes", ir::Attribute::of_ints({-1}));
  // x [2, 3]: scanned along axis 1 backwards: columns (3,6), (2,5), (1,4).
  auto r = run_op({.op_type = "Scan",
                   .inputs = {Datum::of(make_float({2}, {0, 0})), Datum::of(make_float({2, 3}, {1, 2, 3, 4, 5, 6}))},
                   .attrs = a,
                   .num_outputs = 2,
                   .opset = 16});
  ASSERT_TRUE(r.is_ok()) << r.status().to_string();
  EXPECT_TRUE(tensors_near(r->at(0).tensor, make_float({2}, {6, 15}), 0, 0));
  EXPECT_TRUE(tensors_near(r->at(1).tensor, make_float({2, 3}, {3, 5, 6, 6, 11, 15}), 0, 0));
}

TEST(Scan, Opset8BatchWithSequenceLens) {
  ir::Attributes a;
  a.set("body", ir::Attribute::of_graph(running_sum_body({1})));
  a.set("num_scan_inputs", ir::Attribute::of_int(1));
  // batch 2, seq 3, elem [1]; the second entry has length 2 (its last step is zero-padded).
  auto r = run_op({.op_type = "Scan",
                   .inputs = {Datum::of(make_int64({2}, {3, 2})), Datum::of(make_float({2, 1}, {0, 100})),
                              Datum::of(make_float({2, 3, 1}, {1, 2, 3, 4, 5, 6}))},
                   .attrs = a,
                   .num_outputs = 2,
                   .opset = 8});
  ASSERT_TRUE(r.is_ok()) << r.status().to_string();
  EXPECT_TRUE(tensors_near(r->at(0).tensor, make_float({2, 1}, {6, 109}), 0, 0));
  EXPECT_TRUE(tensors_near(r->at(1).tensor, make_float({2, 3, 1}, {1, 3, 6, 104, 109, 0}), 0, 0));
}

TEST(Scan, MismatchedLengthsAreAnError) {
  Body b;
  ir::Value* x = b.in("x", ftype({}));
  ir::Value* y = b.in("y", ftype({}));
  b.g->add_output(b.node("Add", {x, y}, "z"));
  ir::Attributes a;
  a.set("body", ir::Attribute::of_graph(b.g));
  a.set("num_scan_inputs", ir::Attribute::of_int(2));
  auto r = run_op({.op_type = "Scan",
                   .inputs = {Datum::of(make_float({2}, {1, 2})), Datum::of(make_float({3}, {1, 2, 3}))},
                   .attrs = a,
                   .num_outputs = 1,
                   .opset = 16});
  ASSERT_FALSE(r.is_ok());
  EXPECT_NE(r.status().to_string().find("disagree on the sequence length"), std::string::npos) << r.status().to_string();
}

TEST(SequenceMap, SequenceAndBroadcastTensor) {
  Body b;
  ir::Value* x = b.in("x", ir::Type::tensor(DataType::Float, ir::TensorShape::of_rank(1)));
  ir::Value* y = b.in("y", ftype({1}));
  b.g->add_output(b.node("Add", {x, y}, "z"));
  ir::Attributes a;
  a.set("body", ir::Attribute::of_graph(b.g));
  Datum s = Datum::of_sequence({make_float({2}, {1, 2}), make_float({1}, {3})}, DataType::Float);
  auto r = run_op({.op_type = "SequenceMap", .inputs = {s, Datum::of(make_float({1}, {10}))}, .attrs = a});
  ASSERT_TRUE(r.is_ok()) << r.status().to_string();
  ASSERT_EQ(r->at(0).sequence.size(), 2u);
  EXPECT_TRUE(tensors_near(r->at(0).sequence[0], make_float({2}, {11, 12}), 0, 0));
  EXPECT_TRUE(tensors_near(r->at(0).sequence[1], make_float({1}, {13}), 0, 0));
}

}  // namespace
}  // namespace hone::testing
