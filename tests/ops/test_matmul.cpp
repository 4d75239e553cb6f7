// MatMul and Gemm against a direct triple loop: 1-D promotion, batch broadcast, transposes,
// alpha/beta, C broadcast, integer wrap-around.
#include "harness/op_harness.hpp"

namespace hone::testing {
namespace {

// y[m,n] = sum_k a[m*sa_m + k*sa_k] * b[k*sb_k + n*sb_n]
Tensor naive(const Tensor& a, const Tensor& b, int64_t rows, int64_t inner, int64_t cols, bool ta, bool tb) {
  Tensor y = Tensor::zeros(DataType::Float, {rows, cols});
  for (int64_t m = 0; m < rows; ++m) {
    for (int64_t n = 0; n < cols; ++n) {
      double s = 0;
      for (int64_t k = 0; k < inner; ++k) {
        s += double(a.data<float>()[ta ? k * rows + m : m * inner + k]) * b.data<float>()[tb ? n * inner + k : k * cols + n];
      }
      y.data<float>()[m * cols + n] = static_cast<float>(s);
    }
  }
  return y;
}

TEST(MatMul, BatchBroadcast) {
  const Tensor a = random_float({2, 1, 3, 7}, 21);
  const Tensor b = random_float({4, 7, 5}, 22);
  auto r = run_op({.op_type = "MatMul", .inputs = {Datum::of(a), Datum::of(b)}});
  ASSERT_TRUE(r.is_ok()) << r.status().to_string();
  const Tensor& y = r->at(0).tensor;
  ASSERT_EQ(y.shape(), (Shape{2, 4, 3, 5}));
  for (int64_t i = 0; i < 2; ++i) {
    for (int64_t j = 0; j < 4; ++j) {
      Tensor as = Tensor::zeros(DataType::Float, {3, 7});
      Tensor bs = Tensor::zeros(DataType::Float, {7, 5});
      std::copy_n(a.data<float>() + i * 21, 21, as.data<float>());
      std::copy_n(b.data<float>() + j * 35, 35, bs.data<float>());
      Tensor want = naive(as, bs, 3, 7, 5, false, false);
      Tensor got = Tensor::zeros(DataType::Float, {3, 5});
      std::copy_n(y.data<float>() + (i * 4 + j) * 15, 15, got.data<float>());
      EXPECT_TRUE(tensors_near(got, want, 1e-5, 1e-5)) << i << "," << j;
    }
  }
}

TEST(MatMul, OneDimensionalPromotion) {
  const Tensor v = make_float({3}, {1, 2, 3});
  const Tensor m = make_float({3, 2}, {1, 2, 3, 4, 5, 6});
  auto r = run_op({.op_type = "MatMul", .inputs = {Datum::of(v), Datum::of(m)}});
  ASSERT_TRUE(r.is_ok()) << r.status().to_string();
  EXPECT_TRUE(tensors_near(r->at(0).tensor, make_float({2}, {22, 28}), 0, 0));
  r = run_op({.op_type = "MatMul", .inputs = {Datum::of(v), Datum::of(v)}});
  ASSERT_TRUE(r.is_ok()) << r.status().to_string();
  EXPECT_TRUE(tensors_near(r->at(0).tensor, make_float({}, {14}), 0, 0));
  const Tensor m2 = make_float({2, 3}, {1, 2, 3, 4, 5, 6});
  r = run_op({.op_type = "MatMul", .inputs = {Datum::of(m2), Datum::of(v)}});
  ASSERT_TRUE(r.is_ok()) << r.status().to_string();
  EXPECT_TRUE(tensors_near(r->at(0).tensor, make_float({2}, {14, 32}), 0, 0));
}

TEST(MatMul, IntegersWrap) {
  const Tensor a = make_tensor<int32_t>(DataType::Int32, {1, 2}, {65536, 1});
  const Tensor b = make_tensor<int32_t>(DataType::Int32, {2, 1}, {65536, 5});
  auto r = run_op({.op_type = "MatMul", .inputs = {Datum::of(a), Datum::of(b)}});
  ASSERT_TRUE(r.is_ok()) << r.status().to_string();
  EXPECT_TRUE(tensors_near(r->at(0).tensor, make_tensor<int32_t>(DataType::Int32, {1, 1}, {5}), 0, 0));
}

TEST(MatMul, InnerMismatchIsAnError) {
  auto r = run_op({.op_type = "MatMul", .inputs = {Datum::of(random_float({2, 3}, 1)), Datum::of(random_float({4, 2}, 2))}});
  ASSERT_FALSE(r.is_ok());
  EXPECT_NE(r.status().to_string().find("inner dimensions differ"), std::string::npos) << r.status().to_string();
}

TEST(Gemm, TransposesAlphaBetaAndBroadcastC) {
  const Tensor a = random_float({7, 3}, 31);  // transA: A' is 3x7
  const Tensor b = random_float({5, 7}, 32);  // transB: B' is 7x5
  const Tensor c = random_float({5}, 33);
  ir::Attributes at;
  at.set("transA", ir::Attribute::of_int(1));
  at.set("transB", ir::Attribute::of_int(1));
  at.set("alpha", ir::Attribute::of_float(0.5f));
  at.set("beta", ir::Attribute::of_float(2.0f));
  auto r = run_op({.op_type = "Gemm", .inputs = {Datum::of(a), Datum::of(b), Datum::of(c)}, .attrs = at});
  ASSERT_TRUE(r.is_ok()) << r.status().to_string();
  Tensor want = naive(a, b, 3, 7, 5, true, true);
  for (int64_t i = 0; i < 15; ++i) want.data<float>()[i] = 0.5f * want.data<float>()[i] + 2.0f * c.data<float>()[i % 5];
  EXPECT_TRUE(tensors_near(r->at(0).tensor, want, 1e-5, 1e-5));
  // No C.
  r = run_op({.op_type = "Gemm", .inputs = {Datum::of(random_float({3, 7}, 1)), Datum::of(random_float({7, 5}, 2))}});
  ASSERT_TRUE(r.is_ok()) << r.status().to_string();
  EXPECT_TRUE(tensors_near(r->at(0).tensor, naive(random_float({3, 7}, 1), random_float({7, 5}, 2), 3, 7, 5, false, false),
                           1e-5, 1e-5));
}

TEST(Gemm, BadCIsAnError) {
  auto r = run_op({.op_type = "Gemm",
                   .inputs = {Datum::of(random_float({2, 3}, 1)), Datum::of(random_float({3, 4}, 2)),
                              Datum::of(random_float({3}, 3))}});
  ASSERT_FALSE(r.is_ok());
  EXPECT_NE(r.status().to_string().find("does not broadcast to"), std::string::npos) << r.status().to_string();
}

}  // namespace
}  // namespace hone::testing
