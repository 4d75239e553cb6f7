// The convolution tactics of the CPU backend, by family, for cpu_backend.cpp's list.
#pragma once

#include <vector>

#include "backends/backend.hpp"

namespace hone::cpu {

/// FusedConvBlocked: direct NCHW16c (AVX-512) and NCHW8c (AVX2) convolution (conv_nchwc.cpp).
std::vector<const Tactic*> nchwc_conv_tactics();

}  // namespace hone::cpu
