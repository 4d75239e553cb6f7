// DFT, STFT, the three windows and MelWeightMatrix against direct formulas.
#include <cmath>
#include <complex>
#include <numbers>

#include "harness/op_harness.hpp"

namespace hone::testing {
namespace {

constexpr double kPi = std::numbers::pi;

// Naive DFT of a real sequence: [n_out, 2].
Tensor naive_dft(const std::vector<float>& x, int64_t length, int64_t n_out) {
  Tensor y = Tensor::zeros(DataType::Float, {n_out, 2});
  for (int64_t k = 0; k < n_out; ++k) {
    std::complex<double> s = 0;
    for (int64_t t = 0; t < length && t < static_cast<int64_t>(x.size()); ++t) {
      s += double(x[size_t(t)]) * std::polar(1.0, -2 * kPi * double(k * t) / double(length));
    }
    y.data<float>()[k * 2] = float(s.real());
    y.data<float>()[k * 2 + 1] = float(s.imag());
  }
  return y;
}

ir::Attributes ints(std::vector<std::pair<std::string, int64_t>> kv) {
  ir::Attributes a;
  for (auto& [k, v] : kv) a.set(k, ir::Attribute::of_int(v));
  return a;
}

TEST(DFT, RealForwardOnesidedAndPadded) {
  const std::vector<float> x = {1, -2, 3.5f, 0.25f, 7};
  const Tensor xt = make_float({1, 5, 1}, x);
  // opset 17, axis attribute 1, full spectrum.
  auto r = run_op({.op_type = "DFT", .inputs = {Datum::of(xt)}, .opset = 17});
  ASSERT_TRUE(r.is_ok()) << r.status().to_string();
  Tensor want = naive_dft(x, 5, 5);
  ASSERT_EQ(r->at(0).tensor.shape(), (Shape{1, 5, 2}));
  EXPECT_TRUE(tensors_near(r->at(0).tensor.reshaped({5, 2}).value(), want, 1e-5, 1e-5));
  // opset 20: dft_length 8 (zero-padded), onesided, axis input -2.
  r = run_op({.op_type = "DFT",
              .inputs = {Datum::of(xt), Datum::of(make_int64({}, {8})), Datum::of(make_int64({}, {-2}))},
              .attrs = ints({{"onesided", 1}}),
              .opset = 20});
  ASSERT_TRUE(r.is_ok()) << r.status().to_string();
  ASSERT_EQ(r->at(0).tensor.shape(), (Shape{1, 5, 2}));
  EXPECT_TRUE(tensors_near(r->at(0).tensor.reshaped({5, 2}).value(), naive_dft(x, 8, 5), 1e-5, 1e-5));
}

TEST(DFT, InverseRoundTripsAndHalfSpectrumGivesRealSignal) {
  const std::vector<float> x = {1, -2, 3.5f, 0.25f, 7, 2};
  const Tensor spec = naive_dft(x, 6, 6).reshaped({1, 6, 2}).value();
  auto r = run_op({.op_type = "DFT", .inputs = {Datum::of(spec)}, .attrs = ints({{"inverse", 1}}), .opset = 17});
  ASSERT_TRUE(r.is_ok()) << r.status().to_string();
  Tensor want = Tensor::zeros(DataType::Float, {1, 6, 2});
  for (int i = 0; i < 6; ++i) want.data<float>()[i * 2] = x[size_t(i)];
  EXPECT_TRUE(tensors_near(r->at(0).tensor, want, 1e-5, 1e-5));
  // irfft: 4 bins of a length-6 real signal.
  const Tensor half = naive_dft(x, 6, 4).reshaped({1, 4, 2}).value();
  r = run_op({.op_type = "DFT", .inputs = {Datum::of(half)}, .attrs = ints({{"inverse", 1}, {"onesided", 1}}),
              .opset = 17});
  ASSERT_TRUE(r.is_ok()) << r.status().to_string();
  EXPECT_TRUE(tensors_near(r->at(0).tensor, make_float({1, 6, 1}, x), 1e-5, 1e-5));
}

TEST(DFT, BadAxisIsAnError) {
  auto r = run_op({.op_type = "DFT", .inputs = {Datum::of(make_float({1, 4, 1}, {1, 2, 3, 4}))},
                   .attrs = ints({{"axis", 2}}), .opset = 17});
  ASSERT_FALSE(r.is_ok());
  EXPECT_NE(r.status().to_string().find("axis 2 is out of range"), std::string::npos) << r.status().to_string();
}

TEST(STFT, FramesWithWindow) {
  std::vector<float> x(11);
  for (size_t i = 0; i < x.size(); ++i) x[i] = std::sin(float(i)) + 0.1f * float(i);
  const Tensor w = make_float({4}, {0.5f, 1, 1, 0.5f});
  auto r = run_op({.op_type = "STFT",
                   .inputs = {Datum::of(make_float({1, 11, 1}, x)), Datum::of(make_int64({}, {3})), Datum::of(w)},
                   .opset = 17});
  ASSERT_TRUE(r.is_ok()) << r.status().to_string();
  // frames = 1 + (11 - 4) / 3 = 3, bins = 4/2 + 1 = 3.
  const Tensor& y = r->at(0).tensor;
  ASSERT_EQ(y.shape(), (Shape{1, 3, 3, 2}));
  for (int f = 0; f < 3; ++f) {
    std::vector<float> frame(4);
    for (int t = 0; t < 4; ++t) frame[size_t(t)] = x[size_t(f * 3 + t)] * w.data<float>()[t];
    Tensor got = Tensor::zeros(DataType::Float, {3, 2});
    std::copy_n(y.data<float>() + f * 6, 6, got.data<float>());
    EXPECT_TRUE(tensors_near(got, naive_dft(frame, 4, 3), 1e-5, 1e-5)) << "frame " << f;
  }
}

TEST(Windows, PeriodicAndSymmetric) {
  const Tensor size = make_tensor<int32_t>(DataType::Int32, {}, {5});
  struct Case {
    const char* op;
    double (*f)(double);
  };
  const Case cases[] = {
      {"HannWindow", [](double x) { return 0.5 - 0.5 * std::cos(x); }},
      {"HammingWindow", [](double x) { return 25.0 / 46 - 21.0 / 46 * std::cos(x); }},
      {"BlackmanWindow", [](double x) { return 0.42 - 0.5 * std::cos(x) + 0.08 * std::cos(2 * x); }},
  };
  for (const Case& c : cases) {
    for (int periodic = 0; periodic <= 1; ++periodic) {
      auto r = run_op({.op_type = c.op, .inputs = {Datum::of(size)}, .attrs = ints({{"periodic", periodic}}), .opset = 17});
      ASSERT_TRUE(r.is_ok()) << r.status().to_string();
      std::vector<float> want(5);
      for (int n = 0; n < 5; ++n) want[size_t(n)] = float(c.f(2 * kPi * n / (periodic ? 5 : 4)));
      EXPECT_TRUE(tensors_near(r->at(0).tensor, make_float({5}, want), 1e-6, 1e-6)) << c.op << " periodic=" << periodic;
    }
  }
  auto r = run_op({.op_type = "HannWindow", .inputs = {Datum::of(size)}, .attrs = ints({{"output_datatype", 8}})});
  ASSERT_FALSE(r.is_ok());
  EXPECT_NE(r.status().to_string().find("output_datatype 8 is not supported"), std::string::npos) << r.status().to_string();
}

TEST(MelWeightMatrix, TrianglesBetweenMelEdges) {
  // 2 mel bins, dft_length 8 (5 spectrogram bins), sample rate 100 Hz, 0..50 Hz.
  auto i32 = [](int32_t v) { return Datum::of(make_tensor<int32_t>(DataType::Int32, {}, {v})); };
  auto r = run_op({.op_type = "MelWeightMatrix",
                   .inputs = {i32(2), i32(8), i32(100), Datum::of(make_float({}, {0})), Datum::of(make_float({}, {50}))},
                   .opset = 17});
  ASSERT_TRUE(r.is_ok()) << r.status().to_string();
  // Edges: mel points 0, s, 2s, 3s (s = mel(50)/4) -> hz -> floor(9 * hz / 100).
  const auto mel = [](double hz) { return 2595 * std::log10(1 + hz / 700); };
  const auto hz = [](double m) { return 700 * (std::pow(10, m / 2595) - 1); };
  int64_t e[4];
  for (int i = 0; i < 4; ++i) e[i] = int64_t(std::floor(9 * hz(i * mel(50) / 4) / 100));
  Tensor want = Tensor::zeros(DataType::Float, {5, 2});
  for (int b = 0; b < 2; ++b) {
    for (int64_t j = e[b]; j <= e[b + 1]; ++j) {
      want.data<float>()[j * 2 + b] = e[b + 1] == e[b] ? 1.0f : float(j - e[b]) / float(e[b + 1] - e[b]);
    }
    for (int64_t j = e[b + 1]; j < e[b + 2]; ++j) want.data<float>()[j * 2 + b] = float(e[b + 2] - j) / float(e[b + 2] - e[b + 1]);
  }
  EXPECT_TRUE(tensors_near(r->at(0).tensor, want, 1e-6, 1e-6));
}

}  // namespace
}  // namespace hone::testing
