// YOLO post-processing micro-benchmarks (Google Benchmark): vision::postprocess() alone (decode,
// NMS, boxes mapped back, segment masks) on realistic outputs, conf 0.25, IoU 0.7, max_det 300.
// The outputs come from the random-weight YOLOv8n / YOLOv8n-seg engines of ../shared/models
// run once on a uniform [0, 1] input (seeded; random weights give a few thousand candidates and
// large, noisy masks), and from synthetic outputs of the same shapes with object-sized boxes.
// Counters: candidates over the confidence threshold, detections kept, megabytes of masks
// made (segment: one byte per pixel of each box in the original image). Original images: the
// model input itself (640x640) and Ultralytics' two test images' sizes, letterboxed.
//
// Times: one thread over its CPU time (the machine is shared).
//
//   build/bench/micro/bench_postprocess [--benchmark_filter=segment] [--benchmark_repetitions=5]
#include <benchmark/benchmark.h>

#include <cmath>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "hone/builder.hpp"
#include "hone/engine.hpp"
#include "hone/vision.hpp"
#include "import/onnx/onnx_importer.hpp"
#include "vision/yolo_postprocess.hpp"

namespace hone::vision {
namespace {

double thread_cpu_seconds() {
  timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + 1e-9 * static_cast<double>(ts.tv_nsec);
}

Tensor uniform(const Shape& shape, uint32_t seed, float lo, float hi) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> dist(lo, hi);
  Tensor t = Tensor::zeros(DataType::Float, shape);
  for (int64_t i = 0; i < t.numel(); ++i) t.data<float>()[i] = dist(rng);
  return t;
}

struct Case {
  std::string source;  // "engine", "synthetic", or the image the engine ran on
  ModelInfo model;
  std::vector<Datum> outputs;
  bool own_transform = false;  // an image case: timed only with its image's transform
  ImageTransform transform;
};

// The engine's outputs on a uniform [0, 1] image, and on Ultralytics' test images of
// ../shared/images preprocessed as `hone predict` does (the bus.jpg figure), or an
// error message.
Result<std::vector<Case>> from_engine(const std::string& path, Task task) {
  HONE_ASSIGN_OR_RETURN(auto graph, onnx_import::import_file(path));
  HONE_ASSIGN_OR_RETURN(auto plan, build_plan(std::move(graph), BuildConfig{}));
  HONE_ASSIGN_OR_RETURN(auto engine, Engine::from_plan(std::move(plan)));
  std::vector<Case> cases(1);
  cases[0].source = "engine";
  HONE_ASSIGN_OR_RETURN(cases[0].model, describe_model(*engine, task));
  auto context = engine->create_context();
  HONE_ASSIGN_OR_RETURN(cases[0].outputs, context->run({Datum::of(uniform({1, 3, 640, 640}, 1, 0.f, 1.f))}));
  for (const char* name : {"bus.jpg", "zidane.jpg"}) {
    const std::string file = std::string(HONE_SHARED_DIR) + "/images/" + name;
    if (!std::filesystem::exists(file)) continue;
    HONE_ASSIGN_OR_RETURN(Image image, read_image(file));
    Tensor input = Tensor::zeros(DataType::Float, {1, 3, 640, 640});
    Case c;
    c.source = name;
    c.model = cases[0].model;
    c.own_transform = true;
    HONE_ASSIGN_OR_RETURN(c.transform, preprocess(image.view(), PreprocessOptions{},
                                                  std::span<float>(input.data<float>(), static_cast<size_t>(input.numel()))));
    HONE_ASSIGN_OR_RETURN(c.outputs, context->run({Datum::of(input)}));
    cases.push_back(std::move(c));
  }
  return cases;
}

// Outputs of YOLOv8n's shapes: boxes 8..200 input pixels, class scores sigmoid(N(-5.5, 1.6))
// (about one anchor in five has one above 0.25), random mask coefficients and prototypes.
Case synthetic(Task task) {
  Case c;
  c.source = "synthetic";
  const int64_t anchors = 8400, nc = 80, nm = task == Task::Segment ? 32 : 0;
  c.model.task = task;
  c.model.num_classes = static_cast<int>(nc);
  c.model.mask_channels = static_cast<int>(nm);
  Tensor out = Tensor::zeros(DataType::Float, {1, 4 + nc + nm, anchors});
  std::mt19937 rng(7);
  std::uniform_real_distribution<float> pos(0.f, 640.f), size(8.f, 200.f), coef(-1.f, 1.f);
  std::normal_distribution<float> logit(-5.5f, 1.6f);
  float* d = out.data<float>();
  for (int64_t n = 0; n < anchors; ++n) {
    d[n] = pos(rng);
    d[anchors + n] = pos(rng);
    d[2 * anchors + n] = size(rng);
    d[3 * anchors + n] = size(rng);
    for (int64_t k = 0; k < nc; ++k) d[(4 + k) * anchors + n] = 1.f / (1.f + std::exp(-logit(rng)));
    for (int64_t k = 0; k < nm; ++k) d[(4 + nc + k) * anchors + n] = coef(rng);
  }
  c.outputs.push_back(Datum::of(out));
  if (nm) c.outputs.push_back(Datum::of(uniform({1, nm, 160, 160}, 8, -1.f, 1.f)));
  return c;
}

// The engine's outputs when the shared model is there (nothing, with a note, otherwise).
std::vector<Case> engine_case(Task task) {
  const std::string file = task == Task::Segment ? "yolov8n-seg.onnx" : "yolov8n.onnx";
  const std::string path = std::string(HONE_SHARED_DIR) + "/models/" + file;
  if (!std::filesystem::exists(path)) {
    std::fprintf(stderr, "no %s: synthetic outputs only\n", path.c_str());
    return {};
  }
  auto c = from_engine(path, task);
  if (!c.is_ok()) {
    std::fprintf(stderr, "%s: %s; synthetic outputs only\n", path.c_str(), c.status().to_string().c_str());
    return {};
  }
  return std::move(c).value();
}

// An original image of width x height letterboxed (centered) into 640 x 640.
ImageTransform letterbox(int width, int height) {
  ImageTransform t;
  t.source_width = width;
  t.source_height = height;
  t.input_width = t.input_height = 640;
  const float scale = std::min(640.f / static_cast<float>(width), 640.f / static_cast<float>(height));
  t.scale_x = t.scale_y = scale;
  t.pad_x = (640.f - std::round(static_cast<float>(width) * scale)) / 2;
  t.pad_y = (640.f - std::round(static_cast<float>(height) * scale)) / 2;
  return t;
}

void run_case(benchmark::State& state, const Case* c, ImageTransform transform) {
  const PostprocessOptions options;  // conf 0.25, iou 0.7, max_det 300
  size_t detections = 0, mask_bytes = 0;
  for (auto _ : state) {
    const double t0 = thread_cpu_seconds();
    auto p = postprocess(c->model, c->outputs, transform, options);
    const double t = thread_cpu_seconds() - t0;
    if (!p.is_ok()) {
      state.SkipWithError(p.status().to_string().c_str());
      return;
    }
    detections = p->detections.size();
    mask_bytes = 0;
    for (const Detection& d : p->detections) mask_bytes += d.mask.data.size();
    benchmark::DoNotOptimize(p->detections.data());
    state.SetIterationTime(t);
  }
  state.counters["mask_MB"] = static_cast<double>(mask_bytes) / 1e6;
  auto matrix = prediction_matrix(c->model, c->outputs[0].tensor);
  state.counters["candidates"] = matrix.is_ok() ? static_cast<double>(decode_candidates(c->model, *matrix, options.conf).size()) : 0;
  state.counters["detections"] = static_cast<double>(detections);
}

}  // namespace
}  // namespace hone::vision

int main(int argc, char** argv) {
  using namespace hone::vision;
  benchmark::Initialize(&argc, argv);
  static std::vector<Case> cases;
  for (Task task : {Task::Detect, Task::Segment}) {
    for (Case& c : engine_case(task)) cases.push_back(std::move(c));
    cases.push_back(synthetic(task));
  }
  struct Size {
    const char* name;
    int width, height;
  };
  const Size images[] = {{"640x640", 640, 640}, {"zidane_1280x720", 1280, 720}, {"bus_810x1080", 810, 1080}};
  for (const Case& c : cases) {
    if (c.own_transform) {
      const std::string label = std::string(task_name(c.model.task)) + "/" + c.source;
      benchmark::RegisterBenchmark(label.c_str(), run_case, &c, c.transform)
          ->UseManualTime()
          ->Unit(benchmark::kMillisecond);
      continue;
    }
    for (const Size& image : images) {
      const std::string label = std::string(task_name(c.model.task)) + "/" + c.source + "/" + image.name;
      benchmark::RegisterBenchmark(label.c_str(), run_case, &c, letterbox(image.width, image.height))
          ->UseManualTime()
          ->Unit(benchmark::kMillisecond);
    }
  }
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
