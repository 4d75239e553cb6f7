// How the threading library was chosen (bench/RESULTS.md): fork-join latency of an empty
// 2-thread loop and the CPU an idle process burns afterwards, for pthreadpool (spinning and with
// PTHREADPOOL_FLAG_YIELD_WORKERS), oneTBB and OpenMP (libgomp). Not part of the build: needs
// libpthreadpool-dev and libtbb-dev; build with
//   g++ -O2 -fopenmp bench/micro/thread_pool_choice.cpp -o /tmp/tp -lpthreadpool -ltbb
// and run /tmp/tp (then OMP_WAIT_POLICY=passive /tmp/tp for OpenMP's sleeping mode).
#include <pthreadpool.h>
#include <oneapi/tbb.h>
#include <omp.h>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <thread>
#include <atomic>
#include <vector>
static double cpu_s() { timespec t; clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t); return t.tv_sec + t.tv_nsec*1e-9; }
static std::atomic<long> sink{0};
static void work(void*, size_t i) { sink.fetch_add(i, std::memory_order_relaxed); }
template <class F> void measure(const char* name, F&& f) {
  const int n = 20000;
  for (int i = 0; i < 1000; ++i) f();
  auto t0 = std::chrono::steady_clock::now();
  for (int i = 0; i < n; ++i) f();
  double us = std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - t0).count() / n;
  double c0 = cpu_s();
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  double idle = (cpu_s() - c0) / 0.3;
  std::printf("%-28s fork-join %.2f us   idle CPU after: %.0f%% of a core\n", name, us, idle * 100);
}
int main() {
  pthreadpool_t pool = pthreadpool_create(2);
  measure("pthreadpool (spin)", [&] { pthreadpool_parallelize_1d(pool, work, nullptr, 2, 0); });
  measure("pthreadpool (yield)", [&] { pthreadpool_parallelize_1d(pool, work, nullptr, 2, PTHREADPOOL_FLAG_YIELD_WORKERS); });
  oneapi::tbb::task_arena arena(2);
  measure("tbb arena parallel_for", [&] { arena.execute([&]{ oneapi::tbb::parallel_for(0, 2, [](int i){ sink += i; }); }); });
  omp_set_num_threads(2);
  measure("openmp", [&] {
#pragma omp parallel for
    for (int i = 0; i < 2; ++i) sink += i;
  });
  pthreadpool_destroy(pool);
}
