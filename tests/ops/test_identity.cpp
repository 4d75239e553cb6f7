// Identity: passes tensors and sequences through unchanged.
#include "harness/op_harness.hpp"

namespace hone::testing {
namespace {

TEST(Identity, TensorPassesThrough) {
  OpCall call{.op_type = "Identity", .inputs = {Datum::of(random_float({2, 3, 5}, 1))}};
  auto r = run_op(call);
  ASSERT_TRUE(r.is_ok()) << r.status().to_string();
  EXPECT_TRUE(tensors_near(r->at(0).tensor, call.inputs[0].tensor, 0, 0));
}

TEST(Identity, SequencePassesThrough) {
  Datum seq = Datum::of_sequence({make_int64({2}, {1, 2}), make_int64({1}, {3})}, DataType::Int64);
  auto r = run_op({.op_type = "Identity", .inputs = {seq}});
  ASSERT_TRUE(r.is_ok()) << r.status().to_string();
  ASSERT_TRUE(r->at(0).is_sequence());
  ASSERT_EQ(r->at(0).sequence.size(), 2u);
  EXPECT_TRUE(tensors_near(r->at(0).sequence[1], make_int64({1}, {3}), 0, 0));
}

TEST(Identity, WrongArityIsAnError) {
  auto r = run_op({.op_type = "Identity", .inputs = {Datum::of(make_float({1}, {1})), Datum::of(make_float({1}, {1}))}});
  ASSERT_FALSE(r.is_ok());
  EXPECT_NE(r.status().to_string().find("has 2 inputs, expected 1"), std::string::npos) << r.status().to_string();
}

}  // namespace
}  // namespace hone::testing
