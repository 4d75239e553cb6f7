// The Winograd FusedConvBlocked tactics (cpu.f32_conv_winograd_f43_nchw16c_avx512,
// cpu.f32_conv_winograd_f43_nchw8c_avx2): tiling plan, weight transform and the dispatch to
// the ISA kernels of conv_winograd.hpp. The layer geometry is the direct kernel's
// (nchwc_geometry), narrowed to what Winograd computes.
#include "backends/cpu/conv/conv_winograd.hpp"

#include <algorithm>
#include <cstring>

#include "backends/backend.hpp"
#include "backends/cpu/conv/conv_tactics.hpp"

namespace hone::cpu {
namespace {

constexpr int64_t kPoints = 36;  // 6x6 transformed positions per tile
// Floats of V + M per chunk: the buffers the 36 GEMMs of a chunk share stay in L2 (1 MiB per
// core on the Zen 5 this was tuned on, 2 MiB on recent Intel cores).
constexpr int64_t kChunkFloats = 128 * 1024;

// The GEMM's widest register tile (tiles, with one output block) in the ISA files.
int64_t tile_group(int64_t block) { return block == 16 ? 28 : 12; }

int64_t blocks(int64_t channels, int64_t block) { return (channels + block - 1) / block; }
size_t aligned(int64_t floats) { return static_cast<size_t>((floats + 15) / 16 * 16); }  // 64 bytes

}  // namespace

bool winograd_computes(const NchwcConv& c) {
  return !c.depthwise && !c.input_transform && c.kernel_h == 3 && c.kernel_w == 3 && c.stride_h == 1 && c.stride_w == 1 &&
         c.dilation_h == 1 && c.dilation_w == 1 && c.out_h > 0 && c.out_w > 0;
}

WinogradPlan winograd_plan(const NchwcConv& c) {
  WinogradPlan p;
  p.tiles_h = (c.out_h + 3) / 4;
  p.tiles_w = (c.out_w + 3) / 4;
  p.tiles = c.batch * p.tiles_h * p.tiles_w;
  const int64_t group = tile_group(c.block);
  const int64_t in_blocks = blocks(c.in_channels, c.block), out_blocks = blocks(c.out_channels, c.block);
  const int64_t per_tile = kPoints * (in_blocks + out_blocks) * c.block;
  p.chunk = std::max<int64_t>(1, kChunkFloats / per_tile / group) * group;
  p.chunk = std::min(p.chunk, (p.tiles + group - 1) / group * group);
  // A 4x4 tile reads a 6x6 window: output pixel (oh, ow) at padded (oh, ow) .. (oh + 2, ow + 2).
  p.rows = std::max(4 * p.tiles_h + 2, c.in_h + c.pad_top);
  p.cols = std::max(4 * p.tiles_w + 2, c.in_w + c.pad_left);
  // A blocked X is read in place (tiles over its borders read zeros); a plain one is copied.
  p.copy_input = !c.input_blocked;
  p.input_floats = p.copy_input ? aligned(c.batch * in_blocks * p.rows * p.cols * c.block) : 0;
  p.v_floats = aligned(kPoints * in_blocks * p.chunk * c.block);
  p.m_floats = aligned(kPoints * out_blocks * p.chunk * c.block);
  return p;
}

size_t winograd_workspace_floats(const NchwcConv& c) {
  const WinogradPlan p = winograd_plan(c);
  return p.input_floats + p.v_floats + p.m_floats;
}

size_t winograd_weight_floats(const NchwcConv& c) {
  return static_cast<size_t>(kPoints * blocks(c.out_channels, c.block) * blocks(c.in_channels, c.block) * c.block *
                             c.block);
}

void pack_winograd_weights(const NchwcConv& c, const float* w, float* packed) {
  // G = | 1/4     0     0  |
  //     | -1/6  -1/6  -1/6 |
  //     | -1/6   1/6  -1/6 |
  //     | 1/24  1/12   1/6 |
  //     | 1/24 -1/12   1/6 |
  //     | 0       0     1  |
  static const double kG[6][3] = {{1.0 / 4, 0, 0},
                                  {-1.0 / 6, -1.0 / 6, -1.0 / 6},
                                  {-1.0 / 6, 1.0 / 6, -1.0 / 6},
                                  {1.0 / 24, 1.0 / 12, 1.0 / 6},
                                  {1.0 / 24, -1.0 / 12, 1.0 / 6},
                                  {0, 0, 1}};
  const int64_t b = c.block, in_blocks = blocks(c.in_channels, b), out_blocks = blocks(c.out_channels, b);
  std::memset(packed, 0, winograd_weight_floats(c) * sizeof(float));
  for (int64_t m = 0; m < c.out_channels; ++m) {
    for (int64_t ch = 0; ch < c.in_channels; ++ch) {
      const float* g = w + (m * c.in_channels + ch) * 9;
      double gg[6][3];  // G g
      for (int i = 0; i < 6; ++i) {
        for (int j = 0; j < 3; ++j) gg[i][j] = kG[i][0] * g[j] + kG[i][1] * g[3 + j] + kG[i][2] * g[6 + j];
      }
      for (int i = 0; i < 6; ++i) {
        for (int k = 0; k < 6; ++k) {
          const double u = gg[i][0] * kG[k][0] + gg[i][1] * kG[k][1] + gg[i][2] * kG[k][2];  // (G g G^T)[i][k]
          const int64_t xi = i * 6 + k;
          packed[(((xi * out_blocks + m / b) * in_blocks + ch / b) * b + ch % b) * b + m % b] = static_cast<float>(u);
        }
      }
    }
  }
}

void run_winograd_conv(CpuIsa isa, const NchwcConv& conv, ThreadPool& pool) {
  const WinogradPlan plan = winograd_plan(conv);
  if (isa == CpuIsa::Avx512) {
    avx512::f32_conv_winograd_f43(conv, plan, pool);
  } else {
    avx2::f32_conv_winograd_f43(conv, plan, pool);
  }
}

namespace {

// Where the kernel computes the layer but cannot beat the direct one, supports() refuses it:
// fewer than 16 input channels (the transforms cost more than the GEMMs save), or outputs so
// small that the 4x4 tiles' 36 products per channel pair are not at most 3/4 of the direct
// kernel's 9 per pixel (1x1 and 2x2 outputs).
bool worth_it(const NchwcConv& c) {
  const int64_t tiles = ((c.out_h + 3) / 4) * ((c.out_w + 3) / 4);
  return c.in_channels >= 16 && 4 * kPoints * tiles <= 3 * 9 * c.out_h * c.out_w;
}

class WinogradConvTactic final : public Tactic {
 public:
  WinogradConvTactic(CpuIsa isa, int64_t block, std::string id) : isa_(isa), block_(block), id_(std::move(id)) {}
  std::string_view id() const override { return id_; }
  std::vector<std::string> required_isa() const override { return isa_features(isa_); }
  bool supports(const LayerDesc& layer, const CpuFeatures& cpu) const override {
    if (!has_isa(cpu, isa_)) return false;
    std::optional<NchwcConv> c = geometry(layer);
    return c && worth_it(*c);
  }
  size_t workspace_bytes(const LayerDesc& layer) const override {
    std::optional<NchwcConv> c = geometry(layer);
    return c ? winograd_workspace_floats(*c) * sizeof(float) : 0;
  }
  Result<std::vector<Tensor>> prepare(const LayerDesc& layer) const override {
    std::optional<NchwcConv> c = geometry(layer);
    if (!c) return internal_error("the layer is not a 3x3 stride-1 blocked convolution this tactic runs");
    const int64_t floats = static_cast<int64_t>(winograd_weight_floats(*c));
    HONE_ASSIGN_OR_RETURN(Tensor w, Tensor::create(DataType::Float, {floats}));
    pack_winograd_weights(*c, layer.node->input(1)->constant().data<float>(), w.data<float>());
    HONE_ASSIGN_OR_RETURN(Tensor b, nchwc_padded_bias(layer, *c));
    return std::vector<Tensor>{std::move(w), std::move(b)};
  }
  Status run(const LayerRun& run) const override {
    HONE_ASSIGN_OR_RETURN(NchwcConv c, nchwc_bind(run, block_));
    if (!winograd_computes(c) || run.packed[0].numel() != static_cast<int64_t>(winograd_weight_floats(c))) {
      return run.kernel.error("the layer no longer matches its prepared Winograd convolution");
    }
    if (run.workspace.size() < winograd_workspace_floats(c) * sizeof(float)) {
      return run.kernel.error("workspace too small");
    }
    c.workspace = reinterpret_cast<float*>(run.workspace.data());
    run_winograd_conv(isa_, c, run.pool);
    return Status::ok();
  }

 private:
  // The layer's geometry when the kernel computes it.
  std::optional<NchwcConv> geometry(const LayerDesc& layer) const {
    std::optional<NchwcConv> c = nchwc_geometry(layer, block_);
    if (!c || !winograd_computes(*c)) return std::nullopt;
    return c;
  }

  CpuIsa isa_;
  int64_t block_;
  std::string id_;
};

}  // namespace

std::vector<const Tactic*> winograd_conv_tactics() {
  static const WinogradConvTactic avx512(CpuIsa::Avx512, 16, "cpu.f32_conv_winograd_f43_nchw16c_avx512");
  static const WinogradConvTactic avx2(CpuIsa::Avx2, 8, "cpu.f32_conv_winograd_f43_nchw8c_avx2");
  return {&avx512, &avx2};
}

}  // namespace hone::cpu
