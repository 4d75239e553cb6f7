// End to end on YOLOv8n (../shared/models, random weights): the default pipeline leaves no
// Sigmoid -> Mul SiLU (each is a Swish, or inside a FusedConv once the layer fusions run) and
// the optimized graph computes what the imported one does. Skips when the model is absent.
#include <filesystem>

#include "import/onnx/onnx_importer.hpp"
#include "passes/pass_harness.hpp"
#include "passes/passes.hpp"
#include "passes/pattern_models.hpp"

namespace hone::testing {
namespace {

// Mul(x, Sigmoid(x)) in either operand order.
size_t count_silu(const ir::Graph& g) {
  size_t n = 0;
  for (const auto& node : g.nodes()) {
    if (node->kind() != ir::OpKind::Mul || node->num_inputs() != 2) continue;
    for (size_t i = 0; i < 2; ++i) {
      const ir::Node* s = node->input(1 - i)->producer();
      n += s && s->kind() == ir::OpKind::Sigmoid && s->input(0) == node->input(i);
    }
  }
  return n;
}

// Swish nodes plus fused layers whose epilogue holds a Swish.
size_t count_swish(const ir::Graph& g) {
  size_t n = 0;
  for (const auto& node : g.nodes()) {
    n += node->kind() == ir::OpKind::Swish;
    for (const char* slot : {"activation", "post_activation"}) {
      const ir::Attribute* a = node->attrs().find(slot);
      n += a && a->type == ir::AttrType::String && a->s == "Swish";
    }
  }
  return n;
}

TEST(Yolov8Patterns, DefaultPipelineTurnsEverySiluIntoSwishAndKeepsTheOutput) {
  const std::filesystem::path path = std::filesystem::path(HONE_SHARED_DIR) / "models" / "yolov8n.onnx";
  if (!std::filesystem::exists(path)) GTEST_SKIP() << path << " is absent (the shared test data is not installed)";
  auto before = onnx_import::import_file(path);
  auto after = onnx_import::import_file(path);
  ASSERT_TRUE(before.is_ok()) << before.status().to_string();
  ASSERT_TRUE(after.is_ok()) << after.status().to_string();
  PassRun run{std::move(before).value(), std::move(after).value(), 0};
  const size_t silu = count_silu(*run.before);
  ASSERT_GT(silu, 0u) << "the model should spell SiLU as Sigmoid -> Mul";

  auto reports = passes::optimize(*run.after);
  ASSERT_TRUE(reports.is_ok()) << reports.status().to_string();
  for (const passes::PassReport& r : *reports) {
    if (r.name == "activation_pattern_fusion") {
      EXPECT_EQ(static_cast<size_t>(r.rewrites), silu);
    }
  }
  EXPECT_EQ(count_silu(*run.after), 0u) << describe_nodes(*run.after);
  EXPECT_EQ(count_swish(*run.after), silu);
  EXPECT_LT(count_nodes(*run.after), count_nodes(*run.before));
  ASSERT_EQ(run.after->outputs().size(), run.before->outputs().size());
  for (size_t i = 0; i < run.after->outputs().size(); ++i) {
    EXPECT_EQ(run.after->outputs()[i]->name(), run.before->outputs()[i]->name());
  }
  EXPECT_TRUE(same_outputs(run, 2024, 1e-4, 1e-5));
}

}  // namespace
}  // namespace hone::testing
