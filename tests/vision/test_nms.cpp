// NMS (src/vision/nms.hpp) against a brute-force torchvision-style reference on thousands of
// random boxes: ties, zero-area and identical boxes, overlapping classes, agnostic and
// class-aware, max_det truncation, IoU thresholds 0, 0.5 and 1; plus IoU's known values.
#include <gtest/gtest.h>

#include <algorithm>
#include <numeric>
#include <random>

#include "vision/nms.hpp"

namespace hone::vision {
namespace {

// IoU written plainly: the intersection rectangle, clamped to zero, over the union.
float reference_iou(const Box& a, const Box& b) {
  const float ix1 = std::max(a.x1, b.x1), iy1 = std::max(a.y1, b.y1);
  const float ix2 = std::min(a.x2, b.x2), iy2 = std::min(a.y2, b.y2);
  const float inter = std::max(ix2 - ix1, 0.f) * std::max(iy2 - iy1, 0.f);
  const float area_a = std::max(a.x2 - a.x1, 0.f) * std::max(a.y2 - a.y1, 0.f);
  const float area_b = std::max(b.x2 - b.x1, 0.f) * std::max(b.y2 - b.y1, 0.f);
  const float uni = area_a + area_b - inter;
  return uni > 0.f ? inter / uni : 0.f;
}

// torchvision.ops.nms, O(n^2): walk the boxes by descending score (stable on index); keep a
// box not yet suppressed and suppress every later box of its class with IoU > threshold.
std::vector<int> reference_nms(const std::vector<ScoredBox>& boxes, float threshold, int max_det, bool agnostic) {
  std::vector<int> order(boxes.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](int a, int b) { return boxes[a].score > boxes[b].score; });
  std::vector<bool> suppressed(boxes.size(), false);
  std::vector<int> keep;
  for (size_t oi = 0; oi < order.size(); ++oi) {
    const int i = order[oi];
    if (suppressed[i]) continue;
    if (static_cast<int>(keep.size()) >= max_det) break;
    keep.push_back(i);
    for (size_t oj = oi + 1; oj < order.size(); ++oj) {
      const int j = order[oj];
      if (suppressed[j]) continue;
      if (!agnostic && boxes[j].class_id != boxes[i].class_id) continue;
      if (reference_iou(boxes[i].box, boxes[j].box) > threshold) suppressed[j] = true;
    }
  }
  return keep;
}

struct BoxMix {
  int count = 1000;
  int classes = 3;
  int score_levels = 0;  // > 0: scores drawn from this many values (many ties)
};

// Random boxes in a 1000 x 1000 field, 5..300 wide, so that many overlap; about 3% have zero
// width or height, about 5% repeat an earlier box exactly (with a fresh or the same score).
std::vector<ScoredBox> random_boxes(const BoxMix& mix, uint32_t seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> pos(0.f, 1000.f), size(5.f, 300.f), unit(0.f, 1.f);
  std::uniform_int_distribution<int> cls(0, std::max(mix.classes - 1, 0));
  std::vector<ScoredBox> boxes;
  for (int i = 0; i < mix.count; ++i) {
    const float pick = unit(rng);
    if (pick < 0.05f && !boxes.empty()) {
      ScoredBox copy = boxes[std::uniform_int_distribution<size_t>(0, boxes.size() - 1)(rng)];
      if (unit(rng) < 0.5f) copy.score = unit(rng);
      boxes.push_back(copy);
      continue;
    }
    ScoredBox b;
    const float x = pos(rng), y = pos(rng);
    float w = size(rng), h = size(rng);
    if (pick < 0.065f) w = 0;
    else if (pick < 0.08f) h = 0;
    b.box = {x, y, x + w, y + h};
    b.score = mix.score_levels > 0
                  ? static_cast<float>(std::uniform_int_distribution<int>(0, mix.score_levels - 1)(rng)) / mix.score_levels
                  : unit(rng);
    b.class_id = cls(rng);
    boxes.push_back(b);
  }
  return boxes;
}

TEST(Iou, KnownValues) {
  const Box a{0, 0, 10, 10};
  EXPECT_FLOAT_EQ(iou(a, a), 1.f);
  EXPECT_FLOAT_EQ(iou(a, {5, 0, 15, 10}), 50.f / 150.f);
  EXPECT_FLOAT_EQ(iou(a, {2, 2, 4, 4}), 4.f / 100.f);  // contained
  EXPECT_FLOAT_EQ(iou(a, {10, 0, 20, 10}), 0.f);       // touching edges
  EXPECT_FLOAT_EQ(iou(a, {20, 20, 30, 30}), 0.f);      // disjoint
  EXPECT_FLOAT_EQ(iou(a, {5, 5, 5, 8}), 0.f);          // zero-area box overlaps nothing
  EXPECT_FLOAT_EQ(iou({3, 3, 3, 3}, {3, 3, 3, 3}), 0.f);  // no union at all
  EXPECT_FLOAT_EQ(iou(a, {5, 0, 15, 10}), iou({5, 0, 15, 10}, a));
}

TEST(Nms, TorchvisionExample) {
  // Box 1 overlaps box 0 by IoU 0.82 (suppressed at 0.5), box 2 is another class, box 3 is
  // far away; box 4 ties with box 0's score and comes after it by index.
  const std::vector<ScoredBox> boxes = {
      {{0, 0, 10, 10}, 0.9f, 0}, {{1, 0, 11, 10}, 0.8f, 0}, {{0, 0, 10, 10}, 0.7f, 1},
      {{50, 50, 60, 60}, 0.6f, 0}, {{100, 100, 110, 110}, 0.9f, 0},
  };
  EXPECT_EQ(non_max_suppression(boxes, 0.5f, 100), (std::vector<int>{0, 4, 2, 3}));
  EXPECT_EQ(non_max_suppression(boxes, 0.5f, 100, true), (std::vector<int>{0, 4, 3}));
  EXPECT_EQ(non_max_suppression(boxes, 0.9f, 100), (std::vector<int>{0, 4, 1, 2, 3}));
  EXPECT_EQ(non_max_suppression(boxes, 0.5f, 2), (std::vector<int>{0, 4}));
  EXPECT_TRUE(non_max_suppression(boxes, 0.5f, 0).empty());
  EXPECT_TRUE(non_max_suppression({}, 0.5f, 100).empty());
}

TEST(Nms, IdenticalBoxes) {
  // IoU 1 is not > 1: at threshold 1 nothing is suppressed, below it only the first survives.
  std::vector<ScoredBox> boxes(5, ScoredBox{{10, 10, 20, 30}, 0.5f, 2});
  EXPECT_EQ(non_max_suppression(boxes, 1.f, 100), (std::vector<int>{0, 1, 2, 3, 4}));
  EXPECT_EQ(non_max_suppression(boxes, 0.99f, 100), (std::vector<int>{0}));
  EXPECT_EQ(non_max_suppression(boxes, 0.f, 100), (std::vector<int>{0}));
}

TEST(Nms, ZeroAreaBoxesAreNeverSuppressedNorSuppress) {
  const std::vector<ScoredBox> boxes = {
      {{0, 0, 10, 10}, 0.9f, 0}, {{5, 5, 5, 9}, 0.8f, 0}, {{5, 5, 5, 9}, 0.7f, 0}, {{2, 2, 8, 8}, 0.6f, 0}};
  EXPECT_EQ(non_max_suppression(boxes, 0.f, 100), (std::vector<int>{0, 1, 2}));
}

TEST(Nms, ArbitraryClassIds) {
  // Ids far apart take the hash-map path; the result must not depend on it.
  std::vector<ScoredBox> boxes = random_boxes({2000, 6, 0}, 77);
  std::vector<ScoredBox> spread = boxes;
  const int ids[] = {-2000000000, -7, 0, 5, 123456789, 2000000000};
  for (ScoredBox& b : spread) b.class_id = ids[b.class_id];
  EXPECT_EQ(non_max_suppression(spread, 0.5f, 1000), non_max_suppression(boxes, 0.5f, 1000));
  EXPECT_EQ(non_max_suppression(spread, 0.5f, 1000), reference_nms(spread, 0.5f, 1000, false));
}

TEST(Nms, MatchesBruteForceReference) {
  const BoxMix mixes[] = {{0, 1, 0},    {1, 1, 0},    {2, 1, 4},   {50, 2, 0},    {3000, 1, 0},
                          {3000, 5, 0}, {2000, 3, 8}, {2000, 80, 0}, {1500, 2, 1}};
  const float thresholds[] = {0.f, 0.5f, 1.f, 0.7f, 0.3f};
  const int max_dets[] = {1, 10, 300, 100000};
  int cases = 0;
  for (uint32_t seed = 1; seed <= 4; ++seed) {
    for (const BoxMix& mix : mixes) {
      const std::vector<ScoredBox> boxes = random_boxes(mix, seed * 7919 + static_cast<uint32_t>(mix.count));
      for (float threshold : thresholds) {
        for (bool agnostic : {false, true}) {
          // Greedy NMS capped at max_det keeps a prefix of the uncapped result.
          const std::vector<int> all = reference_nms(boxes, threshold, 1 << 30, agnostic);
          for (int max_det : max_dets) {
            const std::vector<int> got = non_max_suppression(boxes, threshold, max_det, agnostic);
            const std::vector<int> want(all.begin(), all.begin() + std::min<size_t>(all.size(), max_det));
            ASSERT_EQ(got, want) << "seed " << seed << ", " << mix.count << " boxes, " << mix.classes << " classes, "
                                 << mix.score_levels << " score levels, iou " << threshold << ", max_det " << max_det
                                 << (agnostic ? ", agnostic" : ", class-aware") << ": kept " << got.size()
                                 << " vs " << want.size();
            ++cases;
          }
        }
      }
    }
  }
  EXPECT_EQ(cases, 4 * 9 * 5 * 4 * 2);
}

TEST(Nms, KeptBoxesAreSortedAndClassAwareIsAtLeastAgnostic) {
  for (uint32_t seed = 100; seed < 105; ++seed) {
    const std::vector<ScoredBox> boxes = random_boxes({2500, 4, 16}, seed);
    const std::vector<int> aware = non_max_suppression(boxes, 0.45f, 100000);
    const std::vector<int> agnostic = non_max_suppression(boxes, 0.45f, 100000, true);
    EXPECT_GE(aware.size(), agnostic.size()) << "seed " << seed;
    for (size_t i = 1; i < aware.size(); ++i) {
      const ScoredBox& a = boxes[aware[i - 1]];
      const ScoredBox& b = boxes[aware[i]];
      ASSERT_TRUE(a.score > b.score || (a.score == b.score && aware[i - 1] < aware[i]))
          << "seed " << seed << ": kept " << i - 1 << " (" << a.score << ") before " << i << " (" << b.score << ")";
    }
  }
}

}  // namespace
}  // namespace hone::vision
