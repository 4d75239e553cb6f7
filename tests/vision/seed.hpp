// Seeds of the vision tests' random images: GoogleTest's random seed, which is drawn from the
// clock on each run and reproduced with --gtest_random_seed=N.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <string>

namespace hone::vision::testing {

/// This run's seed; SCOPED_TRACE(seed_trace(seed)) prints it with every failure.
inline uint32_t test_seed() { return static_cast<uint32_t>(::testing::UnitTest::GetInstance()->random_seed()); }

inline std::string seed_trace(uint32_t seed) {
  return "seed " + std::to_string(seed) + " (rerun with --gtest_random_seed=" + std::to_string(seed) + ")";
}

}  // namespace hone::vision::testing
