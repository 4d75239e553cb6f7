// Tactic cpu.f32_conv_im2col_<isa>: every Conv/FusedConv with 1 to 3 spatial dims that is not
// pointwise (any kernel, strides, dilations, pads, auto_pad, groups, batch) as W x im2col(X)
// per image and group. The im2col matrix (K x output positions, in column chunks of at most
// 8 MiB) is built in the workspace and read by sgemm in place (gemm/conv_gemm.hpp).
#include "backends/cpu/gemm/conv_gemm.hpp"
#include "backends/cpu/gemm/gemm_tactics.hpp"

namespace hone::cpu {
namespace {

class ConvIm2colTactic final : public Tactic {
 public:
  explicit ConvIm2colTactic(CpuIsa isa) : isa_(isa), id_(gemm_tactic_id("f32_conv_im2col", isa)) {}
  std::string_view id() const override { return id_; }
  std::vector<std::string> required_isa() const override { return isa_features(isa_); }
  bool supports(const LayerDesc& layer, const CpuFeatures& cpu) const override {
    return has_isa(cpu, isa_) && conv_gemm_supports(layer) && !is_pointwise_conv(layer);
  }
  size_t workspace_bytes(const LayerDesc& layer) const override { return conv_gemm_workspace_bytes(isa_, layer); }
  Result<std::vector<Tensor>> prepare(const LayerDesc& layer) const override { return conv_gemm_prepare(isa_, layer); }
  Status run(const LayerRun& run) const override { return conv_gemm_run(isa_, run, false, id_); }

 private:
  CpuIsa isa_;
  std::string id_;
};

}  // namespace

const Tactic& conv_im2col_tactic(CpuIsa isa) {
  static const ConvIm2colTactic avx512(CpuIsa::Avx512), avx2(CpuIsa::Avx2), baseline(CpuIsa::Baseline);
  switch (isa) {
    case CpuIsa::Avx512: return avx512;
    case CpuIsa::Avx2: return avx2;
    case CpuIsa::Baseline: break;
  }
  return baseline;
}

}  // namespace hone::cpu
