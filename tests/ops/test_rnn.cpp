// Recurrent operators RNN, GRU, LSTM on hidden size 1, where every step is a scalar formula
// written out here; plus directions, layout 1, sequence_lens and errors.
#include <cmath>

#include "harness/op_harness.hpp"

namespace hone::testing {
namespace {

double sigmoid(double x) { return 1.0 / (1.0 + std::exp(-x)); }

Datum f(Shape s, std::vector<float> v) { return Datum::of(make_float(std::move(s), std::move(v))); }

TEST(RNN, ForwardReverseBidirectional) {
  // X = [1, 2] (seq 2, batch 1, input 1), W = 0.5, R = 0.3, Wb = 0.1, Rb = -0.2.
  const double h1 = std::tanh(0.5 * 1 - 0.1), h2 = std::tanh(0.5 * 2 + 0.3 * h1 - 0.1);
  const double r1 = std::tanh(0.5 * 2 - 0.1), r0 = std::tanh(0.5 * 1 + 0.3 * r1 - 0.1);
  ir::Attributes a;
  a.set("hidden_size", ir::Attribute::of_int(1));
  std::vector<Datum> in = {f({2, 1, 1}, {1, 2}), f({1, 1, 1}, {0.5f}), f({1, 1, 1}, {0.3f}), f({1, 2}, {0.1f, -0.2f})};
  auto r = run_op({.op_type = "RNN", .inputs = in, .attrs = a, .num_outputs = 2});
  ASSERT_TRUE(r.is_ok()) << r.status().to_string();
  EXPECT_TRUE(tensors_near(r->at(0).tensor, make_float({2, 1, 1, 1}, {float(h1), float(h2)})));
  EXPECT_TRUE(tensors_near(r->at(1).tensor, make_float({1, 1, 1}, {float(h2)})));

  a.set("direction", ir::Attribute::of_string("reverse"));
  r = run_op({.op_type = "RNN", .inputs = in, .attrs = a, .num_outputs = 2});
  ASSERT_TRUE(r.is_ok()) << r.status().to_string();
  EXPECT_TRUE(tensors_near(r->at(0).tensor, make_float({2, 1, 1, 1}, {float(r0), float(r1)})));
  EXPECT_TRUE(tensors_near(r->at(1).tensor, make_float({1, 1, 1}, {float(r0)})));

  a.set("direction", ir::Attribute::of_string("bidirectional"));
  std::vector<Datum> in2 = {f({2, 1, 1}, {1, 2}), f({2, 1, 1}, {0.5f, 0.5f}), f({2, 1, 1}, {0.3f, 0.3f}),
                            f({2, 2}, {0.1f, -0.2f, 0.1f, -0.2f})};
  r = run_op({.op_type = "RNN", .inputs = in2, .attrs = a, .num_outputs = 2});
  ASSERT_TRUE(r.is_ok()) << r.status().to_string();
  EXPECT_TRUE(tensors_near(r->at(0).tensor, make_float({2, 2, 1, 1}, {float(h1), float(r0), float(h2), float(r1)})));
  EXPECT_TRUE(tensors_near(r->at(1).tensor, make_float({2, 1, 1}, {float(h2), float(r0)})));
}

TEST(RNN, Layout1AndSequenceLens) {
  // batch 2, seq 2; the second entry has length 1: Y zero at its step 1, Y_h its step-0 state.
  ir::Attributes a;
  a.set("layout", ir::Attribute::of_int(1));
  a.set("activations", ir::Attribute::of_strings({"Relu"}));
  std::vector<Datum> in = {f({2, 2, 1}, {1, 2, 3, 4}), f({1, 1, 1}, {1}), f({1, 1, 1}, {1}), omitted(),
                           Datum::of(make_tensor<int32_t>(DataType::Int32, {2}, {2, 1})), f({2, 1, 1}, {0.5f, -1})};
  auto r = run_op({.op_type = "RNN", .inputs = in, .attrs = a, .num_outputs = 2});
  ASSERT_TRUE(r.is_ok()) << r.status().to_string();
  // b0: h = relu(1 + 0.5) = 1.5, relu(2 + 1.5) = 3.5; b1: relu(3 - 1) = 2.
  EXPECT_TRUE(tensors_near(r->at(0).tensor, make_float({2, 2, 1, 1}, {1.5f, 3.5f, 2, 0})));
  EXPECT_TRUE(tensors_near(r->at(1).tensor, make_float({2, 1, 1}, {3.5f, 2})));
}

TEST(RNN, WrongWeightShapeIsAnError) {
  auto r = run_op({.op_type = "RNN", .inputs = {f({2, 1, 1}, {1, 2}), f({1, 2, 1}, {1, 1}), f({1, 1, 1}, {1})}, .num_outputs = 2});
  ASSERT_FALSE(r.is_ok());
  EXPECT_NE(r.status().to_string().find("do not match directions"), std::string::npos) << r.status().to_string();
}

TEST(GRU, BothResetModes) {
  // W = (z 0.4, r 0.6, h 0.8), R = (z 0.2, r -0.3, h 0.5), Wb = (0.1, 0.2, 0.3), Rb = (-0.1, 0.05, 0.4), h0 = 0.25.
  const double x[2] = {1.0, -0.5};
  for (int lbr : {0, 1}) {
    double h = 0.25;
    std::vector<float> ys;
    for (double xt : x) {
      const double z = sigmoid(0.4 * xt + 0.2 * h + 0.1 - 0.1);
      const double rr = sigmoid(0.6 * xt - 0.3 * h + 0.2 + 0.05);
      const double ht = lbr ? std::tanh(0.8 * xt + rr * (0.5 * h + 0.4) + 0.3) : std::tanh(0.8 * xt + 0.5 * (rr * h) + 0.4 + 0.3);
      h = (1 - z) * ht + z * h;
      ys.push_back(static_cast<float>(h));
    }
    ir::Attributes a;
    a.set("hidden_size", ir::Attribute::of_int(1));
    a.set("linear_before_reset", ir::Attribute::of_int(lbr));
    auto r = run_op({.op_type = "GRU",
                     .inputs = {f({2, 1, 1}, {1, -0.5f}), f({1, 3, 1}, {0.4f, 0.6f, 0.8f}), f({1, 3, 1}, {0.2f, -0.3f, 0.5f}),
                                f({1, 6}, {0.1f, 0.2f, 0.3f, -0.1f, 0.05f, 0.4f}), omitted(), f({1, 1, 1}, {0.25f})},
                     .attrs = a,
                     .num_outputs = 2});
    ASSERT_TRUE(r.is_ok()) << r.status().to_string();
    EXPECT_TRUE(tensors_near(r->at(0).tensor, make_float({2, 1, 1, 1}, ys))) << "linear_before_reset " << lbr;
    EXPECT_TRUE(tensors_near(r->at(1).tensor, make_float({1, 1, 1}, {ys.back()})));
  }
}

TEST(LSTM, PeepholesClipAndCellOutput) {
  // Gate order i, o, f, c. W = (0.1, 0.2, 0.3, 0.4), R = (0.5, -0.6, 0.7, -0.8), B = Wb (0.01..0.04) Rb 0,
  // P = (i 0.3, o -0.2, f 0.1), clip 0.9, h0 = 0.1, c0 = -0.2.
  const double x[3] = {0.5, -1.0, 2.0};
  auto clip = [](double v) { return std::max(-0.9, std::min(0.9, v)); };
  double h = 0.1, c = -0.2;
  std::vector<float> ys;
  for (double xt : x) {
    const double i = sigmoid(clip(0.1 * xt + 0.5 * h + 0.01 + 0.3 * c));
    const double fg = sigmoid(clip(0.3 * xt + 0.7 * h + 0.03 + 0.1 * c));
    const double ct = std::tanh(clip(0.4 * xt - 0.8 * h + 0.04));
    c = fg * c + i * ct;
    const double o = sigmoid(clip(0.2 * xt - 0.6 * h + 0.02 - 0.2 * c));
    h = o * std::tanh(c);
    ys.push_back(static_cast<float>(h));
  }
  ir::Attributes a;
  a.set("hidden_size", ir::Attribute::of_int(1));
  a.set("clip", ir::Attribute::of_float(0.9f));
  auto r = run_op({.op_type = "LSTM",
                   .inputs = {f({3, 1, 1}, {0.5f, -1, 2}), f({1, 4, 1}, {0.1f, 0.2f, 0.3f, 0.4f}),
                              f({1, 4, 1}, {0.5f, -0.6f, 0.7f, -0.8f}), f({1, 8}, {0.01f, 0.02f, 0.03f, 0.04f, 0, 0, 0, 0}),
                              omitted(), f({1, 1, 1}, {0.1f}), f({1, 1, 1}, {-0.2f}), f({1, 3}, {0.3f, -0.2f, 0.1f})},
                   .attrs = a,
                   .num_outputs = 3});
  ASSERT_TRUE(r.is_ok()) << r.status().to_string();
  EXPECT_TRUE(tensors_near(r->at(0).tensor, make_float({3, 1, 1, 1}, ys)));
  EXPECT_TRUE(tensors_near(r->at(1).tensor, make_float({1, 1, 1}, {ys.back()})));
  EXPECT_TRUE(tensors_near(r->at(2).tensor, make_float({1, 1, 1}, {static_cast<float>(c)})));
}

TEST(LSTM, UnknownActivationIsAnError) {
  ir::Attributes a;
  a.set("activations", ir::Attribute::of_strings({"Sigmoid", "Cosh", "Tanh"}));
  auto r = run_op({.op_type = "LSTM", .inputs = {f({1, 1, 1}, {1}), f({1, 4, 1}, {1, 1, 1, 1}), f({1, 4, 1}, {1, 1, 1, 1})},
                   .attrs = a, .num_outputs = 3});
  ASSERT_FALSE(r.is_ok());
  EXPECT_NE(r.status().to_string().find("activation 'Cosh' is not supported"), std::string::npos) << r.status().to_string();
}

}  // namespace
}  // namespace hone::testing
