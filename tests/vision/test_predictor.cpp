// Predictors end to end: tiny YOLO-shaped models built in code (always), and the shared
// random-weight YOLOv8n models on bus.jpg (skipped when ../shared is absent).
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "hone/builder.hpp"
#include "hone/vision.hpp"
#include "import/onnx/onnx_importer.hpp"
#include "vision/tiny_yolo.hpp"

namespace hone::vision {
namespace {

namespace fs = std::filesystem;

fs::path write_temp(const std::string& bytes, const std::string& name) {
  const fs::path p = fs::temp_directory_path() / ("hone_vision_" + name);
  std::ofstream(p, std::ios::binary) << bytes;
  return p;
}

Image pattern(int width, int height) {
  Image im;
  im.width = width;
  im.height = height;
  im.pixels.resize(static_cast<size_t>(width) * static_cast<size_t>(height) * 3);
  for (size_t i = 0; i < im.pixels.size(); ++i) im.pixels[i] = static_cast<uint8_t>((i * 37 + i / 7) % 251);
  return im;
}

void expect_inside(const Prediction& p) {
  for (const Detection& d : p.detections) {
    EXPECT_GE(d.box.x1, 0);
    EXPECT_GE(d.box.y1, 0);
    EXPECT_LE(d.box.x2, static_cast<float>(p.image_width));
    EXPECT_LE(d.box.y2, static_cast<float>(p.image_height));
    EXPECT_LE(d.box.x1, d.box.x2);
    EXPECT_LE(d.box.y1, d.box.y2);
  }
}

TEST(Predictor, TinyDetectorFindsBoxesInsideTheOriginalImage) {
  const fs::path model = write_temp(testing::tiny_detector(64, 2), "tiny_det.onnx");
  PredictorOptions opt;
  opt.post.conf = 0.3f;
  auto det = Detector::open(model.string(), opt);
  ASSERT_TRUE(det.is_ok()) << det.status().to_string();
  EXPECT_EQ(det->predictor().model().num_classes, 2);
  EXPECT_EQ(det->predictor().model().input_width, 64);
  const Image im = pattern(100, 70);
  auto p = det->predict(im.view());
  ASSERT_TRUE(p.is_ok()) << p.status().to_string();
  EXPECT_EQ(p->image_width, 100);
  EXPECT_EQ(p->image_height, 70);
  EXPECT_FALSE(p->detections.empty());
  EXPECT_LE(p->detections.size(), 64u);
  expect_inside(*p);
  for (const Detection& d : p->detections) EXPECT_TRUE(d.label == "thing0" || d.label == "thing1") << d.label;
  EXPECT_GT(p->speed.inference_ms, 0);
  // The same image again gives the same answer (deterministic, buffers reused).
  auto again = det->predict(im.view());
  ASSERT_TRUE(again.is_ok());
  ASSERT_EQ(again->detections.size(), p->detections.size());
  for (size_t i = 0; i < p->detections.size(); ++i) EXPECT_EQ(again->detections[i].box.x1, p->detections[i].box.x1);
  fs::remove(model);
}

TEST(Predictor, EngineFilesAndEncodedImagesWork) {
  auto graph = onnx_import::import_bytes(testing::tiny_detector().data(), testing::tiny_detector().size(), {});
  ASSERT_TRUE(graph.is_ok());
  auto plan = build_plan(std::move(graph).value(), BuildConfig{});
  ASSERT_TRUE(plan.is_ok()) << plan.status().to_string();
  auto engine = Engine::from_plan(std::move(plan).value());
  ASSERT_TRUE(engine.is_ok());
  const fs::path file = fs::temp_directory_path() / "hone_vision_tiny_det.hone";
  ASSERT_TRUE((*engine)->save(file.string()).is_ok());
  auto from_file = Predictor::open(file.string());
  ASSERT_TRUE(from_file.is_ok()) << from_file.status().to_string();
  auto direct = Predictor::from_engine(*engine);
  ASSERT_TRUE(direct.is_ok());
  const Image im = pattern(50, 90);
  const fs::path png = fs::temp_directory_path() / "hone_vision_pattern.png";
  ASSERT_TRUE(write_image(png.string(), im.view()).is_ok());
  auto a = (*from_file)->predict_file(png.string());
  auto b = (*direct)->predict(im.view());
  ASSERT_TRUE(a.is_ok()) << a.status().to_string();
  ASSERT_TRUE(b.is_ok());
  ASSERT_EQ(a->detections.size(), b->detections.size()) << "PNG is lossless: same pixels, same result";
  std::ifstream in(png, std::ios::binary);
  const std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  auto c = (*direct)->predict_encoded(bytes);
  ASSERT_TRUE(c.is_ok());
  EXPECT_EQ(c->detections.size(), b->detections.size());
  fs::remove(file);
  fs::remove(png);
}

TEST(Predictor, WrongTaskAndBadPathsAreErrors) {
  const fs::path cls = write_temp(testing::tiny_classifier(), "tiny_cls.onnx");
  auto as_detector = Detector::open(cls.string());
  ASSERT_FALSE(as_detector.is_ok());
  EXPECT_EQ(as_detector.status().code(), StatusCode::InvalidArgument);
  EXPECT_NE(as_detector.status().message().find("classify"), std::string::npos) << as_detector.status().message();
  auto classifier = Classifier::open(cls.string());
  ASSERT_TRUE(classifier.is_ok()) << classifier.status().to_string();
  const Image im = pattern(40, 30);
  auto p = classifier->predict(im.view());
  ASSERT_TRUE(p.is_ok()) << p.status().to_string();
  ASSERT_EQ(p->classes.size(), 5u);
  float sum = 0;
  for (size_t i = 0; i < p->classes.size(); ++i) {
    sum += p->classes[i].score;
    if (i > 0) {
      EXPECT_GE(p->classes[i - 1].score, p->classes[i].score);
    }
  }
  EXPECT_NEAR(sum, 1.f, 1e-4f) << "all 5 classes: softmax sums to 1";
  EXPECT_EQ(Predictor::open("/no/such/model.onnx").status().code(), StatusCode::NotFound);
  auto missing_image = classifier->predict_file("/no/such/image.jpg");
  EXPECT_EQ(missing_image.status().code(), StatusCode::NotFound);
  const std::vector<uint8_t> junk = {1, 2, 3, 4, 5};
  EXPECT_EQ(classifier->predict_encoded(junk).status().code(), StatusCode::InvalidArgument);
  fs::remove(cls);
}

// The shared YOLOv8n models (random weights) on bus.jpg.
class SharedYoloPredictor : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::path(HONE_SHARED_DIR);
    if (!fs::exists(dir_ / "models" / "yolov8n.onnx") || !fs::exists(dir_ / "images" / "bus.jpg")) {
      GTEST_SKIP() << "../shared/models/yolov8n*.onnx or ../shared/images/bus.jpg not present";
    }
  }
  std::string model(const char* name) const { return (dir_ / "models" / name).string(); }
  std::string bus() const { return (dir_ / "images" / "bus.jpg").string(); }
  fs::path dir_;
};

TEST_F(SharedYoloPredictor, AllFourTasksOnBus) {
  {
    auto det = Detector::open(model("yolov8n.onnx"));
    ASSERT_TRUE(det.is_ok()) << det.status().to_string();
    EXPECT_EQ(det->predictor().model().num_classes, 80);
    auto p = det->predict_file(bus());
    ASSERT_TRUE(p.is_ok()) << p.status().to_string();
    EXPECT_EQ(p->image_width, 810);
    EXPECT_EQ(p->image_height, 1080);
    EXPECT_LE(p->detections.size(), 300u);
    expect_inside(*p);
  }
  {
    auto seg = Segmenter::open(model("yolov8n-seg.onnx"));
    ASSERT_TRUE(seg.is_ok()) << seg.status().to_string();
    auto p = seg->predict_file(bus());
    ASSERT_TRUE(p.is_ok()) << p.status().to_string();
    expect_inside(*p);
    for (const Detection& d : p->detections) {
      EXPECT_EQ(d.mask.data.size(), static_cast<size_t>(d.mask.width) * static_cast<size_t>(d.mask.height));
      EXPECT_GE(d.mask.x, 0);
      EXPECT_LE(d.mask.x + d.mask.width, 810);
    }
  }
  {
    auto pose = PoseEstimator::open(model("yolov8n-pose.onnx"));
    ASSERT_TRUE(pose.is_ok()) << pose.status().to_string();
    auto p = pose->predict_file(bus());
    ASSERT_TRUE(p.is_ok()) << p.status().to_string();
    for (const Detection& d : p->detections) EXPECT_EQ(d.keypoints.size(), 17u);
  }
  {
    auto cls = Classifier::open(model("yolov8n-cls.onnx"));
    ASSERT_TRUE(cls.is_ok()) << cls.status().to_string();
    EXPECT_EQ(cls->predictor().model().input_width, 224);
    auto p = cls->predict_file(bus());
    ASSERT_TRUE(p.is_ok()) << p.status().to_string();
    EXPECT_EQ(p->classes.size(), 5u);
  }
}

TEST_F(SharedYoloPredictor, DynamicModelTakesImgsz) {
  PredictorOptions opt;
  opt.imgsz = 320;
  auto det = Detector::open(model("yolov8n-dynamic.onnx"), opt);
  ASSERT_TRUE(det.is_ok()) << det.status().to_string();
  EXPECT_EQ(det->predictor().model().input_width, 320);
  auto p = det->predict_file(bus());
  ASSERT_TRUE(p.is_ok()) << p.status().to_string();
  expect_inside(*p);
}

}  // namespace
}  // namespace hone::vision
