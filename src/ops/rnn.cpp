// RNN: simple recurrent network over a sequence. Shared loop, layouts and outputs in
// rnn.hpp. Per step: H' = f(Xt Wi' + H Ri' + Wbi + Rbi), `clip` bounding the
// pre-activation; default f = Tanh.
#include "ops/rnn.hpp"

namespace hone::ops {
namespace {

Status infer(InferContext& ctx) { return rnn::infer_outputs(ctx, 1); }

Status run(KernelContext& ctx) {
  HONE_ASSIGN_OR_RETURN(rnn::Problem p, rnn::load(ctx, 1, {"Tanh"}));
  rnn::Cell cell = [&](int64_t d, const double* x, std::vector<double>& h, std::vector<double>&) {
    std::vector<double> h_new(h.size());
    for (int64_t j = 0; j < p.hidden; ++j) {
      h_new[static_cast<size_t>(j)] =
          p.act(d, 0)(p.clipped(p.w_dot(d, j, x) + p.r_dot(d, j, h.data()) + p.bias(d, 0, j) + p.bias(d, 1, j)));
    }
    h = std::move(h_new);
  };
  return rnn::run_and_write(ctx, p, cell, false);
}

}  // namespace

HONE_DEFINE_OP(RNN){
    .name = "RNN",
    .min_inputs = 3,
    .max_inputs = 6,
    .min_outputs = 0,
    .max_outputs = 2,
    .attrs = rnn::common_attrs(),
    .infer = infer,
    .run = run,
};

}  // namespace hone::ops
