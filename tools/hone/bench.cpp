// `hone bench MODEL|ENGINE [--warmup N] [--iterations N | --duration S] [--requests N]
// [--sync|--async] [--profile] [--json FILE]`: pure inference performance without pre/post
// processing (trtexec, OpenVINO benchmark_app): latency min / mean / median / p90 / p99 / max,
// throughput, and with --profile the per-layer table of the specification's GoogLeNet example.
// On a device (--device cuda) the latency is end to end (host inputs in, host outputs out);
// a second phase times the same runs with inputs and outputs bound in device memory (no
// copies), trtexec's "GPU compute" time.
#include <sys/resource.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <fstream>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

#include "backends/backend.hpp"
#include "tools/hone/model_inputs.hpp"
#include "tools/hone/verbs.hpp"

namespace hone::cli {
namespace {

using Clock = std::chrono::steady_clock;

struct BenchOptions {
  std::string model;
  int warmup = 5;
  int iterations = 0;     // 0: run for `duration`
  double duration = 3.0;  // seconds, when no iteration count is given
  int requests = 1;
  bool sync = false;
  bool async = false;
  bool profile = false;
  std::string json;
  BuildFlags build;
};

struct Stats {
  double min = 0, mean = 0, median = 0, p90 = 0, p99 = 0, max = 0;
};

Stats stats_of(std::vector<double> ms) {
  Stats s;
  if (ms.empty()) return s;
  std::sort(ms.begin(), ms.end());
  // Nearest-rank percentiles.
  auto pct = [&](double p) {
    const size_t rank = static_cast<size_t>(std::ceil(p / 100.0 * static_cast<double>(ms.size())));
    return ms[std::min(ms.size() - 1, rank == 0 ? 0 : rank - 1)];
  };
  s.min = ms.front();
  s.max = ms.back();
  double sum = 0;
  for (double v : ms) sum += v;
  s.mean = sum / static_cast<double>(ms.size());
  s.median = pct(50);
  s.p90 = pct(90);
  s.p99 = pct(99);
  return s;
}

// Decides when the timed phase ends: after `iterations` runs in all, or after `duration`.
class Budget {
 public:
  Budget(int iterations, double duration) : iterations_(iterations), duration_(duration) {}
  void start() { start_ = Clock::now(); }
  /// Claims one more run; false when the budget is spent.
  bool take() {
    if (iterations_ > 0) return taken_.fetch_add(1) < iterations_;
    return std::chrono::duration<double>(Clock::now() - start_).count() < duration_;
  }
  double elapsed_s() const { return std::chrono::duration<double>(Clock::now() - start_).count(); }

 private:
  int iterations_;
  double duration_;
  std::atomic<int> taken_{0};
  Clock::time_point start_;
};

// Latencies of `runs` runs of `ctx` with every input and output bound in device memory (the
// inputs' values copied there once): device compute plus the launches, without transfers.
Result<std::vector<double>> device_io_latencies(const Engine& e, ExecutionContext& ctx, const std::vector<Datum>& inputs,
                                                 int runs) {
  HONE_ASSIGN_OR_RETURN(const Backend* backend, find_backend(e.plan().device));
  HONE_ASSIGN_OR_RETURN(std::shared_ptr<Stream> stream, backend->create_stream());
  std::vector<Tensor> keep;
  auto device_tensor = [&](DataType dtype, const Shape& shape) -> Result<Tensor> {
    HONE_ASSIGN_OR_RETURN(Tensor mem, backend->allocate(static_cast<size_t>(shape_numel(shape)) * dtype_size(dtype), nullptr));
    keep.push_back(mem);
    return Tensor::wrap_device(dtype, shape, mem.raw());
  };
  for (size_t i = 0; i < e.inputs().size(); ++i) {
    const Tensor& host = inputs[i].tensor;
    HONE_ASSIGN_OR_RETURN(Tensor d, device_tensor(host.dtype(), host.shape()));
    HONE_RETURN_IF_ERROR(backend->copy(d.raw(), host.raw(), host.nbytes(), *stream));
    HONE_RETURN_IF_ERROR(ctx.bind(e.inputs()[i].name, d));
  }
  HONE_RETURN_IF_ERROR(stream->synchronize());
  // The output shapes of these inputs: the last run's.
  for (size_t k = 0; k < e.outputs().size(); ++k) {
    const Tensor& out = ctx.outputs()[k].tensor;
    HONE_ASSIGN_OR_RETURN(Tensor d, device_tensor(out.dtype(), out.shape()));
    HONE_RETURN_IF_ERROR(ctx.bind(e.outputs()[k].name, d));
  }
  HONE_RETURN_IF_ERROR(ctx.run());  // warm-up with the new bindings
  std::vector<double> ms;
  for (int r = 0; r < runs; ++r) {
    const auto t0 = Clock::now();
    HONE_RETURN_IF_ERROR(ctx.run());
    ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - t0).count());
  }
  // Unbind, so that the context's next runs take host memory again.
  for (size_t i = 0; i < e.inputs().size(); ++i) HONE_RETURN_IF_ERROR(ctx.bind(e.inputs()[i].name, inputs[i].tensor));
  for (size_t k = 0; k < e.outputs().size(); ++k) HONE_RETURN_IF_ERROR(ctx.bind(e.outputs()[k].name, Tensor()));
  return ms;
}

std::string shape_list(const std::vector<TensorDesc>& descs, const std::vector<Datum>& values) {
  std::string s;
  for (size_t i = 0; i < descs.size(); ++i) {
    TensorDesc d = descs[i];
    if (values[i].is_tensor()) d.shape = values[i].tensor.shape();
    s += (i ? ", " : "") + describe(d);
  }
  return s;
}

int bench_verb(const BenchOptions& opt) {
  if (opt.sync && opt.async) return fail("--sync and --async exclude each other");
  if (opt.requests < 1) return fail("--requests must be at least 1");
  if (opt.iterations < 0 || opt.warmup < 0 || opt.duration <= 0) return fail("--iterations, --warmup and --duration must be positive");
  const bool async = opt.async;
  EngineSource source;
  auto engine = open_engine(opt.model, opt.build, /*progress=*/true, &source);
  if (!engine.is_ok()) return fail(engine.status().to_string());
  auto shapes = parse_shapes(opt.build.shapes);
  if (!shapes.is_ok()) return fail(shapes.status().message());
  std::vector<std::string> notes;
  auto inputs = generated_inputs(**engine, *shapes, &notes);
  if (!inputs.is_ok()) return fail(inputs.status().message());
  for (const std::string& n : notes) std::printf("note: %s\n", n.c_str());

  // One context per request, inputs bound once (zero-copy), outputs allocated by the runs.
  const Engine& e = **engine;
  std::vector<std::unique_ptr<ExecutionContext>> contexts;
  for (int r = 0; r < opt.requests; ++r) {
    contexts.push_back(e.create_context());
    if (opt.build.threads > 0) {
      Status s = contexts.back()->set_threads(opt.build.threads);
      if (!s.is_ok()) return fail(s.to_string());
    }
    for (size_t i = 0; i < e.inputs().size(); ++i) {
      Status s = contexts.back()->bind_value(e.inputs()[i].name, (*inputs)[i]);
      if (!s.is_ok()) return fail(s.to_string());
    }
  }
  for (auto& ctx : contexts) {
    for (int w = 0; w < std::max(1, opt.warmup); ++w) {
      Status s = ctx->run();
      if (!s.is_ok()) return fail(s.to_string());
    }
  }
  LayerTimeProfiler profiler;
  if (opt.profile) contexts[0]->set_profiler(&profiler);

  Budget budget(opt.iterations, opt.duration);
  std::vector<std::vector<double>> latencies(contexts.size());
  std::mutex mu;
  Status failure;
  budget.start();
  if (!async) {
    // Sync: each request is a thread running its context back to back.
    std::vector<std::thread> threads;
    for (size_t r = 0; r < contexts.size(); ++r) {
      threads.emplace_back([&, r] {
        while (budget.take()) {
          const auto t0 = Clock::now();
          Status s = contexts[r]->run();
          latencies[r].push_back(std::chrono::duration<double, std::milli>(Clock::now() - t0).count());
          if (!s.is_ok()) {
            std::lock_guard<std::mutex> lock(mu);
            failure = s;
            return;
          }
        }
      });
    }
    for (auto& t : threads) t.join();
  } else {
    // Async: every context keeps one request in flight on its worker; a completion records
    // the latency and submits the next.
    std::condition_variable cv;
    size_t finished = 0;
    std::vector<std::function<void()>> submit(contexts.size());
    for (size_t r = 0; r < contexts.size(); ++r) {
      submit[r] = [&, r] {
        {
          std::lock_guard<std::mutex> lock(mu);
          if (!failure.is_ok() || !budget.take()) {
            ++finished;
            cv.notify_all();
            return;
          }
        }
        const auto t0 = Clock::now();
        contexts[r]->enqueue([&, r, t0](Status s) {
          latencies[r].push_back(std::chrono::duration<double, std::milli>(Clock::now() - t0).count());
          if (!s.is_ok()) {
            std::lock_guard<std::mutex> lock(mu);
            failure = s;
          }
          submit[r]();
        });
      };
    }
    for (auto& f : submit) f();
    std::unique_lock<std::mutex> lock(mu);
    cv.wait(lock, [&] { return finished == contexts.size(); });
  }
  const double wall_s = budget.elapsed_s();
  if (!failure.is_ok()) return fail(failure.to_string());
  const bool on_device = e.plan().device != "cpu";
  std::vector<double> device_io;
  if (on_device) {
    contexts[0]->set_profiler(nullptr);
    size_t runs = 0;
    for (const auto& l : latencies) runs += l.size();
    auto ms = device_io_latencies(e, *contexts[0], *inputs, static_cast<int>(std::clamp<size_t>(runs, 10, 2000)));
    if (!ms.is_ok()) return fail(ms.status().to_string());
    device_io = std::move(ms).value();
  }

  std::vector<double> all;
  for (const auto& l : latencies) all.insert(all.end(), l.begin(), l.end());
  const Stats st = stats_of(all);
  const double fps = static_cast<double>(all.size()) / wall_s;
  const engine::Plan& plan = e.plan();
  std::printf("engine: %s, %zu layers, device %s (%s), threads %d per request\n", opt.model.c_str(), e.num_layers(),
              plan.device.c_str(), plan.device_name.c_str(), contexts[0]->threads());
  std::printf("engine %s in %.1f ms\n", source.built ? "built" : "loaded", source.ms);
  std::printf("inputs: %s\n", shape_list(e.inputs(), *inputs).c_str());
  std::printf("mode: %s, %d request(s), %d warm-up run(s) each\n", async ? "async" : "sync", opt.requests,
              std::max(1, opt.warmup));
  std::printf("iterations: %zu in %.3f s\n", all.size(), wall_s);
  std::printf("latency (ms): min %.3f, mean %.3f, median %.3f, p90 %.3f, p99 %.3f, max %.3f%s\n", st.min, st.mean,
              st.median, st.p90, st.p99, st.max, on_device ? " (end to end: host inputs and outputs)" : "");
  std::printf("throughput: %.2f inferences/s\n", fps);
  const Stats dio = stats_of(device_io);
  if (on_device) {
    std::printf("device-resident I/O latency (ms): min %.3f, mean %.3f, median %.3f, p90 %.3f, p99 %.3f, max %.3f "
                "(%zu runs, inputs and outputs bound in device memory)\n",
                dio.min, dio.mean, dio.median, dio.p90, dio.p99, dio.max, device_io.size());
  }
  std::ostringstream table;
  if (opt.profile) {
    profiler.print(table);
    std::printf("\nper-layer profile (request 0, average over %lld runs):\n%s", static_cast<long long>(profiler.runs()),
                table.str().c_str());
  }
  if (!opt.json.empty()) {
    nlohmann::json j;
    j["model"] = opt.model;
    j["device"] = plan.device;
    j["device_name"] = plan.device_name;
    j["layers"] = e.num_layers();
    j[source.built ? "build_ms" : "load_ms"] = source.ms;
    j["mode"] = async ? "async" : "sync";
    j["requests"] = opt.requests;
    j["threads"] = contexts[0]->threads();
    j["warmup"] = std::max(1, opt.warmup);
    j["iterations"] = all.size();
    j["wall_s"] = wall_s;
    j["latency_ms"] = {{"min", st.min}, {"mean", st.mean}, {"median", st.median}, {"p90", st.p90}, {"p99", st.p99}, {"max", st.max}};
    j["throughput_fps"] = fps;
    j["latencies_ms"] = all;
    if (on_device) {
      j["device_io_latency_ms"] = {{"min", dio.min}, {"mean", dio.mean}, {"median", dio.median},
                                   {"p90", dio.p90}, {"p99", dio.p99}, {"max", dio.max}};
    }
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    j["peak_rss_bytes"] = static_cast<uint64_t>(usage.ru_maxrss) * 1024;  // Linux reports KiB
    if (opt.profile) {
      nlohmann::json layers = nlohmann::json::array();
      const double total = profiler.average_total_ms();
      for (const auto& entry : profiler.entries()) {
        const double avg = entry.count ? entry.total_ms / static_cast<double>(entry.count) : 0.0;
        layers.push_back({{"name", entry.name}, {"avg_ms", avg}, {"percent", total > 0 ? 100.0 * avg / total : 0.0}});
      }
      j["profile"] = {{"layers", layers}, {"total_ms", total}, {"runs", profiler.runs()}};
    }
    std::ofstream out(opt.json);
    out << j.dump(2) << '\n';
    if (!out) return fail("cannot write '" + opt.json + "'");
  }
  return 0;
}

}  // namespace

void register_bench(CLI::App& app, Actions& actions) {
  auto opt = std::make_shared<BenchOptions>();
  CLI::App* sub = app.add_subcommand("bench", "Measure inference latency and throughput of a model or engine");
  sub->add_option("model", opt->model, "Model file (.onnx), builtin:NAME, or an engine file")->required();
  sub->add_option("--warmup", opt->warmup, "Untimed runs per request before timing (default 5)");
  auto* iters = sub->add_option("--iterations", opt->iterations, "Timed runs in all (default: run for --duration)");
  sub->add_option("--duration", opt->duration, "Seconds to run when no --iterations is given (default 3)")->excludes(iters);
  sub->add_option("--requests", opt->requests, "Parallel requests, each its own execution context (default 1)");
  sub->add_flag("--sync", opt->sync, "Each request runs synchronously on its own thread (default)");
  sub->add_flag("--async", opt->async, "Each request is enqueued on its context's worker; completions submit the next");
  sub->add_flag("--profile", opt->profile, "Print the per-layer time table (request 0)");
  sub->add_option("--json", opt->json, "Write a machine-readable report here");
  opt->build.add_to(sub);
  sub->callback([opt, &actions] { actions.push_back([opt] { return bench_verb(*opt); }); });
}

}  // namespace hone::cli
