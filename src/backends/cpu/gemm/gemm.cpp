// The FP32 GEMM driver (gemm.hpp): operand packing, cache blocking and the split over threads,
// around the per-ISA micro-kernels of gemm_kernels_<isa>.cpp.
//
// Loop nest (the BLIS/GotoBLAS blocking, K blocks outermost):
//
//   for pc in K by kc:                      one block up to kc = 1024 (partial sums in C cost more)
//     for jc in N by nc:                    B slab kc x nc, packed in parallel            -> L3
//       for ic in M by mslab:
//         parallel over tasks (mc rows x a range of NR panels):
//           pack the task's A block mc x kc (when the task owns its rows)             -> L2
//           for each NR panel of the task:         B micro-panel kc x NR             -> L1/L2
//             for each MR panel of the task:
//               micro-kernel: C tile (+)= A panel x B panel; epilogue on the last pc
//
// Prepacked operands skip their packing step (their panels hold the whole K, gemm.hpp).
// Partial sums of earlier K blocks live in C itself; the epilogue runs once, on the last.
// Blocking measured on Zen 5 (bench/RESULTS.md): with kc = 1024 a single K pass beat kc = 256
// and 512 by 10-15% (C is read and written once), and an A block of 56-84 rows packed by its
// own task (in L2) beat a whole A slab packed ahead (through L3) by about 8%.
#include "backends/cpu/gemm/gemm.hpp"

#include <algorithm>
#include <cstring>
#include <string>

#include "backends/cpu/gemm/gemm_micro_kernel.hpp"

namespace hone::cpu {
namespace {

const MicroKernels& kernels_for(CpuIsa isa) {
  switch (isa) {
    case CpuIsa::Avx512: return avx512::f32_gemm_kernels();
    case CpuIsa::Avx2: return avx2::f32_gemm_kernels();
    case CpuIsa::Baseline: break;
  }
  return baseline::f32_gemm_kernels();
}

size_t div_up(size_t a, size_t b) { return (a + b - 1) / b; }
size_t round_up(size_t a, size_t b) { return div_up(a, b) * b; }
size_t align64(size_t bytes) { return round_up(bytes, 64); }

// ---- packing (portable code: copies, O(MK + KN) against the O(MNK) product) ----

// Rows [row0, row0 + rows) (rows <= mr) and K range [k0, k0 + kc) of A into one panel
// (element (i, k) at k*mr + i); rows past `rows` are 0. Untransposed A goes through the
// ISA's register transpose when it has one.
void pack_a_panel(const MicroKernels& mk, const float* a, size_t lda, bool trans, size_t row0, size_t rows, size_t k0,
                  size_t kc, float* out) {
  const size_t mr = mk.mr;
  if (!trans && mk.pack_a_panel) return mk.pack_a_panel(a + row0 * lda + k0, lda, rows, kc, out);
  if (trans) {
    for (size_t k = 0; k < kc; ++k) {
      const float* src = a + (k0 + k) * lda + row0;
      float* dst = out + k * mr;
      for (size_t i = 0; i < rows; ++i) dst[i] = src[i];
      for (size_t i = rows; i < mr; ++i) dst[i] = 0.0f;
    }
    return;
  }
  for (size_t i = 0; i < rows; ++i) {
    const float* src = a + (row0 + i) * lda + k0;
    for (size_t k = 0; k < kc; ++k) out[k * mr + i] = src[k];
  }
  for (size_t i = rows; i < mr; ++i) {
    for (size_t k = 0; k < kc; ++k) out[k * mr + i] = 0.0f;
  }
}

// Columns [col0, col0 + cols) (cols <= nr) and K range [k0, k0 + kc) of B into one panel
// (element (k, j) at k*nr + j); columns past `cols` are 0.
void pack_b_panel(const float* b, size_t ldb, bool trans, size_t col0, size_t cols, size_t k0, size_t kc, size_t nr,
                  float* out) {
  if (!trans) {
    for (size_t k = 0; k < kc; ++k) {
      float* dst = out + k * nr;
      std::memcpy(dst, b + (k0 + k) * ldb + col0, cols * sizeof(float));
      for (size_t j = cols; j < nr; ++j) dst[j] = 0.0f;
    }
    return;
  }
  for (size_t j = 0; j < cols; ++j) {
    const float* src = b + (col0 + j) * ldb + k0;
    for (size_t k = 0; k < kc; ++k) out[k * nr + j] = src[k];
  }
  for (size_t k = 0; cols < nr && k < kc; ++k) {
    for (size_t j = cols; j < nr; ++j) out[k * nr + j] = 0.0f;
  }
}

// A B matrix operand with the kernels that pack it (the GemmPackFn context of pack_b_matrix).
struct BMatrix {
  const GemmOperand* b;
  const MicroKernels* mk;
};

// Untransposed B goes through the ISA's row copies when it has them.
void pack_b_matrix(const void* context, size_t k0, size_t kc, size_t n0, size_t nc, size_t nr, float* out) {
  const BMatrix& m = *static_cast<const BMatrix*>(context);
  const GemmOperand& b = *m.b;
  if (!b.trans && m.mk->pack_b_panels) return m.mk->pack_b_panels(b.data + k0 * b.ld + n0, b.ld, nc, kc, out);
  for (size_t q = 0; q * nr < nc; ++q) {
    pack_b_panel(b.data, b.ld, b.trans, n0 + q * nr, std::min(nr, nc - q * nr), k0, kc, nr, out + q * kc * nr);
  }
}

// ---- blocking ----

// Whether sgemm reads an untransposed B (k rows ldb floats apart) in place instead of packing
// it, for an A of m_panels MR panels. Packing B costs a full read and write of it and pays off
// only when many A panels reuse each B panel: measured on the bench_gemm conv shapes, in place
// was 10-40% faster up to 40 panels (560 rows of C at MR = 14). Except for rows 4 KiB apart
// (or a multiple): all rows of a B micro-panel then fall in one L1 set and evict each other
// (1024 x 1024 x 1024: 25% slower in place); up to 8 panels in place still wins there.
bool read_b_in_place(size_t m_panels, size_t ldb) {
  const bool aliasing_rows = ldb % 1024 == 0;
  return m_panels <= 8 || (m_panels <= 40 && !aliasing_rows);
}

// kc: K block (the last may be shorter), 0 when K is 0; nc: columns of a B slab (multiple of
// NR); mslab: rows of an A slab (multiple of MR).
using Blocking = GemmBlocking;

Blocking blocking(const MicroKernels& mk, size_t m, size_t n, size_t k) {
  Blocking b;
  // Equal K blocks no longer than mk.kc (K = 300 is two blocks of 150, not 256 + 44).
  b.kc = k <= mk.kc ? k : div_up(k, div_up(k, mk.kc));
  const size_t kc = std::max<size_t>(b.kc, 1);
  b.nc = std::min(round_up(n, mk.nr), std::max(mk.nr, mk.b_slab_floats / kc / mk.nr * mk.nr));
  b.mslab = std::min(round_up(m, mk.mr), std::max(mk.mr, mk.a_slab_floats / kc / mk.mr * mk.mr));
  return b;
}

size_t workspace_floats_a(const Blocking& b) { return b.mslab * b.kc; }
size_t workspace_floats_b(const Blocking& b) { return b.nc * b.kc; }

// How a slab's ms x nc block of C is cut into tasks for the threads: `rows` MR panels by
// `cols` NR panels per task. One thread: A blocks of about mk.a_block_floats (kept in L2
// while the task walks every B panel: 56 rows at K = 1024, all of a conv's weights at K = 64).
// More: about 4 tasks per thread, split along N first (tasks of one row block share their A
// block), then along M, so the work-stealing pool balances uneven tasks.
struct TaskGrid {
  size_t row_panels = 1, col_panels = 1;  // per task
  size_t tasks_m = 1, tasks_n = 1;
};

TaskGrid task_grid(const MicroKernels& mk, size_t m_panels, size_t n_panels, size_t kc, int threads) {
  TaskGrid g;
  const size_t per_block = std::max<size_t>(1, mk.a_block_floats / (std::max<size_t>(kc, 1) * mk.mr));
  g.tasks_m = div_up(m_panels, per_block);
  g.tasks_n = 1;
  if (threads > 1) {
    const size_t target = 4 * static_cast<size_t>(threads);
    if (g.tasks_m < target) g.tasks_n = std::min(n_panels, div_up(target, g.tasks_m));
    if (g.tasks_m * g.tasks_n < target) g.tasks_m = std::min(m_panels, div_up(target, g.tasks_n));
  }
  g.row_panels = div_up(m_panels, g.tasks_m);
  g.tasks_m = div_up(m_panels, g.row_panels);
  g.col_panels = div_up(n_panels, g.tasks_n);
  g.tasks_n = div_up(n_panels, g.col_panels);
  return g;
}

// Packs `panels` panels as parallel_for jobs of consecutive panels: about 4 jobs per thread
// (one job on one thread: B is then read in whole rows), at least 4 panels each.
template <class F>
void parallel_panels(ThreadPool& pool, size_t panels, F&& f) {
  const size_t threads = static_cast<size_t>(pool.threads());
  const size_t per_group = threads == 1 ? std::max<size_t>(1, panels) : std::max<size_t>(4, div_up(panels, 4 * threads));
  const size_t groups = div_up(panels, per_group);
  pool.parallel_for(groups, [&](size_t g) {
    const size_t begin = g * per_group;
    f(begin, std::min(panels, begin + per_group));
  });
}

}  // namespace

GemmBlocking gemm_blocking(CpuIsa isa, size_t m, size_t n, size_t k) { return blocking(kernels_for(isa), m, n, k); }

GemmTile gemm_tile(CpuIsa isa) {
  const MicroKernels& mk = kernels_for(isa);
  return {mk.mr, mk.nr};
}

size_t packed_a_floats(CpuIsa isa, size_t m, size_t k) { return round_up(m, kernels_for(isa).mr) * k; }
size_t packed_b_floats(CpuIsa isa, size_t k, size_t n) { return round_up(n, kernels_for(isa).nr) * k; }

void pack_a(CpuIsa isa, size_t m, size_t k, const float* a, size_t lda, bool trans, float* packed) {
  const MicroKernels& mk = kernels_for(isa);
  const size_t mr = mk.mr;
  for (size_t p = 0; p * mr < m; ++p) {
    pack_a_panel(mk, a, lda, trans, p * mr, std::min(mr, m - p * mr), 0, k, packed + p * k * mr);
  }
}

void pack_b(CpuIsa isa, size_t k, size_t n, const float* b, size_t ldb, bool trans, float* packed) {
  const MicroKernels& mk = kernels_for(isa);
  const GemmOperand operand = GemmOperand::matrix(b, ldb, trans);
  const BMatrix matrix{&operand, &mk};
  pack_b_matrix(&matrix, 0, k, 0, n, mk.nr, packed);
}

size_t sgemm_workspace_bytes(CpuIsa isa, size_t m, size_t n, size_t k, bool a_prepacked, bool b_prepacked) {
  if (m == 0 || n == 0) return 0;
  const MicroKernels& mk = kernels_for(isa);
  const Blocking b = blocking(mk, m, n, k);
  size_t bytes = 0;
  if (!a_prepacked) bytes += align64(workspace_floats_a(b) * sizeof(float));
  if (!b_prepacked) bytes += align64(workspace_floats_b(b) * sizeof(float));
  return bytes;
}

Status sgemm(CpuIsa isa, size_t m, size_t n, size_t k, const GemmOperand& a, const GemmOperand& b, float* c,
             size_t ldc, const GemmEpilogue& epilogue, ThreadPool& pool, std::span<std::byte> workspace) {
  if (m == 0 || n == 0) return Status::ok();
  const MicroKernels& mk = kernels_for(isa);
  const size_t mr = mk.mr, nr = mk.nr;
  const Blocking bl = blocking(mk, m, n, k);
  const bool pack_a_here = a.needs_packing();
  const bool pack_b_here = b.needs_packing();
  const size_t need = sgemm_workspace_bytes(isa, m, n, k, !pack_a_here, !pack_b_here);
  if (workspace.size() < need) {
    return invalid_argument("sgemm needs " + std::to_string(need) + " bytes of workspace, got " +
                            std::to_string(workspace.size()));
  }
  float* a_buf = nullptr;
  float* b_buf = nullptr;
  {
    std::byte* p = workspace.data();
    if (pack_a_here) {
      a_buf = reinterpret_cast<float*>(p);
      p += align64(workspace_floats_a(bl) * sizeof(float));
    }
    if (pack_b_here) b_buf = reinterpret_cast<float*>(p);
  }
  const BMatrix b_matrix{&b, &mk};
  const GemmPackFn b_pack = b.pack_fn ? b.pack_fn : pack_b_matrix;
  const void* b_context = b.pack_fn ? b.pack_context : &b_matrix;

  MicroEpilogue mep;
  mep.alpha = epilogue.alpha;
  mep.bias_scale = epilogue.bias.scale;
  mep.bias_row_stride = epilogue.bias.row_stride;
  mep.bias_col_stride = epilogue.bias.col_stride ? 1 : 0;
  mep.ldz = epilogue.ldz;
  mep.activation = epilogue.activation;
  mep.post_activation = epilogue.post_activation;
  auto simple = [](const ops::Activation& act) {
    return act.kind == ops::ActivationKind::None || act.kind == ops::ActivationKind::Relu;
  };
  mep.in_registers = simple(epilogue.activation) && simple(epilogue.post_activation);

  // B read in place (the kernel loads NR full columns of each of its rows) instead of packed:
  // when only a few A panels use each B panel, packing B (a full read and write of it) costs
  // more than contiguous panels save. The last, partial panel of a slab is still packed.
  const bool direct_b = pack_b_here && !b.pack_fn && !b.trans && read_b_in_place(div_up(m, mr), b.ld);

  size_t pc = 0;
  do {
    const size_t kc = std::min(bl.kc, k - pc);
    const bool last = pc + kc >= k;
    for (size_t jc = 0; jc < n; jc += bl.nc) {
      const size_t nc = std::min(bl.nc, n - jc);
      const size_t n_panels = div_up(nc, nr);
      // This K block of the B slab: panel q at b_slab + q * b_stride, its k rows b_row apart.
      const float* b_slab;
      size_t b_stride;
      size_t b_row = nr;
      if (direct_b) {
        b_slab = b.data + pc * b.ld + jc;
        b_stride = nr;
        b_row = b.ld;
        if (nc % nr != 0) {
          const size_t q = nc / nr;
          pack_b_matrix(b_context, pc, kc, jc + q * nr, nc - q * nr, nr, b_buf);
        }
      } else if (pack_b_here) {
        parallel_panels(pool, n_panels, [&](size_t q0, size_t q1) {
          const size_t col = q0 * nr;
          b_pack(b_context, pc, kc, jc + col, std::min(nc, q1 * nr) - col, nr, b_buf + q0 * kc * nr);
        });
        b_slab = b_buf;
        b_stride = kc * nr;
      } else {
        b_slab = b.packed + (jc / nr) * k * nr + pc * nr;
        b_stride = k * nr;
      }
      for (size_t ic = 0; ic < m; ic += bl.mslab) {
        const size_t ms = std::min(bl.mslab, m - ic);
        const size_t m_panels = div_up(ms, mr);
        const TaskGrid grid = task_grid(mk, m_panels, n_panels, kc, pool.threads());
        // This K block of A's rows [ic, ic + ms): panel p at a_slab + p * a_stride. A task
        // that owns its rows (the grid does not split N) packs its A block itself, right before
        // using it, so the block is still in L2; rows shared by tasks are packed in a parallel
        // pass first.
        const float* a_slab = a_buf;
        size_t a_stride = kc * mr;
        const bool tasks_pack_a = pack_a_here && grid.tasks_n == 1;
        auto pack_a_rows = [&](size_t p0, size_t p1) {
          for (size_t p = p0; p < p1; ++p) {
            pack_a_panel(mk, a.data, a.ld, a.trans, ic + p * mr, std::min(mr, ms - p * mr), pc, kc, a_buf + p * kc * mr);
          }
        };
        if (!pack_a_here) {
          a_slab = a.packed + (ic / mr) * k * mr + pc * mr;
          a_stride = k * mr;
        } else if (!tasks_pack_a) {
          parallel_panels(pool, m_panels, pack_a_rows);
        }
        pool.parallel_for_2d(grid.tasks_m, grid.tasks_n, [&](size_t tm, size_t tn) {
          const size_t p0 = tm * grid.row_panels, p1 = std::min(m_panels, p0 + grid.row_panels);
          const size_t q0 = tn * grid.col_panels, q1 = std::min(n_panels, q0 + grid.col_panels);
          if (tasks_pack_a) pack_a_rows(p0, p1);
          MicroTile tile;
          tile.ldc = ldc;
          tile.accumulate = pc > 0;
          tile.epilogue = last ? &mep : nullptr;
          for (size_t q = q0; q < q1; ++q) {
            const size_t col = jc + q * nr;
            tile.cols = std::min(nr, n - col);
            const float* b_panel = b_slab + q * b_stride;
            tile.b_stride = b_row;
            if (direct_b && tile.cols < nr) {  // the partial panel, packed above
              b_panel = b_buf;
              tile.b_stride = nr;
            }
            for (size_t p = p0; p < p1; ++p) {
              const size_t row = ic + p * mr;
              const size_t rows = std::min(mr, m - row);
              tile.c = c + row * ldc + col;
              if (last) {
                tile.bias = epilogue.bias.data
                                ? epilogue.bias.data + row * epilogue.bias.row_stride + col * mep.bias_col_stride
                                : nullptr;
                tile.z = epilogue.residual ? epilogue.residual + row * epilogue.ldz + col : nullptr;
              }
              mk.by_rows[rows](kc, a_slab + p * a_stride, b_panel, tile);
            }
          }
        });
      }
    }
    pc += kc;
  } while (pc < k);
  return Status::ok();
}

}  // namespace hone::cpu
