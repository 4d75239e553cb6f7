// Indexing operators: Gather, GatherElements, GatherND.
#include "harness/op_harness.hpp"

namespace hone::testing {
namespace {

ir::Attributes axis_attr(const char* name, int64_t v) {
  ir::Attributes a;
  a.set(name, ir::Attribute::of_int(v));
  return a;
}

TEST(Gather, NegativeIndicesAxis1) {
  auto r = run_op({.op_type = "Gather", .inputs = {iota({2, 3}), Datum::of(make_int64({2, 2}, {-1, 0, 1, 1}))},
                   .attrs = axis_attr("axis", 1)});
  HONE_ASSERT_OK(r);
  EXPECT_TRUE(tensors_near(r->at(0).tensor, make_float({2, 2, 2}, {2, 0, 1, 1, 5, 3, 4, 4}), 0, 0));
}

TEST(Gather, OutOfRangeIsAnError) {
  auto r = run_op({.op_type = "Gather", .inputs = {iota({3}), Datum::of(make_int64({1}, {3}))}});
  ASSERT_FALSE(r.is_ok());
  EXPECT_NE(r.status().to_string().find("index 3 is out of range for a dimension of size 3"), std::string::npos)
      << r.status().to_string();
}

TEST(GatherElements, Axis1) {
  auto r = run_op({.op_type = "GatherElements",
                   .inputs = {iota({2, 2}), Datum::of(make_tensor<int32_t>(DataType::Int32, {2, 2}, {0, 0, -1, 0}))},
                   .attrs = axis_attr("axis", 1)});
  HONE_ASSERT_OK(r);
  EXPECT_TRUE(tensors_near(r->at(0).tensor, make_float({2, 2}, {0, 0, 3, 2}), 0, 0));
}

TEST(GatherND, BatchDims) {
  auto r = run_op({.op_type = "GatherND", .inputs = {iota({2, 2, 2}), Datum::of(make_int64({2, 1}, {1, 0}))},
                   .attrs = axis_attr("batch_dims", 1)});
  HONE_ASSERT_OK(r);
  EXPECT_TRUE(tensors_near(r->at(0).tensor, make_float({2, 2}, {2, 3, 4, 5}), 0, 0));
  r = run_op({.op_type = "GatherND", .inputs = {iota({2, 2}), Datum::of(make_int64({2, 2}, {0, 0, 1, -1}))}});
  HONE_ASSERT_OK(r);
  EXPECT_TRUE(tensors_near(r->at(0).tensor, make_float({2}, {0, 3}), 0, 0));
}

}  // namespace
}  // namespace hone::testing
