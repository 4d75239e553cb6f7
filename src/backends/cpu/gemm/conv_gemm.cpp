// Convolution as GEMM (conv_gemm.hpp): geometry, weight packing, im2col into packed panels,
// and the per-image, per-group loop over sgemm.
#include "backends/cpu/gemm/conv_gemm.hpp"

#include <algorithm>
#include <string>

namespace hone::cpu {
namespace {

bool is_conv(ir::OpKind k) { return k == ir::OpKind::Conv || k == ir::OpKind::FusedConv; }

bool all_equal(const std::vector<int64_t>& v, int64_t x) {
  return std::all_of(v.begin(), v.end(), [x](int64_t e) { return e == x; });
}

}  // namespace

Result<ConvGemmGeometry> conv_gemm_geometry(const ops::AttrReader& node, const Shape& x, const Shape& w) {
  if (x.size() < 3 || x.size() > 5 || w.size() != x.size()) {
    return node.bad_input("X " + shape_to_string(x) + " and W " + shape_to_string(w) +
                          " must have equal rank with 1 to 3 spatial dims");
  }
  const int64_t group = node.attr_int("group");
  if (group <= 0) return node.error("group must be positive");
  if (x[1] != w[1] * group || w[0] % group != 0) {
    return node.error("W " + shape_to_string(w) + " does not fit X " + shape_to_string(x) + " with group " +
                      std::to_string(group));
  }
  const std::vector<int64_t> kernel = ops::spatial_dims(w);
  if (node.has_attr("kernel_shape") && node.attr_ints("kernel_shape") != kernel) {
    return node.error("kernel_shape does not match W " + shape_to_string(w));
  }
  HONE_ASSIGN_OR_RETURN(const ops::WindowGeometry wg, ops::resolve_window(node, ops::spatial_dims(x), kernel, false));
  ConvGemmGeometry geo;
  HONE_ASSIGN_OR_RETURN(geo.g, ops::to_3d(node, wg));
  geo.batch = static_cast<size_t>(x[0]);
  geo.channels = static_cast<size_t>(x[1]);
  geo.out_channels = static_cast<size_t>(w[0]);
  geo.group = static_cast<size_t>(group);
  geo.cg = static_cast<size_t>(w[1]);
  geo.mg = geo.out_channels / geo.group;
  geo.kernel_volume = static_cast<size_t>(geo.g.k[0] * geo.g.k[1] * geo.g.k[2]);
  geo.k = geo.cg * geo.kernel_volume;
  geo.in_plane = static_cast<size_t>(geo.g.in[0] * geo.g.in[1] * geo.g.in[2]);
  geo.out_plane = static_cast<size_t>(geo.g.out[0] * geo.g.out[1] * geo.g.out[2]);
  geo.pointwise = all_equal(wg.kernel, 1) && all_equal(wg.strides, 1) && all_equal(wg.pads_begin, 0) &&
                  all_equal(wg.pads_end, 0);
  return geo;
}

bool conv_gemm_supports(const LayerDesc& layer) {
  if (!is_float32_layer(layer) || layer.output_types.size() != 1) return false;
  const ir::Node& node = *layer.node;
  if (!is_conv(node.kind()) || !has_valid_epilogue(node)) return false;
  const ir::TensorShape& x = layer.input_types[0].shape;
  const ir::TensorShape& w = layer.input_types[1].shape;
  if (x.rank() < 3 || x.rank() > 5 || w.rank() != x.rank() || !w.is_static()) return false;
  const int64_t group = attr_reader(node).attr_int("group");
  return group > 0 && w.dims[0].value % group == 0;
}

bool is_pointwise_conv(const LayerDesc& layer) {
  const ops::AttrReader r = attr_reader(*layer.node);
  const ir::TensorShape& w = layer.input_types[1].shape;
  for (size_t i = 2; i < w.rank(); ++i) {
    if (w.dims[i].value != 1) return false;
  }
  // Absent or empty attributes mean strides 1 and pads 0; with a 1x1 kernel and stride 1
  // every auto_pad mode pads nothing.
  return all_equal(r.attr_ints("strides"), 1) && all_equal(r.attr_ints("pads"), 0);
}

size_t conv_gemm_workspace_bytes(CpuIsa isa, const LayerDesc& layer) {
  const ir::Node& node = *layer.node;
  const ir::TensorShape& w = layer.input_types[1].shape;
  const ir::TensorShape& y = layer.output_types[0].shape;
  const size_t group = static_cast<size_t>(std::max<int64_t>(1, attr_reader(node).attr_int("group")));
  size_t k = dim_or(w.dims[1], kUnknownDimBound);
  for (size_t i = 2; i < w.rank(); ++i) k *= dim_or(w.dims[i], 1);
  size_t out_plane = 1;
  for (size_t i = 2; i < y.rank(); ++i) out_plane *= dim_or(y.dims[i], kUnknownDimBound);
  ConvGemmGeometry geo;
  geo.mg = dim_or(w.dims[0], kUnknownDimBound) / group;
  geo.k = k;
  geo.out_plane = out_plane;
  geo.pointwise = is_pointwise_conv(layer);
  return conv_gemm_group_workspace_bytes(isa, geo, node.input(1)->is_constant());
}

Result<std::vector<Tensor>> conv_gemm_prepare(CpuIsa isa, const LayerDesc& layer) {
  const ir::Node& node = *layer.node;
  std::vector<Tensor> out;
  if (!node.input(1)->is_constant()) return out;
  const Tensor& w = node.input(1)->constant();
  const ops::AttrReader r = attr_reader(node);
  const int64_t group = r.attr_int("group");
  if (w.rank() < 3 || group <= 0 || w.dim(0) % group != 0) return r.error("W does not fit the group count");
  const size_t mg = static_cast<size_t>(w.dim(0) / group);
  const size_t k = static_cast<size_t>(w.numel() / std::max<int64_t>(1, w.dim(0)));
  // W[g*Mg + m, c, kk] is row m of the group's Mg x K matrix (rows contiguous).
  HONE_ASSIGN_OR_RETURN(Tensor packed, pack_grouped_a(isa, w.data<float>(), group, mg, k, k, false));
  out.push_back(std::move(packed));
  return out;
}

Result<Tensor> pack_grouped_a(CpuIsa isa, const float* w, int64_t group, size_t m, size_t k, size_t lda, bool trans) {
  const size_t per = packed_a_floats(isa, m, k);
  HONE_ASSIGN_OR_RETURN(Tensor packed, Tensor::create(DataType::Float, {group, static_cast<int64_t>(per)}));
  for (int64_t g = 0; g < group; ++g) {
    pack_a(isa, m, k, w + static_cast<size_t>(g) * m * k, lda, trans, packed.data<float>() + static_cast<size_t>(g) * per);
  }
  return packed;
}

Status conv_gemm_run(CpuIsa isa, const LayerRun& run, bool pointwise_only, std::string_view tactic) {
  ops::KernelContext& ctx = run.kernel;
  const Tensor& x = ctx.input(0);
  const Tensor& w = ctx.input(1);
  Tensor& y = ctx.output(0);
  if (x.dtype() != DataType::Float || w.dtype() != DataType::Float || y.dtype() != DataType::Float) {
    return ctx.bad_input(std::string(tactic) + " runs float32 layers only");
  }
  HONE_ASSIGN_OR_RETURN(const ConvGemmGeometry geo, conv_gemm_geometry(ctx, x.shape(), w.shape()));
  if (pointwise_only && !geo.pointwise) return ctx.bad_input(std::string(tactic) + " runs 1x1 convolutions only");
  Shape y_shape = {static_cast<int64_t>(geo.batch), static_cast<int64_t>(geo.out_channels)};
  for (size_t i = 2; i < x.shape().size(); ++i) y_shape.push_back(geo.g.out[3 - (x.shape().size() - i)]);
  if (y.shape() != y_shape) return ctx.bad_input("the output has shape " + shape_to_string(y.shape()));

  const float* bias = nullptr;
  if (ctx.has_input(2)) {
    const Tensor& b = ctx.input(2);
    if (b.dtype() != DataType::Float || b.rank() != 1 || static_cast<size_t>(b.dim(0)) != geo.out_channels) {
      return ctx.error("B must have shape [" + std::to_string(geo.out_channels) + "], got " + shape_to_string(b.shape()));
    }
    bias = b.data<float>();
  }
  HONE_ASSIGN_OR_RETURN(const ops::Epilogue e, epilogue_of(ctx));
  const float* z = nullptr;
  if (ctx.node().kind() == ir::OpKind::FusedConv && ctx.has_input(ops::kEpilogueResidualInput)) {
    const Tensor& zt = ctx.input(ops::kEpilogueResidualInput);
    if (zt.dtype() != DataType::Float || zt.shape() != y.shape()) {
      return ctx.bad_input("Z " + shape_to_string(zt.shape()) + " must have the output's shape " +
                           shape_to_string(y.shape()));
    }
    z = zt.data<float>();
  }
  const bool packed_w = ctx.node().input(1)->is_constant();
  const size_t per_group = packed_a_floats(isa, geo.mg, geo.k);
  HONE_RETURN_IF_ERROR(check_packed(run.packed, packed_w ? std::vector<size_t>{geo.group * per_group}
                                                         : std::vector<size_t>{},
                                    tactic));

  GemmEpilogue ep;
  ep.activation = e.activation;
  ep.post_activation = e.post_activation;
  ep.bias.row_stride = 1;
  for (size_t n = 0; n < geo.batch; ++n) {
    for (size_t g = 0; g < geo.group; ++g) {
      const GemmOperand a = packed_w ? GemmOperand::prepacked(run.packed[0].data<float>() + g * per_group)
                                     : GemmOperand::matrix(w.data<float>() + g * geo.mg * geo.k, geo.k);
      const size_t y_offset = (n * geo.out_channels + g * geo.mg) * geo.out_plane;
      ep.bias.data = bias ? bias + g * geo.mg : nullptr;
      ep.residual = z ? z + y_offset : nullptr;
      HONE_RETURN_IF_ERROR(conv_gemm_group(isa, geo, a, x.data<float>() + (n * geo.channels + g * geo.cg) * geo.in_plane,
                                           y.data<float>() + y_offset, ep, run.pool, run.workspace));
    }
  }
  return Status::ok();
}

size_t conv_gemm_group_workspace_bytes(CpuIsa isa, const ConvGemmGeometry& geo, bool packed_w) {
  if (geo.pointwise) return sgemm_workspace_bytes(isa, geo.mg, geo.out_plane, geo.k, packed_w, false);
  const Im2colChunk chunk = im2col_chunk(geo.k, geo.out_plane);
  return im2col_buffer_bytes(chunk, geo.k) + sgemm_workspace_bytes(isa, geo.mg, chunk.columns, geo.k, packed_w, false);
}

Status conv_gemm_group(CpuIsa isa, const ConvGemmGeometry& geo, const GemmOperand& w, const float* x, float* y,
                       GemmEpilogue ep, ThreadPool& pool, std::span<std::byte> workspace) {
  ep.ldz = geo.out_plane;
  if (geo.pointwise) {
    return sgemm(isa, geo.mg, geo.out_plane, geo.k, w, GemmOperand::matrix(x, geo.in_plane), y, geo.out_plane, ep, pool,
                 workspace);
  }
  // The workspace: the im2col buffer (K x a column chunk), then sgemm's.
  const Im2colChunk chunk = im2col_chunk(geo.k, geo.out_plane);
  const size_t buffer_bytes = im2col_buffer_bytes(chunk, geo.k);
  if (workspace.size() < buffer_bytes) return invalid_argument("im2col needs a larger workspace");
  float* columns = reinterpret_cast<float*>(workspace.data());
  // Per-kw ranges of output columns whose input column is inside X (Im2colSource::w_range).
  std::vector<int64_t> w_range(2 * static_cast<size_t>(geo.g.k[2]));
  for (int64_t kw = 0; kw < geo.g.k[2]; ++kw) {
    ops::valid_output_range(geo.g.in[2], geo.g.out[2], geo.g.s[2], geo.g.p[2], kw * geo.g.d[2],
                            &w_range[static_cast<size_t>(2 * kw)], &w_range[static_cast<size_t>(2 * kw + 1)]);
  }
  const Im2colSource source{x, geo.in_plane, &geo.g, w_range.data()};
  const float* z = ep.residual;
  for (size_t n0 = 0; n0 < geo.out_plane; n0 += chunk.columns) {
    const size_t cols = std::min(chunk.columns, geo.out_plane - n0);
    const size_t jobs = std::min<size_t>(geo.k, 4 * static_cast<size_t>(pool.threads()));
    pool.parallel_for(jobs, [&](size_t job) {
      const size_t k0 = geo.k * job / jobs, k1 = geo.k * (job + 1) / jobs;
      im2col_rows(isa, source, k0, k1, n0, cols, columns + k0 * chunk.ld, chunk.ld);
    });
    ep.residual = z ? z + n0 : nullptr;
    HONE_RETURN_IF_ERROR(sgemm(isa, geo.mg, cols, geo.k, w, GemmOperand::matrix(columns, chunk.ld), y + n0,
                               geo.out_plane, ep, pool, workspace.subspan(buffer_bytes)));
  }
  return Status::ok();
}

Im2colChunk im2col_chunk(size_t k, size_t out_plane) {
  Im2colChunk c;
  c.columns = out_plane;
  if (k * out_plane > kIm2colBufferFloats) c.columns = std::max<size_t>(64, kIm2colBufferFloats / std::max<size_t>(k, 1) / 64 * 64);
  c.columns = std::min(c.columns, out_plane);
  // Rows 4 KiB apart would make sgemm pack the buffer instead of reading it in place.
  c.ld = c.columns % 1024 == 0 ? c.columns + 16 : c.columns;
  return c;
}

size_t im2col_buffer_bytes(const Im2colChunk& chunk, size_t k) {
  return (k * chunk.ld * sizeof(float) + 63) / 64 * 64;
}

// Row j = (c, kd, kh, kw) of im2col(X) is X's channel c shifted by the kernel offset: for
// output position o = (od, oh, ow) it reads X[c, od*s0 - p0 + kd*d0, oh*s1 - p1 + kh*d1,
// ow*s2 - p2 + kw*d2], or 0 outside. Positions are walked one output row (od, oh) at a time:
// within a row the valid ow form one range (s.w_range), copied, with zeros on either side.
void im2col_rows_portable(const Im2colSource& s, size_t k0, size_t k1, size_t n0, size_t cols, float* out, size_t ld) {
  const ops::Geometry3d& g = *s.g;
  const size_t out_w = static_cast<size_t>(g.out[2]), out_h = static_cast<size_t>(g.out[1]);
  for (size_t j = k0; j < k1; ++j) {
    size_t rest = j;
    const int64_t kw = static_cast<int64_t>(rest % static_cast<size_t>(g.k[2]));
    rest /= static_cast<size_t>(g.k[2]);
    const int64_t kh = static_cast<int64_t>(rest % static_cast<size_t>(g.k[1]));
    rest /= static_cast<size_t>(g.k[1]);
    const int64_t kd = static_cast<int64_t>(rest % static_cast<size_t>(g.k[0]));
    const float* xc = s.x + rest / static_cast<size_t>(g.k[0]) * s.in_plane;
    const int64_t w_shift = kw * g.d[2] - g.p[2];
    const int64_t w_lo = s.w_range[2 * kw], w_hi = s.w_range[2 * kw + 1];
    float* dst = out + (j - k0) * ld;
    size_t ow = n0 % out_w, oh = (n0 / out_w) % out_h, od = n0 / out_w / out_h;
    for (size_t n = 0; n < cols;) {
      const size_t seg = std::min(out_w - ow, cols - n);
      const int64_t id = static_cast<int64_t>(od) * g.s[0] - g.p[0] + kd * g.d[0];
      const int64_t ih = static_cast<int64_t>(oh) * g.s[1] - g.p[1] + kh * g.d[1];
      float* d = dst + n - static_cast<int64_t>(ow);  // d[o] is output column o of this row
      const int64_t o0 = static_cast<int64_t>(ow), o1 = o0 + static_cast<int64_t>(seg);
      if (id < 0 || id >= g.in[0] || ih < 0 || ih >= g.in[1]) {
        for (int64_t o = o0; o < o1; ++o) d[o] = 0.0f;
      } else {
        const float* xrow = xc + static_cast<size_t>((id * g.in[1] + ih) * g.in[2]);
        const int64_t lo = std::clamp(w_lo, o0, o1), hi = std::clamp(w_hi, lo, o1);
        for (int64_t o = o0; o < lo; ++o) d[o] = 0.0f;
        if (g.s[2] == 1) {
          const float* src = xrow + w_shift;
          for (int64_t o = lo; o < hi; ++o) d[o] = src[o];
        } else {
          for (int64_t o = lo; o < hi; ++o) d[o] = xrow[o * g.s[2] + w_shift];
        }
        for (int64_t o = hi; o < o1; ++o) d[o] = 0.0f;
      }
      n += seg;
      ow = 0;
      if (++oh == out_h) {
        oh = 0;
        ++od;
      }
    }
  }
}

void im2col_rows(CpuIsa isa, const Im2colSource& s, size_t k0, size_t k1, size_t n0, size_t cols, float* out, size_t ld) {
  im2col_rows_portable(s, k0, k1, n0, cols, out, ld);
}

}  // namespace hone::cpu
