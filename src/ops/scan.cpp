// Scan: runs a body graph once per position along the scan axis of its scan inputs,
// threading N state values through and collecting K scan outputs.
//   body: (state[0..N), scan_in_slice[0..M)) -> (state'[0..N), scan_out_elem[0..K))
//   opset 9+: inputs  (initial_state[0..N), scan_input[0..M)); per-input axes and directions
//             (scan_input_axes/_directions, scan_output_axes/_directions)
//   opset 8:  inputs  (sequence_lens?, initial_state[0..N), scan_input[0..M)) with a leading
//             batch axis on everything and the scan axis at 1; `directions` per scan input;
//             a batch entry shorter than the longest leaves zeros in its scan outputs.
#include <algorithm>

#include "ops/sequence.hpp"

namespace hone::ops {
namespace {

struct ScanSpec {
  size_t n_state = 0, n_scan_in = 0, n_scan_out = 0;
  std::vector<int64_t> in_axes, in_dirs, out_axes, out_dirs;
};

Result<ScanSpec> scan_spec(const AttrReader& ctx, size_t n_inputs, size_t n_outputs) {
  ScanSpec s;
  const int64_t m = ctx.attr_int("num_scan_inputs");
  const size_t first = ctx.opset() < 9 ? 1 : 0;  // opset 8 starts with sequence_lens
  if (m < 1 || static_cast<size_t>(m) + first > n_inputs) {
    return ctx.error("num_scan_inputs " + std::to_string(m) + " does not fit the " + std::to_string(n_inputs) + " inputs");
  }
  s.n_scan_in = static_cast<size_t>(m);
  s.n_state = n_inputs - first - s.n_scan_in;
  if (n_outputs < s.n_state) return ctx.error("fewer outputs than state values");
  s.n_scan_out = n_outputs - s.n_state;
  auto list = [&](const char* name, size_t n) -> Result<std::vector<int64_t>> {
    std::vector<int64_t> v = ctx.has_attr(name) ? ctx.attr_ints(name) : std::vector<int64_t>(n, 0);
    if (v.size() != n) return ctx.error(std::string(name) + " must have " + std::to_string(n) + " entries");
    return v;
  };
  if (ctx.opset() < 9) {
    HONE_ASSIGN_OR_RETURN(s.in_dirs, list("directions", s.n_scan_in));
    s.in_axes.assign(s.n_scan_in, 0);
    s.out_axes.assign(s.n_scan_out, 0);
    s.out_dirs.assign(s.n_scan_out, 0);
  } else {
    HONE_ASSIGN_OR_RETURN(s.in_axes, list("scan_input_axes", s.n_scan_in));
    HONE_ASSIGN_OR_RETURN(s.in_dirs, list("scan_input_directions", s.n_scan_in));
    HONE_ASSIGN_OR_RETURN(s.out_axes, list("scan_output_axes", s.n_scan_out));
    HONE_ASSIGN_OR_RETURN(s.out_dirs, list("scan_output_directions", s.n_scan_out));
  }
  return s;
}

Status infer(InferContext& ctx) {
  const ir::Graph* body = ctx.attr_graph("body");
  if (!body) return ctx.error("needs a body graph");
  HONE_ASSIGN_OR_RETURN(ScanSpec s, scan_spec(ctx, ctx.num_inputs(), ctx.num_outputs()));
  if (body->inputs().size() != s.n_state + s.n_scan_in || body->outputs().size() != s.n_state + s.n_scan_out) {
    return ctx.error("the body's inputs/outputs do not match the node's state and scan values");
  }
  const size_t first = ctx.opset() < 9 ? 1 : 0;
  // The scan length (and the batch size, opset 8) from the first scan input when known.
  ir::Dim seq_len, batch;
  const ir::Type& x0 = ctx.input_type(first + s.n_state);
  if (x0.is_tensor() && x0.shape.has_rank) {
    if (ctx.opset() < 9) {
      if (x0.shape.rank() >= 2) { batch = x0.shape.dims[0]; seq_len = x0.shape.dims[1]; }
    } else {
      auto ax = normalize_axis(s.in_axes[0], static_cast<int64_t>(x0.shape.rank()));
      if (ax.is_ok()) seq_len = x0.shape.dims[static_cast<size_t>(*ax)];
    }
  }
  for (size_t i = 0; i < s.n_state; ++i) {
    ctx.set_output(i, ctx.input_type(first + i));
  }
  for (size_t k = 0; k < s.n_scan_out; ++k) {
    const ir::Type& elem = body->outputs()[s.n_state + k]->type();
    ir::TensorShape shape = ir::TensorShape::unknown();
    if (elem.is_tensor() && elem.shape.has_rank) {
      shape = elem.shape;
      if (ctx.opset() < 9) {
        shape.dims.insert(shape.dims.begin(), seq_len);
        shape.dims.insert(shape.dims.begin(), batch);
      } else {
        auto ax = normalize_axis(s.out_axes[k], static_cast<int64_t>(shape.rank()) + 1);
        if (!ax.is_ok()) return ctx.error("scan_output_axes[" + std::to_string(k) + "] is out of range");
        shape.dims.insert(shape.dims.begin() + *ax, seq_len);
      }
    }
    DataType dt = elem.is_tensor() ? elem.dtype : DataType::Undefined;
    if (lacks_dtype(elem)) {
      // The scan value passes a body input through (untyped body inputs).
      const int src = traced_body_input(*body, body->outputs()[s.n_state + k]);
      if (src >= 0 && ctx.has_input(first + static_cast<size_t>(src)) && ctx.input_type(first + static_cast<size_t>(src)).is_tensor()) {
        dt = ctx.input_dtype(first + static_cast<size_t>(src));
      }
    }
    ctx.set_output(s.n_state + k, dt, shape);
  }
  return Status::ok();
}

// One scan over `length` steps. states: in/out; scan_in: the scan inputs (scan axis at
// in_axes); scan_outs[k]: the body's per-step outputs, in output order (direction applied).
Status scan_once(KernelContext& ctx, const ir::Graph& body, const ScanSpec& s, int64_t length,
                 std::vector<Datum>* states, const std::vector<Tensor>& scan_in, std::vector<std::vector<Tensor>>* scan_outs) {
  scan_outs->assign(s.n_scan_out, {});
  for (int64_t t = 0; t < length; ++t) {
    std::vector<Datum> in = *states;
    for (size_t j = 0; j < s.n_scan_in; ++j) {
      const int64_t idx = s.in_dirs[j] != 0 ? length - 1 - t : t;
      in.push_back(Datum::of(take_axis(scan_in[j], static_cast<size_t>(s.in_axes[j]), idx)));
    }
    HONE_ASSIGN_OR_RETURN(std::vector<Datum> out, ctx.subgraphs()->run(body, std::move(in)));
    if (out.size() != s.n_state + s.n_scan_out) return ctx.error("the body produced a wrong number of outputs");
    for (size_t i = 0; i < s.n_state; ++i) (*states)[i] = std::move(out[i]);
    for (size_t k = 0; k < s.n_scan_out; ++k) {
      if (!out[s.n_state + k].is_tensor()) return ctx.unsupported("scan outputs must be tensors");
      (*scan_outs)[k].push_back(out[s.n_state + k].tensor);
    }
  }
  for (size_t k = 0; k < s.n_scan_out; ++k) {
    if (s.out_dirs[k] != 0) std::reverse((*scan_outs)[k].begin(), (*scan_outs)[k].end());
  }
  return Status::ok();
}

Status check_scan_inputs(KernelContext& ctx, ScanSpec* s, size_t first, size_t axis_shift, int64_t* length) {
  *length = -1;
  for (size_t j = 0; j < s->n_scan_in; ++j) {
    const Tensor& x = ctx.input(first + s->n_state + j);
    HONE_ASSIGN_OR_RETURN(int64_t ax, normalize_axis(s->in_axes[j], x.rank()));
    s->in_axes[j] = ax;
    const int64_t len = x.dim(ax + static_cast<int64_t>(axis_shift));
    if (*length >= 0 && len != *length) {
      return ctx.bad_input("scan inputs disagree on the sequence length: " + std::to_string(len) + " vs " +
                           std::to_string(*length));
    }
    *length = len;
  }
  return Status::ok();
}

Status run_v9(KernelContext& ctx, const ir::Graph& body, ScanSpec& s) {
  int64_t length = 0;
  HONE_RETURN_IF_ERROR(check_scan_inputs(ctx, &s, 0, 0, &length));
  std::vector<Datum> states;
  for (size_t i = 0; i < s.n_state; ++i) states.push_back(ctx.input_datum(i));
  std::vector<Tensor> scan_in;
  for (size_t j = 0; j < s.n_scan_in; ++j) scan_in.push_back(ctx.input(s.n_state + j));
  std::vector<std::vector<Tensor>> outs;
  HONE_RETURN_IF_ERROR(scan_once(ctx, body, s, length, &states, scan_in, &outs));
  for (size_t i = 0; i < s.n_state; ++i) ctx.set_output(i, std::move(states[i]));
  for (size_t k = 0; k < s.n_scan_out; ++k) {
    const ir::Type& elem = body.outputs()[s.n_state + k]->type();
    if (outs[k].empty()) {
      if (!elem.is_tensor() || !elem.shape.is_static()) return ctx.unsupported("empty scan with an unknown output shape");
      Shape shape = elem.shape.to_static();
      HONE_ASSIGN_OR_RETURN(int64_t ax, normalize_axis(s.out_axes[k], static_cast<int64_t>(shape.size()) + 1));
      shape.insert(shape.begin() + ax, 0);
      ctx.set_output(s.n_state + k, Datum::of(Tensor::zeros(elem.dtype, shape)));
      continue;
    }
    HONE_ASSIGN_OR_RETURN(int64_t ax, normalize_axis(s.out_axes[k], outs[k].front().rank() + 1));
    HONE_ASSIGN_OR_RETURN(Tensor stacked, stack_axis(outs[k], static_cast<size_t>(ax), "scan output " + std::to_string(k)));
    ctx.set_output(s.n_state + k, Datum::of(std::move(stacked)));
  }
  return Status::ok();
}

// Opset 8: every input has a leading batch axis; each batch entry is its own scan.
Status run_v8(KernelContext& ctx, const ir::Graph& body, ScanSpec& s) {
  int64_t max_len = 0;
  HONE_RETURN_IF_ERROR(check_scan_inputs(ctx, &s, 1, 1, &max_len));
  for (int64_t& ax : s.in_axes) ax = 0;  // per batch entry the scan axis is the first one
  const Tensor& x0 = ctx.input(1 + s.n_state);
  const int64_t batch = x0.dim(0);
  std::vector<int64_t> lens(static_cast<size_t>(batch), max_len);
  if (ctx.has_input(0)) {
    lens = ctx.input(0).to_int64_vector();
    if (static_cast<int64_t>(lens.size()) != batch) return ctx.bad_input("sequence_lens must have one entry per batch");
    for (int64_t l : lens) {
      if (l < 0 || l > max_len) return ctx.bad_input("sequence_lens entry " + std::to_string(l) + " is out of range");
    }
  }
  std::vector<std::vector<Tensor>> final_states(s.n_state), scan_results(s.n_scan_out);
  for (int64_t b = 0; b < batch; ++b) {
    std::vector<Datum> states;
    for (size_t i = 0; i < s.n_state; ++i) states.push_back(Datum::of(take_axis(ctx.input(1 + i), 0, b)));
    std::vector<Tensor> scan_in;
    for (size_t j = 0; j < s.n_scan_in; ++j) {
      scan_in.push_back(slice_axis(take_axis(ctx.input(1 + s.n_state + j), 0, b), 0, 0, lens[static_cast<size_t>(b)]));
    }
    std::vector<std::vector<Tensor>> outs;
    HONE_RETURN_IF_ERROR(scan_once(ctx, body, s, lens[static_cast<size_t>(b)], &states, scan_in, &outs));
    for (size_t i = 0; i < s.n_state; ++i) final_states[i].push_back(states[i].tensor);
    for (size_t k = 0; k < s.n_scan_out; ++k) {
      // Pad to the longest sequence with zeros.
      const ir::Type& elem = body.outputs()[s.n_state + k]->type();
      Shape elem_shape;
      DataType dt = elem.dtype;
      if (!outs[k].empty()) {
        elem_shape = outs[k].front().shape();
        dt = outs[k].front().dtype();
      } else if (elem.is_tensor() && elem.shape.is_static()) {
        elem_shape = elem.shape.to_static();
      } else {
        return ctx.unsupported("empty scan with an unknown output shape");
      }
      while (static_cast<int64_t>(outs[k].size()) < max_len) outs[k].push_back(Tensor::zeros(dt, elem_shape));
      if (max_len == 0) {
        Shape shape = elem_shape;
        shape.insert(shape.begin(), 0);
        scan_results[k].push_back(Tensor::zeros(dt, shape));
      } else {
        HONE_ASSIGN_OR_RETURN(Tensor stacked, stack_axis(outs[k], 0, "scan output " + std::to_string(k)));
        scan_results[k].push_back(std::move(stacked));
      }
    }
  }
  for (size_t i = 0; i < s.n_state; ++i) {
    if (batch == 0) { ctx.set_output(i, ctx.input_datum(1 + i)); continue; }
    HONE_ASSIGN_OR_RETURN(Tensor t, stack_axis(final_states[i], 0, "state " + std::to_string(i)));
    ctx.set_output(i, Datum::of(std::move(t)));
  }
  for (size_t k = 0; k < s.n_scan_out; ++k) {
    if (batch == 0) return ctx.unsupported("opset-8 Scan with an empty batch");
    HONE_ASSIGN_OR_RETURN(Tensor t, stack_axis(scan_results[k], 0, "scan output " + std::to_string(k)));
    ctx.set_output(s.n_state + k, Datum::of(std::move(t)));
  }
  return Status::ok();
}

Status run(KernelContext& ctx) {
  const ir::Graph* body = ctx.attr_graph("body");
  HONE_ASSIGN_OR_RETURN(ScanSpec s, scan_spec(ctx, ctx.num_inputs(), ctx.num_outputs()));
  for (size_t i = ctx.opset() < 9 ? 1 : 0; i < ctx.num_inputs(); ++i) {
    if (!ctx.has_input(i) || !ctx.input_datum(i).is_tensor()) return ctx.bad_input("input " + std::to_string(i) + " must be a tensor");
  }
  return ctx.opset() < 9 ? run_v8(ctx, *body, s) : run_v9(ctx, *body, s);
}

}  // namespace

HONE_DEFINE_OP(Scan){
    .name = "Scan",
    .min_inputs = 0,  // opset 8 may omit input 0 (sequence_lens); scan_spec checks the count
    .max_inputs = kVariadic,
    .min_outputs = 1,
    .max_outputs = kVariadic,
    .attrs = {attr_required("body", AttrType::Graph), attr_required("num_scan_inputs", AttrType::Int),
              attr_optional("directions", AttrType::Ints), attr_optional("scan_input_axes", AttrType::Ints),
              attr_optional("scan_input_directions", AttrType::Ints), attr_optional("scan_output_axes", AttrType::Ints),
              attr_optional("scan_output_directions", AttrType::Ints)},
    .infer = infer,
    .run = run,
};

}  // namespace hone::ops
