// The two convolution tactics over conv_gemm.hpp, one class for both:
//   cpu.f32_conv1x1_gemm_<isa>: pointwise Conv/FusedConv (1x1 kernel, stride 1, no pads; any
//     group, batch, dilation) as one GEMM per image and group,
//       Y[n, g*Mg + m, hw] = sum_c W[g*Mg + m, c] X[n, g*Cg + c, hw]
//     with W packed once as sgemm's A and X read in place as B;
//   cpu.f32_conv_im2col_<isa>: every other Conv/FusedConv with 1 to 3 spatial dims (any
//     kernel, strides, dilations, pads, auto_pad, groups, batch) as W x im2col(X) per image and
//     group; the im2col matrix (K x output positions, in column chunks of at most 8 MiB) is
//     built in the workspace and read by sgemm in place.
#include "backends/cpu/gemm/conv_gemm.hpp"
#include "backends/cpu/gemm/gemm_tactics.hpp"

namespace hone::cpu {
namespace {

template <bool kPointwise>
class ConvGemmTactic final : public Tactic {
 public:
  explicit ConvGemmTactic(CpuIsa isa)
      : isa_(isa), id_(gemm_tactic_id(kPointwise ? "f32_conv1x1_gemm" : "f32_conv_im2col", isa)) {}
  std::string_view id() const override { return id_; }
  std::vector<std::string> required_isa() const override { return isa_features(isa_); }
  bool supports(const LayerDesc& layer, const CpuFeatures& cpu) const override {
    return has_isa(cpu, isa_) && conv_gemm_supports(layer) && is_pointwise_conv(layer) == kPointwise;
  }
  size_t workspace_bytes(const LayerDesc& layer) const override { return conv_gemm_workspace_bytes(isa_, layer); }
  Result<std::vector<Tensor>> prepare(const LayerDesc& layer) const override { return conv_gemm_prepare(isa_, layer); }
  Status run(const LayerRun& run) const override { return conv_gemm_run(isa_, run, kPointwise, id_); }

 private:
  CpuIsa isa_;
  std::string id_;
};

}  // namespace

const Tactic& conv1x1_gemm_tactic(CpuIsa isa) { return tactic_for_isa<ConvGemmTactic<true>>(isa); }
const Tactic& conv_im2col_tactic(CpuIsa isa) { return tactic_for_isa<ConvGemmTactic<false>>(isa); }

}  // namespace hone::cpu
