// Random generators: shapes, types, ranges, determinism under a seed, distribution moments.
#include "harness/op_harness.hpp"

namespace hone::testing {
namespace {

TEST(RandomUniform, RangeShapeAndSeedDeterminism) {
  ir::Attributes a;
  a.set("shape", ir::Attribute::of_ints({100, 7}));
  a.set("low", ir::Attribute::of_float(-2.0f));
  a.set("high", ir::Attribute::of_float(3.0f));
  a.set("seed", ir::Attribute::of_float(5.0f));
  a.set("dtype", ir::Attribute::of_int(static_cast<int64_t>(DataType::Double)));
  auto r1 = run_op({.op_type = "RandomUniform", .attrs = a});
  auto r2 = run_op({.op_type = "RandomUniform", .attrs = a});
  ASSERT_TRUE(r1.is_ok()) << r1.status().to_string();
  const Tensor& y = r1->at(0).tensor;
  EXPECT_EQ(y.dtype(), DataType::Double);
  EXPECT_EQ(y.shape(), (Shape{100, 7}));
  double mean = 0;
  for (int64_t i = 0; i < y.numel(); ++i) {
    ASSERT_GE(y.get_double(i), -2.0);
    ASSERT_LT(y.get_double(i), 3.0);
    mean += y.get_double(i) / static_cast<double>(y.numel());
  }
  EXPECT_NEAR(mean, 0.5, 0.2);
  EXPECT_TRUE(y.bit_equal(r2->at(0).tensor));
}

TEST(RandomNormalLike, MomentsAndInputType) {
  ir::Attributes a;
  a.set("mean", ir::Attribute::of_float(10.0f));
  a.set("scale", ir::Attribute::of_float(2.0f));
  auto r = run_op({.op_type = "RandomNormalLike", .inputs = {Datum::of(make_tensor<Float16>(DataType::Float16, {4000}, {}))}, .attrs = a});
  ASSERT_TRUE(r.is_ok()) << r.status().to_string();
  const Tensor& y = r->at(0).tensor;
  EXPECT_EQ(y.dtype(), DataType::Float16);
  double mean = 0, sq = 0;
  for (int64_t i = 0; i < y.numel(); ++i) mean += y.get_double(i) / 4000.0;
  for (int64_t i = 0; i < y.numel(); ++i) sq += (y.get_double(i) - mean) * (y.get_double(i) - mean) / 4000.0;
  EXPECT_NEAR(mean, 10.0, 0.2);
  EXPECT_NEAR(std::sqrt(sq), 2.0, 0.2);
}

TEST(Bernoulli, ExtremesAndOutputType) {
  ir::Attributes a;
  a.set("dtype", ir::Attribute::of_int(static_cast<int64_t>(DataType::Int32)));
  auto r = run_op({.op_type = "Bernoulli", .inputs = {Datum::of(make_float({4}, {0.0f, 1.0f, 0.0f, 1.0f}))}, .attrs = a});
  ASSERT_TRUE(r.is_ok()) << r.status().to_string();
  EXPECT_EQ(r->at(0).tensor.dtype(), DataType::Int32);
  EXPECT_EQ(r->at(0).tensor.to_int64_vector(), (std::vector<int64_t>{0, 1, 0, 1}));
}

TEST(Bernoulli, ProbabilityOutsideRangeIsAnError) {
  auto r = run_op({.op_type = "Bernoulli", .inputs = {Datum::of(make_float({1}, {1.5f}))}});
  ASSERT_FALSE(r.is_ok());
  EXPECT_NE(r.status().to_string().find("outside [0, 1]"), std::string::npos) << r.status().to_string();
}

TEST(Multinomial, SamplesFollowLogits) {
  ir::Attributes a;
  a.set("sample_size", ir::Attribute::of_int(2000));
  a.set("dtype", ir::Attribute::of_int(static_cast<int64_t>(DataType::Int64)));
  // Row 0: only class 2 possible; row 1: classes 0 and 1 with odds 1 : 3.
  auto r = run_op({.op_type = "Multinomial",
                   .inputs = {Datum::of(make_float({2, 3}, {-INFINITY, -INFINITY, 0.0f, 0.0f, std::log(3.0f), -INFINITY}))},
                   .attrs = a});
  ASSERT_TRUE(r.is_ok()) << r.status().to_string();
  const Tensor& y = r->at(0).tensor;
  EXPECT_EQ(y.shape(), (Shape{2, 2000}));
  int ones = 0;
  for (int64_t s = 0; s < 2000; ++s) {
    ASSERT_EQ(y.get_int64(s), 2);
    ASSERT_LE(y.get_int64(2000 + s), 1);
    ones += y.get_int64(2000 + s) == 1;
  }
  EXPECT_NEAR(ones / 2000.0, 0.75, 0.05);
}

}  // namespace
}  // namespace hone::testing
