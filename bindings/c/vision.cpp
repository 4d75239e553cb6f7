// The C API's vision calls (hone_c.h, "Vision"): images decoded and preprocessed into a
// context's input, image files read and written, and hone_predictor_t / hone_prediction_t
// over hone::vision::Predictor and Prediction (include/hone/vision.hpp).
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <span>

#include "bindings/c/handles.hpp"

using namespace hone;
using namespace hone::capi;

// hone_task is vision::Task, value for value.
static_assert(HONE_TASK_AUTO == static_cast<int>(vision::Task::Auto));
static_assert(HONE_TASK_DETECT == static_cast<int>(vision::Task::Detect));
static_assert(HONE_TASK_SEGMENT == static_cast<int>(vision::Task::Segment));
static_assert(HONE_TASK_POSE == static_cast<int>(vision::Task::Pose));
static_assert(HONE_TASK_CLASSIFY == static_cast<int>(vision::Task::Classify));

namespace {

[[noreturn]] void bad(std::string message) { fail(HONE_STATUS_INVALID_ARGUMENT, std::move(message)); }

vision::PixelFormat to_format(hone_pixel_format format) {
  switch (format) {
    case HONE_PIXEL_FORMAT_BGR: return vision::PixelFormat::BGR;
    case HONE_PIXEL_FORMAT_RGB: return vision::PixelFormat::RGB;
  }
  bad("argument 'format' is not a hone_pixel_format (" + std::to_string(static_cast<int>(format)) + ")");
}

// A caller's pixel buffer as an ImageView, after the checks the header promises: sizes,
// stride, the readable (or writable) bytes, the format.
vision::ImageView to_view(const uint8_t* pixels, size_t byte_size, int width, int height, size_t stride,
                          hone_pixel_format format) {
  require(pixels, "pixels");
  if (width < 1 || height < 1) {
    bad("the image is " + std::to_string(width) + "x" + std::to_string(height) + "; width and height must be >= 1");
  }
  const size_t packed = static_cast<size_t>(width) * 3;
  const size_t row = stride ? stride : packed;
  if (row < packed) {
    bad("'stride' is " + std::to_string(stride) + " bytes, less than width * 3 = " + std::to_string(packed));
  }
  size_t needed = 0;
  if (__builtin_mul_overflow(row, static_cast<size_t>(height - 1), &needed) ||
      __builtin_add_overflow(needed, packed, &needed)) {
    bad("the image is larger than memory can hold");
  }
  if (byte_size < needed) {
    bad("'byte_size' is " + std::to_string(byte_size) + " but a " + std::to_string(width) + "x" +
        std::to_string(height) + " image with a stride of " + std::to_string(row) + " bytes takes " +
        std::to_string(needed));
  }
  return vision::ImageView{pixels, width, height, row, to_format(format)};
}

std::span<const uint8_t> to_bytes(const void* data, size_t size) {
  require(data, "data");
  if (size == 0) bad("argument 'size' is 0");
  return {static_cast<const uint8_t*>(data), size};
}

hone_preprocess_options default_preprocess_options() {
  hone_preprocess_options o{};
  o.mode = HONE_PREPROCESS_MODE_LETTERBOX;
  o.normalization = HONE_NORMALIZATION_UNIT_SCALE;
  const float mean[3] = {123.675f, 116.28f, 103.53f};  // ImageNet's, for MEAN_STD
  const float std_dev[3] = {58.395f, 57.12f, 57.375f};
  for (int c = 0; c < 3; ++c) {
    o.mean[c] = mean[c];
    o.std[c] = std_dev[c];
  }
  o.to_rgb = 1;
  o.layout = HONE_TENSOR_LAYOUT_NCHW;
  o.pad_value = 114;
  o.center = 1;
  o.scale_up = 1;
  return o;
}

hone_predictor_options default_predictor_options() {
  const vision::PredictorOptions defaults;
  hone_predictor_options o{};
  o.task = HONE_TASK_AUTO;
  o.conf = defaults.post.conf;
  o.iou = defaults.post.iou;
  o.max_det = defaults.post.max_det;
  o.agnostic = defaults.post.agnostic ? 1 : 0;
  o.top_k = defaults.post.top_k;
  o.imgsz = defaults.imgsz;
  o.threads = defaults.threads;
  return o;
}

vision::PreprocessOptions to_preprocess_options(const hone_preprocess_options* options) {
  const hone_preprocess_options o = options ? *options : default_preprocess_options();
  vision::PreprocessOptions p;
  switch (o.mode) {
    case HONE_PREPROCESS_MODE_LETTERBOX: p.mode = vision::ResizeMode::Letterbox; break;
    case HONE_PREPROCESS_MODE_SQUARE_PAD: p.mode = vision::ResizeMode::SquarePad; break;
    case HONE_PREPROCESS_MODE_STRETCH: p.mode = vision::ResizeMode::Stretch; break;
    case HONE_PREPROCESS_MODE_CENTER_CROP: p.mode = vision::ResizeMode::CenterCrop; break;
    default: bad("options->mode is not a hone_preprocess_mode (" + std::to_string(static_cast<int>(o.mode)) + ")");
  }
  // Each normalization is PreprocessOptions' (pixel - mean) / std with its own constants.
  switch (o.normalization) {
    case HONE_NORMALIZATION_UNIT_SCALE:
      p.mean = {0.f, 0.f, 0.f};
      p.std = {255.f, 255.f, 255.f};
      break;
    case HONE_NORMALIZATION_MEAN_STD:
      for (int c = 0; c < 3; ++c) {
        if (!std::isfinite(o.mean[c]) || !std::isfinite(o.std[c]) || o.std[c] == 0.f) {
          bad("options->mean / std [" + std::to_string(c) + "] must be finite and std non-zero (mean " +
              std::to_string(o.mean[c]) + ", std " + std::to_string(o.std[c]) + ")");
        }
        p.mean[static_cast<size_t>(c)] = o.mean[c];
        p.std[static_cast<size_t>(c)] = o.std[c];
      }
      break;
    case HONE_NORMALIZATION_NONE:
      p.mean = {0.f, 0.f, 0.f};
      p.std = {1.f, 1.f, 1.f};
      break;
    default:
      bad("options->normalization is not a hone_normalization (" + std::to_string(static_cast<int>(o.normalization)) +
          ")");
  }
  switch (o.layout) {
    case HONE_TENSOR_LAYOUT_NCHW: p.layout = vision::TensorLayout::NCHW; break;
    case HONE_TENSOR_LAYOUT_NHWC: p.layout = vision::TensorLayout::NHWC; break;
    default: bad("options->layout is not a hone_tensor_layout (" + std::to_string(static_cast<int>(o.layout)) + ")");
  }
  if (o.pad_value < 0 || o.pad_value > 255) bad("options->pad_value " + std::to_string(o.pad_value) + " is not 0..255");
  if (o.width < 0 || o.height < 0) {
    bad("options->width / height (" + std::to_string(o.width) + ", " + std::to_string(o.height) + ") are negative");
  }
  p.pad_value = static_cast<uint8_t>(o.pad_value);
  p.to_rgb = o.to_rgb != 0;
  p.center = o.center != 0;
  p.scale_up = o.scale_up != 0;
  p.width = o.width;    // resolved against the input's shape by image_input_shape
  p.height = o.height;
  return p;
}

// The input's dim `index` for an image axis: the static dim, or the option where dynamic.
int64_t resolve_dim(const TensorDesc& d, size_t index, int option, const char* axis) {
  const int64_t dim = d.shape[index];
  if (dim >= 0) {
    if (option > 0 && option != dim) {
      bad(std::string("options->") + axis + " is " + std::to_string(option) + " but input '" + d.name + "' " +
          shape_to_string(d.shape) + " has " + axis + " " + std::to_string(dim));
    }
    if (dim == 0) bad("input '" + d.name + "' " + shape_to_string(d.shape) + " has " + axis + " 0");
    return dim;
  }
  if (option <= 0) {
    bad("input '" + d.name + "' " + shape_to_string(d.shape) + " has a dynamic " + axis + "; set options->" + axis);
  }
  return option;
}

// The shape an image tensor for input `d` takes ([1,3,H,W] or [1,H,W,3]); fills in the
// target size of `p`.
Shape image_input_shape(const TensorDesc& d, vision::PreprocessOptions& p) {
  if (d.dtype != DataType::Float) {
    bad("input '" + d.name + "' has element type " + std::string(dtype_name(d.dtype)) +
        "; an image goes into a float32 input");
  }
  const bool nchw = p.layout == vision::TensorLayout::NCHW;
  const char* expected = nchw ? "[1,3,H,W] (NCHW)" : "[1,H,W,3] (NHWC)";
  if (!d.has_shape || d.shape.size() != 4) {
    bad("input '" + d.name + "' has shape " + (d.has_shape ? shape_to_string(d.shape) : std::string("(unknown)")) +
        "; an image input is " + expected);
  }
  const size_t channel_axis = nchw ? 1 : 3;
  if ((d.shape[0] != 1 && d.shape[0] != -1) || (d.shape[channel_axis] != 3 && d.shape[channel_axis] != -1)) {
    bad("input '" + d.name + "' has shape " + shape_to_string(d.shape) + "; an image input is " + expected);
  }
  const int64_t height = resolve_dim(d, nchw ? 2 : 1, p.height, "height");
  const int64_t width = resolve_dim(d, nchw ? 3 : 2, p.width, "width");
  p.height = static_cast<int>(height);
  p.width = static_cast<int>(width);
  return nchw ? Shape{1, 3, height, width} : Shape{1, height, width, 3};
}

// Preprocesses `image` into a new float tensor and binds it to input `name` of `c`.
void set_image_input(hone_context* c, const char* name, const vision::Image& image,
                     const hone_preprocess_options* options, hone_image_transform* transform) {
  const Engine& engine = c->context->engine();
  bool is_input = false;
  const TensorDesc& d = find_desc(engine.inputs(), engine.outputs(), name, &is_input);
  if (!is_input) fail(HONE_STATUS_NOT_FOUND, "'" + d.name + "' is an output, not an input");
  vision::PreprocessOptions p = to_preprocess_options(options);
  const Shape shape = image_input_shape(d, p);
  Tensor tensor = unwrap(Tensor::create(DataType::Float, shape));
  const vision::ImageTransform t = unwrap(vision::preprocess(
      image.view(), p, std::span<float>(tensor.data<float>(), static_cast<size_t>(tensor.numel()))));
  check(c->context->bind(d.name, std::move(tensor)));
  if (transform) {
    *transform = hone_image_transform{t.source_width, t.source_height, t.input_width, t.input_height,
                                      t.scale_x,      t.scale_y,       t.pad_x,       t.pad_y};
  }
}

// Hands an image's pixels to the caller in library-allocated memory (hone_free).
void give_pixels(const vision::Image& image, uint8_t** pixels, int* width, int* height) {
  void* p = std::malloc(image.pixels.empty() ? 1 : image.pixels.size());
  if (!p) fail(HONE_STATUS_INTERNAL, "out of memory");
  std::memcpy(p, image.pixels.data(), image.pixels.size());
  *pixels = static_cast<uint8_t*>(p);
  *width = image.width;
  *height = image.height;
}

vision::PredictorOptions to_predictor_options(const hone_predictor_options* options) {
  const hone_predictor_options o = options ? *options : default_predictor_options();
  const int task = static_cast<int>(o.task);
  if (task < HONE_TASK_AUTO || task > HONE_TASK_CLASSIFY) {
    bad("options->task is not a hone_task (" + std::to_string(task) + ")");
  }
  // NOTE: written as !(x >= lo && x <= hi) so that NaN fails too.
  if (!(o.conf >= 0.f && o.conf <= 1.f)) bad("options->conf " + std::to_string(o.conf) + " is not in 0..1");
  if (!(o.iou >= 0.f && o.iou <= 1.f)) bad("options->iou " + std::to_string(o.iou) + " is not in 0..1");
  if (o.max_det < 1) bad("options->max_det " + std::to_string(o.max_det) + " is below 1");
  if (o.top_k < 1) bad("options->top_k " + std::to_string(o.top_k) + " is below 1");
  if (o.imgsz < 0) bad("options->imgsz " + std::to_string(o.imgsz) + " is negative");
  if (o.threads < 0) bad("options->threads " + std::to_string(o.threads) + " is negative");
  vision::PredictorOptions p;
  p.task = static_cast<vision::Task>(task);
  p.imgsz = o.imgsz;
  p.threads = o.threads;
  p.post.conf = o.conf;
  p.post.iou = o.iou;
  p.post.max_det = o.max_det;
  p.post.agnostic = o.agnostic != 0;
  p.post.top_k = o.top_k;
  return p;
}

void publish_prediction(Result<vision::Prediction> result, hone_prediction_t** out) {
  auto r = std::make_unique<hone_prediction>();
  r->prediction = unwrap(std::move(result));
  publish(std::move(r), out);
}

const vision::Detection& detection_at(const hone_prediction& r, size_t index) {
  const auto& d = r.prediction.detections;
  if (index >= d.size()) {
    fail(HONE_STATUS_OUT_OF_RANGE,
         "detection index " + std::to_string(index) + " is not below the count " + std::to_string(d.size()));
  }
  return d[index];
}

void require_task(const hone_prediction& r, vision::Task task, const char* what) {
  if (r.prediction.task != task) {
    bad(std::string("a ") + vision::task_name(r.prediction.task) + " prediction has no " + what + " (only " +
        vision::task_name(task) + " models give them)");
  }
}

}  // namespace

extern "C" {

HONE_C_EXPORT hone_status hone_preprocess_options_init(hone_preprocess_options* options) {
  return guard(__func__, [&] { *require(options, "options") = default_preprocess_options(); });
}

HONE_C_EXPORT hone_status hone_context_set_input_image(hone_context_t* context, const char* name, const void* data,
                                                       size_t size, const hone_preprocess_options* options,
                                                       hone_image_transform* transform) {
  return guard(__func__, [&] {
    hone_context* c = idle_context(context);
    require(name, "name");
    const vision::Image image = unwrap(vision::decode_image(to_bytes(data, size)));
    set_image_input(c, name, image, options, transform);
  });
}

HONE_C_EXPORT hone_status hone_context_set_input_image_file(hone_context_t* context, const char* name,
                                                            const char* path, const hone_preprocess_options* options,
                                                            hone_image_transform* transform) {
  return guard(__func__, [&] {
    hone_context* c = idle_context(context);
    require(name, "name");
    const vision::Image image = unwrap(vision::read_image(require(path, "path")));
    set_image_input(c, name, image, options, transform);
  });
}

HONE_C_EXPORT hone_status hone_image_decode(const void* data, size_t size, uint8_t** pixels, int* width, int* height) {
  return guard(__func__, [&] {
    require(pixels, "pixels");
    require(width, "width");
    require(height, "height");
    give_pixels(unwrap(vision::decode_image(to_bytes(data, size))), pixels, width, height);
  });
}

HONE_C_EXPORT hone_status hone_image_read(const char* path, uint8_t** pixels, int* width, int* height) {
  return guard(__func__, [&] {
    require(path, "path");
    require(pixels, "pixels");
    require(width, "width");
    require(height, "height");
    give_pixels(unwrap(vision::read_image(path)), pixels, width, height);
  });
}

HONE_C_EXPORT hone_status hone_image_write(const char* path, const uint8_t* pixels, size_t byte_size, int width,
                                           int height, size_t stride, hone_pixel_format format) {
  return guard(__func__, [&] {
    require(path, "path");
    check(vision::write_image(path, to_view(pixels, byte_size, width, height, stride, format)));
  });
}

HONE_C_EXPORT hone_status hone_predictor_options_init(hone_predictor_options* options) {
  return guard(__func__, [&] { *require(options, "options") = default_predictor_options(); });
}

HONE_C_EXPORT hone_status hone_predictor_create(const char* path, const hone_predictor_options* options,
                                                hone_predictor_t** out) {
  return guard(__func__, [&] {
    require(path, "path");
    require(out, "out");
    const vision::PredictorOptions o = to_predictor_options(options);
    auto p = std::make_unique<hone_predictor>();
    p->predictor = unwrap(vision::Predictor::open(path, o));
    publish(std::move(p), out);
  });
}

HONE_C_EXPORT hone_status hone_predictor_create_from_engine(const hone_engine_t* engine,
                                                            const hone_predictor_options* options,
                                                            hone_predictor_t** out) {
  return guard(__func__, [&] {
    const hone_engine* e = live(engine, "engine");
    require(out, "out");
    const vision::PredictorOptions o = to_predictor_options(options);
    auto p = std::make_unique<hone_predictor>();
    p->predictor = unwrap(vision::Predictor::from_engine(e->engine, o));
    publish(std::move(p), out);
  });
}

HONE_C_EXPORT hone_status hone_predictor_destroy(hone_predictor_t* predictor) {
  return guard(__func__, [&] { destroy(predictor, "predictor"); });
}

HONE_C_EXPORT hone_status hone_predictor_get_task(const hone_predictor_t* predictor, hone_task* task) {
  return guard(__func__, [&] {
    const hone_predictor* p = live(predictor, "predictor");
    *require(task, "task") = static_cast<hone_task>(p->predictor->model().task);
  });
}

HONE_C_EXPORT hone_status hone_predictor_get_input_size(const hone_predictor_t* predictor, int* width, int* height) {
  return guard(__func__, [&] {
    const hone_predictor* p = live(predictor, "predictor");
    require(width, "width");
    require(height, "height");
    *width = p->predictor->model().input_width;
    *height = p->predictor->model().input_height;
  });
}

HONE_C_EXPORT hone_status hone_predictor_get_num_classes(const hone_predictor_t* predictor, int* count) {
  return guard(__func__, [&] {
    const hone_predictor* p = live(predictor, "predictor");
    *require(count, "count") = p->predictor->model().num_classes;
  });
}

HONE_C_EXPORT hone_status hone_predictor_get_class_name(const hone_predictor_t* predictor, int class_id,
                                                        const char** name) {
  return guard(__func__, [&] {
    const hone_predictor* p = live(predictor, "predictor");
    require(name, "name");
    const std::vector<std::string>& names = p->predictor->model().names;
    if (class_id < 0 || static_cast<size_t>(class_id) >= names.size()) {
      fail(HONE_STATUS_OUT_OF_RANGE,
           "class id " + std::to_string(class_id) + " is not in 0.." + std::to_string(names.size()) + "-1");
    }
    *name = names[static_cast<size_t>(class_id)].c_str();
  });
}

HONE_C_EXPORT hone_status hone_predictor_predict_file(hone_predictor_t* predictor, const char* path,
                                                      hone_prediction_t** out) {
  return guard(__func__, [&] {
    hone_predictor* p = live(predictor, "predictor");
    require(path, "path");
    require(out, "out");
    publish_prediction(p->predictor->predict_file(path), out);
  });
}

HONE_C_EXPORT hone_status hone_predictor_predict_image(hone_predictor_t* predictor, const void* data, size_t size,
                                                       hone_prediction_t** out) {
  return guard(__func__, [&] {
    hone_predictor* p = live(predictor, "predictor");
    require(out, "out");
    publish_prediction(p->predictor->predict_encoded(to_bytes(data, size)), out);
  });
}

HONE_C_EXPORT hone_status hone_predictor_predict_pixels(hone_predictor_t* predictor, const uint8_t* pixels,
                                                        size_t byte_size, int width, int height, size_t stride,
                                                        hone_pixel_format format, hone_prediction_t** out) {
  return guard(__func__, [&] {
    hone_predictor* p = live(predictor, "predictor");
    require(out, "out");
    publish_prediction(p->predictor->predict(to_view(pixels, byte_size, width, height, stride, format)), out);
  });
}

HONE_C_EXPORT hone_status hone_prediction_destroy(hone_prediction_t* prediction) {
  return guard(__func__, [&] { destroy(prediction, "prediction"); });
}

HONE_C_EXPORT hone_status hone_prediction_get_task(const hone_prediction_t* prediction, hone_task* task) {
  return guard(__func__, [&] {
    const hone_prediction* r = live(prediction, "prediction");
    *require(task, "task") = static_cast<hone_task>(r->prediction.task);
  });
}

HONE_C_EXPORT hone_status hone_prediction_get_image_size(const hone_prediction_t* prediction, int* width,
                                                         int* height) {
  return guard(__func__, [&] {
    const hone_prediction* r = live(prediction, "prediction");
    require(width, "width");
    require(height, "height");
    *width = r->prediction.image_width;
    *height = r->prediction.image_height;
  });
}

HONE_C_EXPORT hone_status hone_prediction_get_speed(const hone_prediction_t* prediction, hone_speed* speed) {
  return guard(__func__, [&] {
    const hone_prediction* r = live(prediction, "prediction");
    const vision::Speed& s = r->prediction.speed;
    *require(speed, "speed") = hone_speed{s.preprocess_ms, s.inference_ms, s.postprocess_ms};
  });
}

HONE_C_EXPORT hone_status hone_prediction_get_num_detections(const hone_prediction_t* prediction, size_t* count) {
  return guard(__func__, [&] {
    const hone_prediction* r = live(prediction, "prediction");
    *require(count, "count") = r->prediction.detections.size();
  });
}

HONE_C_EXPORT hone_status hone_prediction_get_detection(const hone_prediction_t* prediction, size_t index,
                                                        hone_detection* detection) {
  return guard(__func__, [&] {
    const hone_prediction* r = live(prediction, "prediction");
    require(detection, "detection");
    const vision::Detection& d = detection_at(*r, index);
    hone_detection out{};
    out.box = hone_box{d.box.x1, d.box.y1, d.box.x2, d.box.y2};
    out.class_id = d.class_id;
    out.score = d.score;
    out.label = d.label.c_str();
    out.num_keypoints = static_cast<int>(d.keypoints.size());
    out.has_mask = d.mask.empty() ? 0 : 1;
    *detection = out;
  });
}

HONE_C_EXPORT hone_status hone_prediction_get_keypoints(const hone_prediction_t* prediction, size_t index,
                                                        hone_keypoint* keypoints, size_t capacity, size_t* count) {
  return guard(__func__, [&] {
    const hone_prediction* r = live(prediction, "prediction");
    require(count, "count");
    if (capacity > 0) require(keypoints, "keypoints");
    require_task(*r, vision::Task::Pose, "keypoints");
    const std::vector<vision::Keypoint>& k = detection_at(*r, index).keypoints;
    *count = k.size();
    if (!keypoints) return;  // the count only
    if (capacity < k.size()) {
      bad("'capacity' " + std::to_string(capacity) + " is below the keypoint count " + std::to_string(k.size()) +
          " (the count was written)");
    }
    for (size_t i = 0; i < k.size(); ++i) keypoints[i] = hone_keypoint{k[i].x, k[i].y, k[i].visibility};
  });
}

HONE_C_EXPORT hone_status hone_prediction_get_mask(const hone_prediction_t* prediction, size_t index, hone_mask* mask) {
  return guard(__func__, [&] {
    const hone_prediction* r = live(prediction, "prediction");
    require(mask, "mask");
    require_task(*r, vision::Task::Segment, "masks");
    const vision::Mask& m = detection_at(*r, index).mask;
    *mask = m.empty() ? hone_mask{0, 0, 0, 0, nullptr} : hone_mask{m.x, m.y, m.width, m.height, m.data.data()};
  });
}

HONE_C_EXPORT hone_status hone_prediction_get_num_classifications(const hone_prediction_t* prediction,
                                                                  size_t* count) {
  return guard(__func__, [&] {
    const hone_prediction* r = live(prediction, "prediction");
    *require(count, "count") = r->prediction.classes.size();
  });
}

HONE_C_EXPORT hone_status hone_prediction_get_classification(const hone_prediction_t* prediction, size_t index,
                                                             hone_classification* classification) {
  return guard(__func__, [&] {
    const hone_prediction* r = live(prediction, "prediction");
    require(classification, "classification");
    const auto& classes = r->prediction.classes;
    if (index >= classes.size()) {
      fail(HONE_STATUS_OUT_OF_RANGE, "classification index " + std::to_string(index) + " is not below the count " +
                                         std::to_string(classes.size()));
    }
    const vision::Classification& c = classes[index];
    *classification = hone_classification{c.class_id, c.score, c.label.c_str()};
  });
}

HONE_C_EXPORT hone_status hone_prediction_draw(const hone_prediction_t* prediction, uint8_t* pixels,
                                               size_t byte_size, int width, int height, size_t stride,
                                               hone_pixel_format format) {
  return guard(__func__, [&] {
    const hone_prediction* r = live(prediction, "prediction");
    const vision::ImageView view = to_view(pixels, byte_size, width, height, stride, format);
    const vision::Prediction& p = r->prediction;
    if (width != p.image_width || height != p.image_height) {
      bad("the image is " + std::to_string(width) + "x" + std::to_string(height) +
          " but the prediction was made on a " + std::to_string(p.image_width) + "x" + std::to_string(p.image_height) +
          " image");
    }
    // draw() works on a packed Image: copy the rows in, draw, copy them back.
    vision::Image image;
    image.width = width;
    image.height = height;
    image.format = view.format;
    const size_t row = static_cast<size_t>(width) * 3;
    image.pixels.resize(row * static_cast<size_t>(height));
    for (size_t y = 0; y < static_cast<size_t>(height); ++y) {
      std::memcpy(image.pixels.data() + row * y, pixels + view.row_bytes() * y, row);
    }
    vision::draw(image, p);
    for (size_t y = 0; y < static_cast<size_t>(height); ++y) {
      std::memcpy(pixels + view.row_bytes() * y, image.pixels.data() + row * y, row);
    }
  });
}

}  // extern "C"
