// GridSample, AffineGrid, Col2Im: hand-computed cases and errors.
#include "harness/op_harness.hpp"

namespace hone::testing {
namespace {

TEST(GridSample, BilinearCornersAndCenter) {
  Tensor x = make_float({1, 1, 2, 2}, {1, 2, 3, 4});
  // align_corners: (-1,-1) -> x[0,0]; (1,1) -> x[1,1]; (0,0) -> mean.
  OpCall call{.op_type = "GridSample",
              .inputs = {Datum::of(x), Datum::of(make_float({1, 1, 3, 2}, {-1, -1, 1, 1, 0, 0}))}};
  call.attrs.set("align_corners", ir::Attribute::of_int(1));
  auto r = run_op(call);
  ASSERT_TRUE(r.is_ok()) << r.status().to_string();
  EXPECT_TRUE(tensors_near(r->at(0).tensor, make_float({1, 1, 1, 3}, {1, 4, 2.5f})));
}

TEST(GridSample, ZerosBorderReflectionOutside) {
  Tensor x = make_float({1, 1, 1, 2}, {1, 2});
  // x coordinate 1.5 with align_corners=0: u = ((1.5+1)*2 - 1)/2 = 2 -> past the last pixel (1).
  Tensor grid = make_float({1, 1, 1, 2}, {1.5f, 0});
  auto run_pad = [&](const char* pad) {
    OpCall call{.op_type = "GridSample", .inputs = {Datum::of(x), Datum::of(grid)}};
    call.attrs.set("padding_mode", ir::Attribute::of_string(pad));
    call.attrs.set("mode", ir::Attribute::of_string("nearest"));
    return run_op(call);
  };
  auto r = run_pad("zeros");
  ASSERT_TRUE(r.is_ok()) << r.status().to_string();
  EXPECT_TRUE(tensors_near(r->at(0).tensor, make_float({1, 1, 1, 1}, {0})));
  r = run_pad("border");
  EXPECT_TRUE(tensors_near(r->at(0).tensor, make_float({1, 1, 1, 1}, {2})));
  r = run_pad("reflection");  // reflect 2 over [-0.5, 1.5] -> 1 -> x = 2
  EXPECT_TRUE(tensors_near(r->at(0).tensor, make_float({1, 1, 1, 1}, {2})));
}

TEST(GridSample, BadModeIsAnError) {
  OpCall call{.op_type = "GridSample", .inputs = {Datum::of(random_float({1, 1, 2, 2}, 1)), Datum::of(random_float({1, 1, 1, 2}, 2))}};
  call.attrs.set("mode", ir::Attribute::of_string("quadratic"));
  auto r = run_op(call);
  ASSERT_FALSE(r.is_ok());
  EXPECT_NE(r.status().to_string().find("unknown mode 'quadratic'"), std::string::npos) << r.status().to_string();
}

TEST(AffineGrid, IdentityThetaGivesBaseGrid) {
  OpCall call{.op_type = "AffineGrid",
              .inputs = {Datum::of(make_float({1, 2, 3}, {1, 0, 0, 0, 1, 0})), Datum::of(make_int64({4}, {1, 1, 2, 2}))}};
  auto r = run_op(call);
  ASSERT_TRUE(r.is_ok()) << r.status().to_string();
  EXPECT_TRUE(tensors_near(r->at(0).tensor, make_float({1, 2, 2, 2}, {-0.5f, -0.5f, 0.5f, -0.5f, -0.5f, 0.5f, 0.5f, 0.5f})));
  call.attrs.set("align_corners", ir::Attribute::of_int(1));
  r = run_op(call);
  ASSERT_TRUE(r.is_ok()) << r.status().to_string();
  EXPECT_TRUE(tensors_near(r->at(0).tensor, make_float({1, 2, 2, 2}, {-1, -1, 1, -1, -1, 1, 1, 1})));
}

TEST(Col2Im, OverlappingBlocksAdd) {
  // image 1x3, block 1x2, stride 1: two blocks at columns 0 and 1; column 1 receives two values.
  OpCall call{.op_type = "Col2Im",
              .inputs = {Datum::of(make_float({1, 2, 2}, {1, 2, 10, 20})), Datum::of(make_int64({2}, {1, 3})),
                         Datum::of(make_int64({2}, {1, 2}))}};
  auto r = run_op(call);
  ASSERT_TRUE(r.is_ok()) << r.status().to_string();
  EXPECT_TRUE(tensors_near(r->at(0).tensor, make_float({1, 1, 1, 3}, {1, 12, 20})));
}

TEST(Col2Im, WrongBlockCountIsAnError) {
  OpCall call{.op_type = "Col2Im",
              .inputs = {Datum::of(make_float({1, 2, 3}, {1, 2, 3, 4, 5, 6})), Datum::of(make_int64({2}, {1, 3})),
                         Datum::of(make_int64({2}, {1, 2}))}};
  auto r = run_op(call);
  ASSERT_FALSE(r.is_ok());
  EXPECT_NE(r.status().to_string().find("input has 3 blocks, the geometry gives 2"), std::string::npos) << r.status().to_string();
}

}  // namespace
}  // namespace hone::testing
