// Non-maximum suppression over scored, classed boxes (torchvision.ops.nms semantics, as
// Ultralytics runs it): greedy by descending score, a box is dropped when its IoU with a kept
// box of the same class (any class when agnostic) is greater than the threshold.
#pragma once

#include <span>
#include <vector>

#include "hone/vision.hpp"

namespace hone::vision {

struct ScoredBox {
  Box box;
  float score = 0;
  int class_id = 0;
};

/// Intersection over union; 0 when the union has no area (zero-area boxes overlap nothing).
float iou(const Box& a, const Box& b);

/// Indices into `boxes` of the kept boxes, by descending score (equal scores: lower index
/// first), at most `max_det` of them.
std::vector<int> non_max_suppression(std::span<const ScoredBox> boxes, float iou_threshold, int max_det,
                                     bool agnostic = false);

}  // namespace hone::vision
