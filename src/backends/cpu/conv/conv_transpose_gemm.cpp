// Tactic cpu.f32_conv_transpose_gemm_<isa>: ConvTranspose (float32, 1 to 3 spatial dims, any
// strides, dilations, pads, output_padding, output_shape, auto_pad, groups, batch) as a GEMM
// followed by col2im, per image n and group g:
//
//   col[r, i] = sum_c W[g*Cg + c, m, kk] * X[n, g*Cg + c, i]     r = (m, kd, kh, kw) < Mg * kernel volume
//   Y[n, g*Mg + m, i*s - p + kk*d] += col[r, i]                   i = (id, ih, iw) an input position
//
// The GEMM has M = Mg * kernel volume, K = Cg, N = input positions: A = W_g^T (W's group block
// is Cg rows of Mg * kernel volume floats, read transposed; packed once when W is constant),
// B = X's Cg planes in place, C = col in the workspace, a chunk of input positions at a time
// (at most kIm2colBufferFloats floats). With one input channel per group (depthwise) there is
// no sum and col[r, i] is W[.., r] * X[.., i], read directly without a GEMM.
//
// col2im walks output rows (m, od, oh), so threads never write the same element: an output row
// gathers, for each (kd, kh) whose input row (id, ih) = ((od + p - kd*d) / s, (oh + p - kh*d) / s)
// divides evenly and lies in the chunk, the kernel columns kw as shifted (stride 1: contiguous)
// or strided adds of col's rows. Y starts as the bias. When kernel == stride on every axis with
// no pads (YOLOv8-seg's and U-Net's 2x2 stride-2 upsampling) each output element has exactly
// one contribution: col2im is an interleaving that writes Y once, bias included.
#include <algorithm>
#include <string>

#include "backends/cpu/gemm/conv_gemm.hpp"
#include "backends/cpu/gemm/gemm_tactics.hpp"
#include "backends/cpu/kernels/tactic_common.hpp"

namespace hone::cpu {
namespace {

struct TransposeGeometry {
  size_t batch = 0, channels = 0, out_channels = 0, group = 1;
  size_t cg = 0, mg = 0;  // input / output channels per group
  size_t kernel_volume = 1;
  size_t rows = 0;        // col's rows: mg * kernel_volume
  size_t in_plane = 0, out_plane = 0;
  ops::Geometry3d g;
  bool interleave = false;  // kernel == stride, no pads, out == in * stride: one contribution each
  bool direct() const { return cg == 1; }
};

// The geometry at run-time shapes X and W; the reference's errors for what it refuses.
Result<TransposeGeometry> transpose_geometry(const ops::AttrReader& node, const Shape& x, const Shape& w) {
  if (x.size() < 3 || x.size() > 5 || w.size() != x.size()) {
    return node.bad_input("X " + shape_to_string(x) + " and W " + shape_to_string(w) +
                          " must have equal rank with 1 to 3 spatial dims");
  }
  const int64_t group = node.attr_int("group");
  if (group <= 0 || w[0] != x[1] || x[1] % group != 0) {
    return node.error("W " + shape_to_string(w) + " does not fit X " + shape_to_string(x) + " with group " +
                      std::to_string(group));
  }
  const std::vector<int64_t> kernel = ops::spatial_dims(w);
  if (node.has_attr("kernel_shape") && node.attr_ints("kernel_shape") != kernel) {
    return node.error("kernel_shape does not match W " + shape_to_string(w));
  }
  HONE_ASSIGN_OR_RETURN(const ops::WindowGeometry wg,
                        ops::resolve_transpose_window(node, ops::spatial_dims(x), kernel));
  TransposeGeometry geo;
  HONE_ASSIGN_OR_RETURN(geo.g, ops::to_3d(node, wg));
  geo.batch = static_cast<size_t>(x[0]);
  geo.channels = static_cast<size_t>(x[1]);
  geo.group = static_cast<size_t>(group);
  geo.cg = geo.channels / geo.group;
  geo.mg = static_cast<size_t>(w[1]);
  geo.out_channels = geo.mg * geo.group;
  const ops::Geometry3d& g = geo.g;
  geo.kernel_volume = static_cast<size_t>(g.k[0] * g.k[1] * g.k[2]);
  geo.rows = geo.mg * geo.kernel_volume;
  geo.in_plane = static_cast<size_t>(g.in[0] * g.in[1] * g.in[2]);
  geo.out_plane = static_cast<size_t>(g.out[0] * g.out[1] * g.out[2]);
  geo.interleave = true;
  for (int a = 0; a < 3; ++a) {
    geo.interleave = geo.interleave && g.k[a] == g.s[a] && (g.k[a] == 1 || g.d[a] == 1) && g.p[a] == 0 &&
                     g.pe[a] == 0 && g.out[a] == g.in[a] * g.s[a];
  }
  return geo;
}

// col's chunk: `columns` input positions (all unless rows x positions exceed
// kIm2colBufferFloats), rows `ld` floats apart.
struct ColumnChunk {
  size_t columns = 0;
  size_t ld = 0;
};

ColumnChunk column_chunk(size_t rows, size_t in_plane) {
  ColumnChunk c;
  c.columns = in_plane;
  if (rows * in_plane > kIm2colBufferFloats) {
    c.columns = std::max<size_t>(64, kIm2colBufferFloats / std::max<size_t>(rows, 1) / 64 * 64);
  }
  c.columns = std::max<size_t>(1, std::min(c.columns, in_plane));
  // Rows a multiple of 16 floats apart, but not of 4 KiB (cache-set aliasing of the stores).
  c.ld = (c.columns + 15) / 16 * 16;
  if (c.ld % 1024 == 0) c.ld += 16;
  return c;
}

size_t column_buffer_bytes(const ColumnChunk& c, size_t rows) { return (rows * c.ld * sizeof(float) + 63) / 64 * 64; }

size_t group_workspace_bytes(CpuIsa isa, size_t rows, size_t cg, size_t in_plane, bool packed_w) {
  if (cg == 1) return 0;
  const ColumnChunk chunk = column_chunk(rows, in_plane);
  return column_buffer_bytes(chunk, rows) + sgemm_workspace_bytes(isa, rows, chunk.columns, cg, packed_w, false);
}

// Where col2im reads row r of col for input positions of one chunk: col[r, i] =
// scale(r) * data[r * ld + i - n0] (GEMM: scale 1), or scale[r] * data[i] (depthwise: data is
// X's plane, scale the group's weights).
struct ColumnSource {
  const float* data = nullptr;
  size_t ld = 0;
  const float* scale = nullptr;  // nullptr: 1
  size_t n0 = 0;
  // A pointer p with p[i] the element of row r for input position i of the chunk.
  const float* row(size_t r) const { return scale ? data : data + r * ld - n0; }
  float factor(size_t r) const { return scale ? scale[r] : 1.0f; }
};

// The output rows of one image and group that col2im visits for a chunk: m < mg, od in
// [od0, od1), oh in [oh0, oh1); item i = (m, od, oh) in that order.
struct RowRange {
  int64_t od0 = 0, od1 = 0, oh0 = 0, oh1 = 0;
  size_t per_channel() const { return static_cast<size_t>((od1 - od0) * (oh1 - oh0)); }
};

// Output positions [lo, hi) along one axis that input positions [i0, i1] reach.
void reach(int64_t i0, int64_t i1, int64_t k, int64_t s, int64_t d, int64_t p, int64_t out, int64_t* lo, int64_t* hi) {
  *lo = std::clamp<int64_t>(i0 * s - p, 0, out);
  *hi = std::clamp<int64_t>(i1 * s - p + (k - 1) * d + 1, *lo, out);
}

RowRange rows_reached(const ops::Geometry3d& g, size_t n0, size_t cols) {
  // Input rows (id, ih) of the chunk: flat rows [r0, r1].
  const int64_t r0 = static_cast<int64_t>(n0) / g.in[2], r1 = static_cast<int64_t>(n0 + cols - 1) / g.in[2];
  const int64_t id0 = r0 / g.in[1], id1 = r1 / g.in[1];
  RowRange rr;
  reach(id0, id1, g.k[0], g.s[0], g.d[0], g.p[0], g.out[0], &rr.od0, &rr.od1);
  if (id0 == id1) {
    reach(r0 % g.in[1], r1 % g.in[1], g.k[1], g.s[1], g.d[1], g.p[1], g.out[1], &rr.oh0, &rr.oh1);
  } else {
    rr.oh0 = 0;
    rr.oh1 = g.out[1];
  }
  return rr;
}

RowRange all_rows(const ops::Geometry3d& g) { return {0, g.out[0], 0, g.out[1]}; }

// Input index i along an axis whose kernel tap kk reaches output o (o = i*s - p + kk*d), or -1.
int64_t input_of(int64_t o, int64_t kk, int64_t s, int64_t d, int64_t p, int64_t in) {
  const int64_t num = o + p - kk * d;
  if (num < 0 || num % s != 0) return -1;
  const int64_t i = num / s;
  return i < in ? i : -1;
}

struct Col2im {
  const TransposeGeometry* geo = nullptr;
  const ColumnSource* src = nullptr;
  size_t n0 = 0, cols = 0;        // the chunk's input positions
  const int64_t* w_range = nullptr;  // per kw: input columns [lo, hi) that land inside the output row
  const float* bias = nullptr;    // the group's Mg values, or nullptr
  float* y = nullptr;             // the group's Mg output planes
  RowRange range;
  bool init = false;              // the rows start as the bias here (every contribution is in this chunk)

  // Input columns [a, b) of input row `row` that the chunk holds.
  bool chunk_columns(int64_t row, int64_t* a, int64_t* b) const {
    const int64_t in_w = geo->g.in[2], start = row * in_w;
    *a = std::max<int64_t>(static_cast<int64_t>(n0), start) - start;
    *b = std::min<int64_t>(static_cast<int64_t>(n0 + cols), start + in_w) - start;
    return *a < *b;
  }

  void run_items(size_t begin, size_t end) const {
    const ops::Geometry3d& g = geo->g;
    const size_t per = range.per_channel();
    const int64_t nh = range.oh1 - range.oh0;
    for (size_t item = begin; item < end; ++item) {
      const size_t m = item / per;
      const int64_t od = range.od0 + static_cast<int64_t>(item % per) / nh;
      const int64_t oh = range.oh0 + static_cast<int64_t>(item % per) % nh;
      float* yrow = y + m * geo->out_plane + static_cast<size_t>((od * g.out[1] + oh) * g.out[2]);
      const float b = bias ? bias[m] : 0.0f;
      if (geo->interleave) {
        interleave_row(m, od, oh, b, yrow);
      } else {
        accumulate_row(m, od, oh, b, yrow);
      }
    }
  }

  // kernel == stride, no pads: output (od, oh, ow) comes from input (od/k, oh/k, ow/k) and
  // tap (od%k, oh%k, ow%k) alone; the chunk's part of the row is written, bias included.
  void interleave_row(size_t m, int64_t od, int64_t oh, float b, float* yrow) const {
    const ops::Geometry3d& g = geo->g;
    const int64_t kd = od % g.k[0], kh = oh % g.k[1], kw_count = g.k[2];
    const int64_t row = od / g.k[0] * g.in[1] + oh / g.k[1];
    int64_t a, e;
    if (!chunk_columns(row, &a, &e)) return;
    const size_t r0 = ((m * static_cast<size_t>(g.k[0]) + static_cast<size_t>(kd)) * static_cast<size_t>(g.k[1]) +
                       static_cast<size_t>(kh)) * static_cast<size_t>(kw_count);
    const size_t base = static_cast<size_t>(row * g.in[2]);
    if (kw_count == 2) {
      const float* s0 = src->row(r0) + base;
      const float* s1 = src->row(r0 + 1) + base;
      const float f0 = src->factor(r0), f1 = src->factor(r0 + 1);
      for (int64_t iw = a; iw < e; ++iw) {
        yrow[2 * iw] = f0 * s0[iw] + b;
        yrow[2 * iw + 1] = f1 * s1[iw] + b;
      }
      return;
    }
    for (int64_t kw = 0; kw < kw_count; ++kw) {
      const float* s = src->row(r0 + static_cast<size_t>(kw)) + base;
      const float f = src->factor(r0 + static_cast<size_t>(kw));
      for (int64_t iw = a; iw < e; ++iw) yrow[iw * kw_count + kw] = f * s[iw] + b;
    }
  }

  void accumulate_row(size_t m, int64_t od, int64_t oh, float b, float* yrow) const {
    const ops::Geometry3d& g = geo->g;
    if (init) std::fill(yrow, yrow + g.out[2], b);
    for (int64_t kd = 0; kd < g.k[0]; ++kd) {
      const int64_t id = input_of(od, kd, g.s[0], g.d[0], g.p[0], g.in[0]);
      if (id < 0) continue;
      for (int64_t kh = 0; kh < g.k[1]; ++kh) {
        const int64_t ih = input_of(oh, kh, g.s[1], g.d[1], g.p[1], g.in[1]);
        if (ih < 0) continue;
        const int64_t row = id * g.in[1] + ih;
        int64_t a, e;
        if (!chunk_columns(row, &a, &e)) continue;
        const size_t base = static_cast<size_t>(row * g.in[2]);
        const size_t r0 = ((m * static_cast<size_t>(g.k[0]) + static_cast<size_t>(kd)) * static_cast<size_t>(g.k[1]) +
                           static_cast<size_t>(kh)) * static_cast<size_t>(g.k[2]);
        for (int64_t kw = 0; kw < g.k[2]; ++kw) {
          const int64_t lo = std::max(a, w_range[2 * kw]), hi = std::min(e, w_range[2 * kw + 1]);
          if (lo >= hi) continue;
          const float* s = src->row(r0 + static_cast<size_t>(kw)) + base;
          const float f = src->factor(r0 + static_cast<size_t>(kw));
          // Output column ow = iw*s - p + kw*d.
          const int64_t shift = kw * g.d[2] - g.p[2];
          if (g.s[2] == 1) {
            float* d = yrow + shift;
            for (int64_t iw = lo; iw < hi; ++iw) d[iw] += f * s[iw];
          } else {
            const int64_t stride = g.s[2];
            for (int64_t iw = lo; iw < hi; ++iw) yrow[iw * stride + shift] += f * s[iw];
          }
        }
      }
    }
  }
};

// Work per output row for the thread split: its width times the contributions per element
// (kernel volume over stride volume, at least 1).
size_t row_cost(const TransposeGeometry& geo) {
  const ops::Geometry3d& g = geo.g;
  const size_t contributions = std::max<size_t>(1, geo.kernel_volume / static_cast<size_t>(g.s[0] * g.s[1] * g.s[2]));
  return static_cast<size_t>(g.out[2]) * (contributions + 1);
}

// Per kw: [w_range[2kw], w_range[2kw+1]) are the input columns whose output column lies inside Y.
std::vector<int64_t> kernel_column_ranges(const ops::Geometry3d& g) {
  std::vector<int64_t> w_range(2 * static_cast<size_t>(g.k[2]));
  for (int64_t kw = 0; kw < g.k[2]; ++kw) {
    ops::valid_output_range(g.out[2], g.in[2], g.s[2], g.p[2], kw * g.d[2], &w_range[static_cast<size_t>(2 * kw)],
                            &w_range[static_cast<size_t>(2 * kw + 1)]);
  }
  return w_range;
}

// One image and group with Cg > 1: y (the group's Mg output planes) = col2im(W_g^T x) + bias.
Status run_group(CpuIsa isa, const TransposeGeometry& geo, const GemmOperand& w_t, const float* x, const float* bias,
                 float* y, ThreadPool& pool, std::span<std::byte> workspace) {
  const ops::Geometry3d& g = geo.g;
  const std::vector<int64_t> w_range = kernel_column_ranges(g);
  Col2im job;
  job.geo = &geo;
  job.w_range = w_range.data();
  job.bias = bias;
  job.y = y;
  const ColumnChunk chunk = column_chunk(geo.rows, geo.in_plane);
  const bool one_chunk = chunk.columns >= geo.in_plane;
  if (!geo.interleave && !one_chunk) {
    // Contributions to one output row come from several chunks: start every row as the bias.
    const size_t out_w = static_cast<size_t>(g.out[2]), out_rows = static_cast<size_t>(g.out[0] * g.out[1]);
    parallel_rows(pool, geo.mg * out_rows, out_w, 1, [&](size_t r0, size_t r1, size_t begin, size_t end) {
      for (size_t r = r0; r < r1; ++r) {
        std::fill(y + r * out_w + begin, y + r * out_w + end, bias ? bias[r / out_rows] : 0.0f);
      }
    });
  }
  const size_t buffer_bytes = column_buffer_bytes(chunk, geo.rows);
  if (workspace.size() < buffer_bytes) return invalid_argument("ConvTranspose needs a larger workspace");
  float* columns = reinterpret_cast<float*>(workspace.data());
  for (size_t n0 = 0; n0 < geo.in_plane; n0 += chunk.columns) {
    const size_t cols = std::min(chunk.columns, geo.in_plane - n0);
    HONE_RETURN_IF_ERROR(sgemm(isa, geo.rows, cols, geo.cg, w_t, GemmOperand::matrix(x + n0, geo.in_plane), columns,
                               chunk.ld, GemmEpilogue{}, pool, workspace.subspan(buffer_bytes)));
    const ColumnSource src{columns, chunk.ld, nullptr, n0};
    job.src = &src;
    job.n0 = n0;
    job.cols = cols;
    job.init = one_chunk && !geo.interleave;
    job.range = one_chunk ? all_rows(g) : rows_reached(g, n0, cols);
    const size_t items = geo.mg * job.range.per_channel();
    parallel_ranges(pool, items, grain_for(items, row_cost(geo)),
                    [&](size_t begin, size_t end) { job.run_items(begin, end); });
  }
  return Status::ok();
}

// One image with one input channel per group (depthwise): col[r, i] = W[g, r] * X[g, i], read
// directly; the output rows of every group form one loop over the threads (a group alone is
// too little work to split).
void run_direct(const TransposeGeometry& geo, const float* w, const float* x, const float* bias, float* y,
                ThreadPool& pool) {
  const ops::Geometry3d& g = geo.g;
  const std::vector<int64_t> w_range = kernel_column_ranges(g);
  const RowRange range = all_rows(g);
  const size_t per_group = geo.mg * range.per_channel();
  const size_t items = geo.group * per_group;
  parallel_ranges(pool, items, grain_for(items, row_cost(geo)), [&](size_t begin, size_t end) {
    for (size_t i = begin; i < end;) {
      const size_t grp = i / per_group, stop = std::min(end, (grp + 1) * per_group);
      const ColumnSource src{x + grp * geo.in_plane, 0, w + grp * geo.rows, 0};
      Col2im job;
      job.geo = &geo;
      job.src = &src;
      job.cols = geo.in_plane;
      job.w_range = w_range.data();
      job.bias = bias ? bias + grp * geo.mg : nullptr;
      job.y = y + grp * geo.mg * geo.out_plane;
      job.range = range;
      job.init = !geo.interleave;
      job.run_items(i - grp * per_group, stop - grp * per_group);
      i = stop;
    }
  });
}

bool is_static_dim_shape(const ir::TensorShape& s) { return s.has_rank && s.is_static(); }

class ConvTransposeGemmTactic final : public Tactic {
 public:
  explicit ConvTransposeGemmTactic(CpuIsa isa) : isa_(isa), id_(gemm_tactic_id("f32_conv_transpose_gemm", isa)) {}
  std::string_view id() const override { return id_; }
  std::vector<std::string> required_isa() const override { return isa_features(isa_); }

  bool supports(const LayerDesc& layer, const CpuFeatures& cpu) const override {
    if (!has_isa(cpu, isa_) || !is_float32_layer(layer) || layer.output_types.size() != 1) return false;
    const ir::Node& node = *layer.node;
    if (node.kind() != ir::OpKind::ConvTranspose) return false;
    const ir::TensorShape& x = layer.input_types[0].shape;
    const ir::TensorShape& w = layer.input_types[1].shape;
    if (x.rank() < 3 || x.rank() > 5 || w.rank() != x.rank() || !is_static_dim_shape(w)) return false;
    const ops::AttrReader r = attr_reader(node);
    const int64_t group = r.attr_int("group");
    if (group <= 0 || w.dims[0].value <= 0 || w.dims[0].value % group != 0) return false;
    if (x.dims[1].is_known() && x.dims[1].value != w.dims[0].value) return false;
    if (layer.input_types.size() > 2 && node.input(2)) {
      const ir::TensorShape& b = layer.input_types[2].shape;
      if (b.rank() != 1 || (b.dims[0].is_known() && b.dims[0].value != w.dims[1].value * group)) return false;
    }
    // With X's shape known, the attributes must resolve to a geometry (else the reference
    // reports the error).
    if (is_static_dim_shape(x)) return transpose_geometry(r, x.to_static(), w.to_static()).is_ok();
    return true;
  }

  size_t workspace_bytes(const LayerDesc& layer) const override {
    const ir::TensorShape& x = layer.input_types[0].shape;
    const ir::TensorShape& w = layer.input_types[1].shape;
    const size_t group = static_cast<size_t>(std::max<int64_t>(1, attr_reader(*layer.node).attr_int("group")));
    size_t rows = dim_or(w.dims[1], kUnknownDimBound);
    for (size_t i = 2; i < w.rank(); ++i) rows *= dim_or(w.dims[i], 1);
    size_t in_plane = 1;
    for (size_t i = 2; i < x.rank(); ++i) in_plane *= dim_or(x.dims[i], kUnknownDimBound);
    const size_t cg = dim_or(w.dims[0], kUnknownDimBound) / group;
    return group_workspace_bytes(isa_, rows, cg, in_plane, layer.node->input(1)->is_constant());
  }

  // A constant W with more than one input channel per group: per group, W_g^T packed as
  // sgemm's A (one tensor [group, packed floats]).
  Result<std::vector<Tensor>> prepare(const LayerDesc& layer) const override {
    const ir::Node& node = *layer.node;
    std::vector<Tensor> out;
    if (!node.input(1)->is_constant()) return out;
    const Tensor& w = node.input(1)->constant();
    const ops::AttrReader r = attr_reader(node);
    const int64_t group = r.attr_int("group");
    if (w.rank() < 3 || group <= 0 || w.dim(0) % group != 0) return r.error("W does not fit the group count");
    const size_t cg = static_cast<size_t>(w.dim(0) / group);
    if (cg == 1) return out;
    const size_t rows = static_cast<size_t>(w.numel() / std::max<int64_t>(1, w.dim(0)));
    // W[g*Cg + c, m, kk] is element (c, r) of a Cg x rows block: A = its transpose.
    HONE_ASSIGN_OR_RETURN(Tensor packed, pack_grouped_a(isa_, w.data<float>(), group, rows, cg, rows, true));
    out.push_back(std::move(packed));
    return out;
  }

  Status run(const LayerRun& run) const override {
    ops::KernelContext& ctx = run.kernel;
    const Tensor& x = ctx.input(0);
    const Tensor& w = ctx.input(1);
    if (x.dtype() != DataType::Float || w.dtype() != DataType::Float) return run_reference(run);
    auto geometry = transpose_geometry(ctx, x.shape(), w.shape());
    if (!geometry.is_ok()) return run_reference(run);  // the reference reports the error
    const TransposeGeometry& geo = *geometry;
    const float* bias = nullptr;
    if (ctx.has_input(2)) {
      const Tensor& b = ctx.input(2);
      if (b.dtype() != DataType::Float || b.numel() != static_cast<int64_t>(geo.out_channels)) {
        return run_reference(run);
      }
      bias = b.data<float>();
    }
    const bool packed_w = ctx.node().input(1)->is_constant() && !geo.direct();
    const size_t need = group_workspace_bytes(isa_, geo.rows, geo.cg, geo.in_plane, packed_w);
    if (run.workspace.size() < need) return run_reference(run);  // shapes beyond what the engine sized
    const size_t per_group = packed_a_floats(isa_, geo.rows, geo.cg);
    HONE_RETURN_IF_ERROR(
        check_packed(run.packed, packed_w ? std::vector<size_t>{geo.group * per_group} : std::vector<size_t>{}, id_));

    Shape y_shape = {static_cast<int64_t>(geo.batch), static_cast<int64_t>(geo.out_channels)};
    for (size_t i = 2; i < x.shape().size(); ++i) y_shape.push_back(geo.g.out[3 - (x.shape().size() - i)]);
    HONE_ASSIGN_OR_RETURN(Tensor * y, f32_output(ctx, 0, y_shape));
    if (y->numel() == 0) return Status::ok();
    if (geo.in_plane == 0) {
      // No input positions: every output element is its channel's bias.
      float* out = y->data<float>();
      for (size_t i = 0; i < static_cast<size_t>(y->numel()); ++i) {
        out[i] = bias ? bias[i / geo.out_plane % geo.out_channels] : 0.0f;
      }
      return Status::ok();
    }
    const float* wd = w.data<float>();
    for (size_t n = 0; n < geo.batch; ++n) {
      const float* x_n = x.data<float>() + n * geo.channels * geo.in_plane;
      float* y_n = y->data<float>() + n * geo.out_channels * geo.out_plane;
      if (geo.direct()) {
        run_direct(geo, wd, x_n, bias, y_n, run.pool);
        continue;
      }
      for (size_t g = 0; g < geo.group; ++g) {
        const GemmOperand a = packed_w ? GemmOperand::prepacked(run.packed[0].data<float>() + g * per_group)
                                       : GemmOperand::matrix(wd + g * geo.cg * geo.rows, geo.rows, true);
        const float* bias_g = bias ? bias + g * geo.mg : nullptr;
        HONE_RETURN_IF_ERROR(run_group(isa_, geo, a, x_n + g * geo.cg * geo.in_plane, bias_g,
                                       y_n + g * geo.mg * geo.out_plane, run.pool, run.workspace));
      }
    }
    return Status::ok();
  }

 private:
  CpuIsa isa_;
  std::string id_;
};

}  // namespace

const Tactic& conv_transpose_gemm_tactic(CpuIsa isa) { return tactic_for_isa<ConvTransposeGemmTactic>(isa); }

}  // namespace hone::cpu
