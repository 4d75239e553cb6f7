// ThreadPool: every index of a loop runs exactly once whatever the thread count, on more than
// one thread when the pool has several; no CPU used while idle; spinning stops under
// contention, and contended pools pick serial runs when those are faster; the ISA levels of
// the CPU backend's dispatch.
#include <gtest/gtest.h>
#include <sys/resource.h>

#include <atomic>
#include <chrono>
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

double process_cpu_seconds() {
  struct rusage u {};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
         static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) * 1e-6;
}

TEST(ThreadPool, IdleWorkersUseNoCpu) {
  ThreadPool pool(2);
  std::atomic<size_t> sum{0};
  for (int run = 0; run < 20; ++run) pool.parallel_for(1000, [&](size_t i) { sum += i; });
  pool.sleep_workers();  // the end of a run
  const double before = process_cpu_seconds();
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  const double used = process_cpu_seconds() - before;
  EXPECT_LT(used, 0.03) << "workers spun while the pool was idle: " << used << " s of CPU in 0.3 s";
}

TEST(ThreadPool, ContentionStopsTheWorkersSpinning) {
  ThreadPool pool(2);
  EXPECT_TRUE(pool.spinning());
  // More busy threads than cores for a while: this process's threads get preempted.
  const unsigned busy = std::min(2 * std::max(1u, std::thread::hardware_concurrency()) + 2, 130u);
  std::atomic<bool> stop{false};
  std::vector<std::thread> hogs;
  for (unsigned t = 0; t < busy; ++t) {
    hogs.emplace_back([&] {
      volatile double x = 0;
      while (!stop.load(std::memory_order_relaxed)) x = x + 1.0;
    });
  }
  pool.sleep_workers();  // a first run end: the policy's reference point
  std::atomic<size_t> sum{0};
  const auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(250);
  while (std::chrono::steady_clock::now() < until) pool.parallel_for(64, [&](size_t i) { sum += i; });
  stop = true;
  for (std::thread& h : hogs) h.join();
  pool.sleep_workers();
  EXPECT_FALSE(pool.spinning()) << "the pool still spins after its threads were preempted";
  // Loops still run completely while the workers wait in the kernel.
  sum = 0;
  pool.parallel_for(100, [&](size_t i) { sum += i; });
  EXPECT_EQ(sum.load(), 4950u);
}

// SerialProbe with made-up run times: which way the next run goes.
TEST(SerialProbe, QuietPoolsStayParallel) {
  SerialProbe probe;
  for (int run = 0; run < 50; ++run) EXPECT_FALSE(probe.next(10.0, /*contended=*/false)) << "run " << run;
}

TEST(SerialProbe, ContendedPoolKeepsSerialWhenItIsFasterAndProbesParallelNowAndThen) {
  SerialProbe probe;
  // Parallel runs take 200 ms, serial ones 130 ms.
  auto ms = [&] { return probe.serial() ? 130.0 : 200.0; };
  EXPECT_TRUE(probe.next(ms(), true)) << "the first contended run probes serial";
  EXPECT_TRUE(probe.next(ms(), true)) << "serial was faster: kept";
  int parallel_runs = 0;
  for (int run = 0; run < 10 * SerialProbe::kProbeEvery; ++run) parallel_runs += !probe.next(ms(), true);
  EXPECT_GE(parallel_runs, 8) << "parallel is probed every " << SerialProbe::kProbeEvery << " runs";
  EXPECT_LE(parallel_runs, 12);
  EXPECT_FALSE(probe.next(ms(), false)) << "contention over: parallel at once";
  EXPECT_FALSE(probe.next(ms(), false));
}

TEST(SerialProbe, ContendedPoolStaysParallelWhenSerialIsSlower) {
  SerialProbe probe;
  auto ms = [&] { return probe.serial() ? 60.0 : 40.0; };
  EXPECT_TRUE(probe.next(ms(), true)) << "probe serial once";
  EXPECT_FALSE(probe.next(ms(), true)) << "serial was slower: back to parallel";
  int serial_runs = 0;
  for (int run = 0; run < 10 * SerialProbe::kProbeEvery; ++run) serial_runs += probe.next(ms(), true);
  EXPECT_GE(serial_runs, 8);
  EXPECT_LE(serial_runs, 12);
}

TEST(SerialProbe, SmallDifferencesDoNotFlipTheChoice) {
  SerialProbe probe;
  auto ms = [&] { return probe.serial() ? 97.0 : 100.0; };  // serial 3% faster: noise
  probe.next(ms(), true);
  EXPECT_FALSE(probe.next(ms(), true));
}

TEST(ThreadPool, SerialRunsStillRunEveryIndex) {
  ThreadPool pool(2);
  // Contention as the pool sees it is not forced here; the loops must be complete either way.
  for (int run = 0; run < 20; ++run) {
    pool.begin_run();
    std::atomic<size_t> sum{0};
    pool.parallel_for(100, [&](size_t i) { sum += i; });
    pool.parallel_for_2d(4, 5, [&](size_t i, size_t j) { sum += i * 5 + j; });
    pool.sleep_workers();
    ASSERT_EQ(sum.load(), 4950u + 190u) << "run " << run << (pool.serial() ? " (serial)" : "");
  }
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
