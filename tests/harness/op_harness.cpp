// Operator-test harness (op_harness.hpp).
#include "harness/op_harness.hpp"

#include <cmath>

#include "ops/op_def.hpp"
#include "ops/shape_inference.hpp"
#include "runtime/reference_executor.hpp"

namespace hone::testing {

Datum omitted() {
  Datum d;
  d.kind = DatumKind::None;
  return d;
}

namespace {
ir::Type type_of(const Datum& d) {
  if (d.is_sequence()) {
    return ir::Type::sequence(ir::Type::tensor(d.sequence.empty() ? d.sequence_dtype : d.sequence.front().dtype()));
  }
  if (d.is_none()) return ir::Type::optional(ir::Type::tensor(DataType::Float));
  ir::Type t = ir::Type::tensor(d.tensor.dtype(), ir::TensorShape::of(d.tensor.shape()));
  return d.optional ? ir::Type::optional(t) : t;
}
}  // namespace

Result<std::vector<Datum>> run_op(const OpCall& call) {
  ir::OpKind kind;
  if (!ir::find_op_kind(call.domain, call.op_type, &kind)) return unsupported("unknown operator " + call.op_type);
  ir::Graph g("test");
  g.opsets()[call.domain] = call.opset;
  std::vector<ir::Value*> ins;
  std::vector<Datum> feeds;
  for (size_t i = 0; i < call.inputs.size(); ++i) {
    const Datum& d = call.inputs[i];
    if (d.is_none() && !d.optional) {
      ins.push_back(nullptr);
      continue;
    }
    ir::Value* v = g.add_value("in" + std::to_string(i), type_of(d));
    if (call.inputs_as_constants && d.is_tensor()) {
      v->set_constant(d.tensor);
    } else {
      g.add_input(v);
      feeds.push_back(d);
    }
    ins.push_back(v);
  }
  std::vector<ir::Value*> outs;
  for (int i = 0; i < call.num_outputs; ++i) outs.push_back(g.add_value("out" + std::to_string(i)));
  ir::Node* n = g.add_node(kind, call.op_type, call.domain, "node0", call.opset, ins, outs, call.attrs);
  for (ir::Value* v : outs) g.add_output(v);
  HONE_RETURN_IF_ERROR(ops::validate_node(*n));
  HONE_RETURN_IF_ERROR(ir::verify_graph(g));
  HONE_RETURN_IF_ERROR(ops::infer_graph_types(g));
  runtime::ReferenceExecutor exec(g);
  return exec.run(std::move(feeds));
}

ir::Attributes attrs(std::initializer_list<std::pair<std::string, ir::Attribute>> list) {
  ir::Attributes a;
  for (const auto& [n, v] : list) a.set(n, v);
  return a;
}

Datum iota(Shape shape) {
  Tensor t = Tensor::zeros(DataType::Float, std::move(shape));
  for (int64_t i = 0; i < t.numel(); ++i) t.data<float>()[i] = static_cast<float>(i);
  return Datum::of(t);
}

Tensor random_float(Shape shape, uint64_t seed, float lo, float hi) {
  Tensor t = Tensor::zeros(DataType::Float, std::move(shape));
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<float> dist(lo, hi);
  for (int64_t i = 0; i < t.numel(); ++i) t.data<float>()[i] = dist(rng);
  return t;
}

::testing::AssertionResult tensors_near(const Tensor& actual, const Tensor& expected, double rtol, double atol) {
  if (actual.dtype() != expected.dtype()) {
    return ::testing::AssertionFailure() << "dtype " << dtype_name(actual.dtype()) << " != " << dtype_name(expected.dtype());
  }
  if (actual.shape() != expected.shape()) {
    return ::testing::AssertionFailure() << "shape " << shape_to_string(actual.shape()) << " != "
                                         << shape_to_string(expected.shape());
  }
  if (actual.dtype() == DataType::String) {
    for (int64_t i = 0; i < actual.numel(); ++i) {
      if (actual.strings()[i] != expected.strings()[i]) {
        return ::testing::AssertionFailure() << "at " << i << ": '" << actual.strings()[i] << "' != '"
                                             << expected.strings()[i] << "'";
      }
    }
    return ::testing::AssertionSuccess();
  }
  for (int64_t i = 0; i < actual.numel(); ++i) {
    const double a = actual.get_double(i), e = expected.get_double(i);
    if (std::isnan(a) && std::isnan(e)) continue;
    if (a == e) continue;
    if (!(std::fabs(a - e) <= atol + rtol * std::fabs(e))) {
      return ::testing::AssertionFailure() << "at index " << i << ": " << a << " != " << e << " (rtol " << rtol
                                           << ", atol " << atol << ")";
    }
  }
  return ::testing::AssertionSuccess();
}

}  // namespace hone::testing
