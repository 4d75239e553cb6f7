// ConvInteger, QLinearConv, DeformConv, MaxUnpool, RoiAlign, MaxRoiPool: small hand-computed cases.
#include "harness/op_harness.hpp"

namespace hone::testing {
namespace {

TEST(ConvInteger, SubtractsZeroPoints) {
  Tensor x = make_tensor<uint8_t>(DataType::UInt8, {1, 1, 3}, {2, 3, 4});
  Tensor w = make_tensor<uint8_t>(DataType::UInt8, {1, 1, 2}, {1, 2});
  OpCall call{.op_type = "ConvInteger",
              .inputs = {Datum::of(x), Datum::of(w), Datum::of(make_tensor<uint8_t>(DataType::UInt8, {}, {1})),
                         Datum::of(make_tensor<uint8_t>(DataType::UInt8, {}, {1}))}};
  call.attrs.set("pads", ir::Attribute::of_ints({1, 0}));
  auto r = run_op(call);
  ASSERT_TRUE(r.is_ok()) << r.status().to_string();
  // x - 1 = {1, 2, 3} padded left with 0; w - 1 = {0, 1}: y = {1, 2, 3}.
  EXPECT_TRUE(tensors_near(r->at(0).tensor, make_tensor<int32_t>(DataType::Int32, {1, 1, 3}, {1, 2, 3}), 0, 0));
}

TEST(QLinearConv, RequantizesWithRounding) {
  Tensor x = make_tensor<uint8_t>(DataType::UInt8, {1, 1, 2}, {10, 20});
  Tensor w = make_tensor<int8_t>(DataType::Int8, {1, 1, 1}, {3});
  OpCall call{.op_type = "QLinearConv",
              .inputs = {Datum::of(x), Datum::of(make_float({}, {0.5f})), Datum::of(make_tensor<uint8_t>(DataType::UInt8, {}, {0})),
                         Datum::of(w), Datum::of(make_float({}, {1.0f})), Datum::of(make_tensor<int8_t>(DataType::Int8, {}, {0})),
                         Datum::of(make_float({}, {4.0f})), Datum::of(make_tensor<uint8_t>(DataType::UInt8, {}, {5}))}};
  auto r = run_op(call);
  ASSERT_TRUE(r.is_ok()) << r.status().to_string();
  // 30 * 0.5 / 4 = 3.75 -> 4 (+5 = 9); 60 * 0.125 = 7.5 -> 8 (half to even) (+5 = 13).
  EXPECT_TRUE(tensors_near(r->at(0).tensor, make_tensor<uint8_t>(DataType::UInt8, {1, 1, 2}, {9, 13}), 0, 0));
}

TEST(DeformConv, ZeroOffsetsEqualConv) {
  Tensor x = make_float({1, 1, 2, 2}, {1, 2, 3, 4});
  Tensor w = make_float({1, 1, 1, 1}, {2});
  Tensor offset = make_float({1, 2, 2, 2}, {0, 0, 0, 0, 0.5f, 0, 0, 0});  // tap (0,0): x shifted by 0.5 at (0,0)
  auto r = run_op({.op_type = "DeformConv", .inputs = {Datum::of(x), Datum::of(w), Datum::of(offset)}});
  ASSERT_TRUE(r.is_ok()) << r.status().to_string();
  EXPECT_TRUE(tensors_near(r->at(0).tensor, make_float({1, 1, 2, 2}, {3, 4, 6, 8})));
}

TEST(MaxUnpool, ScattersAtIndices) {
  OpCall call{.op_type = "MaxUnpool",
              .inputs = {Datum::of(make_float({1, 1, 1, 2}, {5, 6})), Datum::of(make_int64({1, 1, 1, 2}, {1, 3}))}};
  call.attrs.set("kernel_shape", ir::Attribute::of_ints({1, 2}));
  call.attrs.set("strides", ir::Attribute::of_ints({1, 2}));
  auto r = run_op(call);
  ASSERT_TRUE(r.is_ok()) << r.status().to_string();
  EXPECT_TRUE(tensors_near(r->at(0).tensor, make_float({1, 1, 1, 4}, {0, 5, 0, 6})));
  call.inputs[1] = Datum::of(make_int64({1, 1, 1, 2}, {1, 9}));
  r = run_op(call);
  ASSERT_FALSE(r.is_ok());
  EXPECT_NE(r.status().to_string().find("index 9 is outside the output"), std::string::npos) << r.status().to_string();
}

TEST(RoiAlign, AverageOfConstantImage) {
  OpCall call{.op_type = "RoiAlign",
              .inputs = {Datum::of(make_float({1, 1, 4, 4}, std::vector<float>(16, 3))), Datum::of(make_float({1, 4}, {0, 0, 3, 3})),
                         Datum::of(make_int64({1}, {0}))}};
  call.attrs.set("output_height", ir::Attribute::of_int(2));
  call.attrs.set("output_width", ir::Attribute::of_int(2));
  auto r = run_op(call);
  ASSERT_TRUE(r.is_ok()) << r.status().to_string();
  EXPECT_TRUE(tensors_near(r->at(0).tensor, make_float({1, 1, 2, 2}, {3, 3, 3, 3})));
}

TEST(MaxRoiPool, MaxPerBin) {
  std::vector<float> v(16);
  for (int i = 0; i < 16; ++i) v[static_cast<size_t>(i)] = static_cast<float>(i);
  OpCall call{.op_type = "MaxRoiPool", .inputs = {Datum::of(make_float({1, 1, 4, 4}, v)), Datum::of(make_float({1, 5}, {0, 0, 0, 3, 3}))}};
  call.attrs.set("pooled_shape", ir::Attribute::of_ints({2, 2}));
  auto r = run_op(call);
  ASSERT_TRUE(r.is_ok()) << r.status().to_string();
  EXPECT_TRUE(tensors_near(r->at(0).tensor, make_float({1, 1, 2, 2}, {5, 7, 13, 15})));
}

TEST(RoiAlign, NonPositiveOutputSizeIsAnError) {
  OpCall call{.op_type = "RoiAlign",
              .inputs = {Datum::of(random_float({1, 1, 4, 4}, 1)), Datum::of(make_float({1, 4}, {0, 0, 3, 3})),
                         Datum::of(make_int64({1}, {0}))}};
  call.attrs.set("output_height", ir::Attribute::of_int(0));
  auto r = run_op(call);
  ASSERT_FALSE(r.is_ok());
  EXPECT_NE(r.status().to_string().find("output_height and output_width must be positive"), std::string::npos)
      << r.status().to_string();
}

TEST(ConvTranspose, KernelShapeMismatchIsAnError) {
  OpCall call{.op_type = "ConvTranspose", .inputs = {Datum::of(random_float({1, 1, 3, 3}, 1)), Datum::of(random_float({1, 1, 2, 2}, 2))}};
  call.attrs.set("kernel_shape", ir::Attribute::of_ints({3, 3}));
  auto r = run_op(call);
  ASSERT_FALSE(r.is_ok());
  EXPECT_NE(r.status().to_string().find("kernel_shape does not match W"), std::string::npos) << r.status().to_string();
}

}  // namespace
}  // namespace hone::testing
