// Image decoding and encoding (include/hone/vision.hpp) over OpenCV's imgcodecs. Every OpenCV
// call is wrapped: cv::Exception never leaves the library, failures become Status codes.
#include "vision/image.hpp"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <limits>
#include <string>
#include <vector>

#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

namespace hone::vision {
namespace fs = std::filesystem;

namespace {

Status not_an_image(size_t bytes) { return invalid_argument("not an image (" + std::to_string(bytes) + " bytes)"); }

// The file's extension in lower case, with its dot (".jpg"); empty when it has none.
std::string lower_extension(const std::string& path) {
  std::string ext = fs::path(path).extension().string();
  for (char& c : ext) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return ext;
}

}  // namespace

Status check_image_view(const ImageView& image, const char* what) {
  if (image.width <= 0 || image.height <= 0) {
    return invalid_argument(std::string(what) + " is empty (" + std::to_string(image.width) + "x" +
                            std::to_string(image.height) + ")");
  }
  if (image.data == nullptr) return invalid_argument(std::string(what) + " has a null data pointer");
  const size_t packed = static_cast<size_t>(image.width) * 3;
  if (image.row_bytes() < packed) {
    return invalid_argument(std::string(what) + " has a stride of " + std::to_string(image.row_bytes()) +
                            " bytes, less than width * 3 = " + std::to_string(packed));
  }
  return Status::ok();
}

Result<Image> decode_image(std::span<const uint8_t> bytes) {
  if (bytes.empty()) return not_an_image(0);
  if (bytes.size() > static_cast<size_t>(std::numeric_limits<int>::max())) return not_an_image(bytes.size());
  cv::Mat decoded;
  try {
    // imdecode only reads the buffer; the const_cast is for cv::Mat's constructor.
    const cv::Mat buffer(1, static_cast<int>(bytes.size()), CV_8UC1, const_cast<uint8_t*>(bytes.data()));
    // IMREAD_COLOR: gray, 16-bit and alpha images all become 8-bit BGR (as cv2.imread does).
    decoded = cv::imdecode(buffer, cv::IMREAD_COLOR);
  } catch (const cv::Exception&) {
    return not_an_image(bytes.size());
  }
  if (decoded.empty() || decoded.type() != CV_8UC3) return not_an_image(bytes.size());
  Image image;
  image.width = decoded.cols;
  image.height = decoded.rows;
  image.format = PixelFormat::BGR;
  const size_t row = static_cast<size_t>(decoded.cols) * 3;
  image.pixels.resize(row * static_cast<size_t>(decoded.rows));
  for (int y = 0; y < decoded.rows; ++y) std::copy_n(decoded.ptr<uint8_t>(y), row, image.pixels.data() + row * y);
  return image;
}

Result<Image> read_image(const std::string& path) {
  std::error_code ec;
  if (!fs::exists(path, ec)) return not_found("no such file: '" + path + "'");
  if (fs::is_directory(path, ec)) return io_error("'" + path + "' is a directory, not an image file");
  std::ifstream in(path, std::ios::binary);
  if (!in) return io_error("cannot open '" + path + "'");
  const std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (in.bad()) return io_error("cannot read '" + path + "'");
  auto image = decode_image(bytes);
  if (!image.is_ok()) return Status(image.status().code(), "'" + path + "': " + image.status().message());
  return image;
}

Status write_image(const std::string& path, const ImageView& image) {
  HONE_RETURN_IF_ERROR(check_image_view(image, "the image to write"));
  std::string ext = lower_extension(path);
  if (ext != ".jpg" && ext != ".jpeg" && ext != ".png" && ext != ".bmp") {
    return invalid_argument("cannot write '" + path + "': unknown image extension '" + ext +
                            "' (expected .jpg, .jpeg, .png or .bmp)");
  }
  std::vector<uint8_t> encoded;
  try {
    // A header over the caller's pixels; imencode and cvtColor only read them.
    const cv::Mat view(image.height, image.width, CV_8UC3, const_cast<uint8_t*>(image.data), image.row_bytes());
    cv::Mat bgr = view;
    if (image.format == PixelFormat::RGB) cv::cvtColor(view, bgr, cv::COLOR_RGB2BGR);
    if (!cv::imencode(ext, bgr, encoded)) return internal_error("OpenCV could not encode '" + path + "'");
  } catch (const cv::Exception& e) {
    return internal_error("OpenCV could not encode '" + path + "': " + e.err);
  }
  // Encoded in memory and written here, so that a file that cannot be written is told apart
  // from an image that cannot be encoded.
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out) return io_error("cannot open '" + path + "' for writing");
  out.write(reinterpret_cast<const char*>(encoded.data()), static_cast<std::streamsize>(encoded.size()));
  out.close();
  if (!out) return io_error("cannot write '" + path + "'");
  return Status::ok();
}

}  // namespace hone::vision
