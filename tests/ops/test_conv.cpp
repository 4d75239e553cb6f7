// Conv: hand-computed cases, a naive 2-D reference over random inputs (groups, strides,
// dilations, asymmetric pads), auto_pad, 1-D/3-D, float16, and errors.
#include "harness/op_harness.hpp"

namespace hone::testing {
namespace {

ir::Attribute ints(std::vector<int64_t> v) { return ir::Attribute::of_ints(std::move(v)); }

std::vector<float> iota(int64_t n) {
  std::vector<float> v(static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i) v[static_cast<size_t>(i)] = static_cast<float>(i);
  return v;
}

// Naive 2-D conv: y[n,m,oh,ow] = b[m] + sum_{c,kh,kw} w[m,c,kh,kw] * x[n, g*cg+c, oh*s-p+kh*d, ow*s-p+kw*d].
Tensor naive_conv2d(const Tensor& x, const Tensor& w, const Tensor* b, int64_t group, std::array<int64_t, 2> s,
                    std::array<int64_t, 2> d, std::array<int64_t, 4> pads) {
  const int64_t n = x.dim(0), c = x.dim(1), h = x.dim(2), wd = x.dim(3);
  const int64_t m = w.dim(0), cg = w.dim(1), kh = w.dim(2), kw = w.dim(3);
  const int64_t oh = (h + pads[0] + pads[2] - ((kh - 1) * d[0] + 1)) / s[0] + 1;
  const int64_t ow = (wd + pads[1] + pads[3] - ((kw - 1) * d[1] + 1)) / s[1] + 1;
  Tensor y = Tensor::zeros(DataType::Float, {n, m, oh, ow});
  const float* xp = x.data<float>();
  const float* wp = w.data<float>();
  float* yp = y.data<float>();
  for (int64_t in = 0; in < n; ++in)
    for (int64_t om = 0; om < m; ++om)
      for (int64_t i = 0; i < oh; ++i)
        for (int64_t j = 0; j < ow; ++j) {
          double acc = b ? b->data<float>()[om] : 0.0;
          const int64_t grp = om / (m / group);
          for (int64_t ic = 0; ic < cg; ++ic)
            for (int64_t a = 0; a < kh; ++a)
              for (int64_t bb = 0; bb < kw; ++bb) {
                const int64_t ih = i * s[0] - pads[0] + a * d[0], iw = j * s[1] - pads[1] + bb * d[1];
                if (ih < 0 || ih >= h || iw < 0 || iw >= wd) continue;
                acc += wp[((om * cg + ic) * kh + a) * kw + bb] * xp[((in * c + grp * cg + ic) * h + ih) * wd + iw];
              }
          yp[((in * m + om) * oh + i) * ow + j] = static_cast<float>(acc);
        }
  return y;
}

TEST(Conv, BasicWithPaddingMatchesHandValues) {
  // 5x5 input 0..24, 3x3 ones kernel, pad 1: each output is the sum of its 3x3 neighbourhood.
  OpCall call{.op_type = "Conv",
              .inputs = {Datum::of(make_float({1, 1, 5, 5}, iota(25))), Datum::of(make_float({1, 1, 3, 3}, std::vector<float>(9, 1)))}};
  call.attrs.set("pads", ints({1, 1, 1, 1}));
  auto r = run_op(call);
  ASSERT_TRUE(r.is_ok()) << r.status().to_string();
  EXPECT_TRUE(tensors_near(r->at(0).tensor,
                           make_float({1, 1, 5, 5}, {12, 21, 27, 33, 24, 33, 54, 63, 72, 51, 63, 99, 108, 117, 81,
                                                     93, 144, 153, 162, 111, 72, 111, 117, 123, 84})));
}

struct Conv2dCase {
  int64_t n, c, h, w, m, k0, k1, group;
  std::array<int64_t, 2> s, d;
  std::array<int64_t, 4> pads;
  bool bias;
};

TEST(Conv, RandomMatchesNaive) {
  const Conv2dCase cases[] = {
      {1, 3, 7, 9, 4, 3, 3, 1, {1, 1}, {1, 1}, {1, 1, 1, 1}, true},
      {2, 4, 8, 5, 6, 3, 2, 2, {2, 1}, {1, 2}, {0, 1, 2, 0}, false},
      {1, 6, 11, 13, 6, 3, 3, 6, {2, 2}, {1, 1}, {1, 1, 1, 1}, true},  // depthwise
      {1, 2, 5, 5, 3, 1, 1, 1, {3, 3}, {1, 1}, {0, 0, 0, 0}, true},
      {1, 3, 6, 7, 2, 5, 5, 1, {1, 1}, {2, 2}, {4, 3, 4, 5}, false},
  };
  uint64_t seed = 11;
  for (const Conv2dCase& t : cases) {
    SCOPED_TRACE("seed " + std::to_string(seed));
    Tensor x = random_float({t.n, t.c, t.h, t.w}, seed++);
    Tensor w = random_float({t.m, t.c / t.group, t.k0, t.k1}, seed++);
    Tensor b = random_float({t.m}, seed++);
    OpCall call{.op_type = "Conv", .inputs = {Datum::of(x), Datum::of(w)}};
    if (t.bias) call.inputs.push_back(Datum::of(b));
    call.attrs.set("group", ir::Attribute::of_int(t.group));
    call.attrs.set("strides", ints({t.s[0], t.s[1]}));
    call.attrs.set("dilations", ints({t.d[0], t.d[1]}));
    call.attrs.set("pads", ints({t.pads[0], t.pads[1], t.pads[2], t.pads[3]}));
    auto r = run_op(call);
    ASSERT_TRUE(r.is_ok()) << r.status().to_string();
    EXPECT_TRUE(tensors_near(r->at(0).tensor, naive_conv2d(x, w, t.bias ? &b : nullptr, t.group, t.s, t.d, t.pads), 1e-5, 1e-5));
  }
}

TEST(Conv, AutoPadSameUpperAndLower) {
  // 1x1x4 input, kernel 2, stride 1: SAME_UPPER pads (0,1), SAME_LOWER pads (1,0).
  Tensor x = make_float({1, 1, 4}, {1, 2, 3, 4});
  Tensor w = make_float({1, 1, 2}, {1, 10});
  OpCall call{.op_type = "Conv", .inputs = {Datum::of(x), Datum::of(w)}};
  call.attrs.set("auto_pad", ir::Attribute::of_string("SAME_UPPER"));
  auto r = run_op(call);
  ASSERT_TRUE(r.is_ok()) << r.status().to_string();
  EXPECT_TRUE(tensors_near(r->at(0).tensor, make_float({1, 1, 4}, {21, 32, 43, 4})));
  call.attrs.set("auto_pad", ir::Attribute::of_string("SAME_LOWER"));
  r = run_op(call);
  ASSERT_TRUE(r.is_ok()) << r.status().to_string();
  EXPECT_TRUE(tensors_near(r->at(0).tensor, make_float({1, 1, 4}, {10, 21, 32, 43})));
  call.attrs.set("auto_pad", ir::Attribute::of_string("VALID"));
  call.attrs.set("strides", ints({2}));
  r = run_op(call);
  ASSERT_TRUE(r.is_ok()) << r.status().to_string();
  EXPECT_TRUE(tensors_near(r->at(0).tensor, make_float({1, 1, 2}, {21, 43})));
}

TEST(Conv, ThreeDimensionalSumsTheCube) {
  Tensor x = make_float({1, 1, 3, 3, 3}, iota(27));
  OpCall call{.op_type = "Conv", .inputs = {Datum::of(x), Datum::of(make_float({1, 1, 3, 3, 3}, std::vector<float>(27, 1)))}};
  auto r = run_op(call);
  ASSERT_TRUE(r.is_ok()) << r.status().to_string();
  EXPECT_TRUE(tensors_near(r->at(0).tensor, make_float({1, 1, 1, 1, 1}, {351})));
}

TEST(Conv, Float16ComputesInFloat) {
  Tensor x = make_tensor<Float16>(DataType::Float16, {1, 1, 3}, {Float16(1.f), Float16(2.f), Float16(3.f)});
  Tensor w = make_tensor<Float16>(DataType::Float16, {1, 1, 2}, {Float16(0.5f), Float16(0.25f)});
  auto r = run_op({.op_type = "Conv", .inputs = {Datum::of(x), Datum::of(w)}});
  ASSERT_TRUE(r.is_ok()) << r.status().to_string();
  EXPECT_TRUE(tensors_near(r->at(0).tensor, make_tensor<Float16>(DataType::Float16, {1, 1, 2}, {Float16(1.0f), Float16(1.75f)})));
}

TEST(Conv, ChannelMismatchIsAnError) {
  auto r = run_op({.op_type = "Conv", .inputs = {Datum::of(random_float({1, 3, 4, 4}, 1)), Datum::of(random_float({2, 2, 3, 3}, 2))}});
  ASSERT_FALSE(r.is_ok());
  EXPECT_NE(r.status().to_string().find("expects 2 input channels, X has 3"), std::string::npos) << r.status().to_string();
}

TEST(Conv, WindowLargerThanInputIsAnError) {
  auto r = run_op({.op_type = "Conv", .inputs = {Datum::of(random_float({1, 1, 2, 2}, 1)), Datum::of(random_float({1, 1, 3, 3}, 2))}});
  ASSERT_FALSE(r.is_ok());
  EXPECT_NE(r.status().to_string().find("larger than the padded input"), std::string::npos) << r.status().to_string();
}

}  // namespace
}  // namespace hone::testing
