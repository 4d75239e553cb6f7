// GRU: gated recurrent unit over a sequence (gate order z, r, h in W/R/B). Shared loop,
// layouts and outputs in rnn.hpp. Per step:
//   z = f(Xt Wz' + H Rz' + Wbz + Rbz)      r = f(Xt Wr' + H Rr' + Wbr + Rbr)
//   linear_before_reset = 0:  h~ = g(Xt Wh' + (r*H) Rh' + Rbh + Wbh)
//   linear_before_reset = 1:  h~ = g(Xt Wh' + r*(H Rh' + Rbh) + Wbh)
//   H' = (1 - z)*h~ + z*H
// `clip` bounds every pre-activation to [-clip, clip]. Defaults f=Sigmoid, g=Tanh.
#include "ops/rnn.hpp"

namespace hone::ops {
namespace {

Status infer(InferContext& ctx) { return rnn::infer_outputs(ctx, 3); }

Status run(KernelContext& ctx) {
  HONE_ASSIGN_OR_RETURN(rnn::Problem p, rnn::load(ctx, 3, {"Sigmoid", "Tanh"}));
  const bool linear_before_reset = ctx.attr_int("linear_before_reset") != 0;
  const int64_t H = p.hidden;
  rnn::Cell cell = [&](int64_t d, const double* x, std::vector<double>& h, std::vector<double>&) {
    std::vector<double> z(static_cast<size_t>(H)), r(static_cast<size_t>(H)), rh(static_cast<size_t>(H));
    for (int64_t j = 0; j < H; ++j) {
      const int64_t zr = j, rr = H + j;
      z[static_cast<size_t>(j)] = p.act(d, 0)(p.clipped(p.w_dot(d, zr, x) + p.r_dot(d, zr, h.data()) + p.bias(d, 0, zr) + p.bias(d, 1, zr)));
      r[static_cast<size_t>(j)] = p.act(d, 0)(p.clipped(p.w_dot(d, rr, x) + p.r_dot(d, rr, h.data()) + p.bias(d, 0, rr) + p.bias(d, 1, rr)));
      rh[static_cast<size_t>(j)] = r[static_cast<size_t>(j)] * h[static_cast<size_t>(j)];
    }
    std::vector<double> h_new(static_cast<size_t>(H));
    for (int64_t j = 0; j < H; ++j) {
      const int64_t hr = 2 * H + j;
      const size_t u = static_cast<size_t>(j);
      const double recurrent = linear_before_reset ? r[u] * (p.r_dot(d, hr, h.data()) + p.bias(d, 1, hr))
                                                   : p.r_dot(d, hr, rh.data()) + p.bias(d, 1, hr);
      const double ht = p.act(d, 1)(p.clipped(p.w_dot(d, hr, x) + recurrent + p.bias(d, 0, hr)));
      h_new[u] = (1.0 - z[u]) * ht + z[u] * h[u];
    }
    h = std::move(h_new);
  };
  return rnn::run_and_write(ctx, p, cell, false);
}

std::vector<AttrSpec> attrs() {
  std::vector<AttrSpec> a = rnn::common_attrs();
  a.push_back(attr_int("linear_before_reset", 0));
  return a;
}

}  // namespace

HONE_DEFINE_OP(GRU){
    .name = "GRU",
    .min_inputs = 3,
    .max_inputs = 6,
    .min_outputs = 0,
    .max_outputs = 2,
    .attrs = attrs(),
    .infer = infer,
    .run = run,
};

}  // namespace hone::ops
