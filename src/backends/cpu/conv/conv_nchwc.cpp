// The FusedConvBlocked tactics (cpu.f32_conv_nchw16c_avx512, cpu.f32_conv_nchw8c_avx2): weight
// packing, geometry and the dispatch to the ISA kernels of conv_nchwc.hpp.
#include "backends/cpu/conv/conv_nchwc.hpp"

#include <algorithm>
#include <cstring>

#include "backends/backend.hpp"
#include "backends/cpu/conv/conv_tactics.hpp"
#include "ops/conv_geometry.hpp"
#include "ops/epilogue.hpp"

namespace hone::cpu {

size_t nchwc_weight_floats(const NchwcConv& c) {
  const int64_t b = c.block, ob = (c.out_channels + b - 1) / b, ib = (c.in_channels + b - 1) / b;
  if (c.depthwise) return static_cast<size_t>(ob * c.kernel_h * c.kernel_w * b);
  return static_cast<size_t>(ob * ib * c.kernel_h * c.kernel_w * b * b);
}

void pack_nchwc_weights(const NchwcConv& c, const float* w, float* packed) {
  const int64_t b = c.block, kk = c.kernel_h * c.kernel_w;
  const int64_t ib = (c.in_channels + b - 1) / b;
  std::memset(packed, 0, nchwc_weight_floats(c) * sizeof(float));
  if (c.depthwise) {
    // W [C, 1, KH, KW] -> [C/b][KH][KW][b]
    for (int64_t m = 0; m < c.out_channels; ++m) {
      for (int64_t k = 0; k < kk; ++k) packed[((m / b) * kk + k) * b + m % b] = w[m * kk + k];
    }
    return;
  }
  // W [M, C, KH, KW] -> [M/b][C/b][KH][KW][c in block][m in block]
  for (int64_t m = 0; m < c.out_channels; ++m) {
    for (int64_t ch = 0; ch < c.in_channels; ++ch) {
      for (int64_t k = 0; k < kk; ++k) {
        packed[((((m / b) * ib + ch / b) * kk + k) * b + ch % b) * b + m % b] = w[(m * c.in_channels + ch) * kk + k];
      }
    }
  }
}

int64_t nchwc_tile_pixels(int64_t block) { return block == 16 ? 28 : 12; }  // R1 of the ISA files

bool nchwc_needs_copy(const NchwcConv& c) { return !c.input_blocked || c.pad_top > 0 || c.pad_left > 0; }

size_t nchwc_workspace_floats(const NchwcConv& c) {
  if (!nchwc_needs_copy(c)) return 0;
  const int64_t tile = nchwc_tile_pixels(c.block), tiles = (c.out_w + tile - 1) / tile;
  const int64_t rows = std::max(c.in_h + c.pad_top, (c.out_h - 1) * c.stride_h + (c.kernel_h - 1) * c.dilation_h + 1);
  const int64_t cols = std::max(c.in_w + c.pad_left, (tiles * tile - 1) * c.stride_w + (c.kernel_w - 1) * c.dilation_w + 1);
  return static_cast<size_t>(c.batch * ((c.in_channels + c.block - 1) / c.block) * rows * cols * c.block);
}

void run_nchwc_conv(CpuIsa isa, const NchwcConv& conv, ThreadPool& pool) {
  if (isa == CpuIsa::Avx512) {
    avx512::nchwc_conv(conv, pool);
  } else {
    avx2::nchwc_conv(conv, pool);
  }
}

std::optional<NchwcConv> nchwc_geometry(const LayerDesc& layer, int64_t block) {
  const ir::Node& n = *layer.node;
  if (n.kind() != ir::OpKind::FusedConvBlocked || layer.input_types.size() < 2 || layer.output_types.empty()) {
    return std::nullopt;
  }
  const ops::AttrReader a(n, ops::op_def(n.kind()));
  if (a.attr_int("block") != block || a.attr_int("output_blocked") != 1) return std::nullopt;
  if (!ops::read_epilogue(a).is_ok()) return std::nullopt;
  const ir::Value* wv = n.input(1);
  if (!wv || !wv->is_constant() || wv->constant().rank() != 4 || wv->constant().dtype() != DataType::Float) {
    return std::nullopt;
  }
  for (size_t i = 0; i < layer.input_types.size(); ++i) {
    const ir::Type& t = layer.input_types[i];
    if (n.input(i) && (!t.is_tensor() || t.dtype != DataType::Float || !t.shape.is_static())) return std::nullopt;
  }
  const ir::Type& yt = layer.output_types[0];
  if (!yt.is_tensor() || yt.dtype != DataType::Float || !yt.shape.is_static() || yt.shape.rank() != 5) {
    return std::nullopt;
  }
  if (n.input(2) && !n.input(2)->is_constant()) return std::nullopt;
  const Shape w = wv->constant().shape();
  const Shape x = layer.input_types[0].shape.to_static();
  const Shape y = yt.shape.to_static();
  NchwcConv c;
  c.block = block;
  c.input_blocked = a.attr_int("input_blocked") != 0;
  if ((c.input_blocked && (x.size() != 5 || x[4] != block)) || (!c.input_blocked && x.size() != 4)) return std::nullopt;
  const int64_t group = a.attr_int("group");
  c.out_channels = w[0];
  c.in_channels = w[1] * group;
  c.depthwise = group > 1;
  if (c.depthwise && !(group == c.out_channels && w[1] == 1)) return std::nullopt;
  if (group != 1 && !c.depthwise) return std::nullopt;
  c.batch = x[0];
  c.in_h = x[2];
  c.in_w = x[3];
  c.kernel_h = w[2];
  c.kernel_w = w[3];
  auto geo = ops::resolve_window(a, {c.in_h, c.in_w}, {c.kernel_h, c.kernel_w}, false);
  if (!geo.is_ok()) return std::nullopt;
  c.out_h = geo->output[0];
  c.out_w = geo->output[1];
  c.stride_h = geo->strides[0];
  c.stride_w = geo->strides[1];
  c.dilation_h = geo->dilations[0];
  c.dilation_w = geo->dilations[1];
  c.pad_top = geo->pads_begin[0];
  c.pad_left = geo->pads_begin[1];
  if (y != Shape{c.batch, (c.out_channels + block - 1) / block, c.out_h, c.out_w, block}) return std::nullopt;
  if (n.input(3) && layer.input_types[3].shape.to_static() != y) return std::nullopt;
  const bool pointwise = c.kernel_h == 1 && c.kernel_w == 1 && c.stride_h == 1 && c.stride_w == 1 &&
                         c.pad_top == 0 && c.pad_left == 0 && c.out_h == c.in_h && c.out_w == c.in_w &&
                         c.input_blocked;
  if (pointwise) {
    // Pointwise: the image is one row of pixels (full tiles instead of one short one a row).
    c.in_w = c.out_w = c.in_h * c.in_w;
    c.in_h = c.out_h = 1;
  }
  if (n.input(4) || n.input(5)) {
    // The input transform: constant S, T of C values; pointwise, group 1, at most
    // ops::kMaxInputTransformChannels channels; ReLU or none.
    const ir::Value* s = n.input(4);
    const ir::Value* t = n.input(5);
    const std::string& act = a.attr_string("input_activation");
    auto per_channel = [&](const ir::Value* v) {
      return v && v->is_constant() && v->constant().dtype() == DataType::Float && v->constant().numel() == c.in_channels;
    };
    if (!pointwise || c.depthwise || c.in_channels > ops::kMaxInputTransformChannels || !per_channel(s) ||
        !per_channel(t) || (!act.empty() && act != "Relu")) {
      return std::nullopt;
    }
    c.input_transform = true;
    c.in_relu = act == "Relu";
  }
  return c;
}

Result<NchwcConv> nchwc_bind(const LayerRun& run, int64_t block) {
  ops::KernelContext& k = run.kernel;
  LayerDesc desc;
  desc.node = &k.node();
  for (size_t i = 0; i < k.num_inputs(); ++i) {
    desc.input_types.push_back(
        k.has_input(i) ? ir::Type::tensor(k.input(i).dtype(), ir::TensorShape::of(k.input(i).shape())) : ir::Type());
  }
  const Tensor& y = k.output(0);
  desc.output_types.push_back(ir::Type::tensor(y.dtype(), ir::TensorShape::of(y.shape())));
  std::optional<NchwcConv> c = nchwc_geometry(desc, block);
  if (!c || run.packed.size() != (c->input_transform ? 4u : 2u)) {
    return k.error("the layer no longer matches its prepared blocked convolution");
  }
  if (c->input_transform) {
    c->in_scale = run.packed[2].data<float>();
    c->in_shift = run.packed[3].data<float>();
  }
  HONE_ASSIGN_OR_RETURN(ops::Epilogue e, ops::read_epilogue(k));
  c->x = k.input(0).data<float>();
  c->weights = run.packed[0].data<float>();
  c->bias = run.packed[1].data<float>();
  c->z = k.has_input(ops::kEpilogueResidualInput) ? k.input(ops::kEpilogueResidualInput).data<float>() : nullptr;
  c->y = k.output(0).data<float>();
  c->activation = e.activation;
  c->post_activation = e.post_activation;
  return *c;
}

Result<Tensor> nchwc_padded_bias(const LayerDesc& layer, const NchwcConv& c) {
  const int64_t padded = (c.out_channels + c.block - 1) / c.block * c.block;
  HONE_ASSIGN_OR_RETURN(Tensor b, Tensor::create(DataType::Float, {padded}));
  std::memset(b.data<float>(), 0, static_cast<size_t>(padded) * sizeof(float));
  if (const ir::Value* bias = layer.node->input(2)) {
    std::memcpy(b.data<float>(), bias->constant().data<float>(), static_cast<size_t>(c.out_channels) * sizeof(float));
  }
  return b;
}

namespace {

class NchwcConvTactic final : public Tactic {
 public:
  NchwcConvTactic(CpuIsa isa, int64_t block, std::string id) : isa_(isa), block_(block), id_(std::move(id)) {}
  std::string_view id() const override { return id_; }
  std::vector<std::string> required_isa() const override { return isa_features(isa_); }
  bool supports(const LayerDesc& layer, const CpuFeatures& cpu) const override {
    return has_isa(cpu, isa_) && nchwc_geometry(layer, block_).has_value();
  }
  size_t workspace_bytes(const LayerDesc& layer) const override {
    std::optional<NchwcConv> c = nchwc_geometry(layer, block_);
    return c ? nchwc_workspace_floats(*c) * sizeof(float) : 0;
  }
  Result<std::vector<Tensor>> prepare(const LayerDesc& layer) const override {
    std::optional<NchwcConv> c = nchwc_geometry(layer, block_);
    if (!c) return internal_error("the layer is not a blocked convolution this tactic runs");
    HONE_ASSIGN_OR_RETURN(Tensor w, Tensor::create(DataType::Float, {static_cast<int64_t>(nchwc_weight_floats(*c))}));
    pack_nchwc_weights(*c, layer.node->input(1)->constant().data<float>(), w.data<float>());
    HONE_ASSIGN_OR_RETURN(Tensor b, nchwc_padded_bias(layer, *c));
    std::vector<Tensor> packed{std::move(w), std::move(b)};
    if (c->input_transform) {
      // S and T padded to whole blocks with zeros: the padding lanes transform to 0.
      const int64_t padded = (c->in_channels + block_ - 1) / block_ * block_;
      for (size_t i : {4u, 5u}) {
        HONE_ASSIGN_OR_RETURN(Tensor v, Tensor::create(DataType::Float, {padded}));
        std::memset(v.data<float>(), 0, static_cast<size_t>(padded) * sizeof(float));
        std::memcpy(v.data<float>(), layer.node->input(i)->constant().data<float>(),
                    static_cast<size_t>(c->in_channels) * sizeof(float));
        packed.push_back(std::move(v));
      }
    }
    return packed;
  }
  Status run(const LayerRun& run) const override {
    HONE_ASSIGN_OR_RETURN(NchwcConv c, nchwc_bind(run, block_));
    if (run.workspace.size() < nchwc_workspace_floats(c) * sizeof(float)) {
      return run.kernel.error("workspace too small");
    }
    c.workspace = reinterpret_cast<float*>(run.workspace.data());
    run_nchwc_conv(isa_, c, run.pool);
    return Status::ok();
  }

 private:
  CpuIsa isa_;
  int64_t block_;
  std::string id_;
};

}  // namespace

std::vector<const Tactic*> nchwc_conv_tactics() {
  static const NchwcConvTactic avx512(CpuIsa::Avx512, 16, "cpu.f32_conv_nchw16c_avx512");
  static const NchwcConvTactic avx2(CpuIsa::Avx2, 8, "cpu.f32_conv_nchw8c_avx2");
  return {&avx512, &avx2};
}

}  // namespace hone::cpu
