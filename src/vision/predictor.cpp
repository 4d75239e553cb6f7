// Predictor: one YOLO engine with its context, input buffer and pre/post-processing, timed
// per stage like Ultralytics' "Speed:" line. ONNX models are built for this machine on open
// (dynamic batch fixed to 1, dynamic height/width to imgsz); engine files are loaded.
#include <chrono>
#include <filesystem>
#include <fstream>
#include <iterator>

#include "hone/builder.hpp"
#include "hone/vision.hpp"
#include "import/onnx/onnx_importer.hpp"
#include "vision/yolo_postprocess.hpp"

namespace hone::vision {
namespace {

using Clock = std::chrono::steady_clock;

double ms_since(Clock::time_point t) { return std::chrono::duration<double, std::milli>(Clock::now() - t).count(); }

// The input shapes to build a model with: dynamic batch -> 1, dynamic H/W -> imgsz (the
// option, else the model's `imgsz` metadata, else 640).
Result<std::map<std::string, ShapeRange>> build_shapes(const ir::Graph& g, int imgsz) {
  std::map<std::string, ShapeRange> shapes;
  const std::vector<ir::Value*> inputs = g.runtime_inputs();
  if (inputs.size() != 1) {
    return invalid_argument("a YOLO model has one image input, this one has " + std::to_string(inputs.size()));
  }
  const ir::Value* in = inputs[0];
  const ir::TensorShape& s = in->type().shape;
  if (!s.has_rank || s.rank() != 4) {
    return invalid_argument("input '" + in->name() + "' is " + s.to_string() + ", not an image batch [N,3,H,W]");
  }
  if (s.is_static()) return shapes;
  int64_t height = imgsz > 0 ? imgsz : 640, width = height;
  if (imgsz <= 0) {
    HONE_ASSIGN_OR_RETURN(const std::vector<int64_t> sizes, metadata_imgsz(g.metadata()));
    if (!sizes.empty()) {
      height = sizes.front();
      width = sizes.back();
    }
  }
  Shape fixed = {s.dims[0].is_known() ? s.dims[0].value : 1, s.dims[1].is_known() ? s.dims[1].value : 3,
                 s.dims[2].is_known() ? s.dims[2].value : height, s.dims[3].is_known() ? s.dims[3].value : width};
  shapes[in->name()] = ShapeRange::fixed(fixed);
  return shapes;
}

}  // namespace

struct Predictor::Impl {
  std::shared_ptr<const Engine> engine;
  std::unique_ptr<ExecutionContext> context;
  ModelInfo model;
  PostprocessOptions post;
  PreprocessOptions pre;
  std::vector<float> input;  // [1, 3, H, W], bound to the context once
};

Predictor::Predictor(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Predictor::~Predictor() = default;

Result<std::unique_ptr<Predictor>> Predictor::open(const std::string& path, const PredictorOptions& options) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) return not_found("no such model or engine file: " + path);
  if (std::filesystem::path(path).extension() != ".onnx") {
    HONE_ASSIGN_OR_RETURN(auto engine, Engine::load(path));
    return from_engine(std::move(engine), options);
  }
  HONE_ASSIGN_OR_RETURN(auto graph, onnx_import::import_file(path));
  BuildConfig config;
  config.threads = options.threads;
  config.timing_cache_path = options.timing_cache;
  config.progress = options.progress;
  HONE_ASSIGN_OR_RETURN(config.input_shapes, build_shapes(*graph, options.imgsz));
  HONE_ASSIGN_OR_RETURN(engine::Plan plan, build_plan(std::move(graph), config));
  HONE_ASSIGN_OR_RETURN(auto engine, Engine::from_plan(std::move(plan)));
  return from_engine(std::move(engine), options);
}

Result<std::unique_ptr<Predictor>> Predictor::from_engine(std::shared_ptr<const Engine> engine,
                                                          const PredictorOptions& options) {
  if (!engine) return invalid_argument("no engine");
  auto impl = std::make_unique<Impl>();
  HONE_ASSIGN_OR_RETURN(impl->model, describe_model(*engine, options.task));
  impl->engine = std::move(engine);
  impl->context = impl->engine->create_context();
  if (options.threads > 0) HONE_RETURN_IF_ERROR(impl->context->set_threads(options.threads));
  impl->post = options.post;
  impl->pre.width = impl->model.input_width;
  impl->pre.height = impl->model.input_height;
  // Ultralytics feeds classifiers a centered square crop, detectors a letterbox.
  if (impl->model.task == Task::Classify) impl->pre.mode = ResizeMode::CenterCrop;
  const Shape shape = {1, 3, impl->model.input_height, impl->model.input_width};
  impl->input.resize(static_cast<size_t>(3) * static_cast<size_t>(impl->model.input_width) *
                     static_cast<size_t>(impl->model.input_height));
  HONE_RETURN_IF_ERROR(impl->context->bind(impl->model.input_name,
                                           Tensor::wrap(DataType::Float, shape, impl->input.data())));
  // One warm-up run (as Ultralytics' predictor does): the arena is allocated and touched and
  // the workers started here, so the first image's inference time is a steady-state one.
  HONE_RETURN_IF_ERROR(impl->context->run());
  return std::unique_ptr<Predictor>(new Predictor(std::move(impl)));
}

Result<Prediction> Predictor::predict(const ImageView& image) {
  Impl& s = *impl_;
  const auto t0 = Clock::now();
  HONE_ASSIGN_OR_RETURN(ImageTransform transform, preprocess(image, s.pre, s.input));
  const double pre_ms = ms_since(t0);
  const auto t1 = Clock::now();
  HONE_RETURN_IF_ERROR(s.context->run());
  const double infer_ms = ms_since(t1);
  const auto t2 = Clock::now();
  HONE_ASSIGN_OR_RETURN(Prediction p, postprocess(s.model, s.context->outputs(), transform, s.post));
  p.speed = {pre_ms, infer_ms, ms_since(t2)};
  return p;
}

Result<Prediction> Predictor::predict_file(const std::string& path) {
  HONE_ASSIGN_OR_RETURN(Image image, read_image(path));
  return predict(image.view());
}

Result<Prediction> Predictor::predict_encoded(std::span<const uint8_t> bytes) {
  HONE_ASSIGN_OR_RETURN(Image image, decode_image(bytes));
  return predict(image.view());
}

const ModelInfo& Predictor::model() const { return impl_->model; }
const std::shared_ptr<const Engine>& Predictor::engine() const { return impl_->engine; }
PostprocessOptions& Predictor::postprocess_options() { return impl_->post; }

}  // namespace hone::vision
