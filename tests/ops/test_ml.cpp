// ai.onnx.ml operators: LabelEncoder, Binarizer, ArrayFeatureExtractor, TreeEnsemble; and BitCast.
#include "harness/op_harness.hpp"

namespace hone::testing {
namespace {

OpCall ml(std::string op, std::vector<Datum> inputs, ir::Attributes a, int opset) {
  return {.op_type = std::move(op), .inputs = std::move(inputs), .attrs = std::move(a), .opset = opset, .domain = "ai.onnx.ml"};
}

TEST(LabelEncoder, StringsToIntsWithDefault) {
  ir::Attributes a;
  a.set("keys_strings", ir::Attribute::of_strings({"x", "y"}));
  a.set("values_int64s", ir::Attribute::of_ints({5, 6}));
  a.set("default_int64", ir::Attribute::of_int(-9));
  auto r = run_op(ml("LabelEncoder", {Datum::of(make_tensor<std::string>(DataType::String, {3}, {"y", "q", "x"}))}, a, 2));
  ASSERT_TRUE(r.is_ok()) << r.status().to_string();
  EXPECT_EQ(r->at(0).tensor.dtype(), DataType::Int64);
  EXPECT_EQ(r->at(0).tensor.to_int64_vector(), (std::vector<int64_t>{6, -9, 5}));
}

TEST(LabelEncoder, FloatKeysTensorValuesMatchNaN) {
  ir::Attributes a;
  a.set("keys_floats", ir::Attribute::of_floats({1.5f, NAN}));
  a.set("values_tensor", ir::Attribute::of_tensor(make_tensor<std::string>(DataType::String, {2}, {"one", "nan"})));
  auto r = run_op(ml("LabelEncoder", {Datum::of(make_float({3}, {NAN, 1.5f, 2.0f}))}, a, 4));
  ASSERT_TRUE(r.is_ok()) << r.status().to_string();
  const Tensor& y = r->at(0).tensor;
  EXPECT_EQ(y.strings()[0], "nan");
  EXPECT_EQ(y.strings()[1], "one");
  EXPECT_EQ(y.strings()[2], "_Unused");
}

TEST(LabelEncoder, MismatchedTableIsAnError) {
  ir::Attributes a;
  a.set("keys_int64s", ir::Attribute::of_ints({1, 2}));
  a.set("values_int64s", ir::Attribute::of_ints({1}));
  auto r = run_op(ml("LabelEncoder", {Datum::of(make_int64({1}, {1}))}, a, 2));
  ASSERT_FALSE(r.is_ok());
  EXPECT_NE(r.status().to_string().find("has 2 keys but 1 values"), std::string::npos) << r.status().to_string();
}

TEST(Binarizer, ThresholdIsExclusive) {
  ir::Attributes a;
  a.set("threshold", ir::Attribute::of_float(0.5f));
  auto r = run_op(ml("Binarizer", {Datum::of(make_float({4}, {0.5f, 0.6f, -1.0f, 7.0f}))}, a, 1));
  ASSERT_TRUE(r.is_ok()) << r.status().to_string();
  EXPECT_TRUE(tensors_near(r->at(0).tensor, make_float({4}, {0, 1, 0, 1}), 0, 0));
}

TEST(ArrayFeatureExtractor, LastAxisAndVectorInput) {
  auto r = run_op(ml("ArrayFeatureExtractor", {Datum::of(make_float({2, 3}, {0, 1, 2, 3, 4, 5})), Datum::of(make_int64({2}, {2, 0}))}, {}, 1));
  ASSERT_TRUE(r.is_ok()) << r.status().to_string();
  EXPECT_TRUE(tensors_near(r->at(0).tensor, make_float({2, 2}, {2, 0, 5, 3}), 0, 0));
  auto v = run_op(ml("ArrayFeatureExtractor", {Datum::of(make_float({3}, {7, 8, 9})), Datum::of(make_int64({1}, {1}))}, {}, 1));
  ASSERT_TRUE(v.is_ok()) << v.status().to_string();
  EXPECT_TRUE(tensors_near(v->at(0).tensor, make_float({1, 1}, {8}), 0, 0));
  auto bad = run_op(ml("ArrayFeatureExtractor", {Datum::of(make_float({3}, {7, 8, 9})), Datum::of(make_int64({1}, {3}))}, {}, 1));
  ASSERT_FALSE(bad.is_ok());
  EXPECT_NE(bad.status().to_string().find("out of range"), std::string::npos);
}

// One tree: node 0 (x0 <= 1) ? leaf 0 : node 1; node 1 (x1 in {4, 5}) ? leaf 1 : leaf 2.
// A second tree is a single leaf 3 (root whose successors are the same leaf).
ir::Attributes two_trees(int64_t aggregate) {
  ir::Attributes a;
  a.set("nodes_featureids", ir::Attribute::of_ints({0, 1, 0}));
  a.set("nodes_modes", ir::Attribute::of_tensor(make_tensor<uint8_t>(DataType::UInt8, {3}, {0, 6, 0})));
  a.set("nodes_splits", ir::Attribute::of_tensor(make_float({3}, {1.0f, NAN, 0.0f})));
  a.set("nodes_truenodeids", ir::Attribute::of_ints({0, 1, 3}));
  a.set("nodes_trueleafs", ir::Attribute::of_ints({1, 1, 1}));
  a.set("nodes_falsenodeids", ir::Attribute::of_ints({1, 2, 3}));
  a.set("nodes_falseleafs", ir::Attribute::of_ints({0, 1, 1}));
  a.set("membership_values", ir::Attribute::of_tensor(make_float({3}, {4.0f, 5.0f, NAN})));
  a.set("leaf_targetids", ir::Attribute::of_ints({0, 1, 1, 1}));
  a.set("leaf_weights", ir::Attribute::of_tensor(make_float({4}, {10.0f, 20.0f, 30.0f, 1.0f})));
  a.set("tree_roots", ir::Attribute::of_ints({0, 2}));
  a.set("n_targets", ir::Attribute::of_int(2));
  a.set("aggregate_function", ir::Attribute::of_int(aggregate));
  return a;
}

TEST(TreeEnsemble, SumOverTreesWithMembership) {
  Tensor x = make_float({3, 2}, {0.5f, 0.0f, 2.0f, 5.0f, 2.0f, 6.0f});
  auto r = run_op(ml("TreeEnsemble", {Datum::of(x)}, two_trees(1), 5));
  ASSERT_TRUE(r.is_ok()) << r.status().to_string();
  // row 0 -> leaf 0 (t0 +10), leaf 3 (t1 +1); row 1 -> leaf 1 (t1 +20) + 1; row 2 -> leaf 2 (t1 +30) + 1
  EXPECT_TRUE(tensors_near(r->at(0).tensor, make_float({3, 2}, {10, 1, 0, 21, 0, 31}), 0, 0));
}

TEST(TreeEnsemble, MaxAggregate) {
  auto r = run_op(ml("TreeEnsemble", {Datum::of(make_float({1, 2}, {2.0f, 4.0f}))}, two_trees(3), 5));
  ASSERT_TRUE(r.is_ok()) << r.status().to_string();
  EXPECT_EQ(r->at(0).tensor.get_double(1), 20.0);
}

TEST(TreeEnsemble, BadSuccessorIsAnError) {
  ir::Attributes a = two_trees(1);
  a.set("nodes_falsenodeids", ir::Attribute::of_ints({1, 2, 99}));
  auto r = run_op(ml("TreeEnsemble", {Datum::of(make_float({1, 2}, {0, 0}))}, a, 5));
  ASSERT_FALSE(r.is_ok());
  EXPECT_NE(r.status().to_string().find("out-of-range successor"), std::string::npos) << r.status().to_string();
}

TEST(BitCast, FloatBitsAsInt) {
  ir::Attributes a;
  a.set("to", ir::Attribute::of_int(static_cast<int64_t>(DataType::Int32)));
  auto r = run_op({.op_type = "BitCast", .inputs = {Datum::of(make_float({2}, {1.0f, -2.0f}))}, .attrs = a});
  ASSERT_TRUE(r.is_ok()) << r.status().to_string();
  EXPECT_EQ(r->at(0).tensor.to_int64_vector(), (std::vector<int64_t>{0x3F800000, static_cast<int32_t>(0xC0000000u)}));
  a.set("to", ir::Attribute::of_int(static_cast<int64_t>(DataType::Int64)));
  auto bad = run_op({.op_type = "BitCast", .inputs = {Datum::of(make_float({2}, {1.0f, -2.0f}))}, .attrs = a});
  ASSERT_FALSE(bad.is_ok());
  EXPECT_NE(bad.status().to_string().find("needs types of one width"), std::string::npos) << bad.status().to_string();
}

}  // namespace
}  // namespace hone::testing
