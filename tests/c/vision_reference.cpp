// The C++ side of the vision calls' bit-for-bit tests (test_c_api.c's vision section, the C#
// tests): runs hone::vision::Predictor on test images and writes each result as text in
// which every float is its IEEE bit pattern, so that equal text means bit-identical results.
// Usage: c_api_vision_reference OUT_DIR MODELS_DIR [SHARED_DIR]
//   for det, seg, pose, cls in MODELS_DIR (c_api_make_models): builds NAME.onnx (2 threads),
//     writes the engine OUT_DIR/NAME.hone (the tests load it, so all sides run the same
//     tactics) and OUT_DIR/NAME.predict.txt, the prediction on MODELS_DIR/image.png;
//   when OUT_DIR/yolov8n.hone (the c_api_reference fixture's engine) and
//     SHARED_DIR/images/bus.jpg exist: OUT_DIR/yolov8n.predict.txt, its prediction on bus.jpg.
// The text, one line per item (x = 8 hex digits of a float's bits):
//   task TASK WIDTHxHEIGHT
//   det CLASS LABEL SCORE X1 Y1 X2 Y2          per detection, by descending score
//   kp X Y VISIBILITY                          its keypoints (pose)
//   mask X Y WIDTH HEIGHT ONES FNV1A           its mask (segment): pixels set, FNV-1a of the bytes
//   cls CLASS LABEL SCORE                      the top classes (classify)
#include <bit>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

#include "hone/vision.hpp"

namespace {

using namespace hone;
namespace fs = std::filesystem;

std::string bits(float v) {
  char buffer[16];
  std::snprintf(buffer, sizeof buffer, "%08x", std::bit_cast<uint32_t>(v));
  return buffer;
}

std::string format_prediction(const vision::Prediction& p) {
  std::string text = std::string("task ") + vision::task_name(p.task) + " " + std::to_string(p.image_width) + "x" +
                     std::to_string(p.image_height) + "\n";
  for (const vision::Detection& d : p.detections) {
    text += "det " + std::to_string(d.class_id) + " " + d.label + " " + bits(d.score) + " " + bits(d.box.x1) + " " +
            bits(d.box.y1) + " " + bits(d.box.x2) + " " + bits(d.box.y2) + "\n";
    for (const vision::Keypoint& k : d.keypoints) {
      text += "kp " + bits(k.x) + " " + bits(k.y) + " " + bits(k.visibility) + "\n";
    }
    if (p.task == vision::Task::Segment) {
      uint32_t hash = 2166136261u;
      size_t ones = 0;
      for (uint8_t b : d.mask.data) {
        hash = (hash ^ b) * 16777619u;
        ones += b != 0;
      }
      char buffer[96];
      std::snprintf(buffer, sizeof buffer, "mask %d %d %d %d %zu %08x\n", d.mask.x, d.mask.y, d.mask.width,
                    d.mask.height, ones, hash);
      text += buffer;
    }
  }
  for (const vision::Classification& c : p.classes) {
    text += "cls " + std::to_string(c.class_id) + " " + c.label + " " + bits(c.score) + "\n";
  }
  return text;
}

Status write_text(const fs::path& path, const std::string& text) {
  std::ofstream f(path, std::ios::binary);
  f << text;
  f.close();
  return f ? Status::ok() : io_error("cannot write '" + path.string() + "'");
}

Status predict_to(const std::string& model, const std::string& image, const fs::path& out, const fs::path* engine) {
  vision::PredictorOptions options;
  options.threads = 2;
  HONE_ASSIGN_OR_RETURN(auto predictor, vision::Predictor::open(model, options));
  if (engine) HONE_RETURN_IF_ERROR(predictor->engine()->save(engine->string()));
  HONE_ASSIGN_OR_RETURN(vision::Prediction p, predictor->predict_file(image));
  const std::string text = format_prediction(p);
  std::printf("%s on %s: %s", fs::path(model).filename().c_str(), fs::path(image).filename().c_str(),
              text.substr(0, text.find('\n') + 1).c_str());
  return write_text(out, text);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: c_api_vision_reference OUT_DIR MODELS_DIR [SHARED_DIR]\n");
    return 2;
  }
  const fs::path out = argv[1], models = argv[2];
  std::error_code ec;
  fs::create_directories(out, ec);
  const std::string image = (models / "image.png").string();
  for (const char* name : {"det", "seg", "pose", "cls"}) {
    const fs::path engine = out / (std::string(name) + ".hone");
    const Status s = predict_to((models / (std::string(name) + ".onnx")).string(), image,
                                out / (std::string(name) + ".predict.txt"), &engine);
    if (!s.is_ok()) {
      std::fprintf(stderr, "c_api_vision_reference: %s: %s\n", name, s.to_string().c_str());
      return 1;
    }
  }
  if (argc > 3) {
    const fs::path engine = out / "yolov8n.hone", bus = fs::path(argv[3]) / "images" / "bus.jpg";
    if (fs::exists(engine, ec) && fs::exists(bus, ec)) {
      const Status s = predict_to(engine.string(), bus.string(), out / "yolov8n.predict.txt", nullptr);
      if (!s.is_ok()) {
        std::fprintf(stderr, "c_api_vision_reference: yolov8n: %s\n", s.to_string().c_str());
        return 1;
      }
    }
  }
  return 0;
}
