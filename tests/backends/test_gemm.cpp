// sgemm (src/backends/cpu/gemm/gemm.hpp) against a naive double-accumulation reference, at
// every ISA level this machine has: shapes around the register tile (1, MR-1, MR, MR+1, primes,
// K = 1, K across several cache blocks, M and N across several slabs), transposes and leading
// dimensions, packed and unpacked operands, every epilogue part (alpha, bias per row/column/
// matrix/scalar with beta, activations in registers and in the tile pass, Z, post activation),
// 1/2/3 threads; plus the documented packed layout, K = 0, writes confined to C, and refusals.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "backends/cpu/dispatch.hpp"
#include "backends/cpu/gemm/gemm.hpp"
#include "backends/layer_builder.hpp"

namespace hone::cpu {
namespace {

using ops::Activation;
using ops::ActivationKind;

using testing::levels_here;

using testing::pool_of;

std::vector<float> random_vector(size_t n, std::mt19937_64& rng, float lo = -1.0f, float hi = 1.0f) {
  std::uniform_real_distribution<float> dist(lo, hi);
  std::vector<float> v(n);
  for (float& x : v) x = dist(rng);
  return v;
}

// A 64-byte aligned buffer (the contract of sgemm's workspace) with a guard pattern after the
// requested size, to catch writes past it.
class Workspace {
 public:
  explicit Workspace(size_t bytes) : bytes_(bytes), storage_((bytes + kGuard) / sizeof(float) + 16 + 1) {
    base_ = reinterpret_cast<std::byte*>((reinterpret_cast<uintptr_t>(storage_.data()) + 63) & ~uintptr_t{63});
    std::memset(base_ + bytes_, 0x5a, kGuard);
  }
  std::span<std::byte> span() { return {base_, bytes_}; }
  bool guard_intact() const {
    for (size_t i = 0; i < kGuard; ++i) {
      if (base_[bytes_ + i] != std::byte{0x5a}) return false;
    }
    return true;
  }

 private:
  static constexpr size_t kGuard = 256;
  size_t bytes_;
  std::vector<float> storage_;
  std::byte* base_ = nullptr;
};

enum class BiasKind { None, PerRow, PerColumn, Matrix, Scalar };

struct EpilogueSpec {
  float alpha = 1.0f;
  BiasKind bias = BiasKind::None;
  float beta = 1.0f;
  Activation activation;
  bool residual = false;
  Activation post;
  std::string name() const {
    static const char* kBias[] = {"none", "row", "column", "matrix", "scalar"};
    return "alpha=" + std::to_string(alpha) + " bias=" + kBias[static_cast<int>(bias)] + " beta=" +
           std::to_string(beta) + " act=" + std::string(activation.name()) + " z=" + std::to_string(residual) +
           " post=" + std::string(post.name());
  }
};

struct Problem {
  size_t m, n, k;
  bool trans_a = false, trans_b = false;
  bool pack_a = false, pack_b = false;
  int threads = 1;
  size_t pad = 0;  // extra elements per row of every operand and of C (leading dimensions)
};

std::string describe(CpuIsa isa, const Problem& p, const EpilogueSpec& e, uint64_t seed) {
  return std::string(isa_name(isa)) + " m=" + std::to_string(p.m) + " n=" + std::to_string(p.n) + " k=" +
         std::to_string(p.k) + " transA=" + std::to_string(p.trans_a) + " transB=" + std::to_string(p.trans_b) +
         " packA=" + std::to_string(p.pack_a) + " packB=" + std::to_string(p.pack_b) + " threads=" +
         std::to_string(p.threads) + " pad=" + std::to_string(p.pad) + " " + e.name() + " seed=" + std::to_string(seed);
}

// Runs sgemm on random operands and compares every element with the double reference:
// |got - want| <= 1e-4 |want| + 1e-5 * (the sum of the magnitudes that entered it), and the
// cosine of the whole result with the reference >= 0.99999. Also checks that nothing outside
// the m x n block of C (the row padding, a guard row after it) and the workspace changed.
::testing::AssertionResult check_sgemm(CpuIsa isa, const Problem& p, const EpilogueSpec& e, uint64_t seed) {
  std::mt19937_64 rng(seed);
  const size_t a_rows = p.trans_a ? p.k : p.m, a_cols = p.trans_a ? p.m : p.k;
  const size_t b_rows = p.trans_b ? p.n : p.k, b_cols = p.trans_b ? p.k : p.n;
  const size_t lda = a_cols + p.pad, ldb = b_cols + p.pad, ldc = p.n + p.pad, ldz = p.n + p.pad;
  const std::vector<float> a = random_vector(a_rows * lda + 1, rng);
  const std::vector<float> b = random_vector(b_rows * ldb + 1, rng);
  const std::vector<float> z = random_vector(p.m * ldz + 1, rng);
  auto A = [&](size_t i, size_t kk) { return p.trans_a ? a[kk * lda + i] : a[i * lda + kk]; };
  auto B = [&](size_t kk, size_t j) { return p.trans_b ? b[j * ldb + kk] : b[kk * ldb + j]; };

  std::vector<float> bias;
  GemmEpilogue ep;
  ep.alpha = e.alpha;
  ep.bias.scale = e.beta;
  switch (e.bias) {
    case BiasKind::None: break;
    case BiasKind::PerRow: bias = random_vector(p.m, rng); ep.bias.row_stride = 1; break;
    case BiasKind::PerColumn: bias = random_vector(p.n, rng); ep.bias.col_stride = 1; break;
    case BiasKind::Matrix: bias = random_vector(p.m * p.n, rng); ep.bias.row_stride = p.n; ep.bias.col_stride = 1; break;
    case BiasKind::Scalar: bias = random_vector(1, rng); break;
  }
  if (e.bias != BiasKind::None) ep.bias.data = bias.data();
  ep.activation = e.activation;
  ep.post_activation = e.post;
  if (e.residual) {
    ep.residual = z.data();
    ep.ldz = ldz;
  }

  std::vector<float> packed_a, packed_b;
  GemmOperand ao = GemmOperand::matrix(a.data(), lda, p.trans_a);
  GemmOperand bo = GemmOperand::matrix(b.data(), ldb, p.trans_b);
  if (p.pack_a) {
    packed_a.assign(packed_a_floats(isa, p.m, p.k), -7.0f);
    pack_a(isa, p.m, p.k, a.data(), lda, p.trans_a, packed_a.data());
    ao = GemmOperand::prepacked(packed_a.data());
  }
  if (p.pack_b) {
    packed_b.assign(packed_b_floats(isa, p.k, p.n), -7.0f);
    pack_b(isa, p.k, p.n, b.data(), ldb, p.trans_b, packed_b.data());
    bo = GemmOperand::prepacked(packed_b.data());
  }

  const float sentinel = 12345.0f;
  std::vector<float> c((p.m + 1) * ldc, sentinel);
  Workspace ws(sgemm_workspace_bytes(isa, p.m, p.n, p.k, p.pack_a, p.pack_b));
  ThreadPool& pool = pool_of(p.threads);
  const Status st = sgemm(isa, p.m, p.n, p.k, ao, bo, c.data(), ldc, ep, pool, ws.span());
  pool.sleep_workers();
  const std::string what = describe(isa, p, e, seed);
  if (!st.is_ok()) return ::testing::AssertionFailure() << what << ": " << st.to_string();
  if (!ws.guard_intact()) return ::testing::AssertionFailure() << what << ": wrote past the workspace";

  double dot = 0, norm_got = 0, norm_want = 0;
  for (size_t i = 0; i < p.m; ++i) {
    for (size_t j = 0; j < p.n; ++j) {
      double sum = 0, magnitude = 0;
      for (size_t kk = 0; kk < p.k; ++kk) {
        const double t = static_cast<double>(A(i, kk)) * B(kk, j);
        sum += t;
        magnitude += std::fabs(t);
      }
      double v = e.alpha * sum;
      magnitude *= std::fabs(e.alpha);
      if (ep.bias.data) {
        const double bv = e.beta * static_cast<double>(bias[i * ep.bias.row_stride + j * ep.bias.col_stride]);
        v += bv;
        magnitude += std::fabs(bv);
      }
      v = e.activation.apply(v);
      if (e.residual) {
        v += z[i * ldz + j];
        magnitude += std::fabs(z[i * ldz + j]);
      }
      v = e.post.apply(v);
      const double got = c[i * ldc + j];
      if (!(std::fabs(got - v) <= 1e-4 * std::fabs(v) + 1e-5 * magnitude + 1e-30)) {
        return ::testing::AssertionFailure() << what << ": first difference at (" << i << ", " << j << "): got " << got
                                             << ", reference " << v;
      }
      dot += got * v;
      norm_got += got * got;
      norm_want += v * v;
    }
    for (size_t j = p.n; j < ldc; ++j) {
      if (c[i * ldc + j] != sentinel) return ::testing::AssertionFailure() << what << ": wrote C(" << i << ", " << j << ") past n";
    }
  }
  for (size_t j = 0; j < ldc; ++j) {
    if (c[p.m * ldc + j] != sentinel) return ::testing::AssertionFailure() << what << ": wrote the row after C";
  }
  if (norm_want > 0 && norm_got > 0) {
    const double cosine = dot / std::sqrt(norm_got * norm_want);
    if (cosine < 0.99999) return ::testing::AssertionFailure() << what << ": cosine " << cosine;
  }
  return ::testing::AssertionSuccess();
}

TEST(Sgemm, ShapesAroundTheTileWithTransposesAndPackingAtEveryLevel) {
  uint64_t seed = 1;
  for (CpuIsa isa : levels_here()) {
    const GemmTile t = gemm_tile(isa);
    const std::vector<size_t> ms = {1, t.mr - 1, t.mr, t.mr + 1, 2 * t.mr + 3, 31};
    const std::vector<size_t> ns = {1, t.nr - 1, t.nr, t.nr + 1, 53};
    for (size_t m : ms) {
      for (size_t n : ns) {
        for (size_t k : {size_t{1}, size_t{7}, size_t{300}}) {
          for (int variant = 0; variant < 16; ++variant) {
            Problem p{m, n, k};
            p.trans_a = variant & 1;
            p.trans_b = variant & 2;
            p.pack_a = variant & 4;
            p.pack_b = variant & 8;
            // Mostly one thread (the split is covered below); every 16th case on 2 and on 3.
            p.threads = seed % 16 == 3 ? 2 : seed % 16 == 11 ? 3 : 1;
            p.pad = seed % 2 ? 3 : 0;
            ASSERT_TRUE(check_sgemm(isa, p, EpilogueSpec{}, seed++));
          }
        }
      }
    }
  }
}

TEST(Sgemm, LargeShapesAcrossKBlocksAndSlabsWithOneTwoThreeThreads) {
  // K = 1100 is more than one K block (partial sums in C) at every level; N = 2100 (M = 2100)
  // more than one B (A) slab at that K; the others exercise the thread split and edge tiles.
  const std::vector<Problem> shapes = {{3, 2100, 1100}, {2100, 5, 1100}, {37, 41, 1100}, {129, 161, 517},
                                       {200, 333, 64, false, false, true, false}, {96, 500, 256, false, true, false, true}};
  uint64_t seed = 100;
  for (CpuIsa isa : levels_here()) {
    const GemmBlocking b = gemm_blocking(isa, 1100, 1100, 1100);
    ASSERT_LT(b.kc, 1100u) << isa_name(isa) << ": K = 1100 fits one K block, the test would not cross blocks";
    ASSERT_LT(gemm_blocking(isa, 3, 2100, 1100).nc, 2100u) << isa_name(isa);
    ASSERT_LT(gemm_blocking(isa, 2100, 5, 1100).mslab, 2100u) << isa_name(isa);
    for (Problem p : shapes) {
      for (int threads : {1, 2, 3}) {
        p.threads = threads;
        EpilogueSpec e;
        e.bias = BiasKind::PerRow;
        e.activation = Activation{ActivationKind::Relu, 0, 0};
        ASSERT_TRUE(check_sgemm(isa, p, e, seed++));
      }
    }
  }
}

TEST(Sgemm, EveryEpiloguePartAloneAndTogether) {
  std::vector<EpilogueSpec> specs;
  auto add = [&](EpilogueSpec e) { specs.push_back(e); };
  add({.alpha = 0.37f});
  for (BiasKind b : {BiasKind::PerRow, BiasKind::PerColumn, BiasKind::Matrix, BiasKind::Scalar}) {
    add({.bias = b});
    add({.alpha = -1.5f, .bias = b, .beta = 0.25f});
  }
  // Relu/None run on the registers; the others in the tile pass.
  for (Activation act : {Activation{ActivationKind::Relu, 0, 0}, Activation{ActivationKind::Sigmoid, 0, 0},
                         Activation{ActivationKind::LeakyRelu, 0.1f, 0}, Activation{ActivationKind::Clip, -0.5f, 0.5f},
                         Activation{ActivationKind::Swish, 1.0f, 0}, Activation{ActivationKind::Gelu, 0, 0}}) {
    add({.activation = act});
    add({.bias = BiasKind::PerRow, .activation = act, .residual = true});
    add({.bias = BiasKind::PerColumn, .activation = act, .residual = true, .post = Activation{ActivationKind::Relu, 0, 0}});
    add({.bias = BiasKind::PerColumn, .residual = true, .post = act});
  }
  add({.residual = true});
  add({.alpha = 2.0f, .bias = BiasKind::Matrix, .beta = -0.5f, .activation = Activation{ActivationKind::Tanh, 0, 0},
       .residual = true, .post = Activation{ActivationKind::HardSwish, 0, 0}});
  uint64_t seed = 500;
  for (CpuIsa isa : levels_here()) {
    const GemmTile t = gemm_tile(isa);
    for (const EpilogueSpec& e : specs) {
      // Two K blocks, so the epilogue must wait for the last one; edge tiles in M and N.
      Problem p{2 * t.mr + 1, 2 * t.nr + 3, 1030};
      ASSERT_LT(gemm_blocking(isa, p.m, p.n, p.k).kc, p.k) << isa_name(isa);
      p.threads = 1 + static_cast<int>(seed % 3);
      p.pad = 2;
      p.pack_b = seed % 2;
      ASSERT_TRUE(check_sgemm(isa, p, e, seed++));
      Problem small{t.mr - 1, t.nr - 1, 3};
      small.threads = 2;
      ASSERT_TRUE(check_sgemm(isa, small, e, seed++));
    }
  }
}

TEST(Sgemm, ZeroKIsTheEpilogueOfZero) {
  uint64_t seed = 900;
  for (CpuIsa isa : levels_here()) {
    for (int packed = 0; packed < 2; ++packed) {
      Problem p{5, 9, 0};
      p.pack_a = p.pack_b = packed;
      EpilogueSpec e{.alpha = 3.0f, .bias = BiasKind::PerColumn, .beta = 2.0f,
                     .activation = Activation{ActivationKind::Sigmoid, 0, 0}, .residual = true};
      ASSERT_TRUE(check_sgemm(isa, p, e, seed++));
    }
  }
}

TEST(Sgemm, EmptyMOrNWritesNothing) {
  for (CpuIsa isa : levels_here()) {
    ThreadPool& pool = pool_of(2);
    std::vector<float> a(16, 1.0f), b(16, 1.0f), c(16, -1.0f);
    for (auto [m, n] : {std::pair<size_t, size_t>{0, 4}, {4, 0}}) {
      const Status st = sgemm(isa, m, n, 4, GemmOperand::matrix(a.data(), 4), GemmOperand::matrix(b.data(), 4), c.data(),
                              4, GemmEpilogue{}, pool, {});
      ASSERT_TRUE(st.is_ok()) << st.to_string();
      EXPECT_EQ(sgemm_workspace_bytes(isa, m, n, 4, false, false), 0u);
    }
    for (float v : c) ASSERT_EQ(v, -1.0f) << isa_name(isa);
  }
}

TEST(Sgemm, PackedLayoutIsTheDocumentedOne) {
  std::mt19937_64 rng(31);
  for (CpuIsa isa : levels_here()) {
    const GemmTile t = gemm_tile(isa);
    const size_t m = 2 * t.mr + 3, n = t.nr + 5, k = 11;
    const std::vector<float> a = random_vector(m * k, rng), b = random_vector(k * n, rng);
    std::vector<float> pa(packed_a_floats(isa, m, k), -1.0f), pb(packed_b_floats(isa, k, n), -1.0f);
    ASSERT_EQ(pa.size(), 3 * t.mr * k);
    ASSERT_EQ(pb.size(), 2 * t.nr * k);
    pack_a(isa, m, k, a.data(), k, false, pa.data());
    pack_b(isa, k, n, b.data(), n, false, pb.data());
    for (size_t p = 0; p < 3; ++p) {
      for (size_t kk = 0; kk < k; ++kk) {
        for (size_t i = 0; i < t.mr; ++i) {
          const size_t row = p * t.mr + i;
          ASSERT_EQ(pa[p * k * t.mr + kk * t.mr + i], row < m ? a[row * k + kk] : 0.0f)
              << isa_name(isa) << " A panel " << p << " k " << kk << " i " << i;
        }
      }
    }
    for (size_t q = 0; q < 2; ++q) {
      for (size_t kk = 0; kk < k; ++kk) {
        for (size_t j = 0; j < t.nr; ++j) {
          const size_t col = q * t.nr + j;
          ASSERT_EQ(pb[q * k * t.nr + kk * t.nr + j], col < n ? b[kk * n + col] : 0.0f)
              << isa_name(isa) << " B panel " << q << " k " << kk << " j " << j;
        }
      }
    }
    // The transposed sources give the same packed bytes.
    std::vector<float> at(k * m), bt(n * k);
    for (size_t i = 0; i < m; ++i) {
      for (size_t kk = 0; kk < k; ++kk) at[kk * m + i] = a[i * k + kk];
    }
    for (size_t kk = 0; kk < k; ++kk) {
      for (size_t j = 0; j < n; ++j) bt[j * k + kk] = b[kk * n + j];
    }
    std::vector<float> pat(pa.size(), -1.0f), pbt(pb.size(), -1.0f);
    pack_a(isa, m, k, at.data(), m, true, pat.data());
    pack_b(isa, k, n, bt.data(), k, true, pbt.data());
    EXPECT_EQ(pat, pa) << isa_name(isa);
    EXPECT_EQ(pbt, pb) << isa_name(isa);
  }
}

TEST(Sgemm, RefusesAWorkspaceSmallerThanItNeeds) {
  for (CpuIsa isa : levels_here()) {
    const size_t m = 40, n = 50, k = 60;
    const size_t need = sgemm_workspace_bytes(isa, m, n, k, false, false);
    ASSERT_GT(need, 0u);
    EXPECT_EQ(sgemm_workspace_bytes(isa, m, n, k, true, true), 0u) << "both operands prepacked need no workspace";
    std::vector<float> a(m * k, 1.0f), b(k * n, 1.0f), c(m * n, 0.0f);
    Workspace ws(need - 64);
    ThreadPool& pool = pool_of(1);
    const Status st = sgemm(isa, m, n, k, GemmOperand::matrix(a.data(), k), GemmOperand::matrix(b.data(), n), c.data(), n,
                            GemmEpilogue{}, pool, ws.span());
    EXPECT_EQ(st.code(), StatusCode::InvalidArgument) << isa_name(isa) << ": " << st.to_string();
  }
}

TEST(Sgemm, WorkspaceStaysBoundedForHugeSizes) {
  for (CpuIsa isa : levels_here()) {
    const size_t huge = size_t{1} << 22;
    const size_t bytes = sgemm_workspace_bytes(isa, huge, huge, huge, false, false);
    EXPECT_LT(bytes, size_t{16} << 20) << isa_name(isa);
    EXPECT_GE(bytes, sgemm_workspace_bytes(isa, 1000, 1000, 1000, false, false)) << isa_name(isa);
  }
}

}  // namespace
}  // namespace hone::cpu
