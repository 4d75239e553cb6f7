// Shared harness for operator tests: build a one-node graph in code, run it through static
// type inference and the reference executor, compare outputs with tolerances.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "core/tensor.hpp"
#include "ir/graph.hpp"

namespace hone::testing {

struct OpCall {
  std::string op_type;
  std::vector<Datum> inputs;      // a Datum with kind None and optional=false = omitted input
  ir::Attributes attrs;
  int num_outputs = 1;
  int opset = 27;
  std::string domain;             // "" = ai.onnx
  bool inputs_as_constants = false;  // bind inputs as initializers (exercises constant-aware infer)
};

/// Runs the call; the Status carries the node context on failure.
Result<std::vector<Datum>> run_op(const OpCall& call);

/// An omitted optional input.
Datum omitted();

template <class T>
Tensor make_tensor(DataType dtype, Shape shape, std::vector<T> values) {
  return Tensor::from_vector<T>(dtype, std::move(shape), values);
}
inline Tensor make_float(Shape shape, std::vector<float> v) { return make_tensor(DataType::Float, std::move(shape), std::move(v)); }
inline Tensor make_int64(Shape shape, std::vector<int64_t> v) { return make_tensor(DataType::Int64, std::move(shape), std::move(v)); }

/// Attributes from {name, value} pairs.
ir::Attributes attrs(std::initializer_list<std::pair<std::string, ir::Attribute>> list);
/// A float tensor holding 0, 1, 2, ... in row-major order.
Datum iota(Shape shape);
inline Datum ints(Shape s, std::vector<int64_t> v) { return Datum::of(make_int64(std::move(s), std::move(v))); }
inline Datum floats(Shape s, std::vector<float> v) { return Datum::of(make_float(std::move(s), std::move(v))); }

/// Asserts a Result or Status is OK, printing its message otherwise.
#define HONE_ASSERT_OK(r) ASSERT_TRUE((r).is_ok()) << (r).status().to_string()

/// Uniform random floats in [lo, hi) from a seeded generator (print the seed on failure).
Tensor random_float(Shape shape, uint64_t seed, float lo = -1.0f, float hi = 1.0f);

/// Element-wise |a-b| <= atol + rtol*|b|, NaN == NaN; reports the first differing index.
::testing::AssertionResult tensors_near(const Tensor& actual, const Tensor& expected, double rtol = 1e-5,
                                        double atol = 1e-6);

}  // namespace hone::testing
