// The pooling family: MaxPool (with optional Indices), AveragePool, LpPool and their Global*
// forms. Each output element reduces the input window
//   W(o) = { o*s - pb + kk*d : 0 <= kk < k }   (per spatial axis)
// restricted to positions inside the input:
//   MaxPool:     y = max x[W(o)]      (Indices: flat index into X, row- or column-major plane)
//   AveragePool: y = sum x[W(o)] / n  (n = positions in the input, or with count_include_pad the
//                                      positions inside [-pb, in + pe): ceil_mode overflow never counts)
//   LpPool:      y = (sum |x[W(o)]|^p)^(1/p)
// Global* pool over the whole plane. Geometry is conv_geometry.hpp's; computes in double.
#include <cmath>
#include <limits>

#include "ops/conv_geometry.hpp"

namespace hone::ops {
namespace {

enum class PoolKind { Max, Average, Lp };

bool is_pool_dtype(DataType t, PoolKind kind) {
  switch (t) {
    case DataType::Float: case DataType::Double: case DataType::Float16: case DataType::BFloat16: return true;
    case DataType::Int8: case DataType::UInt8: return kind == PoolKind::Max;
    default: return false;
  }
}

Status check_input(const AttrReader& a, const ir::Type& t, PoolKind kind) {
  if (!is_pool_dtype(t.dtype, kind)) {
    return a.unsupported(std::string(a.node().op_type()) + " does not support element type " + std::string(dtype_name(t.dtype)));
  }
  if (t.shape.has_rank && t.shape.rank() < 3) return a.error("X must have rank >= 3 (N, C, spatial...), got " + t.shape.to_string());
  return Status::ok();
}

template <PoolKind kKind>
Status infer_pool(InferContext& ctx) {
  HONE_RETURN_IF_ERROR(check_input(ctx, ctx.input_type(0), kKind));
  const ir::TensorShape& x = ctx.input_shape(0);
  if (!x.has_rank) {
    for (size_t i = 0; i < ctx.num_outputs(); ++i) {
      ctx.set_output(i, i == 0 ? ctx.input_dtype(0) : DataType::Int64, ir::TensorShape::unknown());
    }
    return Status::ok();
  }
  HONE_ASSIGN_OR_RETURN(WindowGeometry g,
                        resolve_window(ctx, spatial_dims(x), ctx.attr_ints("kernel_shape"), ctx.attr_int("ceil_mode") != 0));
  ir::TensorShape out = window_output_shape(x.dims[0], x.dims[1], g.output);
  ctx.set_output(0, ctx.input_dtype(0), out);
  if (ctx.num_outputs() > 1) ctx.set_output(1, DataType::Int64, out);
  return Status::ok();
}

template <PoolKind kKind>
Status run_pool(KernelContext& ctx) {
  const Tensor& x = ctx.input(0);
  HONE_ASSIGN_OR_RETURN(WindowGeometry geo, resolve_window(ctx, spatial_dims(x.shape()), ctx.attr_ints("kernel_shape"),
                                                           ctx.attr_int("ceil_mode") != 0));
  HONE_ASSIGN_OR_RETURN(Geometry3d g, to_3d(ctx, geo));
  const bool include_pad = kKind == PoolKind::Average && ctx.attr_int("count_include_pad") != 0;
  const bool want_indices = kKind == PoolKind::Max && ctx.num_outputs() > 1 && ctx.has_output(1);
  const bool column_major = kKind == PoolKind::Max && ctx.attr_int("storage_order") != 0;
  double p = 2;
  if constexpr (kKind == PoolKind::Lp) p = static_cast<double>(ctx.attr_int("p"));
  if (kKind == PoolKind::Lp && p <= 0) return ctx.error("p must be positive");

  const std::vector<double> xv = x.to_double_vector();
  Tensor& y = ctx.output(0);
  std::vector<double> yv(static_cast<size_t>(y.numel()));
  int64_t* indices = want_indices ? ctx.output(1).data<int64_t>() : nullptr;
  const int64_t planes = x.dim(0) * x.dim(1);
  const int64_t in_plane = g.in[0] * g.in[1] * g.in[2];
  const int64_t out_plane = g.out[0] * g.out[1] * g.out[2];
  for (int64_t pl = 0; pl < planes; ++pl) {
    const double* xp = xv.data() + pl * in_plane;
    for (int64_t od = 0; od < g.out[0]; ++od) {
      for (int64_t oh = 0; oh < g.out[1]; ++oh) {
        for (int64_t ow = 0; ow < g.out[2]; ++ow) {
          double acc = kKind == PoolKind::Max ? -std::numeric_limits<double>::infinity() : 0.0;
          int64_t best = -1, count = 0, padded_count = 0;
          for (int64_t kd = 0; kd < g.k[0]; ++kd) {
            const int64_t id = od * g.s[0] - g.p[0] + kd * g.d[0];
            for (int64_t kh = 0; kh < g.k[1]; ++kh) {
              const int64_t ih = oh * g.s[1] - g.p[1] + kh * g.d[1];
              for (int64_t kw = 0; kw < g.k[2]; ++kw) {
                const int64_t iw = ow * g.s[2] - g.p[2] + kw * g.d[2];
                if (id >= -g.p[0] && id < g.in[0] + g.pe[0] && ih >= -g.p[1] && ih < g.in[1] + g.pe[1] &&
                    iw >= -g.p[2] && iw < g.in[2] + g.pe[2]) {
                  ++padded_count;
                }
                if (id < 0 || id >= g.in[0] || ih < 0 || ih >= g.in[1] || iw < 0 || iw >= g.in[2]) continue;
                const int64_t at = (id * g.in[1] + ih) * g.in[2] + iw;
                const double v = xp[at];
                ++count;
                if constexpr (kKind == PoolKind::Max) {
                  if (v > acc || best < 0) { acc = v; best = at; }
                } else if constexpr (kKind == PoolKind::Average) {
                  acc += v;
                } else {
                  acc += std::pow(std::fabs(v), p);
                }
              }
            }
          }
          const int64_t o = pl * out_plane + (od * g.out[1] + oh) * g.out[2] + ow;
          if constexpr (kKind == PoolKind::Average) {
            const int64_t n = include_pad ? padded_count : count;
            acc = n > 0 ? acc / static_cast<double>(n) : 0.0;
          } else if constexpr (kKind == PoolKind::Lp) {
            acc = std::pow(acc, 1.0 / p);
          }
          yv[static_cast<size_t>(o)] = acc;
          if (indices) {
            // Flat index into X; storage_order 1 numbers the spatial plane column-major.
            int64_t flat = best;
            if (column_major && best >= 0) {
              const int64_t bd = best / (g.in[1] * g.in[2]), bh = best / g.in[2] % g.in[1], bw = best % g.in[2];
              flat = (bw * g.in[1] + bh) * g.in[0] + bd;
            }
            indices[o] = best < 0 ? -1 : pl * in_plane + flat;
          }
        }
      }
    }
  }
  return store_doubles(y, yv, "pooling");
}

// Global pools: one window covering the whole spatial plane.
template <PoolKind kKind>
Status infer_global(InferContext& ctx) {
  HONE_RETURN_IF_ERROR(check_input(ctx, ctx.input_type(0), kKind));
  const ir::TensorShape& x = ctx.input_shape(0);
  if (!x.has_rank) {
    ctx.set_output(0, ctx.input_dtype(0), ir::TensorShape::unknown());
    return Status::ok();
  }
  ctx.set_output(0, ctx.input_dtype(0),
                 window_output_shape(x.dims[0], x.dims[1], std::vector<int64_t>(x.rank() - 2, 1)));
  return Status::ok();
}

template <PoolKind kKind>
Status run_global(KernelContext& ctx) {
  const Tensor& x = ctx.input(0);
  const double p = kKind == PoolKind::Lp ? static_cast<double>(ctx.attr_int("p")) : 2.0;
  if (p <= 0) return ctx.error("p must be positive");
  const std::vector<double> xv = x.to_double_vector();
  const int64_t planes = x.dim(0) * x.dim(1);
  const int64_t plane = planes > 0 ? x.numel() / planes : 0;
  std::vector<double> yv(static_cast<size_t>(planes));
  for (int64_t pl = 0; pl < planes; ++pl) {
    double acc = kKind == PoolKind::Max ? -std::numeric_limits<double>::infinity() : 0.0;
    for (int64_t i = 0; i < plane; ++i) {
      const double v = xv[static_cast<size_t>(pl * plane + i)];
      if constexpr (kKind == PoolKind::Max) acc = std::max(acc, v);
      else if constexpr (kKind == PoolKind::Average) acc += v;
      else acc += std::pow(std::fabs(v), p);
    }
    if constexpr (kKind == PoolKind::Average) acc /= static_cast<double>(plane);
    if constexpr (kKind == PoolKind::Lp) acc = std::pow(acc, 1.0 / p);
    yv[static_cast<size_t>(pl)] = acc;
  }
  return store_doubles(ctx.output(0), yv, "pooling");
}

}  // namespace

HONE_DEFINE_OP(MaxPool){
    .name = "MaxPool",
    .min_inputs = 1,
    .max_inputs = 1,
    .min_outputs = 1,
    .max_outputs = 2,
    .attrs = {attr_string("auto_pad", "NOTSET"), attr_int("ceil_mode", 0), attr_ints("dilations", {}),
              attr_required("kernel_shape", AttrType::Ints), attr_ints("pads", {}), attr_int("storage_order", 0),
              attr_ints("strides", {})},
    .infer = infer_pool<PoolKind::Max>,
    .run = run_pool<PoolKind::Max>,
};

HONE_DEFINE_OP(AveragePool){
    .name = "AveragePool",
    .min_inputs = 1,
    .max_inputs = 1,
    .attrs = {attr_string("auto_pad", "NOTSET"), attr_int("ceil_mode", 0), attr_int("count_include_pad", 0),
              attr_ints("dilations", {}), attr_required("kernel_shape", AttrType::Ints), attr_ints("pads", {}),
              attr_ints("strides", {})},
    .infer = infer_pool<PoolKind::Average>,
    .run = run_pool<PoolKind::Average>,
};

HONE_DEFINE_OP(LpPool){
    .name = "LpPool",
    .min_inputs = 1,
    .max_inputs = 1,
    .attrs = {attr_string("auto_pad", "NOTSET"), attr_int("ceil_mode", 0), attr_ints("dilations", {}),
              attr_required("kernel_shape", AttrType::Ints), attr_int("p", 2), attr_ints("pads", {}),
              attr_ints("strides", {})},
    .infer = infer_pool<PoolKind::Lp>,
    .run = run_pool<PoolKind::Lp>,
};

HONE_DEFINE_OP(GlobalMaxPool){
    .name = "GlobalMaxPool",
    .min_inputs = 1,
    .max_inputs = 1,
    .infer = infer_global<PoolKind::Max>,
    .run = run_global<PoolKind::Max>,
};

HONE_DEFINE_OP(GlobalAveragePool){
    .name = "GlobalAveragePool",
    .min_inputs = 1,
    .max_inputs = 1,
    .infer = infer_global<PoolKind::Average>,
    .run = run_global<PoolKind::Average>,
};

HONE_DEFINE_OP(GlobalLpPool){
    .name = "GlobalLpPool",
    .min_inputs = 1,
    .max_inputs = 1,
    .attrs = {attr_int("p", 2)},
    .infer = infer_global<PoolKind::Lp>,
    .run = run_global<PoolKind::Lp>,
};

}  // namespace hone::ops
