// Value comparison with tolerances (compare.hpp).
#include "runtime/compare.hpp"

#include <cmath>
#include <sstream>

namespace hone::runtime {
namespace {

std::string index_string(int64_t flat, const Shape& shape) {
  std::vector<int64_t> idx(shape.size());
  for (size_t d = shape.size(); d-- > 0;) {
    if (shape[d] > 0) {
      idx[d] = flat % shape[d];
      flat /= shape[d];
    }
  }
  return shape_to_string(idx);
}

bool close(double a, double e, const Tolerance& tol) {
  if (std::isnan(a) || std::isnan(e)) return std::isnan(a) && std::isnan(e);
  if (std::isinf(a) || std::isinf(e)) return a == e;
  return std::fabs(a - e) <= tol.atol + tol.rtol * std::fabs(e);
}

}  // namespace

Status compare_tensor(const Tensor& actual, const Tensor& expected, const Tolerance& tol) {
  if (actual.dtype() != expected.dtype()) {
    return invalid_argument("element type " + std::string(dtype_name(actual.dtype())) + ", expected " +
                            std::string(dtype_name(expected.dtype())));
  }
  if (actual.shape() != expected.shape()) {
    return invalid_argument("shape " + shape_to_string(actual.shape()) + ", expected " + shape_to_string(expected.shape()));
  }
  const int64_t n = actual.numel();
  int64_t bad = 0, first = -1;
  std::string first_a, first_e;
  auto record = [&](int64_t i, auto a, auto e) {
    if (bad++ == 0) {
      first = i;
      std::ostringstream sa, se;
      sa.precision(9);
      se.precision(9);
      sa << a;
      se << e;
      first_a = sa.str();
      first_e = se.str();
    }
  };
  const DataType dt = actual.dtype();
  if (dt == DataType::String) {
    for (int64_t i = 0; i < n; ++i) {
      if (actual.strings()[i] != expected.strings()[i]) record(i, "'" + actual.strings()[i] + "'", "'" + expected.strings()[i] + "'");
    }
  } else if (dt == DataType::Complex64 || dt == DataType::Complex128) {
    for (int64_t i = 0; i < 2 * n; ++i) {
      const double a = dt == DataType::Complex64 ? actual.data<float>()[i] : actual.data<double>()[i];
      const double e = dt == DataType::Complex64 ? expected.data<float>()[i] : expected.data<double>()[i];
      if (!close(a, e, tol)) record(i / 2, a, e);
    }
  } else if (is_float(dt)) {
    for (int64_t i = 0; i < n; ++i) {
      const double a = actual.get_double(i), e = expected.get_double(i);
      if (!close(a, e, tol)) record(i, a, e);
    }
  } else if (dt == DataType::UInt64) {
    for (int64_t i = 0; i < n; ++i) {
      if (actual.data<uint64_t>()[i] != expected.data<uint64_t>()[i]) record(i, actual.data<uint64_t>()[i], expected.data<uint64_t>()[i]);
    }
  } else {
    for (int64_t i = 0; i < n; ++i) {
      if (actual.get_int64(i) != expected.get_int64(i)) record(i, actual.get_int64(i), expected.get_int64(i));
    }
  }
  if (bad == 0) return Status::ok();
  return invalid_argument(std::to_string(bad) + " of " + std::to_string(n) + " values differ; first at " +
                          index_string(first, actual.shape()) + ": " + first_a + " vs expected " + first_e);
}

namespace {

// Shared walk of compare_datum / compare_datum_types: kinds and sequence lengths, then
// `compare` per tensor.
template <class F>
Status compare_structure(const Datum& actual, const Datum& expected, F&& compare) {
  if (actual.kind != expected.kind) {
    auto kind = [](const Datum& d) {
      return d.is_none() ? "an empty optional" : d.is_sequence() ? "a sequence" : "a tensor";
    };
    return invalid_argument(std::string("got ") + kind(actual) + ", expected " + kind(expected));
  }
  if (actual.is_tensor()) return compare(actual.tensor, expected.tensor);
  if (actual.is_sequence()) {
    if (actual.sequence.size() != expected.sequence.size()) {
      return invalid_argument("sequence of " + std::to_string(actual.sequence.size()) + " tensors, expected " +
                              std::to_string(expected.sequence.size()));
    }
    for (size_t i = 0; i < actual.sequence.size(); ++i) {
      Status s = compare(actual.sequence[i], expected.sequence[i]);
      if (!s.is_ok()) return invalid_argument("sequence element " + std::to_string(i) + ": " + s.message());
    }
  }
  return Status::ok();
}

}  // namespace

Status compare_datum_types(const Datum& actual, const Datum& expected) {
  return compare_structure(actual, expected, [](const Tensor& a, const Tensor& e) -> Status {
    if (a.dtype() != e.dtype()) {
      return invalid_argument("element type " + std::string(dtype_name(a.dtype())) + ", expected " +
                              std::string(dtype_name(e.dtype())));
    }
    if (a.shape() != e.shape()) {
      return invalid_argument("shape " + shape_to_string(a.shape()) + ", expected " + shape_to_string(e.shape()));
    }
    return Status::ok();
  });
}

Status compare_datum(const Datum& actual, const Datum& expected, const Tolerance& tol) {
  return compare_structure(actual, expected,
                           [&tol](const Tensor& a, const Tensor& e) { return compare_tensor(a, e, tol); });
}


}  // namespace hone::runtime
