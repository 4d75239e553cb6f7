// BatchNormalization: inference formula, training-mode statistics, and a shape error.
#include <cmath>

#include "harness/op_harness.hpp"

namespace hone::testing {
namespace {

TEST(BatchNormalization, InferenceFormula) {
  Tensor x = make_float({1, 2, 1, 3}, {-1, 0, 1, 2, 3, 4});
  OpCall call{.op_type = "BatchNormalization",
              .inputs = {Datum::of(x), Datum::of(make_float({2}, {1.0f, 1.5f})), Datum::of(make_float({2}, {0, 1})),
                         Datum::of(make_float({2}, {0, 3})), Datum::of(make_float({2}, {1, 1.5f}))}};
  auto r = run_op(call);
  ASSERT_TRUE(r.is_ok()) << r.status().to_string();
  const float eps = 1e-5f;
  const float a = 1 / std::sqrt(1 + eps), b = 1.5f / std::sqrt(1.5f + eps);
  EXPECT_TRUE(tensors_near(r->at(0).tensor, make_float({1, 2, 1, 3}, {-a, 0, a, 1 - b, 1, 1 + b})));
}

TEST(BatchNormalization, TrainingModeUsesBatchStatistics) {
  // Channel 0 values {1, 3}: mean 2, var 1; channel 1 values {2, 2}: mean 2, var 0.
  Tensor x = make_float({2, 2}, {1, 2, 3, 2});
  OpCall call{.op_type = "BatchNormalization",
              .inputs = {Datum::of(x), Datum::of(make_float({2}, {1, 1})), Datum::of(make_float({2}, {0, 0})),
                         Datum::of(make_float({2}, {0, 0})), Datum::of(make_float({2}, {1, 1}))},
              .num_outputs = 3,
              .opset = 15};
  call.attrs.set("training_mode", ir::Attribute::of_int(1));
  call.attrs.set("epsilon", ir::Attribute::of_float(1e-12f));
  auto r = run_op(call);
  ASSERT_TRUE(r.is_ok()) << r.status().to_string();
  EXPECT_TRUE(tensors_near(r->at(0).tensor, make_float({2, 2}, {-1, 0, 1, 0})));
  EXPECT_TRUE(tensors_near(r->at(1).tensor, make_float({2}, {0.2f, 0.2f})));  // 0*0.9 + 2*0.1
  EXPECT_TRUE(tensors_near(r->at(2).tensor, make_float({2}, {1.0f, 0.9f})));  // 1*0.9 + {1,0}*0.1
}

TEST(BatchNormalization, WrongParameterSizeIsAnError) {
  OpCall call{.op_type = "BatchNormalization",
              .inputs = {Datum::of(random_float({1, 3, 2}, 1)), Datum::of(make_float({2}, {1, 1})),
                         Datum::of(make_float({2}, {0, 0})), Datum::of(make_float({2}, {0, 0})),
                         Datum::of(make_float({2}, {1, 1}))}};
  auto r = run_op(call);
  ASSERT_FALSE(r.is_ok());
  EXPECT_NE(r.status().to_string().find("has 2 values for 3 channels"), std::string::npos) << r.status().to_string();
}

}  // namespace
}  // namespace hone::testing
