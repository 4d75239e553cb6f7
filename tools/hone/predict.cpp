// `hone predict MODEL|ENGINE SOURCE [--task auto] [--conf 0.25] [--iou 0.7] [--max-det 300]
// [--imgsz 640] [--save DIR] [--json FILE]`: the YOLO pipeline (hone::vision) on an image, a
// folder of images or a video. Prints a line per image like Ultralytics ("image 1/2 bus.jpg:
// 640x640 4 persons, 1 bus") with its "Speed:" line; --save writes annotated images (videos
// as .avi), --json every box, class, score, mask (COCO RLE) and keypoint.
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "hone/vision.hpp"
#include "tools/hone/model_inputs.hpp"
#include "tools/hone/verbs.hpp"

namespace hone::cli {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

struct PredictOptions {
  std::string model;
  std::string source;
  std::string task = "auto";
  float conf = 0.25f;
  float iou = 0.7f;
  int max_det = 300;
  int imgsz = 0;
  bool agnostic = false;
  int threads = 0;
  std::string timing_cache;
  std::string save_dir;
  std::string json_path;
};

bool has_extension(const fs::path& p, std::initializer_list<const char*> exts) {
  std::string e = p.extension().string();
  std::transform(e.begin(), e.end(), e.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return std::any_of(exts.begin(), exts.end(), [&](const char* x) { return e == x; });
}
bool is_image_path(const fs::path& p) {
  return has_extension(p, {".jpg", ".jpeg", ".png", ".bmp", ".webp", ".tif", ".tiff", ".pbm", ".pgm", ".ppm"});
}
bool is_video_path(const fs::path& p) {
  return has_extension(p, {".mp4", ".avi", ".mov", ".mkv", ".webm", ".m4v", ".mpg", ".mpeg", ".wmv", ".gif"});
}

// "4 persons, 1 bus" (Ultralytics: an 's' when more than one), classes in id order.
std::string summary(const vision::Prediction& p) {
  std::string out;
  if (p.task == vision::Task::Classify) {
    for (const auto& c : p.classes) {
      char buf[32];
      std::snprintf(buf, sizeof buf, " %.2f", static_cast<double>(c.score));
      out += (out.empty() ? "" : ", ") + c.label + buf;
    }
    return out;
  }
  std::map<int, std::pair<std::string, int>> counts;
  for (const auto& d : p.detections) {
    auto& [label, n] = counts[d.class_id];
    label = d.label;
    ++n;
  }
  for (const auto& [id, c] : counts) {
    out += (out.empty() ? "" : ", ") + std::to_string(c.second) + " " + c.first + (c.second > 1 ? "s" : "");
  }
  return out.empty() ? "(no detections)" : out;
}

json to_json(const vision::Prediction& p, const std::string& source) {
  json j = {{"source", source},
            {"task", vision::task_name(p.task)},
            {"width", p.image_width},
            {"height", p.image_height},
            {"speed_ms",
             {{"preprocess", p.speed.preprocess_ms}, {"inference", p.speed.inference_ms}, {"postprocess", p.speed.postprocess_ms}}}};
  if (p.task == vision::Task::Classify) {
    json classes = json::array();
    for (const auto& c : p.classes) classes.push_back({{"class_id", c.class_id}, {"label", c.label}, {"score", c.score}});
    j["classes"] = std::move(classes);
    return j;
  }
  json dets = json::array();
  for (const auto& d : p.detections) {
    json o = {{"class_id", d.class_id},
              {"label", d.label},
              {"score", d.score},
              {"box", {d.box.x1, d.box.y1, d.box.x2, d.box.y2}}};
    if (!d.keypoints.empty()) {
      json kps = json::array();
      for (const auto& k : d.keypoints) kps.push_back({k.x, k.y, k.visibility});
      o["keypoints"] = std::move(kps);
    }
    if (!d.mask.empty()) {
      o["mask"] = {{"size", {p.image_height, p.image_width}},
                   {"counts", vision::mask_to_rle(d.mask, p.image_width, p.image_height)}};
    }
    dets.push_back(std::move(o));
  }
  j["detections"] = std::move(dets);
  return j;
}

void print_speed(const vision::Speed& s, const char* prefix) {
  std::printf("%sSpeed: %.1f ms preprocess, %.1f ms inference, %.1f ms postprocess\n", prefix, s.preprocess_ms,
              s.inference_ms, s.postprocess_ms);
}

struct Run {
  const PredictOptions& opt;
  vision::Predictor& predictor;
  json results = json::array();
  vision::Speed total;
  int images = 0;

  std::string shape() const {
    return std::to_string(predictor.model().input_width) + "x" + std::to_string(predictor.model().input_height);
  }

  void record(const vision::Prediction& p, const std::string& source) {
    print_speed(p.speed, "  ");
    total.preprocess_ms += p.speed.preprocess_ms;
    total.inference_ms += p.speed.inference_ms;
    total.postprocess_ms += p.speed.postprocess_ms;
    ++images;
    if (!opt.json_path.empty()) results.push_back(to_json(p, source));
  }

  Status image(const fs::path& path, size_t index, size_t count) {
    HONE_ASSIGN_OR_RETURN(vision::Image im, vision::read_image(path.string()));
    HONE_ASSIGN_OR_RETURN(vision::Prediction p, predictor.predict(im.view()));
    std::printf("image %zu/%zu %s: %s %s\n", index + 1, count, path.string().c_str(), shape().c_str(), summary(p).c_str());
    record(p, path.string());
    if (!opt.save_dir.empty()) {
      vision::draw(im, p);
      HONE_RETURN_IF_ERROR(vision::write_image((fs::path(opt.save_dir) / path.filename()).string(), im.view()));
    }
    return Status::ok();
  }

  Status video(const fs::path& path) {
    HONE_ASSIGN_OR_RETURN(auto reader, vision::VideoReader::open(path.string()));
    std::unique_ptr<vision::VideoWriter> writer;
    const int64_t frames = reader->frame_count();
    vision::Image frame;
    for (int64_t i = 0;; ++i) {
      HONE_ASSIGN_OR_RETURN(bool more, reader->next(frame));
      if (!more) break;
      HONE_ASSIGN_OR_RETURN(vision::Prediction p, predictor.predict(frame.view()));
      std::printf("video (frame %lld/%s) %s: %s %s\n", static_cast<long long>(i + 1),
                  frames > 0 ? std::to_string(frames).c_str() : "?", path.string().c_str(), shape().c_str(),
                  summary(p).c_str());
      record(p, path.string() + "#" + std::to_string(i));
      if (!opt.save_dir.empty()) {
        if (!writer) {
          const std::string out = (fs::path(opt.save_dir) / path.stem()).string() + ".avi";
          HONE_ASSIGN_OR_RETURN(writer, vision::VideoWriter::open(out, frame.width, frame.height, reader->fps()));
        }
        vision::draw(frame, p);
        HONE_RETURN_IF_ERROR(writer->write(frame.view()));
      }
    }
    return Status::ok();
  }
};

// The files SOURCE names: itself, or a folder's images and videos in name order.
Result<std::vector<fs::path>> sources_of(const std::string& source) {
  std::error_code ec;
  const fs::path p(source);
  if (fs::is_regular_file(p, ec)) return std::vector<fs::path>{p};
  if (!fs::is_directory(p, ec)) return not_found("no such image, folder or video: " + source);
  std::vector<fs::path> files;
  for (const auto& e : fs::directory_iterator(p, ec)) {
    if (e.is_regular_file() && (is_image_path(e.path()) || is_video_path(e.path()))) files.push_back(e.path());
  }
  if (ec) return io_error("cannot list " + source + ": " + ec.message());
  std::sort(files.begin(), files.end());
  if (files.empty()) return invalid_argument("no images or videos in folder " + source);
  return files;
}

int predict_verb(const PredictOptions& opt) {
  auto task = vision::parse_task(opt.task);
  if (!task.is_ok()) return fail(task.status().message());
  auto sources = sources_of(opt.source);
  if (!sources.is_ok()) return fail(sources.status().message());
  if (!opt.save_dir.empty()) {
    std::error_code ec;
    fs::create_directories(opt.save_dir, ec);
    if (ec) return fail("cannot create --save directory " + opt.save_dir + ": " + ec.message());
  }
  vision::PredictorOptions popt;
  popt.task = *task;
  popt.imgsz = opt.imgsz;
  popt.threads = opt.threads;
  popt.timing_cache = opt.timing_cache;
  popt.progress = progress_printer();
  popt.post.conf = opt.conf;
  popt.post.iou = opt.iou;
  popt.post.max_det = opt.max_det;
  popt.post.agnostic = opt.agnostic;
  auto predictor = vision::Predictor::open(opt.model, popt);
  if (!predictor.is_ok()) return fail(predictor.status().to_string());

  Run run{opt, **predictor};
  const size_t count = sources->size();
  for (size_t i = 0; i < count; ++i) {
    const fs::path& path = (*sources)[i];
    const Status s = is_video_path(path) ? run.video(path) : run.image(path, i, count);
    if (!s.is_ok()) return fail(s.to_string());
  }
  if (run.images > 1) {
    const double n = run.images;
    print_speed({run.total.preprocess_ms / n, run.total.inference_ms / n, run.total.postprocess_ms / n}, "average ");
  }
  if (!opt.save_dir.empty()) std::printf("Results saved to %s\n", opt.save_dir.c_str());
  if (!opt.json_path.empty()) {
    const auto& model = (*predictor)->model();
    json doc = {{"model", opt.model},
                {"task", vision::task_name(model.task)},
                {"imgsz", {model.input_height, model.input_width}},
                {"conf", opt.conf},
                {"iou", opt.iou},
                {"max_det", opt.max_det},
                {"results", std::move(run.results)}};
    std::ofstream out(opt.json_path);
    out << doc.dump(1) << "\n";
    if (!out) return fail("cannot write --json file " + opt.json_path);
    std::printf("JSON written to %s\n", opt.json_path.c_str());
  }
  return 0;
}

}  // namespace

void register_predict(CLI::App& app, Actions& actions) {
  auto opt = std::make_shared<PredictOptions>();
  CLI::App* sub = app.add_subcommand("predict", "Run a YOLO model (detect/segment/pose/classify) on images or video");
  sub->add_option("model", opt->model, "YOLO model (.onnx) or engine file")->required();
  sub->add_option("source", opt->source, "Image, folder of images, or video file")->required();
  sub->add_option("--task", opt->task, "auto, detect, segment, pose or classify (auto: from the model)")
      ->capture_default_str();
  sub->add_option("--conf", opt->conf, "Confidence threshold")->capture_default_str()->check(CLI::Range(0.0, 1.0));
  sub->add_option("--iou", opt->iou, "NMS IoU threshold")->capture_default_str()->check(CLI::Range(0.0, 1.0));
  sub->add_option("--max-det", opt->max_det, "Maximum detections per image")->capture_default_str()->check(CLI::PositiveNumber);
  sub->add_option("--imgsz", opt->imgsz, "Input size for models with dynamic height/width (default: the model's)")
      ->check(CLI::PositiveNumber);
  sub->add_flag("--agnostic-nms", opt->agnostic, "NMS across classes");
  sub->add_option("--threads", opt->threads, "Threads (default: the engine's)")->check(CLI::PositiveNumber);
  sub->add_option("--timing-cache", opt->timing_cache, "Timing cache file when building from a model");
  sub->add_option("--save", opt->save_dir, "Write annotated images (and videos, as .avi) to this folder");
  sub->add_option("--json", opt->json_path, "Write every result to this JSON file");
  sub->callback([opt, &actions] { actions.push_back([opt] { return predict_verb(*opt); }); });
}

}  // namespace hone::cli
