// Video in and out (VideoReader / VideoWriter over OpenCV videoio): a Motion-JPEG .avi written
// frame by frame reads back with its frame count, size and roughly its pixels.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "hone/vision.hpp"

namespace hone::vision {
namespace {

namespace fs = std::filesystem;

Image frame(int width, int height, int k) {
  Image im;
  im.width = width;
  im.height = height;
  im.pixels.resize(static_cast<size_t>(width) * static_cast<size_t>(height) * 3);
  for (size_t i = 0; i < im.pixels.size(); ++i) im.pixels[i] = static_cast<uint8_t>(40 * k + (i % 3) * 50);
  return im;
}

TEST(VisionVideo, WritesAndReadsBackFrames) {
  const fs::path file = fs::temp_directory_path() / "hone_vision_video.avi";
  {
    auto writer = VideoWriter::open(file.string(), 64, 48, 10);
    ASSERT_TRUE(writer.is_ok()) << writer.status().to_string();
    for (int k = 0; k < 5; ++k) ASSERT_TRUE((*writer)->write(frame(64, 48, k).view()).is_ok());
    EXPECT_EQ((*writer)->write(frame(32, 48, 0).view()).code(), StatusCode::InvalidArgument) << "wrong size";
  }
  auto reader = VideoReader::open(file.string());
  ASSERT_TRUE(reader.is_ok()) << reader.status().to_string();
  EXPECT_EQ((*reader)->frame_count(), 5);
  EXPECT_NEAR((*reader)->fps(), 10.0, 1e-6);
  Image im;
  int frames = 0;
  for (;;) {
    auto more = (*reader)->next(im);
    ASSERT_TRUE(more.is_ok()) << more.status().to_string();
    if (!*more) break;
    ASSERT_EQ(im.width, 64);
    ASSERT_EQ(im.height, 48);
    // Motion JPEG is lossy: the flat colors come back within a few levels.
    const Image want = frame(64, 48, frames);
    EXPECT_NEAR(im.pixels[100 * 3], want.pixels[100 * 3], 8) << "frame " << frames;
    EXPECT_NEAR(im.pixels[100 * 3 + 2], want.pixels[100 * 3 + 2], 8) << "frame " << frames;
    ++frames;
  }
  EXPECT_EQ(frames, 5);
  fs::remove(file);
}

TEST(VisionVideo, BadFilesAreErrors) {
  EXPECT_EQ(VideoReader::open("/no/such/video.mp4").status().code(), StatusCode::NotFound);
  const fs::path text = fs::temp_directory_path() / "hone_vision_not_a_video.mp4";
  std::ofstream(text) << "no video here";
  EXPECT_EQ(VideoReader::open(text.string()).status().code(), StatusCode::InvalidArgument);
  fs::remove(text);
  EXPECT_EQ(VideoWriter::open("/no/such/dir/out.avi", 64, 48, 10).status().code(), StatusCode::IoError);
  EXPECT_EQ(VideoWriter::open("out.avi", 0, 48, 10).status().code(), StatusCode::InvalidArgument);
}

}  // namespace
}  // namespace hone::vision
