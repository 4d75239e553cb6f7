// The default pipeline (passes::optimize) on a real model from ../shared: the light Inception
// v1 of the ONNX backend suite, whose weights are ConstantOfShape nodes and which has a
// Dropout. Skipped, with the reason printed, when the shared data is absent.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "import/onnx/onnx_importer.hpp"
#include "import/onnx/tensor_proto.hpp"
#include "passes/cleanup_models.hpp"
#include "passes/pass_harness.hpp"
#include "passes/passes.hpp"
#include "runtime/compare.hpp"
#include "runtime/reference_executor.hpp"

namespace hone::testing {
namespace {

namespace fs = std::filesystem;

// The light/ models' input, as the conformance runner feeds it: arange(n) / n.
Tensor arange_input(const Shape& shape) {
  Tensor t = Tensor::zeros(DataType::Float, shape);
  for (int64_t i = 0; i < t.numel(); ++i) t.data<float>()[i] = static_cast<float>(i) / static_cast<float>(t.numel());
  return t;
}

TEST(CleanupPipeline, InceptionV1LosesConstantOfShapeAndDropoutAndKeepsItsOutput) {
  const fs::path dir = fs::path(HONE_SHARED_DIR) / "onnx-backend-tests" / "light";
  const fs::path model = dir / "light_inception_v1.onnx";
  if (!fs::exists(model)) GTEST_SKIP() << model << " is absent";
  auto before = onnx_import::import_file(model);
  auto after = onnx_import::import_file(model);
  ASSERT_TRUE(before.is_ok()) << before.status().to_string();
  ASSERT_TRUE(after.is_ok());
  ASSERT_GT(count_nodes(**before, "ConstantOfShape"), 0u);
  ASSERT_GT(count_nodes(**before, "Dropout"), 0u);

  auto reports = passes::optimize(**after);
  ASSERT_TRUE(reports.is_ok()) << reports.status().to_string();
  auto rewrites_of = [&](const std::string& name) {
    for (const passes::PassReport& r : *reports) {
      if (r.name == name) return r.rewrites;
    }
    return -1;
  };
  EXPECT_EQ(rewrites_of("identity_elimination"), static_cast<int>(count_nodes(**before, "Dropout")));
  EXPECT_GE(rewrites_of("constant_folding"), static_cast<int>(count_nodes(**before, "ConstantOfShape")));
  EXPECT_GT(rewrites_of("dead_code_elimination"), 0);
  EXPECT_EQ(count_nodes(**after, "ConstantOfShape"), 0u);
  EXPECT_EQ(count_nodes(**after, "Dropout"), 0u);
  EXPECT_LT(count_nodes(**after), count_nodes(**before));
  EXPECT_TRUE(constants_typed_as_values(**after));
  // The weights' shape initializers are graph inputs: read by nothing any more, they are gone.
  EXPECT_LT((*after)->inputs().size(), (*before)->inputs().size());
  for (const ir::Value* v : (*after)->inputs()) {
    EXPECT_TRUE(!v->is_constant() || !v->uses().empty()) << "unused initializer '" << v->name() << "' kept";
  }
  ASSERT_EQ((*after)->outputs().size(), (*before)->outputs().size());
  EXPECT_EQ((*after)->outputs()[0]->name(), (*before)->outputs()[0]->name());

  const std::vector<ir::Value*> inputs = (*before)->runtime_inputs();
  ASSERT_EQ(inputs.size(), 1u);
  Shape shape;
  for (const ir::Dim& d : inputs[0]->type().shape.dims) shape.push_back(d.is_known() ? d.value : 1);
  const std::vector<Datum> feeds{Datum::of(arange_input(shape))};
  auto want = runtime::ReferenceExecutor(**before).run(feeds);
  ASSERT_TRUE(want.is_ok()) << want.status().to_string();
  auto got = runtime::ReferenceExecutor(**after).run(feeds);
  ASSERT_TRUE(got.is_ok()) << got.status().to_string();
  ASSERT_EQ(got->size(), 1u);
  Status same = runtime::compare_datum((*got)[0], (*want)[0], runtime::Tolerance{1e-5, 0});
  EXPECT_TRUE(same.is_ok()) << same.to_string();

  // And both still match the suite's expected output.
  auto expected = onnx_import::read_datum_file(dir / "light_inception_v1_output_0.pb", (*after)->outputs()[0]->type());
  ASSERT_TRUE(expected.is_ok()) << expected.status().to_string();
  Status conforms = runtime::compare_datum((*got)[0], *expected, runtime::Tolerance{});
  EXPECT_TRUE(conforms.is_ok()) << conforms.to_string();
}

}  // namespace
}  // namespace hone::testing
