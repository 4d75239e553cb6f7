// The CPU backend's tactics for the layers that are not a GEMM or a convolution, by family,
// for cpu_backend.cpp's list. Each function returns instances that live for the program,
// fastest-first by expectation within the family (AVX-512, AVX2, baseline).
#pragma once

#include <vector>

#include "backends/backend.hpp"

namespace hone::cpu {

/// Unary math and activation layers, binary arithmetic with broadcasting, variadic
/// Sum/Max/Min/Mean, FusedElementwise chains, BatchNormalization in inference.
std::vector<const Tactic*> elementwise_tactics();
/// MaxPool, AveragePool (2-D), GlobalAveragePool, GlobalMaxPool.
std::vector<const Tactic*> pool_tactics();
/// Concat, Split, Slice, Transpose, the blocked-layout reorders, Resize (the three below).
std::vector<const Tactic*> data_movement_tactics();
std::vector<const Tactic*> copy_tactics();       // Concat, Split, Slice (data_movement.cpp)
std::vector<const Tactic*> transpose_tactics();  // Transpose, Reorder{To,From}Blocked (transpose.cpp)
std::vector<const Tactic*> resize_tactics();     // resize.cpp
/// Softmax, LogSoftmax, LayerNormalization, LRN, ReduceMean/ReduceSum/ReduceMax.
std::vector<const Tactic*> normalization_tactics();

/// Every tactic above, in that order.
std::vector<const Tactic*> non_gemm_tactics();

}  // namespace hone::cpu
