// The CPU backend's SIMD activations against the reference formulas (ops/activation.hpp), at
// every ISA level this machine has, on random inputs over the functions' interesting ranges,
// the special values (±0, ±inf, NaN, denormals, huge), and lengths around the vector width.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <random>
#include <vector>

#include "backends/cpu/dispatch.hpp"
#include "backends/cpu/kernels/activation.hpp"
#include "backends/layer_builder.hpp"

namespace hone::cpu {
namespace {

using ops::Activation;
using ops::ActivationKind;

using testing::levels_here;

std::vector<Activation> all_activations() {
  std::vector<Activation> out;
  auto add = [&](ActivationKind k, float a = 0, float b = 0) { out.push_back(Activation{k, a, b}); };
  add(ActivationKind::Relu);
  add(ActivationKind::LeakyRelu, 0.1f);
  add(ActivationKind::Clip, 0.0f, 6.0f);
  add(ActivationKind::Clip, -std::numeric_limits<float>::infinity(), 0.5f);
  add(ActivationKind::Sigmoid);
  add(ActivationKind::Tanh);
  add(ActivationKind::HardSigmoid, 0.2f, 0.5f);
  add(ActivationKind::HardSwish);
  add(ActivationKind::Swish, 1.0f);
  add(ActivationKind::Swish, 1.702f);
  add(ActivationKind::Elu, 1.0f);
  add(ActivationKind::Softplus);
  add(ActivationKind::Mish);
  add(ActivationKind::Gelu);
  add(ActivationKind::GeluTanh);
  return out;
}

std::vector<float> inputs(uint64_t seed) {
  std::vector<float> x;
  const float inf = std::numeric_limits<float>::infinity();
  for (float v : {0.0f, -0.0f, 1.0f, -1.0f, 1e-30f, -1e-30f, 1e-6f, -1e-6f, 3e-39f, 0.29999f, 0.3f, -0.5f, 0.5f, 0.9999f,
                  1.0001f, 3.9f, 4.1f, -20.0f, 20.0f, 88.0f, -88.0f, 90.0f, -105.0f, 1e30f, -1e30f, inf, -inf,
                  std::numeric_limits<float>::quiet_NaN()}) {
    x.push_back(v);
  }
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<float> wide(-12.0f, 12.0f), narrow(-1.0f, 1.0f);
  std::normal_distribution<float> tiny(0.0f, 1e-3f);
  for (int i = 0; i < 3000; ++i) x.push_back(i % 3 == 0 ? wide(rng) : i % 3 == 1 ? narrow(rng) : tiny(rng));
  return x;
}

// Tolerance: piecewise-linear kinds are (nearly) exact; transcendental ones within a few ulp,
// with an absolute floor for results near 0. GELU's tail, 0.5 x (1 + erf or tanh) for x < -3,
// cancels in float in the reference too: an ulp of erf/tanh there is an absolute error of about
// |x| * 6e-8, so that is the scale its difference is allowed.
bool close(float x, float got, float want, ActivationKind k) {
  if (std::isnan(want)) return std::isnan(got);
  if (std::isinf(want)) return got == want;
  const double diff = std::fabs(static_cast<double>(got) - want);
  const bool gelu = k == ActivationKind::Gelu || k == ActivationKind::GeluTanh;
  const double abs_tol = gelu ? 1e-7 + 5e-7 * std::fabs(x) : 1e-7;
  return diff <= 2e-6 * std::fabs(want) + abs_tol;
}

TEST(CpuActivation, EveryKindMatchesTheReferenceAtEveryLevel) {
  const std::vector<float> x = inputs(7);
  for (CpuIsa isa : levels_here()) {
    for (const Activation& a : all_activations()) {
      std::vector<float> y(x.size());
      activate(isa, a, x.data(), y.data(), x.size());
      int bad = 0;
      for (size_t i = 0; i < x.size(); ++i) {
        const float want = a.apply(x[i]);
        if (!close(x[i], y[i], want, a.kind) && bad++ < 3) {
          ADD_FAILURE() << isa_name(isa) << " " << a.name() << "(" << x[i] << ") = " << y[i] << ", reference " << want;
        }
      }
    }
  }
}

TEST(CpuActivation, LengthsAroundTheVectorWidthAndInPlace) {
  std::mt19937_64 rng(11);
  std::uniform_real_distribution<float> dist(-5.0f, 5.0f);
  const Activation swish{ActivationKind::Swish, 1.0f, 0.0f};
  for (CpuIsa isa : levels_here()) {
    for (size_t n : {0u, 1u, 7u, 8u, 9u, 15u, 16u, 17u, 31u, 33u, 100u}) {
      // A guard element after the row must stay untouched.
      std::vector<float> x(n + 1);
      for (float& v : x) v = dist(rng);
      const float guard = x[n];
      std::vector<float> want(n);
      for (size_t i = 0; i < n; ++i) want[i] = swish.apply(x[i]);
      activate(isa, swish, x.data(), x.data(), n);  // in place
      for (size_t i = 0; i < n; ++i) ASSERT_TRUE(close(0.0f, x[i], want[i], swish.kind)) << isa_name(isa) << " n=" << n << " i=" << i;
      EXPECT_EQ(x[n], guard) << isa_name(isa) << " wrote past the row (n=" << n << ")";
    }
  }
}

TEST(CpuActivation, PiecewiseLinearKindsAreExact) {
  const std::vector<float> x = inputs(13);
  for (CpuIsa isa : levels_here()) {
    for (const Activation& a : {Activation{ActivationKind::Relu, 0, 0}, Activation{ActivationKind::LeakyRelu, 0.01f, 0},
                                Activation{ActivationKind::Clip, -1.0f, 1.0f}}) {
      std::vector<float> y(x.size());
      activate(isa, a, x.data(), y.data(), x.size());
      for (size_t i = 0; i < x.size(); ++i) {
        const float want = a.apply(x[i]);
        if (std::isnan(want)) {
          ASSERT_TRUE(std::isnan(y[i]));
        } else {
          ASSERT_EQ(std::signbit(y[i]), std::signbit(want)) << isa_name(isa) << " " << a.name() << "(" << x[i] << ")";
          ASSERT_EQ(y[i], want) << isa_name(isa) << " " << a.name() << "(" << x[i] << ")";
        }
      }
    }
  }
}

}  // namespace
}  // namespace hone::cpu
