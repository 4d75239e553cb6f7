// What the layer-fusion tests share (test_batchnorm_folding.cpp, test_matmul_add_fusion.cpp,
// test_activation_fusion.cpp, test_residual_add_fusion.cpp, test_layer_fusion_pipeline.cpp):
// seeded random constants for the models they build, and a pass that runs several passes in
// turn, for fusions that build on an earlier one.
#pragma once

#include <memory>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "core/tensor.hpp"
#include "ir/attribute.hpp"
#include "passes/pass.hpp"

namespace hone::testing {

/// A float32 tensor of `shape` with values uniform in [lo, hi), drawn from `seed`.
inline Tensor random_floats(Shape shape, uint64_t seed, float lo = -1.0f, float hi = 1.0f) {
  Tensor t = Tensor::zeros(DataType::Float, std::move(shape));
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<float> dist(lo, hi);
  for (int64_t i = 0; i < t.numel(); ++i) t.data<float>()[i] = dist(rng);
  return t;
}

/// A float32 scalar (rank 0) tensor.
inline Tensor scalar_float(float v) { return Tensor::from_vector(DataType::Float, {}, std::vector<float>{v}); }

/// Runs `passes` once each, in order, as one pass (its rewrites summed).
class PassSequence final : public passes::Pass {
 public:
  explicit PassSequence(std::vector<std::unique_ptr<passes::Pass>> passes) : passes_(std::move(passes)) {}
  std::string_view name() const override { return "sequence"; }
  Result<int> run(ir::Graph& g) override {
    int total = 0;
    for (const auto& p : passes_) {
      HONE_ASSIGN_OR_RETURN(int n, p->run(g));
      HONE_RETURN_IF_ERROR(g.topological_sort());
      total += n;
    }
    return total;
  }

 private:
  std::vector<std::unique_ptr<passes::Pass>> passes_;
};

/// The default pipeline (passes::optimize) as one pass.
class DefaultPipeline final : public passes::Pass {
 public:
  std::string_view name() const override { return "default_pipeline"; }
  Result<int> run(ir::Graph& g) override {
    HONE_ASSIGN_OR_RETURN(std::vector<passes::PassReport> reports, passes::optimize(g));
    int total = 0;
    for (const passes::PassReport& r : reports) total += r.rewrites;
    return total;
  }
};

/// The string attribute `name` of `n`, "" when absent.
inline std::string string_attr(const ir::Node& n, std::string_view name) {
  const ir::Attribute* a = n.attrs().find(name);
  return a ? a->s : std::string();
}

/// The float-list attribute `name` of `n`, empty when absent.
inline std::vector<float> floats_attr(const ir::Node& n, std::string_view name) {
  const ir::Attribute* a = n.attrs().find(name);
  return a ? a->floats : std::vector<float>();
}

}  // namespace hone::testing
