// COCO RLE of instance masks (mask_to_rle): decoded back in column-major order, the runs
// must give the mask's pixels placed in the whole image, and zeros everywhere else.
#include <gtest/gtest.h>

#include <numeric>
#include <random>

#include "hone/vision.hpp"

namespace hone::vision {
namespace {

// Full image, row-major, from COCO's column-major runs.
std::vector<uint8_t> decode_rle(const std::vector<uint32_t>& counts, int width, int height) {
  std::vector<uint8_t> image(static_cast<size_t>(width) * static_cast<size_t>(height), 0);
  size_t pos = 0;
  uint8_t value = 0;
  for (uint32_t run : counts) {
    for (uint32_t k = 0; k < run; ++k, ++pos) {
      const size_t x = pos / static_cast<size_t>(height), y = pos % static_cast<size_t>(height);
      image[y * static_cast<size_t>(width) + x] = value;
    }
    value ^= 1;
  }
  return image;
}

// The mask placed in a row-major image, clipped.
std::vector<uint8_t> paint(const Mask& m, int width, int height) {
  std::vector<uint8_t> image(static_cast<size_t>(width) * static_cast<size_t>(height), 0);
  for (int r = 0; r < m.height; ++r) {
    for (int c = 0; c < m.width; ++c) {
      const int x = m.x + c, y = m.y + r;
      if (x < 0 || y < 0 || x >= width || y >= height) continue;
      image[static_cast<size_t>(y) * static_cast<size_t>(width) + static_cast<size_t>(x)] =
          m.data[static_cast<size_t>(r) * static_cast<size_t>(m.width) + static_cast<size_t>(c)];
    }
  }
  return image;
}

TEST(MaskRle, RoundTripsRandomMasksIncludingOnesCrossingTheBorder) {
  const uint32_t seed = std::random_device{}();
  std::mt19937 rng(seed);
  for (int trial = 0; trial < 200; ++trial) {
    const int width = 1 + static_cast<int>(rng() % 40), height = 1 + static_cast<int>(rng() % 40);
    Mask m;
    m.x = static_cast<int>(rng() % 50) - 5;
    m.y = static_cast<int>(rng() % 50) - 5;
    m.width = 1 + static_cast<int>(rng() % 20);
    m.height = 1 + static_cast<int>(rng() % 20);
    m.data.resize(static_cast<size_t>(m.width) * static_cast<size_t>(m.height));
    const unsigned density = rng() % 4;  // all zeros .. mostly ones
    for (auto& v : m.data) v = (rng() % 4) < density ? 1 : 0;
    const std::vector<uint32_t> counts = mask_to_rle(m, width, height);
    ASSERT_EQ(std::accumulate(counts.begin(), counts.end(), uint64_t{0}), static_cast<uint64_t>(width) * height)
        << "seed " << seed << " trial " << trial;
    for (size_t i = 1; i < counts.size(); ++i) ASSERT_GT(counts[i], 0u) << "empty run inside, seed " << seed;
    ASSERT_EQ(decode_rle(counts, width, height), paint(m, width, height)) << "seed " << seed << " trial " << trial;
  }
}

TEST(MaskRle, EmptyMaskIsOneRunOfZeros) {
  EXPECT_EQ(mask_to_rle(Mask{}, 7, 5), std::vector<uint32_t>{35});
}

TEST(MaskRle, FullImageMaskStartsWithAnEmptyZeroRun) {
  Mask m{0, 0, 3, 2, std::vector<uint8_t>(6, 1)};
  EXPECT_EQ(mask_to_rle(m, 3, 2), (std::vector<uint32_t>{0, 6}));
}

}  // namespace
}  // namespace hone::vision
