// The CPU backend: its tactic list. Reference kernels (the operators' meaning, plain loops)
// are the tactic of last resort and support every layer; fast kernels go before it.
#include "backends/backend.hpp"
#include "backends/cpu/conv/conv_tactics.hpp"
#include "backends/cpu/dispatch.hpp"
#include "backends/cpu/gemm/gemm_tactics.hpp"
#include "backends/cpu/kernels/tactics.hpp"

namespace hone::cpu {
namespace {

// Tactic "ref": the operator's reference kernel from src/ops.
class ReferenceTactic final : public Tactic {
 public:
  std::string_view id() const override { return "ref"; }
  bool supports(const LayerDesc&, const CpuFeatures&) const override { return true; }
  bool is_fallback() const override { return true; }
  Status run(const LayerRun& run) const override { return ops::op_def(run.kernel.node().kind()).run(run.kernel); }
};

class CpuBackend final : public Backend {
 public:
  CpuBackend() {
    // Blocked convolutions: direct, then Winograd for 3x3 stride 1 (conv/conv_tactics.hpp).
    for (const Tactic* t : nchwc_conv_tactics()) tactics_.push_back(t);
    for (const Tactic* t : winograd_conv_tactics()) tactics_.push_back(t);
    // GEMM-based: Gemm/MatMul, 1x1, im2col and transposed convolutions (gemm/gemm_tactics.hpp).
    for (CpuIsa isa : {CpuIsa::Avx512, CpuIsa::Avx2, CpuIsa::Baseline}) {
      tactics_.push_back(&gemm_tactic(isa));
      tactics_.push_back(&conv1x1_gemm_tactic(isa));
      tactics_.push_back(&conv_im2col_tactic(isa));
      tactics_.push_back(&conv_transpose_gemm_tactic(isa));
    }
    // Elementwise, pooling, data movement, normalization (kernels/tactics.hpp).
    for (const Tactic* t : non_gemm_tactics()) tactics_.push_back(t);
    tactics_.push_back(&reference_);
  }
  std::string_view device() const override { return "cpu"; }
  std::vector<const Tactic*> tactics() const override { return tactics_; }
  int64_t blocked_channels(const CpuFeatures& cpu) const override {
    // The blocked convolution kernels: NCHW16c with AVX-512, NCHW8c with AVX2.
    if (has_isa(cpu, CpuIsa::Avx512)) return 16;
    if (has_isa(cpu, CpuIsa::Avx2)) return 8;
    return 0;
  }

 private:
  ReferenceTactic reference_;
  std::vector<const Tactic*> tactics_;
};

}  // namespace
}  // namespace hone::cpu

namespace hone {

const Backend& cpu_backend() {
  static const cpu::CpuBackend backend;
  return backend;
}

}  // namespace hone
