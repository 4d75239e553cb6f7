// Einsum (explicit/implicit output, diagonals, ellipsis broadcast, contraction) and Det.
#include "harness/op_harness.hpp"

namespace hone::testing {
namespace {

Result<std::vector<Datum>> einsum(const std::string& eq, std::vector<Tensor> xs) {
  OpCall c{.op_type = "Einsum"};
  for (auto& x : xs) c.inputs.push_back(Datum::of(x));
  c.attrs.set("equation", ir::Attribute::of_string(eq));
  return run_op(c);
}

TEST(Einsum, MatMulExplicitAndImplicit) {
  const Tensor a = make_float({2, 3}, {1, 2, 3, 4, 5, 6});
  const Tensor b = make_float({3, 2}, {1, 0, 0, 1, 1, 1});
  const Tensor want = make_float({2, 2}, {4, 5, 10, 11});
  for (const char* eq : {"ij,jk->ik", "ij,jk", "ij , jk -> ik"}) {
    auto r = einsum(eq, {a, b});
    ASSERT_TRUE(r.is_ok()) << r.status().to_string();
    EXPECT_TRUE(tensors_near(r->at(0).tensor, want, 0, 0)) << eq;
  }
  // Implicit output is alphabetical: "ji,kj" -> "ik" transposed relative to the term order.
  auto r = einsum("ba,cb", {make_float({3, 2}, {1, 4, 2, 5, 3, 6}), make_float({2, 3}, {1, 0, 1, 0, 1, 1})});
  ASSERT_TRUE(r.is_ok()) << r.status().to_string();
  EXPECT_TRUE(tensors_near(r->at(0).tensor, want, 0, 0));
}

TEST(Einsum, DiagonalTraceAndOuter) {
  const Tensor m = make_float({3, 3}, {1, 2, 3, 4, 5, 6, 7, 8, 9});
  auto r = einsum("ii->i", {m});
  ASSERT_TRUE(r.is_ok()) << r.status().to_string();
  EXPECT_TRUE(tensors_near(r->at(0).tensor, make_float({3}, {1, 5, 9}), 0, 0));
  r = einsum("ii", {m});
  ASSERT_TRUE(r.is_ok()) << r.status().to_string();
  EXPECT_TRUE(tensors_near(r->at(0).tensor, make_float({}, {15}), 0, 0));
  r = einsum("i,j->ji", {make_float({2}, {1, 2}), make_float({3}, {1, 10, 100})});
  ASSERT_TRUE(r.is_ok()) << r.status().to_string();
  EXPECT_TRUE(tensors_near(r->at(0).tensor, make_float({3, 2}, {1, 2, 10, 20, 100, 200}), 0, 0));
}

TEST(Einsum, EllipsisBroadcasts) {
  // a [2, 1, 1, 2], b [3, 2, 1]: batch dims [2, 1] x [3] broadcast to [2, 3].
  const Tensor a = make_float({2, 1, 1, 2}, {1, 2, 3, 4});
  const Tensor b = make_float({3, 2, 1}, {1, 1, 0, 1, 2, 0});
  auto r = einsum("...ij,...jk->...ik", {a, b});
  ASSERT_TRUE(r.is_ok()) << r.status().to_string();
  EXPECT_TRUE(tensors_near(r->at(0).tensor, make_float({2, 3, 1, 1}, {3, 2, 2, 7, 4, 6}), 0, 0));
}

TEST(Einsum, MismatchIsAnError) {
  auto r = einsum("ij,jk->ik", {make_float({2, 3}, {}), make_float({2, 2}, {})});
  ASSERT_FALSE(r.is_ok());
  EXPECT_NE(r.status().to_string().find("label sizes disagree"), std::string::npos) << r.status().to_string();
}

TEST(Det, BatchedWithPivoting) {
  // [[0,1],[1,0]] needs a row swap: det -1; [[2,0,0],[0,3,0],[1,1,4]] has det 24.
  auto r = run_op({.op_type = "Det", .inputs = {Datum::of(make_float({2, 2, 2}, {0, 1, 1, 0, 1, 2, 3, 4}))}});
  ASSERT_TRUE(r.is_ok()) << r.status().to_string();
  EXPECT_TRUE(tensors_near(r->at(0).tensor, make_float({2}, {-1, -2}), 1e-6, 1e-6));
  r = run_op({.op_type = "Det", .inputs = {Datum::of(make_float({3, 3}, {2, 0, 0, 0, 3, 0, 1, 1, 4}))}});
  ASSERT_TRUE(r.is_ok()) << r.status().to_string();
  EXPECT_TRUE(tensors_near(r->at(0).tensor, make_float({}, {24}), 1e-6, 1e-6));
  r = run_op({.op_type = "Det", .inputs = {Datum::of(make_float({2, 3}, {}))}});
  ASSERT_FALSE(r.is_ok());
  EXPECT_NE(r.status().to_string().find("matrices must be square"), std::string::npos) << r.status().to_string();
}

}  // namespace
}  // namespace hone::testing
