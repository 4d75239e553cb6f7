// The interface between the GEMM driver (gemm.cpp) and the per-ISA micro-kernels
// (gemm_kernels_avx512.cpp, gemm_kernels_avx2.cpp, gemm_kernels_baseline.cpp): plain structs
// and function pointers only, because the ISA files must not share inline code with the rest
// of the library (dispatch.hpp).
#pragma once

#include <cstddef>

#include "ops/activation.hpp"

namespace hone::cpu {

/// The parts of the epilogue that are the same for every tile of one GEMM.
struct MicroEpilogue {
  float alpha = 1.0f;
  float bias_scale = 1.0f;
  size_t bias_row_stride = 0;
  size_t bias_col_stride = 0;  // 0 or 1
  size_t ldz = 0;
  ops::Activation activation;
  ops::Activation post_activation;
  /// True when activation and post_activation are each None or Relu: the kernel applies the
  /// whole epilogue on its registers. Otherwise it stores alpha * sum + bias and applies the
  /// activations and Z in a second pass over the tile while it is in L1.
  bool in_registers = true;
};

/// One tile of C for a micro-kernel call: where it goes and what to do when storing it.
struct MicroTile {
  /// Floats from one k of the B panel to the next: NR for a packed panel, ldb when the kernel
  /// reads NR full columns of a row-major B in place.
  size_t b_stride = 0;
  float* c = nullptr;
  size_t ldc = 0;
  size_t cols = 0;          // valid columns, 1..NR (rows are the kernel's template size)
  bool accumulate = false;  // add C's contents (partial sums of the earlier K blocks)
  /// Last K block: apply `epilogue` with the tile's bias and Z origins. nullptr: store the
  /// raw partial sums.
  const MicroEpilogue* epilogue = nullptr;
  const float* bias = nullptr;  // bias element of the tile's (0, 0); nullptr: none
  const float* z = nullptr;     // Z element of the tile's (0, 0); nullptr: none
};

/// C tile = A panel (kc x MR, k-major) x B panel (kc rows of NR, tile.b_stride apart), then the
/// store of `tile`.
using MicroKernelFn = void (*)(size_t kc, const float* a, const float* b, const MicroTile& tile);

/// Packs rows [0, rows) (rows <= MR) and columns [0, kc) of a row-major A (element (i, k) at
/// a[i*lda + k]) into one A panel: (i, k) at out[k*MR + i], rows past `rows` set to 0.
using PackAPanelFn = void (*)(const float* a, size_t lda, size_t rows, size_t kc, float* out);

/// Packs columns [0, cols) and rows [0, kc) of a row-major B (element (k, j) at b[k*ldb + j])
/// into ceil(cols/NR) B panels, panel q at out + q*kc*NR with (k, j) at k*NR + j, columns past
/// `cols` set to 0. Row by row across the panels: each row of B is read as one contiguous run.
using PackBPanelsFn = void (*)(const float* b, size_t ldb, size_t cols, size_t kc, float* out);

inline constexpr size_t kMaxMicroRows = 16;

/// An ISA's micro-kernels: by_rows[r] computes tiles of r valid rows (1 <= r <= mr; A panels
/// are still MR wide), so edge tiles do no work for rows that do not exist. Cache blocking
/// for the driver: kc (longest K block), a_block_floats (the A block one task keeps in L2),
/// b_slab_floats and a_slab_floats (the budgets of a packed B slab, kc x nc, and A slab,
/// mslab x kc).
struct MicroKernels {
  size_t mr = 0;
  size_t nr = 0;
  size_t kc = 0;
  size_t a_block_floats = 0;
  size_t b_slab_floats = 0;
  size_t a_slab_floats = 0;
  MicroKernelFn by_rows[kMaxMicroRows + 1] = {};
  /// The ISA's packing of untransposed A panels (a register transpose); nullptr: the
  /// driver's portable loop.
  PackAPanelFn pack_a_panel = nullptr;
  /// The ISA's packing of untransposed B (full-width row copies; a memcpy call per 128-byte
  /// row cost more than the copy); nullptr: the portable loop.
  PackBPanelsFn pack_b_panels = nullptr;
};

namespace avx512 {
const MicroKernels& f32_gemm_kernels();
}
namespace avx2 {
const MicroKernels& f32_gemm_kernels();
}
namespace baseline {
const MicroKernels& f32_gemm_kernels();
}

}  // namespace hone::cpu
