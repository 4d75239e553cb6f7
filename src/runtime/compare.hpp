// Comparing run-time values: the conformance runner, `hone run` checks, tests and later
// `hone compare` use it. Floating values compare as numpy.testing.assert_allclose does:
// |actual - expected| <= atol + rtol * |expected|, NaN equal to NaN, infinities by sign.
#pragma once

#include "core/tensor.hpp"
#include "hone/status.hpp"

namespace hone::runtime {

struct Tolerance {
  double rtol = 1e-3;
  double atol = 1e-7;
};

/// OK when `actual` matches `expected` (kind, dtype, shape and values within `tol`; integers,
/// bools and strings exactly). Otherwise InvalidArgument describing the first difference and
/// how many elements differ, e.g. "12 of 1000 values differ; first at [0,3]: 0.51 vs 0.6".
Status compare_datum(const Datum& actual, const Datum& expected, const Tolerance& tol);
Status compare_tensor(const Tensor& actual, const Tensor& expected, const Tolerance& tol);
/// Like compare_datum, but only kinds, element types, shapes and sequence lengths.
Status compare_datum_types(const Datum& actual, const Datum& expected);

}  // namespace hone::runtime
