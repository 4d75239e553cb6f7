// The `hone` tool at its boundary: exit codes and one-line errors for bad input, and the
// happy paths of `run` and `conformance`. Each test runs the real binary.
#include "cli/cli_fixture.hpp"

namespace hone {
namespace {

TEST_F(Cli, RunWritesOutputsThatRoundTrip) {
  Tensor x = Tensor::zeros(DataType::Float, {2, 3});
  for (int i = 0; i < 6; ++i) x.data<float>()[i] = static_cast<float>(i) * 0.5f;
  const auto model = identity_model();
  const auto in = write_tensor(x, "in.pb");
  auto r = hone("run " + model.string() + " --input " + in.string() + " --output-dir " + (dir_ / "outs").string());
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("output 0 'y': float [2,3]"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("time:"), std::string::npos);
  std::string name;
  auto back = onnx_import::read_datum_file(dir_ / "outs" / "output_0.pb", ir::Type::tensor(DataType::Float), &name);
  ASSERT_TRUE(back.is_ok()) << back.status().to_string();
  EXPECT_EQ(name, "y");
  EXPECT_TRUE(back->tensor.bit_equal(x));
}

TEST_F(Cli, RunGeneratesInputsForSymbolicDims) {
  onnx_import::ModelBuilder b;
  b.input("x", DataType::Float, {-1, 4});
  b.node("Identity", {"x"}, {"y"}, "id");
  b.output("y", DataType::Float, {-1, 4});
  const auto model = write_model(b.serialize());
  auto r = hone("run " + model.string() + " --shapes x:3x4");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("float [3,4]"), std::string::npos) << r.out;
  r = hone("run " + model.string() + " --shapes x:3x5x6");
  expect_one_line_error(r, "rank 3");
}

TEST_F(Cli, MissingFile) { expect_one_line_error(hone("run " + (dir_ / "nope.onnx").string()), "no such file"); }

TEST_F(Cli, NotAnOnnxFile) {
  const auto p = write_model("hello, I am a text file\n", "text.onnx");
  expect_one_line_error(hone("run " + p.string()), "not an ONNX model");
}

TEST_F(Cli, TruncatedModel) {
  onnx_import::ModelBuilder b;
  b.input("x", DataType::Float, {2, 3});
  b.initializer("w", Tensor::zeros(DataType::Float, {64}));
  b.node("Identity", {"x"}, {"y"}, "id");
  b.output("y", DataType::Float, {2, 3});
  const std::string bytes = b.serialize();
  const auto p = write_model(bytes.substr(0, bytes.size() / 2), "cut.onnx");
  auto r = hone("run " + p.string());
  EXPECT_NE(r.code, 0);
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
}

TEST_F(Cli, UnknownOperatorsAreListed) {
  onnx_import::ModelBuilder b;
  b.input("x", DataType::Float, {2});
  b.node("Foo", {"x"}, {"a"}, "x1");
  b.node("Bar", {"a"}, {"y"}, "y1");
  b.output("y");
  expect_one_line_error(hone("run " + write_model(b.serialize()).string()),
                        "2 unsupported operators: node 'x1' (Foo), node 'y1' (Bar)");
}

TEST_F(Cli, UnknownOpset) {
  onnx_import::ModelBuilder b(42);
  b.input("x", DataType::Float, {2});
  b.node("Identity", {"x"}, {"y"});
  b.output("y");
  expect_one_line_error(hone("run " + write_model(b.serialize()).string()), "opset 42");
}

TEST_F(Cli, CyclicGraph) {
  onnx_import::ModelBuilder b;
  b.input("x", DataType::Float, {2});
  b.node("Identity", {"b"}, {"a"}, "n1");
  b.node("Identity", {"a"}, {"b"}, "n2");
  b.output("b");
  expect_one_line_error(hone("run " + write_model(b.serialize()).string()), "cycle");
}

TEST_F(Cli, DanglingGraph) {
  onnx_import::ModelBuilder b;
  b.input("x", DataType::Float, {2});
  b.node("Identity", {"nowhere"}, {"y"}, "reader");
  b.output("y");
  expect_one_line_error(hone("run " + write_model(b.serialize()).string()),
                        "node 'reader' (Identity) reads 'nowhere', which no node, graph input or initializer produces");
}

TEST_F(Cli, AttributeOfWrongType) {
  onnx_import::ModelBuilder b;
  b.input("x", DataType::Float, {2, 3});
  b.node("Softmax", {"x"}, {"y"}, "sm", {{"axis", ir::Attribute::of_string("last")}});
  b.output("y");
  expect_one_line_error(hone("run " + write_model(b.serialize()).string()),
                        "node 'sm' (Softmax): attribute 'axis' has type STRING, expected INT");
}

TEST_F(Cli, RunsTheBuiltinNetwork) {
  auto r = hone("run builtin:tinynet");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("output 0 'probs': float [1,10]"), std::string::npos) << r.out;
  expect_one_line_error(hone("run builtin:nonesuch"), "no built-in model 'nonesuch'");
}

TEST_F(Cli, WrongInputCount) {
  const auto in = write_tensor(Tensor::zeros(DataType::Float, {2, 3}), "in.pb");
  expect_one_line_error(hone("run " + identity_model().string() + " --input " + in.string() + " --input " + in.string()),
                        "2 --input file(s) given, the model has 1 input(s)");
}

TEST_F(Cli, WrongInputDtype) {
  const auto in = write_tensor(Tensor::zeros(DataType::Int32, {2, 3}), "in.pb");
  expect_one_line_error(hone("run " + identity_model().string() + " --input " + in.string()),
                        "input 'x' has element type int32, the model expects float");
}

TEST_F(Cli, WrongInputShape) {
  const auto in = write_tensor(Tensor::zeros(DataType::Float, {3, 2}), "in.pb");
  expect_one_line_error(hone("run " + identity_model().string() + " --input " + in.string()),
                        "input 'x' has shape [3,2], the model expects [2,3]");
}

TEST_F(Cli, InputFileThatIsNotATensor) {
  const auto bad = write_model("garbage that is not a protobuf \xff\xff\xff", "in.pb");
  auto r = hone("run " + identity_model().string() + " --input " + bad.string());
  EXPECT_NE(r.code, 0);
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
}

TEST_F(Cli, UnknownFlagAndHelp) {
  expect_one_line_error(hone("run x.onnx --frobnicate"), "frobnicate");
  auto h = hone("run --help");
  EXPECT_EQ(h.code, 0);
  EXPECT_NE(h.out.find("--output-dir"), std::string::npos);
  EXPECT_EQ(hone("conformance --help").code, 0);
}

TEST_F(Cli, ConformanceRunsASuiteLayout) {
  // One passing and one failing test in the suite's folder layout.
  for (const std::string name : {"test_good", "test_bad"}) {
    fs::create_directories(dir_ / "suite" / name / "test_data_set_0");
    std::ofstream(dir_ / "suite" / name / "model.onnx", std::ios::binary) << [] {
      onnx_import::ModelBuilder b;
      b.input("x", DataType::Float, {2});
      b.node("Identity", {"x"}, {"y"}, "id");
      b.output("y", DataType::Float, {2});
      return b.serialize();
    }();
    Tensor x = Tensor::from_vector<float>(DataType::Float, {2}, {1.0f, 2.0f});
    Tensor y = name == "test_good" ? x : Tensor::from_vector<float>(DataType::Float, {2}, {1.0f, 2.5f});
    const fs::path set = dir_ / "suite" / name / "test_data_set_0";
    ASSERT_TRUE(onnx_import::write_datum_file(set / "input_0.pb", Datum::of(x), "x").is_ok());
    ASSERT_TRUE(onnx_import::write_datum_file(set / "output_0.pb", Datum::of(y), "y").is_ok());
  }
  auto r = hone("conformance " + (dir_ / "suite").string());
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.out.find("FAIL test_bad: test_data_set_0 output 0 'y': 1 of 2 values differ; first at [1]: 2 vs expected 2.5"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("1 passed, 1 failed, 0 skipped"), std::string::npos) << r.out;
  EXPECT_EQ(hone("conformance " + (dir_ / "suite").string() + " --floor 1").code, 0);
}

}  // namespace
}  // namespace hone
