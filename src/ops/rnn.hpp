// Shared machinery of the recurrent operators (RNN, GRU, LSTM): attribute parsing (direction,
// activations with alpha/beta, clip, layout), inputs loaded as double and normalized to
// layout 0, the per-sequence time loop, and output shapes/writing. Each operator supplies its
// cell: the update of (h, c) from one input row x_t.
//
//   layout 0: X [seq, batch, input]   Y [seq, dirs, batch, hidden]   Y_h/Y_c [dirs, batch, hidden]
//   layout 1: X [batch, seq, input]   Y [batch, seq, dirs, hidden]   Y_h/Y_c [batch, dirs, hidden]
//   W [dirs, gates*hidden, input], R [dirs, gates*hidden, hidden], B [dirs, 2*gates*hidden]
//   (Wb then Rb), sequence_lens [batch], initial_h/initial_c like Y_h.
// Steps past a batch entry's sequence length leave zeros in Y; Y_h/Y_c hold its last state.
#pragma once

#include <algorithm>
#include <cctype>
#include <cmath>
#include <functional>
#include <string>
#include <vector>

#include "ops/op_def.hpp"

namespace hone::ops::rnn {

/// One activation function f(x) with its alpha/beta (ONNX names, case-insensitive).
struct Activation {
  std::string name;  // lower case
  double alpha = 0, beta = 0;

  double operator()(double x) const {
    if (name == "sigmoid") return 1.0 / (1.0 + std::exp(-x));
    if (name == "tanh") return std::tanh(x);
    if (name == "relu") return std::max(x, 0.0);
    if (name == "affine") return alpha * x + beta;
    if (name == "leakyrelu") return x >= 0 ? x : alpha * x;
    if (name == "thresholdedrelu") return x > alpha ? x : 0.0;
    if (name == "scaledtanh") return alpha * std::tanh(beta * x);
    if (name == "hardsigmoid") return std::clamp(alpha * x + beta, 0.0, 1.0);
    if (name == "elu") return x >= 0 ? x : alpha * (std::exp(x) - 1.0);
    if (name == "softsign") return x / (1.0 + std::fabs(x));
    return std::log1p(std::exp(x));  // softplus
  }
};

inline std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

inline Result<int64_t> num_directions(const AttrReader& ctx) {
  const std::string& d = ctx.attr_string("direction");
  if (d == "forward" || d == "reverse") return 1;
  if (d == "bidirectional") return 2;
  return ctx.error("direction must be forward, reverse or bidirectional, got '" + d + "'");
}

/// Activations per direction (`defaults` for one direction), with alpha/beta consumed in
/// order by the functions that take them; unset ones use the ONNX operators' defaults.
inline Result<std::vector<Activation>> activations(const AttrReader& ctx, int64_t dirs,
                                                   const std::vector<std::string>& defaults) {
  std::vector<std::string> names;
  if (ctx.has_attr("activations")) {
    names = ctx.attr_strings("activations");
  } else {
    for (int64_t d = 0; d < dirs; ++d) names.insert(names.end(), defaults.begin(), defaults.end());
  }
  if (names.size() != defaults.size() * static_cast<size_t>(dirs)) {
    return ctx.error("expected " + std::to_string(defaults.size() * static_cast<size_t>(dirs)) + " activations, got " +
                     std::to_string(names.size()));
  }
  const std::vector<float> alphas = ctx.has_attr("activation_alpha") ? ctx.attr_floats("activation_alpha") : std::vector<float>{};
  const std::vector<float> betas = ctx.has_attr("activation_beta") ? ctx.attr_floats("activation_beta") : std::vector<float>{};
  size_t ai = 0, bi = 0;
  std::vector<Activation> out;
  for (const std::string& n : names) {
    Activation a{lower(n)};
    double def_alpha = 0, def_beta = 0;
    bool uses_alpha = true, uses_beta = false;
    if (a.name == "leakyrelu") def_alpha = 0.01;
    else if (a.name == "thresholdedrelu" || a.name == "elu") def_alpha = 1.0;
    else if (a.name == "scaledtanh") { def_alpha = 1.0; def_beta = 1.0; uses_beta = true; }
    else if (a.name == "hardsigmoid") { def_alpha = 0.2; def_beta = 0.5; uses_beta = true; }
    else if (a.name == "affine") { def_alpha = 1.0; def_beta = 0.0; uses_beta = true; }
    else if (a.name == "sigmoid" || a.name == "tanh" || a.name == "relu" || a.name == "softsign" || a.name == "softplus") uses_alpha = false;
    else return ctx.unsupported("activation '" + n + "' is not supported");
    a.alpha = uses_alpha && ai < alphas.size() ? alphas[ai++] : def_alpha;
    a.beta = uses_beta && bi < betas.size() ? betas[bi++] : def_beta;
    out.push_back(a);
  }
  return out;
}

/// Static output shapes shared by the three operators (`num_outputs` = 2 for RNN/GRU, 3 for LSTM).
inline Status infer_outputs(InferContext& ctx, int64_t gates) {
  if (!ctx.input_type(0).is_tensor()) return ctx.error("X must be a tensor");
  HONE_RETURN_IF_ERROR(ctx.require_dtype(0, {DataType::Float, DataType::Double, DataType::Float16, DataType::BFloat16}));
  HONE_ASSIGN_OR_RETURN(int64_t dirs, num_directions(ctx));
  const int64_t layout = ctx.attr_int("layout");
  if (layout != 0 && layout != 1) return ctx.error("layout must be 0 or 1");
  const ir::TensorShape& x = ctx.input_shape(0);
  if (x.has_rank && x.rank() != 3) return ctx.error("X must have rank 3, got " + x.to_string());
  ir::Dim seq, batch, hidden;
  if (x.has_rank) {
    seq = x.dims[layout == 0 ? 0 : 1];
    batch = x.dims[layout == 0 ? 1 : 0];
  }
  if (ctx.has_attr("hidden_size")) {
    hidden = ctx.attr_int("hidden_size");
  } else if (ctx.input_shape(2).has_rank && ctx.input_shape(2).rank() == 3) {
    hidden = ctx.input_shape(2).dims[2];
  } else if (ctx.input_shape(1).has_rank && ctx.input_shape(1).rank() == 3 && ctx.input_shape(1).dims[1].is_known()) {
    hidden = ctx.input_shape(1).dims[1].value / gates;
  }
  const DataType dt = ctx.input_dtype(0);
  auto shape = [](std::vector<ir::Dim> dims) {
    ir::TensorShape s;
    s.has_rank = true;
    s.dims = std::move(dims);
    return s;
  };
  if (ctx.has_output(0)) {
    ctx.set_output(0, dt, layout == 0 ? shape({seq, dirs, batch, hidden}) : shape({batch, seq, dirs, hidden}));
  }
  for (size_t i = 1; i < ctx.num_outputs(); ++i) {
    if (ctx.has_output(i)) ctx.set_output(i, dt, layout == 0 ? shape({dirs, batch, hidden}) : shape({batch, dirs, hidden}));
  }
  return Status::ok();
}

/// Everything a cell needs, in layout 0 and double precision.
struct Problem {
  int64_t seq = 0, batch = 0, input = 0, hidden = 0, dirs = 1, layout = 0, gates = 1;
  bool reverse = false;  // direction == "reverse"
  std::vector<double> x, w, r, b, init_h, init_c, p;
  std::vector<int64_t> lens;
  std::vector<Activation> acts;  // acts_per_dir per direction
  size_t acts_per_dir = 0;
  bool has_clip = false;
  double clip = 0;

  double clipped(double v) const { return has_clip ? std::clamp(v, -clip, clip) : v; }
  const Activation& act(int64_t dir, size_t k) const { return acts[static_cast<size_t>(dir) * acts_per_dir + k]; }
  /// Row `row` of W/R for direction dir, times vector v.
  double w_dot(int64_t dir, int64_t row, const double* v) const {
    const double* wr = &w[static_cast<size_t>((dir * gates * hidden + row) * input)];
    double s = 0;
    for (int64_t k = 0; k < input; ++k) s += wr[k] * v[k];
    return s;
  }
  double r_dot(int64_t dir, int64_t row, const double* v) const {
    const double* rr = &r[static_cast<size_t>((dir * gates * hidden + row) * hidden)];
    double s = 0;
    for (int64_t k = 0; k < hidden; ++k) s += rr[k] * v[k];
    return s;
  }
  /// Wb (which = 0) or Rb (which = 1) of gate row `row`; zero when B is absent.
  double bias(int64_t dir, int which, int64_t row) const {
    if (b.empty()) return 0;
    return b[static_cast<size_t>(dir * 2 * gates * hidden + which * gates * hidden + row)];
  }
};

// [a, b, c] -> [b, a, c] for a row-major tensor flattened as doubles (layout 1 <-> 0).
inline std::vector<double> swap01(const std::vector<double>& v, int64_t a, int64_t b, int64_t c) {
  std::vector<double> out(v.size());
  for (int64_t i = 0; i < a; ++i)
    for (int64_t j = 0; j < b; ++j)
      for (int64_t k = 0; k < c; ++k) out[static_cast<size_t>((j * a + i) * c + k)] = v[static_cast<size_t>((i * b + j) * c + k)];
  return out;
}

/// Reads and checks inputs X, W, R, B, sequence_lens, initial_h (and initial_c, P for LSTM).
inline Result<Problem> load(const KernelContext& ctx, int64_t gates, const std::vector<std::string>& default_acts) {
  Problem p;
  HONE_ASSIGN_OR_RETURN(p.dirs, num_directions(ctx));
  p.reverse = ctx.attr_string("direction") == "reverse";
  p.layout = ctx.attr_int("layout");
  p.gates = gates;
  if (p.layout != 0 && p.layout != 1) return ctx.error("layout must be 0 or 1");
  const Tensor& x = ctx.input(0);
  const Tensor& w = ctx.input(1);
  const Tensor& r = ctx.input(2);
  if (x.rank() != 3 || w.rank() != 3 || r.rank() != 3) return ctx.bad_input("X, W and R must have rank 3");
  p.seq = x.dim(p.layout == 0 ? 0 : 1);
  p.batch = x.dim(p.layout == 0 ? 1 : 0);
  p.input = x.dim(2);
  p.hidden = ctx.has_attr("hidden_size") ? ctx.attr_int("hidden_size") : r.dim(2);
  const int64_t gh = gates * p.hidden;
  if (w.shape() != Shape{p.dirs, gh, p.input} || r.shape() != Shape{p.dirs, gh, p.hidden}) {
    return ctx.bad_input("W " + shape_to_string(w.shape()) + " / R " + shape_to_string(r.shape()) +
                         " do not match directions " + std::to_string(p.dirs) + ", hidden " + std::to_string(p.hidden) +
                         " and input size " + std::to_string(p.input));
  }
  p.x = x.to_double_vector();
  if (p.layout == 1) p.x = swap01(p.x, p.batch, p.seq, p.input);
  p.w = w.to_double_vector();
  p.r = r.to_double_vector();
  if (ctx.has_input(3)) {
    if (ctx.input(3).shape() != Shape{p.dirs, 2 * gh}) return ctx.bad_input("B must have shape [dirs, 2*gates*hidden]");
    p.b = ctx.input(3).to_double_vector();
  }
  p.lens.assign(static_cast<size_t>(p.batch), p.seq);
  if (ctx.has_input(4)) {
    p.lens = ctx.input(4).to_int64_vector();
    if (static_cast<int64_t>(p.lens.size()) != p.batch) return ctx.bad_input("sequence_lens must have batch entries");
    for (int64_t l : p.lens) {
      if (l < 0 || l > p.seq) return ctx.bad_input("sequence_lens entry " + std::to_string(l) + " is out of range");
    }
  }
  const Shape state_shape = p.layout == 0 ? Shape{p.dirs, p.batch, p.hidden} : Shape{p.batch, p.dirs, p.hidden};
  auto state = [&](size_t i, std::vector<double>* out) -> Status {
    out->assign(static_cast<size_t>(p.dirs * p.batch * p.hidden), 0.0);
    if (!ctx.has_input(i)) return Status::ok();
    if (ctx.input(i).shape() != state_shape) {
      return ctx.bad_input("input " + std::to_string(i) + " has shape " + shape_to_string(ctx.input(i).shape()) +
                           ", expected " + shape_to_string(state_shape));
    }
    *out = ctx.input(i).to_double_vector();
    if (p.layout == 1) *out = swap01(*out, p.batch, p.dirs, p.hidden);
    return Status::ok();
  };
  HONE_RETURN_IF_ERROR(state(5, &p.init_h));
  if (gates == 4) {
    HONE_RETURN_IF_ERROR(state(6, &p.init_c));
    if (ctx.has_input(7)) {
      if (ctx.input(7).shape() != Shape{p.dirs, 3 * p.hidden}) return ctx.bad_input("P must have shape [dirs, 3*hidden]");
      p.p = ctx.input(7).to_double_vector();
    }
  }
  HONE_ASSIGN_OR_RETURN(p.acts, activations(ctx, p.dirs, default_acts));
  p.acts_per_dir = default_acts.size();
  if (ctx.has_attr("clip")) {
    p.has_clip = true;
    p.clip = ctx.attr_float("clip");
  }
  return p;
}

/// cell(dir, x_t, h, c): updates h (and c) in place from input row x_t.
using Cell = std::function<void(int64_t, const double*, std::vector<double>&, std::vector<double>&)>;

inline Status write(KernelContext& ctx, size_t i, const std::vector<double>& v, Shape shape) {
  if (!ctx.has_output(i)) return Status::ok();
  HONE_ASSIGN_OR_RETURN(Tensor * out, ctx.allocate_output(i, ctx.input(0).dtype(), std::move(shape)));
  return dispatch_dtype<TypeSet::Float>(out->dtype(), "RNN", [&](auto tag) {
    using T = typename decltype(tag)::type;
    for (size_t k = 0; k < v.size(); ++k) out->data<T>()[k] = T(static_cast<ComputeType<T>>(v[k]));
    return Status::ok();
  });
}

/// Runs every direction and batch entry through `cell` and writes Y, Y_h (and Y_c when
/// `with_c`).
inline Status run_and_write(KernelContext& ctx, const Problem& p, const Cell& cell, bool with_c) {
  const int64_t H = p.hidden;
  std::vector<double> y(static_cast<size_t>(p.seq * p.dirs * p.batch * H), 0.0);
  std::vector<double> yh(static_cast<size_t>(p.dirs * p.batch * H)), yc(yh.size());
  for (int64_t d = 0; d < p.dirs; ++d) {
    const bool rev = p.reverse || d == 1;
    for (int64_t b = 0; b < p.batch; ++b) {
      const size_t so = static_cast<size_t>((d * p.batch + b) * H);
      std::vector<double> h(p.init_h.begin() + static_cast<std::ptrdiff_t>(so), p.init_h.begin() + static_cast<std::ptrdiff_t>(so + H));
      std::vector<double> c = p.init_c.empty() ? std::vector<double>(static_cast<size_t>(H), 0.0)
                                               : std::vector<double>(p.init_c.begin() + static_cast<std::ptrdiff_t>(so),
                                                                     p.init_c.begin() + static_cast<std::ptrdiff_t>(so + H));
      const int64_t len = p.lens[static_cast<size_t>(b)];
      for (int64_t step = 0; step < len; ++step) {
        const int64_t t = rev ? len - 1 - step : step;
        cell(d, &p.x[static_cast<size_t>((t * p.batch + b) * p.input)], h, c);
        for (int64_t j = 0; j < H; ++j) y[static_cast<size_t>(((t * p.dirs + d) * p.batch + b) * H + j)] = h[static_cast<size_t>(j)];
      }
      std::copy(h.begin(), h.end(), yh.begin() + static_cast<std::ptrdiff_t>(so));
      std::copy(c.begin(), c.end(), yc.begin() + static_cast<std::ptrdiff_t>(so));
    }
  }
  if (p.layout == 0) {
    HONE_RETURN_IF_ERROR(write(ctx, 0, y, {p.seq, p.dirs, p.batch, H}));
    HONE_RETURN_IF_ERROR(write(ctx, 1, yh, {p.dirs, p.batch, H}));
    if (with_c) HONE_RETURN_IF_ERROR(write(ctx, 2, yc, {p.dirs, p.batch, H}));
  } else {
    // [seq, dirs, batch, H] -> [batch, seq, dirs, H]
    std::vector<double> y1(y.size());
    for (int64_t t = 0; t < p.seq; ++t)
      for (int64_t d = 0; d < p.dirs; ++d)
        for (int64_t b = 0; b < p.batch; ++b)
          for (int64_t j = 0; j < H; ++j)
            y1[static_cast<size_t>(((b * p.seq + t) * p.dirs + d) * H + j)] = y[static_cast<size_t>(((t * p.dirs + d) * p.batch + b) * H + j)];
    HONE_RETURN_IF_ERROR(write(ctx, 0, y1, {p.batch, p.seq, p.dirs, H}));
    HONE_RETURN_IF_ERROR(write(ctx, 1, swap01(yh, p.dirs, p.batch, H), {p.batch, p.dirs, H}));
    if (with_c) HONE_RETURN_IF_ERROR(write(ctx, 2, swap01(yc, p.dirs, p.batch, H), {p.batch, p.dirs, H}));
  }
  return Status::ok();
}

/// The attributes all three operators share.
inline std::vector<AttrSpec> common_attrs() {
  return {attr_optional("activation_alpha", AttrType::Floats), attr_optional("activation_beta", AttrType::Floats),
          attr_optional("activations", AttrType::Strings),     attr_optional("clip", AttrType::Float),
          attr_string("direction", "forward"),                 attr_optional("hidden_size", AttrType::Int),
          attr_int("layout", 0)};
}

}  // namespace hone::ops::rnn
