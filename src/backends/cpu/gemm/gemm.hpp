// FP32 GEMM of the CPU backend: C[M,N] = epilogue(A[M,K] B[K,N]) with Hone's own register-
// blocked micro-kernels (gemm_kernels_<isa>.cpp), operand packing and cache blocking
// (gemm.cpp), split over the execution context's ThreadPool. The GEMM tactics (Gemm, MatMul,
// 1x1 and im2col convolution, gemm_tactics.hpp) are built on it.
//
// Packed formats. A micro-kernel computes an MR x NR tile of C from a panel of MR rows of A
// and a panel of NR columns of B (gemm_tile() gives MR and NR of an ISA level). Packed
// operands are those panels, laid out for the kernel to read sequentially:
//
//   packed A (M x K):  ceil(M/MR) panels, panel p = rows [p*MR, p*MR + MR), stored k-major:
//                        panel p at offset p*K*MR; element (i, k) of the panel at k*MR + i.
//   packed B (K x N):  ceil(N/NR) panels, panel q = columns [q*NR, q*NR + NR), k-major:
//                        panel q at offset q*K*NR; element (k, j) at k*NR + j.
//
// Rows/columns past M/N in the last panel are 0. Panels hold the whole K, so any K block
// [k0, k0 + kc) of a panel is the contiguous range starting at k0*MR (k0*NR): one packed copy
// serves every cache blocking. A packed operand is a plain float array of packed_a_floats() /
// packed_b_floats() elements (what tactics store in engine files); its layout depends only on
// MR/NR, i.e. on the ISA level it was packed for.
#pragma once

#include <cstddef>
#include <span>

#include "backends/cpu/dispatch.hpp"
#include "core/thread_pool.hpp"
#include "hone/status.hpp"
#include "ops/activation.hpp"

namespace hone::cpu {

/// The register tile of the micro-kernel of `isa`: MR rows of C by NR columns.
struct GemmTile {
  size_t mr = 0;
  size_t nr = 0;
};
GemmTile gemm_tile(CpuIsa isa);

/// Floats of packed A (M x K) / packed B (K x N) for `isa` (see the packed formats above).
size_t packed_a_floats(CpuIsa isa, size_t m, size_t k);
size_t packed_b_floats(CpuIsa isa, size_t k, size_t n);
/// Packs A (M x K) given row-major with leading dimension lda, as stored (A[i,k] = a[i*lda + k])
/// or transposed (trans: A[i,k] = a[k*lda + i]), into `packed` (packed_a_floats(isa, m, k)).
void pack_a(CpuIsa isa, size_t m, size_t k, const float* a, size_t lda, bool trans, float* packed);
/// Packs B (K x N): B[k,n] = b[k*ldb + n], or b[n*ldb + k] when trans.
void pack_b(CpuIsa isa, size_t k, size_t n, const float* b, size_t ldb, bool trans, float* packed);

/// Writes the block B[k0 : k0+kc, n0 : n0+nc] of a B operand in packed form: ceil(nc/nr)
/// panels of kc x nr (panel q at out + q*kc*nr, element (k, j) at k*nr + j), columns past nc
/// set to 0. How im2col feeds the GEMM without materializing the K x N matrix.
using GemmPackFn = void (*)(const void* context, size_t k0, size_t kc, size_t n0, size_t nc, size_t nr, float* out);

/// One GEMM operand: a row-major matrix (optionally transposed), a packed copy made by
/// pack_a / pack_b for the same ISA and shape, or (B only) a packing function.
struct GemmOperand {
  const float* data = nullptr;
  size_t ld = 0;
  bool trans = false;
  const float* packed = nullptr;
  GemmPackFn pack_fn = nullptr;
  const void* pack_context = nullptr;

  static GemmOperand matrix(const float* data, size_t ld, bool trans = false) { return {data, ld, trans}; }
  static GemmOperand prepacked(const float* packed) { return {nullptr, 0, false, packed}; }
  static GemmOperand packed_by(GemmPackFn fn, const void* context) { return {nullptr, 0, false, nullptr, fn, context}; }
  bool needs_packing() const { return packed == nullptr; }
};

/// A bias broadcast over C: element (i, j) adds scale * data[i*row_stride + j*col_stride].
/// Per output row (a conv's per-channel bias): row_stride 1, col_stride 0; per column (Gemm's
/// [N]): 0, 1; a full [M, N] matrix: N, 1; a scalar: 0, 0. col_stride must be 0 or 1.
struct GemmBias {
  const float* data = nullptr;  // nullptr: no bias
  size_t row_stride = 0;
  size_t col_stride = 0;
  float scale = 1.0f;  // Gemm's beta
};

/// What is applied to each finished element of C, in this order (FusedGemm / FusedConv /
/// FusedMatMul's epilogue, ops/epilogue.hpp, with Gemm's alpha and beta*C as the bias):
///   c = post_activation(activation(alpha * sum_k A[i,k] B[k,j] + bias(i, j)) + Z[i*ldz + j])
struct GemmEpilogue {
  float alpha = 1.0f;
  GemmBias bias;
  ops::Activation activation;
  const float* residual = nullptr;  // Z, nullptr: none
  size_t ldz = 0;
  ops::Activation post_activation;
};

/// The cache blocking sgemm() uses for these sizes (gemm.cpp's loop nest): K blocks of at
/// most `kc`, B slabs of `nc` columns, A slabs of `mslab` rows. For tests and benchmarks.
struct GemmBlocking {
  size_t kc = 0;
  size_t nc = 0;
  size_t mslab = 0;
};
GemmBlocking gemm_blocking(CpuIsa isa, size_t m, size_t n, size_t k);

/// Workspace bytes sgemm() needs for these sizes and operand kinds (any thread count):
/// the packing buffers of the operands that are not prepacked, bounded by the cache blocking,
/// so it stays small however large M, N and K are.
size_t sgemm_workspace_bytes(CpuIsa isa, size_t m, size_t n, size_t k, bool a_prepacked, bool b_prepacked);

/// C[i*ldc + j] = epilogue(A B)(i, j) for i < m, j < n with the micro-kernels of `isa`
/// (the caller checked the CPU has it). A may be a matrix or prepacked; B a matrix,
/// prepacked or a packing function. k may be 0 (the product is 0). Runs on `pool`'s threads
/// (not reentrant: call it from outside the pool's loops). `workspace` must hold
/// sgemm_workspace_bytes() with 64-byte alignment; InvalidArgument when it does not. C must not
/// overlap the operands, the bias or Z.
Status sgemm(CpuIsa isa, size_t m, size_t n, size_t k, const GemmOperand& a, const GemmOperand& b, float* c,
             size_t ldc, const GemmEpilogue& epilogue, ThreadPool& pool, std::span<std::byte> workspace);

}  // namespace hone::cpu
