// LSTM: long short-term memory over a sequence (gate order i, o, f, c in W/R/B; peepholes
// P in order i, o, f). Shared loop, layouts and outputs in rnn.hpp. Per step:
//   i = f(Xt Wi' + H Ri' + Pi*C + Wbi + Rbi)      f = f(Xt Wf' + H Rf' + Pf*C + Wbf + Rbf)
//   (input_forget=1 couples them: i = 1 - f)
//   c~ = g(Xt Wc' + H Rc' + Wbc + Rbc)             C' = f*C + i*c~
//   o = f(Xt Wo' + H Ro' + Po*C' + Wbo + Rbo)     H' = o * h(C')
// `clip` bounds every gate's pre-activation to [-clip, clip]. Defaults f=Sigmoid, g=h=Tanh.
#include "ops/rnn.hpp"

namespace hone::ops {
namespace {

Status infer(InferContext& ctx) { return rnn::infer_outputs(ctx, 4); }

Status run(KernelContext& ctx) {
  HONE_ASSIGN_OR_RETURN(rnn::Problem p, rnn::load(ctx, 4, {"Sigmoid", "Tanh", "Tanh"}));
  const bool input_forget = ctx.attr_int("input_forget") != 0;
  const int64_t H = p.hidden;
  rnn::Cell cell = [&](int64_t d, const double* x, std::vector<double>& h, std::vector<double>& c) {
    // Gate pre-activations: rows [gate*H, gate*H + H) with gate 0=i, 1=o, 2=f, 3=c.
    auto pre = [&](int64_t gate, int64_t j) {
      const int64_t row = gate * H + j;
      return p.w_dot(d, row, x) + p.r_dot(d, row, h.data()) + p.bias(d, 0, row) + p.bias(d, 1, row);
    };
    auto peep = [&](int64_t k, int64_t j) { return p.p.empty() ? 0.0 : p.p[static_cast<size_t>(d * 3 * H + k * H + j)]; };
    std::vector<double> h_new(static_cast<size_t>(H)), c_new(static_cast<size_t>(H));
    for (int64_t j = 0; j < H; ++j) {
      const double c_prev = c[static_cast<size_t>(j)];
      const double ft = p.act(d, 0)(p.clipped(pre(2, j) + peep(2, j) * c_prev));
      const double it = input_forget ? 1.0 - ft : p.act(d, 0)(p.clipped(pre(0, j) + peep(0, j) * c_prev));
      const double ct = p.act(d, 1)(p.clipped(pre(3, j)));
      const double cn = ft * c_prev + it * ct;
      const double ot = p.act(d, 0)(p.clipped(pre(1, j) + peep(1, j) * cn));
      c_new[static_cast<size_t>(j)] = cn;
      h_new[static_cast<size_t>(j)] = ot * p.act(d, 2)(cn);
    }
    h = std::move(h_new);
    c = std::move(c_new);
  };
  return rnn::run_and_write(ctx, p, cell, true);
}

std::vector<AttrSpec> attrs() {
  std::vector<AttrSpec> a = rnn::common_attrs();
  a.push_back(attr_int("input_forget", 0));
  return a;
}

}  // namespace

HONE_DEFINE_OP(LSTM){
    .name = "LSTM",
    .min_inputs = 3,
    .max_inputs = 8,
    .min_outputs = 0,
    .max_outputs = 3,
    .attrs = attrs(),
    .infer = infer,
    .run = run,
};

}  // namespace hone::ops
