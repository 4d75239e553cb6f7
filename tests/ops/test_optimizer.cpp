// Training optimizers (ai.onnx.preview.training): Adagrad, Adam, Momentum, element formulas
// written out here.
#include <cmath>

#include "harness/op_harness.hpp"

namespace hone::testing {
namespace {

const char* kTraining = "ai.onnx.preview.training";
Datum f(std::vector<float> v) {
  const int64_t n = static_cast<int64_t>(v.size());
  return Datum::of(make_float({n}, std::move(v)));
}
Datum scalar_r(float r) { return Datum::of(make_float({}, {r})); }
Datum scalar_t(int64_t t) { return Datum::of(make_int64({}, {t})); }

TEST(Adagrad, OneStep) {
  ir::Attributes a;
  a.set("decay_factor", ir::Attribute::of_float(0.1f));
  a.set("epsilon", ir::Attribute::of_float(1e-5f));
  a.set("norm_coefficient", ir::Attribute::of_float(0.01f));
  auto r = run_op({.op_type = "Adagrad", .inputs = {scalar_r(0.1f), scalar_t(2), f({1, 2}), f({-1, 3}), f({2, 0.5f})},
                   .attrs = a, .num_outputs = 2, .opset = 1, .domain = kTraining});
  ASSERT_TRUE(r.is_ok()) << r.status().to_string();
  std::vector<float> xs, hs;
  const double x[2] = {1, 2}, g[2] = {-1, 3}, h[2] = {2, 0.5};
  for (int k = 0; k < 2; ++k) {
    const double rate = 0.1 / (1 + 2 * 0.1), gr = 0.01 * x[k] + g[k], hn = h[k] + gr * gr;
    xs.push_back(static_cast<float>(x[k] - rate * gr / (std::sqrt(hn) + 1e-5)));
    hs.push_back(static_cast<float>(hn));
  }
  EXPECT_TRUE(tensors_near(r->at(0).tensor, make_float({2}, xs)));
  EXPECT_TRUE(tensors_near(r->at(1).tensor, make_float({2}, hs)));
}

TEST(Adam, TwoTensorsWithBiasCorrection) {
  ir::Attributes a;
  a.set("norm_coefficient_post", ir::Attribute::of_float(0.1f));
  auto r = run_op({.op_type = "Adam",
                   .inputs = {scalar_r(0.1f), scalar_t(3), f({1}), f({2, 3}), f({-0.5f}), f({1, -1}), f({0.2f}),
                              f({0, 1}), f({0.3f}), f({1, 2})},
                   .attrs = a,
                   .num_outputs = 6, .opset = 1, .domain = kTraining});
  ASSERT_TRUE(r.is_ok()) << r.status().to_string();
  // First tensor: x 1, g -0.5, v 0.2, h 0.3.
  const double v = 0.9 * 0.2 + 0.1 * -0.5, h = 0.999 * 0.3 + 0.001 * 0.25;
  const double rate = 0.1 * std::sqrt(1 - std::pow(0.999, 3)) / (1 - std::pow(0.9, 3));
  const double x = 0.9 * (1 - rate * v / (std::sqrt(h) + 1e-6));
  EXPECT_TRUE(tensors_near(r->at(0).tensor, make_float({1}, {static_cast<float>(x)})));
  EXPECT_TRUE(tensors_near(r->at(2).tensor, make_float({1}, {static_cast<float>(v)})));
  EXPECT_TRUE(tensors_near(r->at(4).tensor, make_float({1}, {static_cast<float>(h)})));
  EXPECT_EQ(r->at(1).tensor.shape(), (Shape{2}));
}

TEST(Momentum, StandardAndNesterov) {
  for (const char* mode : {"standard", "nesterov"}) {
    ir::Attributes a;
    a.set("alpha", ir::Attribute::of_float(0.9f));
    a.set("beta", ir::Attribute::of_float(0.5f));
    a.set("mode", ir::Attribute::of_string(mode));
    a.set("norm_coefficient", ir::Attribute::of_float(0.0f));
    for (int64_t t : {0, 4}) {
      auto r = run_op({.op_type = "Momentum", .inputs = {scalar_r(0.1f), scalar_t(t), f({1}), f({2}), f({3})},
                       .attrs = a, .num_outputs = 2, .opset = 1, .domain = kTraining});
      ASSERT_TRUE(r.is_ok()) << r.status().to_string();
      const double v = 0.9 * 3 + (t > 0 ? 0.5 : 1.0) * 2;
      const double x = std::string(mode) == "nesterov" ? 1 - 0.1 * (2 + 0.9 * v) : 1 - 0.1 * v;
      EXPECT_TRUE(tensors_near(r->at(0).tensor, make_float({1}, {static_cast<float>(x)}))) << mode << " t=" << t;
      EXPECT_TRUE(tensors_near(r->at(1).tensor, make_float({1}, {static_cast<float>(v)})));
    }
  }
}

TEST(Momentum, BadModeIsAnError) {
  ir::Attributes a;
  a.set("alpha", ir::Attribute::of_float(0.9f));
  a.set("beta", ir::Attribute::of_float(0.5f));
  a.set("mode", ir::Attribute::of_string("heavy"));
  a.set("norm_coefficient", ir::Attribute::of_float(0.0f));
  auto r = run_op({.op_type = "Momentum", .inputs = {scalar_r(0.1f), scalar_t(1), f({1}), f({2}), f({3})},
                   .attrs = a, .num_outputs = 2, .opset = 1, .domain = kTraining});
  ASSERT_FALSE(r.is_ok());
  EXPECT_NE(r.status().to_string().find("mode must be standard or nesterov"), std::string::npos) << r.status().to_string();
}

}  // namespace
}  // namespace hone::testing
