// Instance masks as COCO run-length encoding (what `hone predict --json` writes): a mask
// covers only its box, so the zero runs of the columns and rows outside it are counted in
// bulk and the work is the box's area plus one step per image column.
#include <algorithm>

#include "hone/vision.hpp"

namespace hone::vision {

std::vector<uint32_t> mask_to_rle(const Mask& mask, int image_width, int image_height) {
  std::vector<uint32_t> counts;
  if (image_width <= 0 || image_height <= 0) return counts;
  const auto H = static_cast<uint64_t>(image_height);
  uint32_t run = 0;     // length of the current run
  uint8_t current = 0;  // its value; COCO starts with zeros
  auto push = [&](uint8_t v, uint64_t n) {
    if (n == 0) return;
    if (v != current) {
      counts.push_back(run);
      run = 0;
      current = v;
    }
    run += static_cast<uint32_t>(n);
  };
  // The mask's rectangle clipped to the image.
  const int x0 = std::max(mask.x, 0), x1 = std::min(mask.x + mask.width, image_width);
  const int y0 = std::max(mask.y, 0), y1 = std::min(mask.y + mask.height, image_height);
  const bool any = !mask.empty() && x0 < x1 && y0 < y1;
  for (int x = 0; x < image_width; ++x) {
    if (!any || x < x0 || x >= x1) {
      push(0, H);
      continue;
    }
    push(0, static_cast<uint64_t>(y0));
    const size_t col = static_cast<size_t>(x - mask.x);
    for (int y = y0; y < y1; ++y) {
      push(mask.data[static_cast<size_t>(y - mask.y) * static_cast<size_t>(mask.width) + col] ? 1 : 0, 1);
    }
    push(0, H - static_cast<uint64_t>(y1));
  }
  counts.push_back(run);
  return counts;
}

}  // namespace hone::vision
