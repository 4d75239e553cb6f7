// preprocess() and plan_transform(): the fused pass against the OpenCV chain it replaces and
// against exact bilinear resampling in double, over image sizes, modes, layouts and channel
// orders; the letterbox geometry against Ultralytics' numbers and its inverse mapping; errors.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include <opencv2/core.hpp>

#include "hone/vision.hpp"
#include "vision/seed.hpp"
#include "vision/opencv_reference.hpp"

namespace hone::vision {
namespace {

using testing::Letterbox;
using testing::opencv_preprocess;
using testing::ultralytics_letterbox;

Image random_image(int width, int height, uint32_t seed, PixelFormat format = PixelFormat::BGR) {
  Image image;
  image.width = width;
  image.height = height;
  image.format = format;
  image.pixels.resize(static_cast<size_t>(width) * height * 3);
  std::mt19937 rng(seed);
  std::uniform_int_distribution<int> byte(0, 255);
  for (uint8_t& p : image.pixels) p = static_cast<uint8_t>(byte(rng));
  return image;
}

size_t tensor_size(const PreprocessOptions& o) { return 3 * static_cast<size_t>(o.width) * o.height; }

const char* mode_name(ResizeMode m) {
  switch (m) {
    case ResizeMode::Letterbox: return "letterbox";
    case ResizeMode::SquarePad: return "squarepad";
    case ResizeMode::Stretch: return "stretch";
    case ResizeMode::CenterCrop: return "centercrop";
  }
  return "?";
}

std::string describe(const Image& image, const PreprocessOptions& o) {
  return std::to_string(image.width) + "x" + std::to_string(image.height) + " " +
         (image.format == PixelFormat::BGR ? "BGR" : "RGB") + " -> " + std::to_string(o.width) + "x" +
         std::to_string(o.height) + " " + mode_name(o.mode) + (o.center ? "" : " corner") +
         (o.scale_up ? "" : " no-scaleup") + (o.to_rgb ? " to_rgb" : " to_bgr") +
         (o.layout == TensorLayout::NCHW ? " NCHW" : " NHWC") + " pad " + std::to_string(o.pad_value) +
         " mean " + std::to_string(o.mean[0]) + " std " + std::to_string(o.std[0]);
}

// The largest |a - b| in pixel levels (the difference times the channel's std), and where.
struct Difference {
  double levels = 0;
  size_t index = 0;
};

Difference max_difference(const std::vector<float>& a, const std::vector<float>& b, const PreprocessOptions& o) {
  Difference d;
  const size_t plane = static_cast<size_t>(o.width) * o.height;
  for (size_t i = 0; i < a.size(); ++i) {
    const size_t c = o.layout == TensorLayout::NCHW ? i / plane : i % 3;
    const double levels = std::abs(static_cast<double>(a[i]) - b[i]) * std::abs(o.std[c]);
    if (!(levels <= d.levels)) d = {levels, i};  // NaN counts as the largest
  }
  return d;
}

std::string where(size_t index, const PreprocessOptions& o) {
  const size_t plane = static_cast<size_t>(o.width) * o.height;
  size_t c, pixel;
  if (o.layout == TensorLayout::NCHW) {
    c = index / plane, pixel = index % plane;
  } else {
    c = index % 3, pixel = index / 3;
  }
  return "channel " + std::to_string(c) + " x " + std::to_string(pixel % o.width) + " y " +
         std::to_string(pixel / o.width);
}

std::vector<float> run_hone(const Image& image, const PreprocessOptions& o) {
  std::vector<float> out(tensor_size(o), -1e30f);
  auto t = preprocess(image.view(), o, out);
  EXPECT_TRUE(t.is_ok()) << t.status().to_string();
  return out;
}

std::vector<float> run_opencv(const Image& image, const PreprocessOptions& o) {
  std::vector<float> out(tensor_size(o), -1e30f);
  const cv::Mat mat(image.height, image.width, CV_8UC3, const_cast<uint8_t*>(image.pixels.data()));
  opencv_preprocess(mat, image.format, o, out.data());
  return out;
}

// Bilinear resampling from its definition, in double: output pixel d of a region of n
// pixels over a source of m reads s = clamp((d + 0.5) * m / n - 0.5, 0, m - 1). The source
// is the image, or for SquarePad the square whose pixels outside the image are pad_value.
std::vector<float> run_exact(const Image& image, const PreprocessOptions& o) {
  int region_x = 0, region_y = 0, region_w = o.width, region_h = o.height;
  int source_w = image.width, source_h = image.height, crop_x = 0, crop_y = 0;
  if (o.mode == ResizeMode::CenterCrop) {
    source_w = source_h = std::min(image.width, image.height);
    crop_x = (image.width - source_w) / 2;
    crop_y = (image.height - source_h) / 2;
  }
  if (o.mode == ResizeMode::Letterbox) {
    const Letterbox lb = ultralytics_letterbox(image.width, image.height, o);
    region_x = lb.left, region_y = lb.top, region_w = lb.new_width, region_h = lb.new_height;
  } else if (o.mode == ResizeMode::SquarePad) {
    source_w = source_h = std::max(image.width, image.height);
  }
  const bool swap = o.to_rgb != (image.format == PixelFormat::RGB);
  auto pixel = [&](int x, int y, int c) -> double {
    x += crop_x, y += crop_y;
    if (x >= image.width || y >= image.height) return o.pad_value;
    return image.pixels[(static_cast<size_t>(y) * image.width + x) * 3 + c];
  };
  struct Tap {
    int i0, i1;
    double f;
  };
  auto tap = [](int d, int n, int m) {
    double s = (d + 0.5) * m / n - 0.5;
    s = std::clamp(s, 0.0, m - 1.0);
    const int i0 = static_cast<int>(std::floor(s));
    return Tap{i0, std::min(i0 + 1, m - 1), s - i0};
  };
  std::vector<float> out(tensor_size(o));
  const size_t plane = static_cast<size_t>(o.width) * o.height;
  for (int y = 0; y < o.height; ++y) {
    for (int x = 0; x < o.width; ++x) {
      for (int t = 0; t < 3; ++t) {
        const int c = swap ? 2 - t : t;
        double v = o.pad_value;
        const int rx = x - region_x, ry = y - region_y;
        if (rx >= 0 && rx < region_w && ry >= 0 && ry < region_h) {
          const Tap tx = tap(rx, region_w, source_w), ty = tap(ry, region_h, source_h);
          const double top = pixel(tx.i0, ty.i0, c) * (1 - tx.f) + pixel(tx.i1, ty.i0, c) * tx.f;
          const double bottom = pixel(tx.i0, ty.i1, c) * (1 - tx.f) + pixel(tx.i1, ty.i1, c) * tx.f;
          v = top * (1 - ty.f) + bottom * ty.f;
        }
        const size_t p = static_cast<size_t>(y) * o.width + x;
        out[o.layout == TensorLayout::NCHW ? t * plane + p : p * 3 + t] =
            static_cast<float>((v - o.mean[t]) / o.std[t]);
      }
    }
  }
  return out;
}

struct Size {
  int width, height;
};

// Image sizes: 1x1, single rows and columns, odd, tall, wide, smaller and larger than the
// targets, exactly a target, and the common camera sizes, then random ones.
std::vector<Size> image_sizes(uint32_t seed) {
  std::vector<Size> sizes = {{1, 1},   {1, 9},     {9, 1},   {2, 2},     {3, 5},    {17, 13},  {64, 64},
                             {96, 80}, {127, 255}, {200, 7}, {7, 200},   {640, 480}, {810, 1080}, {1280, 641}};
  std::mt19937 rng(seed);
  std::uniform_int_distribution<int> side(1, 700);
  for (int i = 0; i < 8; ++i) sizes.push_back({side(rng), side(rng)});
  return sizes;
}

// Targets: square, non-square both ways, and the YOLO size.
constexpr Size kTargets[] = {{64, 64}, {96, 80}, {48, 112}, {640, 640}};

std::vector<PreprocessOptions> option_matrix() {
  std::vector<PreprocessOptions> all;
  for (ResizeMode mode : {ResizeMode::Letterbox, ResizeMode::SquarePad, ResizeMode::Stretch, ResizeMode::CenterCrop}) {
    for (TensorLayout layout : {TensorLayout::NCHW, TensorLayout::NHWC}) {
      for (bool to_rgb : {true, false}) {
        PreprocessOptions o;
        o.mode = mode;
        o.layout = layout;
        o.to_rgb = to_rgb;
        all.push_back(o);
      }
    }
  }
  PreprocessOptions corner;
  corner.center = false;
  corner.pad_value = 0;
  all.push_back(corner);
  PreprocessOptions no_scale_up;
  no_scale_up.scale_up = false;
  no_scale_up.layout = TensorLayout::NHWC;
  all.push_back(no_scale_up);
  PreprocessOptions imagenet;
  imagenet.mean = {123.675f, 116.28f, 103.53f};
  imagenet.std = {58.395f, 57.12f, 57.375f};
  imagenet.pad_value = 255;
  all.push_back(imagenet);
  return all;
}

// One level: OpenCV's 8-bit INTER_LINEAR rounds its result to an integer (up to 0.5 level
// off), after weights quantized to 11 bits (1/2048) and intermediate sums shifted down with
// truncation; preprocess() interpolates in float and does not round.
constexpr double kOpenCvLevels = 1.0;
// Exact bilinear in double: preprocess() computes the source coordinate in float, as
// OpenCV does (its error times a gradient of at most 255 levels per pixel), and blends in float.
constexpr double kExactLevels = 0.02;

TEST(VisionPreprocess, FusedMatchesOpenCvChainAndExactBilinear) {
  const uint32_t seed = testing::test_seed();
  SCOPED_TRACE(testing::seed_trace(seed));
  std::mt19937 rng(seed);
  int cases = 0;
  double worst_opencv = 0;
  const std::vector<PreprocessOptions> matrix = option_matrix();
  for (const Size& size : image_sizes(seed)) {
    for (size_t m = 0; m < matrix.size(); ++m) {
      PreprocessOptions o = matrix[m];
      // Every target for Letterbox NCHW RGB (the YOLO case), one target in turn for the others.
      for (size_t t = 0; t < std::size(kTargets); ++t) {
        if (m != 0 && t != (m + static_cast<size_t>(size.width)) % std::size(kTargets)) continue;
        o.width = kTargets[t].width;
        o.height = kTargets[t].height;
        const PixelFormat format = rng() % 2 ? PixelFormat::RGB : PixelFormat::BGR;
        const Image image = random_image(size.width, size.height, static_cast<uint32_t>(rng()), format);
        const std::vector<float> hone = run_hone(image, o);
        const Difference vs_opencv = max_difference(hone, run_opencv(image, o), o);
        EXPECT_LE(vs_opencv.levels, kOpenCvLevels)
            << describe(image, o) << ": " << vs_opencv.levels << " levels from the OpenCV chain at "
            << where(vs_opencv.index, o);
        const Difference vs_exact = max_difference(hone, run_exact(image, o), o);
        EXPECT_LE(vs_exact.levels, kExactLevels)
            << describe(image, o) << ": " << vs_exact.levels << " levels from exact bilinear at "
            << where(vs_exact.index, o);
        worst_opencv = std::max(worst_opencv, vs_opencv.levels);
        ++cases;
        if (::testing::Test::HasFailure()) return;
      }
    }
  }
  RecordProperty("cases", cases);
  RecordProperty("max_levels_vs_opencv", std::to_string(worst_opencv));
}

TEST(VisionPreprocess, StrideSkipsRowPadding) {
  const uint32_t seed = testing::test_seed();
  SCOPED_TRACE(testing::seed_trace(seed));
  const Image image = random_image(33, 21, seed);
  // The same pixels with 7 garbage bytes after each row.
  const size_t row = 33 * 3, stride = row + 7;
  std::vector<uint8_t> padded(stride * 21, 0xAB);
  for (int y = 0; y < 21; ++y) std::copy_n(image.pixels.data() + row * y, row, padded.data() + stride * y);
  PreprocessOptions o;
  o.width = 50, o.height = 40;
  for (ResizeMode mode : {ResizeMode::Letterbox, ResizeMode::SquarePad, ResizeMode::Stretch, ResizeMode::CenterCrop}) {
    o.mode = mode;
    std::vector<float> packed(tensor_size(o)), strided(tensor_size(o));
    ASSERT_TRUE(preprocess(image.view(), o, packed).is_ok());
    const ImageView view{padded.data(), 33, 21, stride, PixelFormat::BGR};
    ASSERT_TRUE(preprocess(view, o, strided).is_ok());
    EXPECT_EQ(packed, strided) << mode_name(mode);
  }
}

TEST(VisionPreprocess, WritesOnlyItsTensor) {
  const Image image = random_image(30, 20, 7);
  PreprocessOptions o;
  o.width = 16, o.height = 24;
  for (TensorLayout layout : {TensorLayout::NCHW, TensorLayout::NHWC}) {
    o.layout = layout;
    std::vector<float> out(tensor_size(o) + 5, -7.f);
    ASSERT_TRUE(preprocess(image.view(), o, out).is_ok());
    for (size_t i = tensor_size(o); i < out.size(); ++i) EXPECT_EQ(out[i], -7.f) << "float " << i;
    for (size_t i = 0; i < tensor_size(o); ++i) ASSERT_NE(out[i], -7.f) << "float " << i << " not written";
  }
}

// ---------------------------------------------------------------------------------------------
// Geometry

struct Expected {
  int width, height;        // the image
  int target_w, target_h;   // the model input
  bool center, scale_up;
  int new_w, new_h, left, top;
};

// Worked by hand from Ultralytics' LetterBox: r = min(H/h, W/w), new = round(w r, h r)
// (Python rounds halves to even), pad = round((W - new_w) / 2 - 0.1).
constexpr Expected kUltralytics[] = {
    {810, 1080, 640, 640, true, true, 480, 640, 80, 0},    // r = 0.5926, bus.jpg
    {1280, 720, 640, 640, true, true, 640, 360, 0, 140},   // r = 0.5
    {1280, 641, 640, 640, true, true, 640, 320, 0, 160},   // r = 0.5, 320.5 rounds to 320
    {641, 480, 640, 640, true, true, 640, 479, 0, 80},     // dh = 80.5: 80 on top, 81 below
    {500, 375, 640, 640, true, true, 640, 480, 0, 80},     // r = 1.28, enlarged
    {500, 375, 640, 640, true, false, 500, 375, 70, 132},  // r = 1: dh = 132.5, 132 on top
    {810, 1080, 640, 640, false, true, 480, 640, 0, 0},    // all padding right / bottom
    {1920, 1080, 640, 384, true, true, 640, 360, 0, 12},   // r = min(0.3556, 0.3333)
    {1, 1, 640, 640, true, true, 640, 640, 0, 0},          // r = 640
};

TEST(VisionPlanTransform, LetterboxMatchesUltralytics) {
  for (const Expected& e : kUltralytics) {
    PreprocessOptions o;
    o.width = e.target_w, o.height = e.target_h, o.center = e.center, o.scale_up = e.scale_up;
    auto t = plan_transform(e.width, e.height, o);
    ASSERT_TRUE(t.is_ok()) << t.status().to_string();
    const std::string what = std::to_string(e.width) + "x" + std::to_string(e.height);
    EXPECT_EQ(t->source_width, e.width) << what;
    EXPECT_EQ(t->source_height, e.height) << what;
    EXPECT_EQ(t->input_width, e.target_w) << what;
    EXPECT_EQ(t->input_height, e.target_h) << what;
    EXPECT_FLOAT_EQ(t->scale_x, static_cast<float>(e.new_w) / e.width) << what;
    EXPECT_FLOAT_EQ(t->scale_y, static_cast<float>(e.new_h) / e.height) << what;
    EXPECT_EQ(t->pad_x, static_cast<float>(e.left)) << what;
    EXPECT_EQ(t->pad_y, static_cast<float>(e.top)) << what;
    // The test's own Ultralytics formula (the OpenCV reference's geometry) agrees.
    const Letterbox lb = ultralytics_letterbox(e.width, e.height, o);
    EXPECT_EQ(lb.new_width, e.new_w) << what;
    EXPECT_EQ(lb.new_height, e.new_h) << what;
    EXPECT_EQ(lb.left, e.left) << what;
    EXPECT_EQ(lb.top, e.top) << what;
  }
  // bus.jpg's ratio as Ultralytics prints it.
  PreprocessOptions o;
  EXPECT_NEAR(plan_transform(810, 1080, o)->scale_x, 0.5926f, 1e-4f);
}

TEST(VisionPlanTransform, SquarePadAndStretch) {
  PreprocessOptions o;
  o.mode = ResizeMode::SquarePad;
  auto square = plan_transform(810, 1080, o);
  ASSERT_TRUE(square.is_ok());
  EXPECT_FLOAT_EQ(square->scale_x, 640.f / 1080);
  EXPECT_FLOAT_EQ(square->scale_y, 640.f / 1080);
  EXPECT_EQ(square->pad_x, 0.f);
  EXPECT_EQ(square->pad_y, 0.f);
  o.mode = ResizeMode::Stretch;
  o.width = 320, o.height = 256;
  auto stretch = plan_transform(810, 1080, o);
  ASSERT_TRUE(stretch.is_ok());
  EXPECT_FLOAT_EQ(stretch->scale_x, 320.f / 810);
  EXPECT_FLOAT_EQ(stretch->scale_y, 256.f / 1080);
  EXPECT_EQ(stretch->pad_x, 0.f);
  EXPECT_EQ(stretch->pad_y, 0.f);
  // Ultralytics' classify crop of bus.jpg: the centered 810x810 square, rows 135..944.
  o.mode = ResizeMode::CenterCrop;
  o.width = o.height = 224;
  auto crop = plan_transform(810, 1080, o);
  ASSERT_TRUE(crop.is_ok());
  EXPECT_FLOAT_EQ(crop->scale_x, 224.f / 810);
  EXPECT_FLOAT_EQ(crop->to_source_x(0), 0.f);
  EXPECT_NEAR(crop->to_source_y(0), 135.f, 1e-3f);
  EXPECT_NEAR(crop->to_source_y(224), 945.f, 1e-3f);
}

// At many sizes: the image's corners land on the edges of the letterboxed region, points
// map there and back within half a pixel, and the pixels outside the region are pad_value
// normalized (to float rounding) while those inside are the image's.
TEST(VisionPlanTransform, LetterboxMapsBackToTheSourcePixel) {
  const uint32_t seed = testing::test_seed();
  SCOPED_TRACE(testing::seed_trace(seed));
  std::mt19937 rng(seed);
  std::uniform_int_distribution<int> side(1, 2000);
  for (int n = 0; n < 60; ++n) {
    const int w = n < 4 ? (n % 2 ? 1 : 640) : side(rng), h = n < 4 ? (n < 2 ? 1 : 640) : side(rng);
    PreprocessOptions o;
    o.width = n % 3 ? 640 : 96;
    o.height = n % 3 ? 640 : 160;
    o.center = n % 5 != 4;
    o.scale_up = n % 7 != 6;
    o.layout = n % 2 ? TensorLayout::NHWC : TensorLayout::NCHW;
    o.mean = {10.f, 20.f, 30.f};
    o.std = {2.f, 3.f, 5.f};
    const std::string what = std::to_string(w) + "x" + std::to_string(h) + " -> " + std::to_string(o.width) +
                             "x" + std::to_string(o.height) + (o.center ? "" : " corner") +
                             (o.scale_up ? "" : " no-scaleup");
    auto t = plan_transform(w, h, o);
    ASSERT_TRUE(t.is_ok()) << what << ": " << t.status().to_string();
    const Letterbox lb = ultralytics_letterbox(w, h, o);
    EXPECT_NEAR(t->to_input_x(0), lb.left, 1e-3) << what;
    EXPECT_NEAR(t->to_input_y(0), lb.top, 1e-3) << what;
    EXPECT_NEAR(t->to_input_x(static_cast<float>(w)), lb.left + lb.new_width, 1e-3) << what;
    EXPECT_NEAR(t->to_input_y(static_cast<float>(h)), lb.top + lb.new_height, 1e-3) << what;
    std::uniform_real_distribution<float> fx(0.f, static_cast<float>(w)), fy(0.f, static_cast<float>(h));
    for (int i = 0; i < 20; ++i) {
      const float x = i == 0 ? 0.f : i == 1 ? static_cast<float>(w) : fx(rng);
      const float y = i == 0 ? 0.f : i == 1 ? static_cast<float>(h) : fy(rng);
      EXPECT_NEAR(t->to_source_x(t->to_input_x(x)), x, 0.5f) << what;
      EXPECT_NEAR(t->to_source_y(t->to_input_y(y)), y, 0.5f) << what;
    }

    // One color, so that the region is exactly that color and the rest exactly the pad.
    Image image;
    image.width = w, image.height = h;
    image.pixels.resize(static_cast<size_t>(w) * h * 3);
    for (size_t i = 0; i < image.pixels.size(); i += 3) {
      image.pixels[i] = 200, image.pixels[i + 1] = 10, image.pixels[i + 2] = 50;
    }
    std::vector<float> out(tensor_size(o));
    ASSERT_TRUE(preprocess(image.view(), o, out).is_ok()) << what;
    const float rgb[3] = {50, 10, 200};
    int wrong = 0;
    for (int y = 0; y < o.height && wrong < 3; ++y) {
      for (int x = 0; x < o.width && wrong < 3; ++x) {
        // The pixel's center maps into the image exactly when it is in the region.
        const float sx = t->to_source_x(x + 0.5f), sy = t->to_source_y(y + 0.5f);
        const bool inside = sx >= 0 && sx < w && sy >= 0 && sy < h;
        for (int c = 0; c < 3; ++c) {
          const size_t p = static_cast<size_t>(y) * o.width + x;
          const size_t plane = static_cast<size_t>(o.width) * o.height;
          const float v = out[o.layout == TensorLayout::NCHW ? c * plane + p : p * 3 + c];
          // Normalized as (v - mean) times the float reciprocal of std: within a few ulps.
          const float expected = ((inside ? rgb[c] : o.pad_value) - o.mean[c]) / o.std[c];
          if (std::abs(v - expected) > 1e-6f * std::max(1.f, std::abs(expected))) {
            ADD_FAILURE() << what << ": pixel (" << x << ", " << y << ") channel " << c << " is " << v
                          << ", expected " << expected << (inside ? " (image)" : " (pad)");
            ++wrong;
          }
        }
      }
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Errors

void expect_invalid(const Result<ImageTransform>& r, const std::string& text) {
  ASSERT_FALSE(r.is_ok()) << "expected an error mentioning '" << text << "'";
  EXPECT_EQ(r.status().code(), StatusCode::InvalidArgument) << r.status().to_string();
  EXPECT_NE(r.status().message().find(text), std::string::npos) << r.status().to_string();
}

TEST(VisionPreprocess, RejectsBadArguments) {
  const Image image = random_image(8, 6, 3);
  PreprocessOptions o;
  o.width = 16, o.height = 16;
  std::vector<float> out(tensor_size(o));

  expect_invalid(preprocess(ImageView{}, o, out), "empty");
  expect_invalid(preprocess(ImageView{image.pixels.data(), 0, 6, 0, PixelFormat::BGR}, o, out), "empty (0x6)");
  expect_invalid(preprocess(ImageView{nullptr, 8, 6, 0, PixelFormat::BGR}, o, out), "null");
  expect_invalid(preprocess(ImageView{image.pixels.data(), 8, 6, 20, PixelFormat::BGR}, o, out),
                 "stride of 20 bytes, less than width * 3 = 24");
  std::vector<float> small(tensor_size(o) - 1);
  expect_invalid(preprocess(image.view(), o, small), "needs 768");
  expect_invalid(preprocess(image.view(), o, std::span<float>()), "too small");

  PreprocessOptions bad = o;
  bad.width = 0;
  expect_invalid(preprocess(image.view(), bad, out), "bad target size 0x16");
  bad.width = 16, bad.height = -3;
  expect_invalid(plan_transform(8, 6, bad), "bad target size 16x-3");
  bad.height = 1 << 20;
  expect_invalid(plan_transform(8, 6, bad), "bad target size");
  expect_invalid(plan_transform(0, 6, o), "empty");
  expect_invalid(plan_transform(8, -1, o), "empty");
  bad = o;
  bad.std[1] = 0.f;
  expect_invalid(preprocess(image.view(), bad, out), "options.std[1]");
  bad = o;
  bad.mean[2] = std::nanf("");
  expect_invalid(preprocess(image.view(), bad, out), "options.mean[2]");
  bad = o;
  bad.mode = static_cast<ResizeMode>(9);
  expect_invalid(preprocess(image.view(), bad, out), "resize mode");
}

}  // namespace
}  // namespace hone::vision

namespace hone::vision {
namespace {

TEST(VisionPreprocessBatch, EachImageFillsItsSlotAsAloneAndErrorsNameTheImage) {
  const Image a = random_image(40, 30, 1), b = random_image(17, 55, 2), c = random_image(64, 64, 3);
  PreprocessOptions o;
  o.width = 32, o.height = 24;
  const size_t n = tensor_size(o);
  const std::vector<ImageView> views = {a.view(), b.view(), c.view()};
  std::vector<float> batch(3 * n);
  auto transforms = preprocess_batch(views, o, batch);
  ASSERT_TRUE(transforms.is_ok()) << transforms.status().to_string();
  ASSERT_EQ(transforms->size(), 3u);
  for (size_t i = 0; i < 3; ++i) {
    std::vector<float> alone(n);
    auto t = preprocess(views[i], o, alone);
    ASSERT_TRUE(t.is_ok());
    EXPECT_EQ(std::vector<float>(batch.begin() + static_cast<std::ptrdiff_t>(i * n),
                                 batch.begin() + static_cast<std::ptrdiff_t>((i + 1) * n)),
              alone)
        << "image " << i;
    EXPECT_EQ((*transforms)[i].source_width, views[i].width);
  }
  std::vector<float> short_batch(3 * n - 1);
  EXPECT_EQ(preprocess_batch(views, o, short_batch).status().code(), StatusCode::InvalidArgument);
  const std::vector<ImageView> with_empty = {a.view(), ImageView{}};
  auto bad = preprocess_batch(with_empty, o, batch);
  ASSERT_FALSE(bad.is_ok());
  EXPECT_NE(bad.status().message().find("image 1: "), std::string::npos) << bad.status().message();
}

}  // namespace
}  // namespace hone::vision
