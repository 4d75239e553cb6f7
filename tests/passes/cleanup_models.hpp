// Small constants and names shared by the cleanup-pass tests (identity elimination, constant
// folding, dead code, common subexpressions), which build their models with ModelBuilder.
#pragma once

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "core/tensor.hpp"
#include "ir/graph.hpp"

namespace hone::testing {

/// A 1-D int64 tensor (shapes, axes, pads, starts...).
inline Tensor int64s(const std::vector<int64_t>& values) {
  return Tensor::from_vector(DataType::Int64, {static_cast<int64_t>(values.size())}, values);
}

/// A float tensor of `shape` with values uniform in [-1, 1) drawn from `seed`.
inline Tensor random_floats(const Shape& shape, uint64_t seed) {
  Tensor t = Tensor::zeros(DataType::Float, shape);
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<float> real(-1.0f, 1.0f);
  for (int64_t i = 0; i < t.numel(); ++i) t.data<float>()[i] = real(rng);
  return t;
}

/// The names of the graph's outputs, in order.
inline std::vector<std::string> output_names(const ir::Graph& g) {
  std::vector<std::string> names;
  for (const ir::Value* v : g.outputs()) names.push_back(v->name());
  return names;
}

}  // namespace hone::testing
