// Sequence and optional operators: SequenceConstruct/Empty/At/Erase/Insert/Length,
// SplitToSequence, ConcatFromSequence, Optional, OptionalHasElement, OptionalGetElement.
#include "harness/op_harness.hpp"

namespace hone::testing {
namespace {

Datum seq3() {
  return Datum::of_sequence({make_float({2}, {1, 2}), make_float({1}, {3}), make_float({3}, {4, 5, 6})}, DataType::Float);
}
Datum pos(int64_t p) { return Datum::of(make_int64({}, {p})); }

TEST(SequenceConstruct, KeepsOrder) {
  auto r = run_op({.op_type = "SequenceConstruct",
                   .inputs = {Datum::of(make_float({2}, {1, 2})), Datum::of(make_float({1, 1}, {3}))}});
  ASSERT_TRUE(r.is_ok()) << r.status().to_string();
  ASSERT_EQ(r->at(0).sequence.size(), 2u);
  EXPECT_TRUE(tensors_near(r->at(0).sequence[1], make_float({1, 1}, {3}), 0, 0));
}

TEST(SequenceConstruct, MixedDtypesAreAnError) {
  auto r = run_op({.op_type = "SequenceConstruct",
                   .inputs = {Datum::of(make_float({1}, {1})), Datum::of(make_int64({1}, {1}))}});
  ASSERT_FALSE(r.is_ok());
  EXPECT_NE(r.status().to_string().find("share one element type"), std::string::npos) << r.status().to_string();
}

TEST(SequenceEmpty, HasAttributeDtype) {
  ir::Attributes a;
  a.set("dtype", ir::Attribute::of_int(static_cast<int64_t>(DataType::Int64)));
  auto r = run_op({.op_type = "SequenceEmpty", .attrs = a});
  ASSERT_TRUE(r.is_ok()) << r.status().to_string();
  EXPECT_TRUE(r->at(0).sequence.empty());
  EXPECT_EQ(r->at(0).sequence_dtype, DataType::Int64);
}

TEST(SequenceAt, NegativePosition) {
  auto r = run_op({.op_type = "SequenceAt", .inputs = {seq3(), pos(-2)}});
  ASSERT_TRUE(r.is_ok()) << r.status().to_string();
  EXPECT_TRUE(tensors_near(r->at(0).tensor, make_float({1}, {3}), 0, 0));
}

TEST(SequenceAt, OutOfRangeIsAnError) {
  auto r = run_op({.op_type = "SequenceAt", .inputs = {seq3(), pos(3)}});
  ASSERT_FALSE(r.is_ok());
  EXPECT_NE(r.status().to_string().find("position 3 is out of range"), std::string::npos) << r.status().to_string();
}

TEST(SequenceErase, DefaultIsLastAndPositionWorks) {
  auto r = run_op({.op_type = "SequenceErase", .inputs = {seq3()}});
  ASSERT_TRUE(r.is_ok()) << r.status().to_string();
  ASSERT_EQ(r->at(0).sequence.size(), 2u);
  EXPECT_TRUE(tensors_near(r->at(0).sequence[1], make_float({1}, {3}), 0, 0));
  r = run_op({.op_type = "SequenceErase", .inputs = {seq3(), pos(0)}});
  ASSERT_TRUE(r.is_ok()) << r.status().to_string();
  EXPECT_TRUE(tensors_near(r->at(0).sequence[0], make_float({1}, {3}), 0, 0));
}

TEST(SequenceInsert, FrontBackAndEmpty) {
  const Datum item = Datum::of(make_float({1}, {9}));
  auto r = run_op({.op_type = "SequenceInsert", .inputs = {seq3(), item}});
  ASSERT_TRUE(r.is_ok()) << r.status().to_string();
  ASSERT_EQ(r->at(0).sequence.size(), 4u);
  EXPECT_TRUE(tensors_near(r->at(0).sequence[3], make_float({1}, {9}), 0, 0));
  r = run_op({.op_type = "SequenceInsert", .inputs = {seq3(), item, pos(-3)}});
  ASSERT_TRUE(r.is_ok()) << r.status().to_string();
  EXPECT_TRUE(tensors_near(r->at(0).sequence[0], make_float({1}, {9}), 0, 0));
  r = run_op({.op_type = "SequenceInsert", .inputs = {Datum::of_sequence({}, DataType::Float), item}});
  ASSERT_TRUE(r.is_ok()) << r.status().to_string();
  EXPECT_EQ(r->at(0).sequence.size(), 1u);
}

TEST(SequenceInsert, WrongDtypeIsAnError) {
  auto r = run_op({.op_type = "SequenceInsert", .inputs = {seq3(), Datum::of(make_int64({1}, {1}))}});
  ASSERT_FALSE(r.is_ok());
  EXPECT_NE(r.status().to_string().find("cannot insert a int64 tensor"), std::string::npos) << r.status().to_string();
}

TEST(SequenceLength, CountsElements) {
  auto r = run_op({.op_type = "SequenceLength", .inputs = {seq3()}});
  ASSERT_TRUE(r.is_ok()) << r.status().to_string();
  EXPECT_TRUE(tensors_near(r->at(0).tensor, make_int64({}, {3}), 0, 0));
}

TEST(SplitToSequence, DefaultSqueezesOrKeeps) {
  const Tensor x = make_float({2, 3}, {1, 2, 3, 4, 5, 6});
  ir::Attributes a;
  a.set("axis", ir::Attribute::of_int(-1));
  a.set("keepdims", ir::Attribute::of_int(0));
  auto r = run_op({.op_type = "SplitToSequence", .inputs = {Datum::of(x)}, .attrs = a});
  ASSERT_TRUE(r.is_ok()) << r.status().to_string();
  ASSERT_EQ(r->at(0).sequence.size(), 3u);
  EXPECT_TRUE(tensors_near(r->at(0).sequence[2], make_float({2}, {3, 6}), 0, 0));
  a.set("keepdims", ir::Attribute::of_int(1));
  r = run_op({.op_type = "SplitToSequence", .inputs = {Datum::of(x)}, .attrs = a});
  ASSERT_TRUE(r.is_ok()) << r.status().to_string();
  EXPECT_TRUE(tensors_near(r->at(0).sequence[1], make_float({2, 1}, {2, 5}), 0, 0));
}

TEST(SplitToSequence, ScalarAndListSplits) {
  const Tensor x = make_float({5}, {1, 2, 3, 4, 5});
  auto r = run_op({.op_type = "SplitToSequence", .inputs = {Datum::of(x), Datum::of(make_int64({}, {2}))}});
  ASSERT_TRUE(r.is_ok()) << r.status().to_string();
  ASSERT_EQ(r->at(0).sequence.size(), 3u);
  EXPECT_TRUE(tensors_near(r->at(0).sequence[2], make_float({1}, {5}), 0, 0));
  r = run_op({.op_type = "SplitToSequence", .inputs = {Datum::of(x), Datum::of(make_int64({2}, {4, 1}))}});
  ASSERT_TRUE(r.is_ok()) << r.status().to_string();
  EXPECT_TRUE(tensors_near(r->at(0).sequence[0], make_float({4}, {1, 2, 3, 4}), 0, 0));
  r = run_op({.op_type = "SplitToSequence", .inputs = {Datum::of(x), Datum::of(make_int64({2}, {4, 2}))}});
  ASSERT_FALSE(r.is_ok());
  EXPECT_NE(r.status().to_string().find("split lengths sum to 6"), std::string::npos) << r.status().to_string();
}

TEST(ConcatFromSequence, ConcatAndNewAxis) {
  Datum s = Datum::of_sequence({make_float({1, 2}, {1, 2}), make_float({1, 2}, {3, 4})}, DataType::Float);
  ir::Attributes a;
  a.set("axis", ir::Attribute::of_int(1));
  auto r = run_op({.op_type = "ConcatFromSequence", .inputs = {s}, .attrs = a});
  ASSERT_TRUE(r.is_ok()) << r.status().to_string();
  EXPECT_TRUE(tensors_near(r->at(0).tensor, make_float({1, 4}, {1, 2, 3, 4}), 0, 0));
  a.set("axis", ir::Attribute::of_int(-1));
  a.set("new_axis", ir::Attribute::of_int(1));
  r = run_op({.op_type = "ConcatFromSequence", .inputs = {s}, .attrs = a});
  ASSERT_TRUE(r.is_ok()) << r.status().to_string();
  EXPECT_TRUE(tensors_near(r->at(0).tensor, make_float({1, 2, 2}, {1, 3, 2, 4}), 0, 0));
}

TEST(Optional, WrapsAndUnwraps) {
  auto r = run_op({.op_type = "Optional", .inputs = {Datum::of(make_float({2}, {1, 2}))}});
  ASSERT_TRUE(r.is_ok()) << r.status().to_string();
  EXPECT_TRUE(r->at(0).optional);
  Datum opt = r->at(0);
  r = run_op({.op_type = "OptionalHasElement", .inputs = {opt}});
  ASSERT_TRUE(r.is_ok()) << r.status().to_string();
  EXPECT_TRUE(tensors_near(r->at(0).tensor, make_tensor<bool>(DataType::Bool, {}, {true}), 0, 0));
  r = run_op({.op_type = "OptionalGetElement", .inputs = {opt}});
  ASSERT_TRUE(r.is_ok()) << r.status().to_string();
  EXPECT_TRUE(tensors_near(r->at(0).tensor, make_float({2}, {1, 2}), 0, 0));
}

TEST(Optional, EmptyOptional) {
  auto r = run_op({.op_type = "OptionalHasElement", .inputs = {Datum::none()}});
  ASSERT_TRUE(r.is_ok()) << r.status().to_string();
  EXPECT_TRUE(tensors_near(r->at(0).tensor, make_tensor<bool>(DataType::Bool, {}, {false}), 0, 0));
  r = run_op({.op_type = "OptionalHasElement", .inputs = {omitted()}});
  ASSERT_TRUE(r.is_ok()) << r.status().to_string();
  EXPECT_TRUE(tensors_near(r->at(0).tensor, make_tensor<bool>(DataType::Bool, {}, {false}), 0, 0));
  r = run_op({.op_type = "OptionalGetElement", .inputs = {Datum::none()}});
  ASSERT_FALSE(r.is_ok());
  EXPECT_NE(r.status().to_string().find("the optional input is empty"), std::string::npos) << r.status().to_string();
}

}  // namespace
}  // namespace hone::testing
