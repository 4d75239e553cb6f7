// Shape and layout operators: Constant, Shape, Size, Reshape, Flatten, Squeeze, Unsqueeze,
// Transpose, Concat, Split, Slice, Expand, Tile, ConstantOfShape, Range.
#include <cstdint>
#include <limits>

#include "harness/op_harness.hpp"

namespace hone::testing {
namespace {

Datum ints(std::vector<int64_t> v) { return Datum::of(make_int64({static_cast<int64_t>(v.size())}, v)); }

TEST(Constant, ValueFloatsAndStrings) {
  auto r = run_op({.op_type = "Constant", .attrs = attrs({{"value_floats", ir::Attribute::of_floats({1.5f, -2})}})});
  HONE_ASSERT_OK(r);
  EXPECT_TRUE(tensors_near(r->at(0).tensor, make_float({2}, {1.5f, -2}), 0, 0));
  r = run_op({.op_type = "Constant", .attrs = attrs({{"value_string", ir::Attribute::of_string("hi")}})});
  HONE_ASSERT_OK(r);
  EXPECT_EQ(r->at(0).tensor.strings()[0], "hi");
  r = run_op({.op_type = "Constant", .attrs = attrs({{"value_int", ir::Attribute::of_int(7)}})});
  HONE_ASSERT_OK(r);
  EXPECT_EQ(r->at(0).tensor.rank(), 0);
  EXPECT_EQ(r->at(0).tensor.data<int64_t>()[0], 7);
}

TEST(Constant, TwoValuesIsAnError) {
  auto r = run_op({.op_type = "Constant",
                   .attrs = attrs({{"value_int", ir::Attribute::of_int(7)}, {"value_float", ir::Attribute::of_float(1)}})});
  ASSERT_FALSE(r.is_ok());
  EXPECT_NE(r.status().to_string().find("exactly one value attribute"), std::string::npos) << r.status().to_string();
}

TEST(Shape, StartEnd) {
  auto r = run_op({.op_type = "Shape", .inputs = {iota({2, 3, 5, 7})},
                   .attrs = attrs({{"start", ir::Attribute::of_int(-3)}, {"end", ir::Attribute::of_int(100)}})});
  HONE_ASSERT_OK(r);
  EXPECT_TRUE(tensors_near(r->at(0).tensor, make_int64({3}, {3, 5, 7}), 0, 0));
  r = run_op({.op_type = "Size", .inputs = {iota({2, 3, 5})}});
  HONE_ASSERT_OK(r);
  EXPECT_EQ(r->at(0).tensor.data<int64_t>()[0], 30);
}

TEST(Reshape, ZeroAndMinusOne) {
  auto r = run_op({.op_type = "Reshape", .inputs = {iota({2, 3, 4}), ints({0, -1})}});
  HONE_ASSERT_OK(r);
  EXPECT_EQ(r->at(0).tensor.shape(), (Shape{2, 12}));
  EXPECT_EQ(r->at(0).tensor.data<float>()[13], 13.0f);
  // allowzero: 0 is a real zero dim.
  r = run_op({.op_type = "Reshape", .inputs = {iota({0, 3}), ints({3, 0})}, .attrs = attrs({{"allowzero", ir::Attribute::of_int(1)}})});
  HONE_ASSERT_OK(r);
  EXPECT_EQ(r->at(0).tensor.shape(), (Shape{3, 0}));
  r = run_op({.op_type = "Reshape", .inputs = {iota({2, 3})}, .attrs = attrs({{"shape", ir::Attribute::of_ints({3, 2})}}), .opset = 1});
  HONE_ASSERT_OK(r);
  EXPECT_EQ(r->at(0).tensor.shape(), (Shape{3, 2}));
}

TEST(Reshape, BadCountIsAnError) {
  auto r = run_op({.op_type = "Reshape", .inputs = {iota({2, 3}), ints({4, -1})}});
  ASSERT_FALSE(r.is_ok());
  EXPECT_NE(r.status().to_string().find("cannot reshape [2,3] to [4,-1]"), std::string::npos) << r.status().to_string();
}

TEST(Flatten, NegativeAxis) {
  auto r = run_op({.op_type = "Flatten", .inputs = {iota({2, 3, 5})}, .attrs = attrs({{"axis", ir::Attribute::of_int(-1)}})});
  HONE_ASSERT_OK(r);
  EXPECT_EQ(r->at(0).tensor.shape(), (Shape{6, 5}));
  r = run_op({.op_type = "Flatten", .inputs = {iota({2, 3, 5})}, .attrs = attrs({{"axis", ir::Attribute::of_int(0)}})});
  HONE_ASSERT_OK(r);
  EXPECT_EQ(r->at(0).tensor.shape(), (Shape{1, 30}));
}

TEST(Squeeze, AttrInputAndAll) {
  auto r = run_op({.op_type = "Squeeze", .inputs = {iota({1, 3, 1, 5})}, .attrs = attrs({{"axes", ir::Attribute::of_ints({-2})}}), .opset = 11});
  HONE_ASSERT_OK(r);
  EXPECT_EQ(r->at(0).tensor.shape(), (Shape{1, 3, 5}));
  r = run_op({.op_type = "Squeeze", .inputs = {iota({1, 3, 1, 5}), ints({0})}});
  HONE_ASSERT_OK(r);
  EXPECT_EQ(r->at(0).tensor.shape(), (Shape{3, 1, 5}));
  r = run_op({.op_type = "Squeeze", .inputs = {iota({1, 3, 1, 5})}});
  HONE_ASSERT_OK(r);
  EXPECT_EQ(r->at(0).tensor.shape(), (Shape{3, 5}));
  r = run_op({.op_type = "Squeeze", .inputs = {iota({1, 3}), ints({1})}});
  ASSERT_FALSE(r.is_ok());
  EXPECT_NE(r.status().to_string().find("cannot squeeze axis 1 of size 3"), std::string::npos) << r.status().to_string();
}

TEST(Unsqueeze, AxesIndexOutput) {
  auto r = run_op({.op_type = "Unsqueeze", .inputs = {iota({3, 5}), ints({-1, 0})}});
  HONE_ASSERT_OK(r);
  EXPECT_EQ(r->at(0).tensor.shape(), (Shape{1, 3, 5, 1}));
  r = run_op({.op_type = "Unsqueeze", .inputs = {iota({})}, .attrs = attrs({{"axes", ir::Attribute::of_ints({0})}}), .opset = 11});
  HONE_ASSERT_OK(r);
  EXPECT_EQ(r->at(0).tensor.shape(), (Shape{1}));
  r = run_op({.op_type = "Unsqueeze", .inputs = {iota({3}), ints({1, 1})}});
  EXPECT_FALSE(r.is_ok());
}

TEST(Transpose, PermAndDefault) {
  auto r = run_op({.op_type = "Transpose", .inputs = {iota({2, 3, 5})}, .attrs = attrs({{"perm", ir::Attribute::of_ints({1, 2, 0})}})});
  HONE_ASSERT_OK(r);
  const Tensor& y = r->at(0).tensor;
  ASSERT_EQ(y.shape(), (Shape{3, 5, 2}));
  // y[j,k,i] = x[i,j,k] = i*15 + j*5 + k
  for (int i = 0; i < 2; ++i)
    for (int j = 0; j < 3; ++j)
      for (int k = 0; k < 5; ++k) EXPECT_EQ(y.data<float>()[(j * 5 + k) * 2 + i], i * 15 + j * 5 + k);
  r = run_op({.op_type = "Transpose", .inputs = {iota({2, 3})}});
  HONE_ASSERT_OK(r);
  EXPECT_TRUE(tensors_near(r->at(0).tensor, make_float({3, 2}, {0, 3, 1, 4, 2, 5}), 0, 0));
}

TEST(Concat, NegativeAxisWithEmptyInput) {
  auto r = run_op({.op_type = "Concat", .inputs = {iota({2, 1}), iota({2, 0}), iota({2, 2})}, .attrs = attrs({{"axis", ir::Attribute::of_int(-1)}})});
  HONE_ASSERT_OK(r);
  EXPECT_TRUE(tensors_near(r->at(0).tensor, make_float({2, 3}, {0, 0, 1, 1, 2, 3}), 0, 0));
  r = run_op({.op_type = "Concat", .inputs = {iota({2, 1}), iota({3, 1})}, .attrs = attrs({{"axis", ir::Attribute::of_int(1)}})});
  EXPECT_FALSE(r.is_ok());
}

TEST(Split, UnevenNumOutputsAndSplitInput) {
  auto r = run_op({.op_type = "Split", .inputs = {iota({7})}, .attrs = attrs({{"num_outputs", ir::Attribute::of_int(4)}}), .num_outputs = 4, .opset = 18});
  HONE_ASSERT_OK(r);
  EXPECT_TRUE(tensors_near(r->at(0).tensor, make_float({2}, {0, 1}), 0, 0));
  EXPECT_TRUE(tensors_near(r->at(3).tensor, make_float({1}, {6}), 0, 0));
  r = run_op({.op_type = "Split", .inputs = {iota({2, 5}), ints({2, 3})}, .attrs = attrs({{"axis", ir::Attribute::of_int(1)}}), .num_outputs = 2});
  HONE_ASSERT_OK(r);
  EXPECT_TRUE(tensors_near(r->at(1).tensor, make_float({2, 3}, {2, 3, 4, 7, 8, 9}), 0, 0));
  r = run_op({.op_type = "Split", .inputs = {iota({6})}, .attrs = attrs({{"split", ir::Attribute::of_ints({1, 5})}}), .num_outputs = 2, .opset = 11});
  HONE_ASSERT_OK(r);
  EXPECT_EQ(r->at(1).tensor.shape(), (Shape{5}));
  r = run_op({.op_type = "Split", .inputs = {iota({6}), ints({1, 4})}, .num_outputs = 2});
  ASSERT_FALSE(r.is_ok());
  EXPECT_NE(r.status().to_string().find("split sizes sum to 5"), std::string::npos) << r.status().to_string();
}

TEST(Slice, NegativeStepsAndHugeBounds) {
  const int64_t kMax = std::numeric_limits<int64_t>::max(), kMin = std::numeric_limits<int64_t>::min();
  auto r = run_op({.op_type = "Slice", .inputs = {iota({3, 5}), ints({kMax}), ints({kMin}), ints({1}), ints({-2})}});
  HONE_ASSERT_OK(r);
  EXPECT_TRUE(tensors_near(r->at(0).tensor, make_float({3, 3}, {4, 2, 0, 9, 7, 5, 14, 12, 10}), 0, 0));
  r = run_op({.op_type = "Slice", .inputs = {iota({3, 5}), ints({1, -4}), ints({kMax, 4})}});
  HONE_ASSERT_OK(r);
  EXPECT_TRUE(tensors_near(r->at(0).tensor, make_float({2, 3}, {6, 7, 8, 11, 12, 13}), 0, 0));
  r = run_op({.op_type = "Slice", .inputs = {iota({3, 5})},
              .attrs = attrs({{"starts", ir::Attribute::of_ints({1})}, {"ends", ir::Attribute::of_ints({2})}, {"axes", ir::Attribute::of_ints({0})}}),
              .opset = 9});
  HONE_ASSERT_OK(r);
  EXPECT_TRUE(tensors_near(r->at(0).tensor, make_float({1, 5}, {5, 6, 7, 8, 9}), 0, 0));
  r = run_op({.op_type = "Slice", .inputs = {iota({3}), ints({0}), ints({3}), ints({0}), ints({0})}});
  ASSERT_FALSE(r.is_ok());
  EXPECT_NE(r.status().to_string().find("step cannot be 0"), std::string::npos);
}

TEST(Expand, BothWays) {
  auto r = run_op({.op_type = "Expand", .inputs = {iota({3, 1}), ints({2, 1, 4})}});
  HONE_ASSERT_OK(r);
  const Tensor& y = r->at(0).tensor;
  ASSERT_EQ(y.shape(), (Shape{2, 3, 4}));
  for (int64_t i = 0; i < y.numel(); ++i) EXPECT_EQ(y.data<float>()[i], static_cast<float>((i / 4) % 3));
  r = run_op({.op_type = "Expand", .inputs = {iota({3}), ints({2})}});
  EXPECT_FALSE(r.is_ok());
}

TEST(Tile, Repeats) {
  auto r = run_op({.op_type = "Tile", .inputs = {iota({2, 2}), ints({2, 1})}});
  HONE_ASSERT_OK(r);
  EXPECT_TRUE(tensors_near(r->at(0).tensor, make_float({4, 2}, {0, 1, 2, 3, 0, 1, 2, 3}), 0, 0));
}

TEST(ConstantOfShape, ValueDtype) {
  ir::Attributes a = attrs({{"value", ir::Attribute::of_tensor(make_tensor<int32_t>(DataType::Int32, {1}, {3}))}});
  auto r = run_op({.op_type = "ConstantOfShape", .inputs = {ints({2, 3})}, .attrs = a});
  HONE_ASSERT_OK(r);
  EXPECT_TRUE(tensors_near(r->at(0).tensor, make_tensor<int32_t>(DataType::Int32, {2, 3}, {3, 3, 3, 3, 3, 3}), 0, 0));
  r = run_op({.op_type = "ConstantOfShape", .inputs = {Datum::of(make_int64({0}, {}))}});
  HONE_ASSERT_OK(r);
  EXPECT_EQ(r->at(0).tensor.rank(), 0);
  EXPECT_EQ(r->at(0).tensor.dtype(), DataType::Float);
}

TEST(Range, IntAndFloat) {
  auto r = run_op({.op_type = "Range", .inputs = {Datum::of(make_tensor<int32_t>(DataType::Int32, {}, {10})),
                                                  Datum::of(make_tensor<int32_t>(DataType::Int32, {}, {3})),
                                                  Datum::of(make_tensor<int32_t>(DataType::Int32, {}, {-3}))}});
  HONE_ASSERT_OK(r);
  EXPECT_TRUE(tensors_near(r->at(0).tensor, make_tensor<int32_t>(DataType::Int32, {3}, {10, 7, 4}), 0, 0));
  r = run_op({.op_type = "Range", .inputs = {Datum::of(make_float({}, {1})), Datum::of(make_float({}, {2})), Datum::of(make_float({}, {0.25f}))}});
  HONE_ASSERT_OK(r);
  EXPECT_TRUE(tensors_near(r->at(0).tensor, make_float({4}, {1, 1.25f, 1.5f, 1.75f}), 0, 0));
}

}  // namespace
}  // namespace hone::testing

namespace hone::testing {
namespace {

Datum strings(Shape shape, std::vector<std::string> v) {
  Tensor t = Tensor::zeros(DataType::String, std::move(shape));
  for (size_t i = 0; i < v.size(); ++i) t.strings()[i] = v[i];
  return Datum::of(t);
}

TEST(Transpose, StringsMoveAsStrings) {
  auto r = run_op({.op_type = "Transpose", .inputs = {strings({2, 2}, {"a", "bb", "ccc", "d"})}});
  ASSERT_TRUE(r.is_ok()) << r.status().to_string();
  EXPECT_TRUE(tensors_near(r->at(0).tensor, strings({2, 2}, {"a", "ccc", "bb", "d"}).tensor, 0, 0));
  r = run_op({.op_type = "Concat", .inputs = {strings({1}, {"x"}), strings({2}, {"y", "z"})}, .attrs = attrs({{"axis", ir::Attribute::of_int(0)}})});
  ASSERT_TRUE(r.is_ok()) << r.status().to_string();
  EXPECT_TRUE(tensors_near(r->at(0).tensor, strings({3}, {"x", "y", "z"}).tensor, 0, 0));
}

TEST(Unique, Strings) {
  auto r = run_op({.op_type = "Unique", .inputs = {strings({4}, {"b", "a", "b", "c"})}, .num_outputs = 4});
  ASSERT_TRUE(r.is_ok()) << r.status().to_string();
  EXPECT_TRUE(tensors_near(r->at(0).tensor, strings({3}, {"a", "b", "c"}).tensor, 0, 0));
  EXPECT_TRUE(tensors_near(r->at(3).tensor, make_int64({3}, {1, 2, 1}), 0, 0));
}

}  // namespace
}  // namespace hone::testing
