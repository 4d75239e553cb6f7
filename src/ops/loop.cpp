// Loop: a generic loop over a body graph.
//   inputs:  M (optional max trip count), cond (optional), v_initial[0..N)
//   body:    (iteration_num, cond_in, v_in[0..N)) -> (cond_out, v_out[0..N), scan[0..K))
//   outputs: v_final[0..N), scan_outputs[0..K) (each scan value stacked on a new first axis)
//   for (i = 0; i < M && cond; ++i) { cond, v = body(i, cond, v); scans[k].push(scan_k) }
// Loop-carried values may be tensors, sequences or optionals.
#include <limits>

#include "ops/sequence.hpp"

namespace hone::ops {
namespace {

Status infer(InferContext& ctx) {
  const ir::Graph* body = ctx.attr_graph("body");
  if (!body) return ctx.error("needs a body graph");
  const size_t n_carried = ctx.num_inputs() >= 2 ? ctx.num_inputs() - 2 : 0;
  if (body->inputs().size() != n_carried + 2) {
    return ctx.error("the body takes " + std::to_string(body->inputs().size()) + " inputs, expected " +
                     std::to_string(n_carried + 2));
  }
  if (body->outputs().size() != ctx.num_outputs() + 1 || ctx.num_outputs() < n_carried) {
    return ctx.error("the body produces " + std::to_string(body->outputs().size()) + " outputs, expected " +
                     std::to_string(ctx.num_outputs() + 1));
  }
  for (size_t i = 0; i < n_carried; ++i) {
    // The value after the loop is the initial one (zero iterations) or a body output.
    const ir::Type& out = body->outputs()[i + 1]->type();
    // (an optional initial value replaced by a plain body output takes the body's type).
    // A body output of unknown type (untyped body inputs) takes the initial value's type.
    const bool same_kind = ctx.has_input(i + 2) && ctx.input_type(i + 2).kind == out.kind;
    if (lacks_dtype(out) && ctx.has_input(i + 2)) {
      ctx.set_output(i, ctx.input_type(i + 2));
    } else {
      ctx.set_output(i, same_kind ? join_types(ctx.input_type(i + 2), out) : out);
    }
  }
  for (size_t k = n_carried; k < ctx.num_outputs(); ++k) {
    const ir::Type& elem = body->outputs()[k + 1]->type();
    ir::TensorShape shape = ir::TensorShape::unknown();
    if (elem.is_tensor() && elem.shape.has_rank) {
      shape = elem.shape;
      shape.dims.insert(shape.dims.begin(), ir::Dim());
    }
    DataType dt = elem.is_tensor() ? elem.dtype : DataType::Undefined;
    if (lacks_dtype(elem)) {
      // The scan value passes a body input through: iteration_num, cond or a carried value.
      const int src = traced_body_input(*body, body->outputs()[k + 1]);
      if (src == 0) dt = DataType::Int64;
      if (src == 1) dt = DataType::Bool;
      if (src >= 2 && ctx.has_input(static_cast<size_t>(src)) && ctx.input_type(static_cast<size_t>(src)).is_tensor()) {
        dt = ctx.input_dtype(static_cast<size_t>(src));
      }
    }
    ctx.set_output(k, dt, shape);
  }
  return Status::ok();
}

Status run(KernelContext& ctx) {
  const ir::Graph* body = ctx.attr_graph("body");
  const size_t n_carried = ctx.num_inputs() >= 2 ? ctx.num_inputs() - 2 : 0;
  const size_t n_scan = ctx.num_outputs() - n_carried;
  int64_t max_trips = std::numeric_limits<int64_t>::max();
  if (ctx.has_input(0)) {
    if (ctx.input(0).numel() != 1) return ctx.bad_input("M must hold one element");
    max_trips = ctx.input(0).get_int64(0);
  }
  bool cond = true;
  if (ctx.has_input(1)) {
    if (ctx.input(1).numel() != 1) return ctx.bad_input("cond must hold one element");
    cond = ctx.input(1).get_double(0) != 0;
  }
  std::vector<Datum> carried;
  for (size_t i = 0; i < n_carried; ++i) {
    if (!ctx.has_input(i + 2)) return ctx.bad_input("loop-carried input " + std::to_string(i) + " is missing");
    carried.push_back(ctx.input_datum(i + 2));
  }
  std::vector<std::vector<Tensor>> scans(n_scan);
  for (int64_t iter = 0; iter < max_trips && cond; ++iter) {
    std::vector<Datum> in;
    in.push_back(Datum::of(scalar_int64(iter)));
    in.push_back(Datum::of(scalar_bool(cond)));
    for (size_t i = 0; i < n_carried; ++i) {
      if (body->inputs()[i + 2]->type().kind == ir::TypeKind::Optional) carried[i].optional = true;
      in.push_back(std::move(carried[i]));
    }
    HONE_ASSIGN_OR_RETURN(std::vector<Datum> out, ctx.subgraphs()->run(*body, std::move(in)));
    if (out.size() != 1 + n_carried + n_scan) return ctx.error("the body produced a wrong number of outputs");
    if (!out[0].is_tensor() || out[0].tensor.numel() != 1) return ctx.bad_input("the body's cond output must be a scalar");
    cond = out[0].tensor.get_double(0) != 0;
    for (size_t i = 0; i < n_carried; ++i) carried[i] = std::move(out[1 + i]);
    for (size_t k = 0; k < n_scan; ++k) {
      const Datum& s = out[1 + n_carried + k];
      if (!s.is_tensor()) return ctx.unsupported("scan output " + std::to_string(k) + " must be a tensor");
      scans[k].push_back(s.tensor);
    }
  }
  for (size_t i = 0; i < n_carried; ++i) ctx.set_output(i, std::move(carried[i]));
  for (size_t k = 0; k < n_scan; ++k) {
    Tensor stacked;
    if (scans[k].empty()) {
      // Zero iterations: [0, element shape...] when the body declares a static element shape.
      const ir::Type& elem = body->outputs()[1 + n_carried + k]->type();
      Shape shape{0};
      if (elem.is_tensor() && elem.shape.is_static()) {
        for (int64_t d : elem.shape.to_static()) shape.push_back(d);
      }
      const DataType dt = elem.is_tensor() && elem.dtype != DataType::Undefined ? elem.dtype : DataType::Float;
      stacked = Tensor::zeros(dt, shape);
    } else {
      HONE_ASSIGN_OR_RETURN(stacked, stack_axis(scans[k], 0, "scan output " + std::to_string(k)));
    }
    ctx.set_output(n_carried + k, Datum::of(std::move(stacked)));
  }
  return Status::ok();
}

}  // namespace

HONE_DEFINE_OP(Loop){
    .name = "Loop",
    .min_inputs = 0,
    .max_inputs = kVariadic,
    .min_outputs = 0,
    .max_outputs = kVariadic,
    .attrs = {attr_required("body", AttrType::Graph)},
    .infer = infer,
    .run = run,
};

}  // namespace hone::ops
