// The fixture of the CLI tests: runs the real `hone` binary in a per-test temporary folder
// and captures its exit code, stdout and stderr.
#pragma once

#include <gtest/gtest.h>
#include <sys/wait.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "import/onnx/model_builder.hpp"
#include "import/onnx/tensor_proto.hpp"

namespace hone {

namespace fs = std::filesystem;

struct CliResult {
  int code;
  std::string out;
  std::string err;
};

class Cli : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("hone_cli_" + std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  CliResult hone(const std::string& args) {
    const std::string cmd = std::string(HONE_CLI_PATH) + " " + args + " >" + (dir_ / "out.txt").string() + " 2>" +
                            (dir_ / "err.txt").string();
    const int status = std::system(cmd.c_str());
    return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, slurp(dir_ / "out.txt"), slurp(dir_ / "err.txt")};
  }
  static std::string slurp(const fs::path& p) {
    std::ifstream in(p);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
  }
  fs::path write_model(const std::string& bytes, const std::string& name = "model.onnx") {
    const fs::path p = dir_ / name;
    std::ofstream(p, std::ios::binary) << bytes;
    return p;
  }
  fs::path write_tensor(const Tensor& t, const std::string& name) {
    const fs::path p = dir_ / name;
    EXPECT_TRUE(onnx_import::write_datum_file(p, Datum::of(t), "x").is_ok());
    return p;
  }
  // y = Identity(x), x: float[2,3]
  fs::path identity_model() {
    onnx_import::ModelBuilder b;
    b.input("x", DataType::Float, {2, 3});
    b.node("Identity", {"x"}, {"y"}, "id");
    b.output("y", DataType::Float, {2, 3});
    return write_model(b.serialize());
  }
  static void expect_one_line_error(const CliResult& r, const std::string& needle) {
    // 1: the verb failed, 2: the command line did not parse; anything else (a signal) is a crash.
    EXPECT_TRUE(r.code == 1 || r.code == 2) << "exit code " << r.code;
    EXPECT_NE(r.err.find(needle), std::string::npos) << "stderr: " << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << "stderr: " << r.err;
  }
  fs::path dir_;
};

}  // namespace hone
