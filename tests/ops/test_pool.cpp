// Pooling family: MaxPool (indices, storage order, ceil mode, dilations), AveragePool
// (count_include_pad, ceil-mode last-window rule), LpPool, Global* pools, and errors.
#include <cmath>

#include "harness/op_harness.hpp"

namespace hone::testing {
namespace {

ir::Attribute ints(std::vector<int64_t> v) { return ir::Attribute::of_ints(std::move(v)); }

Tensor one_to(int64_t n, Shape shape) {
  std::vector<float> v(static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i) v[static_cast<size_t>(i)] = static_cast<float>(i + 1);
  return make_float(std::move(shape), v);
}

Result<std::vector<Datum>> pool(const std::string& op, Tensor x, std::vector<std::pair<std::string, ir::Attribute>> attrs,
                                int outputs = 1) {
  OpCall call{.op_type = op, .inputs = {Datum::of(std::move(x))}, .num_outputs = outputs};
  for (auto& [k, v] : attrs) call.attrs.set(k, v);
  return run_op(call);
}

TEST(MaxPool, PrecomputedPads) {
  auto r = pool("MaxPool", one_to(25, {1, 1, 5, 5}), {{"kernel_shape", ints({5, 5})}, {"pads", ints({2, 2, 2, 2})}});
  ASSERT_TRUE(r.is_ok()) << r.status().to_string();
  EXPECT_TRUE(tensors_near(r->at(0).tensor, make_float({1, 1, 5, 5}, {13, 14, 15, 15, 15, 18, 19, 20, 20, 20, 23, 24, 25, 25, 25,
                                                                      23, 24, 25, 25, 25, 23, 24, 25, 25, 25})));
}

TEST(MaxPool, IndicesColumnMajor) {
  auto r = pool("MaxPool", one_to(25, {1, 1, 5, 5}),
                {{"kernel_shape", ints({2, 2})}, {"strides", ints({2, 2})}, {"storage_order", ir::Attribute::of_int(1)}}, 2);
  ASSERT_TRUE(r.is_ok()) << r.status().to_string();
  EXPECT_TRUE(tensors_near(r->at(0).tensor, make_float({1, 1, 2, 2}, {7, 9, 17, 19})));
  EXPECT_TRUE(tensors_near(r->at(1).tensor, make_int64({1, 1, 2, 2}, {6, 16, 8, 18}), 0, 0));
}

TEST(MaxPool, IndicesRowMajorCountBatchAndChannel) {
  auto r = pool("MaxPool", one_to(18, {1, 2, 3, 3}), {{"kernel_shape", ints({2, 2})}}, 2);
  ASSERT_TRUE(r.is_ok()) << r.status().to_string();
  EXPECT_TRUE(tensors_near(r->at(1).tensor, make_int64({1, 2, 2, 2}, {4, 5, 7, 8, 13, 14, 16, 17}), 0, 0));
}

TEST(MaxPool, CeilModeAndDilations) {
  auto r = pool("MaxPool", one_to(16, {1, 1, 4, 4}),
                {{"kernel_shape", ints({3, 3})}, {"strides", ints({2, 2})}, {"ceil_mode", ir::Attribute::of_int(1)}});
  ASSERT_TRUE(r.is_ok()) << r.status().to_string();
  EXPECT_TRUE(tensors_near(r->at(0).tensor, make_float({1, 1, 2, 2}, {11, 12, 15, 16})));
  r = pool("MaxPool", one_to(16, {1, 1, 4, 4}), {{"kernel_shape", ints({2, 2})}, {"dilations", ints({2, 2})}});
  ASSERT_TRUE(r.is_ok()) << r.status().to_string();
  EXPECT_TRUE(tensors_near(r->at(0).tensor, make_float({1, 1, 2, 2}, {11, 12, 15, 16})));
}

TEST(MaxPool, Uint8) {
  Tensor x = make_tensor<uint8_t>(DataType::UInt8, {1, 1, 1, 4}, {3, 250, 7, 1});
  auto r = pool("MaxPool", x, {{"kernel_shape", ints({1, 2})}});
  ASSERT_TRUE(r.is_ok()) << r.status().to_string();
  EXPECT_TRUE(tensors_near(r->at(0).tensor, make_tensor<uint8_t>(DataType::UInt8, {1, 1, 1, 3}, {250, 250, 7}), 0, 0));
}

TEST(AveragePool, PadsExcludedAndIncluded) {
  auto r = pool("AveragePool", one_to(25, {1, 1, 5, 5}), {{"kernel_shape", ints({5, 5})}, {"pads", ints({2, 2, 2, 2})}});
  ASSERT_TRUE(r.is_ok()) << r.status().to_string();
  EXPECT_TRUE(tensors_near(r->at(0).tensor,
                           make_float({1, 1, 5, 5}, {7, 7.5, 8, 8.5, 9, 9.5, 10, 10.5, 11, 11.5, 12, 12.5, 13, 13.5, 14,
                                                     14.5, 15, 15.5, 16, 16.5, 17, 17.5, 18, 18.5, 19})));
  r = pool("AveragePool", one_to(25, {1, 1, 5, 5}),
           {{"kernel_shape", ints({5, 5})}, {"pads", ints({2, 2, 2, 2})}, {"count_include_pad", ir::Attribute::of_int(1)}});
  ASSERT_TRUE(r.is_ok()) << r.status().to_string();
  EXPECT_TRUE(tensors_near(r->at(0).tensor,
                           make_float({1, 1, 5, 5}, {2.52f, 3.6f, 4.8f, 4.08f, 3.24f, 4.56f, 6.4f, 8.4f, 7.04f, 5.52f, 7.2f, 10,
                                                     13, 10.8f, 8.4f, 6.96f, 9.6f, 12.4f, 10.24f, 7.92f, 6.12f, 8.4f, 10.8f,
                                                     8.88f, 6.84f}),
                           1e-5, 1e-5));
}

TEST(AveragePool, CeilModeLastWindowMustStartInside) {
  // in 4, k 3, s 2, ceil: windows start at 0 and 2 (a third at 4 would start past the input).
  auto r = pool("AveragePool", one_to(16, {1, 1, 4, 4}),
                {{"kernel_shape", ints({3, 3})}, {"strides", ints({2, 2})}, {"ceil_mode", ir::Attribute::of_int(1)}});
  ASSERT_TRUE(r.is_ok()) << r.status().to_string();
  EXPECT_TRUE(tensors_near(r->at(0).tensor, make_float({1, 1, 2, 2}, {6, 7.5, 12, 13.5})));
  // in 2, pad 1 begin, k 2, s 2, ceil: span (2+1-2)/2 -> ceil 1 -> 2 outputs; the second starts at 1 < 2+1.
  r = pool("AveragePool", make_float({1, 1, 1, 2}, {2, 4}),
           {{"kernel_shape", ints({1, 2})}, {"strides", ints({1, 2})}, {"pads", ints({0, 1, 0, 0})},
            {"ceil_mode", ir::Attribute::of_int(1)}, {"count_include_pad", ir::Attribute::of_int(1)}});
  ASSERT_TRUE(r.is_ok()) << r.status().to_string();
  EXPECT_TRUE(tensors_near(r->at(0).tensor, make_float({1, 1, 1, 2}, {1, 4})));
}

TEST(AveragePool, SameUpperOneDimensional) {
  auto r = pool("AveragePool", make_float({1, 1, 5}, {1, 2, 3, 4, 5}),
                {{"kernel_shape", ints({2})}, {"auto_pad", ir::Attribute::of_string("SAME_UPPER")}});
  ASSERT_TRUE(r.is_ok()) << r.status().to_string();
  EXPECT_TRUE(tensors_near(r->at(0).tensor, make_float({1, 1, 5}, {1.5, 2.5, 3.5, 4.5, 5})));
}

TEST(LpPool, P2Norm) {
  auto r = pool("LpPool", make_float({1, 1, 4}, {3, 4, -12, 0}), {{"kernel_shape", ints({2})}, {"strides", ints({2})}});
  ASSERT_TRUE(r.is_ok()) << r.status().to_string();
  EXPECT_TRUE(tensors_near(r->at(0).tensor, make_float({1, 1, 2}, {5, 12})));
}

TEST(GlobalPools, ReduceThePlane) {
  Tensor x = make_float({1, 2, 2, 2}, {1, 2, 3, 4, -1, -2, -3, 2});
  auto r = pool("GlobalAveragePool", x, {});
  ASSERT_TRUE(r.is_ok()) << r.status().to_string();
  EXPECT_TRUE(tensors_near(r->at(0).tensor, make_float({1, 2, 1, 1}, {2.5, -1})));
  r = pool("GlobalMaxPool", x, {});
  ASSERT_TRUE(r.is_ok()) << r.status().to_string();
  EXPECT_TRUE(tensors_near(r->at(0).tensor, make_float({1, 2, 1, 1}, {4, 2})));
  r = pool("GlobalLpPool", x, {});
  ASSERT_TRUE(r.is_ok()) << r.status().to_string();
  EXPECT_TRUE(tensors_near(r->at(0).tensor, make_float({1, 2, 1, 1}, {std::sqrt(30.f), std::sqrt(18.f)})));
}

TEST(MaxPool, MissingKernelShapeIsAnError) {
  auto r = pool("MaxPool", one_to(4, {1, 1, 2, 2}), {});
  ASSERT_FALSE(r.is_ok());
  EXPECT_NE(r.status().to_string().find("kernel_shape"), std::string::npos) << r.status().to_string();
}

TEST(AveragePool, IntegerInputIsUnsupported) {
  auto r = pool("AveragePool", make_int64({1, 1, 2}, {1, 2}), {{"kernel_shape", ints({2})}});
  ASSERT_FALSE(r.is_ok());
  EXPECT_NE(r.status().to_string().find("does not support element type int64"), std::string::npos) << r.status().to_string();
}

}  // namespace
}  // namespace hone::testing
