// Reading per-channel affine maps off nodes (affine.hpp).
#include "passes/affine.hpp"

#include <cmath>

#include "passes/pattern_match.hpp"
#include "passes/rewrite.hpp"

namespace hone::passes {
namespace {

// The values of a float32 constant that is scalar or per-channel for data of rank `rank` with
// `channels` channels (-1: unknown); nullopt otherwise.
std::optional<std::vector<double>> channel_constant(const ir::Value* v, size_t rank, int64_t channels) {
  const Tensor* t = constant_of(v);
  if (!t || t->dtype() != DataType::Float || static_cast<size_t>(t->rank()) > rank) return std::nullopt;
  if (t->numel() == 1) return t->to_double_vector();
  // Right-aligned to the data's rank, every dim but dim 1 must be 1.
  const size_t offset = rank - static_cast<size_t>(t->rank());
  for (size_t d = 0; d < static_cast<size_t>(t->rank()); ++d) {
    const int64_t dim = t->dim(static_cast<int64_t>(d));
    if (offset + d != 1 && dim != 1) return std::nullopt;
    if (offset + d == 1 && channels >= 0 && dim != channels) return std::nullopt;
  }
  return t->to_double_vector();
}

bool finite(const std::vector<double>& v) {
  for (double x : v) {
    if (!std::isfinite(x)) return false;
  }
  return true;
}

}  // namespace

ChannelAffine ChannelAffine::widened(size_t channels) const {
  ChannelAffine w = *this;
  if (w.s.size() == 1) w.s.assign(channels, s[0]);
  if (w.shift.size() == 1) w.shift.assign(channels, shift[0]);
  return w;
}

std::optional<ChannelAffine> channel_affine_of(const ir::Node& n) {
  const ir::Value* out = n.num_outputs() ? n.output(0) : nullptr;
  if (!is_float32(out) || !out->type().shape.has_rank || out->type().shape.rank() < 2) return std::nullopt;
  const size_t rank = out->type().shape.rank();
  const ir::Dim& cdim = out->type().shape.dims[1];
  const int64_t channels = cdim.is_known() ? cdim.value : -1;
  ChannelAffine a;
  if (n.kind() == ir::OpKind::BatchNormalization) {
    if (attr_int_or_default(n, "training_mode") != 0) return std::nullopt;
    if (n.attrs().has("spatial") && attr_int_or_default(n, "spatial") == 0) return std::nullopt;
    for (size_t o = 1; o < n.num_outputs(); ++o) {
      if (n.output(o) && !n.output(o)->uses().empty()) return std::nullopt;
    }
    if (!is_float32(n.input(0)) || channels < 0) return std::nullopt;
    std::optional<std::vector<double>> p[4];
    for (size_t i = 0; i < 4; ++i) {
      const Tensor* t = constant_of(n.input(i + 1));
      if (!t || t->dtype() != DataType::Float || t->numel() != channels) return std::nullopt;
      p[i] = t->to_double_vector();
    }
    const double epsilon = attr_float_or_default(n, "epsilon");
    a.x = n.input(0);
    for (int64_t c = 0; c < channels; ++c) {
      const double s = (*p[0])[static_cast<size_t>(c)] / std::sqrt((*p[3])[static_cast<size_t>(c)] + epsilon);
      a.s.push_back(s);
      a.shift.push_back((*p[1])[static_cast<size_t>(c)] - (*p[2])[static_cast<size_t>(c)] * s);
    }
  } else if (n.kind() == ir::OpKind::Mul || n.kind() == ir::OpKind::Add || n.kind() == ir::OpKind::Sub ||
             n.kind() == ir::OpKind::Div) {
    // Before opset 7 the binary ops broadcast by their own axis rule.
    if (n.opset() < 7 || n.num_inputs() != 2) return std::nullopt;
    for (size_t data = 0; data < 2; ++data) {
      ir::Value* x = n.input(data);
      if (constant_of(x) || !is_float32(x) || !x->type().shape.has_rank || x->type().shape.rank() != rank) continue;
      auto c = channel_constant(n.input(1 - data), rank, channels);
      if (!c) continue;
      a.x = x;
      switch (n.kind()) {
        case ir::OpKind::Mul: a.s = *c; a.shift = {0.0}; break;
        case ir::OpKind::Add: a.s = {1.0}; a.shift = *c; break;
        case ir::OpKind::Sub:
          if (data == 0) {
            a.s = {1.0};
            for (double v : *c) a.shift.push_back(-v);
          } else {
            a.s = {-1.0};
            a.shift = *c;
          }
          break;
        default:  // Div
          if (data != 0) return std::nullopt;
          for (double v : *c) a.s.push_back(1.0 / v);
          a.shift = {0.0};
          break;
      }
      break;
    }
    if (!a.x) return std::nullopt;
  } else {
    return std::nullopt;
  }
  if (!finite(a.s) || !finite(a.shift)) return std::nullopt;
  return a;
}

}  // namespace hone::passes
