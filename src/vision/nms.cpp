// Greedy non-maximum suppression (nms.hpp): boxes sorted once by a packed (score, index) key,
// each candidate tested only against the kept boxes of its own class, stored as arrays so the
// IoU loop vectorizes; stops as soon as max_det boxes are kept.
#include "vision/nms.hpp"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>
#include <unordered_map>

namespace hone::vision {
namespace {

// A union <= 0 means two zero-area boxes, whose intersection is 0 too: dividing by the
// smallest normal float instead gives IoU 0 without a branch (a branch around the division
// would keep the compiler from vectorizing the IoU loop: divisions may trap).
constexpr float kMinUnion = std::numeric_limits<float>::min();

float box_area(float x1, float y1, float x2, float y2) { return std::max(x2 - x1, 0.f) * std::max(y2 - y1, 0.f); }

// A key whose ascending order is descending score; NaN sorts after every number. +0 and -0
// get the same key so that they tie (and fall back to index order) like equal floats do.
uint32_t descending_score_key(float score) {
  if (std::isnan(score)) return 0xFFFFFFFFu;
  if (score == 0.f) score = 0.f;
  const uint32_t bits = std::bit_cast<uint32_t>(score);
  // IEEE floats order like sign-magnitude integers: flip all bits of negatives and the sign
  // bit of positives to get an unsigned ascending order, then invert it.
  const uint32_t ascending = (bits & 0x80000000u) ? ~bits : (bits | 0x80000000u);
  return ~ascending;
}

// The kept boxes of one class, as arrays (x1[], y1[], ...) for the vectorized IoU loop.
struct KeptBoxes {
  std::vector<float> x1, y1, x2, y2, area;

  void add(const Box& b, float a) {
    x1.push_back(b.x1);
    y1.push_back(b.y1);
    x2.push_back(b.x2);
    y2.push_back(b.y2);
    area.push_back(a);
  }

  // True when `b` (area `a`) has IoU > threshold with a kept box. Blocks of 16 boxes run
  // without branches (the compiler vectorizes them); the first block with a hit returns.
  bool suppresses(const Box& b, float a, float threshold) const {
    constexpr size_t kBlock = 16;
    const size_t n = area.size();
    for (size_t start = 0; start < n; start += kBlock) {
      const size_t end = std::min(n, start + kBlock);
      int hit = 0;
      for (size_t j = start; j < end; ++j) {
        const float iw = std::max(std::min(b.x2, x2[j]) - std::max(b.x1, x1[j]), 0.f);
        const float ih = std::max(std::min(b.y2, y2[j]) - std::max(b.y1, y1[j]), 0.f);
        const float inter = iw * ih;
        const float uni = a + area[j] - inter;
        // Same expressions as iou(), so the decision matches it bit for bit.
        hit |= inter / std::max(uni, kMinUnion) > threshold;
      }
      if (hit) return true;
    }
    return false;
  }
};

}  // namespace

float iou(const Box& a, const Box& b) {
  const float iw = std::max(std::min(a.x2, b.x2) - std::max(a.x1, b.x1), 0.f);
  const float ih = std::max(std::min(a.y2, b.y2) - std::max(a.y1, b.y1), 0.f);
  const float inter = iw * ih;
  const float uni = box_area(a.x1, a.y1, a.x2, a.y2) + box_area(b.x1, b.y1, b.x2, b.y2) - inter;
  return inter / std::max(uni, kMinUnion);
}

std::vector<int> non_max_suppression(std::span<const ScoredBox> boxes, float iou_threshold, int max_det,
                                     bool agnostic) {
  std::vector<int> keep;
  if (boxes.empty() || max_det <= 0) return keep;

  // Sort (score descending, index ascending) as one 64-bit key: faster than an index sort
  // with a comparator reading two arrays, and stable on index by construction.
  std::vector<uint64_t> order(boxes.size());
  for (size_t i = 0; i < boxes.size(); ++i) {
    order[i] = (static_cast<uint64_t>(descending_score_key(boxes[i].score)) << 32) | static_cast<uint32_t>(i);
  }
  std::sort(order.begin(), order.end());

  // Class id -> slot of the kept-box table: a direct table over the id range when it is
  // small (YOLO's 0..nc-1), a hash map for arbitrary ids; one slot when agnostic.
  int min_class = 0, max_class = 0;
  if (!agnostic) {
    const auto [lo, hi] = std::minmax_element(boxes.begin(), boxes.end(), [](const ScoredBox& l, const ScoredBox& r) {
      return l.class_id < r.class_id;
    });
    min_class = lo->class_id;
    max_class = hi->class_id;
  }
  constexpr int64_t kMaxDirectClasses = 1 << 16;
  const int64_t class_range = static_cast<int64_t>(max_class) - min_class + 1;
  const bool direct = class_range <= kMaxDirectClasses;
  std::vector<KeptBoxes> kept_by_class(direct ? static_cast<size_t>(class_range) : 0);
  std::unordered_map<int, KeptBoxes> kept_by_id;

  keep.reserve(std::min<size_t>(boxes.size(), static_cast<size_t>(max_det)));
  for (uint64_t key : order) {
    const int i = static_cast<int>(key & 0xFFFFFFFFu);
    const ScoredBox& candidate = boxes[static_cast<size_t>(i)];
    KeptBoxes& kept = agnostic ? kept_by_class[0]
                      : direct ? kept_by_class[static_cast<size_t>(candidate.class_id - min_class)]
                               : kept_by_id[candidate.class_id];
    const Box& b = candidate.box;
    const float area = box_area(b.x1, b.y1, b.x2, b.y2);
    if (kept.suppresses(b, area, iou_threshold)) continue;
    kept.add(b, area);
    keep.push_back(i);
    if (static_cast<int>(keep.size()) == max_det) break;
  }
  return keep;
}

}  // namespace hone::vision
