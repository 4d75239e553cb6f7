// Writes the ONNX models the C API tests (test_c_api.c) run, built in code with ModelBuilder
// so no model file is copied into the repository. Usage: c_api_make_models OUT_DIR
//   multi.onnx        inputs x float[N,4] (N dynamic), offset int64[1]; outputs of every
//                     common element type: y = Relu(x * w) float, y_f16, y_i32, y_u8 (casts
//                     of y), y_i64 = int64(y) + offset, y_i8 / y_bool (casts of x * w),
//                     with w = {1, -1, 2, 3}.
//   unsupported.onnx  one node of an operator Hone does not know ("NoSuchOp").
// and, for the vision calls (test_c_api.c's vision section, the C# tests, the examples):
//   det.onnx          tests/vision/tiny_yolo.hpp's detector: images [1,3,64,64] -> Conv 8x8
//                     stride 8 -> Sigmoid -> Reshape -> Mul -> output0 [1,6,64], 2 classes;
//   cls.onnx          its classifier: images [1,3,32,32] -> output0 [1,5];
//   seg.onnx          the detector's head with 2 classes + 32 mask coefficients (output0
//                     [1,38,64]) and prototypes output1 [1,32,16,16] (Conv 4x4 stride 4 ->
//                     Sigmoid); coefficients and prototypes are positive, so every mask
//                     covers its whole box;
//   pose.onnx         the head with 1 class + 17 keypoints x (x, y, visibility): [1,56,64];
//   echo.onnx         images float [1,3,8,12] -> out = images * 2 (reads preprocessing back);
//   echo_nhwc.onnx    the same over [1,8,12,3];  echo_dyn.onnx  over [1,3,H,W] (H, W dynamic);
//   image.png         a 96x64 BGR test pattern (lossless, so decoding gives its pixels back).
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "hone/vision.hpp"
#include "import/onnx/model_builder.hpp"
#include "vision/tiny_yolo.hpp"

namespace {

using hone::DataType;
using hone::ir::Attribute;
using hone::onnx_import::ModelBuilder;

std::string multi_model() {
  ModelBuilder b(17);
  b.input("x", DataType::Float, {-1, 4});
  b.input("offset", DataType::Int64, {1});
  b.initializer("w", hone::Tensor::from_vector<float>(DataType::Float, {4}, {1.f, -1.f, 2.f, 3.f}));
  auto cast = [&](const std::string& in, const std::string& out, DataType to) {
    b.node("Cast", {in}, {out}, "cast_" + out, {{"to", Attribute::of_int(static_cast<int>(to))}});
  };
  b.node("Mul", {"x", "w"}, {"xw"}, "scale");
  b.node("Relu", {"xw"}, {"y"}, "relu");
  cast("y", "y_f16", DataType::Float16);
  cast("y", "y_i32", DataType::Int32);
  cast("y", "y_i64_raw", DataType::Int64);
  b.node("Add", {"y_i64_raw", "offset"}, {"y_i64"}, "add_offset");
  cast("y", "y_u8", DataType::UInt8);
  cast("xw", "y_i8", DataType::Int8);
  cast("xw", "y_bool", DataType::Bool);
  b.output("y", DataType::Float, {-1, 4});
  b.output("y_f16", DataType::Float16, {-1, 4});
  b.output("y_i32", DataType::Int32, {-1, 4});
  b.output("y_i64", DataType::Int64, {-1, 4});
  b.output("y_u8", DataType::UInt8, {-1, 4});
  b.output("y_i8", DataType::Int8, {-1, 4});
  b.output("y_bool", DataType::Bool, {-1, 4});
  return b.serialize();
}

std::string unsupported_model() {
  ModelBuilder b(17);
  b.input("x", DataType::Float, {1, 4});
  b.node("NoSuchOp", {"x"}, {"y"}, "mystery");
  b.output("y", DataType::Float, {1, 4});
  return b.serialize();
}

// The tiny detector's head with other channels: images [1,3,size,size] -> Conv 8x8 stride 8
// -> Sigmoid -> Reshape [1, channels, cells] -> Mul by `scale` (per channel) -> output0.
void yolo_head(ModelBuilder& b, int size, const std::vector<float>& scale, uint32_t seed) {
  const auto channels = static_cast<int64_t>(scale.size());
  const int64_t cells = static_cast<int64_t>(size / 8) * (size / 8);
  b.input("images", DataType::Float, {1, 3, size, size});
  b.initializer("w", hone::testing::uniform_tensor({channels, 3, 8, 8}, seed, -0.05f, 0.05f));
  b.initializer("scale", hone::Tensor::from_vector(DataType::Float, {1, channels, 1}, scale));
  b.initializer("shape", hone::Tensor::from_vector(DataType::Int64, {3}, std::vector<int64_t>{1, channels, cells}));
  b.node("Conv", {"images", "w"}, {"conv"}, "conv", {{"strides", Attribute::of_ints({8, 8})}});
  b.node("Sigmoid", {"conv"}, {"sig"}, "sigmoid");
  b.node("Reshape", {"sig", "shape"}, {"flat"}, "reshape");
  b.node("Mul", {"flat", "scale"}, {"output0"}, "scale");
  b.output("output0", DataType::Float, {1, channels, cells});
}

// Box channels: centers over the whole input, sizes up to a third of it (as tiny_detector).
std::vector<float> box_scale(int size) {
  const auto s = static_cast<float>(size);
  return {s, s, s / 3, s / 3};
}

std::string segment_model(int size = 64) {
  ModelBuilder b(12);
  std::vector<float> scale = box_scale(size);
  scale.resize(4 + 2 + 32, 1.f);  // 2 class scores, 32 mask coefficients in (0, 1)
  yolo_head(b, size, scale, 21);
  b.initializer("wp", hone::testing::uniform_tensor({32, 3, 4, 4}, 22, -0.05f, 0.05f));
  b.node("Conv", {"images", "wp"}, {"proto_conv"}, "proto_conv", {{"strides", Attribute::of_ints({4, 4})}});
  b.node("Sigmoid", {"proto_conv"}, {"output1"}, "proto_sigmoid");
  b.output("output1", DataType::Float, {1, 32, size / 4, size / 4});
  b.metadata("task", "segment");
  b.metadata("names", "{0: 'a', 1: 'b'}");
  b.metadata("imgsz", "[" + std::to_string(size) + ", " + std::to_string(size) + "]");
  return b.serialize();
}

std::string pose_model(int size = 64) {
  ModelBuilder b(12);
  std::vector<float> scale = box_scale(size);
  scale.push_back(1.f);  // the person score
  for (int k = 0; k < 17; ++k) scale.insert(scale.end(), {static_cast<float>(size), static_cast<float>(size), 1.f});
  yolo_head(b, size, scale, 31);
  b.metadata("task", "pose");
  b.metadata("names", "{0: 'person'}");
  b.metadata("kpt_shape", "[17, 3]");
  b.metadata("imgsz", "[" + std::to_string(size) + ", " + std::to_string(size) + "]");
  return b.serialize();
}

// out = images * 2 over `shape`: what the vision calls bound, doubled (exact in float).
std::string echo_model(const hone::Shape& shape) {
  ModelBuilder b(12);
  b.input("images", DataType::Float, shape);
  b.initializer("two", hone::Tensor::from_vector<float>(DataType::Float, {1}, {2.f}));
  b.node("Mul", {"images", "two"}, {"out"}, "double");
  b.output("out", DataType::Float, shape);
  return b.serialize();
}

// A 96x64 BGR pattern: B = 2x + y, G = 3y, R = x XOR y (mod 256), every channel different.
hone::vision::Image test_image() {
  hone::vision::Image image;
  image.width = 96;
  image.height = 64;
  image.pixels.resize(96 * 64 * 3);
  for (int y = 0; y < 64; ++y) {
    for (int x = 0; x < 96; ++x) {
      uint8_t* p = image.pixels.data() + (y * 96 + x) * 3;
      p[0] = static_cast<uint8_t>(2 * x + y);
      p[1] = static_cast<uint8_t>(3 * y);
      p[2] = static_cast<uint8_t>(x ^ y);
    }
  }
  return image;
}

bool write(const std::filesystem::path& path, const std::string& bytes) {
  std::ofstream f(path, std::ios::binary);
  f.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  f.close();
  if (!f) std::fprintf(stderr, "c_api_make_models: cannot write '%s'\n", path.c_str());
  return static_cast<bool>(f);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: c_api_make_models OUT_DIR\n");
    return 2;
  }
  const std::filesystem::path dir = argv[1];
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  bool ok = write(dir / "multi.onnx", multi_model()) && write(dir / "unsupported.onnx", unsupported_model()) &&
            write(dir / "det.onnx", hone::testing::tiny_detector(64, 2)) &&
            write(dir / "cls.onnx", hone::testing::tiny_classifier(32, 5)) && write(dir / "seg.onnx", segment_model()) &&
            write(dir / "pose.onnx", pose_model()) && write(dir / "echo.onnx", echo_model({1, 3, 8, 12})) &&
            write(dir / "echo_nhwc.onnx", echo_model({1, 8, 12, 3})) &&
            write(dir / "echo_dyn.onnx", echo_model({1, 3, -1, -1}));
  if (ok) {
    const hone::Status s = hone::vision::write_image((dir / "image.png").string(), test_image().view());
    if (!s.is_ok()) std::fprintf(stderr, "c_api_make_models: %s\n", s.to_string().c_str());
    ok = s.is_ok();
  }
  return ok ? 0 : 1;
}
