// Tactic cpu.f32_conv1x1_gemm_<isa>: pointwise Conv/FusedConv (1x1 kernel, stride 1, no
// pads; any group, batch, dilation) as one GEMM per image and group,
//   Y[n, g*Mg + m, hw] = sum_c W[g*Mg + m, c] X[n, g*Cg + c, hw]
// with W packed once as sgemm's A and X read in place as B (gemm/conv_gemm.hpp).
#include "backends/cpu/gemm/conv_gemm.hpp"
#include "backends/cpu/gemm/gemm_tactics.hpp"

namespace hone::cpu {
namespace {

class Conv1x1GemmTactic final : public Tactic {
 public:
  explicit Conv1x1GemmTactic(CpuIsa isa) : isa_(isa), id_(gemm_tactic_id("f32_conv1x1_gemm", isa)) {}
  std::string_view id() const override { return id_; }
  std::vector<std::string> required_isa() const override { return isa_features(isa_); }
  bool supports(const LayerDesc& layer, const CpuFeatures& cpu) const override {
    return has_isa(cpu, isa_) && conv_gemm_supports(layer) && is_pointwise_conv(layer);
  }
  size_t workspace_bytes(const LayerDesc& layer) const override { return conv_gemm_workspace_bytes(isa_, layer); }
  Result<std::vector<Tensor>> prepare(const LayerDesc& layer) const override { return conv_gemm_prepare(isa_, layer); }
  Status run(const LayerRun& run) const override { return conv_gemm_run(isa_, run, true, id_); }

 private:
  CpuIsa isa_;
  std::string id_;
};

}  // namespace

const Tactic& conv1x1_gemm_tactic(CpuIsa isa) {
  static const Conv1x1GemmTactic avx512(CpuIsa::Avx512), avx2(CpuIsa::Avx2), baseline(CpuIsa::Baseline);
  switch (isa) {
    case CpuIsa::Avx512: return avx512;
    case CpuIsa::Avx2: return avx2;
    case CpuIsa::Baseline: break;
  }
  return baseline;
}

}  // namespace hone::cpu
