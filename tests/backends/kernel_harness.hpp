// The harness of the CPU kernel tests (test_*_kernels.cpp): a layer built in code
// (layer_builder.hpp), run by the operator's reference kernel and by a tactic of the CPU
// backend at every ISA level this machine has and several thread counts, outputs compared
// exactly or within a tolerance.
#pragma once

#include <gtest/gtest.h>

#include "layer_builder.hpp"

namespace hone::cpu::testing {

/// How outputs are compared: bit-identical (NaN payloads aside), or |got - want| <= atol +
/// rtol * |want| per element, optionally also the cosine of the whole tensors.
struct Tolerance {
  bool exact = false;
  double rtol = 1e-4;
  double atol = 1e-6;
  double min_cosine = 0;  // 0: not checked
  static Tolerance bits() { return {true, 0, 0, 0}; }
  static Tolerance near(double rtol, double atol = 1e-6) { return {false, rtol, atol, 0}; }
};
::testing::AssertionResult outputs_match(const Tensor& got, const Tensor& want, const Tolerance& tol);

/// For every ISA level here and 1, 2 and 3 threads: the tactic `name` of that level
/// ("cpu.f32_<name>_<isa>", or "cpu.f32_<name>" when `portable`) supports the layer and
/// its outputs match the reference's.
void expect_tactic_matches_reference(std::string_view name, const LayerCase& c, const Tolerance& tol,
                                     bool portable = false);
/// The tactic `name` refuses the layer at every level (so the reference takes it).
void expect_refused(std::string_view name, const LayerCase& c, bool portable = false);

}  // namespace hone::cpu::testing
