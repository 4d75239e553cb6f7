// Drawing predictions: boxes, tags, masks and keypoints change the pixels they should and
// leave the rest of the image alone; an empty prediction changes nothing.
#include <gtest/gtest.h>

#include "hone/vision.hpp"

namespace hone::vision {
namespace {

Image gray(int width, int height, uint8_t v = 40) {
  Image im;
  im.width = width;
  im.height = height;
  im.pixels.assign(static_cast<size_t>(width) * static_cast<size_t>(height) * 3, v);
  return im;
}

const uint8_t* px(const Image& im, int x, int y) {
  return im.pixels.data() + (static_cast<size_t>(y) * static_cast<size_t>(im.width) + static_cast<size_t>(x)) * 3;
}
bool changed(const Image& im, int x, int y, uint8_t v = 40) {
  const uint8_t* p = px(im, x, y);
  return p[0] != v || p[1] != v || p[2] != v;
}

TEST(Draw, EmptyPredictionLeavesTheImageUnchanged) {
  Image im = gray(64, 48);
  const std::vector<uint8_t> before = im.pixels;
  draw(im, Prediction{});
  EXPECT_EQ(im.pixels, before);
}

TEST(Draw, BoxMaskAndKeypointsLandWhereTheyShould) {
  Image im = gray(200, 160);
  Prediction p;
  p.image_width = 200;
  p.image_height = 160;
  Detection d;
  d.box = {50, 60, 150, 140};
  d.label = "person";
  d.score = 0.9f;
  d.mask = {60, 70, 30, 30, std::vector<uint8_t>(900, 1)};
  d.keypoints.assign(17, Keypoint{120, 100, 0.9f});
  d.keypoints[3] = {130, 120, 0.1f};  // not visible: not drawn
  p.detections.push_back(d);
  DrawOptions opt;
  opt.line_width = 2;
  draw(im, p, opt);
  EXPECT_TRUE(changed(im, 50, 100)) << "left edge of the box";
  EXPECT_TRUE(changed(im, 100, 140)) << "bottom edge of the box";
  EXPECT_TRUE(changed(im, 75, 85)) << "inside the mask";
  EXPECT_TRUE(changed(im, 120, 100)) << "a keypoint";
  EXPECT_FALSE(changed(im, 130, 120)) << "an invisible keypoint";
  EXPECT_FALSE(changed(im, 100, 105)) << "inside the box, off mask and keypoints";
  EXPECT_FALSE(changed(im, 10, 150)) << "outside everything";
  EXPECT_TRUE(changed(im, 52, 55)) << "the tag above the box";
}

TEST(Draw, ColorsFollowThePixelFormat) {
  Image bgr = gray(100, 100, 0), rgb = gray(100, 100, 0);
  rgb.format = PixelFormat::RGB;
  Prediction p;
  Detection d;
  d.box = {10, 10, 90, 90};
  d.class_id = 0;
  p.detections.push_back(d);
  DrawOptions opt;
  opt.labels = false;
  draw(bgr, p, opt);
  draw(rgb, p, opt);
  const uint8_t* a = px(bgr, 10, 50);
  const uint8_t* b = px(rgb, 10, 50);
  EXPECT_EQ(a[0], b[2]);
  EXPECT_EQ(a[2], b[0]);
  EXPECT_NE(a[0], a[2]);
}

TEST(Draw, ClassificationWritesTextTopLeft) {
  Image im = gray(224, 224, 0);
  Prediction p;
  p.task = Task::Classify;
  p.classes = {{3, 0.7f, "cat"}, {1, 0.2f, "dog"}};
  draw(im, p);
  int touched_top = 0, touched_bottom = 0;
  for (int y = 0; y < 224; ++y) {
    for (int x = 0; x < 224; ++x) (y < 60 ? touched_top : touched_bottom) += changed(im, x, y, 0);
  }
  EXPECT_GT(touched_top, 50);
  EXPECT_EQ(touched_bottom, 0);
}

}  // namespace
}  // namespace hone::vision
