// The lists of tactics.hpp assembled from the families' files.
#include "backends/cpu/kernels/tactics.hpp"

namespace hone::cpu {

std::vector<const Tactic*> data_movement_tactics() {
  std::vector<const Tactic*> out = copy_tactics();
  for (const Tactic* t : transpose_tactics()) out.push_back(t);
  for (const Tactic* t : resize_tactics()) out.push_back(t);
  return out;
}

std::vector<const Tactic*> non_gemm_tactics() {
  std::vector<const Tactic*> out;
  for (auto* family : {&elementwise_tactics, &pool_tactics, &data_movement_tactics, &normalization_tactics}) {
    for (const Tactic* t : family()) out.push_back(t);
  }
  return out;
}

}  // namespace hone::cpu
