// ThreadPool over pthreadpool (thread_pool.hpp), and the physical core count.
#include "core/thread_pool.hpp"

#include <pthreadpool.h>
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <set>
#include <string>
#include <thread>
#include <utility>

namespace hone {

ThreadPool::ThreadPool(int threads) : threads_(threads > 1 ? threads : 1) {
  if (threads_ > 1) {
    pool_ = pthreadpool_create(static_cast<size_t>(threads_));
    if (!pool_) threads_ = 1;  // out of threads: run on the caller
  }
}

ThreadPool::~ThreadPool() {
  if (pool_) pthreadpool_destroy(pool_);
}

bool SerialProbe::next(double ms, bool contended) {
  double& average = current_ ? serial_ms_ : parallel_ms_;
  average = average < 0 ? ms : 0.7 * average + 0.3 * ms;
  if (!contended) {
    // Quiet again: parallel, and the serial figure is stale for the next contention.
    current_ = chosen_ = false;
    serial_ms_ = -1;
    runs_since_probe_ = 0;
    return current_;
  }
  if (current_ != chosen_) {
    // A probe just ended: keep the other way only when it was clearly faster.
    const double kept = chosen_ ? serial_ms_ : parallel_ms_;
    if (average < 0.9 * kept) chosen_ = current_;
    current_ = chosen_;
    return current_;
  }
  const double other = chosen_ ? parallel_ms_ : serial_ms_;
  if (other < 0 || ++runs_since_probe_ >= kProbeEvery) {
    runs_since_probe_ = 0;
    current_ = !chosen_;
  }
  return current_;
}

void ThreadPool::begin_run() {
  run_start_ns_ = std::chrono::duration_cast<std::chrono::nanoseconds>(
                      std::chrono::steady_clock::now().time_since_epoch())
                      .count();
}

void ThreadPool::run_1d(size_t n, void (*task)(void*, size_t), void* ctx) {
  if (!pool_ || probe_.serial() || n <= 1) {
    for (size_t i = 0; i < n; ++i) task(ctx, i);
    return;
  }
  pthreadpool_parallelize_1d(pool_, task, ctx, n, spin_ ? 0 : PTHREADPOOL_FLAG_YIELD_WORKERS);
}

void ThreadPool::run_2d(size_t n0, size_t n1, void (*task)(void*, size_t, size_t), void* ctx) {
  if (!pool_ || probe_.serial() || n0 * n1 <= 1) {
    for (size_t i = 0; i < n0; ++i) {
      for (size_t j = 0; j < n1; ++j) task(ctx, i, j);
    }
    return;
  }
  pthreadpool_parallelize_2d(pool_, task, ctx, n0, n1, spin_ ? 0 : PTHREADPOOL_FLAG_YIELD_WORKERS);
}

void ThreadPool::sleep_workers() {
  if (!pool_) return;
  // The wait policy of the next runs, from this process's involuntary context switches per
  // run (averaged: a quiet machine still shows one every ten runs or so): when other threads
  // keep wanting these cores, spinning workers would take their time slices and then stall a
  // loop until they are scheduled again, so the workers wait in the kernel after every loop;
  // when the switches die down they spin again.
  struct rusage usage {};
  if (getrusage(RUSAGE_SELF, &usage) == 0) {
    const int64_t switches = usage.ru_nivcsw;
    if (last_involuntary_switches_ >= 0) {
      const double run_switches = static_cast<double>(switches - last_involuntary_switches_);
      switch_rate_ = 0.75 * switch_rate_ + 0.25 * run_switches;
      if (spin_ && switch_rate_ > kContendedRate) spin_ = false;
      else if (!spin_ && switch_rate_ < kQuietRate) spin_ = true;
    }
    last_involuntary_switches_ = switches;
  }
  if (run_start_ns_ >= 0) {
    const int64_t now = std::chrono::duration_cast<std::chrono::nanoseconds>(
                            std::chrono::steady_clock::now().time_since_epoch())
                            .count();
    probe_.next(static_cast<double>(now - run_start_ns_) * 1e-6, switch_rate_ > kOversubscribedRate);
    run_start_ns_ = -1;
  }
  // An empty loop with the yield flag: each worker finishes it and blocks on a futex instead
  // of spinning for the next command.
  pthreadpool_parallelize_1d(
      pool_, [](void*, size_t) {}, nullptr, static_cast<size_t>(threads_), PTHREADPOOL_FLAG_YIELD_WORKERS);
}

int physical_core_count() {
  static const int count = [] {
    // Distinct (package, core) pairs of the online CPUs, from sysfs; the logical CPU count
    // when sysfs says nothing.
    std::set<std::pair<std::string, std::string>> cores;
    const unsigned logical = std::max(1u, std::thread::hardware_concurrency());
    for (unsigned cpu = 0; cpu < logical * 4 && cpu < 4096; ++cpu) {
      const std::string dir = "/sys/devices/system/cpu/cpu" + std::to_string(cpu) + "/topology/";
      std::ifstream core(dir + "core_id"), package(dir + "physical_package_id");
      std::string c, p;
      if (!(core >> c) || !(package >> p)) continue;
      cores.emplace(p, c);
    }
    const int n = cores.empty() ? static_cast<int>(logical) : static_cast<int>(cores.size());
    return std::max(1, std::min(n, static_cast<int>(logical)));
  }();
  return count;
}

}  // namespace hone
