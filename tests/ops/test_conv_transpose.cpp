// ConvTranspose: hand-computed 1-D/2-D cases, strides with output_padding/output_shape,
// groups, SAME_UPPER, and an error.
#include "harness/op_harness.hpp"

namespace hone::testing {
namespace {

ir::Attribute ints(std::vector<int64_t> v) { return ir::Attribute::of_ints(std::move(v)); }

TEST(ConvTranspose, OneDimensionalTwoOutputChannels) {
  OpCall call{.op_type = "ConvTranspose",
              .inputs = {Datum::of(make_float({1, 1, 3}, {0, 1, 2})), Datum::of(make_float({1, 2, 3}, {1, 1, 1, 1, 1, 1}))}};
  auto r = run_op(call);
  ASSERT_TRUE(r.is_ok()) << r.status().to_string();
  EXPECT_TRUE(tensors_near(r->at(0).tensor, make_float({1, 2, 5}, {0, 1, 3, 3, 2, 0, 1, 3, 3, 2})));
}

TEST(ConvTranspose, StridesPadsAndOutputPadding) {
  // y[i*2 - 1 + k] += x[i] * w[k], out = 2*(3-1) + 1 + 3 - 1 - 1 = 6.
  OpCall call{.op_type = "ConvTranspose",
              .inputs = {Datum::of(make_float({1, 1, 3}, {1, 2, 3})), Datum::of(make_float({1, 1, 3}, {1, 10, 100})),
                         Datum::of(make_float({1}, {0.5f}))}};
  call.attrs.set("strides", ints({2}));
  call.attrs.set("pads", ints({1, 1}));
  call.attrs.set("output_padding", ints({1}));
  auto r = run_op(call);
  ASSERT_TRUE(r.is_ok()) << r.status().to_string();
  // full (unpadded) y: [1, 10, 102, 20, 203, 30, 300, 0(output_padding)] -> drop 1 at start, 1 at end.
  EXPECT_TRUE(tensors_near(r->at(0).tensor, make_float({1, 1, 6}, {10.5f, 102.5f, 20.5f, 203.5f, 30.5f, 300.5f})));
  // Same output via output_shape: total pad = 2*2 + 1 + 3 - 6 = 2 -> (1, 1).
  OpCall call2 = call;
  call2.attrs.erase("pads");
  call2.attrs.set("output_shape", ints({6}));
  r = run_op(call2);
  ASSERT_TRUE(r.is_ok()) << r.status().to_string();
  EXPECT_TRUE(tensors_near(r->at(0).tensor, make_float({1, 1, 6}, {10.5f, 102.5f, 20.5f, 203.5f, 30.5f, 300.5f})));
}

TEST(ConvTranspose, GroupsKeepChannelsApart) {
  OpCall call{.op_type = "ConvTranspose",
              .inputs = {Datum::of(make_float({1, 2, 1, 1}, {2, 3})), Datum::of(make_float({2, 1, 1, 2}, {1, 2, 10, 20}))}};
  call.attrs.set("group", ir::Attribute::of_int(2));
  auto r = run_op(call);
  ASSERT_TRUE(r.is_ok()) << r.status().to_string();
  EXPECT_TRUE(tensors_near(r->at(0).tensor, make_float({1, 2, 1, 2}, {2, 4, 30, 60})));
}

TEST(ConvTranspose, SameUpperDoublesTheSize) {
  OpCall call{.op_type = "ConvTranspose", .inputs = {Datum::of(random_float({1, 1, 3, 3}, 5)), Datum::of(random_float({1, 2, 3, 3}, 6))}};
  call.attrs.set("strides", ints({2, 2}));
  call.attrs.set("auto_pad", ir::Attribute::of_string("SAME_UPPER"));
  auto r = run_op(call);
  ASSERT_TRUE(r.is_ok()) << r.status().to_string();
  EXPECT_EQ(r->at(0).tensor.shape(), (Shape{1, 2, 6, 6}));
}

TEST(ConvTranspose, ChannelMismatchIsAnError) {
  auto r = run_op({.op_type = "ConvTranspose", .inputs = {Datum::of(random_float({1, 3, 2, 2}, 1)), Datum::of(random_float({2, 1, 3, 3}, 2))}});
  ASSERT_FALSE(r.is_ok());
  EXPECT_NE(r.status().to_string().find("does not match 3 input channels"), std::string::npos) << r.status().to_string();
}

}  // namespace
}  // namespace hone::testing
