// The pieces of YOLO post-processing (yolo_postprocess.cpp) that postprocess() and
// describe_model() chain together, exposed for tests and benchmarks: Ultralytics metadata
// parsing, the shape rules of each layout, candidate decoding, NMS selection, keypoint and
// mask decoding, and the classification top-k. Internal to hone_vision.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "hone/vision.hpp"
#include "vision/mask_kernels.hpp"

namespace hone::vision {

/// Ultralytics' max_nms: at most this many candidates (the best scores) enter NMS.
inline constexpr size_t kMaxNmsCandidates = 30000;

// ---------------------------------------------------------------------------------------------
// Metadata (Ultralytics writes str() of Python values into the ONNX metadata_props)

/// Parses `names`: a Python dict literal "{0: 'person', 1: \"it's\"}" (keys are ints, values
/// Python string literals with repr escapes) or a list literal "['a', 'b']" (ids 0, 1, ...).
/// Entries in text order. InvalidArgument quoting the offending position otherwise.
Result<std::vector<std::pair<int64_t, std::string>>> parse_names(std::string_view text);

/// Parses "[640, 640]", "(17, 3)" or "640" into integers. InvalidArgument otherwise.
Result<std::vector<int64_t>> parse_int_list(std::string_view text);

/// The metadata's `imgsz` as [height, width] or [size]; empty when absent, InvalidArgument
/// when it is not one or two positive sizes.
Result<std::vector<int64_t>> metadata_imgsz(const std::vector<std::pair<std::string, std::string>>& metadata);

/// describe_model() without an engine: the same rules over input/output descriptions and
/// metadata key/value pairs. Errors as describe_model().
Result<ModelInfo> describe_outputs(const std::vector<TensorDesc>& inputs, const std::vector<TensorDesc>& outputs,
                                   const std::vector<std::pair<std::string, std::string>>& metadata,
                                   Task requested = Task::Auto);

// ---------------------------------------------------------------------------------------------
// Detection decoding

/// The predictions output viewed as a channels x anchors matrix; element (c, n) is
/// data[c * channel_stride + n * anchor_stride]:
///
///   YOLOv8 [1, C, N]  channel_stride N, anchor_stride 1   (a row per channel)
///   YOLOv5 [1, N, C]  channel_stride 1, anchor_stride C   (a row per anchor)
///
/// Channels: cx, cy, w, h (model-input pixels), [objectness (YOLOv5)], nc class scores, then
/// the mask coefficients (segment) or keypoints (pose). The data is not owned.
struct PredictionMatrix {
  const float* data = nullptr;
  int64_t channels = 0, anchors = 0;
  int64_t channel_stride = 0, anchor_stride = 0;
  float at(int64_t channel, int64_t anchor) const { return data[channel * channel_stride + anchor * anchor_stride]; }
};

/// Channels per anchor `model` implies: 4 box (+1 objectness for YOLOv5) + num_classes +
/// mask_channels (segment) or num_keypoints * keypoint_dims (pose); num_classes for Scores.
int64_t expected_channels(const ModelInfo& model);
/// First channel after the class scores (mask coefficients or keypoints).
int64_t extra_channel_offset(const ModelInfo& model);

/// Views `output` (float32 [1, C, N] for YoloV8, [1, N, C] for YoloV5) as the predictions of
/// `model`. InvalidArgument, naming the shape, for another dtype, rank, batch or channel count.
Result<PredictionMatrix> prediction_matrix(const ModelInfo& model, const Tensor& output);

/// An anchor that passed the confidence threshold: box in model-input pixels (x1y1x2y2),
/// its best class and that class's score (YOLOv5: objectness x class score).
struct Candidate {
  Box box;
  float score = 0;
  int class_id = 0;
  int anchor = 0;
};

/// The anchors whose best class score is >= `conf`, in anchor order. YoloV8 reads the class
/// rows one after the other (the per-anchor maximum in a pass over each row); YoloV5 filters
/// on objectness >= conf first, then on objectness x class score.
std::vector<Candidate> decode_candidates(const ModelInfo& model, const PredictionMatrix& predictions, float conf);

/// NMS over `candidates` (the kMaxNmsCandidates best first when there are more; class-aware
/// unless options.agnostic), at most options.max_det, by descending score.
std::vector<Candidate> select_detections(std::vector<Candidate> candidates, const PostprocessOptions& options);

/// A model-input box mapped to the original image and clipped to it.
Box box_to_source(const Box& input_box, const ImageTransform& transform);

/// The keypoints of `anchor` (pose): K x (x, y[, visibility]) after the class scores, mapped
/// to the original image and clipped to it; visibility 1 when keypoint_dims is 2.
std::vector<Keypoint> decode_keypoints(const ModelInfo& model, const PredictionMatrix& predictions, int64_t anchor,
                                       const ImageTransform& transform);

// ---------------------------------------------------------------------------------------------
// Masks

/// Segment prototypes [channels, height, width] (the [1, 32, 160, 160] output); not owned.
struct Prototypes {
  const float* data = nullptr;
  int64_t channels = 0, height = 0, width = 0;
};

/// The instance mask of one detection over its box rectangle in the original image
/// (floor(x1), floor(y1) to ceil(x2), ceil(y2), clipped to the image): each pixel center is
/// mapped to model-input pixels (transform.to_input), then to prototype pixels
/// (x * prototypes.width / transform.input_width), where the logit coefficients . prototypes
/// is sampled bilinearly (pixel centers aligned, edges clamped, as
/// F.interpolate(align_corners=False)); the pixel is 1 where sigmoid(logit) > threshold.
/// Logits are computed only over the prototype window the box needs. `coefficients` has
/// prototypes.channels values. An empty Mask (at the rectangle's corner) when the clipped box
/// has no area; transform.input_width/height must be > 0. `kernels`: the inner loops to use
/// (nullptr: the fastest this CPU runs; tests pass each ISA's).
Mask decode_mask(std::span<const float> coefficients, const Prototypes& prototypes, const Box& source_box,
                 const ImageTransform& transform, float threshold, const MaskKernels* kernels = nullptr);

/// decode_mask() for boxes.size() detections at once, `coefficients` holding
/// prototypes.channels values per box. The logits are computed band by band over the
/// prototypes, each band for all the boxes that need it, so the prototypes are read from
/// memory once however much the boxes overlap. Masks in the order of `boxes` (all empty when
/// `coefficients` is too short).
std::vector<Mask> decode_masks(std::span<const float> coefficients, std::span<const Box> boxes,
                               const Prototypes& prototypes, const ImageTransform& transform, float threshold,
                               const MaskKernels* kernels = nullptr);

// ---------------------------------------------------------------------------------------------
// Classification

/// True when every value is in [0, 1] and they sum to 1 within 1e-3.
bool is_probability_distribution(std::span<const float> scores);
/// Numerically stable softmax (max subtracted).
std::vector<float> softmax(std::span<const float> logits);
/// The `k` highest scores by descending score (equal scores: lower id first), labelled from
/// `names` (the id as text past its end).
std::vector<Classification> top_k(std::span<const float> scores, int k, const std::vector<std::string>& names);

}  // namespace hone::vision
