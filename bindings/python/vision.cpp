// hone.vision (include/hone/vision.hpp): images as numpy HxWx3 uint8 arrays (BGR, as OpenCV
// gives them), YOLO predictors returning Python objects, drawing, and preprocessing for
// callers that run their own engine. Predictions run with the GIL released.
#include <cstring>

#include "bindings/python/bindings.hpp"
#include "hone/vision.hpp"

namespace hone::python {
namespace {

using namespace pybind11::literals;
namespace vision = hone::vision;

std::string type_name(const py::handle& v) { return py::str(v.get_type().attr("__name__")); }

vision::PixelFormat format_of(bool rgb) { return rgb ? vision::PixelFormat::RGB : vision::PixelFormat::BGR; }

// An owned image as an array (no copy: the array's base owns the Image).
py::array image_to_numpy(vision::Image image) {
  auto* owned = new vision::Image(std::move(image));
  py::capsule owner(owned, [](void* p) { delete static_cast<vision::Image*>(p); });
  return py::array(py::dtype("uint8"), {owned->height, owned->width, 3}, owned->pixels.data(), owner);
}

/// An image argument: an HxWx3 uint8 array, viewed in place when its rows are packed pixels
/// (any row stride), copied into `copy` otherwise.
struct ImageArg {
  py::array array;  // the array the view reads
  vision::ImageView view;
};

ImageArg image_arg(const py::handle& value, bool rgb, const char* what = "image") {
  if (!py::isinstance<py::array>(value)) {
    invalid(std::string(what) + " must be a numpy array HxWx3 uint8, not " + type_name(value));
  }
  py::array a = py::reinterpret_borrow<py::array>(value);
  if (a.ndim() != 3 || a.shape(2) != 3) {
    std::string shape = "(";
    for (py::ssize_t i = 0; i < a.ndim(); ++i) shape += (i ? ", " : "") + std::to_string(a.shape(i));
    invalid(std::string(what) + " must have shape (height, width, 3), not " + shape + ")");
  }
  if (dtype_of_numpy(a.dtype()) != DataType::UInt8) {
    invalid(std::string(what) + " must be uint8, not " + std::string(py::str(static_cast<const py::handle&>(a.dtype()))));
  }
  if (a.shape(0) == 0 || a.shape(1) == 0) invalid(std::string(what) + " is empty");
  if (a.shape(0) > 32768 || a.shape(1) > 32768) invalid(std::string(what) + " is larger than 32768 pixels on a side");
  const bool packed_rows = a.strides(2) == 1 && a.strides(1) == 3 && a.strides(0) >= 3 * a.shape(1);
  if (!packed_rows) a = py::module_::import("numpy").attr("ascontiguousarray")(a);
  ImageArg arg;
  arg.view.data = static_cast<const uint8_t*>(a.data());
  arg.view.width = static_cast<int>(a.shape(1));
  arg.view.height = static_cast<int>(a.shape(0));
  arg.view.stride = static_cast<size_t>(a.strides(0));
  arg.view.format = format_of(rgb);
  arg.array = std::move(a);
  return arg;
}

// --- results -------------------------------------------------------------------------------

py::object keypoints_array(const vision::Detection& d) {
  if (d.keypoints.empty()) return py::none();
  py::array_t<float> k({static_cast<py::ssize_t>(d.keypoints.size()), static_cast<py::ssize_t>(3)});
  auto r = k.mutable_unchecked<2>();
  for (size_t i = 0; i < d.keypoints.size(); ++i) {
    r(static_cast<py::ssize_t>(i), 0) = d.keypoints[i].x;
    r(static_cast<py::ssize_t>(i), 1) = d.keypoints[i].y;
    r(static_cast<py::ssize_t>(i), 2) = d.keypoints[i].visibility;
  }
  return k;
}

// A Prediction as Python holds it: the detections and classes as objects built once.
struct PyPrediction {
  vision::Task task = vision::Task::Detect;
  int image_width = 0, image_height = 0;
  vision::Speed speed;
  py::list detections;  // of vision::Detection
  py::list classes;     // of vision::Classification

  /// Back to C++ (for draw): copies the detections.
  vision::Prediction to_cpp() const {
    vision::Prediction p;
    p.task = task;
    p.image_width = image_width;
    p.image_height = image_height;
    p.speed = speed;
    for (py::handle d : detections) p.detections.push_back(d.cast<const vision::Detection&>());
    for (py::handle c : classes) p.classes.push_back(c.cast<const vision::Classification&>());
    return p;
  }
};

PyPrediction to_python(vision::Prediction p) {
  PyPrediction out;
  out.task = p.task;
  out.image_width = p.image_width;
  out.image_height = p.image_height;
  out.speed = p.speed;
  for (vision::Detection& d : p.detections) out.detections.append(py::cast(std::move(d)));
  for (vision::Classification& c : p.classes) out.classes.append(py::cast(std::move(c)));
  return out;
}

// --- predictors ----------------------------------------------------------------------------

struct PyPredictor {
  std::unique_ptr<vision::Predictor> predictor;
  std::mutex mu;  // one prediction at a time (the predictor owns one context)

  vision::Predictor& get() {
    if (!predictor) invalid("the predictor is closed");
    return *predictor;
  }
};

vision::PredictorOptions predictor_options(vision::Task task, int imgsz, int threads, const py::handle& timing_cache,
                                           float conf, float iou, int max_det, bool agnostic, float mask_threshold,
                                           int top_k) {
  if (!(conf >= 0 && conf <= 1)) invalid("conf must be in [0, 1], not " + std::to_string(conf));
  if (!(iou >= 0 && iou <= 1)) invalid("iou must be in [0, 1], not " + std::to_string(iou));
  if (max_det < 1) invalid("max_det must be >= 1, not " + std::to_string(max_det));
  if (imgsz < 0 || imgsz > 32768) invalid("imgsz must be in 0..32768 (0: the model's), not " + std::to_string(imgsz));
  if (threads < 0) invalid("threads must be >= 0 (0: the engine's default), not " + std::to_string(threads));
  if (!(mask_threshold >= 0 && mask_threshold <= 1)) invalid("mask_threshold must be in [0, 1]");
  if (top_k < 1) invalid("top_k must be >= 1");
  vision::PredictorOptions o;
  o.task = task;
  o.imgsz = imgsz;
  o.threads = threads;
  if (!timing_cache.is_none()) o.timing_cache = path_arg(timing_cache, "timing_cache");
  o.post.conf = conf;
  o.post.iou = iou;
  o.post.max_det = max_det;
  o.post.agnostic = agnostic;
  o.post.mask_threshold = mask_threshold;
  o.post.top_k = top_k;
  return o;
}

std::unique_ptr<PyPredictor> open_predictor(const py::handle& model, const vision::PredictorOptions& options) {
  Result<std::unique_ptr<vision::Predictor>> p = invalid_argument("no model");
  if (py::isinstance<PyEngine>(model)) {
    std::shared_ptr<const Engine> engine = model.cast<const PyEngine&>().get().shared_from_this();
    py::gil_scoped_release release;
    p = vision::Predictor::from_engine(std::move(engine), options);
  } else {
    const std::string path = path_arg(model, "model");
    py::gil_scoped_release release;
    p = vision::Predictor::open(path, options);
  }
  auto out = std::make_unique<PyPredictor>();
  out->predictor = unwrap(std::move(p));
  return out;
}

vision::Task task_arg(const std::string& name) { return unwrap(vision::parse_task(name)); }

PyPrediction predict(PyPredictor& self, const py::handle& source, bool rgb) {
  if (source.is_none()) invalid("predict() needs an image array, a path or encoded bytes, not None");
  Result<vision::Prediction> r = invalid_argument("no image");
  if (py::isinstance<py::array>(source)) {
    ImageArg image = image_arg(source, rgb);
    vision::Predictor& p = self.get();
    py::gil_scoped_release release;
    std::lock_guard<std::mutex> lock(self.mu);
    r = p.predict(image.view);
  } else if (PyUnicode_Check(source.ptr()) || PyObject_HasAttrString(source.ptr(), "__fspath__")) {
    const std::string path = path_arg(source, "source");
    vision::Predictor& p = self.get();
    py::gil_scoped_release release;
    std::lock_guard<std::mutex> lock(self.mu);
    r = p.predict_file(path);
  } else {
    ByteView bytes(source, "source");
    vision::Predictor& p = self.get();
    py::gil_scoped_release release;
    std::lock_guard<std::mutex> lock(self.mu);
    r = p.predict_encoded(std::span<const uint8_t>(bytes.data(), bytes.size()));
  }
  return to_python(unwrap(std::move(r)));
}

template <class Class>
void define_predictor_methods(Class& c) {
  c.def("predict", &predict, "source"_a, "rgb"_a = false,
        "Runs the model on an image: an HxWx3 uint8 array (BGR unless rgb=True), a path, or encoded bytes "
        "(JPEG/PNG/BMP). Returns a Prediction. GIL released meanwhile.")
      .def("__call__", &predict, "source"_a, "rgb"_a = false)
      .def_property_readonly("task", [](PyPredictor& p) { return std::string(vision::task_name(p.get().model().task)); })
      .def_property_readonly("names", [](PyPredictor& p) { return p.get().model().names; })
      .def_property_readonly("num_classes", [](PyPredictor& p) { return p.get().model().num_classes; })
      .def_property_readonly("imgsz",
                             [](PyPredictor& p) {
                               return py::make_tuple(p.get().model().input_height, p.get().model().input_width);
                             },
                             "(height, width) of the model input.")
      .def_property_readonly("engine", [](PyPredictor& p) { return PyEngine{p.get().engine()}; })
      .def_property(
          "conf", [](PyPredictor& p) { return p.get().postprocess_options().conf; },
          [](PyPredictor& p, float v) {
            if (!(v >= 0 && v <= 1)) invalid("conf must be in [0, 1]");
            std::lock_guard<std::mutex> lock(p.mu);
            p.get().postprocess_options().conf = v;
          })
      .def_property(
          "iou", [](PyPredictor& p) { return p.get().postprocess_options().iou; },
          [](PyPredictor& p, float v) {
            if (!(v >= 0 && v <= 1)) invalid("iou must be in [0, 1]");
            std::lock_guard<std::mutex> lock(p.mu);
            p.get().postprocess_options().iou = v;
          })
      .def_property(
          "max_det", [](PyPredictor& p) { return p.get().postprocess_options().max_det; },
          [](PyPredictor& p, int v) {
            if (v < 1) invalid("max_det must be >= 1");
            std::lock_guard<std::mutex> lock(p.mu);
            p.get().postprocess_options().max_det = v;
          })
      .def(
          "close",
          [](PyPredictor& p) {
            py::gil_scoped_release release;
            std::lock_guard<std::mutex> lock(p.mu);
            p.predictor.reset();
          },
          "Frees the engine and context; later calls raise InvalidArgumentError.")
      .def_property_readonly("closed", [](PyPredictor& p) { return !p.predictor; })
      .def("__enter__", [](const py::object& self) { return self; })
      .def("__exit__", [](PyPredictor& p, const py::args&) {
        py::gil_scoped_release release;
        std::lock_guard<std::mutex> lock(p.mu);
        p.predictor.reset();
      });
}

// A task-typed predictor class: Predictor with the task fixed.
struct PyDetector : PyPredictor {};
struct PySegmenter : PyPredictor {};
struct PyPoseEstimator : PyPredictor {};
struct PyClassifier : PyPredictor {};

template <class T>
void define_task_predictor(py::module_& v, py::class_<PyPredictor>& base, const char* name, vision::Task task,
                           const char* doc) {
  py::class_<T, PyPredictor>(v, name, doc)
      .def(py::init([task](const py::handle& model, float conf, float iou, int max_det, int imgsz, int threads,
                           const py::handle& timing_cache, bool agnostic, float mask_threshold, int top_k) {
             auto p = open_predictor(model, predictor_options(task, imgsz, threads, timing_cache, conf, iou, max_det,
                                                              agnostic, mask_threshold, top_k));
             auto t = std::make_unique<T>();
             t->predictor = std::move(p->predictor);
             return t;
           }),
           "model"_a, "conf"_a = 0.25f, "iou"_a = 0.7f, "max_det"_a = 300, "imgsz"_a = 0, "threads"_a = 0,
           "timing_cache"_a = py::none(), "agnostic"_a = false, "mask_threshold"_a = 0.5f, "top_k"_a = 5);
  (void)base;
}

// --- drawing -------------------------------------------------------------------------------

py::object draw(const py::handle& image_value, const PyPrediction& prediction, bool boxes, bool labels, bool masks,
                bool keypoints, float mask_alpha, int line_width, bool rgb) {
  ImageArg arg = image_arg(image_value, rgb);
  py::array target = py::reinterpret_borrow<py::array>(image_value);
  if (!target.writeable()) invalid("draw() writes into the image, which is read-only");
  if (!(mask_alpha >= 0 && mask_alpha <= 1)) invalid("mask_alpha must be in [0, 1]");
  if (line_width < 0) invalid("line_width must be >= 0 (0: from the image size)");
  vision::Image image;
  image.width = arg.view.width;
  image.height = arg.view.height;
  image.format = arg.view.format;
  image.pixels.resize(static_cast<size_t>(image.width) * static_cast<size_t>(image.height) * 3);
  const size_t row = static_cast<size_t>(image.width) * 3;
  for (int y = 0; y < image.height; ++y) {
    std::memcpy(image.pixels.data() + row * static_cast<size_t>(y), arg.view.data + arg.view.row_bytes() * static_cast<size_t>(y), row);
  }
  vision::DrawOptions options;
  options.boxes = boxes;
  options.labels = labels;
  options.masks = masks;
  options.keypoints = keypoints;
  options.mask_alpha = mask_alpha;
  options.line_width = line_width;
  const vision::Prediction p = prediction.to_cpp();
  {
    py::gil_scoped_release release;
    vision::draw(image, p, options);
  }
  if (arg.array.ptr() == target.ptr()) {
    // The view was the caller's memory: write the rows back in place.
    auto* out = static_cast<uint8_t*>(target.mutable_data());
    for (int y = 0; y < image.height; ++y) {
      std::memcpy(out + arg.view.row_bytes() * static_cast<size_t>(y), image.pixels.data() + row * static_cast<size_t>(y), row);
    }
  } else {
    target[py::ellipsis()] = image_to_numpy(std::move(image));
  }
  return py::reinterpret_borrow<py::object>(image_value);
}

}  // namespace

void register_vision(py::module_& m) {
  py::module_ v = m.def_submodule("vision", "YOLO pre/post-processing, predictors, images and drawing.");

  v.def(
      "read_image",
      [](const py::handle& path_value) {
        const std::string path = path_arg(path_value, "path");
        Result<vision::Image> r = [&] {
          py::gil_scoped_release release;
          return vision::read_image(path);
        }();
        return image_to_numpy(unwrap(std::move(r)));
      },
      "path"_a,
      "Reads and decodes an image file into an HxWx3 uint8 array (BGR). NotFoundError for a missing file, "
      "IoError when unreadable, InvalidArgumentError when it is not an image.");
  v.def(
      "decode_image",
      [](const py::handle& data) {
        Result<vision::Image> r = invalid_argument("no data");
        {
          ByteView bytes(data, "data");
          py::gil_scoped_release release;
          r = vision::decode_image(std::span<const uint8_t>(bytes.data(), bytes.size()));
        }
        return image_to_numpy(unwrap(std::move(r)));
      },
      "data"_a, "Decodes JPEG/PNG/BMP bytes into an HxWx3 uint8 array (BGR).");
  v.def(
      "write_image",
      [](const py::handle& path_value, const py::handle& image, bool rgb) {
        const std::string path = path_arg(path_value, "path");
        ImageArg arg = image_arg(image, rgb);
        Status s;
        {
          py::gil_scoped_release release;
          s = vision::write_image(path, arg.view);
        }
        check(s);
      },
      "path"_a, "image"_a, "rgb"_a = false,
      "Encodes by extension (.jpg/.jpeg, .png, .bmp) and writes an HxWx3 uint8 array (BGR unless rgb=True).");

  v.def(
      "preprocess",
      [](const py::handle& image, int width, int height, const std::string& mode, bool rgb, bool to_rgb,
         std::array<float, 3> mean, std::array<float, 3> std, const std::string& layout, int pad_value, bool center,
         bool scale_up) {
        ImageArg arg = image_arg(image, rgb);
        vision::PreprocessOptions o;
        o.width = width;
        o.height = height;
        if (mode == "letterbox") o.mode = vision::ResizeMode::Letterbox;
        else if (mode == "square_pad") o.mode = vision::ResizeMode::SquarePad;
        else if (mode == "stretch") o.mode = vision::ResizeMode::Stretch;
        else if (mode == "center_crop") o.mode = vision::ResizeMode::CenterCrop;
        else invalid("mode must be 'letterbox', 'square_pad', 'stretch' or 'center_crop', not '" + mode + "'");
        if (layout == "nchw") o.layout = vision::TensorLayout::NCHW;
        else if (layout == "nhwc") o.layout = vision::TensorLayout::NHWC;
        else invalid("layout must be 'nchw' or 'nhwc', not '" + layout + "'");
        if (pad_value < 0 || pad_value > 255) invalid("pad_value must be in 0..255");
        if (width <= 0 || height <= 0 || width > 32768 || height > 32768) invalid("width and height must be in 1..32768");
        o.pad_value = static_cast<uint8_t>(pad_value);
        o.center = center;
        o.scale_up = scale_up;
        o.to_rgb = to_rgb;
        o.mean = mean;
        o.std = std;
        std::vector<py::ssize_t> shape = o.layout == vision::TensorLayout::NCHW
                                             ? std::vector<py::ssize_t>{1, 3, height, width}
                                             : std::vector<py::ssize_t>{1, height, width, 3};
        py::array_t<float> out(shape);
        float* data = out.mutable_data();
        const size_t n = static_cast<size_t>(out.size());
        Result<vision::ImageTransform> t = [&] {
          py::gil_scoped_release release;
          return vision::preprocess(arg.view, o, std::span<float>(data, n));
        }();
        const vision::ImageTransform tr = unwrap(std::move(t));
        py::dict transform("scale_x"_a = tr.scale_x, "scale_y"_a = tr.scale_y, "pad_x"_a = tr.pad_x, "pad_y"_a = tr.pad_y,
                           "source_width"_a = tr.source_width, "source_height"_a = tr.source_height,
                           "input_width"_a = tr.input_width, "input_height"_a = tr.input_height);
        return py::make_tuple(out, transform);
      },
      "image"_a, "width"_a = 640, "height"_a = 640, "mode"_a = "letterbox", "rgb"_a = false, "to_rgb"_a = true,
      "mean"_a = std::array<float, 3>{0.f, 0.f, 0.f}, "std"_a = std::array<float, 3>{255.f, 255.f, 255.f},
      "layout"_a = "nchw", "pad_value"_a = 114, "center"_a = true, "scale_up"_a = true,
      "Resizes (letterbox / square_pad / stretch / center_crop), normalizes ((pixel - mean) / std, per channel of "
      "the tensor) and lays out an image into a new float32 tensor [1,3,H,W] (or [1,H,W,3]). Returns (tensor, "
      "transform): input = original * scale + pad per axis.");

  py::class_<vision::Detection>(v, "Detection", "One detected object (detect, segment or pose).")
      .def_property_readonly("box", [](const vision::Detection& d) { return py::make_tuple(d.box.x1, d.box.y1, d.box.x2, d.box.y2); },
                             "(x1, y1, x2, y2) in pixels of the original image.")
      .def_readonly("class_id", &vision::Detection::class_id)
      .def_readonly("score", &vision::Detection::score)
      .def_readonly("label", &vision::Detection::label)
      .def_property_readonly("keypoints", &keypoints_array,
                             "Pose: float32 array [K, 3] of (x, y, visibility) in image pixels; None otherwise.")
      .def_property_readonly(
          "mask",
          [](const py::object& self) -> py::object {
            const auto& d = self.cast<const vision::Detection&>();
            if (d.mask.empty()) return py::none();
            // A view of the detection's own bytes, kept alive by the detection.
            return py::array(py::dtype("uint8"), {d.mask.height, d.mask.width}, d.mask.data.data(), self);
          },
          "Segment: uint8 array [h, w] (1 = the instance) over the rectangle at (mask_x, mask_y) of the image; None "
          "otherwise.")
      .def_property_readonly("mask_x", [](const vision::Detection& d) { return d.mask.x; })
      .def_property_readonly("mask_y", [](const vision::Detection& d) { return d.mask.y; })
      .def(
          "full_mask",
          [](const vision::Detection& d, int width, int height) {
            if (width <= 0 || height <= 0) invalid("width and height must be positive");
            py::array_t<uint8_t> out({height, width});
            std::memset(out.mutable_data(), 0, static_cast<size_t>(out.size()));
            auto w = out.mutable_unchecked<2>();
            for (int r = 0; r < d.mask.height; ++r) {
              const int y = d.mask.y + r;
              if (y < 0 || y >= height) continue;
              for (int c = 0; c < d.mask.width; ++c) {
                const int x = d.mask.x + c;
                if (x >= 0 && x < width) w(y, x) = d.mask.data[static_cast<size_t>(r) * static_cast<size_t>(d.mask.width) + static_cast<size_t>(c)];
              }
            }
            return out;
          },
          "width"_a, "height"_a, "The mask over the whole width x height image (zeros when there is none).")
      .def("__repr__", [](const vision::Detection& d) {
        char buf[256];
        std::snprintf(buf, sizeof buf, "Detection(label='%s', class_id=%d, score=%.3f, box=(%.1f, %.1f, %.1f, %.1f)%s%s)",
                      d.label.c_str(), d.class_id, static_cast<double>(d.score), static_cast<double>(d.box.x1),
                      static_cast<double>(d.box.y1), static_cast<double>(d.box.x2), static_cast<double>(d.box.y2),
                      d.keypoints.empty() ? "" : ", keypoints", d.mask.empty() ? "" : ", mask");
        return std::string(buf);
      });

  py::class_<vision::Classification>(v, "Classification", "One class of a classify prediction.")
      .def_readonly("class_id", &vision::Classification::class_id)
      .def_readonly("score", &vision::Classification::score, "Probability.")
      .def_readonly("label", &vision::Classification::label)
      .def("__repr__", [](const vision::Classification& c) {
        char buf[160];
        std::snprintf(buf, sizeof buf, "Classification(label='%s', class_id=%d, score=%.3f)", c.label.c_str(), c.class_id,
                      static_cast<double>(c.score));
        return std::string(buf);
      });

  py::class_<PyPrediction>(v, "Prediction", "What a predictor found in one image.")
      .def_property_readonly("task", [](const PyPrediction& p) { return std::string(vision::task_name(p.task)); })
      .def_readonly("image_width", &PyPrediction::image_width)
      .def_readonly("image_height", &PyPrediction::image_height)
      .def_readonly("detections", &PyPrediction::detections, "Detections by descending score (detect/segment/pose).")
      .def_readonly("classes", &PyPrediction::classes, "Classify: the top classes by descending score.")
      .def_property_readonly(
          "speed",
          [](const PyPrediction& p) {
            return py::dict("preprocess"_a = p.speed.preprocess_ms, "inference"_a = p.speed.inference_ms,
                            "postprocess"_a = p.speed.postprocess_ms);
          },
          "Milliseconds per stage, as Ultralytics' Results.speed.")
      .def_property_readonly(
          "boxes",
          [](const PyPrediction& p) {
            py::array_t<float> out({static_cast<py::ssize_t>(p.detections.size()), static_cast<py::ssize_t>(4)});
            auto w = out.mutable_unchecked<2>();
            for (size_t i = 0; i < p.detections.size(); ++i) {
              const auto& d = p.detections[i].cast<const vision::Detection&>();
              const py::ssize_t r = static_cast<py::ssize_t>(i);
              w(r, 0) = d.box.x1;
              w(r, 1) = d.box.y1;
              w(r, 2) = d.box.x2;
              w(r, 3) = d.box.y2;
            }
            return out;
          },
          "float32 [N, 4] of (x1, y1, x2, y2).")
      .def_property_readonly(
          "scores",
          [](const PyPrediction& p) {
            py::array_t<float> out(static_cast<py::ssize_t>(p.detections.size()));
            for (size_t i = 0; i < p.detections.size(); ++i) {
              out.mutable_at(static_cast<py::ssize_t>(i)) = p.detections[i].cast<const vision::Detection&>().score;
            }
            return out;
          })
      .def_property_readonly(
          "class_ids",
          [](const PyPrediction& p) {
            py::array_t<int64_t> out(static_cast<py::ssize_t>(p.detections.size()));
            for (size_t i = 0; i < p.detections.size(); ++i) {
              out.mutable_at(static_cast<py::ssize_t>(i)) = p.detections[i].cast<const vision::Detection&>().class_id;
            }
            return out;
          })
      .def("__len__", [](const PyPrediction& p) { return p.detections.size(); })
      .def("__repr__", [](const PyPrediction& p) {
        return "<hone.vision.Prediction " + std::string(vision::task_name(p.task)) + " " + std::to_string(p.image_width) +
               "x" + std::to_string(p.image_height) + ": " + std::to_string(p.detections.size()) + " detection(s)" +
               (p.classes.empty() ? "" : ", " + std::to_string(p.classes.size()) + " class(es)") + ">";
      });

  auto predictor = py::class_<PyPredictor>(
      v, "Predictor",
      "A YOLO model (YOLOv8/YOLO11/YOLOv5: detect, segment, pose, classify) with its engine and context. "
      "Predictor(model, conf=0.25, iou=0.7, max_det=300, imgsz=0, task='auto', ...): `model` is an ONNX file "
      "(built for this machine on open), an engine file, or a hone.Engine. One prediction at a time per object "
      "(calls from several threads are serialized); use one predictor per thread to run in parallel.");
  predictor.def(py::init([](const py::handle& model, float conf, float iou, int max_det, int imgsz,
                            const std::string& task, int threads, const py::handle& timing_cache, bool agnostic,
                            float mask_threshold, int top_k) {
                  return open_predictor(model, predictor_options(task_arg(task), imgsz, threads, timing_cache, conf,
                                                                 iou, max_det, agnostic, mask_threshold, top_k));
                }),
                "model"_a, "conf"_a = 0.25f, "iou"_a = 0.7f, "max_det"_a = 300, "imgsz"_a = 0, "task"_a = "auto",
                "threads"_a = 0, "timing_cache"_a = py::none(), "agnostic"_a = false, "mask_threshold"_a = 0.5f,
                "top_k"_a = 5);
  define_predictor_methods(predictor);
  define_task_predictor<PyDetector>(v, predictor, "Detector", vision::Task::Detect,
                                    "A Predictor for detect models (InvalidArgumentError for another task).");
  define_task_predictor<PySegmenter>(v, predictor, "Segmenter", vision::Task::Segment,
                                     "A Predictor for segment models.");
  define_task_predictor<PyPoseEstimator>(v, predictor, "PoseEstimator", vision::Task::Pose,
                                         "A Predictor for pose models.");
  define_task_predictor<PyClassifier>(v, predictor, "Classifier", vision::Task::Classify,
                                      "A Predictor for classify models.");

  v.def("draw", &draw, "image"_a, "prediction"_a, "boxes"_a = true, "labels"_a = true, "masks"_a = true,
        "keypoints"_a = true, "mask_alpha"_a = 0.5f, "line_width"_a = 0, "rgb"_a = false,
        "Draws a Prediction into an HxWx3 uint8 array in place (BGR unless rgb=True) and returns it: boxes with "
        "'label score', translucent masks, pose skeletons, or the top classes as text.");
  v.def(
      "mask_to_rle",
      [](const vision::Detection& d, int width, int height) {
        if (width <= 0 || height <= 0) invalid("width and height must be positive");
        return vision::mask_to_rle(d.mask, width, height);
      },
      "detection"_a, "width"_a, "height"_a,
      "The detection's mask as COCO uncompressed RLE counts over the width x height image (column-major, "
      "starting with zeros), as pycocotools' frPyObjects reads them.");
}

}  // namespace hone::python
