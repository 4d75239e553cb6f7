// Small pieces the pattern-collapse pass tests share when they write models in code: seeded
// random initializers, scalar and int64 constants, and the node names of a graph in order.
#pragma once

#include <random>
#include <string>
#include <vector>

#include "core/tensor.hpp"
#include "ir/graph.hpp"

namespace hone::testing {

/// A rank-0 float constant.
inline Tensor scalar(float v) { return Tensor::from_vector<float>(DataType::Float, {}, {v}); }

/// A 1-D int64 tensor (shapes, axes).
inline Tensor int64s(const std::vector<int64_t>& v) {
  return Tensor::from_vector<int64_t>(DataType::Int64, {static_cast<int64_t>(v.size())}, v);
}

/// Floats uniform in [lo, hi), seeded.
inline Tensor random_tensor(const Shape& shape, uint64_t seed, float lo = -1.0f, float hi = 1.0f) {
  Tensor t = Tensor::zeros(DataType::Float, shape);
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<float> dist(lo, hi);
  for (int64_t i = 0; i < t.numel(); ++i) t.data<float>()[i] = dist(rng);
  return t;
}

/// "op 'name'" of every top-level node, in order: what a failing count check prints.
inline std::string describe_nodes(const ir::Graph& g) {
  std::string s;
  for (const auto& n : g.nodes()) s += (s.empty() ? "" : ", ") + n->op_type() + " '" + n->name() + "'";
  return s;
}

}  // namespace hone::testing
