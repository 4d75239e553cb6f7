// Video frames in and out through OpenCV videoio, for `hone predict` on video sources.
// Frames are copied into hone::vision::Image (BGR) so callers never see cv::Mat.
#include <cstdlib>
#include <cstring>
#include <filesystem>

#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>
#include <opencv2/videoio.hpp>

#include "hone/vision.hpp"

namespace hone::vision {

struct VideoReader::Impl {
  cv::VideoCapture capture;
  cv::Mat frame;
};

VideoReader::VideoReader(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
VideoReader::~VideoReader() = default;

Result<std::unique_ptr<VideoReader>> VideoReader::open(const std::string& path) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) return not_found("no such video file: " + path);
  try {
    // FFmpeg reads nearly everything; OpenCV's own Motion-JPEG reader is the fallback. Other
    // backends (GStreamer) are not tried: they print warnings of their own on failure, and a
    // CLI error must stay one line. FFmpeg's log is quiet unless the user asked otherwise.
    setenv("OPENCV_FFMPEG_LOGLEVEL", "-8", 0);
    auto impl = std::make_unique<Impl>();
    const bool opened = impl->capture.open(path, cv::CAP_FFMPEG) || impl->capture.open(path, cv::CAP_OPENCV_MJPEG);
    if (!opened || !impl->capture.isOpened()) return invalid_argument("not a video OpenCV can read: " + path);
    return std::unique_ptr<VideoReader>(new VideoReader(std::move(impl)));
  } catch (const cv::Exception& e) {
    return invalid_argument("not a video OpenCV can read: " + path + " (" + e.what() + ")");
  }
}

Result<bool> VideoReader::next(Image& frame) {
  try {
    if (!impl_->capture.read(impl_->frame) || impl_->frame.empty()) return false;
  } catch (const cv::Exception& e) {
    return io_error(std::string("reading a video frame failed: ") + e.what());
  }
  const cv::Mat& m = impl_->frame;
  if (m.type() != CV_8UC3) return invalid_argument("video frames are not 8-bit 3-channel images");
  frame.width = m.cols;
  frame.height = m.rows;
  frame.format = PixelFormat::BGR;
  const size_t row = static_cast<size_t>(m.cols) * 3;
  frame.pixels.resize(row * static_cast<size_t>(m.rows));
  for (int r = 0; r < m.rows; ++r) std::memcpy(frame.pixels.data() + row * static_cast<size_t>(r), m.ptr(r), row);
  return true;
}

double VideoReader::fps() const { return impl_->capture.get(cv::CAP_PROP_FPS); }

int64_t VideoReader::frame_count() const {
  const double n = impl_->capture.get(cv::CAP_PROP_FRAME_COUNT);
  return n > 0 ? static_cast<int64_t>(n) : -1;
}

struct VideoWriter::Impl {
  cv::VideoWriter writer;
  int width = 0, height = 0;
};

VideoWriter::VideoWriter(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
VideoWriter::~VideoWriter() = default;

Result<std::unique_ptr<VideoWriter>> VideoWriter::open(const std::string& path, int width, int height, double fps) {
  if (width <= 0 || height <= 0) return invalid_argument("video size must be positive");
  try {
    auto impl = std::make_unique<Impl>();
    impl->width = width;
    impl->height = height;
    const int fourcc = cv::VideoWriter::fourcc('M', 'J', 'P', 'G');
    // OpenCV's own Motion-JPEG AVI writer: in every build, and silent when it fails.
    if (!impl->writer.open(path, cv::CAP_OPENCV_MJPEG, fourcc, fps > 0 ? fps : 30.0, cv::Size(width, height)) ||
        !impl->writer.isOpened()) {
      return io_error("cannot create video file " + path);
    }
    return std::unique_ptr<VideoWriter>(new VideoWriter(std::move(impl)));
  } catch (const cv::Exception& e) {
    return io_error("cannot create video file " + path + " (" + e.what() + ")");
  }
}

Status VideoWriter::write(const ImageView& frame) {
  if (frame.width != impl_->width || frame.height != impl_->height || !frame.data) {
    return invalid_argument("video frame is " + std::to_string(frame.width) + "x" + std::to_string(frame.height) +
                            ", the video is " + std::to_string(impl_->width) + "x" + std::to_string(impl_->height));
  }
  try {
    cv::Mat m(frame.height, frame.width, CV_8UC3, const_cast<uint8_t*>(frame.data), frame.row_bytes());
    if (frame.format == PixelFormat::RGB) {
      cv::Mat bgr;
      cv::cvtColor(m, bgr, cv::COLOR_RGB2BGR);
      impl_->writer.write(bgr);
    } else {
      impl_->writer.write(m);
    }
  } catch (const cv::Exception& e) {
    return io_error(std::string("writing a video frame failed: ") + e.what());
  }
  return Status::ok();
}

}  // namespace hone::vision
