// The OpenCV chain that preprocess() fuses, step by step as YOLO pipelines write it (resize,
// copyMakeBorder, cvtColor, convertTo, normalize, split): the reference of
// test_preprocess.cpp and the baseline of bench/micro/bench_preprocess.cpp. Its letterbox
// geometry is Ultralytics' LetterBox written again here, independent of plan_transform().
#pragma once

#include <algorithm>
#include <cmath>
#include <vector>

#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>

#include "hone/vision.hpp"

namespace hone::vision::testing {

/// Ultralytics' LetterBox numbers for an image of width x height.
struct Letterbox {
  int new_width = 0, new_height = 0;
  int left = 0, top = 0, right = 0, bottom = 0;
};

inline Letterbox ultralytics_letterbox(int width, int height, const PreprocessOptions& o) {
  double r = std::min(static_cast<double>(o.height) / height, static_cast<double>(o.width) / width);
  if (!o.scale_up) r = std::min(r, 1.0);
  Letterbox lb;
  // Python's round(): halves to even.
  lb.new_width = std::max(1, static_cast<int>(std::nearbyint(width * r)));
  lb.new_height = std::max(1, static_cast<int>(std::nearbyint(height * r)));
  double dw = o.width - lb.new_width, dh = o.height - lb.new_height;
  if (o.center) dw /= 2, dh /= 2;
  lb.left = o.center ? static_cast<int>(std::nearbyint(dw - 0.1)) : 0;
  lb.top = o.center ? static_cast<int>(std::nearbyint(dh - 0.1)) : 0;
  lb.right = o.width - lb.new_width - lb.left;
  lb.bottom = o.height - lb.new_height - lb.top;
  return lb;
}

/// `image` (CV_8UC3 in `format` order) through OpenCV's functions into `out`
/// (3 * o.height * o.width floats laid out as o.layout).
inline void opencv_preprocess(const cv::Mat& image, PixelFormat format, const PreprocessOptions& o, float* out) {
  const cv::Scalar pad = cv::Scalar::all(o.pad_value);
  cv::Mat sized;
  switch (o.mode) {
    case ResizeMode::Letterbox: {
      const Letterbox lb = ultralytics_letterbox(image.cols, image.rows, o);
      cv::Mat resized = image;
      if (lb.new_width != image.cols || lb.new_height != image.rows) {
        cv::resize(image, resized, cv::Size(lb.new_width, lb.new_height), 0, 0, cv::INTER_LINEAR);
      }
      cv::copyMakeBorder(resized, sized, lb.top, lb.bottom, lb.left, lb.right, cv::BORDER_CONSTANT, pad);
      break;
    }
    case ResizeMode::SquarePad: {
      const int side = std::max(image.cols, image.rows);
      cv::Mat square;
      cv::copyMakeBorder(image, square, 0, side - image.rows, 0, side - image.cols, cv::BORDER_CONSTANT, pad);
      cv::resize(square, sized, cv::Size(o.width, o.height), 0, 0, cv::INTER_LINEAR);
      break;
    }
    case ResizeMode::Stretch:
      cv::resize(image, sized, cv::Size(o.width, o.height), 0, 0, cv::INTER_LINEAR);
      break;
    case ResizeMode::CenterCrop: {
      const int side = std::min(image.cols, image.rows);
      const cv::Mat crop = image(cv::Rect((image.cols - side) / 2, (image.rows - side) / 2, side, side));
      cv::resize(crop, sized, cv::Size(o.width, o.height), 0, 0, cv::INTER_LINEAR);
      break;
    }
  }
  cv::Mat ordered = sized;
  if (o.to_rgb != (format == PixelFormat::RGB)) cv::cvtColor(sized, ordered, cv::COLOR_BGR2RGB);
  cv::Mat values;
  ordered.convertTo(values, CV_32FC3);
  cv::subtract(values, cv::Scalar(o.mean[0], o.mean[1], o.mean[2]), values);
  cv::multiply(values, cv::Scalar(1.0 / o.std[0], 1.0 / o.std[1], 1.0 / o.std[2]), values);
  if (o.layout == TensorLayout::NCHW) {
    const size_t plane = static_cast<size_t>(o.width) * o.height;
    std::vector<cv::Mat> planes;
    for (int c = 0; c < 3; ++c) planes.emplace_back(o.height, o.width, CV_32FC1, out + c * plane);
    cv::split(values, planes);
  } else {
    cv::Mat dst(o.height, o.width, CV_32FC3, out);
    values.copyTo(dst);
  }
}

}  // namespace hone::vision::testing
