// hone::vision: images in, YOLO results out. Decoding and saving images (OpenCV imgcodecs),
// a fused letterbox/resize + normalize + HWC->CHW pass usable by any image model (OpenVINO's
// PrePostProcessor role), the YOLOv8/YOLO11/YOLOv5 post-processing of the four tasks
// (detect, segment, pose, classify), drawing, and predictors that own an engine and a
// context. The only module that uses OpenCV (docs/vision.md).
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "hone/engine.hpp"
#include "hone/status.hpp"

namespace hone::vision {

// ---------------------------------------------------------------------------------------------
// Images

/// Channel order of an interleaved 8-bit, 3-channel image.
enum class PixelFormat { BGR, RGB };

/// A caller's interleaved 8-bit 3-channel image; `stride` is bytes per row (0: width * 3).
struct ImageView {
  const uint8_t* data = nullptr;
  int width = 0, height = 0;
  size_t stride = 0;
  PixelFormat format = PixelFormat::BGR;
  size_t row_bytes() const { return stride ? stride : static_cast<size_t>(width) * 3; }
};

/// An owned interleaved 8-bit 3-channel image (rows packed: stride = width * 3).
struct Image {
  int width = 0, height = 0;
  PixelFormat format = PixelFormat::BGR;
  std::vector<uint8_t> pixels;
  ImageView view() const { return {pixels.data(), width, height, 0, format}; }
  bool empty() const { return width <= 0 || height <= 0; }
};

/// Decodes JPEG/PNG/BMP (anything imgcodecs reads) to BGR. Gray and alpha images become
/// 3-channel BGR. InvalidArgument "not an image (... bytes)" for data imgcodecs cannot decode.
Result<Image> decode_image(std::span<const uint8_t> bytes);
/// Reads and decodes an image file. NotFound for a missing file, IoError when unreadable,
/// InvalidArgument naming the file when it is not a decodable image.
Result<Image> read_image(const std::string& path);
/// Encodes by extension (.jpg/.jpeg, .png, .bmp, in any case) and writes; RGB views are stored
/// with their colors (swapped to BGR for the encoder). InvalidArgument for an unknown extension
/// or an empty/null/too-short-stride view, IoError when the file cannot be written.
Status write_image(const std::string& path, const ImageView& image);

// ---------------------------------------------------------------------------------------------
// Preprocessing

enum class ResizeMode {
  Letterbox,  // keep aspect ratio, scale to fit, pad the borders with pad_value (Ultralytics)
  SquarePad,  // pad the image to a square at its bottom/right, then resize (the C# seed)
  Stretch,    // plain resize to the target size, aspect ratio not kept
  CenterCrop, // crop the largest centered square, then resize (Ultralytics' classify transform)
};

enum class TensorLayout { NCHW, NHWC };

struct PreprocessOptions {
  int width = 640, height = 640;  // the model's input size
  ResizeMode mode = ResizeMode::Letterbox;
  bool center = true;       // Letterbox: pad both sides equally (Ultralytics) or only right/bottom
  bool scale_up = true;     // Letterbox: enlarge images smaller than the target (Ultralytics' scaleup)
  uint8_t pad_value = 114;  // Letterbox / SquarePad border value
  bool to_rgb = true;       // channel order of the tensor (the image's own is ImageView::format)
  // value = (pixel - mean[c]) / std[c], c in the tensor's channel order. The default is the
  // [0,1] scaling YOLO expects; ImageNet: mean {123.675, 116.28, 103.53}, std {58.395, 57.12, 57.375}.
  std::array<float, 3> mean = {0.f, 0.f, 0.f};
  std::array<float, 3> std = {255.f, 255.f, 255.f};
  TensorLayout layout = TensorLayout::NCHW;
};

/// How an original image maps into the model input: input = original * scale + pad (per
/// axis). Letterbox's scales are the effective ones, new_unpad / original per axis (equal to
/// Ultralytics' r up to the rounding of new_unpad to whole pixels), so that to_source()
/// inverts exactly what the pixels went through; SquarePad and Stretch have pad 0.
struct ImageTransform {
  int source_width = 0, source_height = 0;  // the original image
  int input_width = 0, input_height = 0;    // the model input
  float scale_x = 1, scale_y = 1;
  float pad_x = 0, pad_y = 0;
  float to_input_x(float x) const { return x * scale_x + pad_x; }
  float to_input_y(float y) const { return y * scale_y + pad_y; }
  float to_source_x(float x) const { return (x - pad_x) / scale_x; }
  float to_source_y(float y) const { return (y - pad_y) / scale_y; }
};

/// The transform preprocess() applies to an image of `width` x `height` (no pixels touched).
/// InvalidArgument for an empty image or target size, or a side over 32768 pixels.
Result<ImageTransform> plan_transform(int width, int height, const PreprocessOptions& options);

/// Resizes (bilinear, pixel centers aligned as cv::resize INTER_LINEAR), pads, reorders
/// channels, normalizes and lays out `image` into `out` (3 * height * width floats in one
/// pass, no intermediate images; one thread). InvalidArgument for an empty image, a null
/// buffer, a stride under width * 3, `out` too small, a bad target size (as plan_transform),
/// or a zero or non-finite std / non-finite mean.
Result<ImageTransform> preprocess(const ImageView& image, const PreprocessOptions& options, std::span<float> out);

/// preprocess() of each image into consecutive slots of a batch tensor [N, 3, H, W] (or
/// [N, H, W, 3]): image i fills out[i * 3 * H * W, (i + 1) * 3 * H * W). Errors as
/// preprocess(), naming the image's index; InvalidArgument for `out` smaller than N images.
Result<std::vector<ImageTransform>> preprocess_batch(std::span<const ImageView> images, const PreprocessOptions& options,
                                                     std::span<float> out);

// ---------------------------------------------------------------------------------------------
// Results

enum class Task { Auto, Detect, Segment, Pose, Classify };
const char* task_name(Task task);
/// "detect" / "segment" / "pose" / "classify" / "auto"; InvalidArgument otherwise.
Result<Task> parse_task(const std::string& name);

struct Box {
  float x1 = 0, y1 = 0, x2 = 0, y2 = 0;  // pixels of the original image, x2 >= x1, y2 >= y1
  float width() const { return x2 - x1; }
  float height() const { return y2 - y1; }
};

struct Keypoint {
  float x = 0, y = 0;     // pixels of the original image
  float visibility = 1;   // the model's visibility score in [0,1] (1 when the model has none)
};

/// A binary instance mask over a rectangle of the original image (its box, clipped):
/// data[r * width + c] is 1 where pixel (x + c, y + r) belongs to the instance.
struct Mask {
  int x = 0, y = 0, width = 0, height = 0;
  std::vector<uint8_t> data;
  bool empty() const { return data.empty(); }
};

struct Detection {
  Box box;
  int class_id = 0;
  float score = 0;
  std::string label;                 // from the model's names, else the id
  std::vector<Keypoint> keypoints;   // pose only
  Mask mask;                         // segment only
};

struct Classification {
  int class_id = 0;
  float score = 0;  // probability (softmax applied when the model's output is not normalized)
  std::string label;
};

struct Speed {
  double preprocess_ms = 0, inference_ms = 0, postprocess_ms = 0;
};

struct Prediction {
  Task task = Task::Detect;
  int image_width = 0, image_height = 0;
  std::vector<Detection> detections;        // detect / segment / pose, by descending score
  std::vector<Classification> classes;      // classify: the top 5, by descending score
  Speed speed;
};

// ---------------------------------------------------------------------------------------------
// Post-processing options and the model description they run on

struct PostprocessOptions {
  float conf = 0.25f;          // minimum class score (YOLOv5: objectness x class score)
  float iou = 0.7f;            // NMS IoU threshold
  int max_det = 300;           // detections kept after NMS
  bool agnostic = false;       // NMS across classes instead of per class
  float mask_threshold = 0.5f; // segment: sigmoid(mask) above this is foreground
  int top_k = 5;               // classify
};

/// The output layout a model has (from its output shapes, checked against its metadata).
enum class OutputLayout {
  YoloV8,  // [1, 4 + nc (+ 32 | + K*D), N] channels first (YOLOv8, YOLO11)
  YoloV5,  // [1, N, 5 + nc (+ 32)] with objectness (YOLOv5)
  Scores,  // [1, nc] (classify)
};

/// What post-processing needs to know about a model: from its ONNX metadata (Ultralytics'
/// `task`, `names`, `imgsz`, `stride`, `kpt_shape`) when present, else from its shapes.
struct ModelInfo {
  Task task = Task::Detect;
  OutputLayout layout = OutputLayout::YoloV8;
  int input_width = 640, input_height = 640;
  int num_classes = 0;
  std::vector<std::string> names;   // class labels (size num_classes; ids as text when absent)
  int num_keypoints = 0, keypoint_dims = 0;  // pose: kpt_shape, e.g. 17 x 3
  int mask_channels = 0;            // segment: prototype channels (32)
  int stride = 32;
  std::string output_name;          // the predictions output
  std::string proto_name;           // segment: the prototypes output
  std::string input_name;
};

/// Derives the ModelInfo of `engine` for `requested` (Auto: the metadata's task, else the one
/// the shapes imply). InvalidArgument naming the shapes when the outputs match no known layout,
/// or when `requested` contradicts the model (e.g. a classify model given Task::Detect).
Result<ModelInfo> describe_model(const Engine& engine, Task requested = Task::Auto);

/// Turns raw model outputs (in the engine's output order) into a Prediction for an image
/// mapped by `transform`. InvalidArgument when the outputs do not have ModelInfo's shapes.
Result<Prediction> postprocess(const ModelInfo& model, const std::vector<Datum>& outputs,
                               const ImageTransform& transform, const PostprocessOptions& options);

/// The mask as COCO's uncompressed RLE over the whole `image_width` x `image_height` image:
/// run lengths in column-major order, starting with a (possibly empty) run of zeros, as
/// pycocotools' `frPyObjects({"size": [h, w], "counts": [...]})` reads them.
std::vector<uint32_t> mask_to_rle(const Mask& mask, int image_width, int image_height);

// ---------------------------------------------------------------------------------------------
// Drawing

struct DrawOptions {
  bool boxes = true, labels = true, masks = true, keypoints = true;
  float mask_alpha = 0.5f;
  int line_width = 0;  // 0: from the image size, as Ultralytics
};
/// Draws the prediction onto `image` (BGR or RGB; colors follow its format): boxes with
/// "label score", translucent masks, pose skeletons (COCO 17-point when the model has 17
/// keypoints), or the top classes as text.
void draw(Image& image, const Prediction& prediction, const DrawOptions& options = {});

// ---------------------------------------------------------------------------------------------
// Video (OpenCV videoio: whatever its backends read on this machine)

/// Reads the frames of a video file in order.
class VideoReader {
 public:
  /// NotFound for a missing file, InvalidArgument when no videoio backend can read it.
  static Result<std::unique_ptr<VideoReader>> open(const std::string& path);
  ~VideoReader();
  /// The next frame (BGR) into `frame`; false at the end of the video.
  Result<bool> next(Image& frame);
  double fps() const;        // 0 when the container does not say
  int64_t frame_count() const;  // -1 when unknown

 private:
  struct Impl;
  explicit VideoReader(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

/// Writes frames to a video file (Motion-JPEG in an .avi container, which every OpenCV build
/// can write).
class VideoWriter {
 public:
  /// IoError when the file cannot be created; InvalidArgument for a size <= 0.
  static Result<std::unique_ptr<VideoWriter>> open(const std::string& path, int width, int height, double fps);
  ~VideoWriter();
  /// InvalidArgument for a frame of another size.
  Status write(const ImageView& frame);

 private:
  struct Impl;
  explicit VideoWriter(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// ---------------------------------------------------------------------------------------------
// Predictors: an engine + context + pre/post-processing

struct PredictorOptions {
  Task task = Task::Auto;   // Auto: from the model
  int imgsz = 0;            // input size for models with dynamic height/width; 0 = metadata's, else 640
  int threads = 0;          // 0: the engine's default
  std::string timing_cache; // used when building from an ONNX model
  /// Build progress (stage, fraction done) when building from an ONNX model; may be empty.
  std::function<void(std::string_view stage, double fraction)> progress;
  PostprocessOptions post;
};

/// Runs one YOLO model on images (opening runs the model once, as a warm-up). Not
/// thread-safe: use one predictor per thread; predictors made with from_engine() over one
/// engine share its weights.
class Predictor {
 public:
  /// Opens an ONNX model (built for this machine) or an engine file.
  static Result<std::unique_ptr<Predictor>> open(const std::string& path, const PredictorOptions& options = {});
  /// Wraps an engine already built or loaded.
  static Result<std::unique_ptr<Predictor>> from_engine(std::shared_ptr<const Engine> engine,
                                                        const PredictorOptions& options = {});
  ~Predictor();

  Result<Prediction> predict(const ImageView& image);
  Result<Prediction> predict_file(const std::string& path);
  Result<Prediction> predict_encoded(std::span<const uint8_t> bytes);

  const ModelInfo& model() const;
  const std::shared_ptr<const Engine>& engine() const;
  PostprocessOptions& postprocess_options();

 private:
  struct Impl;
  explicit Predictor(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

/// Task-typed predictors: open() fails with InvalidArgument when the model is of another task.
template <Task T>
class TaskPredictor {
 public:
  static Result<TaskPredictor> open(const std::string& path, PredictorOptions options = {}) {
    options.task = T;
    HONE_ASSIGN_OR_RETURN(auto p, Predictor::open(path, options));
    return TaskPredictor(std::move(p));
  }
  Result<Prediction> predict(const ImageView& image) { return p_->predict(image); }
  Result<Prediction> predict_file(const std::string& path) { return p_->predict_file(path); }
  Result<Prediction> predict_encoded(std::span<const uint8_t> bytes) { return p_->predict_encoded(bytes); }
  Predictor& predictor() { return *p_; }

 private:
  explicit TaskPredictor(std::unique_ptr<Predictor> p) : p_(std::move(p)) {}
  std::unique_ptr<Predictor> p_;
};

using Detector = TaskPredictor<Task::Detect>;
using Segmenter = TaskPredictor<Task::Segment>;
using PoseEstimator = TaskPredictor<Task::Pose>;
using Classifier = TaskPredictor<Task::Classify>;

}  // namespace hone::vision
