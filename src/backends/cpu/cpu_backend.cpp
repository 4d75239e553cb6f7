// The CPU backend: its tactic list. Reference kernels (the operators' meaning, plain loops)
// are the tactic of last resort and support every layer; fast kernels go before it.
#include "backends/backend.hpp"
#include "backends/cpu/gemm/gemm_tactics.hpp"

namespace hone::cpu {
namespace {

// Tactic "ref": the operator's reference kernel from src/ops.
class ReferenceTactic final : public Tactic {
 public:
  std::string_view id() const override { return "ref"; }
  bool supports(const LayerDesc&, const CpuFeatures&) const override { return true; }
  Status run(const LayerRun& run) const override { return ops::op_def(run.kernel.node().kind()).run(run.kernel); }
};

class CpuBackend final : public Backend {
 public:
  std::string_view device() const override { return "cpu"; }
  std::vector<const Tactic*> tactics() const override {
    return {
        // GEMM-based: Gemm/MatMul, 1x1 convolutions, im2col convolutions (gemm/gemm_tactics.hpp).
        &gemm_tactic(CpuIsa::Avx512), &gemm_tactic(CpuIsa::Avx2), &gemm_tactic(CpuIsa::Baseline),
        &conv1x1_gemm_tactic(CpuIsa::Avx512), &conv1x1_gemm_tactic(CpuIsa::Avx2), &conv1x1_gemm_tactic(CpuIsa::Baseline),
        &conv_im2col_tactic(CpuIsa::Avx512), &conv_im2col_tactic(CpuIsa::Avx2), &conv_im2col_tactic(CpuIsa::Baseline),
        &reference_,
    };
  }

 private:
  ReferenceTactic reference_;
};

}  // namespace
}  // namespace hone::cpu

namespace hone {

const Backend& cpu_backend() {
  static const cpu::CpuBackend backend;
  return backend;
}

}  // namespace hone
