// The CPU kernel test harness (kernel_harness.hpp).
#include "kernel_harness.hpp"

#include <cmath>
#include <cstring>

#include "backends/cpu/kernels/tactic_common.hpp"

namespace hone::cpu::testing {

::testing::AssertionResult outputs_match(const Tensor& got, const Tensor& want, const Tolerance& tol) {
  if (!got.defined() || got.dtype() != want.dtype() || got.shape() != want.shape()) {
    return ::testing::AssertionFailure() << "got " << (got.defined() ? shape_to_string(got.shape()) : "nothing")
                                         << ", want " << shape_to_string(want.shape());
  }
  const float* g = got.data<float>();
  const float* w = want.data<float>();
  double dot = 0, gg = 0, ww = 0;
  for (int64_t i = 0; i < want.numel(); ++i) {
    const float a = g[i], b = w[i];
    bool ok;
    if (std::isnan(b) || std::isnan(a)) {
      ok = std::isnan(a) && std::isnan(b);
    } else if (tol.exact) {
      ok = std::memcmp(&a, &b, sizeof(float)) == 0;
    } else if (std::isinf(b)) {
      ok = a == b;
    } else {
      ok = std::fabs(static_cast<double>(a) - b) <= tol.atol + tol.rtol * std::fabs(static_cast<double>(b));
    }
    if (!ok) {
      return ::testing::AssertionFailure() << "first difference at index " << i << " of " << want.numel() << ": got "
                                           << a << ", reference " << b << (tol.exact ? " (bits must match)" : "");
    }
    if (std::isfinite(a) && std::isfinite(b)) {
      dot += static_cast<double>(a) * b;
      gg += static_cast<double>(a) * a;
      ww += static_cast<double>(b) * b;
    }
  }
  if (tol.min_cosine > 0 && gg > 0 && ww > 0) {
    const double cosine = dot / std::sqrt(gg * ww);
    if (cosine < tol.min_cosine) return ::testing::AssertionFailure() << "cosine " << cosine << " < " << tol.min_cosine;
  }
  return ::testing::AssertionSuccess();
}

void expect_tactic_matches_reference(std::string_view name, const LayerCase& c, const Tolerance& tol, bool portable) {
  SCOPED_TRACE(describe(c));
  auto layer = build_layer(c);
  ASSERT_TRUE(layer.is_ok()) << layer.status().to_string();
  auto want = reference_outputs(*layer, c);
  ASSERT_TRUE(want.is_ok()) << want.status().to_string();
  for (CpuIsa isa : portable ? std::vector<CpuIsa>{CpuIsa::Baseline} : levels_here()) {
    const std::string id = tactic_id(name, isa, portable);
    const Tactic* t = find_cpu_tactic(id);
    ASSERT_NE(t, nullptr) << "no tactic " << id;
    ASSERT_TRUE(t->supports(layer->desc, features_of(isa))) << id << " refuses the layer";
    for (int threads : {1, 2, 3}) {
      auto got = tactic_outputs(*t, *layer, c, threads);
      ASSERT_TRUE(got.is_ok()) << id << ", " << threads << " threads: " << got.status().to_string();
      ASSERT_EQ(got->size(), want->size());
      for (size_t o = 0; o < want->size(); ++o) {
        if (!(*want)[o].defined()) continue;
        EXPECT_TRUE(outputs_match((*got)[o], (*want)[o], tol)) << id << ", " << threads << " threads, output " << o;
      }
    }
  }
}

void expect_refused(std::string_view name, const LayerCase& c, bool portable) {
  SCOPED_TRACE(describe(c));
  auto layer = build_layer(c);
  ASSERT_TRUE(layer.is_ok()) << layer.status().to_string();
  for (CpuIsa isa : {CpuIsa::Baseline, CpuIsa::Avx2, CpuIsa::Avx512}) {
    if (portable && isa != CpuIsa::Baseline) continue;
    const std::string id = tactic_id(name, isa, portable);
    const Tactic* t = find_cpu_tactic(id);
    ASSERT_NE(t, nullptr) << "no tactic " << id;
    EXPECT_FALSE(t->supports(layer->desc, CpuFeatures::host())) << id << " claims a layer it does not compute";
  }
  // The reference tactic still takes it.
  EXPECT_TRUE(find_cpu_tactic("ref")->supports(layer->desc, CpuFeatures::host()));
}

}  // namespace hone::cpu::testing
