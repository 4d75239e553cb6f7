// NonMaxSuppression: per batch and class, greedy selection in descending score order (ties by
// lower box index) of boxes with score > score_threshold, dropping any box whose IoU with an
// already selected one exceeds iou_threshold, at most max_output_boxes_per_class of them.
// Output: selected_indices [num_selected, 3] = (batch, class, box), batch-major, then class,
// then selection order. Boxes are corners [y1, x1, y2, x2] (either diagonal) or, with
// center_point_box = 1, [x_center, y_center, width, height].
#include <algorithm>
#include <numeric>

#include "ops/op_def.hpp"

namespace hone::ops {
namespace {

struct Box {
  double y_min, x_min, y_max, x_max;
};

Box to_box(const double* b, bool center) {
  if (center) {
    return {b[1] - b[3] / 2, b[0] - b[2] / 2, b[1] + b[3] / 2, b[0] + b[2] / 2};
  }
  return {std::min(b[0], b[2]), std::min(b[1], b[3]), std::max(b[0], b[2]), std::max(b[1], b[3])};
}

double iou(const Box& a, const Box& b) {
  const double area_a = (a.y_max - a.y_min) * (a.x_max - a.x_min);
  const double area_b = (b.y_max - b.y_min) * (b.x_max - b.x_min);
  if (area_a <= 0 || area_b <= 0) return 0;
  const double ih = std::max(0.0, std::min(a.y_max, b.y_max) - std::max(a.y_min, b.y_min));
  const double iw = std::max(0.0, std::min(a.x_max, b.x_max) - std::max(a.x_min, b.x_min));
  const double inter = ih * iw;
  return inter / (area_a + area_b - inter);
}

Status infer(InferContext& ctx) {
  HONE_RETURN_IF_ERROR(ctx.require_dtype(0, {DataType::Float, DataType::Double, DataType::Float16, DataType::BFloat16}));
  HONE_RETURN_IF_ERROR(ctx.require_dtype(1, {DataType::Float, DataType::Double, DataType::Float16, DataType::BFloat16}));
  ir::TensorShape out = ir::TensorShape::of_rank(2);
  out.dims[1] = 3;
  ctx.set_output(0, DataType::Int64, out);
  return Status::ok();
}

Status run(KernelContext& ctx) {
  const Tensor& boxes = ctx.input(0);
  const Tensor& scores = ctx.input(1);
  if (boxes.rank() != 3 || boxes.dim(2) != 4) return ctx.error("boxes must have shape [batch, boxes, 4], got " + shape_to_string(boxes.shape()));
  if (scores.rank() != 3 || scores.dim(0) != boxes.dim(0) || scores.dim(2) != boxes.dim(1)) {
    return ctx.error("scores " + shape_to_string(scores.shape()) + " do not match boxes " + shape_to_string(boxes.shape()));
  }
  auto scalar = [&](size_t i, double def) { return ctx.has_input(i) && ctx.input(i).numel() > 0 ? ctx.input(i).get_double(0) : def; };
  const int64_t max_per_class =
      ctx.has_input(2) && ctx.input(2).numel() > 0 ? ctx.input(2).get_int64(0) : 0;
  const double iou_threshold = scalar(3, 0.0);
  const bool has_score_threshold = ctx.has_input(4) && ctx.input(4).numel() > 0;
  const double score_threshold = scalar(4, 0.0);
  const bool center = ctx.attr_int("center_point_box") != 0;
  const int64_t batch = boxes.dim(0), num_boxes = boxes.dim(1), classes = scores.dim(1);
  const std::vector<double> bv = boxes.to_double_vector(), sv = scores.to_double_vector();

  std::vector<int64_t> selected;  // triples
  for (int64_t n = 0; n < batch; ++n) {
    std::vector<Box> bx(static_cast<size_t>(num_boxes));
    for (int64_t i = 0; i < num_boxes; ++i) bx[static_cast<size_t>(i)] = to_box(bv.data() + (n * num_boxes + i) * 4, center);
    for (int64_t c = 0; c < classes; ++c) {
      const double* s = sv.data() + (n * classes + c) * num_boxes;
      std::vector<int64_t> order;
      for (int64_t i = 0; i < num_boxes; ++i) if (!has_score_threshold || s[i] > score_threshold) order.push_back(i);
      std::stable_sort(order.begin(), order.end(), [&](int64_t a, int64_t b) { return s[a] > s[b]; });
      std::vector<int64_t> kept;
      for (int64_t i : order) {
        if (static_cast<int64_t>(kept.size()) >= max_per_class) break;
        bool keep = true;
        for (int64_t k : kept) {
          if (iou(bx[static_cast<size_t>(i)], bx[static_cast<size_t>(k)]) > iou_threshold) { keep = false; break; }
        }
        if (keep) kept.push_back(i);
      }
      for (int64_t k : kept) selected.insert(selected.end(), {n, c, k});
    }
  }
  HONE_ASSIGN_OR_RETURN(Tensor * out, ctx.allocate_output(0, DataType::Int64, {static_cast<int64_t>(selected.size() / 3), 3}));
  std::copy(selected.begin(), selected.end(), out->data<int64_t>());
  return Status::ok();
}

}  // namespace

HONE_DEFINE_OP(NonMaxSuppression){
    .name = "NonMaxSuppression",
    .min_inputs = 2,
    .max_inputs = 5,
    .attrs = {attr_int("center_point_box", 0)},
    .infer = infer,
    .run = run,
};

}  // namespace hone::ops
