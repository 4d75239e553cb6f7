// Tiny YOLO-shaped ONNX models built in code for the vision and CLI tests (shared models are
// optional): a detector whose output0 is [1, 4 + classes, cells] like YOLOv8's, and a
// classifier with a [1, classes] output, each with Ultralytics-style metadata.
#pragma once

#include <random>
#include <string>
#include <vector>

#include "core/tensor.hpp"
#include "import/onnx/model_builder.hpp"

namespace hone::testing {

inline Tensor uniform_tensor(Shape shape, uint32_t seed, float lo, float hi) {
  Tensor t = Tensor::zeros(DataType::Float, std::move(shape));
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> dist(lo, hi);
  for (int64_t i = 0; i < t.numel(); ++i) t.data<float>()[i] = dist(rng);
  return t;
}

// images [1,3,size,size] -> Conv 8x8 stride 8 -> Sigmoid -> x (size, size, size/3, size/3, 1...)
// -> output0 [1, 4 + classes, (size/8)^2]: boxes in input pixels, class scores in (0,1).
inline std::string tiny_detector(int size = 64, int classes = 2, uint32_t seed = 7) {
  const int64_t cells = static_cast<int64_t>(size / 8) * (size / 8);
  const int64_t channels = 4 + classes;
  onnx_import::ModelBuilder b(12);
  b.input("images", DataType::Float, {1, 3, size, size});
  b.initializer("w", uniform_tensor({channels, 3, 8, 8}, seed, -0.05f, 0.05f));
  std::vector<float> scale(static_cast<size_t>(channels), 1.f);
  scale[0] = scale[1] = static_cast<float>(size);
  scale[2] = scale[3] = static_cast<float>(size) / 3;
  b.initializer("scale", Tensor::from_vector(DataType::Float, {1, channels, 1}, scale));
  b.initializer("shape", Tensor::from_vector(DataType::Int64, {3}, std::vector<int64_t>{1, channels, cells}));
  b.node("Conv", {"images", "w"}, {"conv"}, "conv", {{"strides", ir::Attribute::of_ints({8, 8})}});
  b.node("Sigmoid", {"conv"}, {"sig"}, "sigmoid");
  b.node("Reshape", {"sig", "shape"}, {"flat"}, "reshape");
  b.node("Mul", {"flat", "scale"}, {"output0"}, "scale");
  b.output("output0", DataType::Float, {1, channels, cells});
  std::string names = "{";
  for (int c = 0; c < classes; ++c) names += (c ? ", " : "") + std::to_string(c) + ": 'thing" + std::to_string(c) + "'";
  b.metadata("task", "detect");
  b.metadata("names", names + "}");
  b.metadata("imgsz", "[" + std::to_string(size) + ", " + std::to_string(size) + "]");
  b.metadata("stride", "8");
  return b.serialize();
}

// images [1,3,size,size] -> GlobalAveragePool -> Flatten -> Gemm -> output0 [1, classes].
inline std::string tiny_classifier(int size = 32, int classes = 5, uint32_t seed = 11) {
  onnx_import::ModelBuilder b(12);
  b.input("images", DataType::Float, {1, 3, size, size});
  b.initializer("w", uniform_tensor({classes, 3}, seed, -1.f, 1.f));
  b.initializer("bias", uniform_tensor({classes}, seed + 1, -1.f, 1.f));
  b.node("GlobalAveragePool", {"images"}, {"pool"}, "pool");
  b.node("Flatten", {"pool"}, {"flat"}, "flatten");
  b.node("Gemm", {"flat", "w", "bias"}, {"output0"}, "fc", {{"transB", ir::Attribute::of_int(1)}});
  b.output("output0", DataType::Float, {1, classes});
  b.metadata("task", "classify");
  b.metadata("imgsz", "[" + std::to_string(size) + ", " + std::to_string(size) + "]");
  return b.serialize();
}

}  // namespace hone::testing
