// Image -> model input tensor (include/hone/vision.hpp): letterbox / square-pad / stretch
// resize, channel order, normalization and layout, fused into one pass over the output.
//
// The output is a `region` resampled from a `source`, and a constant border around it:
//
//   output (options.width x options.height)          source (what is resampled)
//   +-------------------------------------+          Letterbox, Stretch: the image
//   |  pad                                |          CenterCrop: its centered square
//   |                                     |          SquarePad: the image in the top-left
//   |     +-------------------------+     |          corner of a max(w,h) square whose
//   |     | region: bilinear from   |     |          other pixels are pad_value
//   |     | the source              |     |
//   |     +-------------------------+     |          Letterbox: region = new_unpad at (left, top)
//   |                                     |          SquarePad, Stretch: region = whole output
//   +-------------------------------------+
//
// Resampling is cv::resize INTER_LINEAR's: output pixel d of a region of n pixels over a
// source of m reads source coordinate s = (d + 0.5) * m / n - 0.5, clamped to [0, m - 1], as
// (1 - f) * p[floor(s)] + f * p[floor(s) + 1] with f = s - floor(s). Separable, so each output
// row first blends its two source rows into one float row (contiguous, vectorized), then
// each output column interpolates that row at precomputed offsets and weights, normalizes
// with the reciprocal std and stores to its channel's place in NCHW or NHWC.
#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "core/cpu_features.hpp"
#include "vision/image.hpp"
#include "vision/preprocess_rows.hpp"

namespace hone::vision {
namespace {

// Larger sides are refused so that every pixel index below fits an int.
constexpr int kMaxSide = 1 << 15;

struct Plan {
  ImageTransform transform;
  int region_x = 0, region_y = 0, region_width = 0, region_height = 0;  // output pixels resampled
  int source_width = 0, source_height = 0;  // the image, or SquarePad's square (image at its top-left)
  int crop_x = 0, crop_y = 0;               // CenterCrop: the source's corner in the image
};

std::string size_text(int width, int height) { return std::to_string(width) + "x" + std::to_string(height); }

Result<Plan> make_plan(int width, int height, const PreprocessOptions& options) {
  if (width <= 0 || height <= 0) return invalid_argument("image is empty (" + size_text(width, height) + ")");
  if (width > kMaxSide || height > kMaxSide) {
    return invalid_argument("image of " + size_text(width, height) + " is larger than " + std::to_string(kMaxSide) +
                            " pixels on a side");
  }
  const int out_w = options.width, out_h = options.height;
  if (out_w <= 0 || out_h <= 0 || out_w > kMaxSide || out_h > kMaxSide) {
    return invalid_argument("bad target size " + size_text(out_w, out_h) + " (width and height must be in [1, " +
                            std::to_string(kMaxSide) + "])");
  }
  Plan plan;
  ImageTransform& t = plan.transform;
  t.source_width = width;
  t.source_height = height;
  t.input_width = out_w;
  t.input_height = out_h;
  plan.source_width = width;
  plan.source_height = height;
  plan.region_width = out_w;
  plan.region_height = out_h;
  switch (options.mode) {
    case ResizeMode::Letterbox: {
      // Ultralytics' LetterBox, in its own double arithmetic. Python's round() rounds halves
      // to even, as nearbyint does in the default rounding mode. A side that would round to 0
      // pixels (Ultralytics would fail in cv2.resize) is kept at 1.
      double r = std::min(static_cast<double>(out_h) / height, static_cast<double>(out_w) / width);
      if (!options.scale_up) r = std::min(r, 1.0);
      const int new_w = std::max(1, static_cast<int>(std::nearbyint(width * r)));
      const int new_h = std::max(1, static_cast<int>(std::nearbyint(height * r)));
      int left = 0, top = 0;
      if (options.center) {
        // round(dw - 0.1): an odd padding puts the extra pixel on the right / bottom.
        left = static_cast<int>(std::nearbyint((out_w - new_w) / 2.0 - 0.1));
        top = static_cast<int>(std::nearbyint((out_h - new_h) / 2.0 - 0.1));
      }
      plan.region_x = left;
      plan.region_y = top;
      plan.region_width = new_w;
      plan.region_height = new_h;
      // The effective per-axis scale of the resize (new_unpad / shape, not r), so that
      // to_source() inverts exactly what the pixels went through.
      t.scale_x = static_cast<float>(static_cast<double>(new_w) / width);
      t.scale_y = static_cast<float>(static_cast<double>(new_h) / height);
      t.pad_x = static_cast<float>(left);
      t.pad_y = static_cast<float>(top);
      break;
    }
    case ResizeMode::SquarePad: {
      const int side = std::max(width, height);
      plan.source_width = plan.source_height = side;
      t.scale_x = static_cast<float>(static_cast<double>(out_w) / side);
      t.scale_y = static_cast<float>(static_cast<double>(out_h) / side);
      break;
    }
    case ResizeMode::Stretch:
      t.scale_x = static_cast<float>(static_cast<double>(out_w) / width);
      t.scale_y = static_cast<float>(static_cast<double>(out_h) / height);
      break;
    case ResizeMode::CenterCrop: {
      // Ultralytics' classify CenterCrop: m = min(h, w), top/left = (h - m) // 2, (w - m) // 2,
      // then the m x m crop resized to the target. As a transform: the crop's corner maps to
      // the output's (0, 0), so the pads are negative.
      const int side = std::min(width, height);
      plan.crop_x = (width - side) / 2;
      plan.crop_y = (height - side) / 2;
      plan.source_width = plan.source_height = side;
      t.scale_x = static_cast<float>(static_cast<double>(out_w) / side);
      t.scale_y = static_cast<float>(static_cast<double>(out_h) / side);
      t.pad_x = -static_cast<float>(plan.crop_x) * t.scale_x;
      t.pad_y = -static_cast<float>(plan.crop_y) * t.scale_y;
      break;
    }
    default:
      return invalid_argument("unknown resize mode " + std::to_string(static_cast<int>(options.mode)));
  }
  return plan;
}

// cv::resize INTER_LINEAR's taps for `dst_size` pixels from `src_size`: source index and the
// weight of the pixel after it, computed as OpenCV does (scale = 1 / (dst / src) in double,
// the coordinate rounded to float) so that both pick the same pixels.
void linear_taps(int src_size, int dst_size, int* index, float* weight) {
  const double scale = 1.0 / (static_cast<double>(dst_size) / src_size);
  for (int d = 0; d < dst_size; ++d) {
    const float s = static_cast<float>((d + 0.5) * scale - 0.5);
    int i = static_cast<int>(std::floor(s));
    float f = s - static_cast<float>(i);
    if (i < 0) i = 0, f = 0.f;
    if (i >= src_size - 1) i = src_size - 1, f = 0.f;
    index[d] = i;
    weight[d] = f;
  }
}

Status check_normalization(const PreprocessOptions& options) {
  for (int c = 0; c < 3; ++c) {
    if (!std::isfinite(options.mean[c])) {
      return invalid_argument("options.mean[" + std::to_string(c) + "] is not finite");
    }
    if (!std::isfinite(options.std[c]) || options.std[c] == 0.f) {
      return invalid_argument("options.std[" + std::to_string(c) + "] is " + std::to_string(options.std[c]) +
                              "; it must be finite and non-zero (values are divided by it)");
    }
  }
  return Status::ok();
}

struct RowKernels {
  void (*blend)(const uint8_t*, const uint8_t*, float, int, float*);
  void (*resample)(const float*, const ResampleRow&);
};

// The AVX2 + FMA kernels when this CPU has them, else the plain ones.
const RowKernels& row_kernels() {
  static const RowKernels kernels = [] {
    const CpuFeatures& cpu = CpuFeatures::host();
    if (cpu.avx2 && cpu.fma) return RowKernels{blend_rows_u8_f32_avx2, resample_row_f32_avx2};
    return RowKernels{blend_rows_u8_f32, resample_row_f32};
  }();
  return kernels;
}

}  // namespace

Result<ImageTransform> plan_transform(int width, int height, const PreprocessOptions& options) {
  HONE_ASSIGN_OR_RETURN(const Plan plan, make_plan(width, height, options));
  return plan.transform;
}

Result<ImageTransform> preprocess(const ImageView& image, const PreprocessOptions& options, std::span<float> out) {
  HONE_RETURN_IF_ERROR(check_image_view(image));
  HONE_ASSIGN_OR_RETURN(const Plan plan, make_plan(image.width, image.height, options));
  HONE_RETURN_IF_ERROR(check_normalization(options));
  const int out_w = options.width, out_h = options.height;
  const size_t plane = static_cast<size_t>(out_w) * out_h;
  if (out.data() == nullptr || out.size() < 3 * plane) {
    return invalid_argument("output buffer of " + std::to_string(out.size()) + " floats is too small: " +
                            std::to_string(out_w) + "x" + std::to_string(out_h) + "x3 needs " +
                            std::to_string(3 * plane));
  }

  // Tensor channel t holds source channel (swap ? 2 - t : t); swapping is its own inverse, so
  // source channel c goes to tensor channel (swap ? 2 - c : c) too.
  const RowKernels& kernels = row_kernels();
  const bool swap = options.to_rgb != (image.format == PixelFormat::RGB);
  const bool planar = options.layout == TensorLayout::NCHW;
  float inv_std[3], pad_out[3];
  for (int t = 0; t < 3; ++t) {
    inv_std[t] = 1.f / options.std[t];
    pad_out[t] = (static_cast<float>(options.pad_value) - options.mean[t]) * inv_std[t];
  }
  ResampleRow job;
  job.count = plan.region_width;
  job.step = planar ? 1 : 3;
  for (int c = 0; c < 3; ++c) {
    const int t = swap ? 2 - c : c;
    job.mean[c] = options.mean[t];
    job.inv_std[c] = inv_std[t];
  }
  // Address of tensor channel t at output pixel (x, y).
  float* const base = out.data();
  auto at = [&](int t, int x, int y) {
    const size_t pixel = static_cast<size_t>(y) * out_w + x;
    return planar ? base + t * plane + pixel : base + pixel * 3 + t;
  };
  auto fill_pad = [&](int y, int x_begin, int x_end) {
    if (x_end <= x_begin) return;
    if (planar) {
      for (int t = 0; t < 3; ++t) std::fill(at(t, x_begin, y), at(t, x_end, y), pad_out[t]);
    } else {
      for (float* p = at(0, x_begin, y); p != at(0, x_end, y); p += 3) {
        p[0] = pad_out[0], p[1] = pad_out[1], p[2] = pad_out[2];
      }
    }
  };

  std::vector<int> x_index(plan.region_width), y_index(plan.region_height);
  std::vector<float> x_weight(plan.region_width), y_weight(plan.region_height);
  linear_taps(plan.source_width, plan.region_width, x_index.data(), x_weight.data());
  linear_taps(plan.source_height, plan.region_height, y_index.data(), y_weight.data());
  for (int& i : x_index) i *= 3;
  job.offsets = x_index.data();
  job.weights = x_weight.data();

  // One blended source row, plus two pixels past the source so that the last column's
  // second tap (of weight 0) is readable, also 4 floats at a time. Past the image's width
  // (SquarePad's square, and those extra pixels) it holds pad_value; the blend never writes there.
  // The image pixels the source holds: all of them, or CenterCrop's square.
  const int used_width = std::min(image.width - plan.crop_x, plan.source_width);
  const int used_height = std::min(image.height - plan.crop_y, plan.source_height);
  const int image_floats = used_width * 3;
  std::vector<float> row(static_cast<size_t>(plan.source_width + 2) * 3, static_cast<float>(options.pad_value));
  // SquarePad's rows below the image read this row of pad_value.
  std::vector<uint8_t> pad_row;
  if (plan.source_height > used_height) pad_row.assign(image_floats, options.pad_value);
  const size_t row_bytes = image.row_bytes();
  const uint8_t* const origin = image.data + row_bytes * plan.crop_y + static_cast<size_t>(plan.crop_x) * 3;
  auto source_row = [&](int y) { return y < used_height ? origin + row_bytes * y : pad_row.data(); };

  for (int y = 0; y < out_h; ++y) {
    const int ry = y - plan.region_y;
    if (ry < 0 || ry >= plan.region_height) {
      fill_pad(y, 0, out_w);
      continue;
    }
    const int sy = y_index[ry];
    const int sy_next = std::min(sy + 1, plan.source_height - 1);
    kernels.blend(source_row(sy), source_row(sy_next), y_weight[ry], image_floats, row.data());
    fill_pad(y, 0, plan.region_x);
    fill_pad(y, plan.region_x + plan.region_width, out_w);
    for (int c = 0; c < 3; ++c) job.out[c] = at(swap ? 2 - c : c, plan.region_x, y);
    kernels.resample(row.data(), job);
  }
  return plan.transform;
}

Result<std::vector<ImageTransform>> preprocess_batch(std::span<const ImageView> images, const PreprocessOptions& options,
                                                     std::span<float> out) {
  const size_t per_image = 3 * static_cast<size_t>(std::max(options.width, 0)) * static_cast<size_t>(std::max(options.height, 0));
  if (out.data() == nullptr || out.size() < per_image * images.size()) {
    return invalid_argument("output buffer of " + std::to_string(out.size()) + " floats is too small for " +
                            std::to_string(images.size()) + " images of " + std::to_string(per_image) + " floats");
  }
  std::vector<ImageTransform> transforms;
  transforms.reserve(images.size());
  for (size_t i = 0; i < images.size(); ++i) {
    auto t = preprocess(images[i], options, out.subspan(i * per_image, per_image));
    if (!t.is_ok()) return Status(t.status().code(), "image " + std::to_string(i) + ": " + t.status().message());
    transforms.push_back(*t);
  }
  return transforms;
}

}  // namespace hone::vision
