// YOLO post-processing (src/vision/yolo_postprocess.hpp): decoding of hand-built outputs with
// known answers (detect, segment masks, pose keypoints, classify, YOLOv5 objectness) mapped
// back through a letterbox, Ultralytics metadata parsing, describe_model on engines built in
// code, and the random-weight YOLOv8n models of ../shared when they are there.
#include <gtest/gtest.h>

#include <array>
#include <cmath>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <random>

#include "hone/builder.hpp"
#include "hone/engine.hpp"
#include "import/onnx/model_builder.hpp"
#include "import/onnx/onnx_importer.hpp"
#include "vision/yolo_postprocess.hpp"

namespace hone::vision {
namespace {

// ---------------------------------------------------------------------------------------------
// Hand-built outputs

// A float tensor of `shape` with uniform values in [lo, hi) from `seed`.
Tensor random_tensor(const Shape& shape, uint32_t seed, float lo, float hi) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> dist(lo, hi);
  Tensor t = Tensor::zeros(DataType::Float, shape);
  for (int64_t i = 0; i < t.numel(); ++i) t.data<float>()[i] = dist(rng);
  return t;
}

// A YOLOv8 predictions output [1, C, N]: boxes random, every class score (and any extra
// channel) random in [0, 0.2), below the thresholds the tests use.
struct V8Output {
  Tensor tensor;
  int64_t channels, anchors;
  V8Output(int64_t c, int64_t n, uint32_t seed) : channels(c), anchors(n) {
    tensor = random_tensor({1, c, n}, seed, 0.f, 0.2f);
    for (int64_t a = 0; a < n; ++a) {
      for (int k = 0; k < 4; ++k) at(k, a) = 50.f + 500.f * at(k, a);
    }
  }
  float& at(int64_t c, int64_t n) { return tensor.data<float>()[c * anchors + n]; }
  void set_box(int64_t n, float cx, float cy, float w, float h) {
    at(0, n) = cx;
    at(1, n) = cy;
    at(2, n) = w;
    at(3, n) = h;
  }
};

ModelInfo v8_model(Task task, int classes) {
  ModelInfo m;
  m.task = task;
  m.layout = OutputLayout::YoloV8;
  m.num_classes = classes;
  for (int i = 0; i < classes; ++i) m.names.push_back("class " + std::to_string(i));
  return m;
}

// A 1280 x 720 image letterboxed into 640 x 640: scale 0.5, 140 rows of padding above.
ImageTransform letterbox_1280x720() {
  ImageTransform t;
  t.source_width = 1280;
  t.source_height = 720;
  t.input_width = t.input_height = 640;
  t.scale_x = t.scale_y = 0.5f;
  t.pad_x = 0;
  t.pad_y = 140;
  return t;
}

Box input_box(float cx, float cy, float w, float h) { return {cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2}; }

void expect_box(const Box& got, const Box& want, const std::string& what) {
  EXPECT_NEAR(got.x1, want.x1, 1e-3) << what;
  EXPECT_NEAR(got.y1, want.y1, 1e-3) << what;
  EXPECT_NEAR(got.x2, want.x2, 1e-3) << what;
  EXPECT_NEAR(got.y2, want.y2, 1e-3) << what;
}

// ---------------------------------------------------------------------------------------------
// Detect

// Anchors: 10 (class 5, 0.9); 20 (class 5, 0.8) nearly on top of 10; 30 (class 7, 0.7) the
// same box as 10; 40 (class 79, 0.6) running off the image; 50 (class 1) exactly at the
// threshold; 60 just below it.
V8Output detect_output(uint32_t seed) {
  V8Output out(84, 200, seed);
  out.set_box(10, 320, 320, 100, 50);
  out.at(4 + 5, 10) = 0.9f;
  out.set_box(20, 322, 321, 100, 50);
  out.at(4 + 5, 20) = 0.8f;
  out.set_box(30, 320, 320, 100, 50);
  out.at(4 + 7, 30) = 0.7f;
  out.set_box(40, 600, 500, 200, 100);
  out.at(4 + 79, 40) = 0.6f;
  out.set_box(50, 100, 200, 20, 20);
  out.at(4 + 1, 50) = 0.25f;
  out.set_box(60, 500, 200, 20, 20);
  out.at(4 + 1, 60) = 0.2499f;
  return out;
}

TEST(YoloDetect, DecodesNmsAndMapsBackThroughTheLetterbox) {
  const uint32_t seed = 11;
  V8Output out = detect_output(seed);
  const ModelInfo model = v8_model(Task::Detect, 80);
  auto r = postprocess(model, {Datum::of(out.tensor)}, letterbox_1280x720(), {});
  ASSERT_TRUE(r.is_ok()) << r.status().to_string();
  const Prediction& p = *r;
  EXPECT_EQ(p.task, Task::Detect);
  EXPECT_EQ(p.image_width, 1280);
  EXPECT_EQ(p.image_height, 720);
  ASSERT_EQ(p.detections.size(), 4u) << "seed " << seed;
  const int want_class[] = {5, 7, 79, 1};
  const float want_score[] = {0.9f, 0.7f, 0.6f, 0.25f};
  for (size_t i = 0; i < 4; ++i) {
    EXPECT_EQ(p.detections[i].class_id, want_class[i]) << i;
    EXPECT_FLOAT_EQ(p.detections[i].score, want_score[i]) << i;
    EXPECT_EQ(p.detections[i].label, "class " + std::to_string(want_class[i]));
    EXPECT_TRUE(p.detections[i].mask.empty());
    EXPECT_TRUE(p.detections[i].keypoints.empty());
  }
  // input (270, 295)-(370, 345): x / 0.5, (y - 140) / 0.5.
  expect_box(p.detections[0].box, {540, 310, 740, 410}, "anchor 10");
  expect_box(p.detections[1].box, {540, 310, 740, 410}, "anchor 30");
  // input (500, 450)-(700, 550) -> (1000, 620)-(1400, 820), clipped to the 1280 x 720 image.
  expect_box(p.detections[2].box, {1000, 620, 1280, 720}, "anchor 40");
  expect_box(p.detections[3].box, {180, 100, 220, 140}, "anchor 50");
}

TEST(YoloDetect, AgnosticMaxDetAndConfidence) {
  V8Output out = detect_output(12);
  const ModelInfo model = v8_model(Task::Detect, 80);
  PostprocessOptions options;
  options.agnostic = true;
  auto r = postprocess(model, {Datum::of(out.tensor)}, letterbox_1280x720(), options);
  ASSERT_TRUE(r.is_ok()) << r.status().to_string();
  ASSERT_EQ(r->detections.size(), 3u);  // anchor 30 falls to anchor 10 across classes
  EXPECT_EQ(r->detections[1].class_id, 79);

  options = {};
  options.max_det = 2;
  r = postprocess(model, {Datum::of(out.tensor)}, letterbox_1280x720(), options);
  ASSERT_TRUE(r.is_ok());
  ASSERT_EQ(r->detections.size(), 2u);
  EXPECT_EQ(r->detections[1].class_id, 7);

  options = {};
  options.iou = 0.99f;  // 10 and 20 now both survive
  r = postprocess(model, {Datum::of(out.tensor)}, letterbox_1280x720(), options);
  ASSERT_TRUE(r.is_ok());
  EXPECT_EQ(r->detections.size(), 5u);

  options = {};
  options.conf = 0.65f;
  r = postprocess(model, {Datum::of(out.tensor)}, letterbox_1280x720(), options);
  ASSERT_TRUE(r.is_ok());
  EXPECT_EQ(r->detections.size(), 2u);
}

TEST(YoloDetect, CandidatesAreEveryAnchorOverTheThresholdWithItsBestClass) {
  // Random scores over the whole range: compare with a plain per-anchor scan.
  for (uint32_t seed = 1; seed <= 5; ++seed) {
    const int64_t anchors = 333;
    Tensor t = random_tensor({1, 84, anchors}, seed, 0.f, 1.f);
    const ModelInfo model = v8_model(Task::Detect, 80);
    auto m = prediction_matrix(model, t);
    ASSERT_TRUE(m.is_ok()) << m.status().to_string();
    const std::vector<Candidate> got = decode_candidates(model, *m, 0.97f);
    std::vector<Candidate> want;
    const float* d = t.data<float>();
    for (int64_t n = 0; n < anchors; ++n) {
      int best = 0;
      for (int c = 1; c < 80; ++c) {
        if (d[(4 + c) * anchors + n] > d[(4 + best) * anchors + n]) best = c;
      }
      const float s = d[(4 + best) * anchors + n];
      if (s >= 0.97f) want.push_back({input_box(d[n], d[anchors + n], d[2 * anchors + n], d[3 * anchors + n]), s, best, static_cast<int>(n)});
    }
    ASSERT_EQ(got.size(), want.size()) << "seed " << seed;
    for (size_t i = 0; i < got.size(); ++i) {
      EXPECT_EQ(got[i].anchor, want[i].anchor) << "seed " << seed;
      EXPECT_EQ(got[i].class_id, want[i].class_id) << "seed " << seed << " anchor " << got[i].anchor;
      EXPECT_EQ(got[i].score, want[i].score);
      expect_box(got[i].box, want[i].box, "seed " + std::to_string(seed));
    }
  }
}

TEST(YoloDetect, LabelsFallBackToIds) {
  V8Output out = detect_output(13);
  ModelInfo model = v8_model(Task::Detect, 80);
  model.names.resize(6);  // names for classes 0..5 only
  auto r = postprocess(model, {Datum::of(out.tensor)}, letterbox_1280x720(), {});
  ASSERT_TRUE(r.is_ok());
  EXPECT_EQ(r->detections[0].label, "class 5");
  EXPECT_EQ(r->detections[1].label, "7");
}

TEST(YoloDetect, RejectsOutputsThatDoNotFit) {
  const ModelInfo model = v8_model(Task::Detect, 80);
  const ImageTransform t = letterbox_1280x720();
  auto expect_invalid = [&](const std::vector<Datum>& outputs, const std::string& needle) {
    auto r = postprocess(model, outputs, t, {});
    ASSERT_FALSE(r.is_ok()) << needle;
    EXPECT_EQ(r.status().code(), StatusCode::InvalidArgument);
    EXPECT_NE(r.status().message().find(needle), std::string::npos) << r.status().message();
  };
  expect_invalid({Datum::of(Tensor::zeros(DataType::Float, {2, 84, 100}))}, "batch 1");
  expect_invalid({Datum::of(Tensor::zeros(DataType::Float, {1, 85, 100}))}, "85 channels");
  expect_invalid({Datum::of(Tensor::zeros(DataType::Float16, {1, 84, 100}))}, "float32");
  expect_invalid({Datum::of(Tensor::zeros(DataType::Float, {1, 84}))}, "[1,84]");
  expect_invalid({}, "none");
  ImageTransform empty;
  auto r = postprocess(model, {Datum::of(Tensor::zeros(DataType::Float, {1, 84, 10}))}, empty, {});
  EXPECT_FALSE(r.is_ok());
}

TEST(YoloDetect, CapsCandidatesAtMaxNms) {
  // More anchors than kMaxNmsCandidates, all over the threshold, no two overlapping (64
  // classes keep the NMS short): NMS sees only the best 30000, so exactly those come out.
  const int64_t anchors = 30500;
  const int classes = 64;
  V8Output out(4 + classes, anchors, 3);
  for (int64_t n = 0; n < anchors; ++n) {
    out.set_box(n, static_cast<float>(n % 200) * 10, static_cast<float>(n / 200) * 10, 5, 5);
    out.at(4 + n % classes, n) = 0.3f + 0.5f * static_cast<float>(n) / anchors;
  }
  PostprocessOptions options;
  options.max_det = 100000;
  ImageTransform t;
  t.source_width = t.source_height = t.input_width = t.input_height = 4000;
  auto r = postprocess(v8_model(Task::Detect, classes), {Datum::of(out.tensor)}, t, options);
  ASSERT_TRUE(r.is_ok()) << r.status().to_string();
  EXPECT_EQ(r->detections.size(), kMaxNmsCandidates);
  EXPECT_FLOAT_EQ(r->detections.back().score, 0.3f + 0.5f * 500.f / anchors);
}

// ---------------------------------------------------------------------------------------------
// YOLOv5

TEST(YoloV5, ObjectnessTimesClassScore) {
  const int64_t anchors = 40, nc = 3, channels = 5 + nc;
  Tensor t = random_tensor({1, anchors, channels}, 21, 0.f, 0.2f);
  auto row = [&](int64_t n) { return t.data<float>() + n * channels; };
  auto set = [&](int64_t n, std::array<float, 8> v) { std::copy(v.begin(), v.end(), row(n)); };
  set(3, {320, 320, 100, 100, 0.9f, 0.2f, 0.5f, 0.1f});    // 0.45, class 1
  set(5, {100, 100, 50, 50, 0.3f, 0.5f, 0.4f, 0.1f});      // 0.15: out
  set(7, {200, 200, 50, 50, 0.24f, 1.0f, 1.0f, 1.0f});     // objectness under conf: out
  set(9, {500, 500, 60, 40, 0.8f, 0.9f, 0.0f, 0.0f});      // 0.72, class 0
  set(11, {330, 322, 100, 100, 0.9f, 0.2f, 0.4f, 0.1f});   // 0.36, class 1, on top of 3
  ModelInfo model;
  model.task = Task::Detect;
  model.layout = OutputLayout::YoloV5;
  model.num_classes = static_cast<int>(nc);
  ImageTransform identity;
  identity.source_width = identity.source_height = identity.input_width = identity.input_height = 640;
  auto r = postprocess(model, {Datum::of(t)}, identity, {});
  ASSERT_TRUE(r.is_ok()) << r.status().to_string();
  ASSERT_EQ(r->detections.size(), 2u);
  EXPECT_EQ(r->detections[0].class_id, 0);
  EXPECT_FLOAT_EQ(r->detections[0].score, 0.8f * 0.9f);
  expect_box(r->detections[0].box, {470, 480, 530, 520}, "anchor 9");
  EXPECT_EQ(r->detections[1].class_id, 1);
  EXPECT_FLOAT_EQ(r->detections[1].score, 0.9f * 0.5f);
  EXPECT_EQ(r->detections[1].label, "1");
}

// ---------------------------------------------------------------------------------------------
// Segment

// Prototypes [1, 4, 160, 160] for a 640 x 640 input: channel 0 is +10 inside the prototype
// rectangle x in [40, 80), y in [60, 100) (input [160, 320) x [240, 400)) and -10 outside,
// channel 1 is +10 everywhere, channels 2 and 3 random noise.
Tensor rectangle_prototypes(uint32_t seed) {
  Tensor p = random_tensor({1, 4, 160, 160}, seed, -5.f, 5.f);
  float* d = p.data<float>();
  for (int y = 0; y < 160; ++y) {
    for (int x = 0; x < 160; ++x) {
      d[y * 160 + x] = (x >= 40 && x < 80 && y >= 60 && y < 100) ? 10.f : -10.f;
      d[160 * 160 + y * 160 + x] = 10.f;
    }
  }
  return p;
}

// Checks mask pixels against the foreground rectangle [x0, x1) x [y0, y1) (original image
// pixels); pixels that disagree must lie within one pixel of its edges.
void expect_mask(const Mask& mask, int x0, int y0, int x1, int y1, const std::string& what) {
  int wrong = 0, far_wrong = 0;
  for (int r = 0; r < mask.height; ++r) {
    for (int c = 0; c < mask.width; ++c) {
      const int x = mask.x + c, y = mask.y + r;
      const bool want = x >= x0 && x < x1 && y >= y0 && y < y1;
      if ((mask.data[static_cast<size_t>(r * mask.width + c)] != 0) == want) continue;
      ++wrong;
      // Within a pixel of an edge: the pixel's center at most 1.5 pixels from the edge line
      // (bilinear sampling rounds the rectangle's corners by about that much).
      auto near = [](int p, int edge) { return std::abs(static_cast<float>(p) + 0.5f - static_cast<float>(edge)) <= 1.5f; };
      const bool near_edge = near(x, x0) || near(x, x1) || near(y, y0) || near(y, y1);
      far_wrong += !near_edge;
    }
  }
  EXPECT_EQ(far_wrong, 0) << what << ": " << wrong << " pixels differ, " << far_wrong << " away from the edges";
}

TEST(YoloSegment, MaskIsTheKnownRectangleInImagePixels) {
  const uint32_t seed = 31;
  const int nc = 2, nm = 4;
  V8Output out(4 + nc + nm, 50, seed);
  ModelInfo model = v8_model(Task::Segment, nc);
  model.mask_channels = nm;
  auto coefficients = [&](int64_t n, std::array<float, 4> c) {
    for (int k = 0; k < nm; ++k) out.at(4 + nc + k, n) = c[static_cast<size_t>(k)];
  };
  // Anchor 7: input box (120, 200)-(360, 440) holds the whole prototype rectangle.
  out.set_box(7, 240, 320, 240, 240);
  out.at(4 + 0, 7) = 0.9f;
  coefficients(7, {1, 0, 0, 0});
  // Anchor 8: input box (140, 220)-(200, 300) cuts the rectangle: the mask is cropped.
  out.set_box(8, 170, 260, 60, 80);
  out.at(4 + 1, 8) = 0.8f;
  coefficients(8, {1, 0, 0, 0});
  // Anchor 9: all foreground, a fractional box running off the image's left edge.
  out.set_box(9, 10.3f, 500.2f, 41.3f, 30.5f);
  out.at(4 + 1, 9) = 0.7f;
  coefficients(9, {0, 1, 0, 0});
  const Tensor protos = rectangle_prototypes(seed);

  auto r = postprocess(model, {Datum::of(out.tensor), Datum::of(protos)}, letterbox_1280x720(), {});
  ASSERT_TRUE(r.is_ok()) << r.status().to_string();
  ASSERT_EQ(r->detections.size(), 3u) << "seed " << seed;
  const Mask& whole = r->detections[0].mask;
  // Box (240, 120)-(720, 600); foreground input [160, 320) x [240, 400) -> [320, 640) x [200, 520).
  EXPECT_EQ(whole.x, 240);
  EXPECT_EQ(whole.y, 120);
  EXPECT_EQ(whole.width, 480);
  EXPECT_EQ(whole.height, 480);
  ASSERT_EQ(whole.data.size(), 480u * 480u);
  expect_mask(whole, 320, 200, 640, 520, "whole rectangle");

  // Box (280, 160)-(400, 320): the foreground starts at (320, 200) and ends with the box.
  const Mask& cropped = r->detections[1].mask;
  EXPECT_EQ(cropped.x, 280);
  EXPECT_EQ(cropped.y, 160);
  EXPECT_EQ(cropped.width, 120);
  EXPECT_EQ(cropped.height, 160);
  expect_mask(cropped, 320, 200, 400, 320, "cropped rectangle");

  // Input x (-10.35, 30.95) -> (-20.7, 61.9) clipped to (0, 61.9); y (484.95, 515.45) -> (689.9, 750.9) clipped
  // to 720: the rectangle is floor/ceil of the clipped box.
  const Detection& edge = r->detections[2];
  EXPECT_NEAR(edge.box.x1, 0.f, 1e-4);
  EXPECT_NEAR(edge.box.x2, 61.9f, 1e-3);
  EXPECT_NEAR(edge.box.y1, 689.9f, 1e-3);
  EXPECT_NEAR(edge.box.y2, 720.f, 1e-4);
  EXPECT_EQ(edge.mask.x, 0);
  EXPECT_EQ(edge.mask.y, 689);
  EXPECT_EQ(edge.mask.width, 62);
  EXPECT_EQ(edge.mask.height, 31);
  expect_mask(edge.mask, 0, 0, 1280, 720, "all foreground");
}

// sigmoid(coefficients . prototypes) sampled the plain way: every prototype pixel's logit,
// then bilinear interpolation at each pixel center (align_corners=False, edges clamped).
Mask reference_mask(const std::vector<float>& coeffs, const Tensor& protos, const Box& box, const ImageTransform& t,
                    float threshold, std::vector<float>* margin) {
  const int64_t nm = protos.dim(1), ph = protos.dim(2), pw = protos.dim(3);
  std::vector<float> logits(static_cast<size_t>(ph * pw), 0.f);
  for (int64_t k = 0; k < nm; ++k) {
    for (int64_t i = 0; i < ph * pw; ++i) logits[static_cast<size_t>(i)] += coeffs[static_cast<size_t>(k)] * protos.data<float>()[k * ph * pw + i];
  }
  auto tap = [](float p, int64_t size, int64_t* lo, int64_t* hi, float* w) {
    p = std::max(p, 0.f);
    *lo = std::min<int64_t>(static_cast<int64_t>(p), size - 1);
    *hi = std::min<int64_t>(*lo + 1, size - 1);
    *w = *hi == *lo ? 0.f : p - static_cast<float>(*lo);
  };
  Mask m;
  m.x = std::clamp(static_cast<int>(std::floor(box.x1)), 0, t.source_width);
  m.y = std::clamp(static_cast<int>(std::floor(box.y1)), 0, t.source_height);
  m.width = std::clamp(static_cast<int>(std::ceil(box.x2)), 0, t.source_width) - m.x;
  m.height = std::clamp(static_cast<int>(std::ceil(box.y2)), 0, t.source_height) - m.y;
  if (m.width <= 0 || m.height <= 0) {
    m.width = m.height = 0;
    return m;
  }
  m.data.resize(static_cast<size_t>(m.width * m.height));
  margin->assign(m.data.size(), 0.f);
  for (int r = 0; r < m.height; ++r) {
    for (int c = 0; c < m.width; ++c) {
      const float px = t.to_input_x(static_cast<float>(m.x + c) + 0.5f) * static_cast<float>(pw) / static_cast<float>(t.input_width) - 0.5f;
      const float py = t.to_input_y(static_cast<float>(m.y + r) + 0.5f) * static_cast<float>(ph) / static_cast<float>(t.input_height) - 0.5f;
      int64_t x0, x1, y0, y1;
      float wx, wy;
      tap(px, pw, &x0, &x1, &wx);
      tap(py, ph, &y0, &y1, &wy);
      auto L = [&](int64_t y, int64_t x) { return logits[static_cast<size_t>(y * pw + x)]; };
      const float v = (1 - wy) * ((1 - wx) * L(y0, x0) + wx * L(y0, x1)) + wy * ((1 - wx) * L(y1, x0) + wx * L(y1, x1));
      const float p = 1.f / (1.f + std::exp(-v));
      m.data[static_cast<size_t>(r * m.width + c)] = p > threshold;
      (*margin)[static_cast<size_t>(r * m.width + c)] = std::abs(v - std::log(threshold / (1 - threshold)));
    }
  }
  return m;
}

// The mask kernels of every ISA this CPU runs (the baseline is always there).
std::vector<const MaskKernels*> kernel_variants() {
  std::vector<const MaskKernels*> out;
  for (cpu::CpuIsa isa : {cpu::CpuIsa::Baseline, cpu::CpuIsa::Avx2, cpu::CpuIsa::Avx512}) {
    if (const MaskKernels* k = mask_kernels_for(isa)) out.push_back(k);
  }
  return out;
}

TEST(YoloSegment, DecodeMaskMatchesPlainSampling) {
  // Random prototypes (160 x 160, and 37 x 23 whose width is no multiple of the kernels' 8
  // columns) and coefficients, several transforms (letterbox, stretch, identity), random boxes
  // and the whole image, every ISA's kernels; pixels may differ only where the logit is within
  // 1e-3 of the threshold's.
  const ImageTransform letterbox = letterbox_1280x720();
  ImageTransform stretch;  // 300 x 500 stretched to 640 x 640
  stretch.source_width = 300;
  stretch.source_height = 500;
  stretch.input_width = stretch.input_height = 640;
  stretch.scale_x = 640.f / 300.f;
  stretch.scale_y = 640.f / 500.f;
  ImageTransform identity;
  identity.source_width = identity.source_height = identity.input_width = identity.input_height = 640;
  const ImageTransform transforms[] = {letterbox, stretch, identity};
  const std::pair<int64_t, int64_t> proto_sizes[] = {{160, 160}, {23, 37}};
  for (const MaskKernels* kernels : kernel_variants()) {
    for (const auto& [ph, pw] : proto_sizes) {
      for (uint32_t seed = 40; seed < 44; ++seed) {
        std::mt19937 rng(seed);
        const Tensor protos = random_tensor({1, 32, ph, pw}, seed, -1.f, 1.f);
        std::uniform_real_distribution<float> unit(0.f, 1.f), coef(-1.f, 1.f);
        for (const ImageTransform& t : transforms) {
          for (int i = 0; i < 4; ++i) {
            std::vector<float> coeffs(32);
            for (float& c : coeffs) c = coef(rng);
            const float w = static_cast<float>(t.source_width), h = static_cast<float>(t.source_height);
            float x1 = unit(rng) * w, x2 = unit(rng) * w, y1 = unit(rng) * h, y2 = unit(rng) * h;
            if (i == 3) {  // the whole image
              x1 = y1 = 0;
              x2 = w;
              y2 = h;
            }
            const Box box{std::min(x1, x2), std::min(y1, y2), std::max(x1, x2), std::max(y1, y2)};
            const float threshold = i == 2 ? 0.3f : 0.5f;
            const std::string what = std::string(cpu::isa_name(kernels->isa)) + ", prototypes " + std::to_string(ph) +
                                     "x" + std::to_string(pw) + ", seed " + std::to_string(seed) + ", box " +
                                     std::to_string(i);
            std::vector<float> margin;
            const Mask want = reference_mask(coeffs, protos, box, t, threshold, &margin);
            const Mask got = decode_mask(coeffs, {protos.data<float>(), 32, ph, pw}, box, t, threshold, kernels);
            ASSERT_EQ(got.x, want.x) << what;
            ASSERT_EQ(got.y, want.y) << what;
            ASSERT_EQ(got.width, want.width) << what;
            ASSERT_EQ(got.height, want.height) << what;
            ASSERT_EQ(got.data.size(), want.data.size()) << what;
            int differ = 0, ones = 0;
            for (size_t p = 0; p < got.data.size(); ++p) {
              ones += want.data[p];
              if (got.data[p] != want.data[p] && margin[p] > 1e-3f) ++differ;
            }
            EXPECT_EQ(differ, 0) << what << ": " << ones << " foreground pixels";
          }
        }
      }
    }
  }
}

TEST(YoloSegment, ManyMasksAtOnceEqualOneByOne) {
  // decode_masks shares the prototype bands among overlapping boxes; each mask must be the
  // one decode_mask gives alone, bit for bit.
  const uint32_t seed = 60;
  std::mt19937 rng(seed);
  const Tensor protos = random_tensor({1, 32, 160, 160}, seed, -1.f, 1.f);
  const ImageTransform t = letterbox_1280x720();
  std::uniform_real_distribution<float> px(0.f, 1280.f), py(0.f, 720.f), coef(-1.f, 1.f);
  const int n = 60;
  std::vector<float> coeffs(static_cast<size_t>(n) * 32);
  for (float& c : coeffs) c = coef(rng);
  std::vector<Box> boxes;
  for (int i = 0; i < n; ++i) {
    const float x1 = px(rng), x2 = px(rng), y1 = py(rng), y2 = py(rng);
    boxes.push_back({std::min(x1, x2), std::min(y1, y2), std::max(x1, x2), std::max(y1, y2)});
  }
  boxes[7] = {5, 5, 5, 9};  // no area
  const Prototypes p{protos.data<float>(), 32, 160, 160};
  const std::vector<Mask> all = decode_masks(coeffs, boxes, p, t, 0.5f);
  ASSERT_EQ(all.size(), boxes.size());
  for (int i = 0; i < n; ++i) {
    const Mask one = decode_mask(std::span<const float>(coeffs).subspan(static_cast<size_t>(i) * 32, 32), p,
                                 boxes[static_cast<size_t>(i)], t, 0.5f);
    EXPECT_EQ(all[static_cast<size_t>(i)].x, one.x) << "seed " << seed << " box " << i;
    EXPECT_EQ(all[static_cast<size_t>(i)].width, one.width) << "box " << i;
    EXPECT_TRUE(all[static_cast<size_t>(i)].data == one.data) << "seed " << seed << " box " << i;
  }
  EXPECT_TRUE(all[7].empty());
}

TEST(YoloSegment, EmptyBoxGivesEmptyMask) {
  const Tensor protos = rectangle_prototypes(5);
  const std::vector<float> coeffs = {0, 1, 0, 0};
  const Mask m = decode_mask(coeffs, {protos.data<float>(), 4, 160, 160}, {100, 100, 100, 150}, letterbox_1280x720(), 0.5f);
  EXPECT_TRUE(m.empty());
  EXPECT_EQ(m.width * m.height, 0);
}

// ---------------------------------------------------------------------------------------------
// Pose

TEST(YoloPose, KeypointsMappedBackAndClipped) {
  for (int dims : {3, 2}) {
    const int keypoints = 17;
    V8Output out(4 + 1 + keypoints * dims, 30, 50 + static_cast<uint32_t>(dims));
    ModelInfo model = v8_model(Task::Pose, 1);
    model.num_keypoints = keypoints;
    model.keypoint_dims = dims;
    out.set_box(4, 320, 320, 200, 300);
    out.at(4, 4) = 0.8f;
    for (int k = 0; k < keypoints; ++k) {
      out.at(5 + k * dims, 4) = 250.f + 10.f * static_cast<float>(k);
      out.at(5 + k * dims + 1, 4) = 200.f + 5.f * static_cast<float>(k);
      if (dims == 3) out.at(5 + k * dims + 2, 4) = 0.05f * static_cast<float>(k);
    }
    out.at(5 + 16 * dims, 4) = -30.f;  // keypoint 16 left of the image
    auto r = postprocess(model, {Datum::of(out.tensor)}, letterbox_1280x720(), {});
    ASSERT_TRUE(r.is_ok()) << r.status().to_string();
    ASSERT_EQ(r->detections.size(), 1u) << "dims " << dims;
    const Detection& d = r->detections[0];
    EXPECT_EQ(d.label, "class 0");
    expect_box(d.box, {440, 60, 840, 660}, "pose box");
    ASSERT_EQ(d.keypoints.size(), 17u);
    for (int k = 0; k < keypoints; ++k) {
      const Keypoint& kp = d.keypoints[static_cast<size_t>(k)];
      const float want_x = k == 16 ? 0.f : (250.f + 10.f * static_cast<float>(k)) / 0.5f;
      EXPECT_NEAR(kp.x, want_x, 1e-3) << "dims " << dims << " keypoint " << k;
      EXPECT_NEAR(kp.y, (200.f + 5.f * static_cast<float>(k) - 140.f) / 0.5f, 1e-3) << "keypoint " << k;
      EXPECT_FLOAT_EQ(kp.visibility, dims == 3 ? 0.05f * static_cast<float>(k) : 1.f) << "keypoint " << k;
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Classify

ModelInfo classify_model(int classes) {
  ModelInfo m = v8_model(Task::Classify, classes);
  m.layout = OutputLayout::Scores;
  return m;
}

TEST(YoloClassify, LogitsGetSoftmaxTopFiveInOrder) {
  const std::vector<float> logits = {1.f, 3.f, -2.f, 5.f, 0.f, 3.f, 2.5f, -1.f, 4.f, 0.5f};
  Tensor t = Tensor::from_vector<float>(DataType::Float, {1, 10}, logits);
  auto r = postprocess(classify_model(10), {Datum::of(t)}, {}, {});
  ASSERT_TRUE(r.is_ok()) << r.status().to_string();
  EXPECT_EQ(r->task, Task::Classify);
  EXPECT_TRUE(r->detections.empty());
  ASSERT_EQ(r->classes.size(), 5u);
  double sum = 0;
  for (float v : logits) sum += std::exp(v - 5.0);
  const int want[] = {3, 8, 1, 5, 6};  // 3 and 5 tie at 3: the lower id first
  for (size_t i = 0; i < 5; ++i) {
    EXPECT_EQ(r->classes[i].class_id, want[i]) << i;
    EXPECT_NEAR(r->classes[i].score, std::exp(logits[static_cast<size_t>(want[i])] - 5.0) / sum, 1e-6) << i;
    EXPECT_EQ(r->classes[i].label, "class " + std::to_string(want[i]));
  }
}

TEST(YoloClassify, ProbabilitiesKeptAsTheyAre) {
  const std::vector<float> probs = {0.1f, 0.2f, 0.05f, 0.3f, 0.15f, 0.2f, 0.f, 0.f, 0.f, 0.f};
  Tensor t = Tensor::from_vector<float>(DataType::Float, {1, 10}, probs);
  PostprocessOptions options;
  options.top_k = 3;
  ModelInfo model = classify_model(10);
  model.names.resize(4);
  auto r = postprocess(model, {Datum::of(t)}, {}, options);
  ASSERT_TRUE(r.is_ok()) << r.status().to_string();
  ASSERT_EQ(r->classes.size(), 3u);
  EXPECT_EQ(r->classes[0].class_id, 3);
  EXPECT_FLOAT_EQ(r->classes[0].score, 0.3f);
  EXPECT_EQ(r->classes[1].class_id, 1);
  EXPECT_EQ(r->classes[2].class_id, 5);
  EXPECT_EQ(r->classes[2].label, "5");  // past the names
  // In [0, 1] but not summing to 1 (independent sigmoids): softmax is applied.
  EXPECT_FALSE(is_probability_distribution(std::vector<float>{0.9f, 0.8f}));
  EXPECT_FALSE(is_probability_distribution(std::vector<float>{1.5f, -0.5f}));
  EXPECT_TRUE(is_probability_distribution(std::vector<float>{0.25f, 0.7505f}));
  EXPECT_EQ(top_k(std::vector<float>{0.5f, 0.5f}, 10, {}).size(), 2u);
}

TEST(YoloClassify, RejectsWrongShapes) {
  auto r = postprocess(classify_model(10), {Datum::of(Tensor::zeros(DataType::Float, {1, 11}))}, {}, {});
  EXPECT_EQ(r.status().code(), StatusCode::InvalidArgument);
  r = postprocess(classify_model(10), {Datum::of(Tensor::zeros(DataType::Float, {3, 10}))}, {}, {});
  EXPECT_NE(r.status().message().find("batch 1"), std::string::npos) << r.status().message();
}

// ---------------------------------------------------------------------------------------------
// Metadata

TEST(YoloMetadata, ParsesPythonDictNames) {
  auto r = parse_names(R"({0: 'person', 1: 'traffic light', 2: "it's", 3: 'say "hi"', 4: 'a\'b"c', 5: 'back\\slash', 6: 'caf\xe9', 7: '\u4eba', 8: 'tab\there',})");
  ASSERT_TRUE(r.is_ok()) << r.status().to_string();
  const std::vector<std::pair<int64_t, std::string>> want = {
      {0, "person"}, {1, "traffic light"}, {2, "it's"}, {3, "say \"hi\""}, {4, "a'b\"c"},
      {5, "back\\slash"}, {6, "caf\xc3\xa9"}, {7, "\xe4\xba\xba"}, {8, "tab\there"}};
  EXPECT_EQ(*r, want);
  r = parse_names("['a', \"b c\"]");
  ASSERT_TRUE(r.is_ok());
  EXPECT_EQ(*r, (std::vector<std::pair<int64_t, std::string>>{{0, "a"}, {1, "b c"}}));
  r = parse_names("  {  }  ");
  ASSERT_TRUE(r.is_ok());
  EXPECT_TRUE(r->empty());
  r = parse_names("{0: '\xe4\xba\xba'}");  // printable non-ASCII is written as is
  ASSERT_TRUE(r.is_ok());
  EXPECT_EQ((*r)[0].second, "\xe4\xba\xba");
  for (const char* bad : {"", "{0: 'a'", "{0 'a'}", "{a: 'b'}", "{0: 'a}", "{0: 'a'} x", "{0: 'a' 1: 'b'}", "{0: '\\x4'}"}) {
    auto e = parse_names(bad);
    EXPECT_FALSE(e.is_ok()) << bad;
    EXPECT_EQ(e.status().code(), StatusCode::InvalidArgument) << bad;
  }
  EXPECT_NE(parse_names("{0 'a'}").status().message().find("offset 3"), std::string::npos)
      << parse_names("{0 'a'}").status().message();
}

TEST(YoloMetadata, ParsesIntLists) {
  EXPECT_EQ(*parse_int_list("[640, 640]"), (std::vector<int64_t>{640, 640}));
  EXPECT_EQ(*parse_int_list("(17, 3)"), (std::vector<int64_t>{17, 3}));
  EXPECT_EQ(*parse_int_list(" 32 "), (std::vector<int64_t>{32}));
  EXPECT_FALSE(parse_int_list("[640, ]x").is_ok());
  EXPECT_FALSE(parse_int_list("abc").is_ok());
}

TEST(YoloMetadata, TaskNames) {
  for (Task t : {Task::Auto, Task::Detect, Task::Segment, Task::Pose, Task::Classify}) {
    auto r = parse_task(task_name(t));
    ASSERT_TRUE(r.is_ok());
    EXPECT_EQ(*r, t);
  }
  EXPECT_EQ(*parse_task("Segment"), Task::Segment);
  EXPECT_EQ(parse_task("obb").status().code(), StatusCode::InvalidArgument);
}

// ---------------------------------------------------------------------------------------------
// describe_outputs: the layout rules without an engine

TensorDesc desc(const std::string& name, Shape shape) { return {name, DataType::Float, std::move(shape)}; }

std::string coco_like_names(int n) {
  std::string s = "{";
  for (int i = 0; i < n; ++i) s += (i ? ", " : "") + std::to_string(i) + ": 'name " + std::to_string(i) + "'";
  return s + "}";
}

using Metadata = std::vector<std::pair<std::string, std::string>>;

TEST(YoloDescribe, LayoutsFromShapesAndMetadata) {
  const std::vector<TensorDesc> images = {desc("images", {1, 3, 640, 640})};
  auto detect = describe_outputs(images, {desc("output0", {1, 84, 8400})},
                                 {{"task", "detect"}, {"names", coco_like_names(80)}, {"stride", "32"}});
  ASSERT_TRUE(detect.is_ok()) << detect.status().to_string();
  EXPECT_EQ(detect->task, Task::Detect);
  EXPECT_EQ(detect->layout, OutputLayout::YoloV8);
  EXPECT_EQ(detect->num_classes, 80);
  ASSERT_EQ(detect->names.size(), 80u);
  EXPECT_EQ(detect->names[79], "name 79");
  EXPECT_EQ(detect->input_width, 640);
  EXPECT_EQ(detect->input_name, "images");
  EXPECT_EQ(detect->output_name, "output0");

  // No metadata at all: the task from the shapes, labels are ids.
  auto segment = describe_outputs(images, {desc("output0", {1, 116, 8400}), desc("output1", {1, 32, 160, 160})}, {});
  ASSERT_TRUE(segment.is_ok()) << segment.status().to_string();
  EXPECT_EQ(segment->task, Task::Segment);
  EXPECT_EQ(segment->num_classes, 80);
  EXPECT_EQ(segment->mask_channels, 32);
  EXPECT_EQ(segment->proto_name, "output1");
  EXPECT_EQ(segment->names[3], "3");

  auto classify = describe_outputs({desc("images", {1, 3, 224, 224})}, {desc("output0", {1, 1000})}, {});
  ASSERT_TRUE(classify.is_ok());
  EXPECT_EQ(classify->task, Task::Classify);
  EXPECT_EQ(classify->layout, OutputLayout::Scores);
  EXPECT_EQ(classify->num_classes, 1000);
  EXPECT_EQ(classify->input_width, 224);

  // [1,56,N] is detect with 52 classes unless the metadata speaks of pose.
  auto ambiguous = describe_outputs(images, {desc("output0", {1, 56, 8400})}, {});
  ASSERT_TRUE(ambiguous.is_ok());
  EXPECT_EQ(ambiguous->task, Task::Detect);
  EXPECT_EQ(ambiguous->num_classes, 52);
  auto pose = describe_outputs(images, {desc("output0", {1, 56, 8400})}, {{"task", "pose"}, {"names", "{0: 'person'}"}});
  ASSERT_TRUE(pose.is_ok()) << pose.status().to_string();
  EXPECT_EQ(pose->task, Task::Pose);
  EXPECT_EQ(pose->num_classes, 1);
  EXPECT_EQ(pose->num_keypoints, 17);
  EXPECT_EQ(pose->keypoint_dims, 3);
  EXPECT_EQ(pose->names[0], "person");
  auto hand = describe_outputs(images, {desc("output0", {1, 4 + 1 + 21 * 2, 8400})}, {{"kpt_shape", "[21, 2]"}});
  ASSERT_TRUE(hand.is_ok()) << hand.status().to_string();
  EXPECT_EQ(hand->task, Task::Pose);
  EXPECT_EQ(hand->num_keypoints, 21);
  EXPECT_EQ(hand->keypoint_dims, 2);

  // Without metadata, asking for pose settles the ambiguity.
  auto asked = describe_outputs(images, {desc("output0", {1, 56, 8400})}, {}, Task::Pose);
  ASSERT_TRUE(asked.is_ok()) << asked.status().to_string();
  EXPECT_EQ(asked->task, Task::Pose);
  EXPECT_EQ(asked->num_classes, 1);

  auto v5 = describe_outputs(images, {desc("output0", {1, 25200, 85})}, {{"names", coco_like_names(80)}});
  ASSERT_TRUE(v5.is_ok()) << v5.status().to_string();
  EXPECT_EQ(v5->layout, OutputLayout::YoloV5);
  EXPECT_EQ(v5->num_classes, 80);
  auto v5_segment = describe_outputs(images, {desc("output0", {1, 25200, 117}), desc("output1", {1, 32, 160, 160})}, {});
  ASSERT_TRUE(v5_segment.is_ok()) << v5_segment.status().to_string();
  EXPECT_EQ(v5_segment->task, Task::Segment);
  EXPECT_EQ(v5_segment->layout, OutputLayout::YoloV5);
  EXPECT_EQ(v5_segment->num_classes, 80);

  // Dynamic batch / anchors / input size; the size from imgsz ([h, w]) or 640.
  const std::vector<TensorDesc> dynamic_images = {desc("images", {-1, 3, -1, -1})};
  auto dynamic = describe_outputs(dynamic_images, {desc("output0", {-1, 84, -1})}, {{"imgsz", "[480, 640]"}});
  ASSERT_TRUE(dynamic.is_ok()) << dynamic.status().to_string();
  EXPECT_EQ(dynamic->layout, OutputLayout::YoloV8);
  EXPECT_EQ(dynamic->input_height, 480);
  EXPECT_EQ(dynamic->input_width, 640);
  auto dynamic_default = describe_outputs(dynamic_images, {desc("output0", {-1, 84, -1})}, {});
  ASSERT_TRUE(dynamic_default.is_ok());
  EXPECT_EQ(dynamic_default->input_height, 640);

  // Fewer names than classes: the rest are ids.
  auto few = describe_outputs(images, {desc("output0", {1, 84, 8400})}, {{"names", "{0: 'a', 1: 'b'}"}});
  ASSERT_TRUE(few.is_ok());
  EXPECT_EQ(few->names[1], "b");
  EXPECT_EQ(few->names[2], "2");

  // The requested task, when it agrees.
  EXPECT_TRUE(describe_outputs(images, {desc("output0", {1, 84, 8400})}, {}, Task::Detect).is_ok());
}

TEST(YoloDescribe, ErrorsNameTheShapes) {
  const std::vector<TensorDesc> images = {desc("images", {1, 3, 640, 640})};
  auto expect_error = [&](const std::vector<TensorDesc>& outputs, const Metadata& metadata, Task task,
                          const std::vector<std::string>& needles) {
    auto r = describe_outputs(images, outputs, metadata, task);
    ASSERT_FALSE(r.is_ok()) << needles[0];
    EXPECT_EQ(r.status().code(), StatusCode::InvalidArgument);
    for (const std::string& n : needles) EXPECT_NE(r.status().message().find(n), std::string::npos) << r.status().message();
    EXPECT_EQ(r.status().message().find('\n'), std::string::npos);
  };
  expect_error({desc("output0", {1, 1000})}, {}, Task::Detect, {"classify model", "'detect'", "[1,1000]"});
  expect_error({desc("output0", {1, 84, 8400})}, {}, Task::Segment, {"detect model", "'segment'"});
  expect_error({desc("output0", {1, 116, 8400}), desc("output1", {1, 32, 160, 160})}, {}, Task::Pose, {"segment model"});
  expect_error({desc("output0", {1, 56, 8400})}, {{"task", "pose"}}, Task::Detect, {"pose model"});
  expect_error({desc("output0", {7})}, {}, Task::Auto, {"no YOLO layout", "output0 [7]"});
  expect_error({desc("a", {1, 84, 8400}), desc("b", {1, 84, 8400}), desc("c", {1, 2})}, {}, Task::Auto, {"no YOLO layout"});
  expect_error({desc("output0", {1, 84, 8400})}, {{"names", coco_like_names(81)}}, Task::Auto,
               {"81 entries", "80 classes", "84 = 4 box + classes"});
  expect_error({desc("output0", {1, 116, 8400}), desc("output1", {1, 32, 160, 160})}, {{"names", coco_like_names(84)}},
               Task::Auto, {"84 entries", "32 mask coefficients"});
  expect_error({desc("output0", {1, 84, 8400})}, {{"names", "{0: 'a', 90: 'b'}"}}, Task::Auto, {"ids up to 90"});
  expect_error({desc("output0", {1, 4, 8400})}, {}, Task::Auto, {"too few"});
  expect_error({desc("output0", {1, -1, -1})}, {}, Task::Auto, {"must be static", "[1,?,?]"});
  expect_error({desc("output0", {1, 84, 8400})}, {{"task", "segment"}}, Task::Auto, {"metadata says task 'segment'"});
  expect_error({desc("output0", {1, 84, 8400})}, {{"task", "obb"}}, Task::Auto, {"'obb'"});
  expect_error({desc("output0", {4, 84, 8400})}, {}, Task::Auto, {"batch 4"});
  expect_error({desc("output0", {1, 8400, 84})}, {{"names", coco_like_names(80)}}, Task::Auto, {"80 entries", "79 classes"});
  expect_error({desc("output0", {1, 84, 8400})}, {{"names", "{0: 'a'"}}, Task::Auto, {"names"});
}

// ---------------------------------------------------------------------------------------------
// describe_model on engines built in code

std::shared_ptr<const Engine> build_engine(const std::string& bytes, BuildConfig config = {}) {
  auto graph = onnx_import::import_bytes(bytes.data(), bytes.size(), ".");
  EXPECT_TRUE(graph.is_ok()) << graph.status().to_string();
  if (!graph.is_ok()) return nullptr;
  auto plan = build_plan(std::move(graph).value(), config);
  EXPECT_TRUE(plan.is_ok()) << plan.status().to_string();
  if (!plan.is_ok()) return nullptr;
  auto engine = Engine::from_plan(std::move(plan).value());
  EXPECT_TRUE(engine.is_ok()) << engine.status().to_string();
  return engine.is_ok() ? *engine : nullptr;
}

// images [1,3,h,w] -> Flatten -> a Slice + Reshape per output: a model with the outputs'
// shapes (and metadata) and no weights.
std::string shaped_model(int64_t height, int64_t width, const std::vector<std::pair<std::string, Shape>>& outputs,
                         const Metadata& metadata) {
  onnx_import::ModelBuilder b(17);
  b.input("images", DataType::Float, {1, 3, height, width});
  b.node("Flatten", {"images"}, {"flat"}, "flatten", {{"axis", ir::Attribute::of_int(0)}});
  b.initializer("zero", Tensor::from_vector<int64_t>(DataType::Int64, {1}, {0}));
  b.initializer("one", Tensor::from_vector<int64_t>(DataType::Int64, {1}, {1}));
  for (const auto& [name, shape] : outputs) {
    const std::string end = name + "_end", dims = name + "_shape";
    b.initializer(end, Tensor::from_vector<int64_t>(DataType::Int64, {1}, {shape_numel(shape)}));
    b.initializer(dims, Tensor::from_vector<int64_t>(DataType::Int64, {static_cast<int64_t>(shape.size())}, shape));
    b.node("Slice", {"flat", "zero", end, "one"}, {name + "_slice"}, name + "_slice");
    b.node("Reshape", {name + "_slice", dims}, {name}, name + "_reshape");
    b.output(name, DataType::Float, shape);
  }
  for (const auto& [k, v] : metadata) b.metadata(k, v);
  return b.serialize();
}

TEST(YoloDescribeModel, EnginesBuiltInCode) {
  auto detect = build_engine(shaped_model(640, 640, {{"output0", {1, 84, 8400}}},
                                          {{"task", "detect"}, {"names", coco_like_names(80)}, {"imgsz", "[640, 640]"}}));
  ASSERT_TRUE(detect);
  auto info = describe_model(*detect);
  ASSERT_TRUE(info.is_ok()) << info.status().to_string();
  EXPECT_EQ(info->task, Task::Detect);
  EXPECT_EQ(info->num_classes, 80);
  EXPECT_EQ(info->names[12], "name 12");
  EXPECT_EQ(info->input_name, "images");
  EXPECT_EQ(info->output_name, "output0");
  EXPECT_EQ(describe_model(*detect, Task::Segment).status().code(), StatusCode::InvalidArgument);

  auto segment = build_engine(shaped_model(640, 640, {{"output0", {1, 116, 8400}}, {"output1", {1, 32, 160, 160}}},
                                           {{"task", "segment"}}));
  ASSERT_TRUE(segment);
  info = describe_model(*segment, Task::Segment);
  ASSERT_TRUE(info.is_ok()) << info.status().to_string();
  EXPECT_EQ(info->mask_channels, 32);
  EXPECT_EQ(info->num_classes, 80);
  EXPECT_EQ(info->proto_name, "output1");

  auto classify = build_engine(shaped_model(224, 224, {{"output0", {1, 1000}}}, {}));
  ASSERT_TRUE(classify);
  info = describe_model(*classify);
  ASSERT_TRUE(info.is_ok()) << info.status().to_string();
  EXPECT_EQ(info->task, Task::Classify);
  EXPECT_EQ(info->input_height, 224);
  auto wrong = describe_model(*classify, Task::Detect);
  ASSERT_FALSE(wrong.is_ok());
  EXPECT_NE(wrong.status().message().find("classify model"), std::string::npos) << wrong.status().message();

  auto odd = build_engine(shaped_model(8, 8, {{"output0", {1, 7, 1, 1, 1}}}, {}));
  ASSERT_TRUE(odd);
  auto none = describe_model(*odd);
  ASSERT_FALSE(none.is_ok());
  EXPECT_NE(none.status().message().find("output0 [1,7,1,1,1]"), std::string::npos) << none.status().message();

  auto mismatch = build_engine(shaped_model(640, 640, {{"output0", {1, 84, 8400}}}, {{"names", coco_like_names(81)}}));
  ASSERT_TRUE(mismatch);
  auto count = describe_model(*mismatch);
  ASSERT_FALSE(count.is_ok());
  EXPECT_NE(count.status().message().find("81 entries"), std::string::npos) << count.status().message();
}

TEST(YoloDescribeModel, PostprocessOnAnEngineOutput) {
  // The shaped model's outputs are the image's pixels: a random image above conf everywhere
  // gives many candidates; whatever comes out must be well formed.
  auto engine = build_engine(shaped_model(64, 64, {{"output0", {1, 84, 100}}}, {{"task", "detect"}}));
  ASSERT_TRUE(engine);
  auto info = describe_model(*engine);
  ASSERT_TRUE(info.is_ok()) << info.status().to_string();
  EXPECT_EQ(info->input_width, 64);
  auto out = engine->create_context()->run({Datum::of(random_tensor({1, 3, 64, 64}, 9, 0.f, 64.f))});
  ASSERT_TRUE(out.is_ok()) << out.status().to_string();
  ImageTransform t;
  t.source_width = t.source_height = t.input_width = t.input_height = 64;
  PostprocessOptions options;
  options.conf = 0.f;
  auto r = postprocess(*info, *out, t, options);
  ASSERT_TRUE(r.is_ok()) << r.status().to_string();
  EXPECT_GT(r->detections.size(), 0u);
}

// ---------------------------------------------------------------------------------------------
// The random-weight YOLOv8n models of ../shared/models

std::string shared_model(const std::string& file) { return std::string(HONE_SHARED_DIR) + "/models/" + file; }

// Engines built once per test binary run (a YOLOv8n build takes seconds).
class SharedYolo : public ::testing::Test {
 protected:
  static std::shared_ptr<const Engine> engine(const std::string& file) {
    static std::mutex mutex;
    static std::map<std::string, std::shared_ptr<const Engine>> engines;
    std::lock_guard<std::mutex> lock(mutex);
    auto it = engines.find(file);
    if (it != engines.end()) return it->second;
    auto graph = onnx_import::import_file(shared_model(file));
    EXPECT_TRUE(graph.is_ok()) << file << ": " << graph.status().to_string();
    std::shared_ptr<const Engine> built;
    if (graph.is_ok()) {
      BuildConfig config;
      config.tuning_iterations = 1;
      if (file == "yolov8n-dynamic.onnx") {
        config.input_shapes["images"] = {{1, 3, 320, 320}, {1, 3, 640, 640}, {1, 3, 640, 640}};
      }
      auto plan = build_plan(std::move(graph).value(), config);
      EXPECT_TRUE(plan.is_ok()) << file << ": " << plan.status().to_string();
      if (plan.is_ok()) {
        auto e = Engine::from_plan(std::move(plan).value());
        EXPECT_TRUE(e.is_ok()) << file << ": " << e.status().to_string();
        if (e.is_ok()) built = *e;
      }
    }
    engines[file] = built;
    return built;
  }

  void SetUp() override {
    if (!std::filesystem::exists(shared_model("yolov8n.onnx"))) {
      GTEST_SKIP() << "no " << shared_model("yolov8n.onnx") << ": the shared YOLOv8n models are not here";
    }
  }

  // Runs the engine on a uniform [0, 1] image of the input size and post-processes the
  // outputs for a 1280 x 720 original letterboxed into it.
  static Result<Prediction> run_random(const Engine& engine, const ModelInfo& info, uint32_t seed, int size) {
    auto ctx = engine.create_context();
    auto out = ctx->run({Datum::of(random_tensor({1, 3, size, size}, seed, 0.f, 1.f))});
    if (!out.is_ok()) return out.status();
    ImageTransform t;
    t.source_width = 1280;
    t.source_height = 720;
    t.input_width = t.input_height = size;
    t.scale_x = t.scale_y = static_cast<float>(size) / 1280.f;
    t.pad_y = (static_cast<float>(size) - 720.f * t.scale_y) / 2;
    return postprocess(info, *out, t, {});
  }

  static void expect_inside(const Prediction& p, const std::string& what) {
    EXPECT_LE(p.detections.size(), 300u) << what;
    for (size_t i = 0; i < p.detections.size(); ++i) {
      const Detection& d = p.detections[i];
      ASSERT_TRUE(d.box.x1 >= 0 && d.box.x1 <= d.box.x2 && d.box.x2 <= 1280) << what << " detection " << i;
      ASSERT_TRUE(d.box.y1 >= 0 && d.box.y1 <= d.box.y2 && d.box.y2 <= 720) << what << " detection " << i;
      ASSERT_GE(d.score, 0.25f) << what;
      if (i > 0) {
        ASSERT_LE(d.score, p.detections[i - 1].score) << what;
      }
      for (const Keypoint& k : d.keypoints) {
        ASSERT_TRUE(k.x >= 0 && k.x <= 1280 && k.y >= 0 && k.y <= 720) << what << " keypoint";
      }
      if (!d.mask.empty()) {
        ASSERT_EQ(d.mask.data.size(), static_cast<size_t>(d.mask.width) * static_cast<size_t>(d.mask.height));
        ASSERT_TRUE(d.mask.x >= 0 && d.mask.x + d.mask.width <= 1280 && d.mask.y >= 0 && d.mask.y + d.mask.height <= 720);
      }
    }
  }
};

TEST_F(SharedYolo, Detect) {
  auto e = engine("yolov8n.onnx");
  ASSERT_TRUE(e);
  auto info = describe_model(*e);
  ASSERT_TRUE(info.is_ok()) << info.status().to_string();
  EXPECT_EQ(info->task, Task::Detect);
  EXPECT_EQ(info->layout, OutputLayout::YoloV8);
  EXPECT_EQ(info->num_classes, 80);
  EXPECT_EQ(info->names.size(), 80u);
  EXPECT_EQ(info->input_width, 640);
  EXPECT_EQ(info->stride, 32);
  auto p = run_random(*e, *info, 1, 640);
  ASSERT_TRUE(p.is_ok()) << p.status().to_string();
  expect_inside(*p, "yolov8n");
}

TEST_F(SharedYolo, Segment) {
  auto e = engine("yolov8n-seg.onnx");
  ASSERT_TRUE(e);
  auto info = describe_model(*e, Task::Segment);
  ASSERT_TRUE(info.is_ok()) << info.status().to_string();
  EXPECT_EQ(info->num_classes, 80);
  EXPECT_EQ(info->mask_channels, 32);
  EXPECT_EQ(info->output_name, "output0");
  EXPECT_EQ(info->proto_name, "output1");
  EXPECT_FALSE(describe_model(*e, Task::Detect).is_ok());
  auto p = run_random(*e, *info, 2, 640);
  ASSERT_TRUE(p.is_ok()) << p.status().to_string();
  expect_inside(*p, "yolov8n-seg");
  for (const Detection& d : p->detections) {
    if (d.box.width() >= 1 && d.box.height() >= 1) {
      EXPECT_FALSE(d.mask.empty());
    }
  }
}

TEST_F(SharedYolo, Pose) {
  auto e = engine("yolov8n-pose.onnx");
  ASSERT_TRUE(e);
  auto info = describe_model(*e);
  ASSERT_TRUE(info.is_ok()) << info.status().to_string();
  EXPECT_EQ(info->task, Task::Pose);
  EXPECT_EQ(info->num_classes, 1);
  EXPECT_EQ(info->num_keypoints, 17);
  EXPECT_EQ(info->keypoint_dims, 3);
  auto p = run_random(*e, *info, 3, 640);
  ASSERT_TRUE(p.is_ok()) << p.status().to_string();
  expect_inside(*p, "yolov8n-pose");
  for (const Detection& d : p->detections) EXPECT_EQ(d.keypoints.size(), 17u);
}

TEST_F(SharedYolo, Classify) {
  auto e = engine("yolov8n-cls.onnx");
  ASSERT_TRUE(e);
  auto info = describe_model(*e);
  ASSERT_TRUE(info.is_ok()) << info.status().to_string();
  EXPECT_EQ(info->task, Task::Classify);
  EXPECT_EQ(info->layout, OutputLayout::Scores);
  EXPECT_EQ(info->num_classes, 1000);
  EXPECT_EQ(info->names.size(), 1000u);
  EXPECT_EQ(info->input_width, 224);
  EXPECT_FALSE(describe_model(*e, Task::Detect).is_ok());
  auto out = e->create_context()->run({Datum::of(random_tensor({1, 3, 224, 224}, 4, 0.f, 1.f))});
  ASSERT_TRUE(out.is_ok()) << out.status().to_string();
  auto p = postprocess(*info, *out, {}, {});
  ASSERT_TRUE(p.is_ok()) << p.status().to_string();
  ASSERT_EQ(p->classes.size(), 5u);
  for (size_t i = 1; i < 5; ++i) EXPECT_LE(p->classes[i].score, p->classes[i - 1].score);
  EXPECT_EQ(p->classes[0].label, std::to_string(p->classes[0].class_id));
}

TEST_F(SharedYolo, DynamicShapes) {
  auto e = engine("yolov8n-dynamic.onnx");
  ASSERT_TRUE(e);
  auto info = describe_model(*e);
  ASSERT_TRUE(info.is_ok()) << info.status().to_string();
  EXPECT_EQ(info->task, Task::Detect);
  EXPECT_EQ(info->num_classes, 80);
  EXPECT_EQ(info->input_width, 640);  // from imgsz: the input's height and width are dynamic
  // At 320 x 320 the output has 2100 anchors, known only now.
  auto p = run_random(*e, *info, 5, 320);
  ASSERT_TRUE(p.is_ok()) << p.status().to_string();
  expect_inside(*p, "yolov8n-dynamic at 320");
}

}  // namespace
}  // namespace hone::vision
