// Convolution as GEMM (conv_gemm.hpp): geometry, weight packing, im2col into packed panels,
// and the per-image, per-group loop over sgemm.
#include "backends/cpu/gemm/conv_gemm.hpp"

#include <algorithm>
#include <cstring>
#include <string>

namespace hone::cpu {
namespace {

bool is_conv(ir::OpKind k) { return k == ir::OpKind::Conv || k == ir::OpKind::FusedConv; }

bool all_equal(const std::vector<int64_t>& v, int64_t x) {
  return std::all_of(v.begin(), v.end(), [x](int64_t e) { return e == x; });
}

void fill_zero(float* p, size_t n) { std::memset(p, 0, n * sizeof(float)); }

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
  const size_t mg = dim_or(w.dims[0], kUnknownDimBound) / group;
  return sgemm_workspace_bytes(isa, mg, out_plane, k, node.input(1)->is_constant(), false);
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
  const size_t per = packed_a_floats(isa, mg, k);
  HONE_ASSIGN_OR_RETURN(Tensor packed, Tensor::create(DataType::Float, {group, static_cast<int64_t>(per)}));
  for (int64_t g = 0; g < group; ++g) {
    // W[g*Mg + m, c, kk] is row m of the group's Mg x K matrix (rows contiguous).
    pack_a(isa, mg, k, w.data<float>() + static_cast<size_t>(g) * mg * k, k, false,
           packed.data<float>() + static_cast<size_t>(g) * per);
  }
  out.push_back(std::move(packed));
  return out;
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
  ep.ldz = geo.out_plane;
  for (size_t n = 0; n < geo.batch; ++n) {
    for (size_t g = 0; g < geo.group; ++g) {
      const GemmOperand a = packed_w ? GemmOperand::prepacked(run.packed[0].data<float>() + g * per_group)
                                     : GemmOperand::matrix(w.data<float>() + g * geo.mg * geo.k, geo.k);
      const float* xg = x.data<float>() + (n * geo.channels + g * geo.cg) * geo.in_plane;
      const Im2colSource source{xg, geo.in_plane, &geo.g};
      const GemmOperand b = geo.pointwise ? GemmOperand::matrix(xg, geo.in_plane)
                                          : GemmOperand::packed_by(im2col_pack, &source);
      const size_t y_offset = (n * geo.out_channels + g * geo.mg) * geo.out_plane;
      ep.bias.data = bias ? bias + g * geo.mg : nullptr;
      ep.residual = z ? z + y_offset : nullptr;
      HONE_RETURN_IF_ERROR(sgemm(isa, geo.mg, geo.out_plane, geo.k, a, b, y.data<float>() + y_offset, geo.out_plane,
                                 ep, run.pool, run.workspace));
    }
  }
  return Status::ok();
}

// Row j = (c, kd, kh, kw) of im2col(X) is X's channel c shifted by the kernel offset: for
// output position o = (od, oh, ow) it reads X[c, od*s0 - p0 + kd*d0, oh*s1 - p1 + kh*d1,
// ow*s2 - p2 + kw*d2], or 0 outside. Output positions are walked one output row (od, oh) at a
// time: within a row the valid ow form one range, copied (a memcpy at stride 1) with zeros
// on either side, and the row is cut where it crosses into the next NR panel.
void im2col_pack(const void* context, size_t k0, size_t kc, size_t n0, size_t nc, size_t nr, float* out) {
  const Im2colSource& s = *static_cast<const Im2colSource*>(context);
  const ops::Geometry3d& g = *s.g;
  const size_t out_w = static_cast<size_t>(g.out[2]), out_h = static_cast<size_t>(g.out[1]);
  const size_t panel_stride = kc * nr;
  for (size_t kk = 0; kk < kc; ++kk) {
    size_t j = k0 + kk;
    const int64_t kw = static_cast<int64_t>(j % static_cast<size_t>(g.k[2]));
    j /= static_cast<size_t>(g.k[2]);
    const int64_t kh = static_cast<int64_t>(j % static_cast<size_t>(g.k[1]));
    j /= static_cast<size_t>(g.k[1]);
    const int64_t kd = static_cast<int64_t>(j % static_cast<size_t>(g.k[0]));
    const size_t c = j / static_cast<size_t>(g.k[0]);
    const float* xc = s.x + c * s.in_plane;
    const int64_t w_shift = kw * g.d[2] - g.p[2];
    int64_t w_lo, w_hi;  // output columns whose input column is inside
    ops::valid_output_range(g.in[2], g.out[2], g.s[2], g.p[2], kw * g.d[2], &w_lo, &w_hi);

    size_t ow = n0 % out_w;
    size_t oh = (n0 / out_w) % out_h;
    size_t od = n0 / out_w / out_h;
    for (size_t n = n0; n < n0 + nc;) {
      const size_t seg = std::min(out_w - ow, n0 + nc - n);
      const int64_t id = static_cast<int64_t>(od) * g.s[0] - g.p[0] + kd * g.d[0];
      const int64_t ih = static_cast<int64_t>(oh) * g.s[1] - g.p[1] + kh * g.d[1];
      const bool row_inside = id >= 0 && id < g.in[0] && ih >= 0 && ih < g.in[1];
      const float* xrow = row_inside ? xc + static_cast<size_t>((id * g.in[1] + ih) * g.in[2]) : nullptr;
      for (size_t done = 0; done < seg;) {
        const size_t local = n + done - n0;
        const size_t lane = local % nr;
        const size_t chunk = std::min(nr - lane, seg - done);
        float* dst = out + (local / nr) * panel_stride + kk * nr + lane;
        if (!row_inside) {
          fill_zero(dst, chunk);
        } else {
          const int64_t o0 = static_cast<int64_t>(ow + done), o1 = o0 + static_cast<int64_t>(chunk);
          const int64_t lo = std::clamp(w_lo, o0, o1), hi = std::clamp(w_hi, lo, o1);
          fill_zero(dst, static_cast<size_t>(lo - o0));
          float* d = dst + (lo - o0);
          if (g.s[2] == 1) {
            std::memcpy(d, xrow + lo + w_shift, static_cast<size_t>(hi - lo) * sizeof(float));
          } else {
            for (int64_t o = lo; o < hi; ++o) *d++ = xrow[o * g.s[2] + w_shift];
          }
          fill_zero(dst + (hi - o0), static_cast<size_t>(o1 - hi));
        }
        done += chunk;
      }
      n += seg;
      ow = 0;
      if (++oh == out_h) {
        oh = 0;
        ++od;
      }
    }
  }
  // Columns past nc in the last panel.
  if (nc % nr != 0) {
    float* last = out + (nc / nr) * panel_stride;
    for (size_t kk = 0; kk < kc; ++kk) fill_zero(last + kk * nr + nc % nr, nr - nc % nr);
  }
}

}  // namespace hone::cpu
