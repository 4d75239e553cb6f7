// Per-channel affine maps y[c] = s[c] * x[c] + shift[c] (c = dim 1), the shape shared by an
// inference BatchNormalization and by Mul/Add/Sub/Div with a per-channel or scalar constant.
// batchnorm_folding folds them into the convolution before them; affine_folding composes chains
// of them into one multiply and one add.
#pragma once

#include <optional>
#include <vector>

#include "ir/graph.hpp"

namespace hone::passes {

struct ChannelAffine {
  ir::Value* x = nullptr;     // the data input the map applies to
  std::vector<double> s;      // per channel, or one value for all channels
  std::vector<double> shift;  // the same
  /// s and shift widened to `channels` values (a single value repeated).
  ChannelAffine widened(size_t channels) const;
};

/// The affine map node `n` applies to its float32 data input, computed in double:
///   BatchNormalization (inference, constant scale/B/mean/var, unused extra outputs):
///     s = scale / sqrt(var + epsilon), shift = B - mean * s
///   Mul(x, c) / Mul(c, x): s = c;  Add: shift = c;  Sub(x, c): shift = -c;  Sub(c, x): s = -1,
///   shift = c;  Div(x, c): s = 1 / c
/// where c is a float32 constant that is a scalar or varies only along x's dim 1 (its shape,
/// right-aligned to x's rank, is 1 everywhere else, so the map does not grow x). nullopt for
/// anything else (and for maps with non-finite coefficients: the model computes NaN there).
std::optional<ChannelAffine> channel_affine_of(const ir::Node& n);

}  // namespace hone::passes
