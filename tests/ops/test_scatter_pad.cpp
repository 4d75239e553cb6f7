// ScatterElements, ScatterND, TensorScatter and Pad.
#include "harness/op_harness.hpp"

namespace hone::testing {
namespace {


TEST(ScatterElements, Axis1NegativeIndex) {
  auto r = run_op({.op_type = "ScatterElements", .inputs = {iota({2, 3}), ints({1, 2}, {-1, 0}), floats({1, 2}, {10, 20})},
                   .attrs = attrs({{"axis", ir::Attribute::of_int(1)}})});
  HONE_ASSERT_OK(r);
  EXPECT_TRUE(tensors_near(r->at(0).tensor, make_float({2, 3}, {20, 1, 10, 3, 4, 5}), 0, 0));
}

TEST(ScatterElements, ReductionAddAndMax) {
  auto r = run_op({.op_type = "ScatterElements", .inputs = {iota({3}), ints({3}, {1, 1, 0}), floats({3}, {5, 6, -1})},
                   .attrs = attrs({{"reduction", ir::Attribute::of_string("add")}})});
  HONE_ASSERT_OK(r);
  EXPECT_TRUE(tensors_near(r->at(0).tensor, make_float({3}, {-1, 12, 2}), 0, 0));
  r = run_op({.op_type = "ScatterElements", .inputs = {iota({3}), ints({3}, {1, 1, 0}), floats({3}, {5, 0, -1})},
              .attrs = attrs({{"reduction", ir::Attribute::of_string("max")}})});
  HONE_ASSERT_OK(r);
  EXPECT_TRUE(tensors_near(r->at(0).tensor, make_float({3}, {0, 5, 2}), 0, 0));
}

TEST(ScatterElements, OutOfRangeIsAnError) {
  auto r = run_op({.op_type = "ScatterElements", .inputs = {iota({3}), ints({1}, {-4}), floats({1}, {1})}});
  ASSERT_FALSE(r.is_ok());
  EXPECT_NE(r.status().to_string().find("index -4 is out of range"), std::string::npos) << r.status().to_string();
}

TEST(ScatterND, SlicesWithMul) {
  auto r = run_op({.op_type = "ScatterND", .inputs = {iota({3, 2}), ints({2, 1}, {2, 2}), floats({2, 2}, {2, 3, 10, 10})},
                   .attrs = attrs({{"reduction", ir::Attribute::of_string("mul")}})});
  HONE_ASSERT_OK(r);
  EXPECT_TRUE(tensors_near(r->at(0).tensor, make_float({3, 2}, {0, 1, 2, 3, 80, 150}), 0, 0));
}

TEST(TensorScatter, LinearAndCircular) {
  // cache [2 batch, 3 seq, 1], update [2, 2, 1]
  auto r = run_op({.op_type = "TensorScatter", .inputs = {iota({2, 3, 1}), floats({2, 2, 1}, {-1, -2, -3, -4}), ints({2}, {1, 2})},
                   .attrs = attrs({{"mode", ir::Attribute::of_string("circular")}})});
  HONE_ASSERT_OK(r);
  EXPECT_TRUE(tensors_near(r->at(0).tensor, make_float({2, 3, 1}, {0, -1, -2, -4, 4, -3}), 0, 0));
  r = run_op({.op_type = "TensorScatter", .inputs = {iota({2, 3, 1}), floats({2, 2, 1}, {-1, -2, -3, -4}), ints({2}, {1, 2})}});
  ASSERT_FALSE(r.is_ok());  // linear write past the end
}

TEST(Pad, Modes) {
  const Datum x = iota({1, 3});
  auto pad = [&](const char* mode) {
    return run_op({.op_type = "Pad", .inputs = {x, ints({4}, {0, 2, 0, 2})}, .attrs = attrs({{"mode", ir::Attribute::of_string(mode)}})});
  };
  auto r = pad("reflect");
  HONE_ASSERT_OK(r);
  EXPECT_TRUE(tensors_near(r->at(0).tensor, make_float({1, 7}, {2, 1, 0, 1, 2, 1, 0}), 0, 0));
  r = pad("edge");
  HONE_ASSERT_OK(r);
  EXPECT_TRUE(tensors_near(r->at(0).tensor, make_float({1, 7}, {0, 0, 0, 1, 2, 2, 2}), 0, 0));
  r = pad("wrap");
  HONE_ASSERT_OK(r);
  EXPECT_TRUE(tensors_near(r->at(0).tensor, make_float({1, 7}, {1, 2, 0, 1, 2, 0, 1}), 0, 0));
  r = run_op({.op_type = "Pad", .inputs = {x, ints({2}, {1, -1}), floats({}, {9}), ints({1}, {-1})}});
  HONE_ASSERT_OK(r);
  EXPECT_TRUE(tensors_near(r->at(0).tensor, make_float({1, 3}, {9, 0, 1}), 0, 0));
  r = run_op({.op_type = "Pad", .inputs = {x}, .attrs = attrs({{"pads", ir::Attribute::of_ints({1, 0, 0, 0})}, {"value", ir::Attribute::of_float(7)}}), .opset = 2});
  HONE_ASSERT_OK(r);
  EXPECT_TRUE(tensors_near(r->at(0).tensor, make_float({2, 3}, {7, 7, 7, 0, 1, 2}), 0, 0));
  r = run_op({.op_type = "Pad", .inputs = {x, ints({2}, {1, 1})}});
  ASSERT_FALSE(r.is_ok());
  EXPECT_NE(r.status().to_string().find("pads has 2 entries, expected 4"), std::string::npos) << r.status().to_string();
}

}  // namespace
}  // namespace hone::testing
