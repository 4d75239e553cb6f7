// The Transpose tactic of the CPU backend and its ISA dispatch (transpose.hpp). The
// permutation is first simplified: dims of size 1 dropped, input dims that stay adjacent and
// in order merged ([1,4,16,8400] perm (0,3,1,2) is a [64, 8400] -> [8400, 64] transpose). Then
//   - the input's innermost dim stays innermost: rows of it are copied (memcpy);
//   - else: planes (the dim that becomes innermost x the input's innermost dim) go through
//     the blocked register transpose, for every index of the other dims.
// Both split over the threads. The blocked-layout reorders are plane transposes too.
#include "backends/cpu/kernels/transpose.hpp"

#include <cstring>

#include "backends/cpu/kernels/tactic_common.hpp"
#include "backends/cpu/kernels/tactics.hpp"
#include "ops/blocked_layout.hpp"
#include "ops/indexing.hpp"

namespace hone::cpu {

void transpose_plane(CpuIsa isa, const float* src, size_t src_stride, float* dst, size_t dst_stride, size_t rows,
                     size_t cols) {
  switch (isa) {
    case CpuIsa::Avx512: return avx512::transpose_plane(src, src_stride, dst, dst_stride, rows, cols);
    case CpuIsa::Avx2: return avx2::transpose_plane(src, src_stride, dst, dst_stride, rows, cols);
    case CpuIsa::Baseline: return baseline::transpose_plane(src, src_stride, dst, dst_stride, rows, cols);
  }
}

namespace {

// The permutation of a node for an input of `rank` (default: reversed), validated.
std::optional<std::vector<int64_t>> perm_of(const ir::Node& n, int64_t rank) {
  std::vector<int64_t> perm;
  if (n.attrs().has("perm")) {
    perm = attrs_of(n).attr_ints("perm");
    if (static_cast<int64_t>(perm.size()) != rank) return std::nullopt;
    auto norm = ops::normalize_axes(perm, rank);
    if (!norm.is_ok()) return std::nullopt;
    return *norm;
  }
  for (int64_t d = rank; d-- > 0;) perm.push_back(d);
  return perm;
}

// in[perm[d]] is output dim d; afterwards no dim is 1 and no two input dims that stay
// adjacent and in order are apart.
void simplify(Shape& in, std::vector<int64_t>& perm) {
  // Output order of the dims that are not 1, as groups of consecutive input dims.
  std::vector<std::pair<int64_t, int64_t>> groups;  // [first, last] input dims
  for (int64_t p : perm) {
    if (in[static_cast<size_t>(p)] == 1) continue;
    if (!groups.empty()) {
      // Merge when p follows the group's last dim, skipping dims of size 1 between them.
      int64_t next = groups.back().second + 1;
      while (next < p && in[static_cast<size_t>(next)] == 1) ++next;
      if (next == p) {
        groups.back().second = p;
        continue;
      }
    }
    groups.emplace_back(p, p);
  }
  // New input dims: the groups in input order.
  std::vector<size_t> order(groups.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::sort(order.begin(), order.end(), [&](size_t a, size_t b) { return groups[a].first < groups[b].first; });
  std::vector<int64_t> new_index(groups.size());
  Shape shape(groups.size());
  for (size_t j = 0; j < order.size(); ++j) {
    const auto& g = groups[order[j]];
    int64_t size = 1;
    for (int64_t d = g.first; d <= g.second; ++d) size *= in[static_cast<size_t>(d)];
    shape[j] = size;
    new_index[order[j]] = static_cast<int64_t>(j);
  }
  in = std::move(shape);
  perm = std::move(new_index);
}

class TransposeTactic final : public IsaTactic {
 public:
  explicit TransposeTactic(CpuIsa level) : IsaTactic(tactic_id("transpose", level), level) {}

  bool supports_layer(const LayerDesc& layer) const override {
    const ir::Node& n = *layer.node;
    return n.kind() == ir::OpKind::Transpose && n.num_inputs() == 1 && all_f32(layer, false) &&
           perm_of(n, static_cast<int64_t>(layer.input_types[0].shape.rank())).has_value();
  }

  Status run(const LayerRun& run) const override {
    ops::KernelContext& ctx = run.kernel;
    const Tensor& x = ctx.input(0);
    auto perm = perm_of(ctx.node(), x.rank());
    if (!perm || x.dtype() != DataType::Float) return run_reference(run);
    Shape out(perm->size());
    for (size_t d = 0; d < perm->size(); ++d) out[d] = x.dim((*perm)[d]);
    HONE_ASSIGN_OR_RETURN(Tensor * y, f32_output(ctx, 0, out));
    if (x.numel() == 0) return Status::ok();
    Shape in = x.shape();
    std::vector<int64_t> p = *perm;
    simplify(in, p);
    const float* px = x.data<float>();
    float* py = y->data<float>();
    const size_t rank = in.size();
    if (rank <= 1) {
      std::memcpy(py, px, static_cast<size_t>(x.numel()) * sizeof(float));
      return Status::ok();
    }
    const std::vector<int64_t> in_stride = shape_strides(in);
    Shape shape_out(rank);
    for (size_t d = 0; d < rank; ++d) shape_out[d] = in[static_cast<size_t>(p[d])];
    const std::vector<int64_t> out_stride = shape_strides(shape_out);

    if (p.back() == static_cast<int64_t>(rank) - 1) {
      // Rows of the innermost dim move whole: out row (i_0..i_{r-2}) = in row at their strides.
      const auto inner = static_cast<size_t>(in.back());
      const size_t rows = static_cast<size_t>(x.numel()) / inner;
      parallel_ranges(run.pool, rows, grain_for(rows, inner), [&](size_t r0, size_t r1) {
        std::vector<int64_t> idx(rank - 1);
        size_t r = r0;
        for (size_t d = rank - 1; d-- > 0;) {
          idx[d] = static_cast<int64_t>(r % static_cast<size_t>(shape_out[d]));
          r /= static_cast<size_t>(shape_out[d]);
        }
        int64_t off = 0;
        for (size_t d = 0; d + 1 < rank; ++d) off += idx[d] * in_stride[static_cast<size_t>(p[d])];
        for (size_t q = r0; q < r1; ++q) {
          std::memcpy(py + q * inner, px + off, inner * sizeof(float));
          for (size_t d = rank - 1; d-- > 0;) {
            const int64_t s = in_stride[static_cast<size_t>(p[d])];
            off += s;
            if (++idx[d] < shape_out[d]) break;
            off -= s * shape_out[d];
            idx[d] = 0;
          }
        }
      });
      return Status::ok();
    }

    // Planes: rows along input dim `row_dim` (innermost in the output), columns along the
    // input's innermost dim (at output position `col_pos`).
    const size_t col_dim = rank - 1;
    const auto row_dim = static_cast<size_t>(p.back());
    size_t col_pos = 0;
    while (static_cast<size_t>(p[col_pos]) != col_dim) ++col_pos;
    struct Other {
      int64_t size, in_stride, out_stride;
    };
    std::vector<Other> others;  // the remaining dims, in output order
    for (size_t d = 0; d < rank; ++d) {
      const auto i = static_cast<size_t>(p[d]);
      if (i != row_dim && i != col_dim) others.push_back({in[i], in_stride[i], out_stride[d]});
    }
    size_t combos = 1;
    for (const Other& o : others) combos *= static_cast<size_t>(o.size);
    const auto rows = static_cast<size_t>(in[row_dim]), cols = static_cast<size_t>(in[col_dim]);
    const auto src_stride = static_cast<size_t>(in_stride[row_dim]);
    const auto dst_stride = static_cast<size_t>(out_stride[col_pos]);
    const CpuIsa isa = level();
    parallel_rows(run.pool, combos, rows, cols, [&](size_t c0, size_t c1, size_t r0, size_t r1) {
      for (size_t c = c0; c < c1; ++c) {
        int64_t src_off = 0, dst_off = 0;
        size_t rest = c;
        for (size_t k = others.size(); k-- > 0;) {
          const auto i = static_cast<int64_t>(rest % static_cast<size_t>(others[k].size));
          rest /= static_cast<size_t>(others[k].size);
          src_off += i * others[k].in_stride;
          dst_off += i * others[k].out_stride;
        }
        transpose_plane(isa, px + src_off + r0 * src_stride, src_stride, py + dst_off + r0, dst_stride, r1 - r0, cols);
      }
    });
    return Status::ok();
  }
};

// ReorderToBlocked / ReorderFromBlocked (ops/blocked_layout.hpp) of float tensors: per image
// and channel block, one plane transpose between [channels of the block][positions] and
// [positions][block lanes]; the lanes past C of the last block are written as zeros.
class ReorderTactic final : public IsaTactic {
 public:
  ReorderTactic(ir::OpKind kind, CpuIsa level)
      : IsaTactic(tactic_id(kind == ir::OpKind::ReorderToBlocked ? "reorder_to_blocked" : "reorder_from_blocked",
                            level),
                  level),
        kind_(kind) {}

  bool supports_layer(const LayerDesc& layer) const override {
    const ir::Node& n = *layer.node;
    return n.kind() == kind_ && n.num_inputs() == 1 && all_f32(layer, true) &&
           layer.input_types[0].shape.rank() >= 2 && attrs_of(n).attr_int("block") > 0;
  }

  Status run(const LayerRun& run) const override {
    ops::KernelContext& ctx = run.kernel;
    const Tensor& x = ctx.input(0);
    const int64_t block = ctx.attr_int("block");
    if (x.dtype() != DataType::Float || x.rank() < 2 || block <= 0) return run_reference(run);
    const bool to_blocked = kind_ == ir::OpKind::ReorderToBlocked;
    int64_t channels = 0;
    Shape out;
    if (to_blocked) {
      channels = x.dim(1);
      out = ops::blocked_shape(x.shape(), block);
    } else {
      channels = ctx.attr_int("channels");
      if (x.rank() < 3 || x.shape().back() != block || channels < 0 || channels > x.dim(1) * block) {
        return run_reference(run);
      }
      out = ops::plain_shape(x.shape(), channels);
    }
    HONE_ASSIGN_OR_RETURN(Tensor * y, f32_output(ctx, 0, out));
    const Shape& plain = to_blocked ? x.shape() : out;
    const int64_t batch = plain[0], cb = (channels + block - 1) / block;
    int64_t positions = 1;
    for (size_t d = 2; d < plain.size(); ++d) positions *= plain[d];
    if (batch == 0 || cb == 0 || positions == 0) return Status::ok();
    const float* px = x.data<float>();
    float* py = y->data<float>();
    const CpuIsa isa = level();
    const auto b = static_cast<size_t>(block), hw = static_cast<size_t>(positions);
    parallel_rows(run.pool, static_cast<size_t>(batch * cb), hw, 2, [&](size_t p0, size_t p1, size_t i0, size_t i1) {
      for (size_t p = p0; p < p1; ++p) {
        const auto n = static_cast<int64_t>(p) / cb, j = static_cast<int64_t>(p) % cb;
        const auto lanes = static_cast<size_t>(std::min(block, channels - j * block));
        const size_t plain_off = static_cast<size_t>(n * channels + j * block) * hw;
        const size_t blocked_off = (p * hw + i0) * b;
        if (to_blocked) {
          if (lanes < b) std::memset(py + blocked_off, 0, (i1 - i0) * b * sizeof(float));
          transpose_plane(isa, px + plain_off + i0, hw, py + blocked_off, b, lanes, i1 - i0);
        } else {
          transpose_plane(isa, px + blocked_off, b, py + plain_off + i0, hw, i1 - i0, lanes);
        }
      }
    });
    return Status::ok();
  }

 private:
  ir::OpKind kind_;
};

}  // namespace

std::vector<const Tactic*> transpose_tactics() {
  static const std::vector<std::unique_ptr<Tactic>> tactics = [] {
    std::vector<std::unique_ptr<Tactic>> list;
    for (CpuIsa level : kLevels) list.push_back(std::make_unique<TransposeTactic>(level));
    for (ir::OpKind kind : {ir::OpKind::ReorderToBlocked, ir::OpKind::ReorderFromBlocked}) {
      for (CpuIsa level : kLevels) list.push_back(std::make_unique<ReorderTactic>(kind, level));
    }
    return list;
  }();
  return pointers(tactics);
}

}  // namespace hone::cpu
