// Generation and selection operators: EyeLike, OneHot, Trilu, Compress, NonZero, Unique,
// TopK, ArgMax/ArgMin, CumSum/CumProd, DepthToSpace/SpaceToDepth, ReverseSequence,
// CenterCropPad, Dropout.
#include "harness/op_harness.hpp"

namespace hone::testing {
namespace {


TEST(EyeLike, OffsetAndDtype) {
  auto r = run_op({.op_type = "EyeLike", .inputs = {iota({2, 3})},
                   .attrs = attrs({{"k", ir::Attribute::of_int(1)}, {"dtype", ir::Attribute::of_int(7)}})});
  HONE_ASSERT_OK(r);
  EXPECT_TRUE(tensors_near(r->at(0).tensor, make_int64({2, 3}, {0, 1, 0, 0, 0, 1}), 0, 0));
}

TEST(OneHot, NegativeIndexAndAxis0) {
  auto r = run_op({.op_type = "OneHot", .inputs = {ints({3}, {-1, 0, 5}), floats({}, {3}), floats({2}, {-1, 1})},
                   .attrs = attrs({{"axis", ir::Attribute::of_int(0)}})});
  HONE_ASSERT_OK(r);
  // y[d, i]: index 2 (from -1), 0, out of range
  EXPECT_TRUE(tensors_near(r->at(0).tensor, make_float({3, 3}, {-1, 1, -1, -1, -1, -1, 1, -1, -1}), 0, 0));
}

TEST(Trilu, LowerWithK) {
  auto r = run_op({.op_type = "Trilu", .inputs = {iota({3, 3}), ints({}, {-1})}, .attrs = attrs({{"upper", ir::Attribute::of_int(0)}})});
  HONE_ASSERT_OK(r);
  EXPECT_TRUE(tensors_near(r->at(0).tensor, make_float({3, 3}, {0, 0, 0, 3, 0, 0, 6, 7, 0}), 0, 0));
}

TEST(Compress, AxisAndFlat) {
  Datum cond = Datum::of(make_tensor<bool>(DataType::Bool, {2}, {false, true}));
  auto r = run_op({.op_type = "Compress", .inputs = {iota({3, 2}), cond}, .attrs = attrs({{"axis", ir::Attribute::of_int(1)}})});
  HONE_ASSERT_OK(r);
  EXPECT_TRUE(tensors_near(r->at(0).tensor, make_float({3, 1}, {1, 3, 5}), 0, 0));
  r = run_op({.op_type = "Compress", .inputs = {iota({3, 2}), cond}});
  HONE_ASSERT_OK(r);
  EXPECT_TRUE(tensors_near(r->at(0).tensor, make_float({1}, {1}), 0, 0));
}

TEST(NonZero, Coordinates) {
  auto r = run_op({.op_type = "NonZero", .inputs = {floats({2, 2}, {1, 0, 0, 3})}});
  HONE_ASSERT_OK(r);
  EXPECT_TRUE(tensors_near(r->at(0).tensor, make_int64({2, 2}, {0, 1, 0, 1}), 0, 0));
}

TEST(Unique, SortedAndUnsorted) {
  Datum x = floats({6}, {2, 1, 1, 3, 4, 3});
  auto r = run_op({.op_type = "Unique", .inputs = {x}, .attrs = attrs({{"sorted", ir::Attribute::of_int(0)}}), .num_outputs = 4});
  HONE_ASSERT_OK(r);
  EXPECT_TRUE(tensors_near(r->at(0).tensor, make_float({4}, {2, 1, 3, 4}), 0, 0));
  EXPECT_TRUE(tensors_near(r->at(1).tensor, make_int64({4}, {0, 1, 3, 4}), 0, 0));
  EXPECT_TRUE(tensors_near(r->at(2).tensor, make_int64({6}, {0, 1, 1, 2, 3, 2}), 0, 0));
  EXPECT_TRUE(tensors_near(r->at(3).tensor, make_int64({4}, {1, 2, 2, 1}), 0, 0));
  r = run_op({.op_type = "Unique", .inputs = {x}, .num_outputs = 4});
  HONE_ASSERT_OK(r);
  EXPECT_TRUE(tensors_near(r->at(0).tensor, make_float({4}, {1, 2, 3, 4}), 0, 0));
  EXPECT_TRUE(tensors_near(r->at(1).tensor, make_int64({4}, {1, 0, 3, 4}), 0, 0));
  EXPECT_TRUE(tensors_near(r->at(2).tensor, make_int64({6}, {1, 0, 0, 2, 3, 2}), 0, 0));
  // Rows along axis 0.
  r = run_op({.op_type = "Unique", .inputs = {floats({3, 2}, {1, 0, 0, 1, 1, 0})}, .attrs = attrs({{"axis", ir::Attribute::of_int(0)}}), .num_outputs = 4});
  HONE_ASSERT_OK(r);
  EXPECT_TRUE(tensors_near(r->at(0).tensor, make_float({2, 2}, {0, 1, 1, 0}), 0, 0));
  EXPECT_TRUE(tensors_near(r->at(3).tensor, make_int64({2}, {1, 2}), 0, 0));
}

TEST(TopK, TiesKeepLowerIndex) {
  auto r = run_op({.op_type = "TopK", .inputs = {floats({2, 4}, {1, 3, 3, 2, 5, 5, 5, 0}), ints({1}, {3})}, .num_outputs = 2});
  HONE_ASSERT_OK(r);
  EXPECT_TRUE(tensors_near(r->at(0).tensor, make_float({2, 3}, {3, 3, 2, 5, 5, 5}), 0, 0));
  EXPECT_TRUE(tensors_near(r->at(1).tensor, make_int64({2, 3}, {1, 2, 3, 0, 1, 2}), 0, 0));
  r = run_op({.op_type = "TopK", .inputs = {floats({4}, {1, 3, 3, 2}), ints({1}, {2})}, .attrs = attrs({{"largest", ir::Attribute::of_int(0)}}), .num_outputs = 2});
  HONE_ASSERT_OK(r);
  EXPECT_TRUE(tensors_near(r->at(1).tensor, make_int64({2}, {0, 3}), 0, 0));
  r = run_op({.op_type = "TopK", .inputs = {floats({4}, {1, 3, 3, 2}), ints({1}, {5})}, .num_outputs = 2});
  ASSERT_FALSE(r.is_ok());
  EXPECT_NE(r.status().to_string().find("k = 5 is out of range"), std::string::npos) << r.status().to_string();
}

TEST(ArgMax, SelectLastAndKeepdims) {
  Datum x = floats({2, 3}, {1, 4, 4, 7, 7, 0});
  auto r = run_op({.op_type = "ArgMax", .inputs = {x}, .attrs = attrs({{"axis", ir::Attribute::of_int(1)}, {"keepdims", ir::Attribute::of_int(0)}})});
  HONE_ASSERT_OK(r);
  EXPECT_TRUE(tensors_near(r->at(0).tensor, make_int64({2}, {1, 0}), 0, 0));
  r = run_op({.op_type = "ArgMax", .inputs = {x}, .attrs = attrs({{"axis", ir::Attribute::of_int(-1)}, {"select_last_index", ir::Attribute::of_int(1)}})});
  HONE_ASSERT_OK(r);
  EXPECT_TRUE(tensors_near(r->at(0).tensor, make_int64({2, 1}, {2, 1}), 0, 0));
  r = run_op({.op_type = "ArgMin", .inputs = {x}});
  HONE_ASSERT_OK(r);
  EXPECT_TRUE(tensors_near(r->at(0).tensor, make_int64({1, 3}, {0, 0, 1}), 0, 0));
}

TEST(CumSum, ExclusiveReverse) {
  auto r = run_op({.op_type = "CumSum", .inputs = {floats({4}, {1, 2, 3, 4}), ints({}, {0})},
                   .attrs = attrs({{"exclusive", ir::Attribute::of_int(1)}, {"reverse", ir::Attribute::of_int(1)}})});
  HONE_ASSERT_OK(r);
  EXPECT_TRUE(tensors_near(r->at(0).tensor, make_float({4}, {9, 7, 4, 0}), 0, 0));
  r = run_op({.op_type = "CumProd", .inputs = {Datum::of(make_tensor<int32_t>(DataType::Int32, {2, 2}, {1, 2, 3, 4})),
                                               Datum::of(make_tensor<int32_t>(DataType::Int32, {}, {-1}))}});
  HONE_ASSERT_OK(r);
  EXPECT_TRUE(tensors_near(r->at(0).tensor, make_tensor<int32_t>(DataType::Int32, {2, 2}, {1, 2, 3, 12}), 0, 0));
}

TEST(DepthToSpace, HugeBlocksizeIsAnErrorNotACrash) {
  // 2^40 squared overflows int64 to 0; it must be rejected before any division by it.
  auto r = run_op({.op_type = "DepthToSpace", .inputs = {iota({1, 4, 2, 2})},
                   .attrs = attrs({{"blocksize", ir::Attribute::of_int(int64_t{1} << 40)}})});
  ASSERT_FALSE(r.is_ok());
  EXPECT_NE(r.status().to_string().find("blocksize must be in [1, 2^31]"), std::string::npos) << r.status().to_string();
}

TEST(DepthToSpace, RoundTripAndCRD) {
  auto r = run_op({.op_type = "DepthToSpace", .inputs = {iota({1, 4, 1, 2})}, .attrs = attrs({{"blocksize", ir::Attribute::of_int(2)}})});
  HONE_ASSERT_OK(r);
  // DCR: y[0,0,h*2+i,w*2+j] = x[0, i*2+j, h, w]
  EXPECT_TRUE(tensors_near(r->at(0).tensor, make_float({1, 1, 2, 4}, {0, 2, 1, 3, 4, 6, 5, 7}), 0, 0));
  auto back = run_op({.op_type = "SpaceToDepth", .inputs = {r->at(0)}, .attrs = attrs({{"blocksize", ir::Attribute::of_int(2)}})});
  HONE_ASSERT_OK(back);
  EXPECT_TRUE(tensors_near(back->at(0).tensor, iota({1, 4, 1, 2}).tensor, 0, 0));
  r = run_op({.op_type = "DepthToSpace", .inputs = {iota({1, 4, 1, 1})},
              .attrs = attrs({{"blocksize", ir::Attribute::of_int(2)}, {"mode", ir::Attribute::of_string("CRD")}})});
  HONE_ASSERT_OK(r);
  EXPECT_TRUE(tensors_near(r->at(0).tensor, make_float({1, 1, 2, 2}, {0, 1, 2, 3}), 0, 0));
}

TEST(ReverseSequence, BatchMajor) {
  auto r = run_op({.op_type = "ReverseSequence", .inputs = {iota({2, 3}), ints({2}, {3, 1})},
                   .attrs = attrs({{"batch_axis", ir::Attribute::of_int(0)}, {"time_axis", ir::Attribute::of_int(1)}})});
  HONE_ASSERT_OK(r);
  EXPECT_TRUE(tensors_near(r->at(0).tensor, make_float({2, 3}, {2, 1, 0, 3, 4, 5}), 0, 0));
}

TEST(CenterCropPad, CropAndPad) {
  auto r = run_op({.op_type = "CenterCropPad", .inputs = {iota({5, 1}), ints({2}, {2, 4})}});
  HONE_ASSERT_OK(r);
  // rows: crop 5 -> 2 from 1; cols: pad 1 -> 4 with 1 zero before.
  EXPECT_TRUE(tensors_near(r->at(0).tensor, make_float({2, 4}, {0, 1, 0, 0, 0, 2, 0, 0}), 0, 0));
}

TEST(Dropout, InferenceAndTraining) {
  Datum x = iota({4, 5});
  auto r = run_op({.op_type = "Dropout", .inputs = {x}, .num_outputs = 2});
  HONE_ASSERT_OK(r);
  EXPECT_TRUE(tensors_near(r->at(0).tensor, x.tensor, 0, 0));
  EXPECT_TRUE(r->at(1).tensor.data<bool>()[7]);
  r = run_op({.op_type = "Dropout", .inputs = {x, floats({}, {0.5f}), Datum::of(make_tensor<bool>(DataType::Bool, {}, {true}))},
              .attrs = attrs({{"seed", ir::Attribute::of_int(0)}}), .num_outputs = 2});
  HONE_ASSERT_OK(r);
  int kept = 0;
  for (int64_t i = 0; i < 20; ++i) {
    const bool m = r->at(1).tensor.data<bool>()[i];
    kept += m;
    EXPECT_EQ(r->at(0).tensor.data<float>()[i], m ? 2.0f * static_cast<float>(i) : 0.0f);
  }
  EXPECT_GT(kept, 0);
  EXPECT_LT(kept, 20);
}

}  // namespace
}  // namespace hone::testing
