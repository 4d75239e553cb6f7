// Layout planning: convolutions and the layers between them move to the blocked channel layout
// with reorders only at the borders; the graph computes what it computed (reference executor,
// within 1e-5), graph outputs keep their names, and layers that cannot work blocked stay plain.
#include <filesystem>
#include <fstream>

#include "import/onnx/model_builder.hpp"
#include "import/onnx/onnx_importer.hpp"
#include "passes/layer_fusion_test_util.hpp"
#include "passes/pass_harness.hpp"
#include "passes/passes.hpp"

namespace hone::testing {
namespace {

using ir::Attribute;
using onnx_import::ModelBuilder;

ir::Attribute ints(std::vector<int64_t> v) { return Attribute::of_ints(std::move(v)); }

// Adds conv `name` reading `in` (c_in channels) writing `out` (c_out), kernel k, pads k/2.
void conv(ModelBuilder& b, const std::string& name, const std::string& in, const std::string& out, int64_t c_in,
          int64_t c_out, int64_t k, uint64_t seed, int64_t group = 1) {
  b.initializer(name + "_w", random_floats({c_out, c_in / group, k, k}, seed, -0.3f, 0.3f));
  b.initializer(name + "_b", random_floats({c_out}, seed + 1));
  b.node("Conv", {in, name + "_w", name + "_b"}, {out}, name,
         {{"pads", ints({k / 2, k / 2, k / 2, k / 2})}, {"group", Attribute::of_int(group)}});
}

size_t count_blocked(const ir::Graph& g) {
  size_t n = 0;
  for (const auto& node : g.nodes()) {
    const ir::Value* y = node->output(0);
    n += y && y->type().shape.has_rank && y->type().shape.rank() == 5;
  }
  return n;
}

TEST(LayoutPlanning, ConvChainRunsBlockedWithReordersOnlyAtTheBorders) {
  for (int64_t block : {16, 8}) {
    // x[1,3,12,12] -> conv a (20) -> Relu -> MaxPool 2x2 -> conv b (24) -> Softmax(axis 1) -> y
    ModelBuilder b(17);
    b.input("x", DataType::Float, {1, 3, 12, 12});
    conv(b, "a", "x", "ca", 3, 20, 3, 1);
    b.node("Relu", {"ca"}, {"ra"}, "relu_a");
    b.node("MaxPool", {"ra"}, {"pa"}, "pool", {{"kernel_shape", ints({2, 2})}, {"strides", ints({2, 2})}});
    conv(b, "b", "pa", "cb", 20, 24, 3, 3);
    b.node("Softmax", {"cb"}, {"y"}, "softmax", {{"axis", Attribute::of_int(1)}});
    b.output("y", DataType::Float, {1, 24, 6, 6});
    auto pass = passes::make_layout_planning(block);
    PassRun run = run_pass(b.serialize(), *pass);
    ASSERT_TRUE(run.after);
    EXPECT_EQ(run.rewrites, 4) << "block " << block;
    EXPECT_EQ(count_nodes(*run.after, "FusedConvBlocked"), 2u);
    EXPECT_EQ(count_nodes(*run.after, "ReorderToBlocked"), 0u) << "the first conv reads the plain image itself";
    EXPECT_EQ(count_nodes(*run.after, "ReorderFromBlocked"), 1u);
    EXPECT_EQ(count_nodes(*run.after), 6u);
    EXPECT_EQ(count_blocked(*run.after), 4u);
    EXPECT_EQ(find_node(*run.after, "FusedConvBlocked")->attrs().find("input_blocked")->i, 0);
    EXPECT_EQ(run.after->outputs()[0]->name(), "y");
    EXPECT_TRUE(same_outputs(run, 1));
  }
}

TEST(LayoutPlanning, ResidualsPerChannelConstantsResizeAndGlobalPooling) {
  // conv a (32) -> Mul(per-channel) -> Add(scalar) ; conv b(a) ; Add(a', b) -> Resize 2x
  //   -> conv c -> GlobalAveragePool -> Flatten -> y   (and a graph output straight off conv b)
  ModelBuilder b(17);
  b.input("x", DataType::Float, {1, 8, 6, 6});
  conv(b, "a", "x", "ca", 8, 32, 1, 10);
  b.initializer("scale", random_floats({32, 1, 1}, 12));
  b.initializer("shift", scalar_float(0.25f));
  b.initializer("hw", random_floats({1, 1, 6, 6}, 13));
  b.node("Mul", {"ca", "scale"}, {"m"}, "mul");
  b.node("Add", {"m", "shift"}, {"s"}, "add_shift");
  b.node("Mul", {"s", "hw"}, {"s2"}, "mul_hw");
  conv(b, "b", "s2", "cb", 32, 32, 3, 14);
  b.node("Add", {"s2", "cb"}, {"res"}, "residual");
  b.initializer("scales", Tensor::from_vector<float>(DataType::Float, {4}, {1, 1, 2, 2}));
  b.initializer("roi", Tensor::zeros(DataType::Float, {0}));
  b.node("Resize", {"res", "roi", "scales"}, {"up"}, "resize", {{"mode", Attribute::of_string("nearest")}});
  conv(b, "c", "up", "cc", 32, 16, 3, 16);
  b.node("GlobalAveragePool", {"cc"}, {"gap"}, "gap");
  b.node("Flatten", {"gap"}, {"y"}, "flatten");
  b.output("y", DataType::Float, {1, 16});
  b.output("cb", DataType::Float, {1, 32, 6, 6});
  auto pass = passes::make_layout_planning(16);
  PassRun run = run_pass(b.serialize(), *pass);
  ASSERT_TRUE(run.after);
  EXPECT_EQ(count_nodes(*run.after, "FusedConvBlocked"), 3u);
  EXPECT_EQ(count_nodes(*run.after, "ReduceMean"), 1u);
  EXPECT_EQ(count_nodes(*run.after, "GlobalAveragePool"), 0u);
  // Out: one for Flatten's input, one for the graph output cb.
  EXPECT_EQ(count_nodes(*run.after, "ReorderFromBlocked"), 2u);
  EXPECT_EQ(run.after->outputs()[1]->name(), "cb");
  EXPECT_TRUE(same_outputs(run, 2));
}

TEST(LayoutPlanning, ConcatAndSplitOfWholeBlocksStayBlockedOthersGoPlain) {
  // conv a (32) -> Split(16, 16) -> conv b on the second half (16) -> Concat(a0, b) (32) -> conv c
  ModelBuilder b(17);
  b.input("x", DataType::Float, {1, 4, 5, 5});
  conv(b, "a", "x", "ca", 4, 32, 3, 20);
  b.initializer("split", Tensor::from_vector<int64_t>(DataType::Int64, {2}, {16, 16}));
  b.node("Split", {"ca", "split"}, {"a0", "a1"}, "split", {{"axis", Attribute::of_int(1)}});
  conv(b, "b", "a1", "cb", 16, 16, 3, 22);
  b.node("Concat", {"a0", "cb"}, {"cat"}, "concat", {{"axis", Attribute::of_int(1)}});
  conv(b, "c", "cat", "y", 32, 8, 1, 24);
  b.output("y", DataType::Float, {1, 8, 5, 5});
  {
    auto pass = passes::make_layout_planning(16);
    PassRun run = run_pass(b.serialize(), *pass);
    ASSERT_TRUE(run.after);
    EXPECT_EQ(count_nodes(*run.after, "ReorderFromBlocked"), 1u);  // only the graph output
    EXPECT_EQ(count_nodes(*run.after, "ReorderToBlocked"), 0u);
    EXPECT_EQ(count_blocked(*run.after), 5u);
    EXPECT_TRUE(same_outputs(run, 3));
  }
  {
    // With block 32 the 16-channel pieces are not whole blocks: Split and Concat run plain.
    auto pass = passes::make_layout_planning(32);
    PassRun run = run_pass(b.serialize(), *pass);
    ASSERT_TRUE(run.after);
    EXPECT_EQ(count_nodes(*run.after, "Split"), 1u);
    EXPECT_EQ(find_node(*run.after, "Split")->output(0)->type().shape.rank(), 4u);
    EXPECT_GE(count_nodes(*run.after, "ReorderFromBlocked"), 1u);
    EXPECT_TRUE(same_outputs(run, 4));
  }
}

TEST(LayoutPlanning, DepthwiseRunsBlockedGroupedConvsStayPlain) {
  ModelBuilder b(17);
  b.input("x", DataType::Float, {1, 16, 7, 7});
  conv(b, "dw", "x", "d", 16, 16, 3, 30, /*group=*/16);
  conv(b, "g2", "d", "y", 16, 16, 3, 32, /*group=*/2);
  b.output("y", DataType::Float, {1, 16, 7, 7});
  auto pass = passes::make_layout_planning(8);
  PassRun run = run_pass(b.serialize(), *pass);
  ASSERT_TRUE(run.after);
  EXPECT_EQ(count_nodes(*run.after, "FusedConvBlocked"), 1u);
  EXPECT_EQ(count_nodes(*run.after, "Conv"), 1u);
  EXPECT_EQ(count_nodes(*run.after, "ReorderFromBlocked"), 1u);
  EXPECT_TRUE(same_outputs(run, 5));
}

TEST(LayoutPlanning, ConvTransposeStaysPlainBehindAReorder) {
  // x -> conv (blocked) -> ConvTranspose 2x2 s2 (no blocked kernel: reads the plain value) -> y
  ModelBuilder b(17);
  b.input("x", DataType::Float, {1, 8, 6, 6});
  conv(b, "a", "x", "c", 8, 16, 3, 40);
  b.initializer("up_w", random_floats({16, 8, 2, 2}, 42, -0.3f, 0.3f));
  b.node("ConvTranspose", {"c", "up_w"}, {"y"}, "up", {{"strides", ints({2, 2})}});
  b.output("y", DataType::Float, {1, 8, 12, 12});
  auto pass = passes::make_layout_planning(8);
  PassRun run = run_pass(b.serialize(), *pass);
  ASSERT_TRUE(run.after);
  EXPECT_EQ(count_nodes(*run.after, "FusedConvBlocked"), 1u);
  EXPECT_EQ(count_nodes(*run.after, "ConvTranspose"), 1u);
  EXPECT_EQ(count_nodes(*run.after, "ReorderFromBlocked"), 1u);
  EXPECT_EQ(find_node(*run.after, "ConvTranspose")->output(0)->type().shape.rank(), 4u);
  EXPECT_TRUE(same_outputs(run, 6));
}

TEST(LayoutPlanning, BlockBelowTwoChangesNothing) {
  ModelBuilder b(17);
  b.input("x", DataType::Float, {1, 3, 4, 4});
  conv(b, "a", "x", "y", 3, 4, 3, 40);
  b.output("y", DataType::Float, {1, 4, 4, 4});
  auto pass = passes::make_layout_planning(1);
  PassRun run = run_pass(b.serialize(), *pass);
  ASSERT_TRUE(run.after);
  EXPECT_EQ(run.rewrites, 0);
  EXPECT_EQ(count_nodes(*run.after, "Conv"), 1u);
}

// The whole default pipeline, then layout planning, on YOLOv8n: the same detections' raw output.
TEST(LayoutPlanning, YoloV8nComputesTheSameAfterTheDefaultPipeline) {
  const std::string path = std::string(HONE_SHARED_DIR) + "/models/yolov8n.onnx";
  if (!std::filesystem::exists(path)) GTEST_SKIP() << "shared model not found: " << path;
  std::ifstream in(path, std::ios::binary);
  const std::string bytes((std::istreambuf_iterator<char>(in)), {});
  std::vector<std::unique_ptr<passes::Pass>> seq;
  seq.push_back(std::make_unique<DefaultPipeline>());
  seq.push_back(passes::make_layout_planning(16));
  PassSequence both(std::move(seq));
  PassRun run = run_pass(bytes, both);
  ASSERT_TRUE(run.after);
  EXPECT_GE(count_nodes(*run.after, "FusedConvBlocked"), 60u);
  EXPECT_LE(count_nodes(*run.after, "ReorderFromBlocked") + count_nodes(*run.after, "ReorderToBlocked"), 12u);
  EXPECT_TRUE(same_outputs(run, 6, 1e-4, 1e-5));
}

}  // namespace
}  // namespace hone::testing
