// ArrayFeatureExtractor (ai.onnx.ml): z[..., j] = x[..., indices[j]] over the last axis;
// indices are flattened. A 1-D x gives a [1, len(indices)] result (as onnxruntime does).
#include <cstring>

#include "ops/op_def.hpp"

namespace hone::ops {
namespace {

Status infer(InferContext& ctx) {
  HONE_RETURN_IF_ERROR(ctx.require_dtype(1, {DataType::Int64}));
  const ir::TensorShape& x = ctx.input_shape(0);
  const ir::TensorShape& idx = ctx.input_shape(1);
  ir::TensorShape out;
  if (x.has_rank) {
    if (x.rank() == 0) return ctx.bad_input("input must have rank >= 1");
    out = x;
    if (x.rank() == 1) out.dims.insert(out.dims.begin(), ir::Dim(1));
    ir::Dim count(1);
    if (idx.is_static()) count = ir::Dim(shape_numel(idx.to_static()));
    else count = ir::Dim();
    out.dims.back() = count;
  }
  ctx.set_output(0, ctx.input_dtype(0), out);
  return Status::ok();
}

Status run(KernelContext& ctx) {
  const Tensor& x = ctx.input(0);
  const std::vector<int64_t> indices = ctx.input(1).to_int64_vector();
  const int64_t features = x.dim(x.rank() - 1);
  for (int64_t i : indices) {
    if (i < 0 || i >= features) {
      return ctx.bad_input("index " + std::to_string(i) + " is out of range for " + std::to_string(features) + " features");
    }
  }
  Shape shape = x.shape();
  if (x.rank() == 1) shape.insert(shape.begin(), 1);
  shape.back() = static_cast<int64_t>(indices.size());
  HONE_ASSIGN_OR_RETURN(Tensor * z, ctx.allocate_output(0, x.dtype(), shape));
  const int64_t rows = features == 0 ? 0 : x.numel() / features;
  const size_t elem = dtype_size(x.dtype());
  for (int64_t r = 0; r < rows; ++r) {
    for (size_t j = 0; j < indices.size(); ++j) {
      const int64_t src = r * features + indices[j];
      const int64_t dst = r * static_cast<int64_t>(indices.size()) + static_cast<int64_t>(j);
      if (x.dtype() == DataType::String) {
        z->strings()[dst] = x.strings()[src];
      } else {
        std::memcpy(static_cast<char*>(z->raw()) + static_cast<size_t>(dst) * elem,
                    static_cast<const char*>(x.raw()) + static_cast<size_t>(src) * elem, elem);
      }
    }
  }
  return Status::ok();
}

}  // namespace

HONE_DEFINE_OP(ArrayFeatureExtractor){
    .name = "ArrayFeatureExtractor",
    .min_inputs = 2,
    .max_inputs = 2,
    .infer = infer,
    .run = run,
};

}  // namespace hone::ops
