// `hone predict`: the YOLO pipeline from the command line on tiny models built in code and,
// when ../shared is present, on YOLOv8n with bus.jpg. Bad input gets one-line errors.
#include <nlohmann/json.hpp>

#include "cli/cli_fixture.hpp"
#include "hone/vision.hpp"
#include "vision/tiny_yolo.hpp"

namespace hone {
namespace {

class CliPredict : public Cli {
 protected:
  fs::path image(const std::string& name, int width, int height) {
    vision::Image im;
    im.width = width;
    im.height = height;
    im.pixels.resize(static_cast<size_t>(width) * static_cast<size_t>(height) * 3);
    for (size_t i = 0; i < im.pixels.size(); ++i) im.pixels[i] = static_cast<uint8_t>((i * 31 + i / 5) % 253);
    const fs::path p = dir_ / name;
    EXPECT_TRUE(vision::write_image(p.string(), im.view()).is_ok());
    return p;
  }
};

TEST_F(CliPredict, DetectsOnAnImageSavesItAndWritesJson) {
  const fs::path model = write_model(testing::tiny_detector(64, 2), "det.onnx");
  const fs::path img = image("scene.png", 120, 90);
  const fs::path out = dir_ / "runs", js = dir_ / "res.json";
  CliResult r = hone("predict " + model.string() + " " + img.string() + " --conf 0.3 --save " + out.string() +
                     " --json " + js.string());
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("image 1/1 " + img.string() + ": 64x64 "), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("Speed: "), std::string::npos) << r.out;
  EXPECT_NE(r.out.find(" ms preprocess, "), std::string::npos) << r.out;
  EXPECT_TRUE(fs::exists(out / "scene.png")) << "annotated image";
  const auto doc = nlohmann::json::parse(slurp(js));
  EXPECT_EQ(doc["task"], "detect");
  ASSERT_EQ(doc["results"].size(), 1u);
  const auto& res = doc["results"][0];
  EXPECT_EQ(res["width"], 120);
  EXPECT_EQ(res["height"], 90);
  ASSERT_FALSE(res["detections"].empty());
  for (const auto& d : res["detections"]) {
    const auto& b = d["box"];
    EXPECT_GE(b[0].get<double>(), 0);
    EXPECT_LE(b[2].get<double>(), 120);
    EXPECT_GE(d["score"].get<double>(), 0.3);
    EXPECT_TRUE(d["label"] == "thing0" || d["label"] == "thing1");
  }
  // Stricter thresholds give fewer boxes.
  CliResult strict = hone("predict " + model.string() + " " + img.string() + " --conf 0.3 --max-det 1 --json " + js.string());
  ASSERT_EQ(strict.code, 0) << strict.err;
  EXPECT_EQ(nlohmann::json::parse(slurp(js))["results"][0]["detections"].size(), 1u);
}

TEST_F(CliPredict, RunsOverAFolderInNameOrder) {
  const fs::path model = write_model(testing::tiny_detector(), "det.onnx");
  fs::create_directories(dir_ / "imgs");
  image("imgs/b.png", 64, 64);
  image("imgs/a.jpg", 33, 77);
  std::ofstream(dir_ / "imgs" / "notes.txt") << "not an image, skipped";
  CliResult r = hone("predict " + model.string() + " " + (dir_ / "imgs").string());
  ASSERT_EQ(r.code, 0) << r.err;
  const size_t a = r.out.find("image 1/2 " + (dir_ / "imgs" / "a.jpg").string());
  const size_t b = r.out.find("image 2/2 " + (dir_ / "imgs" / "b.png").string());
  EXPECT_NE(a, std::string::npos) << r.out;
  EXPECT_NE(b, std::string::npos) << r.out;
  EXPECT_LT(a, b);
  EXPECT_NE(r.out.find("average Speed: "), std::string::npos) << r.out;
}

TEST_F(CliPredict, RunsOnAVideoAndSavesTheAnnotatedVideo) {
  const fs::path model = write_model(testing::tiny_detector(), "det.onnx");
  const fs::path video = dir_ / "clip.avi";
  {
    auto writer = vision::VideoWriter::open(video.string(), 80, 60, 5);
    ASSERT_TRUE(writer.is_ok()) << writer.status().to_string();
    vision::Image im;
    im.width = 80;
    im.height = 60;
    for (int k = 0; k < 3; ++k) {
      im.pixels.assign(80 * 60 * 3, static_cast<uint8_t>(60 * k + 20));
      ASSERT_TRUE((*writer)->write(im.view()).is_ok());
    }
  }
  CliResult r = hone("predict " + model.string() + " " + video.string() + " --save " + (dir_ / "out").string());
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("video (frame 3/3) " + video.string() + ": 64x64 "), std::string::npos) << r.out;
  EXPECT_TRUE(fs::exists(dir_ / "out" / "clip.avi"));
  std::ofstream(dir_ / "fake.mp4") << "not a video";
  expect_one_line_error(hone("predict " + model.string() + " " + (dir_ / "fake.mp4").string()), "fake.mp4");
}

TEST_F(CliPredict, ClassifierPrintsTopClasses) {
  const fs::path model = write_model(testing::tiny_classifier(32, 5), "cls.onnx");
  CliResult r = hone("predict " + model.string() + " " + image("x.png", 50, 40).string());
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find(": 32x32 "), std::string::npos) << r.out;
  const std::string line = r.out.substr(0, r.out.find('\n'));
  EXPECT_EQ(line.rfind("image 1/1 ", 0), 0u) << r.out;
  EXPECT_EQ(std::count(line.begin(), line.end(), ','), 4) << "five classes: " << line;
}

TEST_F(CliPredict, BadInputGetsOneLineErrors) {
  const fs::path det = write_model(testing::tiny_detector(), "det.onnx");
  const fs::path cls = write_model(testing::tiny_classifier(), "cls.onnx");
  const fs::path img = image("ok.png", 20, 20);
  std::ofstream(dir_ / "corrupt.jpg", std::ios::binary) << "\xff\xd8\xff\xe0 this is no JPEG";
  std::ofstream(dir_ / "words.txt") << "plain text";
  fs::create_directories(dir_ / "empty");
  expect_one_line_error(hone("predict " + det.string() + " " + (dir_ / "corrupt.jpg").string()), "corrupt.jpg");
  expect_one_line_error(hone("predict " + det.string() + " " + (dir_ / "words.txt").string()), "words.txt");
  expect_one_line_error(hone("predict " + det.string() + " " + (dir_ / "missing.jpg").string()), "no such image");
  expect_one_line_error(hone("predict " + det.string() + " " + (dir_ / "empty").string()), "no images");
  expect_one_line_error(hone("predict " + cls.string() + " " + img.string() + " --task detect"), "classify");
  expect_one_line_error(hone("predict " + identity_model().string() + " " + img.string()), "[2,3]");
  expect_one_line_error(hone("predict " + det.string() + " " + img.string() + " --task boxes"), "boxes");
  expect_one_line_error(hone("predict " + det.string() + " " + img.string() + " --conf 2"), "--conf");
  expect_one_line_error(hone("predict /no/model.onnx " + img.string()), "/no/model.onnx");
}

TEST_F(CliPredict, YoloV8nOnBusWhenSharedIsPresent) {
  const fs::path shared(HONE_SHARED_DIR);
  if (!fs::exists(shared / "models" / "yolov8n.onnx") || !fs::exists(shared / "images" / "bus.jpg")) {
    GTEST_SKIP() << "../shared/models/yolov8n.onnx or ../shared/images/bus.jpg not present";
  }
  CliResult r = hone("predict " + (shared / "models" / "yolov8n.onnx").string() + " " +
                     (shared / "images" / "bus.jpg").string() + " --save " + (dir_ / "out").string());
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find(": 640x640 "), std::string::npos) << r.out;
  EXPECT_TRUE(fs::exists(dir_ / "out" / "bus.jpg"));
}

}  // namespace
}  // namespace hone
