// ThreadPool: every index of a loop runs exactly once whatever the thread count, on more than
// one thread when the pool has several; the ISA levels of the CPU backend's dispatch.
#include <gtest/gtest.h>

#include <atomic>
#include <mutex>
#include <set>
#include <thread>
#include <vector>

#include "backends/cpu/dispatch.hpp"
#include "core/thread_pool.hpp"

namespace hone {
namespace {

TEST(ThreadPool, EveryIndexRunsExactlyOnce) {
  for (int threads : {1, 2, 3, 8}) {
    ThreadPool pool(threads);
    EXPECT_EQ(pool.threads(), threads);
    for (size_t n : {0u, 1u, 2u, 7u, 1000u}) {
      std::vector<std::atomic<int>> hits(n);
      pool.parallel_for(n, [&](size_t i) { hits[i].fetch_add(1); });
      for (size_t i = 0; i < n; ++i) ASSERT_EQ(hits[i].load(), 1) << "threads " << threads << ", n " << n << ", i " << i;
    }
    std::vector<std::atomic<int>> grid(5 * 13);
    pool.parallel_for_2d(5, 13, [&](size_t i, size_t j) { grid[i * 13 + j].fetch_add(1); });
    for (const auto& g : grid) ASSERT_EQ(g.load(), 1);
    pool.sleep_workers();
    // A loop after the workers slept still runs completely.
    std::atomic<size_t> sum{0};
    pool.parallel_for(100, [&](size_t i) { sum += i; });
    EXPECT_EQ(sum.load(), 4950u);
  }
}

TEST(ThreadPool, SeveralThreadsShareTheWork) {
  ThreadPool pool(2);
  std::mutex mu;
  std::set<std::thread::id> ids;
  // Long enough items that the worker takes some.
  pool.parallel_for(64, [&](size_t) {
    volatile double x = 0;
    for (int k = 0; k < 200000; ++k) x = x + 1.0;
    std::lock_guard<std::mutex> lock(mu);
    ids.insert(std::this_thread::get_id());
  });
  EXPECT_EQ(ids.size(), 2u);
  EXPECT_GE(physical_core_count(), 1);
}

TEST(CpuDispatch, LevelsFollowTheFeatures) {
  using cpu::CpuIsa;
  for (CpuIsa level : {CpuIsa::Baseline, CpuIsa::Avx2, CpuIsa::Avx512}) {
    const CpuFeatures f = cpu::features_of(level);
    EXPECT_EQ(cpu::isa_level(f), level) << cpu::isa_name(level);
    EXPECT_TRUE(f.missing(cpu::isa_features(level)).empty()) << cpu::isa_name(level);
  }
  CpuFeatures no_fma = cpu::features_of(CpuIsa::Avx512);
  no_fma.fma = false;
  EXPECT_EQ(cpu::isa_level(no_fma), CpuIsa::Baseline);
  CpuFeatures no_vl = cpu::features_of(CpuIsa::Avx512);
  no_vl.avx512vl = false;
  EXPECT_EQ(cpu::isa_level(no_vl), CpuIsa::Avx2);
  EXPECT_STREQ(cpu::isa_name(CpuIsa::Avx512), "avx512");
}

}  // namespace
}  // namespace hone
