// Linear quantization family: QuantizeLinear / DequantizeLinear (per-tensor, per-axis,
// blocked, sub-byte and float8 targets), DynamicQuantizeLinear, MatMulInteger, QLinearMatMul.
#include "harness/op_harness.hpp"

namespace hone::testing {
namespace {

ir::Attributes attrs(std::vector<std::pair<std::string, int64_t>> kv) {
  ir::Attributes a;
  for (auto& [k, v] : kv) a.set(k, ir::Attribute::of_int(v));
  return a;
}

std::vector<int64_t> ints(const Tensor& t) { return t.to_int64_vector(); }

TEST(QuantizeLinear, PerTensorRoundsHalfToEvenAndSaturates) {
  Tensor x = make_float({6}, {2.5f, 3.5f, -2.5f, 1000.0f, -1000.0f, 0.4f});
  Tensor s = make_float({}, {1.0f});
  Tensor z = make_tensor<uint8_t>(DataType::UInt8, {}, {10});
  auto r = run_op({.op_type = "QuantizeLinear", .inputs = {Datum::of(x), Datum::of(s), Datum::of(z)}});
  ASSERT_TRUE(r.is_ok()) << r.status().to_string();
  // round(x) + 10: 2 + 10, 4 + 10, -2 + 10, saturate 255, saturate 0, 0 + 10
  EXPECT_EQ(ints(r->at(0).tensor), (std::vector<int64_t>{12, 14, 8, 255, 0, 10}));
}

TEST(QuantizeLinear, PerAxisNegativeAxisToInt4) {
  Tensor x = make_float({2, 3}, {1, 2, 3, -20, 4, 5});
  Tensor s = make_float({3}, {1.0f, 2.0f, 0.5f});
  Tensor z = make_tensor<Int4>(DataType::Int4, {3}, {Int4(0), Int4(1), Int4(-1)});
  auto r = run_op({.op_type = "QuantizeLinear", .inputs = {Datum::of(x), Datum::of(s), Datum::of(z)}, .attrs = attrs({{"axis", -1}})});
  ASSERT_TRUE(r.is_ok()) << r.status().to_string();
  // column scales 1, 2, 0.5 and zero points 0, 1, -1: [1, 1+1, 6-1], [-20 -> -8, 2+1, 10-1 -> 7]
  EXPECT_EQ(ints(r->at(0).tensor), (std::vector<int64_t>{1, 2, 5, -8, 3, 7}));
}

TEST(QuantizeLinear, BlockedWithRemainderBlock) {
  Tensor x = make_float({1, 5}, {2, 4, 6, 8, 10});
  Tensor s = make_float({1, 3}, {2.0f, 1.0f, 10.0f});  // blocks [0,1], [2,3], [4]
  auto r = run_op({.op_type = "QuantizeLinear", .inputs = {Datum::of(x), Datum::of(s)},
                   .attrs = attrs({{"axis", 1}, {"block_size", 2}, {"output_dtype", static_cast<int64_t>(DataType::Int8)}})});
  ASSERT_TRUE(r.is_ok()) << r.status().to_string();
  EXPECT_EQ(r->at(0).tensor.dtype(), DataType::Int8);
  EXPECT_EQ(ints(r->at(0).tensor), (std::vector<int64_t>{1, 2, 6, 8, 1}));
}

TEST(QuantizeLinear, Float8Saturates) {
  Tensor x = make_float({2}, {1e6f, 3.0f});
  Tensor s = make_float({}, {1.0f});
  Tensor z = make_tensor<Float8E4M3FN>(DataType::Float8E4M3FN, {}, {Float8E4M3FN(0.0f)});
  auto r = run_op({.op_type = "QuantizeLinear", .inputs = {Datum::of(x), Datum::of(s), Datum::of(z)}});
  ASSERT_TRUE(r.is_ok()) << r.status().to_string();
  EXPECT_EQ(r->at(0).tensor.get_double(0), 448.0);
  EXPECT_EQ(r->at(0).tensor.get_double(1), 3.0);
}

TEST(QuantizeLinear, BadLayoutIsAnError) {
  auto r = run_op({.op_type = "QuantizeLinear", .inputs = {Datum::of(make_float({2, 3}, {1, 2, 3, 4, 5, 6})), Datum::of(make_float({2}, {1, 1}))}});
  ASSERT_FALSE(r.is_ok());
  EXPECT_NE(r.status().to_string().find("per-axis parameters must be 1-D of size x[axis]"), std::string::npos) << r.status().to_string();
}

TEST(DequantizeLinear, PerAxisAndFloat16Output) {
  Tensor x = make_tensor<int8_t>(DataType::Int8, {2, 2}, {10, -10, 3, 4});
  Tensor s = make_tensor<Float16>(DataType::Float16, {2}, {Float16(0.5f), Float16(2.0f)});
  Tensor z = make_tensor<int8_t>(DataType::Int8, {2}, {2, -1});
  auto r = run_op({.op_type = "DequantizeLinear", .inputs = {Datum::of(x), Datum::of(s), Datum::of(z)}, .attrs = attrs({{"axis", 0}})});
  ASSERT_TRUE(r.is_ok()) << r.status().to_string();
  // rows: (10-2)*0.5, (-10-2)*0.5 ; (3+1)*2, (4+1)*2
  EXPECT_TRUE(tensors_near(r->at(0).tensor, make_tensor<Float16>(DataType::Float16, {2, 2}, {Float16(4.0f), Float16(-6.0f), Float16(8.0f), Float16(10.0f)}), 0, 0));
}

TEST(DynamicQuantizeLinear, ScaleAndZeroPointFromData) {
  auto r = run_op({.op_type = "DynamicQuantizeLinear", .inputs = {Datum::of(make_float({3}, {-1.0f, 0.0f, 4.1f}))}, .num_outputs = 3});
  ASSERT_TRUE(r.is_ok()) << r.status().to_string();
  const float scale = 5.1f / 255.0f;
  EXPECT_FLOAT_EQ(r->at(1).tensor.data<float>()[0], scale);
  const int64_t zp = static_cast<int64_t>(std::nearbyint(1.0f / scale));  // 50
  EXPECT_EQ(ints(r->at(2).tensor), (std::vector<int64_t>{zp}));
  EXPECT_EQ(ints(r->at(0).tensor), (std::vector<int64_t>{0, zp, 255}));
}

TEST(DynamicQuantizeLinear, AllZeroInput) {
  auto r = run_op({.op_type = "DynamicQuantizeLinear", .inputs = {Datum::of(make_float({2}, {0.0f, 0.0f}))}, .num_outputs = 3});
  ASSERT_TRUE(r.is_ok()) << r.status().to_string();
  EXPECT_EQ(ints(r->at(0).tensor), (std::vector<int64_t>{0, 0}));
  EXPECT_EQ(ints(r->at(2).tensor), (std::vector<int64_t>{0}));
}

TEST(MatMulInteger, PerRowZeroPointAndBatchBroadcast) {
  Tensor a = make_tensor<uint8_t>(DataType::UInt8, {2, 2, 3}, {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12});
  Tensor b = make_tensor<int8_t>(DataType::Int8, {3, 1}, {1, -1, 2});
  Tensor za = make_tensor<uint8_t>(DataType::UInt8, {2}, {1, 2});
  auto r = run_op({.op_type = "MatMulInteger", .inputs = {Datum::of(a), Datum::of(b), Datum::of(za)}});
  ASSERT_TRUE(r.is_ok()) << r.status().to_string();
  // row m subtracts za[m]: [0,1,2].[1,-1,2]=3, [2,3,4]->7, [6,7,8]->15, [8,9,10]->19
  EXPECT_EQ(r->at(0).tensor.shape(), (Shape{2, 2, 1}));
  EXPECT_EQ(ints(r->at(0).tensor), (std::vector<int64_t>{3, 7, 15, 19}));
}

TEST(MatMulInteger, ShapeMismatchIsAnError) {
  auto r = run_op({.op_type = "MatMulInteger",
                   .inputs = {Datum::of(make_tensor<uint8_t>(DataType::UInt8, {2, 3}, {})), Datum::of(make_tensor<uint8_t>(DataType::UInt8, {2, 3}, {}))}});
  ASSERT_FALSE(r.is_ok());
  EXPECT_NE(r.status().to_string().find("do not match"), std::string::npos) << r.status().to_string();
}

TEST(QLinearMatMul, RequantizesWithMultiplier) {
  Tensor a = make_tensor<uint8_t>(DataType::UInt8, {1, 2}, {10, 20});
  Tensor b = make_tensor<uint8_t>(DataType::UInt8, {2, 1}, {3, 5});
  auto scalar = [](float v) { return Datum::of(make_float({}, {v})); };
  auto zero = [](uint8_t v) { return Datum::of(make_tensor<uint8_t>(DataType::UInt8, {}, {v})); };
  auto r = run_op({.op_type = "QLinearMatMul",
                   .inputs = {Datum::of(a), scalar(0.5f), zero(0), Datum::of(b), scalar(0.25f), zero(1), scalar(0.5f), zero(7)}});
  ASSERT_TRUE(r.is_ok()) << r.status().to_string();
  // (10*2 + 20*4) * (0.5*0.25/0.5) + 7 = 100 * 0.25 + 7 = 32
  EXPECT_EQ(ints(r->at(0).tensor), (std::vector<int64_t>{32}));
}

}  // namespace
}  // namespace hone::testing
