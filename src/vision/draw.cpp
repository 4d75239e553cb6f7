// Drawing predictions onto images with OpenCV imgproc (after post-processing, before saving):
// boxes with "label score" tags, translucent instance masks, pose skeletons, and the top
// classes of a classifier as text. Sizes follow Ultralytics' annotator so pictures look alike.
#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <string>

#include <opencv2/imgproc.hpp>

#include "hone/vision.hpp"

namespace hone::vision {
namespace {

struct Rgb {
  uint8_t r, g, b;
};

// A 20-color palette (by class id), bright and far apart, in RGB.
constexpr std::array<Rgb, 20> kPalette = {{
    {255, 56, 56}, {255, 157, 151}, {255, 112, 31}, {255, 178, 29}, {207, 210, 49},
    {72, 249, 10}, {146, 204, 23}, {61, 219, 134}, {26, 147, 52}, {0, 212, 187},
    {44, 153, 168}, {0, 194, 255}, {52, 69, 147}, {100, 115, 255}, {0, 24, 236},
    {132, 56, 255}, {82, 0, 133}, {203, 56, 255}, {255, 149, 200}, {255, 55, 199},
}};

// COCO's 17 keypoints: nose, eyes, ears, shoulders, elbows, wrists, hips, knees, ankles.
// Limbs as pairs of keypoint indices, each with a color group (0 legs, 1 torso/arms, 2 face).
struct Limb {
  int a, b, group;
};
constexpr std::array<Limb, 19> kCocoSkeleton = {{
    {15, 13, 0}, {13, 11, 0}, {16, 14, 0}, {14, 12, 0}, {11, 12, 1}, {5, 11, 1}, {6, 12, 1},
    {5, 6, 1},   {5, 7, 1},   {6, 8, 1},   {7, 9, 1},   {8, 10, 1},  {1, 2, 2},  {0, 1, 2},
    {0, 2, 2},   {1, 3, 2},   {2, 4, 2},   {3, 5, 2},   {4, 6, 2},
}};
constexpr std::array<Rgb, 3> kLimbColors = {{{51, 153, 255}, {255, 51, 255}, {0, 255, 0}}};
// Keypoint colors by COCO index: face green, arms/torso orange-pink, legs blue.
constexpr std::array<int, 17> kKeypointGroup = {2, 2, 2, 2, 2, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0};

cv::Scalar color_for(const Rgb& c, PixelFormat format) {
  return format == PixelFormat::BGR ? cv::Scalar(c.b, c.g, c.r) : cv::Scalar(c.r, c.g, c.b);
}

cv::Scalar class_color(int class_id, PixelFormat format) {
  const size_t i = static_cast<size_t>(class_id < 0 ? -class_id : class_id) % kPalette.size();
  return color_for(kPalette[i], format);
}

std::string tag(const std::string& label, float score) {
  char buf[32];
  std::snprintf(buf, sizeof buf, " %.2f", static_cast<double>(score));
  return label + buf;
}

// A filled tag with white text above the box's top-left corner (inside the image).
void draw_tag(cv::Mat& im, const std::string& text, cv::Point corner, const cv::Scalar& color, int lw) {
  const double font_scale = std::max(lw / 3.0, 0.4);
  const int thickness = std::max(lw - 1, 1);
  int baseline = 0;
  const cv::Size size = cv::getTextSize(text, cv::FONT_HERSHEY_SIMPLEX, font_scale, thickness, &baseline);
  const bool outside = corner.y - size.height - 3 >= 0;  // room above the box
  const cv::Point p2(corner.x + size.width, outside ? corner.y - size.height - 3 : corner.y + size.height + 3);
  cv::rectangle(im, corner, p2, color, cv::FILLED, cv::LINE_AA);
  const cv::Point origin(corner.x, outside ? corner.y - 2 : corner.y + size.height + 2);
  cv::putText(im, text, origin, cv::FONT_HERSHEY_SIMPLEX, font_scale, cv::Scalar(255, 255, 255), thickness, cv::LINE_AA);
}

// Blends `color` into the mask's pixels: out = (1 - alpha) * pixel + alpha * color.
void blend_mask(cv::Mat& im, const Mask& mask, const cv::Scalar& color, float alpha) {
  const float keep = 1.f - alpha;
  for (int r = 0; r < mask.height; ++r) {
    const int y = mask.y + r;
    if (y < 0 || y >= im.rows) continue;
    uint8_t* row = im.ptr<uint8_t>(y);
    const uint8_t* m = mask.data.data() + static_cast<size_t>(r) * static_cast<size_t>(mask.width);
    for (int c = 0; c < mask.width; ++c) {
      const int x = mask.x + c;
      if (!m[c] || x < 0 || x >= im.cols) continue;
      for (int k = 0; k < 3; ++k) {
        const float v = keep * row[3 * x + k] + alpha * static_cast<float>(color[k]);
        row[3 * x + k] = static_cast<uint8_t>(std::lround(std::clamp(v, 0.f, 255.f)));
      }
    }
  }
}

void draw_keypoints(cv::Mat& im, const std::vector<Keypoint>& kps, PixelFormat format, int lw) {
  const bool coco = kps.size() == 17;
  const int radius = std::max(lw + 1, 3);
  auto visible = [&](size_t i) {
    const Keypoint& k = kps[i];
    return k.visibility >= 0.5f && k.x > 0 && k.y > 0 && k.x < static_cast<float>(im.cols) &&
           k.y < static_cast<float>(im.rows);
  };
  if (coco) {
    for (const Limb& limb : kCocoSkeleton) {
      const auto a = static_cast<size_t>(limb.a), b = static_cast<size_t>(limb.b);
      if (!visible(a) || !visible(b)) continue;
      cv::line(im, cv::Point(static_cast<int>(kps[a].x), static_cast<int>(kps[a].y)),
               cv::Point(static_cast<int>(kps[b].x), static_cast<int>(kps[b].y)),
               color_for(kLimbColors[static_cast<size_t>(limb.group)], format), std::max(lw / 2, 1), cv::LINE_AA);
    }
  }
  for (size_t i = 0; i < kps.size(); ++i) {
    if (!visible(i)) continue;
    const Rgb c = coco ? kLimbColors[static_cast<size_t>(kKeypointGroup[i])] : kPalette[i % kPalette.size()];
    cv::circle(im, cv::Point(static_cast<int>(kps[i].x), static_cast<int>(kps[i].y)), radius, color_for(c, format),
               cv::FILLED, cv::LINE_AA);
  }
}

}  // namespace

void draw(Image& image, const Prediction& prediction, const DrawOptions& options) {
  if (image.empty() || image.pixels.size() < static_cast<size_t>(image.width) * static_cast<size_t>(image.height) * 3) {
    return;
  }
  cv::Mat im(image.height, image.width, CV_8UC3, image.pixels.data());
  // Ultralytics: line width 0.3% of the mean side, at least 2 pixels.
  const int lw = options.line_width > 0 ? options.line_width
                                        : std::max(static_cast<int>(std::lround((image.width + image.height) / 2.0 * 0.003)), 2);
  if (prediction.task == Task::Classify) {
    const double font_scale = std::max(lw / 2.5, 0.5);
    int y = 0;
    for (const Classification& c : prediction.classes) {
      int baseline = 0;
      const std::string text = tag(c.label, c.score);
      const cv::Size size = cv::getTextSize(text, cv::FONT_HERSHEY_SIMPLEX, font_scale, std::max(lw - 1, 1), &baseline);
      y += size.height + 2 * lw;
      cv::putText(im, text, cv::Point(2 * lw, y), cv::FONT_HERSHEY_SIMPLEX, font_scale, cv::Scalar(255, 255, 255),
                  std::max(lw - 1, 1), cv::LINE_AA);
    }
    return;
  }
  // Masks first (lowest score first, so the most confident instance is on top), then boxes.
  if (options.masks) {
    for (auto it = prediction.detections.rbegin(); it != prediction.detections.rend(); ++it) {
      if (!it->mask.empty()) blend_mask(im, it->mask, class_color(it->class_id, image.format), options.mask_alpha);
    }
  }
  for (const Detection& d : prediction.detections) {
    const cv::Scalar color = class_color(d.class_id, image.format);
    const cv::Point p1(static_cast<int>(d.box.x1), static_cast<int>(d.box.y1));
    const cv::Point p2(static_cast<int>(d.box.x2), static_cast<int>(d.box.y2));
    if (options.boxes) cv::rectangle(im, p1, p2, color, lw, cv::LINE_AA);
    if (options.boxes && options.labels) draw_tag(im, tag(d.label, d.score), p1, color, lw);
    if (options.keypoints && !d.keypoints.empty()) draw_keypoints(im, d.keypoints, image.format, lw);
  }
}

}  // namespace hone::vision
