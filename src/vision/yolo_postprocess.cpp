// YOLO post-processing (vision.hpp): the model description from shapes and Ultralytics
// metadata (describe_model), and raw outputs -> Prediction (postprocess): confidence filter,
// NMS, boxes / keypoints mapped back to the original image, instance masks from prototypes,
// classification top-k. The pieces are declared in yolo_postprocess.hpp.
#include "vision/yolo_postprocess.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <limits>
#include <numeric>
#include <optional>

#include "vision/mask_kernels.hpp"
#include "vision/nms.hpp"

namespace hone::vision {
namespace {

// ---------------------------------------------------------------------------------------------
// Python literal parsing (Ultralytics metadata values are str() of Python objects)

class LiteralParser {
 public:
  LiteralParser(std::string_view text, const char* what) : text_(text), what_(what) {}

  void skip_space() {
    while (pos_ < text_.size() && std::isspace(static_cast<unsigned char>(text_[pos_]))) ++pos_;
  }
  bool at_end() const { return pos_ >= text_.size(); }
  char peek() const { return at_end() ? '\0' : text_[pos_]; }
  bool consume(char c) {
    skip_space();
    if (peek() != c) return false;
    ++pos_;
    return true;
  }

  Status error(const std::string& expected) const {
    constexpr size_t kQuote = 60;
    std::string shown(text_.substr(0, kQuote));
    if (text_.size() > kQuote) shown += "...";
    return invalid_argument(std::string("metadata ") + what_ + ": expected " + expected + " at offset " +
                            std::to_string(pos_) + " of \"" + shown + "\"");
  }

  Result<int64_t> integer() {
    skip_space();
    const size_t start = pos_;
    if (peek() == '-' || peek() == '+') ++pos_;
    const size_t digits = pos_;
    int64_t value = 0;
    while (!at_end() && std::isdigit(static_cast<unsigned char>(peek()))) {
      if (value > (std::numeric_limits<int64_t>::max() - 9) / 10) return error("a smaller integer");
      value = value * 10 + (peek() - '0');
      ++pos_;
    }
    if (pos_ == digits) {
      pos_ = start;
      return error("an integer");
    }
    return text_[start] == '-' ? -value : value;
  }

  // A Python string literal as repr() writes it: '...' or "...", backslash escapes.
  Result<std::string> string() {
    skip_space();
    const char quote = peek();
    if (quote != '\'' && quote != '"') return error("a quoted string");
    ++pos_;
    std::string out;
    while (true) {
      if (at_end()) return error("a closing quote");
      const char c = text_[pos_++];
      if (c == quote) return out;
      if (c != '\\') {
        out += c;
        continue;
      }
      if (at_end()) return error("an escape");
      const char e = text_[pos_++];
      switch (e) {
        case '\\': out += '\\'; break;
        case '\'': out += '\''; break;
        case '"': out += '"'; break;
        case 'n': out += '\n'; break;
        case 'r': out += '\r'; break;
        case 't': out += '\t'; break;
        case 'a': out += '\a'; break;
        case 'b': out += '\b'; break;
        case 'f': out += '\f'; break;
        case 'v': out += '\v'; break;
        case 'x': HONE_RETURN_IF_ERROR(code_point(2, out)); break;
        case 'u': HONE_RETURN_IF_ERROR(code_point(4, out)); break;
        case 'U': HONE_RETURN_IF_ERROR(code_point(8, out)); break;
        default:
          if (e >= '0' && e <= '7') {
            uint32_t value = static_cast<uint32_t>(e - '0');
            for (int i = 0; i < 2 && peek() >= '0' && peek() <= '7'; ++i) value = value * 8 + (text_[pos_++] - '0');
            append_utf8(value, out);
          } else {
            out += '\\';  // Python keeps unknown escapes as written
            out += e;
          }
      }
    }
  }

 private:
  // \xhh, \uhhhh, \Uhhhhhhhh: the code point, written as UTF-8.
  Status code_point(int digits, std::string& out) {
    uint32_t value = 0;
    for (int i = 0; i < digits; ++i) {
      const char h = peek();
      if (!std::isxdigit(static_cast<unsigned char>(h))) return error(std::to_string(digits) + " hex digits");
      value = value * 16 + static_cast<uint32_t>(std::isdigit(static_cast<unsigned char>(h)) ? h - '0'
                                                                                             : std::tolower(h) - 'a' + 10);
      ++pos_;
    }
    if (value > 0x10FFFF) return error("a code point up to U+10FFFF");
    append_utf8(value, out);
    return Status::ok();
  }

  static void append_utf8(uint32_t cp, std::string& out) {
    if (cp < 0x80) {
      out += static_cast<char>(cp);
    } else if (cp < 0x800) {
      out += static_cast<char>(0xC0 | (cp >> 6));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
      out += static_cast<char>(0xE0 | (cp >> 12));
      out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
      out += static_cast<char>(0xF0 | (cp >> 18));
      out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
      out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    }
  }

  std::string_view text_;
  const char* what_;
  size_t pos_ = 0;
};

// ---------------------------------------------------------------------------------------------
// Shapes and metadata

std::string dims_to_string(const Shape& shape) {
  std::string s = "[";
  for (size_t i = 0; i < shape.size(); ++i) {
    if (i) s += ",";
    s += shape[i] < 0 ? std::string("?") : std::to_string(shape[i]);
  }
  return s + "]";
}

std::string desc_to_string(const TensorDesc& d) {
  return (d.name.empty() ? std::string("(unnamed)") : d.name) + " " + (d.has_shape ? dims_to_string(d.shape) : "[?]");
}

std::string outputs_to_string(const std::vector<TensorDesc>& outputs) {
  std::string s;
  for (const TensorDesc& d : outputs) s += (s.empty() ? "" : ", ") + desc_to_string(d);
  return s.empty() ? std::string("none") : s;
}

const std::string* find_metadata(const std::vector<std::pair<std::string, std::string>>& metadata,
                                 std::string_view key) {
  for (const auto& [k, v] : metadata) {
    if (k == key) return &v;
  }
  return nullptr;
}

Result<int64_t> parse_single_int(std::string_view text, const char* what) {
  LiteralParser p(text, what);
  HONE_ASSIGN_OR_RETURN(int64_t v, p.integer());
  p.skip_space();
  if (!p.at_end()) return p.error("the end");
  return v;
}

// The model input's height and width: NCHW [n,3,h,w] or NHWC [n,h,w,3]; -1 where dynamic.
std::pair<int64_t, int64_t> input_height_width(const TensorDesc& input) {
  if (!input.has_shape || input.shape.size() != 4) return {-1, -1};
  const Shape& s = input.shape;
  if (s[1] != 3 && s[3] == 3) return {s[1], s[2]};
  return {s[2], s[3]};
}

const char* task_noun(Task task) {
  switch (task) {
    case Task::Detect: return "a detect";
    case Task::Segment: return "a segment";
    case Task::Pose: return "a pose";
    case Task::Classify: return "a classify";
    case Task::Auto: break;
  }
  return "an auto";
}

std::string id_label(int64_t id) { return std::to_string(id); }

// ---------------------------------------------------------------------------------------------
// Decoding helpers

Result<const Tensor*> find_output(const std::vector<Datum>& outputs, int64_t rank, const char* what) {
  for (const Datum& d : outputs) {
    if (d.is_tensor() && d.tensor.defined() && d.tensor.rank() == rank) {
      if (d.tensor.dtype() != DataType::Float) {
        return invalid_argument(std::string(what) + " output " + shape_to_string(d.tensor.shape()) + " is " +
                                std::string(dtype_name(d.tensor.dtype())) + "; postprocess reads float32 outputs only");
      }
      return &d.tensor;
    }
  }
  std::string shapes;
  for (const Datum& d : outputs) {
    shapes += shapes.empty() ? "" : ", ";
    shapes += d.is_tensor() && d.tensor.defined() ? shape_to_string(d.tensor.shape()) : std::string("(not a tensor)");
  }
  return invalid_argument(std::string("no rank-") + std::to_string(rank) + " " + what + " output among the outputs (" +
                          (shapes.empty() ? std::string("none") : shapes) + ")");
}

std::string label_of(const ModelInfo& model, int class_id) {
  if (class_id >= 0 && static_cast<size_t>(class_id) < model.names.size()) return model.names[static_cast<size_t>(class_id)];
  return id_label(class_id);
}

// One bilinear tap along an axis: output position -> the two source indices and the weight of
// the upper one. `position` is in source pixel-index coordinates (pixel i's center is i), as
// PyTorch's align_corners=False computes it: negative positions clamp to 0, the upper index
// to size - 1.
struct Tap {
  int lo = 0, hi = 0;
  float weight = 0;
};

Tap bilinear_tap(float position, int64_t size) {
  Tap t;
  const float p = std::max(position, 0.f);
  t.lo = static_cast<int>(std::min<int64_t>(static_cast<int64_t>(p), size - 1));
  t.hi = static_cast<int>(std::min<int64_t>(t.lo + 1, size - 1));
  t.weight = t.hi == t.lo ? 0.f : p - static_cast<float>(t.lo);
  return t;
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// Tasks

const char* task_name(Task task) {
  switch (task) {
    case Task::Auto: return "auto";
    case Task::Detect: return "detect";
    case Task::Segment: return "segment";
    case Task::Pose: return "pose";
    case Task::Classify: return "classify";
  }
  return "unknown";
}

Result<Task> parse_task(const std::string& name) {
  std::string lower(name);
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  for (Task t : {Task::Auto, Task::Detect, Task::Segment, Task::Pose, Task::Classify}) {
    if (lower == task_name(t)) return t;
  }
  return invalid_argument("unknown task '" + name + "' (expected detect, segment, pose, classify or auto)");
}

// ---------------------------------------------------------------------------------------------
// Metadata

Result<std::vector<std::pair<int64_t, std::string>>> parse_names(std::string_view text) {
  LiteralParser p(text, "names");
  std::vector<std::pair<int64_t, std::string>> entries;
  if (p.consume('{')) {
    if (!p.consume('}')) {
      while (true) {
        HONE_ASSIGN_OR_RETURN(int64_t id, p.integer());
        if (!p.consume(':')) return p.error("':'");
        HONE_ASSIGN_OR_RETURN(std::string label, p.string());
        entries.emplace_back(id, std::move(label));
        if (p.consume(',')) {
          if (p.consume('}')) break;  // trailing comma
          continue;
        }
        if (p.consume('}')) break;
        return p.error("',' or '}'");
      }
    }
  } else if (p.consume('[')) {
    if (!p.consume(']')) {
      while (true) {
        HONE_ASSIGN_OR_RETURN(std::string label, p.string());
        entries.emplace_back(static_cast<int64_t>(entries.size()), std::move(label));
        if (p.consume(',')) {
          if (p.consume(']')) break;
          continue;
        }
        if (p.consume(']')) break;
        return p.error("',' or ']'");
      }
    }
  } else {
    return p.error("'{' or '['");
  }
  p.skip_space();
  if (!p.at_end()) return p.error("the end");
  return entries;
}

Result<std::vector<int64_t>> parse_int_list(std::string_view text) {
  LiteralParser p(text, "integer list");
  std::vector<int64_t> values;
  char close = '\0';
  if (p.consume('[')) close = ']';
  else if (p.consume('(')) close = ')';
  if (!close) {
    HONE_ASSIGN_OR_RETURN(int64_t v, p.integer());
    values.push_back(v);
  } else if (!p.consume(close)) {
    while (true) {
      HONE_ASSIGN_OR_RETURN(int64_t v, p.integer());
      values.push_back(v);
      if (p.consume(',')) {
        if (p.consume(close)) break;
        continue;
      }
      if (p.consume(close)) break;
      return p.error(std::string("',' or '") + close + "'");
    }
  }
  p.skip_space();
  if (!p.at_end()) return p.error("the end");
  return values;
}

// ---------------------------------------------------------------------------------------------
// Model description

Result<std::vector<int64_t>> metadata_imgsz(const std::vector<std::pair<std::string, std::string>>& metadata) {
  const std::string* v = find_metadata(metadata, "imgsz");
  if (!v) return std::vector<int64_t>{};
  auto imgsz = parse_int_list(*v);
  if (!imgsz.is_ok() || imgsz->empty() || imgsz->size() > 2 || *std::min_element(imgsz->begin(), imgsz->end()) < 1) {
    return invalid_argument("metadata imgsz '" + *v + "' is not [height, width] or a size");
  }
  return imgsz;
}

Result<ModelInfo> describe_outputs(const std::vector<TensorDesc>& inputs, const std::vector<TensorDesc>& outputs,
                                   const std::vector<std::pair<std::string, std::string>>& metadata, Task requested) {
  const std::string shapes = outputs_to_string(outputs);
  auto fail = [&](const std::string& why) { return invalid_argument(why + " (outputs: " + shapes + ")"); };

  // Metadata first: a malformed value is an error even when the shapes would do without it.
  std::optional<Task> meta_task;
  if (const std::string* v = find_metadata(metadata, "task")) {
    auto t = parse_task(*v);
    if (!t.is_ok() || *t == Task::Auto) return fail("metadata task '" + *v + "' is not detect, segment, pose or classify");
    meta_task = *t;
  }
  std::optional<std::vector<std::pair<int64_t, std::string>>> names;
  if (const std::string* v = find_metadata(metadata, "names")) {
    HONE_ASSIGN_OR_RETURN(names, parse_names(*v));
  }
  std::vector<int64_t> kpt_shape;
  if (const std::string* v = find_metadata(metadata, "kpt_shape")) {
    HONE_ASSIGN_OR_RETURN(kpt_shape, parse_int_list(*v));
    if (kpt_shape.size() != 2 || kpt_shape[0] < 1 || (kpt_shape[1] != 2 && kpt_shape[1] != 3)) {
      return fail("metadata kpt_shape '" + *v + "' is not [keypoints, 2 or 3]");
    }
  }
  auto imgsz = metadata_imgsz(metadata);
  if (!imgsz.is_ok()) return fail(imgsz.status().message());
  ModelInfo info;
  if (const std::string* v = find_metadata(metadata, "stride")) {
    HONE_ASSIGN_OR_RETURN(int64_t stride, parse_single_int(*v, "stride"));
    if (stride < 1) return fail("metadata stride '" + *v + "' is not positive");
    info.stride = static_cast<int>(stride);
  }

  // The structure of the outputs: one [b,nc] (classify), one [b,C,N] or [b,N,C] (detect /
  // pose), or [b,C,N] + [b,nm,ph,pw] (segment).
  const TensorDesc* predictions = nullptr;
  const TensorDesc* protos = nullptr;
  const TensorDesc* scores = nullptr;
  std::vector<const TensorDesc*> tensors;
  for (const TensorDesc& d : outputs) {
    if (!d.is_tensor || !d.has_shape) return fail("output '" + d.name + "' has no known shape");
    tensors.push_back(&d);
  }
  if (tensors.size() == 1 && tensors[0]->shape.size() == 2) {
    scores = tensors[0];
  } else if (tensors.size() == 1 && tensors[0]->shape.size() == 3) {
    predictions = tensors[0];
  } else if (tensors.size() == 2 && tensors[0]->shape.size() + tensors[1]->shape.size() == 7 &&
             (tensors[0]->shape.size() == 3 || tensors[1]->shape.size() == 3)) {
    predictions = tensors[0]->shape.size() == 3 ? tensors[0] : tensors[1];
    protos = tensors[0]->shape.size() == 4 ? tensors[0] : tensors[1];
  } else {
    return fail("the outputs match no YOLO layout: expected [1,nc] (classify), [1,C,N] (detect, pose) or "
                "[1,C,N] + [1,32,ph,pw] (segment)");
  }
  // [1,56,N] is pose (4 + 1 + 17x3) or detect with 52 classes: pose only when the metadata
  // says so (task or kpt_shape), or when the caller asks for pose and the metadata is silent.
  Task shape_task = scores ? Task::Classify : protos ? Task::Segment : !kpt_shape.empty() ? Task::Pose : Task::Detect;
  if (!meta_task && shape_task == Task::Detect && requested == Task::Pose) shape_task = Task::Pose;
  info.task = meta_task.value_or(shape_task);
  const bool detect_like = info.task == Task::Detect || info.task == Task::Pose;
  if ((info.task == Task::Classify) != (scores != nullptr) || (info.task == Task::Segment) != (protos != nullptr) ||
      (detect_like && !predictions)) {
    return fail(std::string("metadata says task '") + task_name(info.task) + "' but the outputs are those of " +
                task_noun(shape_task) + " model");
  }
  if (requested != Task::Auto && requested != info.task) {
    return fail(std::string(task_noun(info.task)) + " model cannot run as task '" + task_name(requested) + "'");
  }

  const TensorDesc& main = scores ? *scores : *predictions;
  info.output_name = main.name;
  if (main.shape[0] > 1) {
    return fail("output '" + main.name + "' has batch " + std::to_string(main.shape[0]) + "; only batch 1 is supported");
  }
  int64_t extra = 0;  // channels after the class scores
  int64_t channels = 0;
  if (scores) {
    info.layout = OutputLayout::Scores;
    channels = main.shape[1];
    if (channels < 1) return fail("the class count of '" + main.name + "' must be static");
  } else {
    const int64_t d1 = main.shape[1], d2 = main.shape[2];
    if (d1 > 0 && (d2 < 0 || d1 <= d2)) {
      info.layout = OutputLayout::YoloV8;
      channels = d1;
    } else if (d2 > 0 && (d1 < 0 || d1 > d2)) {
      info.layout = OutputLayout::YoloV5;
      channels = d2;
    } else {
      return fail("the channel count of '" + main.name + "' must be static");
    }
    if (protos) {
      info.proto_name = protos->name;
      if (protos->shape[1] < 1) return fail("the prototype channels of '" + protos->name + "' must be static");
      info.mask_channels = static_cast<int>(protos->shape[1]);
      extra = info.mask_channels;
    }
    if (info.task == Task::Pose) {
      if (info.layout != OutputLayout::YoloV8) return fail("a pose model needs the YOLOv8 layout [1,C,N]");
      info.num_keypoints = kpt_shape.empty() ? 17 : static_cast<int>(kpt_shape[0]);
      info.keypoint_dims = kpt_shape.empty() ? 3 : static_cast<int>(kpt_shape[1]);
      extra = int64_t{info.num_keypoints} * info.keypoint_dims;
    }
  }
  const int64_t box_channels = info.layout == OutputLayout::Scores ? 0 : info.layout == OutputLayout::YoloV8 ? 4 : 5;
  const int64_t nc = channels - box_channels - extra;
  const std::string split = std::to_string(channels) + " = " +
                            (box_channels == 4   ? "4 box + "
                             : box_channels == 5 ? "4 box + 1 objectness + "
                                                 : "") +
                            "classes" +
                            (info.task == Task::Segment ? " + " + std::to_string(extra) + " mask coefficients"
                             : info.task == Task::Pose  ? " + " + std::to_string(info.num_keypoints) + "x" +
                                                             std::to_string(info.keypoint_dims) + " keypoints"
                                                        : "");
  if (nc < 1) {
    return fail("output '" + main.name + "' has " + std::to_string(channels) + " channels, too few for " +
                task_noun(info.task) + " model (" + split + ")");
  }
  info.num_classes = static_cast<int>(nc);
  if (names) {
    int64_t max_id = -1;
    for (const auto& [id, label] : *names) {
      if (id < 0) return fail("metadata names has the negative id " + std::to_string(id));
      max_id = std::max(max_id, id);
    }
    if (static_cast<int64_t>(names->size()) > nc || max_id >= nc) {
      return fail("metadata names has " + std::to_string(names->size()) + " entries (ids up to " +
                  std::to_string(max_id) + ") but output '" + main.name + "' has " + std::to_string(nc) +
                  " classes (" + split + ")");
    }
  }
  info.names.resize(static_cast<size_t>(nc));
  for (int64_t i = 0; i < nc; ++i) info.names[static_cast<size_t>(i)] = id_label(i);
  if (names) {
    for (auto& [id, label] : *names) info.names[static_cast<size_t>(id)] = label;
  }

  // The input size: the input's static H/W, else metadata imgsz ([h, w] or one size), else
  // Ultralytics' default for the task.
  const int64_t default_size = info.task == Task::Classify ? 224 : 640;
  int64_t height = default_size, width = default_size;
  if (!imgsz->empty()) {
    height = (*imgsz)[0];
    width = imgsz->size() > 1 ? (*imgsz)[1] : (*imgsz)[0];
  }
  for (const TensorDesc& in : inputs) {
    if (!in.is_tensor) continue;
    info.input_name = in.name;
    const auto [h, w] = input_height_width(in);
    if (h > 0) height = h;
    if (w > 0) width = w;
    break;
  }
  info.input_height = static_cast<int>(height);
  info.input_width = static_cast<int>(width);
  return info;
}

Result<ModelInfo> describe_model(const Engine& engine, Task requested) {
  static const std::vector<std::pair<std::string, std::string>> kNoMetadata;
  const auto& graph = engine.plan().graph;
  return describe_outputs(engine.inputs(), engine.outputs(), graph ? graph->metadata() : kNoMetadata, requested);
}

// ---------------------------------------------------------------------------------------------
// Detection decoding

int64_t extra_channel_offset(const ModelInfo& model) {
  return (model.layout == OutputLayout::YoloV5 ? 5 : 4) + model.num_classes;
}

int64_t expected_channels(const ModelInfo& model) {
  if (model.layout == OutputLayout::Scores) return model.num_classes;
  int64_t extra = 0;
  if (model.task == Task::Segment) extra = model.mask_channels;
  if (model.task == Task::Pose) extra = int64_t{model.num_keypoints} * model.keypoint_dims;
  return extra_channel_offset(model) + extra;
}

Result<PredictionMatrix> prediction_matrix(const ModelInfo& model, const Tensor& output) {
  const Shape& s = output.shape();
  const std::string layout = model.layout == OutputLayout::YoloV5 ? "[1,N,C]" : "[1,C,N]";
  if (output.dtype() != DataType::Float) {
    return invalid_argument("predictions output " + shape_to_string(s) + " is " + std::string(dtype_name(output.dtype())) +
                            "; postprocess reads float32 outputs only");
  }
  if (s.size() != 3 || model.layout == OutputLayout::Scores) {
    return invalid_argument("predictions output " + shape_to_string(s) + " is not " + layout);
  }
  if (s[0] != 1) {
    return invalid_argument("predictions output " + shape_to_string(s) + " has batch " + std::to_string(s[0]) +
                            "; postprocess takes batch 1 only");
  }
  PredictionMatrix m;
  m.data = output.data<float>();
  const bool v8 = model.layout == OutputLayout::YoloV8;
  m.channels = v8 ? s[1] : s[2];
  m.anchors = v8 ? s[2] : s[1];
  m.channel_stride = v8 ? m.anchors : 1;
  m.anchor_stride = v8 ? 1 : m.channels;
  if (m.channels != expected_channels(model) || model.num_classes < 1) {
    return invalid_argument("predictions output " + shape_to_string(s) + " has " + std::to_string(m.channels) +
                            " channels; the model's " + task_name(model.task) + " layout " + layout + " has " +
                            std::to_string(expected_channels(model)));
  }
  return m;
}

std::vector<Candidate> decode_candidates(const ModelInfo& model, const PredictionMatrix& predictions, float conf) {
  std::vector<Candidate> out;
  const int64_t anchors = predictions.anchors;
  const int nc = model.num_classes;
  if (anchors <= 0 || nc < 1) return out;
  auto box_of = [&](int64_t n) {
    // cx, cy, w, h -> x1, y1, x2, y2 (Ultralytics xywh2xyxy).
    const float cx = predictions.at(0, n), cy = predictions.at(1, n);
    const float half_w = predictions.at(2, n) / 2, half_h = predictions.at(3, n) / 2;
    return Box{cx - half_w, cy - half_h, cx + half_w, cy + half_h};
  };

  if (model.layout == OutputLayout::YoloV8) {
    // Class rows are contiguous over anchors (stride N between classes): keep a running
    // maximum and argmax per anchor while reading the rows one by one, so each row streams
    // through the cache once and the inner loop vectorizes.
    const float* rows = predictions.data + 4 * predictions.channel_stride;
    std::vector<float> best(rows, rows + anchors);
    std::vector<int32_t> best_class(static_cast<size_t>(anchors), 0);
    float* best_p = best.data();
    int32_t* class_p = best_class.data();
    for (int c = 1; c < nc; ++c) {
      const float* row = rows + c * predictions.channel_stride;
      for (int64_t n = 0; n < anchors; ++n) {
        // Strict: the first class wins ties (torch.max). The class update is a bit mask, not
        // a select: written as `greater ? c : class_p[n]` GCC leaves the loop scalar.
        const float v = row[n], b = best_p[n];
        const int32_t greater = -static_cast<int32_t>(v > b);
        best_p[n] = v > b ? v : b;
        class_p[n] = (c & greater) | (class_p[n] & ~greater);
      }
    }
    for (int64_t n = 0; n < anchors; ++n) {
      if (best_p[n] >= conf) out.push_back({box_of(n), best_p[n], class_p[n], static_cast<int>(n)});
    }
    return out;
  }

  // YOLOv5: a row per anchor; objectness filters first, then objectness x class score
  // (Ultralytics multiplies every class score by objectness, then takes the maximum).
  for (int64_t n = 0; n < anchors; ++n) {
    const float* row = predictions.data + n * predictions.anchor_stride;
    const float objectness = row[4];
    if (!(objectness >= conf)) continue;
    float best = objectness * row[5];
    int best_class = 0;
    for (int c = 1; c < nc; ++c) {
      const float s = objectness * row[5 + c];
      if (s > best) {
        best = s;
        best_class = c;
      }
    }
    if (best >= conf) out.push_back({box_of(n), best, best_class, static_cast<int>(n)});
  }
  return out;
}

std::vector<Candidate> select_detections(std::vector<Candidate> candidates, const PostprocessOptions& options) {
  if (candidates.size() > kMaxNmsCandidates) {
    // The best kMaxNmsCandidates by (score descending, anchor ascending), kept in that
    // order so NMS's tie break on index is still the anchor order.
    std::sort(candidates.begin(), candidates.end(), [](const Candidate& a, const Candidate& b) {
      return a.score != b.score ? a.score > b.score : a.anchor < b.anchor;
    });
    candidates.resize(kMaxNmsCandidates);
  }
  std::vector<ScoredBox> boxes(candidates.size());
  for (size_t i = 0; i < candidates.size(); ++i) boxes[i] = {candidates[i].box, candidates[i].score, candidates[i].class_id};
  const std::vector<int> keep = non_max_suppression(boxes, options.iou, options.max_det, options.agnostic);
  std::vector<Candidate> out;
  out.reserve(keep.size());
  for (int i : keep) out.push_back(candidates[static_cast<size_t>(i)]);
  return out;
}

Box box_to_source(const Box& b, const ImageTransform& t) {
  const float w = static_cast<float>(t.source_width), h = static_cast<float>(t.source_height);
  return Box{std::clamp(t.to_source_x(b.x1), 0.f, w), std::clamp(t.to_source_y(b.y1), 0.f, h),
             std::clamp(t.to_source_x(b.x2), 0.f, w), std::clamp(t.to_source_y(b.y2), 0.f, h)};
}

std::vector<Keypoint> decode_keypoints(const ModelInfo& model, const PredictionMatrix& predictions, int64_t anchor,
                                       const ImageTransform& t) {
  std::vector<Keypoint> out(static_cast<size_t>(std::max(model.num_keypoints, 0)));
  const int64_t first = extra_channel_offset(model);
  const int64_t dims = model.keypoint_dims;
  const float w = static_cast<float>(t.source_width), h = static_cast<float>(t.source_height);
  for (size_t k = 0; k < out.size(); ++k) {
    const int64_t c = first + static_cast<int64_t>(k) * dims;
    out[k].x = std::clamp(t.to_source_x(predictions.at(c, anchor)), 0.f, w);
    out[k].y = std::clamp(t.to_source_y(predictions.at(c + 1, anchor)), 0.f, h);
    out[k].visibility = dims >= 3 ? predictions.at(c + 2, anchor) : 1.f;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Masks

namespace {

// One mask being decoded: its rectangle in the original image, where its columns and rows
// sample the prototypes, and its logits over the prototype window those samples touch.
struct MaskJob {
  Mask* mask = nullptr;
  const float* coefficients = nullptr;
  std::vector<int32_t> col_lo, col_hi;  // relative to win_x0
  std::vector<float> col_weight;
  std::vector<Tap> rows;                // absolute prototype rows
  int win_x0 = 0, win_y0 = 0, win_w = 0, win_h = 0;
  std::vector<float> logits;            // win_h x win_w
};

// Sets up `job` for the box (rectangle, taps, window); false when the clipped box has no
// area (the mask stays empty, at the rectangle's corner).
bool plan_mask(const Prototypes& protos, const Box& box, const ImageTransform& t, Mask* mask, MaskJob* job) {
  auto clip = [](float v, int hi) { return static_cast<int>(std::clamp(v, 0.f, static_cast<float>(hi))); };
  const int x0 = clip(std::floor(box.x1), t.source_width), x1 = clip(std::ceil(box.x2), t.source_width);
  const int y0 = clip(std::floor(box.y1), t.source_height), y1 = clip(std::ceil(box.y2), t.source_height);
  *mask = Mask{};
  mask->x = x0;
  mask->y = y0;
  if (x1 <= x0 || y1 <= y0 || protos.width < 1 || protos.height < 1 || t.input_width < 1 || t.input_height < 1) return false;
  const int width = x1 - x0, height = y1 - y0;
  mask->width = width;
  mask->height = height;
  job->mask = mask;

  // Where each output column / row samples the prototypes: its pixel center in the original
  // image -> model input -> prototype pixel-index coordinates (prototype pixel i spans
  // [i, i + 1) in units of input_width / protos.width input pixels, centered at i + 0.5).
  const float to_proto_x = static_cast<float>(protos.width) / static_cast<float>(t.input_width);
  const float to_proto_y = static_cast<float>(protos.height) / static_cast<float>(t.input_height);
  job->col_lo.resize(static_cast<size_t>(width));
  job->col_hi.resize(static_cast<size_t>(width));
  job->col_weight.resize(static_cast<size_t>(width));
  for (int c = 0; c < width; ++c) {
    const Tap tap = bilinear_tap(t.to_input_x(static_cast<float>(x0 + c) + 0.5f) * to_proto_x - 0.5f, protos.width);
    job->col_lo[static_cast<size_t>(c)] = tap.lo;
    job->col_hi[static_cast<size_t>(c)] = tap.hi;
    job->col_weight[static_cast<size_t>(c)] = tap.weight;
  }
  job->rows.resize(static_cast<size_t>(height));
  for (int r = 0; r < height; ++r) {
    job->rows[static_cast<size_t>(r)] =
        bilinear_tap(t.to_input_y(static_cast<float>(y0 + r) + 0.5f) * to_proto_y - 0.5f, protos.height);
  }
  // The prototype window those taps touch (the mappings are increasing), its columns widened
  // to multiples of 8 so the logits kernel runs whole 8-column blocks.
  job->win_x0 = job->col_lo.front() / 8 * 8;
  job->win_w = static_cast<int>(std::min<int64_t>((job->col_hi.back() + 8) / 8 * 8, protos.width)) - job->win_x0;
  job->win_y0 = job->rows.front().lo;
  job->win_h = job->rows.back().hi + 1 - job->win_y0;
  for (int c = 0; c < width; ++c) {
    job->col_lo[static_cast<size_t>(c)] -= job->win_x0;
    job->col_hi[static_cast<size_t>(c)] -= job->win_x0;
  }
  job->logits.resize(static_cast<size_t>(job->win_w) * static_cast<size_t>(job->win_h));
  return true;
}

// Separable bilinear sampling of the job's logits, thresholded at `cut`. Along x, a logits
// row becomes an output-width row (a gather per column); two such rows are cached, since
// consecutive output rows mostly sample the same two prototype rows. Along y, each output row
// interpolates its two rows and thresholds them (contiguous, vectorized).
void sample_mask(const MaskJob& job, float cut, const MaskKernels& k, std::vector<float>& cache) {
  const int width = job.mask->width;
  cache.resize(2 * static_cast<size_t>(width));
  int cached[2] = {-1, -1};
  auto sampled = [&](int proto_row, int keep) {
    for (int s = 0; s < 2; ++s) {
      if (cached[s] == proto_row) return s;
    }
    const int s = keep == 0 ? 1 : 0;
    k.columns(job.logits.data() + static_cast<size_t>(proto_row - job.win_y0) * static_cast<size_t>(job.win_w),
              job.col_lo.data(), job.col_hi.data(), job.col_weight.data(), width,
              cache.data() + static_cast<size_t>(s) * static_cast<size_t>(width));
    cached[s] = proto_row;
    return s;
  };
  Mask& mask = *job.mask;
  mask.data.resize(static_cast<size_t>(width) * static_cast<size_t>(mask.height));
  for (int r = 0; r < mask.height; ++r) {
    const Tap& tap = job.rows[static_cast<size_t>(r)];
    const int lo = sampled(tap.lo, -1);
    const int hi = sampled(tap.hi, lo);
    k.threshold(cache.data() + static_cast<size_t>(lo) * static_cast<size_t>(width),
                cache.data() + static_cast<size_t>(hi) * static_cast<size_t>(width), tap.weight, cut, width,
                mask.data.data() + static_cast<size_t>(r) * static_cast<size_t>(width));
  }
}

}  // namespace

std::vector<Mask> decode_masks(std::span<const float> coefficients, std::span<const Box> boxes, const Prototypes& protos,
                               const ImageTransform& t, float threshold, const MaskKernels* kernels) {
  const MaskKernels& k = kernels ? *kernels : mask_kernels();
  std::vector<Mask> masks(boxes.size());
  const size_t channels = static_cast<size_t>(std::max<int64_t>(protos.channels, 0));
  if (coefficients.size() < boxes.size() * channels) return masks;
  std::vector<MaskJob> jobs;
  jobs.reserve(boxes.size());
  for (size_t i = 0; i < boxes.size(); ++i) {
    MaskJob job;
    job.coefficients = coefficients.data() + i * channels;
    if (plan_mask(protos, boxes[i], t, &masks[i], &job)) jobs.push_back(std::move(job));
  }

  // logits = coefficients . prototypes over each job's window, band by band: 8 prototype rows
  // of every channel (32 x 8 x 160 floats, 160 KiB) serve all the windows that cross them while
  // they are in cache, so the prototypes come from memory once however much the boxes overlap
  // (window by window, 300 large boxes would read them ~70 times over).
  constexpr int kBandRows = 8;
  const int64_t plane = protos.height * protos.width;
  for (int band = 0; band < protos.height; band += kBandRows) {
    for (MaskJob& job : jobs) {
      const int y0 = std::max(job.win_y0, band), y1 = std::min(job.win_y0 + job.win_h, band + kBandRows);
      if (y0 >= y1) continue;
      k.logits(job.coefficients, static_cast<int64_t>(channels), protos.data + int64_t{y0} * protos.width + job.win_x0,
               plane, protos.width, job.win_w, y1 - y0,
               job.logits.data() + static_cast<size_t>(y0 - job.win_y0) * static_cast<size_t>(job.win_w), job.win_w);
    }
  }

  // sigmoid(v) > t  <=>  v > log(t / (1 - t)); t <= 0 keeps every pixel, t >= 1 none.
  const float cut = threshold <= 0.f   ? -std::numeric_limits<float>::infinity()
                    : threshold >= 1.f ? std::numeric_limits<float>::infinity()
                                       : std::log(threshold / (1.f - threshold));
  std::vector<float> cache;
  for (MaskJob& job : jobs) {
    sample_mask(job, cut, k, cache);
    std::vector<float>().swap(job.logits);  // free as we go
  }
  return masks;
}

Mask decode_mask(std::span<const float> coefficients, const Prototypes& protos, const Box& box,
                 const ImageTransform& t, float threshold, const MaskKernels* kernels) {
  std::vector<float> c(coefficients.begin(), coefficients.end());
  c.resize(static_cast<size_t>(std::max<int64_t>(protos.channels, 0)), 0.f);
  return std::move(decode_masks(c, std::span<const Box>(&box, 1), protos, t, threshold, kernels)[0]);
}

// ---------------------------------------------------------------------------------------------
// Classification

bool is_probability_distribution(std::span<const float> scores) {
  double sum = 0;
  for (float s : scores) {
    if (!(s >= 0.f && s <= 1.f)) return false;
    sum += s;
  }
  return std::abs(sum - 1.0) <= 1e-3;
}

std::vector<float> softmax(std::span<const float> logits) {
  std::vector<float> out(logits.size());
  if (logits.empty()) return out;
  const float max = *std::max_element(logits.begin(), logits.end());
  double sum = 0;
  for (size_t i = 0; i < logits.size(); ++i) {
    out[i] = std::exp(logits[i] - max);
    sum += out[i];
  }
  const float inv = static_cast<float>(1.0 / sum);
  for (float& v : out) v *= inv;
  return out;
}

std::vector<Classification> top_k(std::span<const float> scores, int k, const std::vector<std::string>& names) {
  const size_t count = std::min(scores.size(), static_cast<size_t>(std::max(k, 0)));
  std::vector<int> ids(scores.size());
  std::iota(ids.begin(), ids.end(), 0);
  std::partial_sort(ids.begin(), ids.begin() + static_cast<std::ptrdiff_t>(count), ids.end(), [&](int a, int b) {
    const float sa = scores[static_cast<size_t>(a)], sb = scores[static_cast<size_t>(b)];
    return sa != sb ? sa > sb : a < b;
  });
  std::vector<Classification> out(count);
  for (size_t i = 0; i < count; ++i) {
    const int id = ids[i];
    out[i].class_id = id;
    out[i].score = scores[static_cast<size_t>(id)];
    out[i].label = static_cast<size_t>(id) < names.size() ? names[static_cast<size_t>(id)] : id_label(id);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// postprocess

Result<Prediction> postprocess(const ModelInfo& model, const std::vector<Datum>& outputs,
                               const ImageTransform& transform, const PostprocessOptions& options) {
  Prediction prediction;
  prediction.task = model.task;
  prediction.image_width = transform.source_width;
  prediction.image_height = transform.source_height;

  if (model.layout == OutputLayout::Scores || model.task == Task::Classify) {
    if (model.layout != OutputLayout::Scores || model.task != Task::Classify) {
      return invalid_argument("model info pairs task '" + std::string(task_name(model.task)) +
                              "' with another task's output layout");
    }
    HONE_ASSIGN_OR_RETURN(const Tensor* scores, find_output(outputs, 2, "scores"));
    const Shape& s = scores->shape();
    if (s[0] != 1) {
      return invalid_argument("scores output " + shape_to_string(s) + " has batch " + std::to_string(s[0]) +
                              "; postprocess takes batch 1 only");
    }
    if (model.num_classes > 0 && s[1] != model.num_classes) {
      return invalid_argument("scores output " + shape_to_string(s) + " does not have the model's " +
                              std::to_string(model.num_classes) + " classes");
    }
    std::span<const float> values(scores->data<float>(), static_cast<size_t>(s[1]));
    std::vector<float> probabilities;
    if (!is_probability_distribution(values)) {
      probabilities = softmax(values);
      values = probabilities;
    }
    prediction.classes = top_k(values, options.top_k, model.names);
    return prediction;
  }

  if (transform.source_width < 1 || transform.source_height < 1 || !(transform.scale_x > 0) || !(transform.scale_y > 0)) {
    return invalid_argument("image transform has no source size or scale (source " + std::to_string(transform.source_width) +
                            "x" + std::to_string(transform.source_height) + ")");
  }
  // The input size the prototypes are a fraction of: the transform's, else the model's.
  ImageTransform t = transform;
  if (t.input_width < 1) t.input_width = model.input_width;
  if (t.input_height < 1) t.input_height = model.input_height;

  HONE_ASSIGN_OR_RETURN(const Tensor* output, find_output(outputs, 3, "predictions"));
  HONE_ASSIGN_OR_RETURN(PredictionMatrix predictions, prediction_matrix(model, *output));
  Prototypes protos;
  if (model.task == Task::Segment) {
    HONE_ASSIGN_OR_RETURN(const Tensor* p, find_output(outputs, 4, "prototypes"));
    const Shape& s = p->shape();
    if (s[0] != 1 || s[1] != model.mask_channels) {
      return invalid_argument("prototypes output " + shape_to_string(s) + " is not [1," +
                              std::to_string(model.mask_channels) + ",h,w]");
    }
    protos = {p->data<float>(), s[1], s[2], s[3]};
  }

  const std::vector<Candidate> kept =
      select_detections(decode_candidates(model, predictions, options.conf), options);
  prediction.detections.resize(kept.size());
  for (size_t i = 0; i < kept.size(); ++i) {
    const Candidate& k = kept[i];
    Detection& d = prediction.detections[i];
    d.box = box_to_source(k.box, t);
    d.class_id = k.class_id;
    d.score = k.score;
    d.label = label_of(model, k.class_id);
    if (model.task == Task::Pose) d.keypoints = decode_keypoints(model, predictions, k.anchor, t);
  }
  if (model.task == Task::Segment && !kept.empty()) {
    // Every kept detection's mask coefficients (n x mask_channels) and box, decoded together.
    const size_t nm = static_cast<size_t>(model.mask_channels);
    const int64_t first = extra_channel_offset(model);
    std::vector<float> coefficients(kept.size() * nm);
    std::vector<Box> boxes(kept.size());
    for (size_t i = 0; i < kept.size(); ++i) {
      for (size_t c = 0; c < nm; ++c) coefficients[i * nm + c] = predictions.at(first + static_cast<int64_t>(c), kept[i].anchor);
      boxes[i] = prediction.detections[i].box;
    }
    std::vector<Mask> masks = decode_masks(coefficients, boxes, protos, t, options.mask_threshold);
    for (size_t i = 0; i < kept.size(); ++i) prediction.detections[i].mask = std::move(masks[i]);
  }
  return prediction;
}

}  // namespace hone::vision
