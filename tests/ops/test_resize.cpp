// Resize / Upsample: nearest rounding modes, linear and cubic with coordinate transforms,
// sizes with aspect policies, tf_crop_and_resize extrapolation, and errors.
#include "harness/op_harness.hpp"

namespace hone::testing {
namespace {

Result<std::vector<Datum>> resize(Tensor x, Datum roi, Datum scales, Datum sizes,
                                  std::vector<std::pair<std::string, ir::Attribute>> attrs, int opset = 19) {
  OpCall call{.op_type = "Resize", .inputs = {Datum::of(std::move(x)), roi, scales, sizes}, .opset = opset};
  if (sizes.is_none()) call.inputs.pop_back();
  for (auto& [k, v] : attrs) call.attrs.set(k, v);
  return run_op(call);
}
ir::Attribute str(const char* s) { return ir::Attribute::of_string(s); }

TEST(Resize, NearestUpsampleByScales) {
  auto r = resize(make_float({1, 1, 2, 2}, {1, 2, 3, 4}), omitted(), Datum::of(make_float({4}, {1, 1, 2, 3})), omitted(), {});
  ASSERT_TRUE(r.is_ok()) << r.status().to_string();
  EXPECT_TRUE(tensors_near(r->at(0).tensor, make_float({1, 1, 4, 6}, {1, 1, 1, 2, 2, 2, 1, 1, 1, 2, 2, 2,
                                                                      3, 3, 3, 4, 4, 4, 3, 3, 3, 4, 4, 4})));
}

TEST(Resize, NearestModesRoundDifferently) {
  // asymmetric, scale 0.5 on length 4 -> x = 2*o = {0, 2}: exact; use half_pixel x = 2o + 0.5.
  Tensor x = make_float({1, 4}, {10, 20, 30, 40});
  auto run_mode = [&](const char* m) {
    return resize(x, omitted(), Datum::of(make_float({2}, {1, 0.5f})), omitted(), {{"nearest_mode", str(m)}});
  };
  auto r = run_mode("round_prefer_floor");
  ASSERT_TRUE(r.is_ok()) << r.status().to_string();
  EXPECT_TRUE(tensors_near(r->at(0).tensor, make_float({1, 2}, {10, 30})));
  r = run_mode("round_prefer_ceil");
  EXPECT_TRUE(tensors_near(r->at(0).tensor, make_float({1, 2}, {20, 40})));
  r = run_mode("floor");
  EXPECT_TRUE(tensors_near(r->at(0).tensor, make_float({1, 2}, {10, 30})));
  r = run_mode("ceil");
  EXPECT_TRUE(tensors_near(r->at(0).tensor, make_float({1, 2}, {20, 40})));
}

TEST(Resize, LinearHalfPixelAndAlignCorners) {
  Tensor x = make_float({1, 2}, {0, 4});
  auto r = resize(x, omitted(), Datum::of(make_float({2}, {1, 2})), omitted(), {{"mode", str("linear")}});
  ASSERT_TRUE(r.is_ok()) << r.status().to_string();
  // half_pixel: x = (o + 0.5)/2 - 0.5 = {-0.25, 0.25, 0.75, 1.25} -> clamped taps.
  EXPECT_TRUE(tensors_near(r->at(0).tensor, make_float({1, 4}, {0, 1, 3, 4})));
  r = resize(x, omitted(), omitted(), Datum::of(make_int64({2}, {1, 3})),
             {{"mode", str("linear")}, {"coordinate_transformation_mode", str("align_corners")}});
  ASSERT_TRUE(r.is_ok()) << r.status().to_string();
  EXPECT_TRUE(tensors_near(r->at(0).tensor, make_float({1, 3}, {0, 2, 4})));
}

TEST(Resize, CubicAsymmetricReproducesIntegerSamples) {
  Tensor x = make_float({1, 4}, {1, 5, 2, 7});
  auto r = resize(x, omitted(), Datum::of(make_float({2}, {1, 2})), omitted(),
                  {{"mode", str("cubic")}, {"coordinate_transformation_mode", str("asymmetric")}});
  ASSERT_TRUE(r.is_ok()) << r.status().to_string();
  const Tensor& y = r->at(0).tensor;
  ASSERT_EQ(y.shape(), (Shape{1, 8}));
  for (int i = 0; i < 4; ++i) EXPECT_FLOAT_EQ(y.data<float>()[2 * i], x.data<float>()[i]);
  // Midpoint 0.5 between 1 and 5 (A = -0.75, taps clamped at -1 -> 1): weights {-3/32, 19/32, 19/32, -3/32}.
  EXPECT_NEAR(y.data<float>()[1], (-3 * 1 + 19 * 1 + 19 * 5 - 3 * 2) / 32.0, 1e-5);
}

TEST(Resize, SizesNotLargerKeepsAspect) {
  auto r = resize(random_float({1, 1, 2, 4}, 3), omitted(), omitted(), Datum::of(make_int64({2}, {4, 4})),
                  {{"axes", ir::Attribute::of_ints({2, 3})}, {"keep_aspect_ratio_policy", str("not_larger")}});
  ASSERT_TRUE(r.is_ok()) << r.status().to_string();
  EXPECT_EQ(r->at(0).tensor.shape(), (Shape{1, 1, 2, 4}));
  r = resize(random_float({1, 1, 2, 4}, 3), omitted(), omitted(), Datum::of(make_int64({2}, {4, 4})),
             {{"axes", ir::Attribute::of_ints({2, 3})}, {"keep_aspect_ratio_policy", str("not_smaller")}});
  ASSERT_TRUE(r.is_ok()) << r.status().to_string();
  EXPECT_EQ(r->at(0).tensor.shape(), (Shape{1, 1, 4, 8}));
}

TEST(Resize, TfCropAndResizeExtrapolates) {
  Tensor x = make_float({1, 3}, {0, 10, 20});
  auto r = resize(x, Datum::of(make_float({4}, {0, 0.5f, 1, 1.5f})), omitted(), Datum::of(make_int64({2}, {1, 3})),
                  {{"mode", str("linear")}, {"coordinate_transformation_mode", str("tf_crop_and_resize")},
                   {"extrapolation_value", ir::Attribute::of_float(-1)}});
  ASSERT_TRUE(r.is_ok()) << r.status().to_string();
  // x = 1 + o * 1 * 2 / 2 = {1, 2, 3}: the last is past the input.
  EXPECT_TRUE(tensors_near(r->at(0).tensor, make_float({1, 3}, {10, 20, -1})));
}

TEST(Upsample, NearestOpset9) {
  OpCall call{.op_type = "Upsample", .inputs = {Datum::of(make_float({1, 2}, {1, 2})), Datum::of(make_float({2}, {1, 2}))}, .opset = 9};
  auto r = run_op(call);
  ASSERT_TRUE(r.is_ok()) << r.status().to_string();
  EXPECT_TRUE(tensors_near(r->at(0).tensor, make_float({1, 4}, {1, 1, 2, 2})));
}

TEST(Resize, ScalesAndSizesTogetherIsAnError) {
  auto r = resize(make_float({1, 2}, {1, 2}), omitted(), Datum::of(make_float({2}, {1, 2})), Datum::of(make_int64({2}, {1, 4})), {});
  ASSERT_FALSE(r.is_ok());
  EXPECT_NE(r.status().to_string().find("only one of scales and sizes"), std::string::npos) << r.status().to_string();
}

}  // namespace
}  // namespace hone::testing
