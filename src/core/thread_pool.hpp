// ThreadPool: the worker threads kernels split their loops over (pthreadpool underneath, chosen
// by measurement: bench/RESULTS.md). One pool per execution context, sized by the engine's or
// the context's thread count. Between the loops of a run idle workers spin (the next layer's
// loop starts without a wake-up: SqueezeNet at 2 threads 2.5 ms instead of 2.9); at the end of
// every run the context calls sleep_workers(), so an idle process uses no CPU (ONNX Runtime's
// default spinning is the complaint this avoids). While other threads compete for the cores
// (seen as involuntary context switches, averaged over runs) the pool does not spin:
// a spinning worker would burn its time slice, then hold up the next loop until it is
// scheduled again (ResNet-50 at 2 threads beside one busy process: 390 ms spinning, 85 ms not).
// Under heavier contention even sleeping workers hold every loop up (the caller waits for a
// worker that is not scheduled to check in: YOLOv8n-pose at 2 threads beside three busy
// processes took 202 ms, 129 ms on the caller alone), so contended pools also try runs on the
// caller alone now and then and keep whichever way is faster (SerialProbe).
#pragma once

#include <cstddef>
#include <cstdint>
#include <type_traits>

struct pthreadpool;

namespace hone {

/// The choice a contended pool makes between running loops over its threads and running them
/// on the caller alone: every kProbeEvery-th run (and the first contended one) tries the other
/// way; the faster by a moving average of run times is kept. Without contention it always
/// answers "parallel". Pure bookkeeping, so it is tested with made-up timings.
class SerialProbe {
 public:
  static constexpr int kProbeEvery = 8;
  /// Records that the run just finished took `ms` in the mode serial() gave it, under
  /// `contended`; returns whether the next run goes on the caller alone.
  bool next(double ms, bool contended);
  /// Whether the current run goes on the caller alone.
  bool serial() const { return current_; }

 private:
  bool current_ = false;  // the mode of the run in progress
  bool chosen_ = false;   // the mode kept between probes
  int runs_since_probe_ = 0;
  double parallel_ms_ = -1, serial_ms_ = -1;  // moving averages; -1: not measured
};

class ThreadPool {
 public:
  /// A pool running loops on `threads` threads in all, the caller's included; `threads` <= 1
  /// runs every loop on the caller (no worker is created).
  explicit ThreadPool(int threads);
  ~ThreadPool();
  ThreadPool(const ThreadPool&) = delete;
  ThreadPool& operator=(const ThreadPool&) = delete;

  /// Threads a loop is split over (>= 1).
  int threads() const { return threads_; }

  /// Calls f(i) for every i in [0, n), spread over the threads; returns when all returned.
  /// Not reentrant: f must not call the pool. Not thread-safe: one caller at a time.
  template <class F>
  void parallel_for(size_t n, F&& f) {
    using Fn = std::remove_reference_t<F>;
    run_1d(n, [](void* ctx, size_t i) { (*static_cast<Fn*>(ctx))(i); }, const_cast<void*>(static_cast<const void*>(&f)));
  }

  /// Calls f(i, j) for every (i, j) in [0, n0) x [0, n1) (row-major order of work items).
  template <class F>
  void parallel_for_2d(size_t n0, size_t n1, F&& f) {
    using Fn = std::remove_reference_t<F>;
    run_2d(n0, n1, [](void* ctx, size_t i, size_t j) { (*static_cast<Fn*>(ctx))(i, j); },
           const_cast<void*>(static_cast<const void*>(&f)));
  }

  /// Sends spinning workers to sleep until the next loop (a few microseconds); called at the
  /// end of every run, it also picks the next runs' wait policy (spin, or sleep after every
  /// loop while other threads compete for the cores).
  void sleep_workers();
  /// Marks the start of a run (the execution context calls it): with sleep_workers() at its
  /// end this gives the run's time, from which a contended pool picks parallel or serial runs.
  void begin_run();
  /// Whether loops leave the workers spinning (false while the pool saw contention).
  bool spinning() const { return spin_; }
  /// Whether this run's loops go on the caller alone (chosen under contention only).
  bool serial() const { return probe_.serial(); }

 private:
  void run_1d(size_t n, void (*task)(void*, size_t), void* ctx);
  void run_2d(size_t n0, size_t n1, void (*task)(void*, size_t, size_t), void* ctx);

  // Involuntary context switches per run (a moving average) above which the workers stop
  // spinning, and below which they spin again.
  static constexpr double kContendedRate = 0.5, kQuietRate = 0.15;
  // Above this rate (several preemptions per run: more runnable threads than cores, not the
  // odd switch a busy host causes) the pool also tries serial runs (SerialProbe).
  static constexpr double kOversubscribedRate = 5.0;
  int threads_ = 1;
  pthreadpool* pool_ = nullptr;
  bool spin_ = true;
  double switch_rate_ = 0;
  int64_t last_involuntary_switches_ = -1;
  SerialProbe probe_;
  int64_t run_start_ns_ = -1;  // begin_run()'s time; -1: no run in progress
};

/// The number of physical cores of this machine (SMT siblings counted once; at least 1): the
/// default thread count of engines and contexts.
int physical_core_count();

}  // namespace hone
