// The CUDA backend's tactics by family, for cuda_backend.cpp's list. Each returns instances
// that live for the program.
#pragma once

#include <vector>

#include "backends/backend.hpp"

namespace hone::cuda {

/// Conv / FusedConv through cuDNN (conv_tactics.cpp).
const Tactic& conv_tactic();
/// 1x1 stride-1 Conv / FusedConv as cuBLASLt products (gemm_tactics.cpp).
const Tactic& conv1x1_gemm_tactic();
/// Gemm / FusedGemm / MatMul / FusedMatMul through cuBLASLt (gemm_tactics.cpp).
const Tactic& gemm_tactic();
/// Unary, binary and FusedElementwise layers (elementwise_tactics.cpp).
const Tactic& elementwise_tactic();
/// MaxPool / AveragePool, GlobalAveragePool / GlobalMaxPool (pool_tactics.cpp).
std::vector<const Tactic*> pool_tactics();
/// Views, Concat, Split, Slice, Transpose, nearest Resize, Softmax (data_movement_tactics.cpp).
std::vector<const Tactic*> data_movement_tactics();

}  // namespace hone::cuda
