// Image preprocessing micro-benchmarks (Google Benchmark): hone::vision::preprocess (one
// fused pass) against the OpenCV chain it replaces (resize, copyMakeBorder, cvtColor,
// convertTo, normalize, split; tests/vision/opencv_reference.hpp), YOLOv8's letterbox to a
// 640x640 NCHW float tensor with [0,1] scaling, one thread on both sides. Images: bus.jpg
// from ../shared (skipped with an error when absent) and random 1920x1080 and 640x480 ones.
//
//   build/bench/micro/bench_preprocess [--benchmark_filter=bus] [--benchmark_repetitions=5]
#include <benchmark/benchmark.h>

#include <cstdio>
#include <string>
#include <vector>

#include <opencv2/core.hpp>

#include "hone/vision.hpp"
#include "vision/opencv_reference.hpp"

namespace {

using hone::vision::Image;
using hone::vision::PreprocessOptions;

struct Source {
  const char* name;
  Image image;
  std::string error;  // why the image is missing, when it is
};

Image random_image(int width, int height) {
  Image image;
  image.width = width;
  image.height = height;
  image.pixels.resize(static_cast<size_t>(width) * height * 3);
  cv::Mat view(height, width, CV_8UC3, image.pixels.data());
  cv::RNG rng(1234);
  rng.fill(view, cv::RNG::UNIFORM, 0, 256);
  return image;
}

Source bus_image() {
  const std::string path = std::string(HONE_SHARED_DIR) + "/images/bus.jpg";
  auto image = hone::vision::read_image(path);
  if (!image.is_ok()) return {"bus.jpg", {}, image.status().to_string()};
  return {"bus.jpg", std::move(image).value(), ""};
}

void hone_preprocess(benchmark::State& state, const Source* source) {
  if (!source->error.empty()) {
    state.SkipWithError(source->error.c_str());
    return;
  }
  const PreprocessOptions options;
  std::vector<float> out(3 * static_cast<size_t>(options.width) * options.height);
  for (auto _ : state) {
    auto t = hone::vision::preprocess(source->image.view(), options, out);
    if (!t.is_ok()) {
      state.SkipWithError(t.status().to_string().c_str());
      return;
    }
    benchmark::DoNotOptimize(out.data());
    benchmark::ClobberMemory();
  }
}

void opencv_chain(benchmark::State& state, const Source* source) {
  if (!source->error.empty()) {
    state.SkipWithError(source->error.c_str());
    return;
  }
  const PreprocessOptions options;
  std::vector<float> out(3 * static_cast<size_t>(options.width) * options.height);
  const Image& image = source->image;
  const cv::Mat mat(image.height, image.width, CV_8UC3, const_cast<uint8_t*>(image.pixels.data()));
  for (auto _ : state) {
    hone::vision::testing::opencv_preprocess(mat, image.format, options, out.data());
    benchmark::DoNotOptimize(out.data());
    benchmark::ClobberMemory();
  }
}

}  // namespace

int main(int argc, char** argv) {
  cv::setNumThreads(1);
  std::vector<Source> sources;
  sources.push_back(bus_image());
  sources.push_back({"random_1920x1080", random_image(1920, 1080), ""});
  sources.push_back({"random_640x480", random_image(640, 480), ""});
  if (!sources[0].error.empty()) std::fprintf(stderr, "bench_preprocess: %s\n", sources[0].error.c_str());
  for (const Source& s : sources) {
    const std::string name = std::string(s.name) + "/letterbox_640_nchw/";
    benchmark::RegisterBenchmark((name + "hone").c_str(), hone_preprocess, &s)->Unit(benchmark::kMillisecond);
    benchmark::RegisterBenchmark((name + "opencv_chain").c_str(), opencv_chain, &s)->Unit(benchmark::kMillisecond);
  }
  benchmark::Initialize(&argc, argv);
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
