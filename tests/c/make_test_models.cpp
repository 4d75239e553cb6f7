// Writes the ONNX models the C API tests (test_c_api.c) run, built in code with ModelBuilder
// so no model file is copied into the repository. Usage: c_api_make_models OUT_DIR
//   multi.onnx        inputs x float[N,4] (N dynamic), offset int64[1]; outputs of every
//                     common element type: y = Relu(x * w) float, y_f16, y_i32, y_u8 (casts
//                     of y), y_i64 = int64(y) + offset, y_i8 / y_bool (casts of x * w),
//                     with w = {1, -1, 2, 3}.
//   unsupported.onnx  one node of an operator Hone does not know ("NoSuchOp").
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

#include "import/onnx/model_builder.hpp"

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
  const bool ok = write(dir / "multi.onnx", multi_model()) && write(dir / "unsupported.onnx", unsupported_model());
  return ok ? 0 : 1;
}
