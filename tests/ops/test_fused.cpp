// Hone's fused operators (FusedConv, FusedGemm, FusedMatMul, FusedElementwise) against the
// unfused nodes they replace, run one by one through the reference: results must be identical
// (each fused step rounds exactly as the separate node did). Plus their attribute errors.
#include "harness/op_harness.hpp"

namespace hone::testing {
namespace {

using ir::Attribute;

Tensor run1(const std::string& op, std::vector<Datum> inputs, ir::Attributes a = {}, const std::string& domain = {}) {
  OpCall call{.op_type = op, .inputs = std::move(inputs), .attrs = std::move(a), .domain = domain};
  auto r = run_op(call);
  EXPECT_TRUE(r.is_ok()) << op << ": " << r.status().to_string();
  return r.is_ok() ? r->at(0).tensor : Tensor();
}

Datum rnd(Shape s, uint64_t seed) { return Datum::of(random_float(std::move(s), seed, -2.0f, 2.0f)); }

TEST(FusedConv, EqualsConvThenActivationAddAndPostActivation) {
  const Datum x = rnd({1, 3, 7, 6}, 1), w = rnd({4, 3, 3, 3}, 2), b = rnd({4}, 3), z = rnd({1, 4, 7, 6}, 4);
  const ir::Attributes conv_attrs = attrs({{"pads", Attribute::of_ints({1, 1, 1, 1})}});
  // Unfused: Conv -> LeakyRelu(0.1) -> Add(z) -> Relu.
  Tensor y = run1("Conv", {x, w, b}, conv_attrs);
  y = run1("LeakyRelu", {Datum::of(y)}, attrs({{"alpha", Attribute::of_float(0.1f)}}));
  y = run1("Add", {Datum::of(y), z});
  y = run1("Relu", {Datum::of(y)});
  ir::Attributes fa = conv_attrs;
  fa.set("activation", Attribute::of_string("LeakyRelu"));
  fa.set("activation_params", Attribute::of_floats({0.1f}));
  fa.set("post_activation", Attribute::of_string("Relu"));
  const Tensor fused = run1("FusedConv", {x, w, b, z}, fa, "hone");
  EXPECT_TRUE(tensors_near(fused, y, 0, 0));
}

TEST(FusedConv, ActivationsMatchTheirOperators) {
  const Datum x = rnd({2, 4, 5, 5}, 5), w = rnd({6, 2, 3, 3}, 6);
  const ir::Attributes conv_attrs = attrs({{"group", Attribute::of_int(2)}, {"strides", Attribute::of_ints({2, 2})}});
  const Tensor conv = run1("Conv", {x, w}, conv_attrs);
  struct Case {
    std::string op;
    ir::Attributes op_attrs;
    std::vector<Datum> extra;
    std::string act;
    std::vector<float> params;
  };
  const std::vector<Case> cases = {
      {"Relu", {}, {}, "Relu", {}},
      {"Sigmoid", {}, {}, "Sigmoid", {}},
      {"Tanh", {}, {}, "Tanh", {}},
      {"HardSwish", {}, {}, "HardSwish", {}},
      {"HardSigmoid", attrs({{"alpha", Attribute::of_float(0.3f)}, {"beta", Attribute::of_float(0.4f)}}), {}, "HardSigmoid", {0.3f, 0.4f}},
      {"Swish", {}, {}, "Swish", {1.0f}},
      {"Clip", {}, {floats({}, {0.0f}), floats({}, {6.0f})}, "Clip", {0.0f, 6.0f}},
      {"Elu", attrs({{"alpha", Attribute::of_float(0.7f)}}), {}, "Elu", {0.7f}},
      {"Gelu", {}, {}, "Gelu", {}},
      {"Gelu", attrs({{"approximate", Attribute::of_string("tanh")}}), {}, "GeluTanh", {}},
      {"Softplus", {}, {}, "Softplus", {}},
      {"Mish", {}, {}, "Mish", {}},
  };
  for (const Case& c : cases) {
    std::vector<Datum> in = {Datum::of(conv)};
    for (const Datum& e : c.extra) in.push_back(e);
    OpCall call{.op_type = c.op, .inputs = in, .attrs = c.op_attrs, .opset = 24};
    auto want = run_op(call);
    ASSERT_TRUE(want.is_ok()) << c.op << ": " << want.status().to_string();
    ir::Attributes fa = conv_attrs;
    fa.set("activation", Attribute::of_string(c.act));
    if (!c.params.empty()) fa.set("activation_params", Attribute::of_floats(c.params));
    const Tensor got = run1("FusedConv", {x, w}, fa, "hone");
    EXPECT_TRUE(tensors_near(got, want->at(0).tensor, 0, 0)) << c.act;
  }
}

TEST(FusedConv, BadEpiloguesAreErrors) {
  const Datum x = rnd({1, 1, 4, 4}, 7), w = rnd({2, 1, 3, 3}, 8);
  OpCall call{.op_type = "FusedConv", .inputs = {x, w}, .domain = "hone"};
  call.attrs.set("activation", Attribute::of_string("Softmax"));
  auto r = run_op(call);
  ASSERT_FALSE(r.is_ok());
  EXPECT_NE(r.status().message().find("unknown activation 'Softmax'"), std::string::npos) << r.status().to_string();
  call.attrs.set("activation", Attribute::of_string("LeakyRelu"));
  r = run_op(call);
  ASSERT_FALSE(r.is_ok());
  EXPECT_NE(r.status().message().find("takes 1 parameter(s), got 0"), std::string::npos) << r.status().to_string();
  OpCall bad_z{.op_type = "FusedConv", .inputs = {x, w, omitted(), rnd({1, 2, 3, 2}, 9)}, .domain = "hone"};
  r = run_op(bad_z);
  ASSERT_FALSE(r.is_ok());
  EXPECT_NE(r.status().message().find("must have the output's shape"), std::string::npos) << r.status().to_string();
}

TEST(FusedGemm, EqualsGemmThenActivation) {
  const Datum a = rnd({5, 7}, 10), b = rnd({3, 7}, 11), c = rnd({3}, 12);
  const ir::Attributes gemm = attrs({{"transB", Attribute::of_int(1)}, {"alpha", Attribute::of_float(0.5f)}});
  const Tensor want = run1("Sigmoid", {Datum::of(run1("Gemm", {a, b, c}, gemm))});
  ir::Attributes fa = gemm;
  fa.set("activation", Attribute::of_string("Sigmoid"));
  EXPECT_TRUE(tensors_near(run1("FusedGemm", {a, b, c}, fa, "hone"), want, 0, 0));
}

TEST(FusedMatMul, EqualsMatMulAddAndActivation) {
  const Datum a = rnd({2, 3, 4, 5}, 13), b = rnd({5, 6}, 14), bias = rnd({6}, 15), z = rnd({2, 3, 4, 6}, 16);
  Tensor want = run1("MatMul", {a, b});
  want = run1("Add", {Datum::of(want), bias});
  want = run1("Gelu", {Datum::of(want)}, attrs({{"approximate", Attribute::of_string("tanh")}}));
  want = run1("Add", {Datum::of(want), z});
  ir::Attributes fa;
  fa.set("activation", Attribute::of_string("GeluTanh"));
  EXPECT_TRUE(tensors_near(run1("FusedMatMul", {a, b, bias, z}, fa, "hone"), want, 0, 0));
  // A bias that would grow the product is refused.
  OpCall bad{.op_type = "FusedMatMul", .inputs = {a, b, rnd({7, 2, 3, 4, 6}, 17)}, .domain = "hone"};
  EXPECT_FALSE(run_op(bad).is_ok());
}

TEST(FusedElementwise, EqualsTheChainOfNodes) {
  // v = x0 * x1; v = Sigmoid(v); v = x2 - v; v = Clip(v, -0.5, 0.5); v = Max(v, x3); v = Abs(v)
  const Datum x0 = rnd({2, 3, 4}, 20), x1 = rnd({3, 1}, 21), x2 = rnd({4}, 22), x3 = rnd({2, 1, 1}, 23);
  Tensor want = run1("Mul", {x0, x1});
  want = run1("Sigmoid", {Datum::of(want)});
  want = run1("Sub", {x2, Datum::of(want)});
  want = run1("Clip", {Datum::of(want), floats({}, {-0.5f}), floats({}, {0.5f})});
  want = run1("Max", {Datum::of(want), x3});
  want = run1("Abs", {Datum::of(want)});
  ir::Attributes fa;
  fa.set("ops", Attribute::of_strings({"Mul", "Sigmoid", "Sub", "Clip", "Max", "Abs"}));
  fa.set("operands", Attribute::of_ints({1, -1, 2, -1, 3, -1}));
  fa.set("swap", Attribute::of_ints({0, 0, 1, 0, 0, 0}));
  fa.set("params", Attribute::of_floats({0, 0, 0, 0, 0, 0, -0.5f, 0.5f, 0, 0, 0, 0}));
  const Tensor got = run1("FusedElementwise", {x0, x1, x2, x3}, fa, "hone");
  EXPECT_EQ(got.shape(), (Shape{2, 3, 4}));
  EXPECT_TRUE(tensors_near(got, want, 0, 0));
}

TEST(FusedElementwise, MalformedProgramsAreErrors) {
  const Datum x0 = rnd({4}, 30);
  OpCall call{.op_type = "FusedElementwise", .inputs = {x0}, .domain = "hone"};
  call.attrs.set("ops", Attribute::of_strings({"Add"}));
  call.attrs.set("operands", Attribute::of_ints({1}));
  call.attrs.set("swap", Attribute::of_ints({0}));
  call.attrs.set("params", Attribute::of_floats({0, 0}));
  auto r = run_op(call);
  ASSERT_FALSE(r.is_ok());
  EXPECT_NE(r.status().message().find("reads input 1, which does not exist"), std::string::npos) << r.status().to_string();
  call.attrs.set("ops", Attribute::of_strings({"Softmax"}));
  call.attrs.set("operands", Attribute::of_ints({-1}));
  r = run_op(call);
  ASSERT_FALSE(r.is_ok());
  EXPECT_NE(r.status().message().find("not a fusable elementwise op"), std::string::npos) << r.status().to_string();
  call.attrs.set("params", Attribute::of_floats({0}));
  EXPECT_FALSE(run_op(call).is_ok());
}

}  // namespace
}  // namespace hone::testing
