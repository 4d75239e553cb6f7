// NonMaxSuppression: IoU suppression, score threshold, per-class limit, center boxes.
#include "harness/op_harness.hpp"

namespace hone::testing {
namespace {

Result<std::vector<Datum>> nms(Tensor boxes, Tensor scores, int64_t max_out, float iou, float score, int64_t center = 0) {
  OpCall call{.op_type = "NonMaxSuppression",
              .inputs = {Datum::of(std::move(boxes)), Datum::of(std::move(scores)), Datum::of(make_int64({1}, {max_out})),
                         Datum::of(make_float({1}, {iou})), Datum::of(make_float({1}, {score}))}};
  call.attrs.set("center_point_box", ir::Attribute::of_int(center));
  return run_op(call);
}

TEST(NonMaxSuppression, SuppressesOverlapsKeepsOrder) {
  // Boxes 0 and 1 overlap heavily (IoU 0.81); box 2 is far away.
  Tensor boxes = make_float({1, 3, 4}, {0, 0, 1, 1, 0, 0.1f, 1, 1.1f, 0, 10, 1, 11});
  auto r = nms(boxes, make_float({1, 1, 3}, {0.9f, 0.95f, 0.3f}), 10, 0.5f, 0.0f);
  ASSERT_TRUE(r.is_ok()) << r.status().to_string();
  EXPECT_TRUE(tensors_near(r->at(0).tensor, make_int64({2, 3}, {0, 0, 1, 0, 0, 2}), 0, 0));
  r = nms(boxes, make_float({1, 1, 3}, {0.9f, 0.95f, 0.3f}), 10, 0.5f, 0.4f);  // score threshold drops box 2
  ASSERT_TRUE(r.is_ok()) << r.status().to_string();
  EXPECT_TRUE(tensors_near(r->at(0).tensor, make_int64({1, 3}, {0, 0, 1}), 0, 0));
  r = nms(boxes, make_float({1, 1, 3}, {0.9f, 0.95f, 0.3f}), 0, 0.5f, 0.0f);
  ASSERT_TRUE(r.is_ok()) << r.status().to_string();
  EXPECT_EQ(r->at(0).tensor.shape(), (Shape{0, 3}));
}

TEST(NonMaxSuppression, CenterPointBoxes) {
  Tensor boxes = make_float({1, 2, 4}, {0.5f, 0.5f, 1, 1, 0.5f, 0.6f, 1, 1});
  auto r = nms(boxes, make_float({1, 1, 2}, {0.5f, 0.6f}), 5, 0.5f, 0.0f, 1);
  ASSERT_TRUE(r.is_ok()) << r.status().to_string();
  EXPECT_TRUE(tensors_near(r->at(0).tensor, make_int64({1, 3}, {0, 0, 1}), 0, 0));
}

TEST(NonMaxSuppression, MismatchedScoresIsAnError) {
  auto r = nms(make_float({1, 2, 4}, std::vector<float>(8, 0)), make_float({1, 1, 3}, {1, 1, 1}), 1, 0.5f, 0.f);
  ASSERT_FALSE(r.is_ok());
  EXPECT_NE(r.status().to_string().find("do not match boxes"), std::string::npos) << r.status().to_string();
}

}  // namespace
}  // namespace hone::testing
